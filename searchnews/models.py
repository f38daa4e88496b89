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


#: The fields of a hit that have highlights.
HIGHLIGHTED = ("headline", "body", "captions")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


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
        data["date"] = _iso(self.date)
        return data


@dataclass(frozen=True)
class Snippet:
    """An extract of a field and the ``(start, end)`` ranges in it that matched."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def to_html(self) -> str:
        """The extract as HTML: the text escaped, the matches in ``<mark>``."""
        from .search.highlighting import render_html

        return render_html(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``text`` and ``spans`` (a list of ``[start, end]``)."""
        return {"text": self.text, "spans": [list(span) for span in self.spans]}


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
        return {"id": self.id, "headline": self.headline, "source": self.source, "date": _iso(self.date),
                "path": self.path}


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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, the shape of a hit in ``--json`` and for web pages.

        ``score`` is rounded to 4 places; ``date`` is ISO 8601 or ``null``;
        ``highlights`` maps ``headline``, ``body`` and ``captions`` to HTML
        (:meth:`Snippet.to_html`, the snippets of a field joined by a space)
        or ``null`` when nothing matched there; ``copies`` is a list of
        :meth:`Copy.to_dict`.
        """
        def html(name: str) -> str | None:
            found = self.highlights.get(name) or ()
            return " ".join(snippet.to_html() for snippet in found) if found else None

        return {
            "id": self.id,
            "score": round(self.score, 4),
            "headline": self.headline,
            "source": self.source,
            "authors": list(self.authors),
            "date": _iso(self.date),
            "url": self.url,
            "path": self.path,
            "language": self.language,
            "highlights": {name: html(name) for name in HIGHLIGHTED},
            "copies": [c.to_dict() for c in self.copies],
        }


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
    the search time in seconds (wall clock); ``offset`` the rank (0-based) of the first hit.
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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, the shape of ``--json`` and of web responses: every attribute, and ``more``.

        ``took`` is in seconds (rounded to the microsecond), ``hits`` a list of
        :meth:`Hit.to_dict`, ``facets`` :meth:`Facets.to_dict` or ``null``.
        """
        return {
            "query": self.query,
            "total": self.total,
            "all_words_total": self.all_words_total,
            "took": round(self.took, 6),
            "partial": self.partial,
            "offset": self.offset,
            "sort": self.sort,
            "collapsed": self.collapsed,
            "more": self.more,
            "suggestion": self.suggestion,
            "facets": self.facets.to_dict() if self.facets is not None else None,
            "hits": [hit.to_dict() for hit in self.hits],
        }

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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``path``, ``line`` (or ``null``), ``reason`` and ``skipped``."""
        return asdict(self)


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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every attribute (``rejected`` and ``warnings`` as lists of dicts)."""
        data = asdict(self)
        data["rejected"] = [p.to_dict() for p in self.rejected]
        data["warnings"] = [p.to_dict() for p in self.warnings]
        data["seconds"] = round(self.seconds, 6)
        return data


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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: sources and languages as ``{name: count}`` (most first), dates ISO 8601 or ``null``.

        ``syndicated_stories`` and ``syndicated_articles`` are ``stories`` and ``copies``.
        """
        return {"path": self.path, "articles": self.articles, "sources": dict(self.sources),
                "languages": dict(self.languages), "first_date": _iso(self.first_date),
                "last_date": _iso(self.last_date), "size_bytes": self.size_bytes, "segments": self.segments,
                "syndicated_stories": self.stories, "syndicated_articles": self.copies}
