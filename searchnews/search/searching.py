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
    time limit
        A search stops after :data:`TIME_LIMIT` seconds of work and returns
        the best hits found by then with an estimated total (``partial``).
        Evaluated over the array codec a search takes milliseconds; the limit
        is there for the forms that are not (see :mod:`searchnews.search.evaluate`).

The pipeline is one module per stage: :mod:`.parse` (query text → Whoosh
queries), :mod:`.evaluate` (queries → every match and its score),
:mod:`.collect` (matches → a page, copies folded), :mod:`.facets`,
:mod:`.similar`; this module runs them in order.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import numpy as np
from whoosh.query import Query
from whoosh.searching import Searcher

from ..errors import ArgumentError, FilterError, SearchnewsError, quoted
from ..index import documents
from ..index import schema as S
from ..index.analysis import analysis_language
from ..models import Copy, Hit, SearchResults
from . import plan as plans
from .budget import Deadline
from .collect import count_folded, restrict, top
from .context import RECENCY_WEIGHT, SearchContext
from .evaluate import Matches
from .facets import count_facets
from .filters import Filters
from .highlighting import SNIPPET_CHARS, Wanted, find_matches, query_terms, snippets
from .parse import check_expansions
from .plan import Plan

__all__ = [
    "MAX_LIMIT",
    "RECENCY_WEIGHT",
    "SORTS",
    "SearchContext",
    "SearchOptions",
    "all_hits",
    "matching_dates",
    "run_search",
]

#: The most hits one page may hold.
MAX_LIMIT = 1000
#: A search stops after this many seconds of work and returns the best hits found so far, with an
#: estimated total (``SearchResults.partial``). Work is the CPU time of the searching thread
#: (:mod:`searchnews.search.budget`), so a loaded machine makes a search slower, not emptier.
TIME_LIMIT = 0.8
#: The least work time a search gets, even when its setup used the whole time limit (seconds).
MIN_BUDGET = 0.1
#: The orders results can be listed in: by relevance (BM25F, see the module terms), or by
#: publication date. Articles without a date come last in both date orders.
SORTS = ("relevance", "newest", "oldest")
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
        """Check every option; :class:`ArgumentError` (or :class:`FilterError`) names the one at fault."""
        if not _is_int(self.limit) or not 1 <= self.limit <= MAX_LIMIT:
            raise ArgumentError("limit", f"{{limit}} is the number of hits on a page, a whole number from 1 to "
                                         f"{MAX_LIMIT}, not {quoted(self.limit)}")
        if not _is_int(self.offset) or self.offset < 0:
            raise ArgumentError("offset", f"{{offset}} is the rank of a page's first hit, a whole number from 0, "
                                          f"not {quoted(self.offset)}")
        for name in ("highlight", "collapse", "facets", "suggest"):
            if not isinstance(getattr(self, name), bool):
                raise ArgumentError(name, f"{{{name}}} is True or False, not {quoted(getattr(self, name))}")
        if not isinstance(self.filters, Filters):
            raise ArgumentError("filters", f"{{filters}} is a Filters value, not {quoted(self.filters)}")
        if not isinstance(self.sort, str) or self.sort not in SORTS:
            raise FilterError("sort", f"{{sort}}: {quoted(self.sort)} is not an order; use one of {', '.join(SORTS)}")
        if self.recency is not None:
            if not isinstance(self.recency, dt.timedelta) or self.recency <= dt.timedelta(0):
                raise FilterError("recency", f"{{recency}} is a half-life longer than zero (a timedelta, or text "
                                             f"such as 30d), not {quoted(self.recency)}")
            if self.sort != "relevance":
                raise FilterError("recency", "{recency} favours recent articles in relevance ranking; it cannot be "
                                             f"combined with {{sort}} {self.sort}")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------------------
# hits

#: Snippets per field: how many, and how wide (``None``: the whole field).
SNIPPETS = {S.HEADLINE: (1, None), S.BODY: (2, SNIPPET_CHARS), S.CAPTIONS: (1, SNIPPET_CHARS)}


def _hit(stored: dict, score: float, terms: dict[str, Wanted] | None,
         copies: tuple[Copy, ...] = ()) -> Hit:
    highlights = {}
    if terms is not None:
        language = analysis_language(stored.get(S.LANGUAGE))
        for name, (top, width) in SNIPPETS.items():
            wanted = terms.get(name, Wanted())
            if name == S.CAPTIONS:  # each caption on its own: two photos' captions never run together
                found = []
                for caption in (stored.get(name) or "").split(S.CAPTION_SEPARATOR):
                    matches = find_matches(caption, wanted, language)
                    if matches:
                        found.append((-len(matches), len(found), snippets(caption, matches, 1, width)))
                highlights[name] = tuple(s for _, _, best in sorted(found)[:top] for s in best)
                continue
            text = stored.get(name) or ""
            matches = find_matches(text, wanted, language)
            highlights[name] = snippets(text, matches, top, width)
    return documents.hit(stored, score=score, highlights=highlights, copies=copies)




