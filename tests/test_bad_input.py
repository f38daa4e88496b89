"""Bad input: each bad file gets a clear message of its own and never stops a run."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from searchnews import NewsIndex
from searchnews.cli import cli
from searchnews.ingest import corpus
from searchnews.ingest.cleaning import read_file
from searchnews.models import Article, FileProblem

GOOD = ("Ferry timetable changes from Monday\n\n"
        "The harbour ferry will leave ten minutes earlier on weekdays from Monday, the operator said, "
        "to connect with the first train to the city.\n")
BOILERPLATE_ONLY = ("Advertisement\n\nPAY ATTENTION: Follow us on Instagram for the latest news!\n\n"
                    "Read also\n\nSomething else happened somewhere\n\nShare | Tweet | Email\n")

MESSAGES = {
    "empty.txt": "empty file",
    "blank.txt": "empty file",
    "boilerplate.txt": "no article text left after cleaning (only a headline and boilerplate)",
    "blob.txt": "binary data, not text",
    "nobody.html": "no article text found in the page",
}


def _write_bad_files(folder):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("\n \n\t\n", encoding="utf-8")
    (folder / "boilerplate.txt").write_text("Latest news\n\n" + BOILERPLATE_ONLY, encoding="utf-8")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "nobody.html").write_text("<html><head><title>Home</title></head><body><nav>"
                                        "<a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")


def _only_problem(path) -> FileProblem:
    items = list(read_file(path))
    assert len(items) == 1 and isinstance(items[0], FileProblem), items
    return items[0]


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_bad_file_gives_a_clear_message(tmp_path, name):
    _write_bad_files(tmp_path)
    problem = _only_problem(tmp_path / name)
    assert problem.reason == MESSAGES[name]
    assert problem.skipped


def test_oversized_article_file_message(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_ARTICLE_BYTES", 1000)
    path = tmp_path / "long.txt"
    path.write_text("Headline\n\n" + "word " * 1000, encoding="utf-8")
    assert _only_problem(path).reason == "file too large (0 MB; an article file may be at most 0 MB)"


def test_50_mb_single_line_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # a sparse file where the filesystem allows: fast to write
        handle.truncate(50 * 1024 * 1024 - 1)
        handle.seek(0)
        handle.write(b"Headline ")
    assert _only_problem(path).reason == "file too large (52 MB; an article file may be at most 10 MB)"


def test_bad_files_do_not_stop_an_index_run(tmp_path):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    _write_bad_files(corpus_dir)
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([corpus_dir])
    assert report.added == 1
    reasons = {p.path.rsplit("/", 1)[-1]: p.reason for p in report.rejected}
    assert reasons == MESSAGES


def test_clean_command_reports_each_bad_file_and_goes_on(tmp_path):
    _write_bad_files(tmp_path)
    names = [*sorted(MESSAGES), "good.txt"]
    result = CliRunner().invoke(cli, ["clean", "--json", *(str(tmp_path / n) for n in names)])
    assert result.exit_code == 1
    for name, reason in MESSAGES.items():
        assert f"Error: {tmp_path / name}: {reason}" in result.output
    assert '"headline": "Ferry timetable changes from Monday"' in result.output


def test_good_file_next_to_bad_ones_is_cleaned(tmp_path):
    _write_bad_files(tmp_path)
    (article,) = list(read_file(tmp_path / "good.txt"))
    assert isinstance(article, Article)
