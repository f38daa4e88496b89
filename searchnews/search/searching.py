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
import datetime as dt
import itertools
import math
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property

from whoosh import collectors, qparser, query, sorting
from whoosh.query import Query
from whoosh.searching import Searcher, TimeLimit
from whoosh.util.times import TimeError, datetime_to_long, long_to_datetime

from ..errors import ArticleNotFound, FilterError, QuerySyntaxError
from ..index import schema as S
from ..index.analysis import DEFAULT_LANGUAGE, analysis_language, is_stop, term_of
from ..models import Copy, Facets, Hit, SearchResults
from .filters import Filters
from .highlighting import SNIPPET_CHARS, find_matches, query_terms, snippets
from .querysyntax import check_query

__all__ = [
    "MAX_LIMIT",
    "SORTS",
    "SearchContext",
    "SearchOptions",
    "count_facets",
    "make_parser",
    "matching_dates",
    "parse_query",
    "run_search",
    "similar_articles",
    "top_results",
]

#: The most hits one page may hold.
MAX_LIMIT = 1000
#: A search stops after this many seconds and returns the best hits found so far, with an
#: estimated total (``SearchResults.partial``): no query may hold up its caller longer.
TIME_LIMIT = 0.8
#: The least time a ranking pass gets, even past the time limit (seconds).
MIN_BUDGET = 0.1


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


