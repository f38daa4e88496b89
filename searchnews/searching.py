"""Searching: a query string to :class:`SearchResults`.

Terms:
    plain words
        Words typed without operators. They are looked for in the headline,
        captions and body. Articles that contain *all* of them come first
        (the "all-words tier"), ranked by BM25F among themselves; articles
        that contain only some come after, also ranked by BM25F. So a query
        never comes back empty just because one word is missing, and an
        article missing a word never outranks one that has them all.
    BM25F
        The ranking function: BM25 computed per field, with the field weights
        of :data:`searchnews.schema.FIELD_WEIGHTS` (headline 3, captions 1.5,
        body 1) and the per-field ``B`` of :data:`searchnews.schema.BM25_B`.
    page
        ``limit`` hits starting at rank ``offset`` (0-based). Ties are broken
        by document order, so the same query on the same index gives the same
        pages.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from whoosh import qparser, query
from whoosh.query import Query
from whoosh.searching import Searcher
from whoosh.util.times import TimeError

from . import schema as S
from .dates import parse_date
from .errors import QuerySyntaxError
from .highlighting import SNIPPET_CHARS, find_matches, query_terms, snippets
from .models import Hit, SearchResults
from .querysyntax import check_query

__all__ = ["MAX_LIMIT", "make_parser", "parse_query", "run_search"]

#: The most hits one page may hold.
MAX_LIMIT = 1000


def make_parser(schema, group=qparser.AndGroup) -> qparser.QueryParser:
    """A Whoosh parser for our syntax: plain words over the text fields, friendly field names, dates."""
    parser = qparser.MultifieldParser(list(S.TEXT_FIELDS), schema, fieldboosts=S.FIELD_WEIGHTS, group=group)
    aliases: dict[str, list[str]] = {}
    for alias, field in S.FIELD_ALIASES.items():
        if alias != field:
            aliases.setdefault(field, []).append(alias)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


class _Parsers:
    """The parser for a schema, built once (building one costs more than parsing)."""

    def __init__(self, schema) -> None:
        self.strict = make_parser(schema, qparser.AndGroup)


_PARSERS: dict[int, _Parsers] = {}


def _parsers(schema) -> _Parsers:
    key = id(schema)
    if key not in _PARSERS:
        _PARSERS[key] = _Parsers(schema)
    return _PARSERS[key]


_OPERATORS = re.compile(r'"[^"]*"|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b')


def _has_operator(text: str) -> bool:
    return any(not m.group().startswith('"') for m in _OPERATORS.finditer(text))


def _is_plain(q: Query) -> bool:
    """True for a clause made of words or phrases looked for in the text fields only."""
    if isinstance(q, (query.Not, query.NumericRange, query.DateRange, query.AndNot)):
        return False
    if q.is_leaf():
        return q.field() in S.TEXT_FIELDS
    return all(_is_plain(child) for child in q.children())


def parse_query(text: str, schema) -> tuple[Query, Query]:
    """Check and parse a query; returns the all-words query and the relaxed query.

    The relaxed query keeps every constraint (fields, dates, NOT) but needs
    only one of the plain words or phrases. The two are the same query when
    there is nothing to relax: a single word, or explicit operators.
    """
    checked = check_query(text)
    try:
        strict = _parsers(schema).strict.parse(checked)
    except (TimeError, ValueError, OverflowError) as exc:
        raise QuerySyntaxError(f"invalid date in the query ({exc})", text, None) from None
    if _has_operator(checked) or not isinstance(strict, query.And):
        return strict, strict
    plain = [q for q in strict.subqueries if _is_plain(q)]
    if len(plain) < 2:
        return strict, strict
    constraints = [q for q in strict.subqueries if not _is_plain(q)]
    relaxed = query.Or(plain)
    return strict, (query.And([*constraints, relaxed]) if constraints else relaxed)


#: Snippets per field: how many, and how wide (``None``: the whole field).
SNIPPETS = {S.HEADLINE: (1, None), S.BODY: (2, SNIPPET_CHARS), S.CAPTIONS: (1, SNIPPET_CHARS)}


def _hit(whoosh_hit, terms: dict[str, frozenset[str]] | None) -> Hit:
    stored = whoosh_hit.fields()
    authors = stored.get(S.AUTHORS) or ""
    highlights = {}
    if terms is not None:
        for field, (top, width) in SNIPPETS.items():
            text = stored.get(field) or ""
            highlights[field] = snippets(text, find_matches(text, terms.get(field, frozenset())), top, width)
    return Hit(
        id=stored[S.ID],
        score=float(whoosh_hit.score or 0.0),
        headline=stored.get(S.HEADLINE, ""),
        source=stored.get(S.SOURCE) or None,
        authors=tuple(a for a in authors.split(S.AUTHOR_SEPARATOR) if a),
        date=parse_date(stored.get(S.PUBLISHED)),
        url=stored.get(S.URL) or None,
        path=stored.get(S.PATH) or None,
        language=stored.get(S.LANGUAGE) or None,
        highlights=highlights,
    )


def _page(results, start: int, count: int) -> Iterator:
    for index in range(start, min(start + count, results.scored_length())):
        yield results[index]


def run_search(searcher: Searcher, text: str, *, limit: int = 10, offset: int = 0,
               highlight: bool = True) -> SearchResults:
    """Run the query ``text`` with ``searcher`` and return one page of results (see the module terms)."""
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    if not isinstance(offset, int) or offset < 0:
        raise ValueError("offset must be 0 or more")
    started = time.perf_counter()
    strict, loose = parse_query(text, searcher.schema)
    wanted = offset + limit
    hits: list[Hit] = []
    strict_results = searcher.search(strict, limit=wanted)
    strict_total = len(strict_results)
    terms = query_terms(strict, searcher.reader(), SNIPPETS) if highlight else None
    hits.extend(_hit(h, terms) for h in _page(strict_results, offset, limit))
    total = strict_total
    tiered = loose != strict
    if tiered:
        need = wanted - strict_total
        # No terms=True here: Whoosh's TermsCollector counts masked documents in len().
        loose_results = searcher.search(loose, limit=max(need, 1), mask=strict)
        total = strict_total + len(loose_results)
        if need > 0:
            first = max(0, offset - strict_total)
            hits.extend(_hit(h, terms) for h in _page(loose_results, first, limit - len(hits)))
    return SearchResults(
        query=text,
        total=total,
        hits=tuple(hits),
        took=time.perf_counter() - started,
        offset=offset,
        all_words_total=strict_total if tiered else None,
    )
