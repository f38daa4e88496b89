"""NewsIndex.iter_search: every hit of a search, a page at a time, from one view of the index."""

from __future__ import annotations

import pytest

from searchnews import NewsIndex
from searchnews.errors import ArgumentError, FilterError, QuerySyntaxError, SearchnewsError


def every_page(ix: NewsIndex, query: str, **options) -> list[str]:
    ids, offset = [], 0
    while True:
        page = ix.search(query, limit=4, offset=offset, **options)
        ids += [hit.id for hit in page.hits]
        if not page.more:
            return ids
        offset += len(page.hits)


@pytest.mark.parametrize("options", [{}, {"collapse": False}, {"sort": "newest"}, {"sort": "oldest"},
                                     {"recency": "30d"}, {"since": "2022-11", "languages": ["en"]},
                                     {"sources": ["AFP", "Reuters"]}])
def test_the_hits_are_those_of_the_pages_of_search(sample_index, options):
    with NewsIndex.open(sample_index) as ix:
        expected = every_page(ix, "said OR sanctions", **options)
        assert len(expected) > 3
        got = [hit.id for hit in ix.iter_search("said OR sanctions", page_size=3, **options)]
        assert got == expected


def test_hits_have_no_highlights_unless_asked(sample_index):
    with NewsIndex.open(sample_index) as ix:
        plain = next(ix.iter_search("sanctions"))
        marked = next(ix.iter_search("sanctions", highlight=True))
    assert not any(plain.highlights.values())
    assert any(marked.highlights.values())


def test_a_commit_between_pages_changes_nothing(tmp_path, sample_copy):
    """The hits are read from one view of the index: articles added meanwhile neither shift nor join the list."""
    with NewsIndex.create(tmp_path / "index") as ix:
        ix.add([sample_copy / "txt"])
        expected = [hit.id for hit in ix.iter_search("said", page_size=2)]
        hits = ix.iter_search("said", page_size=2)
        got = [next(hits).id]
        with NewsIndex.open(tmp_path / "index") as writer:
            writer.add([sample_copy])  # the other folders: many more articles that say "said"
        assert ix.search("said").total > len(expected)
        got += [hit.id for hit in hits]
    assert got == expected


def test_arguments_are_checked_at_the_call(sample_index):
    with NewsIndex.open(sample_index) as ix:
        with pytest.raises(FilterError, match="sort: 'best' is not an order"):
            ix.iter_search("x", sort="best")
        with pytest.raises(FilterError, match="since: cannot read '2022-13'"):
            ix.iter_search("x", since="2022-13")
        with pytest.raises(ArgumentError, match="page_size is the number of hits read at a time, a whole number "
                                                "from 1 to 1000, not 0"):
            ix.iter_search("x", page_size=0)
        with pytest.raises(ArgumentError, match="query is text, not None"):
            ix.iter_search(None)
        hits = ix.iter_search('"unclosed')  # the query is parsed by the first search
        with pytest.raises(QuerySyntaxError, match="unclosed quote"):
            next(hits)


def test_a_search_cut_by_the_time_limit_is_an_error_not_a_short_list(sample_index, monkeypatch):
    from searchnews.search import searching

    monkeypatch.setattr(searching, "TIME_LIMIT", 0.0)
    monkeypatch.setattr(searching, "MIN_BUDGET", 0.0)
    with NewsIndex.open(sample_index) as ix:
        hits = ix.iter_search("said", page_size=5)
        with pytest.raises(SearchnewsError, match="the search for 'said' reached its time limit; "
                                                  "narrow it with filters to list every match"):
            next(hits)


def test_all_hits_are_ranked_once_then_read_a_page_at_a_time(sample_index, monkeypatch):
    """The query is evaluated once, however many pages the hits fill."""
    from searchnews.search import context as contexts

    evaluations = []
    real = contexts.SearchContext.evaluator

    def counted(self, *args, **kwargs):
        evaluations.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(contexts.SearchContext, "evaluator", counted)
    with NewsIndex.open(sample_index) as ix:
        hits = list(ix.iter_search("said OR the OR korea", page_size=3, collapse=False))
    assert len(hits) > 9 and len(evaluations) == 1
