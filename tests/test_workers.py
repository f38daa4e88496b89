"""Parallel indexing: worker processes give the same index as indexing in one process."""

from __future__ import annotations

import pytest

from searchnews import NewsIndex
from searchnews.index import writing as indexing
from searchnews.index.workers import _balance, default_workers
from searchnews.index.writing import Indexer
from searchnews.ingest.corpus import SourceFile, walk


@pytest.fixture
def parallel_always(monkeypatch):
    monkeypatch.setattr(indexing, "PARALLEL_MIN_BYTES", 0)


def build(path, corpus, workers, commit_every=indexing.COMMIT_EVERY):
    index = NewsIndex.create(path)
    report = Indexer(index._ix, index.path, workers=workers, commit_every=commit_every).run([corpus])
    return index, report


def test_two_workers_index_what_one_process_does(tmp_path, sample_corpus, parallel_always):
    serial, serial_report = build(tmp_path / "one", sample_corpus, workers=1)
    parallel, parallel_report = build(tmp_path / "two", sample_corpus, workers=2)
    with serial, parallel:
        assert parallel_report.added == serial_report.added == len(parallel) == 45
        assert parallel_report.warnings == serial_report.warnings
        for query in ("ICBM sanctions", '"world cup"', "source:dpa", "date:2021", "oil"):
            assert {h.id for h in parallel.search(query, limit=50)} == {h.id for h in serial.search(query, limit=50)}


def test_workers_with_many_rounds_count_right(tmp_path, sample_corpus, parallel_always):
    index, report = build(tmp_path / "ix", sample_corpus, workers=2, commit_every=5)
    with index:
        assert report.added == len(index) == 45
        # 8 rounds of 2 worker segments each, compacted at the end of the run
        assert len(index._ix._segments()) <= indexing.MAX_SEGMENTS
        again = index.add([sample_corpus])
        assert (again.added, again.unchanged) == (0, 45)


def test_balance_keeps_every_file_once_in_order():
    files = [SourceFile(f"/c/{i:03d}.txt", "text", size, 0) for i, size in enumerate([5, 90, 7, 40, 40, 3, 60])]
    shares = _balance(files, 3)
    assert sorted(f.path for share in shares for f in share) == [f.path for f in files]
    for share in shares:
        assert share == sorted(share, key=lambda f: f.path)
    sizes = sorted(sum(f.size for f in share) for share in shares)
    assert sizes[-1] - sizes[0] <= 90


def test_default_workers_from_environment(monkeypatch):
    monkeypatch.setenv("SEARCHNEWS_WORKERS", "3")
    assert default_workers() == 3
    monkeypatch.setenv("SEARCHNEWS_WORKERS", "")
    assert default_workers() >= 1


def test_walk_feeds_workers_source_files(sample_corpus):
    files = [f for f in walk([sample_corpus]) if isinstance(f, SourceFile)]
    assert len(files) == 36


PROMO = "Tap the bell on the Harbour Gazette app for alerts on every story"


def write_site(folder, count=8):
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"story-{number}.txt").write_text(
            f"Harbour story number {number}\n\nThe council met on day {number} to discuss the quay.\n\n"
            f"{PROMO}\n\nA second paragraph about tides and ferries, number {number}.\n", encoding="utf-8")


def test_index_drops_lines_learned_from_the_folder(tmp_path):
    write_site(tmp_path / "site")
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add([tmp_path / "site"])
        assert index.search('"bell on the harbour gazette app"').total == 0
        assert index.search("quay").total == 8


def test_workers_drop_learned_lines_too(tmp_path, parallel_always):
    write_site(tmp_path / "site")
    index, report = build(tmp_path / "ix", tmp_path / "site", workers=2)
    with index:
        assert report.added == 8
        assert index.search('"bell on the harbour gazette app"').total == 0


def test_compaction_keeps_every_article_and_drops_deleted_ones(tmp_path, sample_copy):
    index, _ = build(tmp_path / "ix", sample_copy, workers=1, commit_every=1)
    with index:
        assert len(index._ix._segments()) <= indexing.MAX_SEGMENTS
        assert len(index) == 45
        (sample_copy / "json" / "wire.jsonl").unlink()
        report = Indexer(index._ix, index.path, workers=1, commit_every=1).run([sample_copy])
        assert report.deleted == 5
        assert len(index) == 40
        assert index._ix.doc_count_all() >= 40
