"""The vectorized engine and Whoosh's matchers give the same results for every search feature.

Both engines share everything after evaluation (filters, order, folding,
counts, facets), so what is compared here is evaluation itself, through every
feature that uses it, on index layouts users get (tests/layouts.py) and on the
sample corpus: the same hits in the same order, the same scores (to rounding),
totals, folded copies, facets, timelines and similar articles.
"""

from __future__ import annotations

import pytest
from layouts import FILTERS, LAYOUTS, QUERIES, build_layout

from searchnews import NewsIndex
from searchnews.errors import ArgumentError

SAMPLE_QUERIES = ("ICBM sanctions", '"interest rates"', "oil AND (opec OR saudi)", "missile NOT japan",
                  "headline:ceasefire", "source:AFP", "sanction*", "date:2022-11", "date:[2022-11-01 TO 2022-11-30]",
                  "korea OR sanctions", "Sanktionen", "la le", "prix du pétrole", "nuclaer sanctons", "world cup final",
                  "caption:protest", "author:doe", "NOT korea", "climate -protest", "zzzunknown")
EXTRA = ('"harbour strike"', "harbour NOT strike", "harb*", "source:reuters", "date:[2021 TO 2023]")
LAYOUT_NAMES = ("one-segment", "segment-per-file", "undated-first", "no-copies-last", "after-deletions",
                "after-compaction")


def comparable(results) -> dict:
    data = results.to_dict()
    data.pop("took")
    for hit in data["hits"]:
        hit["score"] = round(hit["score"], 6)
    return data


def both(path, call):
    """``call(index)`` with each engine."""
    out = []
    for engine in ("vectorized", "whoosh"):
        with NewsIndex.open(path, engine=engine) as ix:
            out.append(call(ix))
    return out


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    return {name: build_layout(LAYOUTS[name], tmp_path_factory.mktemp(name)).path for name in LAYOUT_NAMES}


def searches(queries):
    for query in queries:
        yield query, {}
        yield query, {"collapse": False, "limit": 3, "offset": 2}
        yield query, {"sort": "newest"}
        yield query, {"sort": "oldest", "collapse": False}
        yield query, {"recency": "30d", "facets": True}


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_every_feature_on_every_layout_gives_the_same_results(layouts, name):
    path = layouts[name]
    for query, options in searches((*QUERIES, *EXTRA)):
        fast, reference = both(path, lambda ix, q=query, o=options: comparable(ix.search(q, **o)))
        assert fast == reference, (name, query, options)
    for where in FILTERS:
        for query in QUERIES[:4]:
            fast, reference = both(path, lambda ix, q=query, w=where: comparable(ix.search(q, facets=True,
                                                                                         **w.kwargs())))
            assert fast == reference, (name, query, where)
        fast, reference = both(path, lambda ix, w=where: ix.timeline("harbour", **w.kwargs()).to_dict())
        assert fast == reference, (name, where)


def test_similar_articles_are_the_same(layouts):
    path = layouts["after-deletions"]
    with NewsIndex.open(path) as ix:
        some = [hit.id for hit in ix.search("harbour OR council OR ferry", limit=6, collapse=False).hits]
    for article_id in some:
        for options in ({}, {"sort": "newest"}, {"collapse": False, "limit": 2, "offset": 1}):
            fast, reference = both(path, lambda ix, a=article_id, o=options: comparable(ix.similar(a, **o)))
            assert fast == reference, (article_id, options)


def test_the_sample_corpus_gives_the_same_results(sample_index):
    for query, options in searches(SAMPLE_QUERIES):
        fast, reference = both(sample_index, lambda ix, q=query, o=options: comparable(ix.search(q, **o)))
        assert fast == reference, (query, options)
    for query in SAMPLE_QUERIES[:6]:
        fast, reference = both(sample_index, lambda ix, q=query: comparable(
            ix.search(q, since="2022-11", sources=["AFP", "Reuters"], languages=["en"], facets=True)))
        assert fast == reference, query


def test_an_unknown_engine_is_refused(sample_index, monkeypatch):
    with pytest.raises(ArgumentError, match="engine is one of vectorized, whoosh, not 'fast'"):
        NewsIndex.open(sample_index, engine="fast")
    monkeypatch.setenv("SEARCHNEWS_ENGINE", "fast")
    with pytest.raises(ArgumentError, match="SEARCHNEWS_ENGINE='fast' is not an engine"):
        NewsIndex.open(sample_index)