def highlight_terms(q: Query, searcher: Searcher) -> dict[str, Wanted]:
    """Every word and phrase the query looked for, in any analysed field, to be marked in every snippet."""
    found = query_terms(q, searcher.reader(), S.FIELD_WEIGHTS).values()
    wanted = Wanted(frozenset().union(*(w.terms for w in found)),
                    tuple(sorted(set().union(*(w.phrases for w in found)))))
    return dict.fromkeys(SNIPPETS, wanted)




def page_hits(kept: list[tuple[int, float]], searcher: Searcher, terms, context: SearchContext | None,
              collapse: bool) -> list[Hit]:
    """The hits of a page: stored fields, snippets of the ``terms`` (``None``: none) and copies."""
    hits = []
    story_docs = context.story_docs if collapse and context is not None else {}
    for docnum, score in kept:
        stored = searcher.stored_fields(docnum)
        copies = context.copies_of(docnum) if docnum in story_docs else ()
        hits.append(_hit(stored, score, terms, copies))
    return hits


def estimate(q: Query, searcher: Searcher, allowed: np.ndarray | None) -> int:
    """Whoosh's estimate of the matches of ``q`` (a sum over its terms), at most the articles there are."""
    bound = searcher.doc_count() if allowed is None else int(allowed.sum())
    return min(q.estimate_size(searcher.reader()), bound)


# ---------------------------------------------------------------------------
# searching


@dataclass
class _Ranked:
    """What stage 2 of :func:`run_search` gives: the page's documents and what the counts are made of."""

    kept: list[tuple[int, float]]
    strict: Matches
    counted: np.ndarray
    listed: Matches
    counted_query: Query | None = None


def _rank_by_relevance(plan: Plan, evaluator, context: SearchContext, options: SearchOptions, wanted: int,
                       allowed: np.ndarray | None, story: np.ndarray | None) -> _Ranked:
    """By BM25F: a short query's articles with all the words then those with some; a long query's in one list."""
    final = context.recency(options.recency) if options.recency else None
    first = restrict(evaluator.evaluate(plan.first), allowed)
    docs, scores = top(first, wanted, final=final, story=story)
    kept = list(zip(docs.tolist(), scores.tolist(), strict=True))
    if plan.long:  # one list: ``first`` matched every article; the all-words ones are counted apart
        strict = restrict(evaluator.evaluate(plan.strict, scored=False), allowed)
        matched = first
    else:
        strict = matched = first
        if plan.tiered:
            need_more = len(kept) < wanted and plan.rest is not None
            matched = restrict(evaluator.evaluate(plan.rest if need_more else plan.loose, scored=need_more), allowed)
            if need_more:
                seen = set(story[docs].tolist()) - {-1} if story is not None else ()
                more, more_scores = top(restrict(matched, excluded=strict.docs), wanted - len(kept), final=final,
                                        story=story, seen=seen)
                kept += zip(more.tolist(), more_scores.tolist(), strict=True)
    if not plan.tiered:
        return _Ranked(kept=kept, strict=strict, counted=strict.docs, listed=strict)
    # Every article with all the words has some, except where a stop word of its language matched
    # it through the language filter, which the any-word query leaves out: count both.
    return _Ranked(kept=kept, strict=strict, counted=np.union1d(strict.docs, matched.docs),
                   listed=strict if len(strict) else matched, counted_query=plan.loose)


def _rank_by_date(plan: Plan, evaluator, context: SearchContext, options: SearchOptions, wanted: int,
                  allowed: np.ndarray | None, story: np.ndarray | None) -> _Ranked:
    """The articles with all the words (those with some, when none has them all) by date."""
    strict = restrict(evaluator.evaluate(plan.strict, scored=False), allowed)
    listed = strict
    if plan.tiered and not len(strict):
        listed = restrict(evaluator.evaluate(plan.loose, scored=False), allowed)
    docs, _ = top(listed, wanted, sort_key=context.date_key(newest=options.sort == "newest"), story=story)
    return _Ranked(kept=[(d, 0.0) for d in docs.tolist()], strict=strict, counted=listed.docs, listed=listed,
                   counted_query=plan.loose if listed is not strict else None)


def make_search_plan(searcher: Searcher, text: str, context: SearchContext) -> Plan:
    """Stage 1: the plan of a query (parsed, checked, the cost guard applied; see :mod:`.plan`)."""
    strict_parsed, loose_parsed = plans.parse(text, searcher.schema)
    check_expansions(strict_parsed, searcher.reader(), text)
    return plans.make_plan(text, strict_parsed, loose_parsed, searcher.reader(), context.languages)


