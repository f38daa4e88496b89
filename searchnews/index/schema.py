"""The Whoosh schema, its analyzers and the field names, declared once.

Every other module spells field names through the constants here.

Terms:
    analysed field
        A field whose text is split into words, lower-cased, accent-folded
        ("café" matches "cafe"), stripped of English stop words and stemmed
        ("sanctions" matches "sanction"): ``headline``, ``captions`` and
        ``text``, which holds the headline, captions and body together.
        Plain words are matched in ``text`` (one field: fast to intersect and
        count); the headline and captions fields only add to the score.
    stored field
        Kept as written, for results and ``show``: the body is stored but only
        searched through ``text``.
    name field
        A field of names split into words and folded but not stemmed:
        ``source``, ``authors``, ``place``; ``source:reuters`` matches "Reuters".
    column
        A per-article value kept for sorting and counting without reading the
        stored fields: ``date`` (sort by date, timelines), ``source`` and
        ``language`` (facets).
    exact field
        A field matched as a whole value: ``id``, ``path``, ``url``, ``language``.
    field weight
        How much a match in a field counts in ranking (see :data:`FIELD_WEIGHTS`).
"""

from __future__ import annotations

import datetime as dt
import math

from whoosh import fields, scoring
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map

from .analysis import FastPositions, NewsAnalyzer

__all__ = [
    "AUTHORS",
    "AUTHOR_SEPARATOR",
    "BM25_B",
    "BM25_K1",
    "BODY",
    "BOOST_FIELDS",
    "CAPTIONS",
    "CAPTION_SEPARATOR",
    "DATE",
    "FIELD_ALIASES",
    "FIELD_WEIGHTS",
    "HEADLINE",
    "ID",
    "LANGUAGE",
    "PARAGRAPH_SEPARATOR",
    "PATH",
    "PLACE",
    "PROXIMITY_SLOP",
    "PROXIMITY_WEIGHT",
    "PUBLISHED",
    "QUERY_FIELDS",
    "SEARCH_FIELD",
    "SOURCE",
    "TEXT",
    "TEXT_FIELDS",
    "URL",
    "NewsBM25F",
    "make_schema",
    "make_scoring",
]

ID = "id"
PATH = "path"
HEADLINE = "headline"
BODY = "body"
CAPTIONS = "captions"
TEXT = "text"
SOURCE = "source"
AUTHORS = "authors"
DATE = "date"
PUBLISHED = "published"
URL = "url"
LANGUAGE = "language"
PLACE = "place"
#: Never filled: its presence marks an index built with per-language analysis and the
#: source and language columns (facets), so :func:`searchnews.indexing.open_index` can
#: tell an index from an older version.
ANALYSIS_VERSION = "columns_v3"

#: The field plain words are looked for in: headline, captions and body together.
SEARCH_FIELD = TEXT

#: The stored fields that results show, with snippets.
TEXT_FIELDS = (HEADLINE, CAPTIONS, BODY)

#: Ranking weight of a match in each analysed field. Every word of an article
#: is in ``text``; a word that is also in the headline or a caption earns
#: those fields' scores on top. Tuned with benchmarks/bench_ranking.py (issue 7):
#: a heavy headline weight (it was 3) let any article with one query word in its
#: headline outrank the article that has the rarer words; captions (absent from
#: the benchmark's corpora) are weighted like the headline.
FIELD_WEIGHTS = {TEXT: 1.0, HEADLINE: 0.25, CAPTIONS: 0.25}

#: The fields whose matches add to the score of a plain-word match (all but ``text``).
BOOST_FIELDS = {name: weight for name, weight in FIELD_WEIGHTS.items() if name != TEXT}

#: BM25 parameters: ``K1`` (term-frequency saturation) and ``B`` (length
#: normalisation) per field. Headlines and captions are short and of similar
#: length, so their length matters less.
BM25_K1 = 1.2
BM25_B = {TEXT: 0.75, HEADLINE: 0.5, CAPTIONS: 0.5}

