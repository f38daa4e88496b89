"""Hostile files: swapped for links or pipes while a run reads, huge lines, bad names, huge numbers, odd headlines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading

import pytest
from click.testing import CliRunner

from searchnews import NewsIndex
from searchnews.cli import cli
from searchnews.ingest import corpus
from searchnews.ingest.cleaning import read_file
from searchnews.ingest.corpus import SourceFile, read_documents, walk
from searchnews.models import Article, FileProblem

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links, pipes and file names")

STORY = "Harbour story number {n}\n\nThe harbour council met on day {n} to discuss the quay and the ferry plan.\n"
SECRET = "Vault memo\n\nThe vault combination is written on the back of the harbour calendar, said the memo.\n"


def sources(folder) -> list[SourceFile]:
    return [item for item in walk([folder]) if isinstance(item, SourceFile)]


# ---------------------------------------------------------------------------
# 7. a file swapped for a symbolic link or a named pipe after the folder was listed


@pytest.fixture
def swapped(tmp_path):
    folder, outside = tmp_path / "news", tmp_path / "private"
    folder.mkdir()
    outside.mkdir()
    (folder / "a.txt").write_text(STORY.format(n=1), encoding="utf-8")
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    return folder, outside


def test_a_file_swapped_for_a_link_out_of_the_corpus_is_not_read(swapped):
    folder, outside = swapped
    (source,) = sources(folder)
    (folder / "a.txt").unlink()
    (folder / "a.txt").symlink_to(outside / "secret.txt")
    (problem,) = list(read_file(source))
    assert problem.reason == "became a symbolic link after its folder was listed; not followed"


def test_a_folder_swapped_for_a_link_out_of_the_corpus_is_not_read(swapped, tmp_path):
    folder, outside = swapped
    (folder / "sub").mkdir()
    (folder / "sub" / "secret.txt").write_text(STORY.format(n=2), encoding="utf-8")
    found = {os.path.basename(s.path): s for s in sources(folder)}
    (folder / "sub" / "secret.txt").unlink()
    (folder / "sub").rmdir()
    (folder / "sub").symlink_to(outside)  # the folder above the file is now a link out of the corpus
    (problem,) = list(read_file(found["secret.txt"]))
    assert problem.reason == "symbolic link points outside the corpus folder; not followed"


def test_a_file_swapped_for_a_named_pipe_never_hangs(swapped):
    folder, _outside = swapped
    (source,) = sources(folder)
    (folder / "a.txt").unlink()
    os.mkfifo(folder / "a.txt")
    result: list = []
    reader = threading.Thread(target=lambda: result.extend(read_file(source)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a named pipe hangs"
    (problem,) = result
    assert problem.reason == "not a regular file (it was replaced after its folder was listed)"


def test_a_run_that_indexed_a_secret_removes_it_when_the_link_is_refused(swapped, tmp_path):
    """Articles indexed through a link that is no longer followed leave the index."""
    folder, outside = swapped
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    index = tmp_path / "index"
    CliRunner().invoke(cli, ["index", str(folder), "--index", str(index), "--follow-symlinks"])
    with NewsIndex.open(index) as ix:
        assert ix.search("vault").total == 1
    result = CliRunner().invoke(cli, ["index", str(folder), "--index", str(index)])
    assert "link.txt: symbolic link points outside the corpus folder; not followed" in result.output
    with NewsIndex.open(index) as ix:
        assert ix.search("vault").total == 0
        assert len(ix) == 1


def test_links_inside_the_corpus_are_still_followed(tmp_path):
    folder = tmp_path / "news"
    (folder / "real").mkdir(parents=True)
    (folder / "real" / "a.txt").write_text(STORY.format(n=3), encoding="utf-8")
    (folder / "alias.txt").symlink_to(folder / "real" / "a.txt")
    found = sources(folder)
    assert len(found) == 2
    assert all(isinstance(item, Article) for source in found for item in read_file(source))


# ---------------------------------------------------------------------------
# 10. a huge JSONL line is measured while it is read


def test_a_huge_jsonl_line_is_never_read_whole(tmp_path):
    """A 300 MB line in a process limited to 250 MB of memory: reported, and the next line read."""
    path = tmp_path / "feed.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"title": "Before", "text": "The line before the huge one is read."}\n')
        handle.write(b'{"title": "Huge", "text": "')
        chunk = b"x" * (1 << 20)
        for _ in range(300):
            handle.write(chunk)
        handle.write(b'"}\n{"title": "After", "text": "The line after the huge one is read too."}\n')
    script = textwrap.dedent(f"""
        import resource
        from searchnews.ingest.cleaning import read_file
        resource.setrlimit(resource.RLIMIT_AS, (250 * 2**20, 250 * 2**20))
        for item in read_file({str(path)!r}):
            print(getattr(item, "headline", None) or (item.line, item.reason))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Before", "(2, 'line too long (315 MB; a line may be at most 10 MB)')",
                                          "After"]


