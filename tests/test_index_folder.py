"""The index folder: the lock comes first, user files are never deleted, leftovers of failed runs are removed."""

from __future__ import annotations

import errno
import json
import os
import shutil

import pytest
from click.testing import CliRunner

from searchnews import IndexLocked, IndexNotWritable, NewsIndex
from searchnews.cli import cli
from searchnews.index import writing
from searchnews.index.writing import MANIFEST_NAME

STORY = "Harbour story number {n}\n\nThe harbour council met on day {n} to discuss the quay and the ferry plan.\n"


@pytest.fixture
def news(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(6):
        (folder / f"s{n}.txt").write_text(STORY.format(n=n), encoding="utf-8")
    return folder


@pytest.fixture
def built(tmp_path, news):
    index = tmp_path / "index"
    with NewsIndex.create(index) as ix:
        ix.add([news])
    return index


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "MAIN_WRITELOCK"}


# ---------------------------------------------------------------------------
# 1. --rebuild takes the lock first


def test_rebuild_refused_by_the_lock_changes_nothing(built, news):
    from whoosh.util.filelock import FileLock

    before = snapshot(built)
    holder = FileLock(str(built / "MAIN_WRITELOCK"))  # another writer holds the lock (Whoosh's own lock)
    assert holder.acquire(blocking=False)
    try:
        with pytest.raises(IndexLocked, match="another searchnews process is writing to"):
            NewsIndex.create(built)
        result = run("index", news, "--index", built, "--rebuild")
    finally:
        holder.release()
    assert result.exit_code == 1
    assert result.output == (f"Error: another searchnews process is writing to {built}; "
                             f"wait for it to finish and run this again\n")
    assert snapshot(built) == before
    with NewsIndex.open(built) as ix:
        assert len(ix) == 6


# ---------------------------------------------------------------------------
# 2. files the index did not write


@pytest.mark.parametrize("name", ["_MAIN_notes.txt", "MAIN_electionresults1.txt", "MAIN_0123456789abcdef.txt"])
def test_user_files_named_like_index_files_are_never_deleted(built, news, name):
    (built / name).write_text("my notes", encoding="utf-8")
    (news / "new.txt").write_text(STORY.format(n=99), encoding="utf-8")
    assert run("index", news, "--index", built).exit_code == 0  # a run that commits
    assert (built / name).read_text(encoding="utf-8") == "my notes"
    result = run("index", news, "--index", built, "--rebuild")
    assert result.exit_code == 1
    assert result.output == (f"Error: {built} holds files that are not an index's ({name}); an index is made "
                             f"only in an empty folder or in one that holds an index: choose another folder\n")
    assert (built / name).read_text(encoding="utf-8") == "my notes"
    with NewsIndex.open(built) as ix:
        assert len(ix) == 7


def test_an_index_is_not_made_among_other_files(tmp_path, news):
    folder = tmp_path / "documents"
    folder.mkdir()
    for name in ("notes.txt", "photo.jpg", "drafts"):
        (folder / name).write_text("x") if "." in name else (folder / name).mkdir()
    with pytest.raises(IndexNotWritable) as caught:
        NewsIndex.open(folder, create=True)
    assert str(caught.value) == (f"{folder} holds files that are not an index's (drafts, notes.txt, photo.jpg); "
                                 f"an index is made only in an empty folder or in one that holds an index: "
                                 f"choose another folder")
    assert sorted(os.listdir(folder)) == ["drafts", "notes.txt", "photo.jpg"]


def test_a_readme_and_hidden_files_may_share_the_folder(tmp_path, news):
    folder = tmp_path / "index"
    folder.mkdir()
    (folder / "README.md").write_text("The default index folder.")
    (folder / ".gitignore").write_text("*")
    assert run("index", news, "--index", folder).exit_code == 0
    assert run("index", news, "--index", folder, "--rebuild").exit_code == 0
    assert (folder / "README.md").exists() and (folder / ".gitignore").exists()


def test_index_file_names_are_exact():
    from searchnews.index.folder import is_index_file

    assert is_index_file("_MAIN_12.toc") and is_index_file("_MAIN_12.toc.1701412345.5")
    assert is_index_file("MAIN_lkkxdbbeduuf1l2o.seg") and is_index_file("MAIN_lkkxdbbeduuf1l2o._stored.col")
    assert is_index_file(MANIFEST_NAME) and is_index_file("MAIN_WRITELOCK")
    for name in ("_MAIN_notes.txt", "MAIN_electionresults1.txt", "MAIN_short.seg", "notes.toc", "MAIN_.trm"):
        assert not is_index_file(name), name


# ---------------------------------------------------------------------------
# 22. clear messages for an index path that cannot be a folder


def test_dangling_symlink_as_index(tmp_path, news):
    link = tmp_path / "ix"
    link.symlink_to(tmp_path / "nowhere")
    result = run("index", news, "--index", link)
    assert result.exit_code == 1
    assert result.output == (f"Error: {link} is a symbolic link to {tmp_path / 'nowhere'}, which does not exist; "
                             f"create that folder or choose another one for the index\n")