def _hit(stored: dict, score: float, terms: dict[str, frozenset[str]] | None,
         copies: tuple[Copy, ...] = ()) -> Hit:
    authors = stored.get(S.AUTHORS) or ""
    highlights = {}
    if terms is not None:
        language = analysis_language(stored.get(S.LANGUAGE))
        for name, (top, width) in SNIPPETS.items():
            text = stored.get(name) or ""
            matches = find_matches(text, terms.get(name, frozenset()), language)
            highlights[name] = snippets(text, matches, top, width)
    return Hit(
        id=stored[S.ID],
        score=float(score or 0.0),
        headline=stored.get(S.HEADLINE, ""),
        source=stored.get(S.SOURCE) or None,
        authors=tuple(a for a in authors.split(S.AUTHOR_SEPARATOR) if a),
        date=S.stored_date(stored.get(S.PUBLISHED)),
        url=stored.get(S.URL) or None,
        path=stored.get(S.PATH) or None,
        language=stored.get(S.LANGUAGE) or None,
        highlights=highlights,
        copies=copies,
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


class NewsCollector(collectors.WrappingCollector):
    """Filters, folds copies and keeps to a deadline, in one pass over the matches.

    Whoosh has a collector for each (``FilterCollector``, ``CollapseCollector``,
    ``TimeLimitCollector``) but they do not nest: each runs its own loop over
    the matches and hands documents straight to the innermost collector, past
    the others' checks (a filter outside the time limit made the limit
    unseen; a similar-articles search ran for seconds).

    ``allow`` and ``restrict`` are sets of document numbers (or queries);
    ``story_of(docnum)`` gives the story key of a document with copies
    (``None`` otherwise): of each story only the best document is kept
    (highest score, or first in a sorted order), and a document of a story
    in ``seen`` is skipped. Past ``deadline`` (a :func:`time.perf_counter`
    value) it raises :class:`whoosh.searching.TimeLimit`.
    """

    def __init__(self, child, *, allow=None, restrict=None, story_of=None, seen=frozenset(), deadline=None):
        self.child = child
        self.allow = allow
        self.restrict = restrict
        self.story_of = story_of
        self.seen = seen
        self.deadline = deadline

    def prepare(self, top_searcher, q, context):
        self.child.prepare(top_searcher, q, context)
        to_set = top_searcher._filter_to_comb
        self._allow = to_set(self.allow) if self.allow is not None else None
        self._restrict = to_set(self.restrict) if self.restrict is not None else None
        self.best: dict[str, tuple] = {}  # story key -> (sort key, docnum) of its best document so far
        self.dropped: set[int] = set()
        self._sorting = isinstance(self.child, collectors.SortingCollector)
        self._final = getattr(self.child, "final_fn", None)

    def _sort_key(self, sub_docnum: int, docnum: int):
        if self._sorting:
            return self.child.sort_key(sub_docnum)
        score = self.child.matcher.score()
        if self._final:
            score = self._final(self.top_searcher, docnum, score)
        return -score

    def collect_matches(self):
        child = self.child
        allow, restrict, story_of, seen, deadline = self._allow, self._restrict, self.story_of, self.seen, \
            self.deadline
        offset = self.offset
        for count, sub_docnum in enumerate(child.matches()):
            if deadline is not None and count % 64 == 0 and time.perf_counter() > deadline:
                raise TimeLimit
            docnum = offset + sub_docnum
            if (allow is not None and docnum not in allow) or (restrict is not None and docnum in restrict):
                continue
            if story_of is not None:
                key = story_of(docnum)
                if key is not None:
                    if key in seen:
                        continue
                    sort_key = self._sort_key(sub_docnum, docnum)
                    best = self.best.get(key)
                    if best is not None:
                        if sort_key >= best[0]:
                            continue
                        if self._sorting:
                            self.dropped.add(best[1])  # taken out of the list at the end
                        else:
                            child.remove(best[1])
                    self.best[key] = (sort_key, docnum)
            child.collect(sub_docnum)

    def results(self):
        if self.dropped:
            self.child.items = [item for item in self.child.items if item[1] not in self.dropped]
        return self.child.results()


def top_results(searcher: Searcher, q: Query, limit: int, mask: Query | None = None,
                deadline: float | None = None, sortedby=None, allow: Allowed | None = None,
                story_of=None, seen: frozenset[str] | set[str] = frozenset()):
    """``searcher.search(q, limit=limit, mask=mask)`` without Whoosh's matcher replacement.

    Every few matches Whoosh's top-N collector rewrites the matcher, dropping
    the parts it judges unable to reach the top N. Over a union of words in
    an index of several segments it drops articles that belong at the top:
    "sophie bushtucker appleton show" on BBC + Reuters lost the one article
    with all four words from its top 10. Block-quality skipping stays on.

    With a ``deadline`` (a :func:`time.perf_counter` value) the search stops
    there and the results hold the best hits found so far, with the
    attribute ``partial`` set to true (it is false otherwise). ``sortedby``
    (a Whoosh facet) orders the hits by it instead of by score; ``allow``
    keeps only the documents within the filters; ``story_of`` and ``seen``
    fold copies (see :class:`NewsCollector`).
    """
    if allow is not None and not allow.docs:
        q = query.NullQuery  # nothing within the filters
    inner = searcher.collector(limit=limit, sortedby=sortedby)
    inner.replace = 0
    if deadline is not None:
        # At least MIN_BUDGET: on a starved machine the setup may have used the whole time limit,
        # and a page of the hits found in a tenth of a second beats an empty one.
        deadline = max(deadline, time.perf_counter() + MIN_BUDGET)
    collector = NewsCollector(inner, allow=allow.docs if allow is not None else None, restrict=mask,
                              story_of=story_of, seen=seen, deadline=deadline)
    partial = False
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


def _count_docs(q: Query, searcher: Searcher, deadline: float, allow: Allowed | None = None,
                fold: dict[int, str] | None = None) -> tuple[int, bool, int | None]:
    """Count the documents matching ``q`` (within ``allow``) without scoring; estimate once past the deadline.

    Returns the count, whether it is an estimate, and, given ``fold`` (document
    number to story key), how many of the matches are copies of another match,
    found in the same pass (``None`` without ``fold`` or past the deadline).
    """
    count = 0
    members: list[int] = []
    for count, docnum in enumerate(matching_docs(q, searcher, allow), 1):
        if fold is not None and docnum in fold:
            members.append(docnum)
        if count % 4096 == 0 and time.perf_counter() > deadline:
            return max(count, q.estimate_size(searcher.reader())), True, None
    folded = len(members) - len({fold[d] for d in members}) if fold is not None else None
    return count, False, folded


@dataclass(frozen=True)
class Allowed:
    """The documents within a search's filters: a set to test and the same numbers in order."""

    docs: set[int]  # a set, not a frozenset: Whoosh's filters accept only that
    ordered: tuple[int, ...]


#: Below this ratio of allowed documents to the query's estimated matches, counting skips from one
#: allowed document to the next instead of visiting every match.
SKIP_RATIO = 4


def matching_docs(q: Query, searcher: Searcher, allow: Allowed | None = None) -> Iterator[int]:
    """The documents matching ``q``, within ``allow`` if given, in document order.

    With a small allowed set (a month of a large archive) the query's
    matchers skip from one allowed document to the next; otherwise every
    match is visited and tested.
    """
    if allow is None:
        yield from searcher.docs_for_query(q)
    elif len(allow.docs) * SKIP_RATIO < q.estimate_size(searcher.reader()):
        yield from _matching_among(q, searcher, allow.ordered)
    else:
        docs = allow.docs
        yield from (docnum for docnum in searcher.docs_for_query(q) if docnum in docs)


# ---------------------------------------------------------------------------
# options and the per-searcher context

#: The orders results can be listed in: by relevance (BM25F, see the module terms), or by
#: publication date. Articles without a date come last in both date orders.
SORTS = ("relevance", "newest", "oldest")
#: With a recency half-life, an article published at the newest date of the index scores
#: ``1 + RECENCY_WEIGHT`` times its relevance; one a half-life older ``1 + RECENCY_WEIGHT / 2``.
RECENCY_WEIGHT = 1.0
#: A query whose all-words results are fewer than this gets a "did you mean" check.
SUGGEST_BELOW = 3


@dataclass(frozen=True)
class SearchOptions:
    """How to run a search, in one value (the CLI's options map onto it).

    ``limit`` hits from rank ``offset``; ``filters`` restrict the articles
    (:class:`searchnews.filters.Filters`); ``sort`` is one of :data:`SORTS`;
    ``recency`` (a half-life) favours recent articles in relevance ranking;
    ``collapse`` folds the copies of a story into one hit; ``facets`` counts
    the matching articles by source, month and language; ``suggest`` looks
    for a corrected query when the query finds little.
    """

    limit: int = 10
    offset: int = 0
    highlight: bool = True
    filters: Filters = dataclass_field(default_factory=Filters)
    sort: str = "relevance"
    recency: dt.timedelta | None = None
    collapse: bool = True
    facets: bool = False
    suggest: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.limit, int) or not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        if not isinstance(self.offset, int) or self.offset < 0:
            raise ValueError("offset must be 0 or more")
        if self.sort not in SORTS:
            raise FilterError(f"--sort: {self.sort!r} is not an order; use one of {', '.join(SORTS)}")
        if self.recency is not None and self.sort != "relevance":
            raise FilterError("--recency favours recent articles in relevance ranking; it cannot be combined "
                              f"with --sort {self.sort}")