def run_search(searcher: Searcher, text: str, options: SearchOptions | None = None, *,
               context: SearchContext | None = None, **kwargs) -> SearchResults:
    """Run the query ``text`` with ``searcher`` and return one page of results (see the module terms).

    ``options`` (or the same as keyword arguments: ``limit=5``) say which page,
    filters, order and extras; ``context`` is reused between searches of the
    same searcher (see :class:`SearchContext`).

    Stages:
        1. parse the query into the all-words and the any-word query (:mod:`.parse`);
        2. evaluate and rank (:mod:`.evaluate`, :mod:`.collect`): by relevance,
           the articles with all the words and then those with some; or by
           date, the articles with all the words (those with some when none
           has them all); within the filters, one hit per story;
        3. count the matches, the copies folded, and the facets if asked;
        4. suggest a corrected query if the query found little.
    """
    options = options or SearchOptions(**kwargs)
    context = context or SearchContext(searcher)
    started = time.perf_counter()
    deadline = Deadline.after(TIME_LIMIT)
    # 1. parse and plan
    plan = make_search_plan(searcher, text, context)
    allowed = context.allowed(options.filters)
    story = context.story if options.collapse else None
    evaluator = context.evaluator(deadline.extended(MIN_BUDGET))
    wanted = options.offset + options.limit
    # 2. evaluate and rank
    if options.sort == "relevance":
        plan = plans.with_feedback(plan, searcher, evaluator, allowed)
        ranked = _rank_by_relevance(plan, evaluator, context, options, wanted, allowed, story)
    else:
        ranked = _rank_by_date(plan, evaluator, context, options, wanted, allowed, story)
    terms = highlight_terms(plan.loose if plan.long else plan.strict, searcher) if options.highlight else None
    hits = page_hits(ranked.kept[options.offset:wanted], searcher, terms, context, options.collapse)
    # 3. count
    partial = evaluator.partial
    total = len(ranked.counted)
    if partial:
        counted_query = ranked.counted_query or plan.strict
        total = max(total, estimate(counted_query, searcher, allowed), len(ranked.kept))
        folded = 0
    else:
        folded = count_folded(ranked.counted, story)
    strict_total = len(ranked.strict)
    facets = None
    if options.facets:
        facets = count_facets(ranked.listed.docs, context.columns)
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
        all_words_total=strict_total if plan.tiered else None,
        partial=partial,
        collapsed=folded,
        sort=options.sort,
        facets=facets,
        suggestion=suggestion,
    )


def all_hits(searcher: Searcher, text: str, options: SearchOptions, *, context: SearchContext | None = None,
             page_size: int = MAX_LIMIT) -> Iterator[Hit]:
    """Every hit of a search in the order of :func:`run_search`'s pages (``options.offset`` and ``limit`` aside).

    The query is evaluated and ranked once, all its matches in order (document
    numbers only); the hits are then made ``page_size`` at a time, so only one
    page of stored fields is held at once. Raises :class:`SearchnewsError`
    when the search reached its time limit (the list would be incomplete).
    """
    context = context or SearchContext(searcher)
    plan = make_search_plan(searcher, text, context)
    allowed = context.allowed(options.filters)
    story = context.story if options.collapse else None
    evaluator = context.evaluator(Deadline.after(TIME_LIMIT * 10))
    everything = max(1, searcher.doc_count_all())
    if options.sort == "relevance":
        ranked = _rank_by_relevance(plans.with_feedback(plan, searcher, evaluator, allowed), evaluator, context,
                                    options, everything, allowed, story)
    else:
        ranked = _rank_by_date(plan, evaluator, context, options, everything, allowed, story)
    if evaluator.partial:
        raise SearchnewsError(f"the search for {text!r} reached its time limit; narrow it with filters to list "
                              f"every match")
    terms = highlight_terms(plan.loose if plan.long else plan.strict, searcher) if options.highlight else None
    for start in range(0, len(ranked.kept), page_size):
        yield from page_hits(ranked.kept[start:start + page_size], searcher, terms, context, options.collapse)


def matching_docs(searcher: Searcher, text: str, filters: Filters | None = None,
                  context: SearchContext | None = None) -> tuple[np.ndarray, bool]:
    """The articles a query is about, for a timeline: their document numbers, and whether the time limit cut them short.

    Those are the articles with all the words of a plain-words query (those
    with some, when none has them all), within ``filters``.
    """
    context = context or SearchContext(searcher)
    evaluator = context.evaluator(Deadline.after(TIME_LIMIT * 4))
    plan = make_search_plan(searcher, text, context)
    allowed = context.allowed(filters)
    found = restrict(evaluator.evaluate(plan.strict, scored=False), allowed)
    if not len(found) and plan.tiered:
        found = restrict(evaluator.evaluate(plan.loose, scored=False), allowed)
    return found.docs, evaluator.partial


def matching_dates(searcher: Searcher, text: str, filters: Filters | None = None,
                   context: SearchContext | None = None) -> tuple[list[dt.datetime | None], bool]:
    """The publication dates (``None`` for an article without one) of :func:`matching_docs`."""
    context = context or SearchContext(searcher)
    docs, partial = matching_docs(searcher, text, filters, context)
    return [context.date_of(int(docnum)) for docnum in docs], partial
