"""Hostile input: bad files are skipped with a reason and the rest indexed; bad queries get a clear error.

Bad files go through a real ``index`` run next to good ones; bad queries
through :meth:`NewsIndex.search` (Hypothesis) and the ``query`` command (exit
code 2, never a traceback).
"""

from __future__ import annotations

import json
import os
import random
import tempfile

import pytest
from click.testing import CliRunner
from fuzzing import fuzz_settings
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

from searchnews import NewsIndex, QuerySyntaxError
from searchnews.cli import cli
from searchnews.errors import FilterError, SearchnewsError
from searchnews.ingest import corpus as corpus_module
from searchnews.ingest.cleaning import clean_file, read_file
from searchnews.models import Article, FileProblem, SearchResults
from searchnews.search.querysyntax import MAX_QUERY_CHARS

GOOD = "Harbour budget approved\n\nThe council met on Tuesday and approved the harbour budget for next year.\n"
MB = 1024 * 1024


def reasons(report) -> dict[str, str]:
    return {os.path.basename(p.path): p.reason for p in report.rejected if p.line is None}


@pytest.fixture
def bad_folder(tmp_path):
    """Good articles next to every kind of bad file; returns the folder."""
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(3):
        (folder / f"good{i}.txt").write_text(GOOD.replace("Tuesday", f"day {i}"), encoding="utf-8")
    rng = random.Random(5)
    (folder / "random.txt").write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    (folder / "random.html").write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    (folder / "nul.txt").write_bytes(b"Headline\n\nText with\x00NUL\x00bytes in it.\n" * 20)
    (folder / "truncated.txt").write_bytes(("Café reopens\n\nThe café reopened, said the owner " * 3).encode()[:-1]
                                           + "é".encode()[:1])
    (folder / "utf16.txt").write_bytes("Tram line opens\n\nThe new tram line opened on Monday.\n".encode("utf-16-le"))
    (folder / "huge-line.txt").write_bytes(b"x" * (50 * MB))
    (folder / "feed.jsonl").write_bytes(json.dumps({"title": "Ferry news", "text": "Ferries run again."}).encode()
                                        + b"\n" + b'{"title": "' + b"y" * (50 * MB) + b'"}\n'
                                        + b"[" * 100_000 + b"]" * 100_000 + b"\n")
    (folder / "deep.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    (folder / "deep-dicts.json").write_text('{"a": ' * 70 + "1" + "}" * 70)
    with open(folder / "huge.json", "wb") as handle:  # sparse: 300 MB on paper, nothing on disk
        handle.truncate(300 * MB)
    (folder / "nested.html").write_text("<html><body>" + "<div>" * 20_000 + "Deep text" + "</div>" * 20_000
                                        + "</body></html>")
    (folder / "unclosed.html").write_text("<html><body>" + "<p><b><i><span>" * 5_000 + "words")
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "again").symlink_to(folder)  # a folder loop
    (folder / "gone.txt").write_text(GOOD)
    (folder / "locked.txt").write_text(GOOD)
    os.mkfifo(folder / "pipe.txt")
    return folder


def test_every_bad_file_is_skipped_with_a_reason_and_the_rest_indexed(bad_folder, tmp_path, monkeypatch):
    real_open = os.open
    locked = str(bad_folder / "locked.txt")

    def unreadable(path, *args, **kwargs):  # root reads anything, so "permission denied" is simulated
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(corpus_module.os, "open", unreadable)

    def vanish(done, total, path):  # a file deleted while the run is under way
        if (bad_folder / "gone.txt").exists():
            (bad_folder / "gone.txt").unlink()

    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([bad_folder], progress=vanish)
        why = reasons(report)
        assert why["random.txt"] == "binary data, not text"
        assert why["random.html"] == "binary data, not text"
        assert why["nul.txt"] == "binary data, not text"
        assert why["huge-line.txt"] == "file too large (52 MB; an article file may be at most 10 MB)"
        assert why["huge.json"] == "file too large (315 MB; an article file may be at most 268 MB)"
        assert why["deep.json"] == "JSON nested deeper than 64 levels"
        assert why["deep-dicts.json"] == "JSON nested deeper than 64 levels"
        assert why["gone.txt"] == "file vanished while being read"
        assert why["locked.txt"] == "permission denied"
        assert why["pipe.txt"] == "not a regular file"
        assert why["loop-a.txt"].startswith("Too many levels of symbolic links")
        assert why["loop-b.txt"].startswith("Too many levels of symbolic links")
        assert why["again"] == "symbolic link loop; folder already walked"
        feed = {p.line: p.reason for p in report.rejected if p.path.endswith("feed.jsonl")}
        assert feed == {2: "line too long (52 MB; a line may be at most 10 MB)", 3: "JSON nested deeper than 64 levels"}
        repaired = {os.path.basename(p.path): p.reason for p in report.warnings}
        assert repaired["utf16.txt"] == "UTF-16 without a byte-order mark"
        assert repaired["truncated.txt"].endswith("1 bad byte replaced")  # still UTF-8: "Café" intact
        headlines = {h.headline for h in ix.search("harbour OR tram OR ferry OR café", limit=50).hits}
        assert {"Harbour budget approved", "Tram line opens", "Ferry news"} <= headlines
        assert ix.search("reopened").total == 1  # the file with truncated UTF-8
        assert ix.search("café").total == 1
        # Pathological HTML is either cleaned or skipped with a reason; it never stops the run.
        for name in ("nested.html", "unclosed.html"):
            assert name in why or any(h.path.endswith(name) for h in ix.search("deep OR words", limit=50).hits)
        assert len(ix) == report.added


