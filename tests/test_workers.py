"""Parallel indexing: worker processes give the same index as indexing in one process."""

from __future__ import annotations

import os

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


# ---------------------------------------------------------------------------
# workers die with their parent, and never hold the lock

HOLD_AND_FORK = """
import os, sys, time
from searchnews.index.folder import WriteLock
lock = WriteLock(sys.argv[1])
assert lock.acquire()
child = os.fork()
if child == 0:  # a forked worker: it must not keep the lock alive after its parent dies
    time.sleep(60)
    os._exit(0)
print(child, flush=True)
time.sleep(60)
"""


def test_a_forked_child_does_not_keep_the_lock_after_its_parent_is_killed(tmp_path):
    import signal
    import subprocess
    import sys

    from searchnews.index.folder import WriteLock

    parent = subprocess.Popen([sys.executable, "-c", HOLD_AND_FORK, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    try:
        assert not WriteLock(str(tmp_path)).acquire()  # held by the parent
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        os.kill(child, 0)  # the child still runs...
        lock = WriteLock(str(tmp_path))
        assert lock.acquire()  # ...and the lock is free
        lock.release()
    finally:
        for pid in (parent.pid, child):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        parent.stdout.close()


def test_workers_end_when_their_parent_is_killed(tmp_path, sample_corpus):
    """kill -9 of an index run: its worker processes end at once (they would hold its work and files)."""
    import signal
    import subprocess
    import sys
    import time

    script = ("import sys, time\n"
              "from searchnews.index.workers import WorkerPool\n"
              "with WorkerPool(sys.argv[1], 2) as pool:\n"
              "    print(' '.join(str(p.pid) for p in pool._procs), flush=True)\n"
              "    time.sleep(60)\n")
    with NewsIndex.create(tmp_path / "index"):
        pass
    parent = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "index")], stdout=subprocess.PIPE,
                              text=True)
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    parent.stdout.close()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in workers if _alive(pid)]
        time.sleep(0.05)
    assert alive == [], "worker processes outlived their parent"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ")[1][0] not in "ZX"  # a zombie has ended
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def test_workers_learn_each_folder_as_one_process_does(tmp_path, sample_corpus):
    from searchnews.index.workers import WorkerPool
    from searchnews.ingest.learning import learn_boilerplate

    files = [item for item in walk([sample_corpus]) if isinstance(item, SourceFile)]
    index = NewsIndex.create(tmp_path / "ix")
    with index, WorkerPool(index.path, 2) as pool:
        learned = pool.learn(files).learned()
    alone = learn_boilerplate(files)
    assert learned.groups == alone.groups and learned.counts == alone.counts
    assert len(alone) > 0  # the sample corpus has a folder of AFP dispatches with their disclaimer


def test_story_signatures_are_computed_once_per_article_by_whoever_indexes_it(tmp_path, sample_corpus, monkeypatch):
    from searchnews.index import stories

    calls = []
    real = stories.signature
    monkeypatch.setattr(stories, "signature", lambda body: calls.append(1) or real(body))
    index, report = build(tmp_path / "ix", sample_corpus, workers=1)
    with index:
        assert report.added == 45 and len(calls) == 45  # not again when the story table is brought up to date
        assert index.stats().copies > 0


class _Segment:
    def __init__(self, count):
        self.count = count

    def doc_count_all(self):
        return self.count


def test_merges_write_segments_of_bounded_size(monkeypatch):
    from searchnews.index import workers

    monkeypatch.setattr(workers, "MAX_MERGE_DOCS", 1000)
    segments = [_Segment(100) for _ in range(45)]
    groups = workers.merge_groups(segments, 2)
    assert len(groups) == 5  # 4,500 documents in segments of at most about 1,000
    assert sorted(sum(s.count for s in g) for g in groups) == [900, 900, 900, 900, 900]
    assert len(workers.merge_groups(segments[:3], 2)) == 2  # one per worker when they are small


def test_a_big_index_is_compacted_once_not_at_every_run(monkeypatch):
    from searchnews.index import workers
    from searchnews.index.writing import _Run

    monkeypatch.setattr(workers, "MAX_MERGE_DOCS", 1000)
    run = _Run.__new__(_Run)
    run.tx = type("Tx", (), {})()
    run.tx.segments = [_Segment(100) for _ in range(120)]  # 12,000 documents: more than 8 segments of 1,000
    merging = run._to_merge(2)
    assert merging  # the small ones are merged
    merged = workers.merge_groups(merging, 2)
    run.tx.segments = [s for s in run.tx.segments if s not in merging] + [_Segment(sum(x.count for x in g))
                                                                         for g in merged]
    assert run._to_merge(2) == []  # and the result is left alone by the next run
