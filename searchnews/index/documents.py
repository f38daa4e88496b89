"""Articles as index documents, both ways: what the index keeps of an article, and what a search reads back.

Terms:
    document
        The field values Whoosh indexes for one article (:func:`document`):
        analysed fields carry the article's language as a marker for the
        analyzer (:func:`searchnews.index.analysis.mark_language`) and keep
        the text as written in their stored value; lists are joined with
        the separators of :mod:`searchnews.index.schema`; empty values are
        left out.
    stored fields
        What a searcher gives back for a document number
        (``searcher.stored_fields(docnum)``): the stored values, without the
        language marker. :func:`article`, :func:`hit` and :func:`copy` read
        them into the values searchnews hands to callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models import Article, Copy, Hit, Snippet
from . import schema as S
from .analysis import mark_language

__all__ = ["article", "copy", "document", "hit"]


def document(article: Article) -> dict[str, Any]:
    """The Whoosh document (field name → value) for an article."""
    language = article.language
    captions = S.CAPTION_SEPARATOR.join(article.captions)
    doc = {
        S.ID: article.id,
        S.PATH: article.path or "",
        # Analysed fields carry the article's language for the analyzer; the stored value does not.
        S.HEADLINE: mark_language(article.headline, language) if article.headline else "",
        f"_stored_{S.HEADLINE}": article.headline,
        S.BODY: S.PARAGRAPH_SEPARATOR.join(article.body),
        S.TEXT: mark_language(S.PARAGRAPH_SEPARATOR.join((article.headline, *article.captions, *article.body)),
                              language),
        S.CAPTIONS: mark_language(captions, language) if captions else "",
        f"_stored_{S.CAPTIONS}": captions,
        S.SOURCE: article.source or "",
        S.AUTHORS: S.AUTHOR_SEPARATOR.join(article.authors),
        S.PLACE: article.place or "",
        S.URL: article.url or "",
        S.LANGUAGE: article.language or "",
    }
    if article.date:
        doc[S.DATE] = article.date
        doc[S.PUBLISHED] = article.date.isoformat()
    return {k: v for k, v in doc.items() if v != ""}


def _split(value: str | None, separator: str) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(separator) if v)


def article(stored: Mapping[str, Any]) -> Article:
    """The article of a document's stored fields (everything but ``notes``, which the index does not keep)."""
    return Article(
        headline=stored.get(S.HEADLINE, ""),
        body=_split(stored.get(S.BODY), S.PARAGRAPH_SEPARATOR),
        captions=_split(stored.get(S.CAPTIONS), S.CAPTION_SEPARATOR),
        source=stored.get(S.SOURCE) or None,
        authors=_split(stored.get(S.AUTHORS), S.AUTHOR_SEPARATOR),
        date=S.stored_date(stored.get(S.PUBLISHED)),
        url=stored.get(S.URL) or None,
        language=stored.get(S.LANGUAGE) or None,
        id=stored.get(S.ID),
        path=stored.get(S.PATH) or None,
        place=stored.get(S.PLACE) or None,
    )


def hit(stored: Mapping[str, Any], *, score: float, highlights: Mapping[str, tuple[Snippet, ...]] | None = None,
        copies: tuple[Copy, ...] = ()) -> Hit:
    """A search hit of a document's stored fields, with its score, highlights and folded copies."""
    return Hit(
        id=stored[S.ID],
        score=float(score or 0.0),
        headline=stored.get(S.HEADLINE, ""),
        source=stored.get(S.SOURCE) or None,
        authors=_split(stored.get(S.AUTHORS), S.AUTHOR_SEPARATOR),
        date=S.stored_date(stored.get(S.PUBLISHED)),
        url=stored.get(S.URL) or None,
        path=stored.get(S.PATH) or None,
        language=stored.get(S.LANGUAGE) or None,
        highlights=dict(highlights or {}),
        copies=copies,
    )


def copy(stored: Mapping[str, Any]) -> Copy:
    """A syndicated copy of a hit, as listed with it, from the copy's stored fields."""
    return Copy(id=stored[S.ID], headline=stored.get(S.HEADLINE, ""), source=stored.get(S.SOURCE) or None,
                date=S.stored_date(stored.get(S.PUBLISHED)), path=stored.get(S.PATH) or None)