def test_bad_files_through_the_command_line(bad_folder, tmp_path):
    (bad_folder / "locked.txt").unlink()
    result = CliRunner().invoke(cli, ["index", str(bad_folder), "--index", str(tmp_path / "index"), "--verbose"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "random.txt: binary data, not text" in result.output
    assert "deep.json: JSON nested deeper than 64 levels" in result.output
    assert "feed.jsonl:2: line too long (52 MB; a line may be at most 10 MB)" in result.output


# ---------------------------------------------------------------------------
# the cleaner on arbitrary bytes

HOSTILE_BYTES = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda s: s.encode("utf-8", "surrogatepass")[:-1]),  # truncated UTF-8
    st.text(max_size=300).map(lambda s: s.encode("utf-16-le", "surrogatepass")),  # UTF-16 without a BOM
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 3000).map(lambda n: b'{"title": ' * n + b'"x"' + b"}" * n),
    st.integers(1, 3000).map(lambda n: b"<div><p>" * n + b"text"),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                     st.sampled_from(["title", "headline", "body", "text", "date", "authors", "id", "source",
                                      "captions", "url", "lang", "x"]), inner, max_size=6),
                 max_leaves=30).map(lambda v: json.dumps(v).encode()),
)


@fuzz_settings(150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE_BYTES, st.sampled_from([".txt", ".html", ".json", ".jsonl"]))
@example(b"\xff\xfe" + b"\x00" * 9, ".txt")
@example(b'{"title": "t", "body": [1, {"a": 2}], "date": "2022-13-45", "authors": 7}', ".json")
@example(b'{"title": "t", "text": "Body.", "id": ["not", "a", "string"]}', ".jsonl")
def test_cleaner_on_hostile_bytes_returns_articles_or_raises_our_error(data, suffix):
    handle, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        items = list(read_file(path))
        assert all(isinstance(i, (Article, FileProblem)) for i in items)
        for article in (i for i in items if isinstance(i, Article)):
            assert isinstance(article.headline, str) and isinstance(article.id, str)
            assert all(isinstance(p, str) for p in (*article.body, *article.captions, *article.authors))
        try:
            articles = clean_file(path)
        except SearchnewsError:
            return
        assert articles and all(isinstance(a, Article) for a in articles)
    finally:
        os.unlink(path)


# ---------------------------------------------------------------------------
# bad queries

QUERY_PARTS = [
    "ICBM", "sanctions", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "(", ")", '"', "[", "]", "{", "}", " TO ", "*",
    "?", "*ab", "sanct*", "te?t", "date:", "date:2022", "date:2022-13", "date:2022-02-31", "date:>2022-11-01",
    "date:[2022-11-01 TO 2022-11-30]", "date:[TO 2022]", "date:[99999 TO 0]", "source:", "source:AFP",
    "headline:", "foo:bar", "author:\"jane doe\"", ":", "-", "+", "^2", "~", "\\", "/", ">=", "<", "\x00", "\t",
    "\x1b[31m", "\u202e", "\ud7ff", "é", " ", "  ",
]
QUERIES = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(QUERY_PARTS), max_size=25).map("".join),
    st.lists(st.sampled_from(QUERY_PARTS), max_size=25).map(" ".join),
    st.integers(1, 12000).map(lambda n: "a" * n),
)


@fuzz_settings(300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUERIES)
@example("x" * 10_000)
@example("*" * 50)
@example('headline:"')
@example("date:[2022-11-01 TO")
@example("NOT NOT NOT")
@example("< 0")  # Whoosh's parser raised IndexError
@example("?date:[/TO]")  # and a bare Exception
@example("je")  # a French word: the language filter's zero boost made Whoosh divide by zero
def test_search_returns_results_or_a_query_syntax_error(sample_index_search, query):
    try:
        results = sample_index_search(query)
    except QuerySyntaxError as error:
        assert error.reason and "\n" not in error.reason
        assert error.position is None or 0 <= error.position <= len(query)
        return
    assert isinstance(results, SearchResults)
    assert len(results.hits) <= 5 and results.total >= len(results.hits)


