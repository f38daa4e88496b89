"""Indexing: incremental runs, the manifest, problems reported, locks and errors."""

from __future__ import annotations

import json
import os
import time

import pytest

from searchnews import CorpusError, IndexCorrupt, IndexLocked, IndexNotFound, NewsIndex
from searchnews.index.writing import MANIFEST_NAME, Indexer

ARTICLE = """{headline}

{headline}

By Test Writer

{body}

PAY ATTENTION: Follow our live coverage on the app
"""


def write_article(folder, name, headline, body="The council met on Tuesday to discuss the harbour budget."):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(headline=headline, body=body), encoding="utf-8")
    return path


def touch_later(path):
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "news"
    write_article(folder, "a.txt", "Harbour budget approved")
    write_article(folder, "b.txt", "Ferry timetable changes", "Ferries will run every twenty minutes from May.")
    write_article(folder, "sub/c.txt", "Library reopens after flood", "The library reopened with new shelves.")
    return folder


@pytest.fixture
def ix(tmp_path):
    with NewsIndex.create(tmp_path / "index") as index:
        yield index


def test_first_run_adds_every_article(ix, corpus):
    report = ix.add([corpus])
    assert (report.files_seen, report.added, report.updated, report.deleted) == (3, 3, 0, 0)
    assert len(ix) == 3


def test_second_run_skips_unchanged_files(ix, corpus):
    ix.add([corpus])
    report = ix.add([corpus])
    assert (report.files_unchanged, report.unchanged, report.added, report.files_indexed) == (3, 3, 0, 0)
    assert len(ix) == 3


def test_changed_file_is_updated_not_duplicated(ix, corpus):
    ix.add([corpus])
    path = write_article(corpus, "a.txt", "Harbour budget rejected")
    touch_later(path)
    report = ix.add([corpus])
    assert (report.updated, report.added, report.unchanged) == (1, 0, 2)
    assert len(ix) == 3
    assert [h.headline for h in ix.search("harbour budget").hits] == ["Harbour budget rejected"]


def test_deleted_file_is_removed(ix, corpus):
    ix.add([corpus])
    (corpus / "b.txt").unlink()
    report = ix.add([corpus])
    assert report.deleted == 1
    assert len(ix) == 2
    assert ix.search("ferries").total == 0


def test_run_on_another_folder_keeps_the_first(ix, corpus, tmp_path):
    ix.add([corpus])
    other = tmp_path / "other"
    write_article(other, "d.txt", "Orchard harvest record")
    report = ix.add([other])
    assert (report.added, report.deleted) == (1, 0)
    assert len(ix) == 4


def test_jsonl_line_removed_deletes_that_article(ix, tmp_path):
    folder = tmp_path / "json"
    folder.mkdir()
    path = folder / "feed.jsonl"
    lines = [json.dumps({"title": f"Story number {i}", "text": f"Body text of story {i} about tides."})
             for i in range(3)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ix.add([folder])
    path.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    touch_later(path)
    report = ix.add([folder])
    assert (report.updated, report.deleted) == (2, 1)
    assert len(ix) == 2


def test_record_ids_are_kept(ix, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"id": "wire-42", "title": "Dam opens", "body": "The dam opened today."}))
    ix.add([path])
    assert ix.get("wire-42").headline == "Dam opens"


def test_duplicate_record_id_in_two_files_is_reported(ix, tmp_path):
    for name in ("x.json", "y.json"):
        (tmp_path / name).write_text(json.dumps({"id": "same", "title": f"From {name}", "body": "Text here."}))
    report = ix.add([tmp_path])
    assert len(ix) == 1
    assert any("also in" in w.reason for w in report.warnings)


def test_bad_files_are_reported_and_the_rest_indexed(ix, corpus):
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0binary")
    (corpus / "blob.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (corpus / "feed.jsonl").write_text('{"title": "Good line", "body": "Fine text."}\n{broken\n', encoding="utf-8")
    report = ix.add([corpus])
    reasons = {os.path.basename(p.path): p.reason for p in report.rejected}
    assert reasons["photo.jpg"].startswith("unknown format .jpg")
    assert reasons["blob.txt"] == "binary data, not text"
    assert [p.line for p in report.rejected if p.path.endswith("feed.jsonl")] == [2]
    assert report.added == 4


def test_cp1252_file_is_indexed_and_reported_as_repaired(ix, tmp_path):
    (tmp_path / "old.txt").write_bytes("Caf\xe9 reopens\n\nThe caf\xe9 reopened on Monday.".encode("cp1252"))
    report = ix.add([tmp_path])
    assert report.added == 1
    assert "decoded as cp1252" in report.warnings[0].reason
    assert ix.search("café").total == 1


def test_missing_path_is_a_corpus_error(ix, tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        ix.add([tmp_path / "nope"])


def test_empty_folder_is_a_corpus_error(ix, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="nothing to index"):
        ix.add([empty])


def test_manifest_written_after_commit(ix, corpus, tmp_path):
    ix.add([corpus])
    manifest = json.loads((tmp_path / "index" / MANIFEST_NAME).read_text())
    assert len(manifest["files"]) == 3
    assert all(len(entry["ids"]) == 1 for entry in manifest["files"].values())


def test_lost_manifest_does_not_duplicate(ix, corpus, tmp_path):
    ix.add([corpus])
    (tmp_path / "index" / MANIFEST_NAME).unlink()
    ix.add([corpus])
    assert len(ix) == 3


def test_small_batches_commit_and_count_right(tmp_path, corpus):
    with NewsIndex.create(tmp_path / "ix2") as index:
        report = Indexer(index._ix, index.path, commit_every=1).run([corpus])
        assert report.added == 3
        assert len(index) == 3


def test_interrupt_keeps_committed_articles(ix, corpus):
    def progress(done, total, path):
        if done == 2:
            raise KeyboardInterrupt

    # One file per commit: the first file is committed, the second is being read when Ctrl-C comes.
    report = Indexer(ix._ix, ix.path, commit_every=1).run([corpus], progress=progress)
    assert report.interrupted
    assert len(ix) == 1
    assert (report.added, report.files_indexed) == (1, 1)  # the cancelled round is not reported
    again = ix.add([corpus])
    assert (again.added, again.unchanged) == (2, 1)
    assert len(ix) == 3


def test_second_writer_gets_a_clear_error(ix, corpus, tmp_path):
    writer = ix._ix.writer()
    try:
        with pytest.raises(IndexLocked, match="another searchnews process is writing"):
            ix.add([corpus])
    finally:
        writer.cancel()


def test_open_missing_index(tmp_path):
    with pytest.raises(IndexNotFound) as info:
        NewsIndex.open(tmp_path / "none")
    assert str(info.value) == f"no searchnews index at {tmp_path / 'none'}"
    assert info.value.path == str(tmp_path / "none")


def test_open_corrupt_index(tmp_path, corpus):
    with NewsIndex.create(tmp_path / "index") as index:
        index.add([corpus])
    for toc in (tmp_path / "index").glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage" * 10)
    with pytest.raises(IndexCorrupt, match="rebuild it with"):
        NewsIndex.open(tmp_path / "index")
