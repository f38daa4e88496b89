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
        The ranking function: BM25 computed per field and summed with the
        weights of :data:`searchnews.schema.FIELD_WEIGHTS`: the whole text
        (headline, captions and body) counts 1, and a word that is also in the
        headline or a caption adds a quarter of its score there. The
        per-field ``B`` is :data:`searchnews.schema.BM25_B`; the IDF is
        BM25's (:class:`searchnews.schema.NewsBM25F`).
    page
        ``limit`` hits starting at rank ``offset`` (0-based). Ties are broken
        by document order, so the same query on the same index gives the same
        pages.
"""

from __future__ import annotations

import copy
import itertools
import re
import time
from collections.abc import Iterator

from whoosh import collectors, qparser, query
from whoosh.query import Query
from whoosh.searching import Searcher, TimeLimit
from whoosh.util.times import TimeError

from . import schema as S
from .analysis import DEFAULT_LANGUAGE, analysis_language, is_stop, term_of
from .errors import QuerySyntaxError
from .highlighting import SNIPPET_CHARS, find_matches, query_terms, snippets
from .models import Hit, SearchResults
from .querysyntax import check_query

__all__ = ["MAX_LIMIT", "make_parser", "parse_query", "run_search", "top_results"]

#: The most hits one page may hold.
MAX_LIMIT = 1000
#: A search stops after this many seconds and returns the best hits found so far, with an
#: estimated total (``SearchResults.partial``): no query may hold up its caller longer.
TIME_LIMIT = 0.8


def make_parser(schema, group=qparser.AndGroup) -> qparser.QueryParser:
    """A Whoosh parser for our syntax: plain words in the all-text field, friendly field names, dates."""
    parser = qparser.QueryParser(S.SEARCH_FIELD, schema, group=group)
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
        return q.field() == S.SEARCH_FIELD
    return all(_is_plain(child) for child in q.children())


def _text_leaves(q: Query) -> Iterator[Query]:
    """The leaves of ``q`` that look for words in the all-text field, outside NOT."""
    if isinstance(q, (query.Not, query.AndNot)):
        if isinstance(q, query.AndNot):
            yield from _text_leaves(q.a)
        return
    if q.is_leaf():
        if q.field() == S.SEARCH_FIELD:
            yield q
        return
    for child in q.children():
        yield from _text_leaves(child)


#: Queries of more plain words than this get no proximity boost (a long phrase query is slow).
MAX_PROXIMITY_WORDS = 6


def with_field_boosts(q: Query) -> Query:
    """``q``, scored higher where its words are also in the headline or captions, or near each other.

    The words' copies in :data:`searchnews.schema.BOOST_FIELDS` and the
    proximity clause (:data:`searchnews.schema.PROXIMITY_WEIGHT`) are
    optional (``ANDMAYBE``): they change the ranking, never which articles match.
    """
    boosts = []
    leaves = list(_text_leaves(q))
    for leaf in leaves:
        for field, weight in S.BOOST_FIELDS.items():
            clone = copy.copy(leaf)
            clone.fieldname = field
            clone.boost = leaf.boost * weight
            boosts.append(clone)
    words = [leaf.text for leaf in leaves if isinstance(leaf, query.Term)]
    if S.PROXIMITY_WEIGHT > 0 and 2 <= len(words) <= MAX_PROXIMITY_WORDS:
        boosts.append(query.Phrase(S.SEARCH_FIELD, words, slop=S.PROXIMITY_SLOP, boost=S.PROXIMITY_WEIGHT))
    if not boosts:
        return q
    return query.AndMaybe(q, query.Or(boosts))


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
    except Exception as exc:  # Whoosh's parser: IndexError on "< 0", bare Exception on "?date:[/TO]"
        raise QuerySyntaxError(f"the query cannot be read ({exc or type(exc).__name__})", text, None) from None
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
        language = analysis_language(stored.get(S.LANGUAGE))
        for field, (top, width) in SNIPPETS.items():
            text = stored.get(field) or ""
            matches = find_matches(text, terms.get(field, frozenset()), language)
            highlights[field] = snippets(text, matches, top, width)
    return Hit(
        id=stored[S.ID],
        score=float(whoosh_hit.score or 0.0),
        headline=stored.get(S.HEADLINE, ""),
        source=stored.get(S.SOURCE) or None,
        authors=tuple(a for a in authors.split(S.AUTHOR_SEPARATOR) if a),
        date=S.stored_date(stored.get(S.PUBLISHED)),
        url=stored.get(S.URL) or None,
        path=stored.get(S.PATH) or None,
        language=stored.get(S.LANGUAGE) or None,
        highlights=highlights,
    )


#: The fields analysed per language, whose query words are expanded into each language's terms.
ANALYSED_FIELDS = frozenset(S.FIELD_WEIGHTS)


def index_languages(searcher: Searcher) -> tuple[str, ...]:
    """The analysis languages of the articles in the index (English always: the default)."""
    codes = {value.decode("utf-8") if isinstance(value, bytes) else value
             for value in searcher.reader().lexicon(S.LANGUAGE)}
    languages = {DEFAULT_LANGUAGE} | {analysis_language(code) for code in codes}
    return tuple(sorted(languages))


def _language_filter(language: str) -> Query:
    # Matches the articles of one language, adding nothing to their score. (Whoosh's
    # ConstantScoreQuery cannot sit inside an Or: it has no boost attribute. And not boost=0:
    # Whoosh's skip_to_quality divides by the boost, a ZeroDivisionError on queries like "je".)
    return query.Term(S.LANGUAGE, language, boost=1e-9)


def _alternatives(field: str, words: list[str], slop: int, boost: float, languages, use_filters: bool) -> Query:
    """A word (or phrase) in each language: its terms there, or, where it is a stop word, that language.

    An English stop word standing alone is ignored, as in an English-only
    index; a French or German stop word ("war" is one in German) matches
    every article of that language, so it never empties an English query.
    """
    if len(words) == 1 and is_stop(words[0], DEFAULT_LANGUAGE):
        return query.NullQuery
    alternatives: list[Query] = []
    seen: set[tuple] = set()
    stopped_in = []
    for language in languages:
        terms = [term_of(w, language) for w in words if not is_stop(w, language)]
        if not terms:
            stopped_in.append(language)
            continue
        key = tuple(terms)
        if key in seen:
            continue
        seen.add(key)
        if len(terms) == 1:
            alternatives.append(query.Term(field, terms[0], boost=boost))
        else:
            alternatives.append(query.Phrase(field, terms, slop=slop, boost=boost))
    if not alternatives:
        return query.NullQuery  # stop words in every language of the index: ignored, as before
    if use_filters:
        alternatives.extend(_language_filter(language) for language in stopped_in)
    return alternatives[0] if len(alternatives) == 1 else query.Or(alternatives)


def expand_languages(q: Query, languages, *, stop_filters: bool = True) -> Query:
    """``q`` with each word in an analysed field replaced by its terms in every language of the index.

    In query mode the analyzer leaves words unstemmed (see :mod:`searchnews.analysis`);
    "Sanktionen" becomes ``sanktionen`` (English) or ``sanktion`` (German). With
    ``stop_filters`` a word that is a stop word in a language matches all that
    language's articles (right for all-words queries); without, it matches none
    there (right for the any-word tier, where such a match would match nothing real).
    """

    def visit(node: Query) -> Query:
        if isinstance(node, query.Term) and node.fieldname in ANALYSED_FIELDS:
            return _alternatives(node.fieldname, [node.text], 1, node.boost, languages, stop_filters)
        if isinstance(node, query.Phrase) and node.fieldname in ANALYSED_FIELDS:
            return _alternatives(node.fieldname, list(node.words), node.slop, node.boost, languages, stop_filters)
        return node

    return q.accept(visit).normalize()


def _highlight_terms(q: Query, searcher: Searcher) -> dict[str, frozenset[str]]:
    """Every word the query looked for, in any analysed field, to be marked in every snippet."""
    found = query_terms(q, searcher.reader(), S.FIELD_WEIGHTS)
    words = frozenset().union(*found.values()) if found else frozenset()
    return dict.fromkeys(SNIPPETS, words)


#: The most index words one wildcard may stand for: each is a posting list to merge.
MAX_EXPANSIONS = 500


def _check_expansions(q: Query, reader, text: str) -> None:
    """Refuse a wildcard that matches too many words of this index (it would be slow)."""
    for leaf in q.leaves():
        if isinstance(leaf, (query.Prefix, query.Wildcard)):
            count = sum(1 for _ in itertools.islice(leaf._btexts(reader), MAX_EXPANSIONS + 1))
            if count > MAX_EXPANSIONS:
                pattern = leaf.text + ("*" if isinstance(leaf, query.Prefix) else "")
                position = text.lower().find(leaf.text.lower())
                raise QuerySyntaxError(f"{pattern!r} matches more than {MAX_EXPANSIONS} words in the index: "
                                       f"add letters to narrow it", text, position if position >= 0 else None)


def top_results(searcher: Searcher, q: Query, limit: int, mask: Query | None = None,
                deadline: float | None = None):
    """``searcher.search(q, limit=limit, mask=mask)`` without Whoosh's matcher replacement.

    Every few matches Whoosh's top-N collector rewrites the matcher, dropping
    the parts it judges unable to reach the top N. Over a union of words in
    an index of several segments it drops articles that belong at the top:
    "sophie bushtucker appleton show" on BBC + Reuters lost the one article
    with all four words from its top 10. Block-quality skipping stays on.

    With a ``deadline`` (a :func:`time.perf_counter` value) the search stops
    there and the results hold the best hits found so far, with the
    attribute ``partial`` set to true (it is false otherwise).
    """
    collector = searcher.collector(limit=limit)
    collector.replace = 0
    partial = False
    if deadline is not None:
        collector = collectors.TimeLimitCollector(collector, max(deadline - time.perf_counter(), 0.001),
                                                  use_alarm=False)
    if mask is not None:
        # Outermost: the time limit collector feeds its child document by document, past any
        # filter inside it.
        collector = collectors.FilterCollector(collector, restrict=mask)
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        partial = True
    results = collector.results()
    results.partial = partial
    return results


def _count(results, q: Query, searcher: Searcher, deadline: float) -> tuple[int, bool]:
    """The number of matches, and whether it is only an estimate (past the deadline)."""
    if results.partial or time.perf_counter() > deadline:
        return max(results.scored_length(), q.estimate_size(searcher.reader())), True
    return len(results), False


def _count_docs(q: Query, searcher: Searcher, deadline: float) -> tuple[int, bool]:
    """Count the documents matching ``q`` without scoring; estimate once past the deadline."""
    count = 0
    for count, _ in enumerate(searcher.docs_for_query(q), 1):
        if count % 4096 == 0 and time.perf_counter() > deadline:
            return max(count, q.estimate_size(searcher.reader())), True
    return count, False


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
    strict, loose_parsed = parse_query(text, searcher.schema)
    _check_expansions(strict, searcher.reader(), text)
    loose = loose_parsed
    languages = index_languages(searcher)
    tiered = loose != strict
    scored_strict = expand_languages(with_field_boosts(strict), languages)
    strict = expand_languages(strict, languages)
    loose = expand_languages(loose, languages, stop_filters=False)
    wanted = offset + limit
    hits: list[Hit] = []
    deadline = started + TIME_LIMIT
    strict_results = top_results(searcher, scored_strict, wanted, deadline=deadline)
    strict_total, partial = _count(strict_results, scored_strict, searcher, deadline)
    terms = _highlight_terms(strict, searcher) if highlight else None
    hits.extend(_hit(h, terms) for h in _page(strict_results, offset, limit))
    total = strict_total
    if tiered:
        need = wanted - strict_total
        if need > 0:
            # No terms=True here: Whoosh's TermsCollector counts masked documents in len().
            loose_query = expand_languages(with_field_boosts(loose_parsed), languages, stop_filters=False)
            loose_results = top_results(searcher, loose_query, need, mask=strict, deadline=deadline)
            partial = partial or loose_results.partial
            first = max(0, offset - strict_total)
            hits.extend(_hit(h, terms) for h in _page(loose_results, first, limit - len(hits)))
        # Every article with all the words has some: count the any-word matches (no scoring).
        # (Not len() of the masked results: behind the time limit's collector, Whoosh counts
        # the masked documents too.)
        total, loose_partial = _count_docs(loose, searcher, deadline)
        partial = partial or loose_partial
    return SearchResults(
        query=text,
        total=total,
        hits=tuple(hits),
        took=time.perf_counter() - started,
        offset=offset,
        all_words_total=strict_total if tiered else None,
        partial=partial,
    )