class SearchContext:
    """What searches need to know about one searcher's view of the index, worked out once, when first needed.

    ``path`` is the index folder, for its story table (:mod:`searchnews.duplicates`);
    without it no copies are known and nothing is collapsed.
    """

    def __init__(self, searcher: Searcher, path: str | None = None) -> None:
        self.searcher = searcher
        self.path = path

    @cached_property
    def languages(self) -> tuple[str, ...]:
        return index_languages(self.searcher)

    @cached_property
    def _allowed(self) -> dict[Filters, Allowed]:
        return {}

    def allowed(self, filters: Filters | None) -> Allowed | None:
        """The documents within ``filters`` (``None`` when there are none), found once per searcher and filters.

        Filters are applied as a set of documents rather than as clauses of
        the query: a date range is a union of many index terms, which Whoosh
        would otherwise read again for every matcher of every search.
        """
        if not filters:
            return None
        cache = self._allowed
        if filters not in cache:
            if len(cache) >= 16:
                cache.clear()
            docs = sorted(self.searcher.docs_for_query(filters.query(self.searcher.schema)))
            cache[filters] = Allowed(set(docs), tuple(docs))
        return cache[filters]

    # -- dates
    @cached_property
    def _dates(self):
        return self.searcher.reader().column_reader(S.DATE, translate=False)

    @cached_property
    def _no_date(self) -> int:
        return self.searcher.schema[S.DATE].default

    def date_value(self, docnum: int) -> int | None:
        """The publication time of a document as the index stores it (a sortable integer), or ``None``."""
        raw = self._dates[docnum]
        return None if raw == self._no_date else raw

    def date_of(self, docnum: int) -> dt.datetime | None:
        raw = self.date_value(docnum)
        return None if raw is None else long_to_datetime(raw)

    @cached_property
    def newest(self) -> int | None:
        """The newest publication time in the index (not after now), as stored; ``None`` if no dates."""
        now = datetime_to_long(dt.datetime.now())
        values = [v for v in (self.date_value(d) for d in self.searcher.reader().all_doc_ids())
                  if v is not None and v <= now]
        return max(values) if values else None

    # -- stories
    @cached_property
    def _story_data(self) -> tuple[dict[str, str], dict[int, str] | None]:
        if not self.path:
            return {}, {}
        from ..index.stories import StoryTable

        with StoryTable.open(self.path, readonly=True) as table:
            return table.story_map(), table.story_docs(self.searcher)

    @property
    def stories(self) -> dict[str, str]:
        """Article id to story key, for the articles that have copies."""
        return self._story_data[0]

    @cached_property
    def members(self) -> dict[str, tuple[str, ...]]:
        """Story key to the ids of its articles."""
        groups: dict[str, list[str]] = {}
        for article_id, key in self.stories.items():
            groups.setdefault(key, []).append(article_id)
        return {key: tuple(sorted(ids)) for key, ids in groups.items()}

    @cached_property
    def story_docs(self) -> dict[int, str]:
        """Document number to story key, for the live articles that have copies."""
        if not self.stories:
            return {}
        saved = self._story_data[1]
        if saved is not None:  # saved by the index run for this version of the index
            return saved
        from ..index.stories import docnums_of

        found = docnums_of(self.searcher, set(self.stories))
        return {docnum: self.stories[article_id] for article_id, docnum in found.items()}

    def copies(self, article_id: str) -> tuple[Copy, ...]:
        """The other articles of the story of ``article_id`` (empty when it has none)."""
        key = self.stories.get(article_id)
        found = []
        for other in self.members.get(key, ()) if key else ():
            if other == article_id:
                continue
            docnum = self.searcher.document_number(**{S.ID: other})
            if docnum is None:
                continue
            stored = self.searcher.stored_fields(docnum)
            found.append(Copy(id=other, headline=stored.get(S.HEADLINE, ""), source=stored.get(S.SOURCE) or None,
                              date=S.stored_date(stored.get(S.PUBLISHED)), path=stored.get(S.PATH) or None))
        return tuple(sorted(found, key=lambda c: (c.date is None, c.date or dt.datetime.min, c.id)))

    # -- scoring
    def recency_searcher(self, half_life: dt.timedelta) -> Searcher:
        """A searcher over the same reader whose BM25F scores favour recent articles (:data:`RECENCY_WEIGHT`)."""
        newest = self.newest
        if newest is None:
            return self.searcher
        ticks = datetime_to_long(dt.datetime(2000, 1, 1) + half_life) - datetime_to_long(dt.datetime(2000, 1, 1))
        model = S.make_scoring(RecencyBM25F)
        model.recency = (self, newest, ticks)
        return Searcher(self.searcher.reader(), weighting=model, closereader=False)


