"""searchnews: full-text search for folders of scraped news.

The public API::

    from searchnews import NewsIndex, clean_file

    with NewsIndex.open("./index", create=True) as ix:
        ix.add("./corpus")
        results = ix.search('"missile test" AND sanctions', limit=10)

See the README for the query syntax and the ranking.
"""

from .api import NewsIndex
from .errors import (
    ArgumentError,
    ArticleNotFound,
    CorpusError,
    DocumentError,
    FilterError,
    IndexCorrupt,
    IndexLocked,
    IndexNotFound,
    IndexNotWritable,
    MissingDependency,
    QuerySyntaxError,
    SearchnewsError,
)
from .models import Article, Copy, Facets, FileProblem, Hit, IndexReport, IndexStats, SearchResults, Snippet

__version__ = "0.1.0"

_CLEANING = ("clean_file", "clean_string", "clean_text")


def __getattr__(name: str):
    # The cleaning functions are loaded on first use: importing searchnews to query an
    # index should not pay for the cleaning pipeline (regexes, date parser, trafilatura).
    if name in _CLEANING:
        from .ingest import cleaning

        return getattr(cleaning, name)
    raise AttributeError(f"module 'searchnews' has no attribute {name!r}")

__all__ = [
    "ArgumentError",
    "Article",
    "ArticleNotFound",
    "Copy",
    "CorpusError",
    "DocumentError",
    "Facets",
    "FileProblem",
    "FilterError",
    "Hit",
    "IndexCorrupt",
    "IndexLocked",
    "IndexNotFound",
    "IndexNotWritable",
    "IndexReport",
    "IndexStats",
    "MissingDependency",
    "NewsIndex",
    "QuerySyntaxError",
    "SearchResults",
    "SearchnewsError",
    "Snippet",
    "__version__",
    "clean_file",
    "clean_string",
    "clean_text",
]