def test_file_as_index(tmp_path, news):
    path = tmp_path / "ix"
    path.write_text("not a folder")
    result = run("index", news, "--index", path)
    assert result.output == f"Error: {path} is a file, not a folder; choose another folder for the index\n"


def test_folder_in_place_of_the_story_table(built, news):
    table = built / "searchnews-stories.sqlite"
    table.unlink()
    table.mkdir()
    result = run("index", news, "--index", built)
    assert result.exit_code == 1
    assert result.output == (f"Error: {table} is a folder, where the story table (a file) belongs; "
                             f"move it out of the index folder\n")


# ---------------------------------------------------------------------------
# 17, 18. what killed and failed runs leave


def _segment_files(index) -> set[str]:
    return {name for name in os.listdir(index) if name.startswith("MAIN_") and name != "MAIN_WRITELOCK"}


def _used_files(index) -> set[str]:
    with NewsIndex.open(index) as ix:
        used = {s.segment_id() for s in ix._ix._segments()}
    return {name for name in _segment_files(index) if name.split(".")[0] in used}


def test_a_run_with_nothing_to_index_repairs_a_killed_compaction(tmp_path, news, monkeypatch):
    index = tmp_path / "index"
    monkeypatch.setattr(writing, "MAX_SEGMENTS", 100)  # as if every compaction had been killed
    with NewsIndex.create(index) as ix:
        writing.Indexer(ix._ix, ix.path, commit_every=1, workers=1).run([news])
        assert len(ix._ix._segments()) == 6
    # a merge killed before its commit leaves a segment that no table of contents names
    (seg,) = [name for name in _segment_files(index) if name.endswith(".sna")][:1]
    shutil.copy(index / seg, index / "MAIN_zzzzzzzzzzzzzzzz.sna")
    monkeypatch.setattr(writing, "MAX_SEGMENTS", 3)
    result = run("index", news, "--index", index)
    assert "Articles: 0 added, 0 updated, 0 deleted, 6 unchanged" in result.output
    with NewsIndex.open(index) as ix:
        assert len(ix._ix._segments()) <= 3
        assert len(ix) == 6
    assert _segment_files(index) == _used_files(index)


def test_partial_segment_files_of_a_failed_commit_are_removed(tmp_path, news, monkeypatch):
    from whoosh.filedb.filestore import FileStorage

    index = tmp_path / "index"
    NewsIndex.create(index).close()
    original = FileStorage.create_file
    written = []

    def full_disk_at_the_table_of_contents(self, name, *args, **kwargs):
        if name.endswith(".toc") or ".toc." in name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)
        written.append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(FileStorage, "create_file", full_disk_at_the_table_of_contents)
    with NewsIndex.open(index) as ix, pytest.raises(IndexNotWritable, match=r"^no space left for the index"):
        ix.add([news])
    monkeypatch.undo()
    assert written, "the segment was written before the commit failed"
    assert _segment_files(index) == _used_files(index) == set()
    assert not (index / "MAIN.tmp").exists()
    with NewsIndex.open(index) as ix:
        assert ix.add([news]).added == 6


# ---------------------------------------------------------------------------
# 19. an index inside the corpus


def test_index_folder_inside_the_corpus_is_not_read(news):
    index = news / "index"
    first = run("index", news, "--index", index)
    second = run("index", news, "--index", index)
    for result in (first, second):
        assert result.exit_code == 0, result.output
        assert "Rejected" not in result.output
    assert "Files seen: 6 (6 read, 0 unchanged, 0 rejected)" in first.output
    assert "Files seen: 6 (0 read, 6 unchanged, 0 rejected)" in second.output
    # another index in the corpus (not the one written) is passed over too
    other = news / "archive-index"
    assert run("index", news / "s0.txt", "--index", other).exit_code == 0
    third = run("index", news, "--index", index)
    assert "Files seen: 6 (0 read, 6 unchanged, 0 rejected)" in third.output


def test_manifest_records_the_generation_it_describes(built):
    data = json.loads((built / MANIFEST_NAME).read_text(encoding="utf-8"))
    with NewsIndex.open(built) as ix:
        assert data["generation"] == ix._ix.latest_generation()


def test_rebuild_replaces_the_index_in_one_step_for_readers(built):
    """The empty index is the next version: a reader sees the old index, then the empty one, never none."""
    with NewsIndex.open(built) as reader:
        assert reader.search("harbour").total == 6
        old = reader._ix.latest_generation()
        NewsIndex.create(built).close()
        assert reader.search("harbour").total == 0
    assert [name for name in os.listdir(built) if name.endswith(".toc")] == [f"_MAIN_{old + 1}.toc"]
    assert not (built / MANIFEST_NAME).exists()
