"""The index agrees with the disk: damaged manifests, ghost articles, id collisions, big files in parts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

from searchnews import NewsIndex
from searchnews.cli import cli
from searchnews.index import writing
from searchnews.index.writing import MANIFEST_NAME, Indexer

STORY = "Harbour story number {n}\n\nThe harbour council met on day {n} to discuss the quay and the ferry plan.\n"


def write_stories(folder, numbers):
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (folder / f"s{n}.txt").write_text(STORY.format(n=n), encoding="utf-8")


def ids(index) -> list[str]:
    with NewsIndex.open(index) as ix:
        return sorted(fields["id"] for fields in ix._searcher().all_stored_fields())


def paths(index) -> list[str]:
    with NewsIndex.open(index) as ix:
        return sorted(os.path.basename(fields["path"]) for fields in ix._searcher().all_stored_fields())


def record(article_id, title, text="The ferry council met on Tuesday to discuss the timetable for the summer."):
    return json.dumps({"id": article_id, "title": title, "text": text})


def touch_later(path, seconds=5):
    stamp = time.time() + seconds
    os.utime(path, (stamp, stamp))


# ---------------------------------------------------------------------------
# 15. a manifest of the wrong shape


@pytest.mark.parametrize("content", [
    "[]",
    '{"version": 1, "files": []}',
    '{"version": 1, "generation": "7", "files": {}}',
    '{"version": 1, "generation": 1, "files": {PATH: "a string"}}',
    '{"version": 1, "generation": 1, "files": {PATH: {"sig": "big", "ids": 5}}}',
    '{"version": 1, "generation": 1, "files": {PATH: {"sig": [1, 2], "ids": [1, 2]}}}',
    '{"version": 1, "generation": 1, "files": {PATH: {"sig": [1, 2], "ids": [], "next": "end"}}}',
    '{"version": 1, "generation": 1, "files": {PATH: {"sig": SIG, "ids": 5}}}',
    '{"version": 1, "generation": 1, "files": {PATH: {"sig": SIG, "ids": ["x"], "lost": {"a": 1}}}}',
    '{"version": 1, "generation": ' + "9" * 5000 + ', "files": {}}',
    "null",
    '"manifest"',
])
def test_a_manifest_of_the_wrong_shape_means_a_full_read_never_a_traceback(tmp_path, content):
    folder, index = tmp_path / "news", tmp_path / "index"
    write_stories(folder, range(4))
    assert CliRunner().invoke(cli, ["index", str(folder), "--index", str(index)]).exit_code == 0
    expected = ids(index)
    path = folder / "s0.txt"
    sig = [path.stat().st_size, path.stat().st_mtime_ns]
    content = content.replace("PATH", json.dumps(str(path))).replace("SIG", json.dumps(sig))
    (index / MANIFEST_NAME).write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["index", str(folder), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "Files seen: 4 (4 read, 0 unchanged, 0 rejected)" in result.output
    assert ids(index) == expected
    again = CliRunner().invoke(cli, ["index", str(folder), "--index", str(index)])
    assert "Files seen: 4 (0 read, 4 unchanged, 0 rejected)" in again.output


# ---------------------------------------------------------------------------
# 3. ghost articles

KILL_AFTER_COMMIT = textwrap.dedent("""
    import os, sys
    from searchnews.index.manifest import Manifest
    from searchnews import NewsIndex

    def die(self, generation):  # the run is killed right after a commit, before the manifest is written
        os._exit(9)

    Manifest.save = die
    with NewsIndex.open(sys.argv[1]) as ix:
        ix.add([sys.argv[2]])