class RecencyBM25F(S.NewsBM25F):
    """BM25F whose score is multiplied by ``1 + RECENCY_WEIGHT * 0.5 ** (age / half-life)``.

    The age of an article is counted back from the newest date of the index
    (dates in the future ignored), so an archive of 1987 favours its own
    latest stories; articles without a date keep their score.
    """

    use_final = True
    recency: tuple[SearchContext, int, int]

    def final(self, searcher, docnum, score):
        context, newest, half_life = self.recency
        value = context.date_value(docnum)
        if value is None:
            return score
        age = max(0, newest - value)
        return score * (1 + RECENCY_WEIGHT * 0.5 ** (age / half_life))


def _date_facet(context: SearchContext, newest: bool) -> sorting.FunctionFacet:
    """Sort keys by publication date, newest or oldest first; articles without a date last."""
    sign = -1 if newest else 1

    def key(searcher, docnum):
        value = context.date_value(docnum)
        return (1, 0) if value is None else (0, sign * value)

    return sorting.FunctionFacet(key)


# ---------------------------------------------------------------------------
# collapsing copies


def _collapsed(fetch, wanted: int, context: SearchContext | None, seen: set[str]):
    """The first ``wanted`` hits of ``fetch(k, story_of, seen)``, at most one article per story.

    ``seen`` holds the story keys already shown (by an earlier tier); it is
    updated with those of the hits kept. Returns ``(kept, results)``:
    ``kept`` a list of ``(docnum, score)``.
    """
    story_docs = context.story_docs if context is not None else {}
    results = fetch(wanted, story_docs.get if story_docs else None, frozenset(seen))
    kept = [(results.docnum(i), results.score(i) or 0.0) for i in range(results.scored_length())]
    seen.update(story_docs[docnum] for docnum, _ in kept if docnum in story_docs)
    return kept[:wanted], results