# ---------------------------------------------------------------------------
# 12. file names that are not valid UTF-8


def test_a_file_name_that_is_not_utf8_is_reported_printably_and_the_rest_indexed(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for n, name in enumerate((b"a.txt", b"bad\xff.txt", b"z.txt")):
        with open(os.path.join(os.fsencode(folder), name), "w", encoding="utf-8") as handle:
            handle.write(STORY.format(n=n))
    os.mkdir(os.path.join(os.fsencode(folder), b"dir\xfe"))
    with open(os.path.join(os.fsencode(folder), b"dir\xfe", b"in.txt"), "w", encoding="utf-8") as handle:
        handle.write(STORY.format(n=9))
    index = tmp_path / "index"
    result = subprocess.run([sys.executable, "-m", "searchnews", "index", str(folder), "--index", str(index)],
                            capture_output=True, timeout=120, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "Articles: 2 added" in out
    assert "bad\\xff.txt: name is not valid UTF-8; rename it to index it" in out
    assert "dir\\xfe: name is not valid UTF-8; rename it to index it" in out
    with NewsIndex.open(index) as ix:
        assert len(ix) == 2
    cleaned = CliRunner().invoke(cli, ["clean", "--json", str(folder)])
    assert len(cleaned.stdout.splitlines()) == 2


# ---------------------------------------------------------------------------
# 13. JSON integers of thousands of digits


def test_json_integers_of_thousands_of_digits(tmp_path):
    huge = "1" + "0" * 5000
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "one.json").write_text('{"title": "Ferry fares frozen", "text": "Fares stay the same this year, '
                                     f'the ferry office said.", "n": {huge}, "id": {huge}}}', encoding="utf-8")
    (folder / "feed.jsonl").write_text(f'{{"title": "Tram fares frozen", "text": "Fares stay the same.", '
                                       f'"views": {huge}}}\n', encoding="utf-8")
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([folder])
        assert (report.added, report.rejected) == (2, ())
        assert ix.get(huge).headline == "Ferry fares frozen"  # the id is kept as written
    result = CliRunner().invoke(cli, ["clean", "--json", str(folder / "one.json")])
    assert result.exit_code == 0 and json.loads(result.stdout)["headline"] == "Ferry fares frozen"


# ---------------------------------------------------------------------------
# 20. headlines that are JSON objects or lists


@pytest.mark.parametrize("headline, expected", [
    ({"text": "Harbour reopens", "lang": "en"}, "Harbour reopens"),
    ({"name": "Harbour reopens"}, "Harbour reopens"),
    (["Harbour", "reopens"], "Harbour reopens"),
    ([{"value": "Harbour reopens"}], "Harbour reopens"),
    (2024, "2024"),
])
def test_object_and_list_headlines_give_their_text(tmp_path, headline, expected):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"headline": headline, "text": "The harbour reopened on Monday after repairs."}))
    (article,) = list(read_file(path))
    assert article.headline == expected


@pytest.mark.parametrize("headline, kind", [({"lang": "en"}, "an object"), ([None, {}], "a JSON list"),
                                            (True, "a JSON bool")])
def test_a_headline_without_text_is_left_out_with_a_reason(tmp_path, headline, kind):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"headline": headline, "text": "The harbour reopened on Monday after repairs."}))
    items = list(read_file(path))
    article = next(item for item in items if isinstance(item, Article))
    assert "{" not in article.headline and "[" not in article.headline
    notes = [item.reason for item in items if isinstance(item, FileProblem)]
    assert notes == [f"the headline is {kind} without text; left out"]


def test_every_record_of_a_json_list_gets_its_own_problem_line(tmp_path, monkeypatch):
    """A JSON file's notes (its decoding) are reported once, not once per record."""
    path = tmp_path / "list.json"
    records = [{"title": f"Story {n}", "text": "Caf\u00e9 news from the harbour today."} for n in range(5)]
    path.write_bytes(json.dumps(records, ensure_ascii=False).encode("cp1252"))
    notes = [item.reason for item in read_file(path) if isinstance(item, FileProblem)]
    assert len(notes) == 1 and "cp1252" in notes[0]


def test_reading_honours_the_part_of_a_big_file(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"title": f"T{n}", "text": f"Text {n}."}) + "\n" for n in range(10)))
    (source,) = sources(tmp_path)
    part = corpus.next_part(source, 4)
    assert (part.part.start, part.part.number, part.part.end_number, part.part.records) == (0, 1, 5, 4)
    second = corpus.next_part(SourceFile(source.path, "jsonl", source.size, source.mtime_ns,
                                         corpus.Part(part.part.end, part.part.end_number)), 100)
    assert second.part.end is None and second.part.records == 6
    lines = [doc.line for doc in read_documents(part)] + [doc.line for doc in read_documents(second)]
    assert lines == list(range(1, 11))
