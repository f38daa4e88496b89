"""Every search feature on every index layout, checked against a brute-force oracle (tests/layouts.py).

The same fictional articles are indexed into one segment, a segment per
file, segments without dates, sources, captions or copies (before and after
the others), after deletions and after a compaction. Each feature must give
the answer the oracle computes from the articles alone, whatever the layout.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from click.testing import CliRunner
from layouts import ARTICLES, BY_ID, FILTERS, LAYOUTS, NO_FILTER, QUERIES, Filter, Oracle, build_layout

from searchnews import NewsIndex
from searchnews.cli import cli
from searchnews.search.searching import RECENCY_WEIGHT, SORTS

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(scope="session")
def built_layouts(tmp_path_factory):
    """Every layout of :data:`layouts.LAYOUTS`, built once per session."""
    return {name: build_layout(layout, tmp_path_factory.mktemp(name)) for name, layout in LAYOUTS.items()}


@pytest.fixture(scope="session")
def opened(built_layouts):
    indexes = {}
    yield lambda name: indexes.setdefault(name, NewsIndex.open(built_layouts[name].path))
    for ix in indexes.values():
        ix.close()


@pytest.fixture(params=sorted(LAYOUTS))
def case(request, built_layouts, opened):
    """``(index, oracle)`` of one layout."""
    name = request.param
    return opened(name), Oracle(built_layouts[name].articles)


def everything(ix, query, where: Filter = NO_FILTER, **kwargs):
    kwargs.setdefault("collapse", False)
    return ix.search(query, limit=1000, suggest=False, highlight=False, **where.kwargs(), **kwargs)


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


# -- what the index holds ----------------------------------------------------------------------


def test_the_index_holds_the_articles_as_written(case):
    ix, oracle = case
    assert len(ix) == len(oracle.articles)
    for piece in oracle.articles:
        article = ix.get(piece.id)
        assert (article.headline, article.body, article.captions) == (piece.headline, piece.body, piece.captions)
        assert (article.source, article.date, article.language) == (piece.source, piece.date, piece.language)


def test_stats(case):
    ix, oracle = case
    stats = ix.stats()
    expected = oracle.stats()
    assert stats.articles == expected["articles"]
    assert dict(stats.sources) == expected["sources"]
    assert dict(stats.languages) == expected["languages"]
    assert (stats.first_date, stats.last_date) == (expected["first_date"], expected["last_date"])
    assert (stats.stories, stats.copies) == (expected["stories"], expected["copies"])


# -- matching, filters and relevance -------------------------------------------------------------


@pytest.mark.parametrize("where", FILTERS, ids=str)
def test_matches_totals_and_tiers(case, where):
    ix, oracle = case
    for query in QUERIES:
        results = everything(ix, query, where)
        some = oracle.any_word(query, where)
        every = oracle.all_words(query, where)
        assert sorted(ids(results)) == sorted(p.id for p in some), query
        assert results.total == len(some), query
        assert results.all_words_total == (len(every) if " " in query else None), query
        ranks = {hit.id: rank for rank, hit in enumerate(results.hits)}
        if every and len(every) < len(some):  # all the words first
            assert max(ranks[p.id] for p in every) < min(ranks[p.id] for p in some if p not in every), query
        for hit in results.hits:
            piece = BY_ID[hit.id]
            assert (hit.date, hit.source, hit.language) == (piece.date, piece.source, piece.language)


@pytest.mark.parametrize("where", FILTERS[:3], ids=str)
def test_collapsed_relevance_keeps_the_best_copy(case, where):
    ix, oracle = case
    for query in QUERIES:
        flat = everything(ix, query, where)
        tier = {p.id: 0 for p in oracle.all_words(query, where)}
        best = {hit.id: (tier.get(hit.id, 1), -hit.score) for hit in flat.hits}
        folded = everything(ix, query, where, collapse=True)
        some = oracle.any_word(query, where)
        stories = [oracle.story_of(BY_ID[hit.id]) for hit in folded.hits]
        assert len(stories) == len(set(stories)), query
        assert set(stories) == {oracle.story_of(p) for p in some}, query
        assert folded.collapsed == oracle.folded(some), query
        assert folded.total == flat.total, query
        for hit in folded.hits:
            key = oracle.story_of(BY_ID[hit.id])
            members = [p.id for p in some if oracle.story_of(p) == key]
            assert best[hit.id] == pytest.approx(min(best[m] for m in members)), (query, hit.id)
            assert [c.id for c in hit.copies] == oracle.copies(hit.id), (query, hit.id)


# -- date orders and recency -------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("collapse", [True, False], ids=["collapsed", "copies listed"])
@pytest.mark.parametrize("where", FILTERS[:2], ids=str)
def test_date_orders(case, sort, collapse, where):
    ix, oracle = case
    for query in QUERIES:
        results = everything(ix, query, where, sort=sort, collapse=collapse)
        expected = oracle.by_date(query, sort == "newest", where, collapse)
        got = [(oracle.date_key(BY_ID[hit.id], sort == "newest"),
                oracle.story_of(BY_ID[hit.id]) if collapse else hit.id) for hit in results.hits]
        assert [key for key, _ in got] == [key for key, _ in expected], query  # the order, ties aside
        assert sorted(got) == sorted(expected), query  # the same hits (the same stories)
        assert results.total == len(oracle.about(query, where)), query


def test_recency_multiplies_each_score_by_its_date_bonus(case):
    ix, oracle = case
    half_life = dt.timedelta(days=30)
    newest = oracle.newest()
    for query in QUERIES:
        plain = {hit.id: hit.score for hit in everything(ix, query).hits}
        recent = everything(ix, query, recency="30d")
        assert sorted(ids(recent)) == sorted(plain), query
        for hit in recent.hits:
            date = BY_ID[hit.id].date
            bonus = 1.0 if date is None else 1 + RECENCY_WEIGHT * 0.5 ** (
                max(dt.timedelta(0), newest - date) / half_life)
            assert hit.score == pytest.approx(plain[hit.id] * bonus, rel=1e-6), (query, hit.id)


# -- facets and timelines ----------------------------------------------------------------------


@pytest.mark.parametrize("where", FILTERS, ids=str)
def test_facets(case, where):
    ix, oracle = case
    for query in QUERIES:
        facets = ix.search(query, facets=True, suggest=False, highlight=False, **where.kwargs()).facets
        expected = oracle.facets(query, where)
        got = {"articles": facets.articles, "sources": facets.sources, "months": facets.months,
               "languages": facets.languages}
        assert got == expected, query


@pytest.mark.parametrize("by", ["day", "week", "month", "auto"])
@pytest.mark.parametrize("where", FILTERS[:3], ids=str)
def test_timeline(case, by, where):
    ix, oracle = case
    for query in QUERIES:
        timeline = ix.timeline(query, by, **where.kwargs())
        expected = oracle.timeline(query, timeline.by, where)
        assert by in ("auto", timeline.by)
        assert (timeline.total, timeline.undated) == (expected["total"], expected["undated"]), query
        assert {b.label: b.count for b in timeline.buckets if b.count} == expected["counts"], query
        assert sum(b.count for b in timeline.buckets) == timeline.total - timeline.undated


# -- copies, similar, pages --------------------------------------------------------------------


def test_copies_of_every_article(case):
    ix, oracle = case
    for piece in oracle.articles:
        assert [c.id for c in ix.copies(piece.id)] == oracle.copies(piece.id), piece.id


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_similar(case, sort):
    ix, oracle = case
    for piece in (p for p in oracle.articles if p.id in ("k01", "k02", "k07", "k12", "k17")):
        for where in (NO_FILTER, FILTERS[1]):
            results = ix.similar(piece.id, limit=1000, sort=sort, highlight=False, **where.kwargs())
            own = oracle.story_of(piece)
            stories = [oracle.story_of(BY_ID[hit.id]) for hit in results.hits]
            assert own not in stories, piece.id
            assert len(stories) == len(set(stories)), piece.id
            assert all(where.allows(BY_ID[hit.id]) for hit in results.hits), piece.id
            assert results.total - results.collapsed == len(results.hits), piece.id
            if sort != "relevance":
                keys = [oracle.date_key(BY_ID[hit.id], sort == "newest") for hit in results.hits]
                assert keys == sorted(keys), piece.id
            for hit in results.hits:
                assert [c.id for c in hit.copies] == oracle.copies(hit.id)
                assert (hit.date, hit.source) == (BY_ID[hit.id].date, BY_ID[hit.id].source)


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("collapse", [True, False], ids=["collapsed", "copies listed"])
def test_pages_add_up_to_the_whole_list(case, sort, collapse):
    ix, _oracle = case
    for query in ("harbour", "harbour strike", "kestrel"):
        whole = ix.search(query, limit=1000, sort=sort, collapse=collapse, suggest=False, highlight=False)
        assert not whole.more
        pages, offset = [], 0
        while True:
            page = ix.search(query, limit=3, offset=offset, sort=sort, collapse=collapse, suggest=False,
                             highlight=False)
            assert (page.total, page.collapsed) == (whole.total, whole.collapsed), query
            if not page.hits:
                break
            pages.extend(ids(page))
            assert page.more == (offset + len(page.hits) < len(whole.hits)), (query, offset)
            offset += 3
        assert pages == ids(whole), query
        assert len(whole.hits) == whole.total - whole.collapsed, query


# -- the command line on a layout that used to crash -------------------------------------------


@pytest.mark.parametrize("name", ["undated-first", "undated-last", "unsourced-first"])
def test_cli_features_run_on_layouts_that_used_to_crash(built_layouts, name):
    path = str(built_layouts[name].path)
    oracle = Oracle(built_layouts[name].articles)
    runner = CliRunner()
    for args in (["query", "harbour", "--facets"], ["timeline", "harbour"], ["query", "harbour", "--sort", "newest"],
                 ["query", "harbour", "--sort", "oldest"], ["query", "harbour", "--recency", "30d"],
                 ["similar", "k01"], ["stats"]):
        done = runner.invoke(cli, [*args, "--index", path])
        assert done.exit_code == 0, (args, done.output)
        assert "Traceback" not in done.output
    months = dict(oracle.facets("harbour")["months"])
    facets = runner.invoke(cli, ["query", "harbour", "--facets", "--index", path]).output
    assert f"(no date) {months[None]}" in facets
    newest = runner.invoke(cli, ["query", "harbour", "--sort", "newest", "--fields", "id", "--index", path]).output
    first = next(line.split(". ", 1)[1] for line in newest.splitlines() if line.lstrip().startswith("1. "))
    assert BY_ID[first].date == max(p.date for p in oracle.any_word("harbour") if p.date)


def test_every_article_is_in_a_layout_and_the_queries_find_things():
    """The matrix is only as good as its data: queries that find nothing, or find everything, test little."""
    oracle = Oracle(ARTICLES)
    counts = {query: len(oracle.any_word(query)) for query in QUERIES}
    assert counts["zeppelin"] == 0
    assert all(0 < n < len(ARTICLES) for query, n in counts.items() if query != "zeppelin"), counts
    assert not oracle.all_words("lighthouse strike") and oracle.any_word("lighthouse strike")
    assert math.isclose(len({p.language for p in ARTICLES}), 3)