def _fold_by_visiting(q: Query, searcher: Searcher, context: SearchContext | None) -> dict[int, str] | None:
    """The story keys to count folded copies with while visiting every match, when that is the cheaper way.

    When many articles have copies, counting them during the pass that counts
    the matches costs little more; when few do, :func:`_folded` skips from one
    to the next instead (``None`` here).
    """
    if context is None or not context.story_docs:
        return None
    story_docs = context.story_docs
    return None if len(story_docs) * SKIP_RATIO < q.estimate_size(searcher.reader()) else story_docs


def _folded(q: Query, searcher: Searcher, context: SearchContext | None, allow: Allowed | None = None,
            deadline: float | None = None) -> int:
    """How many articles matching ``q`` are copies of another matching article (folded into its hit).

    When few articles have copies, the query's matchers skip from one of
    them to the next; when many do, every match is visited once. Past the
    ``deadline`` it gives up and says 0.
    """
    if context is None or not context.story_docs:
        return 0
    story_docs = context.story_docs
    visit = _fold_by_visiting(q, searcher, context)
    if visit is not None:
        _count, partial, folded = _count_docs(q, searcher, deadline if deadline is not None else math.inf, allow,
                                              visit)
        return 0 if partial or folded is None else folded
    members = sorted(d for d in story_docs if allow is None or d in allow.docs)
    matching = list(_matching_among(q, searcher, members))
    return len(matching) - len({story_docs[d] for d in matching})


def _matching_among(q: Query, searcher: Searcher, docnums) -> Iterator[int]:
    """The documents among ``docnums`` (sorted) that match ``q``, skipping to each instead of visiting all."""
    for sub, offset in searcher.leaf_searchers():
        size = sub.reader().doc_count_all()
        local = [d - offset for d in docnums if offset <= d < offset + size]
        if not local:
            continue
        matcher = q.matcher(sub, sub.boolean_context())
        for docnum in local:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                yield docnum + offset


# ---------------------------------------------------------------------------
# facets


def _month(context: SearchContext, docnum: int) -> str | None:
    date = context.date_of(docnum)
    return f"{date.year:04d}-{date.month:02d}" if date else None