""")


def test_articles_of_a_commit_without_manifest_go_when_their_files_do(tmp_path):
    folder, index = tmp_path / "news", tmp_path / "index"
    write_stories(folder, range(3))
    with NewsIndex.create(index) as ix:
        ix.add([folder])
    write_stories(folder, range(3, 6))
    killed = subprocess.run([sys.executable, "-c", KILL_AFTER_COMMIT, str(index), str(folder)],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == 9, killed.stderr
    assert len(ids(index)) == 6  # committed, but the manifest still lists three files
    for n in range(3, 6):
        (folder / f"s{n}.txt").unlink()
    with NewsIndex.open(index) as ix:
        ix.add([folder])
    assert paths(index) == ["s0.txt", "s1.txt", "s2.txt"]
    with NewsIndex.open(index) as ix:  # and the next run finds nothing to do
        report = ix.add([folder])
    assert (report.added, report.deleted, report.unchanged) == (0, 0, 3)


def test_ghosts_outside_the_folder_indexed_now_go_too(tmp_path):
    """Articles of unknown files are removed even when the run is about another folder."""
    first, second, index = tmp_path / "a", tmp_path / "b", tmp_path / "index"
    write_stories(first, range(2))
    write_stories(second, range(10, 12))
    NewsIndex.create(index).close()
    killed = subprocess.run([sys.executable, "-c", KILL_AFTER_COMMIT, str(index), str(first)],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == 9
    for path in first.iterdir():
        path.unlink()
    with NewsIndex.open(index) as ix:
        ix.add([second])
    assert paths(index) == ["s10.txt", "s11.txt"]


# ---------------------------------------------------------------------------
# 4. id collisions: the article from the file whose path sorts last is kept


def test_two_lines_with_one_id_in_a_file_keep_the_later(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join([record("w-1", "First version"), record("w-2", "Other story"),
                               record("w-1", "Second version")]) + "\n", encoding="utf-8")
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([path])
        assert (report.added, len(ix)) == (2, 2)
        assert ix.get("w-1").headline == "Second version"
        assert [w.reason for w in report.warnings] == [
            "article id 'w-1' appears twice in this file; the later record is kept"]
        again = ix.add([path])
        assert (again.added, again.unchanged, len(ix)) == (0, 2, 2)


def test_one_id_in_two_files_holds_through_deletions_and_reruns(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    a, b = folder / "a.json", folder / "b.json"
    a.write_text(record("w-7", "From a"), encoding="utf-8")
    b.write_text(record("w-7", "From b"), encoding="utf-8")
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([folder])
        assert (len(ix), ix.get("w-7").headline) == (1, "From b")
        assert [(os.path.basename(w.path), w.reason) for w in report.warnings] == [
            ("a.json", f"article id 'w-7' is also in {b}, whose article is kept")]
        assert ix.add([folder]).unchanged == 1  # a rerun changes nothing
        assert (len(ix), ix.get("w-7").headline) == (1, "From b")
        b.unlink()  # the kept article's file goes: the other one takes its place
        report = ix.add([folder])
        assert (len(ix), ix.get("w-7").headline) == (1, "From a")
        assert (report.added, report.updated, report.deleted) == (0, 1, 0)
        b.write_text(record("w-7", "From b again"), encoding="utf-8")
        ix.add([folder])
        assert (len(ix), ix.get("w-7").headline) == (1, "From b again")
        a.unlink()  # the other file goes: the kept article stays
        report = ix.add([folder])
        assert (len(ix), ix.get("w-7").headline) == (1, "From b again")
        assert (report.added, report.updated, report.deleted) == (0, 0, 0)


def test_the_rule_does_not_depend_on_the_order_of_runs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "feed.json").write_text(record("w-9", "From a"), encoding="utf-8")
    (b / "feed.json").write_text(record("w-9", "From b"), encoding="utf-8")
    with NewsIndex.create(tmp_path / "one") as one, NewsIndex.create(tmp_path / "two") as two:
        one.add([a])
        one.add([b])
        two.add([b])
        two.add([a])
        assert one.get("w-9").headline == two.get("w-9").headline == "From b"
        assert len(one) == len(two) == 1


def test_a_changed_winner_without_the_id_gives_it_back(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.json").write_text(record("w-3", "From a"), encoding="utf-8")
    b = folder / "b.json"
    b.write_text(record("w-3", "From b"), encoding="utf-8")
    with NewsIndex.create(tmp_path / "index") as ix:
        ix.add([folder])
        b.write_text(record("w-4", "Another story in b"), encoding="utf-8")
        touch_later(b)
        ix.add([folder])
        assert {ix.get("w-3").headline, ix.get("w-4").headline} == {"From a", "Another story in b"}
        assert len(ix) == 2


# ---------------------------------------------------------------------------
# 5. big files: committed in parts, resumed, shared among workers


def big_feed(path, count, ids=False):
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(count):
            data = {"title": f"Feed story {n}", "text": f"The quayside report number {n} on the harbour works."}
            if ids:
                data["id"] = f"feed-{n}"
            handle.write(json.dumps(data) + "\n")


def test_a_big_file_is_committed_as_it_goes_and_resumed(tmp_path):
    path = tmp_path / "feed.jsonl"
    big_feed(path, 100)
    index = tmp_path / "index"
    state = {"commits": 0}
    original = writing._Run.commit

    def interrupt_after_three_commits(self):
        original(self)
        state["commits"] += 1
        if state["commits"] == 3:
            raise KeyboardInterrupt

    with NewsIndex.create(index) as ix:
        writing._Run.commit = interrupt_after_three_commits
        try:
            report = Indexer(ix._ix, ix.path, commit_every=10, workers=1).run([path])
        finally:
            writing._Run.commit = original
        assert report.interrupted
        assert len(ix) == report.added == 30  # three parts of ten lines were committed
        manifest = json.loads((index / MANIFEST_NAME).read_text(encoding="utf-8"))
        assert manifest["files"][str(path)]["next"][1] == 31  # the next part starts at line 31
        again = Indexer(ix._ix, ix.path, commit_every=10, workers=1).run([path])
        assert (again.added, again.updated, len(ix)) == (70, 0, 100)  # the first 30 are not read again
    expected = tmp_path / "whole"
    with NewsIndex.create(expected) as ix:
        Indexer(ix._ix, ix.path, commit_every=1000, workers=1).run([path])
    assert ids(index) == ids(expected)  # the same ids as when the file is read whole


def test_a_big_file_changed_while_in_parts_is_read_again_from_the_start(tmp_path):
    path = tmp_path / "feed.jsonl"
    big_feed(path, 40)
    with NewsIndex.create(tmp_path / "index") as ix:
        original = writing._Run.commit
        calls = []

        def interrupt(self):
            original(self)
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt

        writing._Run.commit = interrupt
        try:
            Indexer(ix._ix, ix.path, commit_every=10, workers=1).run([path])
        finally:
            writing._Run.commit = original
        big_feed(path, 25)
        touch_later(path)
        report = Indexer(ix._ix, ix.path, commit_every=10, workers=1).run([path])
        assert len(ix) == 25
        assert (report.added, report.updated, report.deleted) == (5, 20, 0)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_big_file_is_shared_among_the_workers(tmp_path, monkeypatch, suffix):
    from searchnews.index.workers import WorkerPool

    path = tmp_path / f"feed{suffix}"
    if suffix == ".csv":
        rows = [f'Feed story {n},"The quayside report number {n},\non the harbour works."' for n in range(60)]
        path.write_text("title,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    else:
        big_feed(path, 60, ids=True)
    monkeypatch.setattr(writing, "PARALLEL_MIN_BYTES", 0)
    rounds = []
    original = WorkerPool.run_round

    def spy(self, files, on_file, learned):
        rounds.append([(f.part.start, f.part.end) for f in files])
        return original(self, files, on_file, learned)

    monkeypatch.setattr(WorkerPool, "run_round", spy)
    with NewsIndex.create(tmp_path / "index") as ix:
        report = Indexer(ix._ix, ix.path, commit_every=20, workers=2).run([path])
        assert report.added == len(ix) == 60
    assert len(rounds) == 3 and all(len(parts) == 2 for parts in rounds)  # each worker gets a part per round
    whole = tmp_path / "whole"
    with NewsIndex.create(whole) as ix:
        Indexer(ix._ix, ix.path, commit_every=1000, workers=1).run([path])
    assert ids(tmp_path / "index") == ids(whole)


KILL_BIG = textwrap.dedent("""
    import os, signal, sys
    from searchnews.index import writing
    original, count = writing._Run.commit, [0]

    def commit(self):
        original(self)
        count[0] += 1
        if count[0] == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)

    writing._Run.commit = commit
    from searchnews import NewsIndex
    with NewsIndex.open(sys.argv[1], create=True) as ix:
        ix.add([sys.argv[2]])
