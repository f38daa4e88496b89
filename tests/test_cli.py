"""The command line, through click's CliRunner: output, JSON shape, messages and exit codes."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from searchnews.cli import cli


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args, **kwargs):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture(scope="module")
def index_dir(sample_index):
    return sample_index


def test_index_summary(runner, tmp_path, sample_corpus):
    result = run(runner, "index", sample_corpus, "--index", tmp_path / "ix")
    assert result.exit_code == 0
    assert "Files seen: 37 (36 read, 0 unchanged, 1 rejected)" in result.output
    assert "Articles: 45 added, 0 updated, 0 deleted, 0 unchanged" in result.output
    assert "README.md: looks like a folder's README or licence, not an article" in result.output
    assert "decoded as cp1252" in result.output
    assert "took" in result.output


def test_index_twice_reports_unchanged(runner, tmp_path, sample_corpus):
    run(runner, "index", sample_corpus, "--index", tmp_path / "ix")
    result = run(runner, "index", sample_corpus, "--index", tmp_path / "ix")
    assert "Articles: 0 added, 0 updated, 0 deleted, 45 unchanged" in result.output


def test_index_rebuild(runner, tmp_path, sample_corpus):
    run(runner, "index", sample_corpus / "json", "--index", tmp_path / "ix")
    result = run(runner, "index", sample_corpus / "json", "--index", tmp_path / "ix", "--rebuild")
    assert "13 added" in result.output


def test_index_missing_path(runner, tmp_path):
    result = run(runner, "index", tmp_path / "missing", "--index", tmp_path / "ix")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "missing: no such file or folder" in result.output
    assert "Traceback" not in result.output


def test_index_empty_folder(runner, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run(runner, "index", tmp_path / "empty", "--index", tmp_path / "ix")
    assert result.exit_code == 1
    assert "nothing to index: no files under" in result.output


def test_index_only_bad_files_fails(runner, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    result = run(runner, "index", folder, "--index", tmp_path / "ix")
    assert result.exit_code == 1
    assert "scan.pdf: unknown format .pdf" in result.output
    assert "no file could be indexed" in result.output


def test_index_unwritable_folder(runner, tmp_path, sample_corpus):
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("not a folder")
        target = blocker / "ix"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "ix"
    result = run(runner, "index", sample_corpus / "json", "--index", target)
    assert result.exit_code == 1
    assert "cannot write to" in result.output


def test_index_without_progress_bar_when_piped(runner, tmp_path, sample_corpus):
    result = run(runner, "index", sample_corpus / "json", "--index", tmp_path / "ix")
    assert "Indexing" not in result.output


def test_query_text_output(runner, index_dir):
    result = run(runner, "query", "ICBM sanctions", "--index", index_dir, "--limit", "3")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "articles match" in lines[0] and "contain all the words" in lines[0]
    assert lines[2].startswith("1. ")
    assert "\x1b[" not in result.output  # plain when not a terminal
    assert "More: --offset 3" in result.output


def test_query_color_forced(runner, index_dir):
    result = run(runner, "query", "sanctions", "--index", index_dir, "--color")
    assert "\x1b[1;33msanctions\x1b[0m" in result.output


def test_query_json_shape(runner, index_dir):
    result = run(runner, "query", "ICBM sanctions", "--index", index_dir, "--json")
    data = json.loads(result.output)
    assert set(data) == {"query", "total", "all_words_total", "took", "partial", "offset", "sort", "collapsed",
                         "more", "suggestion", "facets", "hits"}
    assert 0 < data["took"] < 10  # seconds, as SearchResults.took
    assert data["query"] == "ICBM sanctions"
    hit = data["hits"][0]
    assert set(hit) == {"id", "score", "headline", "source", "authors", "date", "url", "path", "language",
                        "highlights", "copies"}
    assert set(hit["highlights"]) == {"headline", "body", "captions"}
    assert "<mark>" in hit["highlights"]["body"]


def test_query_json_escapes_html(runner, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "x.txt").write_text("Script tags <b>in</b> headline\n\nA <script>alert(1)</script> sanctions story.")
    run(runner, "index", corpus, "--index", tmp_path / "ix")
    data = json.loads(run(runner, "query", "sanctions", "--index", tmp_path / "ix", "--json").output)
    body = data["hits"][0]["highlights"]["body"]
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_query_no_results(runner, index_dir):
    result = run(runner, "query", "zeppelin", "--index", index_dir)
    assert result.exit_code == 0
    assert "No articles match 'zeppelin'." in result.output


@pytest.mark.parametrize(("query", "message", "caret"), [
    ('"ICBM sanctions', 'unclosed quote: add the closing "', 0),
    ("(oil OR gas", "unclosed parenthesis: add the closing )", 0),
    ("oil AND", "AND needs a word after it", 4),
    ("foo:bar", "unknown field 'foo'", 0),
    ("date:2022-13", "invalid date '2022-13': no such month or day", 5),
])
def test_query_syntax_errors_exit_2_with_a_caret(runner, index_dir, query, message, caret):
    result = run(runner, "query", query, "--index", index_dir)
    assert result.exit_code == 2
    first, shown, pointer = result.output.splitlines()
    assert first.startswith(f"Error: invalid query: {message}")
    assert "position" not in first  # the caret shows where; no second numbering to get wrong
    assert (shown, pointer) == (f"  {query}", "  " + " " * caret + "^")


def test_query_caret_points_at_problem(runner, index_dir):
    result = run(runner, "query", 'oil "price', "--index", index_dir)
    lines = result.output.splitlines()
    assert lines[-2].strip() == 'oil "price'
    assert lines[-1].index("^") - lines[-2].index("o") == 4


def test_query_missing_index(runner, tmp_path):
    result = run(runner, "query", "oil", "--index", tmp_path / "none")
    assert result.exit_code == 1
    assert result.output == (f"Error: no searchnews index at {tmp_path / 'none'}; build one with: "
                             f"searchnews index PATH --index {tmp_path / 'none'}\n")


def test_query_corrupt_index(runner, tmp_path, sample_corpus):
    run(runner, "index", sample_corpus / "json", "--index", tmp_path / "ix")
    for toc in (tmp_path / "ix").glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00garbage")
    result = run(runner, "query", "oil", "--index", tmp_path / "ix")
    assert result.exit_code == 1
    assert "is damaged" in result.output and "--rebuild" in result.output


def test_query_index_from_environment(runner, index_dir):
    result = run(runner, "query", "oil", env={"SEARCHNEWS_INDEX": str(index_dir)})
    assert result.exit_code == 0 and "articles match" in result.output


def test_query_bad_limit_is_usage_error(runner, index_dir):
    result = run(runner, "query", "oil", "--index", index_dir, "--limit", "0")
    assert result.exit_code == 2
    assert "Invalid value for '-n' / '--limit'" in result.output


def test_show(runner, index_dir):
    data = json.loads(run(runner, "query", '"most powerful"', "--index", index_dir, "--json").output)
    article_id = data["hits"][0]["id"]
    result = run(runner, "show", article_id, "--index", index_dir)
    assert result.exit_code == 0
    assert "Source:   AFP" in result.output
    assert "[Photo]" in result.output
    as_json = json.loads(run(runner, "show", article_id, "--index", index_dir, "--json").output)
    assert as_json["id"] == article_id and as_json["source"] == "AFP"


def test_show_unknown_id(runner, index_dir):
    result = run(runner, "show", "nope", "--index", index_dir)
    assert result.exit_code == 1
    assert "Error: no article with id 'nope'" in result.output


def test_clean_json_lines(runner, sample_corpus):
    result = run(runner, "clean", "--json", sample_corpus / "json" / "wire.jsonl")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 5
    assert set(records[0]) == {"file", "headline", "body", "captions", "source", "authors", "date", "url",
                               "language"}
    assert isinstance(records[0]["body"], list)


def test_clean_text_output(runner, sample_corpus):
    result = run(runner, "clean", sample_corpus / "txt" / "2022-11-19-kcna-icbm-launch.txt")
    assert result.exit_code == 0
    assert "PAY ATTENTION" not in result.output


def test_clean_explain(runner, sample_corpus):
    result = run(runner, "clean", "--explain", sample_corpus / "txt" / "2022-11-19-kcna-icbm-launch.txt")
    assert "repeats the headline" in result.output
    assert "promo or navigation line" in result.output


def test_clean_missing_file(runner, tmp_path):
    result = run(runner, "clean", tmp_path / "nope.txt")
    assert result.exit_code == 1
    assert "nope.txt: no such file" in result.output


def test_clean_binary_file(runner, tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * 4)
    result = run(runner, "clean", path)
    assert result.exit_code == 1
    assert "binary data, not text" in result.output


def test_clean_malformed_jsonl_line(runner, tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text('{"title": "Fine", "body": "A good line."}\n{oops\n')
    result = run(runner, "clean", "--json", path)
    assert result.exit_code == 0
    assert "f.jsonl:2: malformed JSON" in result.output


def test_stats(runner, index_dir):
    result = run(runner, "stats", "--index", index_dir)
    assert "Articles:  45" in result.output
    assert "Dates:     2021-" in result.output
    data = json.loads(run(runner, "stats", "--index", index_dir, "--json").output)
    assert data["articles"] == 45


@pytest.mark.parametrize("command", ["index", "query", "show", "clean", "stats"])
def test_every_command_has_help(runner, command):
    result = run(runner, command, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.output and len(result.output.splitlines()) > 5


def test_version(runner):
    assert "searchnews, version" in run(runner, "--version").output


def test_query_at_time_limit_says_so(runner, index_dir, monkeypatch):
    from searchnews.search import searching

    monkeypatch.setattr(searching, "TIME_LIMIT", 0.0)
    monkeypatch.setattr(searching, "MIN_BUDGET", 0.0)
    result = run(runner, "query", "ICBM sanctions", "--index", index_dir)
    assert result.output.startswith("about ") or "before finding a hit (about " in result.output
    assert "The search stopped at its time limit" in result.output
    data = json.loads(run(runner, "query", "ICBM sanctions", "--index", index_dir, "--json").output)
    assert data["partial"] is True


# -- plurals ------------------------------------------------------------------------------------


def test_one_article_matches(runner, index_dir):
    output = run(runner, "query", "bronchiolite", "--index", index_dir, "--facets").output
    assert "Facets of 1 article:" in output
    assert "\n1 article matches (showing 1-1, " in output
    assert "articles match" not in output


def test_one_article_contains_all_the_words(runner, index_dir):
    output = run(runner, "query", "chipmaker profit", "--index", index_dir).output
    assert output.startswith("2 articles match; 1 contains all the words (showing 1-2, ")


# -- a reader that goes away ---------------------------------------------------------------------


@pytest.mark.parametrize("args", [["query", "korea"], ["query", "korea", "--json"], ["timeline", "korea"],
                                  ["stats"], ["similar", "afp-2022-12-16-nk-solid-fuel"],
                                  ["show", "afp-2022-12-16-nk-solid-fuel"], ["clean", "corpus/json/wire.jsonl"],
                                  ["query", "--help"], ["index", "corpus"]])
def test_a_closed_pipe_ends_a_command_quietly(index_dir, sample_copy, tmp_path, args):
    """``searchnews query … | head -1``: no message, the status of a tool stopped by SIGPIPE (141)."""
    import shutil
    import subprocess
    import sys

    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    where = [] if args[0] == "clean" else ["--index", str(index)]
    process = subprocess.Popen([sys.executable, "-m", "searchnews", *args, *where],
                               cwd=sample_copy.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before anything is written
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141, error
    assert error == ""
