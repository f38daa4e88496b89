"""Queries built from the real grammar (fields, date forms, ranges, operators, quotes, wildcards), then broken.

Random text rarely writes ``date:yesterday]`` or ``NOT NOT oil``; these
strategies assemble queries from the pieces of the syntax (see the README's
"Query syntax") and then mutate them (a character dropped, a bracket or a
colon inserted), so near-misses of every form are tried. Whatever comes in,
the checker, the parser and a search give results or a
:class:`QuerySyntaxError`, never another exception.

CI runs Hypothesis' default number of examples; the long run::

    python -m pytest tests/test_query_fuzz.py --hypothesis-profile=searchnews-long
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from searchnews import NewsIndex, QuerySyntaxError, SearchResults
from searchnews.index.schema import FIELD_ALIASES, make_schema
from searchnews.search.parse import parse_query
from searchnews.search.querysyntax import check_query

FUZZ = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])

FIELDS = [*sorted(FIELD_ALIASES), "Headline", "DATE", "colour", "x_y", "http"]
WORDS = ["ICBM", "sanctions", "korea", "oil", "Café", "Sanktionen", "la", "the", "war", "U.S.", "3.5", "2022",
         "co*", "sanct*", "te?t", "missi?e", "*ab", "?x", "*", "?", "a*", "don't", "e-mail", "北京", "x" * 40,
         "AND", "OR", "NOT", "TO", "to", "and"]
DATES = ["2022", "2022-11", "2022-11-26", "20221126", "202211", "today", "yesterday", "Today", "now", "2022-13",
         "2022-02-30", "2024-02-29", "0000", "0001-01-01", "9999-12-31", "9999", "22", "99999", "2022-11-26T10:00",
         "2022/11/26", "-2022", ""]
COMPARISONS = ["", ">", "<", ">=", "<=", "=>", "=", "<>"]
OPERATORS = [" ", " AND ", " OR ", " NOT ", " ANDNOT ", " ANDMAYBE ", " AND NOT ", "  ", " NOT NOT ", " and "]
BREAKERS = ["[", "]", "{", "}", "(", ")", '"', ":", "*", "?", " TO ", "~", "^2", "\\", "/", "<", ">", " ", "\x00",
            "date:", "headline:"]


def _range(values) -> st.SearchStrategy[str]:
    return st.builds(lambda open_, a, b, close, spaced: f"{open_}{a}{' TO ' if spaced else 'TO'}{b}{close}",
                     st.sampled_from("[{"), values, values, st.sampled_from("]}"), st.booleans())


WORD = st.sampled_from(WORDS)
DATE = st.sampled_from(DATES)
DATE_VALUE = st.one_of(
    st.builds(lambda c, d: c + d, st.sampled_from(COMPARISONS), DATE),
    _range(DATE),
    st.builds(lambda a, b: f"({a} OR {b})", DATE, DATE),
    DATE.map(lambda d: f'"{d}"'),
)
PHRASE = st.lists(WORD, min_size=0, max_size=4).map(lambda words: '"' + " ".join(words) + '"')


def _fielded(name: str, value_words, value_dates) -> str:
    return f"{name}:{value_dates if FIELD_ALIASES.get(name.lower()) == 'date' else value_words}"


FIELDED = st.builds(_fielded, st.sampled_from(FIELDS), st.one_of(WORD, PHRASE, _range(WORD), st.just("")),
                    DATE_VALUE)


def _query(clause: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def join(first, rest):
        return first + "".join(op + term for op, term in rest)

    return st.builds(join, clause, st.lists(st.tuples(st.sampled_from(OPERATORS), clause), max_size=4))


CLAUSE = st.deferred(lambda: st.one_of(
    WORD, WORD, PHRASE, FIELDED, FIELDED, _range(st.one_of(WORD, st.just(""))),
    st.builds(lambda q: f"({q})", _query(CLAUSE)),
    st.builds(lambda c: f"NOT {c}", CLAUSE),
))
GRAMMAR = _query(CLAUSE)


@st.composite
def mutated(draw, base=GRAMMAR) -> str:
    """A grammatical query, then up to three mutations: drop a character, insert a piece, swap two halves."""
    text = draw(base)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["drop", "insert", "swap"]))
        at = draw(st.integers(0, len(text)))
        if kind == "drop" and text:
            at = min(at, len(text) - 1)
            text = text[:at] + text[at + 1:]
        elif kind == "insert":
            text = text[:at] + draw(st.sampled_from(BREAKERS)) + text[at:]
        else:
            text = text[at:] + text[:at]
    return text


QUERIES = st.one_of(GRAMMAR, mutated())

#: Queries that once gave a traceback or a wrong silence (issues 11 and 12).
KNOWN = ["date:yesterday]", "date:yesterday", "headline:", "date:[2014 TO 2013]", "NOT NOT oil", "[a TO]",
         "date:[yesterday TO today]", "oil NOT NOT gas", "headline:source:AFP", "date:\"2022\"", "< 0",
         "?date:[/TO]", "date:(2022 OR 2023)", "(source:) oil", "date:0000", "date:[9999-12-31 TO]",
         '"the AND" the', "la le", 'date:"now"', "date:(now)", "date:([2014 TO 2013])"]


def _check_error(error: QuerySyntaxError, text: str) -> None:
    assert error.reason and "\n" not in error.reason
    assert error.position is None or 0 <= error.position <= len(text)


@FUZZ
@given(QUERIES)
@example("date:yesterday]")  # a ValueError in the checker (issue 11.3)
@example("date:[yesterday TO today]")
def test_the_checker_accepts_or_explains(text):
    try:
        checked = check_query(text)
    except QuerySyntaxError as error:
        _check_error(error, text)
        return
    assert isinstance(checked, str) and checked == checked.strip()


SCHEMA = make_schema()


@FUZZ
@given(QUERIES)
@example("NOT NOT oil")  # an IndexError in Whoosh's parser (issue 12.16)
@example("oil NOT NOT gas")
def test_the_parser_accepts_or_explains(text):
    try:
        strict, loose = parse_query(text, SCHEMA)
    except QuerySyntaxError as error:
        _check_error(error, text)
        return
    assert strict is not None and loose is not None


@pytest.fixture(scope="module")
def sample_ix(sample_index):
    with NewsIndex.open(sample_index) as ix:
        yield ix


def _search_or_explain(ix, text: str, **options) -> SearchResults | None:
    try:
        results = ix.search(text, limit=5, **options)
    except QuerySyntaxError as error:
        _check_error(error, text)
        return None
    assert isinstance(results, SearchResults)
    assert len(results.hits) <= 5
    assert len(results.hits) <= results.total <= len(ix)
    return results


@FUZZ
@given(QUERIES, st.sampled_from(["relevance", "newest"]), st.booleans())
@example("date:yesterday]", "relevance", False)
@example("[a TO]", "relevance", True)
@example("NOT NOT oil", "newest", False)
def test_a_search_gives_results_or_a_query_syntax_error(sample_ix, text, sort, facets):
    _search_or_explain(sample_ix, text, sort=sort, facets=facets)
    try:
        timeline = sample_ix.timeline(text)
    except QuerySyntaxError as error:
        _check_error(error, text)
        return
    assert timeline.total <= len(sample_ix)


@pytest.mark.parametrize("text", KNOWN)
def test_queries_that_once_failed(sample_ix, text):
    _search_or_explain(sample_ix, text)
