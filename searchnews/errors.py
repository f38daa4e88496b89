"""Errors raised by searchnews.

Every error the library raises on purpose is a :class:`SearchnewsError`, so an
application can catch one class. The command-line interface turns each of them
into a one-line message and a non-zero exit code; the message is written for
the person at the terminal and, where there is one, names the next step.

Terms:
    corpus
        The files and folders a user asks to index.
    index
        The Whoosh index folder that searchnews writes (``./index`` by default).
"""

from __future__ import annotations

__all__ = [
    "ArticleNotFound",
    "CorpusError",
    "DocumentError",
    "FilterError",
    "IndexCorrupt",
    "IndexLocked",
    "IndexNotFound",
    "IndexNotWritable",
    "QuerySyntaxError",
    "SearchnewsError",
]


class SearchnewsError(Exception):
    """Base class of every error searchnews raises on purpose."""


class CorpusError(SearchnewsError):
    """The corpus cannot be read at all: a missing path, or nothing to index."""


class DocumentError(SearchnewsError):
    """One file or record cannot be turned into an article.

    During ``index`` these are collected in the report (the rest is indexed);
    ``clean`` on a single file raises them.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.reason = message

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class IndexNotFound(SearchnewsError):
    """There is no searchnews index at the given folder."""


class IndexCorrupt(SearchnewsError):
    """The index folder exists but cannot be opened."""


class IndexLocked(SearchnewsError):
    """Another process is writing to the index."""


class IndexNotWritable(SearchnewsError):
    """The index folder cannot be written (permissions, read-only, disk full)."""


class ArticleNotFound(SearchnewsError):
    """No article with the given id is in the index."""


class FilterError(SearchnewsError):
    """A filter option (--since, --until, --source, --lang, --recency) cannot be read."""


class QuerySyntaxError(SearchnewsError):
    """The query cannot be parsed.

    ``position`` is the 0-based character offset in the query where the problem
    was found, or ``None`` when it concerns the whole query.
    """

    def __init__(self, message: str, query: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.query = query
        self.position = position
        self.reason = message

    def __str__(self) -> str:
        if self.position is None:
            return self.reason
        return f"{self.reason} (at position {self.position + 1})"

    def pointer(self) -> str:
        """Two lines: the query, and a caret under the position of the problem."""
        if self.position is None:
            return self.query
        return f"{self.query}\n{' ' * self.position}^"
