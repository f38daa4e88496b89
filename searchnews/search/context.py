"""What searches need to know about one searcher's view of the index, worked out once per version.

Terms:
    context
        A :class:`SearchContext`: one per searcher (so per version of the
        index and per thread), holding what every search of that version
        reuses: the index's languages, the per-article columns, the filters'
        allowed documents, the stories of syndicated copies.
    engine
        How queries are evaluated. ``vectorized`` (the default): the
        evaluator of :mod:`searchnews.search.evaluate` reads the array
        codec's posting lists a whole list at a time. ``whoosh``: Whoosh's own
        matchers, read into the same arrays (the reference path, also the
        one used for an index whose segments the evaluator cannot read).
        Everything after evaluation (filters, order, folding, counts, facets)
        is the same code for both. The environment variable
        ``SEARCHNEWS_ENGINE`` chooses; tests run the feature suite with both.
    allowed
        The documents within a search's filters, as a boolean array over
        document numbers (see :mod:`searchnews.search.collect`).
    story
        An array over document numbers: a number per story of syndicated
        copies, ``-1`` for an article without copies.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from functools import cached_property

import numpy as np
from whoosh.searching import Searcher
from whoosh.util.times import datetime_to_long

from ..errors import ArgumentError
from ..index import documents
from ..index import schema as S
from ..models import Copy
from .budget import Deadline
from .columns import NO_DATE, Columns, columns_of
from .evaluate import Evaluator, MatcherEvaluator, supports
from .filters import Filters
from .parse import index_languages

__all__ = ["ENGINES", "ENGINE_ENV", "RECENCY_WEIGHT", "SearchContext", "default_engine"]

#: The ways queries can be evaluated (see the module terms).
ENGINES = ("vectorized", "whoosh")
#: The environment variable that chooses the engine.
ENGINE_ENV = "SEARCHNEWS_ENGINE"
#: With a recency half-life, an article published at the newest date of the index scores
#: ``1 + RECENCY_WEIGHT`` times its relevance; one a half-life older ``1 + RECENCY_WEIGHT / 2``.
RECENCY_WEIGHT = 1.0


def default_engine() -> str:
    """``$SEARCHNEWS_ENGINE`` if set (``vectorized`` or ``whoosh``), else ``vectorized``."""
    value = os.environ.get(ENGINE_ENV, "").strip().lower() or "vectorized"
    if value not in ENGINES:
        raise ArgumentError("engine", f"{ENGINE_ENV}={value!r} is not an engine; use one of {', '.join(ENGINES)}")
    return value


class SearchContext:
    """See the module terms. ``path`` is the index folder, for its story table (without it no copies are known)."""

    def __init__(self, searcher: Searcher, path: str | None = None, engine: str | None = None) -> None:
        self.searcher = searcher
        self.path = path
        self.engine = engine or default_engine()
        if self.engine not in ENGINES:
            raise ArgumentError("engine", f"{{engine}} is one of {', '.join(ENGINES)}, not {self.engine!r}")
        self._allowed: dict[Filters, np.ndarray] = {}

    @cached_property
    def languages(self) -> tuple[str, ...]:
        return index_languages(self.searcher)

    @cached_property
    def vectorized(self) -> bool:
        """True when queries go through the vectorized evaluator."""
        return self.engine == "vectorized" and supports(self.searcher)

    def evaluator(self, deadline: Deadline | None = None, searcher: Searcher | None = None):
        """An evaluator for one search (its term cache lives as long as the search)."""
        searcher = searcher or self.searcher
        if self.vectorized:
            return Evaluator(searcher, deadline=deadline)
        return MatcherEvaluator(searcher, deadline=deadline)

    def allowed(self, filters: Filters | None) -> np.ndarray | None:
        """The documents within ``filters`` (``None`` when there are none), found once per searcher and filters.

        Filters are applied as a set of documents rather than as clauses of
        the query: a date range is a union of many index terms, which would
        otherwise be read again by every search.
        """
        if not filters:
            return None
        if filters not in self._allowed:
            if len(self._allowed) >= 16:
                self._allowed.clear()
            found = self.evaluator().evaluate(filters.query(self.searcher.schema), scored=False)
            mask = np.zeros(self.searcher.doc_count_all(), dtype=bool)
            mask[found.docs] = True
            mask.flags.writeable = False
            self._allowed[filters] = mask
        return self._allowed[filters]

    # -- per-article values
    @cached_property
    def columns(self) -> Columns:
        """The dates, sources and languages of the searcher's documents (:mod:`searchnews.search.columns`)."""
        return columns_of(self.searcher.reader())

    def date_of(self, docnum: int) -> dt.datetime | None:
        """The publication time of a document, or ``None``."""
        return self.columns.date_of(docnum)

    @cached_property
    def newest(self) -> int | None:
        """The newest publication time in the index (not after now), as stored; ``None`` if no dates."""
        return self.columns.newest()

    def date_key(self, newest: bool) -> np.ndarray:
        """Sort keys for a date order, newest or oldest first, articles without a date last (smaller first)."""
        dates = self.columns.dates
        last = np.iinfo(np.int64).max
        keys = -dates if newest else dates.copy()
        keys[dates == NO_DATE] = last
        return keys

    def recency(self, half_life: dt.timedelta) -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
        """``final(docs, scores)``: scores times ``1 + RECENCY_WEIGHT * 0.5 ** (age / half-life)``.

        The age of an article is counted back from the newest date of the
        index (dates in the future ignored), so an archive of 1987 favours its
        own latest stories; articles without a date keep their score.
        """
        newest = self.newest
        if newest is None:
            return None
        ticks = datetime_to_long(dt.datetime(2000, 1, 1) + half_life) - datetime_to_long(dt.datetime(2000, 1, 1))
        dates = self.columns.dates

        def final(docs: np.ndarray, scores: np.ndarray) -> np.ndarray:
            values = dates[docs]
            age = np.maximum(0, newest - values).astype(np.float64)
            factor = 1 + RECENCY_WEIGHT * 0.5 ** (age / ticks)
            return np.where(values == NO_DATE, scores, scores * factor)

        return final

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

    @cached_property
    def story(self) -> np.ndarray | None:
        """The story of each document (see the module terms); ``None`` when no article has copies."""
        story_docs = self.story_docs
        if not story_docs:
            return None
        numbers: dict[str, int] = {}
        story = np.full(self.searcher.doc_count_all(), -1, dtype=np.int64)
        docs = np.fromiter(story_docs.keys(), dtype=np.int64, count=len(story_docs))
        story[docs] = [numbers.setdefault(key, len(numbers)) for key in story_docs.values()]
        story.flags.writeable = False
        return story

    def story_number(self, article_id: str) -> int | None:
        """The number of the story of ``article_id`` in :attr:`story`, or ``None``."""
        key = self.stories.get(article_id)
        if key is None or self.story is None:
            return None
        for docnum, other in self.story_docs.items():
            if other == key:
                return int(self.story[docnum])
        return None

    @cached_property
    def _story_members(self) -> dict[str, list[int]]:
        """Story key to the document numbers of its live articles."""
        groups: dict[str, list[int]] = {}
        for docnum, key in self.story_docs.items():
            groups.setdefault(key, []).append(docnum)
        return groups

    def story_members_of(self, docnum: int) -> list[int]:
        """The live documents of the story of ``docnum``, itself included (empty when it has no copies)."""
        key = self.story_docs.get(docnum)
        return list(self._story_members[key]) if key is not None else []

    def copies_of(self, docnum: int) -> tuple[Copy, ...]:
        """The other live articles of the story of document ``docnum``, oldest first (empty when it has none)."""
        key = self.story_docs.get(docnum)
        if key is None:
            return ()
        found = [documents.copy(self.searcher.stored_fields(other)) for other in self._story_members[key]
                 if other != docnum]
        return tuple(sorted(found, key=lambda c: (c.date is None, c.date or dt.datetime.min, c.id)))

    def copies(self, article_id: str) -> tuple[Copy, ...]:
        """The other articles of the story of ``article_id`` (empty when it has none)."""
        if article_id not in self.stories:
            return ()
        docnum = self.searcher.document_number(**{S.ID: article_id})
        return () if docnum is None else self.copies_of(docnum)