""")


def test_a_kill_inside_a_big_file_keeps_its_commits(tmp_path):
    path = tmp_path / "feed.jsonl"
    big_feed(path, 300)
    index = tmp_path / "index"
    env = dict(os.environ, SEARCHNEWS_COMMIT_EVERY="50", SEARCHNEWS_PARALLEL_MIN_BYTES="0")
    killed = subprocess.run([sys.executable, "-c", KILL_BIG, str(index), str(path), "3"], capture_output=True,
                            text=True, timeout=120, env=env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(ids(index)) == 150
    rerun = subprocess.run([sys.executable, "-m", "searchnews", "index", str(path), "--index", str(index)],
                           capture_output=True, text=True, timeout=120, env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert "Articles: 150 added, 0 updated, 0 deleted, 0 unchanged" in rerun.stdout
    assert len(set(ids(index))) == len(ids(index)) == 300


def test_an_index_with_one_id_twice_is_mended(tmp_path):
    """An index written by an earlier version kept both articles of a collision: the next run keeps one."""
    from searchnews.index.workers import document
    from searchnews.ingest.cleaning import clean_file

    folder = tmp_path / "news"
    folder.mkdir()
    a, b = folder / "a.json", folder / "b.json"
    a.write_text(record("w-7", "From a"), encoding="utf-8")
    b.write_text(record("w-7", "From b"), encoding="utf-8")
    index = tmp_path / "index"
    with NewsIndex.create(index) as ix:
        ix.add([folder])
        writer = ix._ix.writer()  # as an earlier version did: the article of a.json added as well
        writer.add_document(**document(clean_file(a)[0]))
        writer.commit()
    manifest = json.loads((index / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"][str(a)] = {"sig": manifest["files"][str(a)]["sig"], "ids": ["w-7"]}
    (index / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    assert ids(index) == ["w-7", "w-7"]
    with NewsIndex.open(index) as ix:
        ix.add([folder])
        assert (len(ix), ix.get("w-7").headline) == (1, "From b")
