"""The values searchnews hands to callers: small frozen dataclasses.

Terms:
    article
        One news story after cleaning: a headline, body paragraphs, photo
        captions and metadata. A file holds one article (``.txt``, ``.html``)
        or several (``.json`` lists, ``.jsonl`` lines).
    hit
        One article found by a search, with its score and highlights.
    snippet
        A short extract of a field with the character ranges that matched the
        query (``spans``); rendering to terminal colours, plain text or HTML is
        done by :mod:`searchnews.highlighting`.
    copy
        Another publication of the same story: a syndicated wire article whose
        body is a near-duplicate of the hit's (see :mod:`searchnews.duplicates`).
        Results show one hit per story, with its copies.
    facet
        Counts of the matching articles by one property: source, month, language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "Article",
    "Copy",
    "Facets",
    "FileProblem",
    "Hit",
    "IndexReport",
    "IndexStats",
    "SearchResults",
    "Snippet",
]


@dataclass(frozen=True)
class Article:
    """A cleaned news article.

    ``body`` and ``captions`` are tuples of paragraphs; ``authors`` a tuple of
    names. ``date`` is the publication time (naive, as written in the source),
    ``id`` the article id in the index, ``path`` the file it came from and
    ``place`` the dateline place (``NAIROBI, Kenya (AP) —`` gives ``NAIROBI,
    Kenya``). ``notes`` records what the reader had to repair (an encoding
    fallback, for example).
    """

    headline: str
    body: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    source: str | None = None
    authors: tuple[str, ...] = ()
    date: dt.datetime | None = None
    url: str | None = None
    language: str | None = None
    id: str | None = None
    path: str | None = None
    place: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by blank lines."""
        return "\n\n".join(self.body)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (lists for tuples, ISO 8601 for the date)."""
        data = asdict(self)
        for key in ("body", "captions", "authors", "notes"):
            data[key] = list(data[key])
        data["date"] = self.date.isoformat() if self.date else None
        return data


@dataclass(frozen=True)
class Snippet:
    """An extract of a field and the ``(start, end)`` ranges in it that matched."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Copy:
    """Another publication of a hit's story (see the module terms): enough to list it."""

    id: str
    headline: str
    source: str | None = None
    date: dt.datetime | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (ISO 8601 for the date)."""
        return {"id": self.id, "headline": self.headline, "source": self.source,
                "date": self.date.isoformat() if self.date else None, "path": self.path}


@dataclass(frozen=True)
class Hit:
    """One search result.

    ``highlights`` maps ``headline``, ``body`` and ``captions`` to a tuple of
    :class:`Snippet` (empty when nothing matched in that field). ``copies``
    lists the other publications of the same story, folded into this hit
    (empty when results are not collapsed, or the story has one article).
    """

    id: str
    score: float
    headline: str
    source: str | None
    authors: tuple[str, ...]
    date: dt.datetime | None
    url: str | None
    path: str | None
    language: str | None = None
    highlights: dict[str, tuple[Snippet, ...]] = field(default_factory=dict)
    copies: tuple[Copy, ...] = ()


@dataclass(frozen=True)
class Facets:
    """Counts of matching articles (copies included) by source, month (``2022-11``) and language.

    Each is a tuple of ``(value, count)``, most frequent first (months in
    date order); articles without a source, date or language count under
    ``None``. ``articles`` is the number of articles counted.
    """

    articles: int
    sources: tuple[tuple[str | None, int], ...] = ()
    months: tuple[tuple[str | None, int], ...] = ()
    languages: tuple[tuple[str | None, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: lists of ``{"value": ..., "count": ...}``."""
        def pairs(items):
            return [{"value": value, "count": count} for value, count in items]

        return {"articles": self.articles, "sources": pairs(self.sources), "months": pairs(self.months),
                "languages": pairs(self.languages)}


@dataclass(frozen=True)
class SearchResults:
    """The page of hits for a query.

    ``total`` counts every matching article, not just this page; ``took`` is
    the search time in seconds; ``offset`` the rank (0-based) of the first hit.
    ``all_words_total`` says how many articles contain all the words of a
    plain-words query (they rank before those that contain only some).
    ``partial`` is true when the search hit its time limit: the hits are the
    best found by then and ``total`` is an estimate. ``collapsed`` counts the
    matching articles folded into another hit as its copies, so pages hold
    ``total - collapsed`` hits in all. ``facets`` is set when asked for;
    ``suggestion`` is a corrected query when the query found little and the
    index has close words that are far more common.
    """

    query: str
    total: int
    hits: tuple[Hit, ...]
    took: float
    offset: int = 0
    all_words_total: int | None = None
    partial: bool = False
    collapsed: int = 0
    sort: str = "relevance"
    facets: Facets | None = None
    suggestion: str | None = None

    @property
    def more(self) -> bool:
        """True when hits remain after this page."""
        return self.offset + len(self.hits) < self.total - self.collapsed

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)


@dataclass(frozen=True)
class FileProblem:
    """A file (or one record of it) that was skipped or repaired, and why."""

    path: str
    reason: str
    line: int | None = None
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class IndexReport:
    """What one ``index`` run did.

    ``files_seen`` counts the files found under the given paths;
    ``rejected`` lists the files or records skipped, ``warnings`` those
    indexed after a repair (an encoding fallback, for example).
    """

    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rejected: tuple[FileProblem, ...] = ()
    warnings: tuple[FileProblem, ...] = ()
    seconds: float = 0.0
    bytes_read: int = 0
    interrupted: bool = False


@dataclass(frozen=True)
class IndexStats:
    """A summary of an index: size, sources and the dates covered.

    ``stories`` counts the stories published more than once (syndicated
    copies) and ``copies`` the articles in them.
    """

    path: str
    articles: int
    sources: tuple[tuple[str, int], ...]
    languages: tuple[tuple[str, int], ...]
    first_date: dt.datetime | None
    last_date: dt.datetime | None
    size_bytes: int
    segments: int
    stories: int = 0
    copies: int = 0