def count_facets(q: Query, searcher: Searcher, context: SearchContext, deadline: float,
                 allow: Allowed | None = None) -> tuple[Facets, bool]:
    """Counts of the articles matching ``q`` by source, month and language; true when cut short by the deadline."""
    reader = searcher.reader()
    source_column = reader.column_reader(S.SOURCE)
    language_column = reader.column_reader(S.LANGUAGE)
    sources: Counter[str | None] = Counter()
    months: Counter[str | None] = Counter()
    languages: Counter[str | None] = Counter()
    count = 0
    partial = False
    for count, docnum in enumerate(matching_docs(q, searcher, allow), 1):
        sources[_column_text(source_column[docnum])] += 1
        months[_month(context, docnum)] += 1
        languages[_column_text(language_column[docnum])] += 1
        if count % 4096 == 0 and time.perf_counter() > deadline:
            partial = True
            break
    ordered_months = sorted(months.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return Facets(articles=count, sources=tuple(sources.most_common()), months=tuple(ordered_months),
                  languages=tuple(languages.most_common())), partial


def _column_text(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value or None


# ---------------------------------------------------------------------------
# searching


def _page(kept: list[tuple[int, float]], searcher: Searcher, terms, context: SearchContext | None,
          collapse: bool) -> list[Hit]:
    hits = []
    for docnum, score in kept:
        stored = searcher.stored_fields(docnum)
        copies = context.copies(stored[S.ID]) if collapse and context is not None and \
            docnum in context.story_docs else ()
        hits.append(_hit(stored, score, terms, copies))
    return hits


def run_search(searcher: Searcher, text: str, options: SearchOptions | None = None, *,
               context: SearchContext | None = None, **kwargs) -> SearchResults:
    """Run the query ``text`` with ``searcher`` and return one page of results (see the module terms).

    ``options`` (or the same as keyword arguments: ``limit=5``) say which page,
    filters, order and extras; ``context`` is reused between searches of the
    same searcher (see :class:`SearchContext`).

    Stages:
        1. parse the query into the all-words and the any-word query, add the filters;
        2. rank: by relevance, the articles with all the words and then those
           with some; or by date, the articles with all the words (those with
           some when none has them all); folding copies into one hit per story;
        3. count the matches, the copies folded, and the facets if asked;
        4. suggest a corrected query if the query found little.
    """
    options = options or SearchOptions(**kwargs)
    context = context or SearchContext(searcher)
    started = time.perf_counter()
    deadline = started + TIME_LIMIT
    # 1. parse
    from . import plan as plans  # plan builds on this module's query rewrites

    strict_parsed, loose_parsed = plans.parse(text, searcher.schema)
    _check_expansions(strict_parsed, searcher.reader(), text)
    allow = context.allowed(options.filters)
    plan = plans.make_plan(text, strict_parsed, loose_parsed, searcher.reader(), context.languages)
    strict, loose, tiered = plan.strict, plan.loose, plan.tiered
    scorer = context.recency_searcher(options.recency) if options.recency else searcher
    collapse = options.collapse
    story_context = context if collapse else None
    wanted = options.offset + options.limit
    terms = _highlight_terms(loose if plan.long else strict, searcher) if options.highlight else None
    seen: set[str] = set()
    strict_folded: int | None = None  # counted with the matches when that pass visits them all
    # 2. rank
    if options.sort == "relevance":
        plan = plans.with_feedback(plan, scorer, allow, deadline)
        kept, strict_results = _collapsed(
            lambda k, story_of, shown: top_results(scorer, plan.first, k, deadline=deadline, allow=allow,
                                                   story_of=story_of, seen=shown), wanted, story_context, seen)
        if not plan.long and allow is None and not (story_context and story_context.story_docs):
            strict_total, partial = _count(strict_results, plan.first, searcher, deadline)
        else:  # Whoosh's count would leave out what the collector filtered or folded, or it ranked more
            strict_total, partial, strict_folded = _count_docs(strict, searcher, deadline, allow,
                                                               _fold_by_visiting(strict, searcher, story_context))
            partial = partial or strict_results.partial
        listed = strict
        if plan.rest is not None and len(kept) < wanted:
            more, loose_results = _collapsed(
                lambda k, story_of, shown: top_results(scorer, plan.rest, k, mask=strict, deadline=deadline,
                                                       allow=allow, story_of=story_of, seen=shown),
                wanted - len(kept), story_context, seen)
            kept += more
            partial = partial or loose_results.partial
    else:
        facet = _date_facet(context, newest=options.sort == "newest")
        strict_total, partial, strict_folded = _count_docs(strict, searcher, deadline, allow,
                                                           _fold_by_visiting(strict, searcher, story_context))
        listed = strict if strict_total or not tiered else loose
        kept, results = _collapsed(
            lambda k, story_of, shown: top_results(searcher, listed, k, deadline=deadline, sortedby=facet,
                                                   allow=allow, story_of=story_of, seen=shown), wanted,
            story_context, seen)
        kept = [(docnum, 0.0) for docnum, _ in kept]
        partial = partial or results.partial
    hits = _page(kept[options.offset:wanted], searcher, terms, story_context, collapse)
    # 3. count
    total = strict_total
    counted = strict
    folded = strict_folded
    if tiered and (options.sort == "relevance" or listed is loose):
        # Every article with all the words has some: count the any-word matches (no scoring),
        # and the copies among them in the same pass when that is the cheaper way.
        total, loose_partial, folded = _count_docs(loose, searcher, deadline, allow,
                                                   _fold_by_visiting(loose, searcher, story_context))
        partial = partial or loose_partial
        counted = loose
    if partial:
        folded = 0
    elif folded is None:
        folded = _folded(counted, searcher, story_context, allow, deadline + TIME_LIMIT)
    facets = None
    if options.facets:
        facets, facets_partial = count_facets(strict if strict_total or not tiered else loose, searcher, context,
                                              deadline, allow)
        partial = partial or facets_partial
    # 4. suggest
    suggestion = None
    if options.suggest and strict_total < SUGGEST_BELOW:
        from .suggest import suggest

        found = suggest(searcher, text)
        suggestion = found.text if found else None
    return SearchResults(
        query=text,
        total=total,
        hits=tuple(hits),
        took=time.perf_counter() - started,
        offset=options.offset,
        all_words_total=strict_total if tiered else None,
        partial=partial,
        collapsed=folded,
        sort=options.sort,
        facets=facets,
        suggestion=suggestion,
    )


def matching_dates(searcher: Searcher, text: str, filters: Filters | None = None,
                   context: SearchContext | None = None) -> tuple[list[dt.datetime | None], bool]:
    """The publication dates of the articles a query is about, for a timeline.

    Those are the articles with all the words of a plain-words query (those
    with some, when none has them all), within ``filters``. Returns the dates
    (``None`` for an article without one) and whether the time limit cut the
    list short.
    """
    context = context or SearchContext(searcher)
    deadline = time.perf_counter() + TIME_LIMIT * 4
    from .plan import make_plan, parse

    strict_parsed, loose_parsed = parse(text, searcher.schema)
    _check_expansions(strict_parsed, searcher.reader(), text)
    allow = context.allowed(filters)
    plan = make_plan(text, strict_parsed, loose_parsed, searcher.reader(), context.languages)
    docnums = list(matching_docs(plan.strict, searcher, allow))
    if not docnums and plan.tiered:
        docnums = list(matching_docs(plan.loose, searcher, allow))
    dates = []
    for count, docnum in enumerate(docnums, 1):
        dates.append(context.date_of(docnum))
        if count % 4096 == 0 and time.perf_counter() > deadline:
            return dates, True
    return dates, False


def similar_articles(searcher: Searcher, article_id: str, options: SearchOptions | None = None, *,
                     context: SearchContext | None = None) -> SearchResults:
    """Articles on the same story as ``article_id``: its text, searched for as a long query (more like this).

    The text (headline, captions, body) goes through the same plan as a
    pasted paragraph (:func:`searchnews.search.plan.text_plan`): its most
    informative words, weighted by how often the article uses them. The
    article and its copies are left out; ``options`` apply (filters,
    collapsing, the page; ``sort`` too).
    """
    options = options or SearchOptions()
    context = context or SearchContext(searcher)
    started = time.perf_counter()
    docnum = searcher.document_number(**{S.ID: article_id})
    if docnum is None:
        raise ArticleNotFound(f"no article with id {article_id!r}")
    stored = searcher.stored_fields(docnum)
    text = S.PARAGRAPH_SEPARATOR.join(x for x in (stored.get(S.HEADLINE), stored.get(S.CAPTIONS),
                                                  stored.get(S.BODY)) if x)
    from . import plan as plans

    plan = plans.text_plan(text, searcher, context.languages)
    label = f"similar to {article_id}"
    if plan is None:
        return SearchResults(query=label, total=0, hits=(), took=time.perf_counter() - started,
                             offset=options.offset, sort=options.sort)
    q = plan.first
    allow = context.allowed(options.filters)
    own = [article_id, *(c.id for c in context.copies(article_id))]
    mask = query.Or([query.Term(S.ID, x) for x in own])
    wanted = options.offset + options.limit
    story_context = context if options.collapse else None
    seen = {context.stories[article_id]} if article_id in context.stories else set()
    facet = None if options.sort == "relevance" else _date_facet(context, newest=options.sort == "newest")
    kept, results = _collapsed(
        lambda k, story_of, shown: top_results(searcher, q, k, mask=mask, deadline=started + TIME_LIMIT,
                                               sortedby=facet, allow=allow, story_of=story_of, seen=shown),
        wanted, story_context, seen)
    terms = _highlight_terms(plan.loose, searcher) if options.highlight else None
    hits = _page(kept[options.offset:wanted], searcher, terms, story_context, options.collapse)
    others = query.AndNot(plan.loose, mask)
    total, partial, _ = _count_docs(others, searcher, started + TIME_LIMIT, allow)
    return SearchResults(query=label, total=total, hits=tuple(hits), took=time.perf_counter() - started,
                         offset=options.offset, partial=partial or results.partial,
                         collapsed=0 if partial else _folded(others, searcher, story_context, allow,
                                                             started + 2 * TIME_LIMIT),
                         sort=options.sort)
