"""Collecting: from all the matches of a query (:class:`searchnews.search.evaluate.Matches`) to a page of hits.

Whoosh collects hits one at a time, through a chain of collectors (top N,
filter, collapse, time limit). With every match and score already in arrays,
the same work is a few array operations: keep the allowed documents, drop
the excluded ones, adjust scores (recency), order by score or by date with
ties broken by document number, and keep the best document of each story.

Terms:
    allowed
        A boolean array over all document numbers: the documents within the
        search's filters (dates, sources, languages).
    order
        By relevance: higher score first. By a sort key (a date): smaller key
        first. Either way ties go to the lower document number, so the same
        query on the same index always gives the same pages.
    story
        An integer array over all document numbers: the story a document's
        syndicated copies share (``-1`` for a document without copies). Of
        each story only the first document in the order is kept (*folded*),
        and a story already shown (``seen``) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np

from .evaluate import Matches, _contains

__all__ = ["count_folded", "restrict", "top"]

#: Below this many matches, all of them are sorted; above, the best are picked first
#: with a partial sort.
SORT_ALL_BELOW = 4096


def restrict(matches: Matches, allowed: np.ndarray | None = None, excluded: np.ndarray | None = None) -> Matches:
    """The matches within ``allowed`` (a boolean array over document numbers) and not in ``excluded`` (sorted)."""
    if allowed is not None and len(matches):
        matches = matches.only(allowed[matches.docs])
    if excluded is not None and len(excluded) and len(matches):
        matches = matches.only(~_contains(excluded, matches.docs))
    return matches


def _ordered(docs: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Indexes of ``docs`` sorted by ``primary`` then by document number."""
    return np.lexsort((docs, primary))


def top(matches: Matches, k: int, *, sort_key: np.ndarray | None = None,
        final: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None, story: np.ndarray | None = None,
        seen: Collection[int] = ()) -> tuple[np.ndarray, np.ndarray]:
    """The first ``k`` matches in order (see the module terms): their document numbers and scores.

    ``sort_key`` (an array over document numbers) orders by key instead of
    score; ``final(docs, scores)`` adjusts scores before ordering (recency);
    ``story`` and ``seen`` fold copies.
    """
    docs = matches.docs
    scores = matches.scores if matches.scores is not None else np.zeros(len(docs))
    if final is not None and len(docs):
        scores = final(docs, scores)
    primary = sort_key[docs] if sort_key is not None else -scores
    n = len(docs)
    wanted = min(n, max(4 * k, k + 256))
    seen_stories = np.fromiter(seen, dtype=np.int64) if seen else None
    while True:
        if n <= max(SORT_ALL_BELOW, wanted):
            chosen = np.arange(n)
        else:
            threshold = np.partition(primary, wanted - 1)[wanted - 1]
            chosen = np.flatnonzero(primary <= threshold)  # ties at the threshold all come in
        order = chosen[_ordered(docs[chosen], primary[chosen])]
        if story is not None:
            order = _first_of_each_story(order, story[docs[order]], seen_stories)
        if len(order) >= k or len(chosen) == n:
            order = order[:k]
            return docs[order], scores[order]
        wanted = min(n, wanted * 4)


def _first_of_each_story(order: np.ndarray, stories: np.ndarray, seen: np.ndarray | None) -> np.ndarray:
    """``order`` without documents whose story came earlier in it or is in ``seen``."""
    keep = np.ones(len(order), dtype=bool)
    has = np.flatnonzero(stories >= 0)
    if len(has):
        _, first = np.unique(stories[has], return_index=True)
        later = np.ones(len(has), dtype=bool)
        later[first] = False
        keep[has[later]] = False
        if seen is not None and len(seen):
            keep[has[np.isin(stories[has], seen)]] = False
    return order[keep]


def count_folded(docs: np.ndarray, story: np.ndarray | None) -> int:
    """How many of ``docs`` are copies folded into another of them (matches minus distinct stories)."""
    if story is None or not len(docs):
        return 0
    stories = story[docs]
    stories = stories[stories >= 0]
    return int(len(stories) - len(np.unique(stories)))