@pytest.fixture(scope="module")
def sample_index_search(sample_index):
    with NewsIndex.open(sample_index) as ix:
        yield lambda q: ix.search(q, limit=5)


@pytest.fixture(scope="module")
def sample_index_ix(sample_index):
    with NewsIndex.open(sample_index) as ix:
        yield ix


@pytest.mark.parametrize("query, message", [
    ('"ICBM sanctions', 'unclosed quote: add the closing "'),
    ("(oil AND opec", "unclosed parenthesis: add the closing )"),
    ("oil)", "')' without a matching '('"),
    ("AND", "AND needs a word before it"),
    ("oil OR", "OR needs a word after it"),
    ("NOT", "NOT needs a word after it"),
    ("colour:red", "unknown field 'colour'"),
    ("date:2022-13", "invalid date '2022-13': no such month or day"),
    ("date:yesterdayish", "invalid date 'yesterdayish'"),
    ("date:[2022-11-01 TO 2022-99-01]", "invalid date '2022-99-01'"),
    ("x" * 30_000, f"the query is too long (30000 characters; the limit is {MAX_QUERY_CHARS})"),
    ("*ab", "'*ab' starts with a wildcard, which would scan every word in the index"),
    ("*ssile", "'*ssile' starts with a wildcard, which would scan every word in the index"),
    ("a*", "'a*': a wildcard needs at least two letters before it"),
    ("\x00\x01\x02", "the query is empty"),
    (" OR ".join(["word"] * 70), "too many words for a query with operators (70; the limit is 24)"),
    ("<0", "a comparison needs a field before it, as in date:>2022-11-01"),  # was an IndexError in Whoosh
    ("ICBM >=2022", "a comparison needs a field before it"),
])
def test_bad_query_exits_2_with_a_clear_message(sample_index, query, message):
    result = CliRunner().invoke(cli, ["query", query, "--index", str(sample_index)], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output.startswith("Error: invalid query: ")
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("query", ["ICBM\x00sanctions\x1b", "missi*", "sanct*", "unknownword", "ICBM\tsanctions",
                                   "date:[2022-11-01 TO]", "date:>2022-11-01", "‮ICBM"])
def test_odd_but_valid_query_answers(sample_index, query):
    result = CliRunner().invoke(cli, ["query", query, "--index", str(sample_index), "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] >= 0


# ---------------------------------------------------------------------------
# bad filters and options

WHEN_PARTS = ["2022", "-", "11", "13", "00", "T", "10:00", "Z", "+02:00", "d", "w", "m", "y", "h", "7", "-3",
              "today", "yesterday", " ", "9999", "0", "1e9", "\x00", "é"]
WHENS = st.one_of(st.none(), st.text(max_size=20), st.lists(st.sampled_from(WHEN_PARTS), max_size=6).map("".join))
NAMES = st.lists(st.one_of(st.text(max_size=15), st.sampled_from(["AFP", "Reuters", "Metro Wire", "", " ", "—"])),
                 max_size=3)


@fuzz_settings(200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(WHENS, WHENS, NAMES, NAMES, st.sampled_from(["relevance", "newest", "oldest", "popular"]),
       st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["30d", "2w", "0d", "-1d", "1y"])),
       st.booleans(), st.booleans())
def test_any_filters_give_results_or_a_filter_error(sample_index_ix, since, until, sources, languages, sort,
                                                     recency, facets, collapse):
    try:
        results = sample_index_ix.search("korea OR sanctions", since=since, until=until, sources=sources,
                                         languages=languages, sort=sort, recency=recency, facets=facets,
                                         collapse=collapse, limit=5)
    except FilterError as error:
        assert str(error).startswith(error.parameter) and "\n" not in str(error)
        assert error.parameter in ("since", "until", "sources", "languages", "sort", "recency")
        return
    assert isinstance(results, SearchResults)
    assert len(results.hits) <= 5 and results.total >= len(results.hits)
    assert results.facets is None or results.facets.articles <= results.total


@fuzz_settings(100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(WHENS, WHENS, NAMES, st.sampled_from(["auto", "day", "week", "month"]))
def test_any_timeline_filters_give_a_timeline_or_a_filter_error(sample_index_ix, since, until, sources, by):
    try:
        timeline = sample_index_ix.timeline("korea", by, since=since, until=until, sources=sources)
    except FilterError:
        return
    assert sum(b.count for b in timeline.buckets) + timeline.undated == timeline.total