#: Proximity boost: a query of several plain words also scores, with this
#: weight, where they appear in ``text`` in the query's order with at most
#: ``PROXIMITY_SLOP`` other words between them (0 turns it off). Optional, like
#: the headline and captions: it changes the ranking, never which articles match.
PROXIMITY_WEIGHT = 0.0
PROXIMITY_SLOP = 3

#: Names a user may write before a colon in a query, to the field searched.
FIELD_ALIASES = {
    "headline": HEADLINE, "title": HEADLINE,
    "body": TEXT, "text": TEXT,
    "caption": CAPTIONS, "captions": CAPTIONS,
    "source": SOURCE, "agency": SOURCE,
    "author": AUTHORS, "authors": AUTHORS,
    "date": DATE,
    "url": URL,
    "lang": LANGUAGE, "language": LANGUAGE,
    "place": PLACE,
    "id": ID,
}

#: The fields that may appear in a query (values of :data:`FIELD_ALIASES`).
QUERY_FIELDS = tuple(sorted(set(FIELD_ALIASES.values())))

PARAGRAPH_SEPARATOR = "\n\n"
CAPTION_SEPARATOR = "\n"
AUTHOR_SEPARATOR = "; "


def stored_date(value: str | None) -> dt.datetime | None:
    """The publication time stored in :data:`PUBLISHED` (ISO 8601), or ``None``."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def text_analyzer() -> NewsAnalyzer:
    """Words, lower-cased, accent-folded, English stop words removed, Porter-stemmed (one fast pass)."""
    return NewsAnalyzer()


class NewsText(fields.TEXT):
    """An analysed text field whose positions are computed by :class:`FastPositions`."""

    def __init__(self, **kwargs) -> None:
        super().__init__(analyzer=text_analyzer(), phrase=True, **kwargs)
        self.format = FastPositions(field_boost=self.format.field_boost)


def name_analyzer():
    """Words, lower-cased and accent-folded; nothing removed or stemmed."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def make_schema() -> fields.Schema:
    """The schema of a searchnews index."""
    names = name_analyzer()
    return fields.Schema(
        **{
            ID: fields.ID(unique=True, stored=True),
            PATH: fields.ID(stored=True),
            HEADLINE: NewsText(stored=True),
            CAPTIONS: NewsText(stored=True),
            TEXT: NewsText(stored=False),
            BODY: fields.STORED(),
            SOURCE: fields.TEXT(analyzer=names, stored=True, phrase=True, sortable=True),
            AUTHORS: fields.TEXT(analyzer=names, stored=True, phrase=True),
            PLACE: fields.TEXT(analyzer=names, stored=True, phrase=True),
            DATE: fields.DATETIME(sortable=True),
            PUBLISHED: fields.STORED(),
            URL: fields.ID(stored=True),
            LANGUAGE: fields.ID(stored=True, sortable=True),
            ANALYSIS_VERSION: fields.STORED(),
        }
    )


class NewsBM25F(scoring.BM25F):
    """Whoosh's BM25F with the probabilistic IDF of BM25 (as Lucene and SQLite FTS5 use).

    Whoosh's own IDF, ``log(N / (df + 1)) + 1``, adds 1 to every word, which
    flattens the gap between a rare word and a common one: a common word the
    reader misremembered then weighs almost as much as the distinctive ones.
    ``log(1 + (N - df + 0.5) / (df + 0.5))`` keeps that gap (and stays positive).
    """

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        df = parent.doc_frequency(fieldname, text)
        n = parent.doc_count_all()
        return math.log(1 + (n - df + 0.5) / (df + 0.5))


def make_scoring(model: type[NewsBM25F] = NewsBM25F) -> scoring.WeightingModel:
    """BM25F (:class:`NewsBM25F`, or a subclass) with the ``K1`` of :data:`BM25_K1` and the ``B`` of :data:`BM25_B`."""
    per_field = {f"{name}_B": b for name, b in BM25_B.items()}
    return model(B=BM25_B[TEXT], K1=BM25_K1, **per_field)
