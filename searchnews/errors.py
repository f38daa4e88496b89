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

import re
from collections.abc import Mapping

__all__ = [
    "ArgumentError",
    "ArticleNotFound",
    "CorpusError",
    "DocumentError",
    "FilterError",
    "IndexCorrupt",
    "IndexLocked",
    "IndexNotFound",
    "IndexNotWritable",
    "MissingDependency",
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
    """There is no searchnews index at the given folder (``path``)."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class IndexCorrupt(SearchnewsError):
    """The index folder exists but cannot be opened."""


class IndexLocked(SearchnewsError):
    """Another process is writing to the index."""


class IndexNotWritable(SearchnewsError):
    """The index folder cannot be written (permissions, read-only, disk full)."""


class ArticleNotFound(SearchnewsError):
    """No article with the given id is in the index."""


class MissingDependency(SearchnewsError):
    """An optional package a feature needs is not installed; ``extra`` is the searchnews extra that installs it."""

    def __init__(self, message: str, extra: str) -> None:
        super().__init__(message)
        self.extra = extra

    def __reduce__(self):
        return type(self), (str(self), self.extra)


_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z_]+)\}")


def quoted(value: object) -> str:
    """``repr(value)``, ready to go in an :class:`ArgumentError` message (braces doubled)."""
    return repr(value).replace("{", "{{").replace("}", "}}")


class ArgumentError(SearchnewsError, ValueError):
    """An argument of a library call that is not one it accepts; the message says what is accepted.

    ``parameter`` is the name of the parameter at fault, as the function
    spells it (``limit``, ``since``, ``sources``…). The message is written
    with parameter names in braces, ``"{since} is after {until}"``; ``str()``
    gives them as they are (``since is after until``) and :meth:`render`
    with other names (the command line gives its options' names:
    ``--since is after --until``). Values in the message are written with
    :func:`quoted`.
    """

    def __init__(self, parameter: str, template: str) -> None:
        self.parameter = parameter
        self.template = template
        super().__init__(self.render())

    def __reduce__(self):
        return type(self), (self.parameter, self.template)

    def render(self, names: Mapping[str, str] | None = None) -> str:
        """The message, with each parameter called by its name in ``names`` (by its own name otherwise)."""
        names = names or {}

        def name(match: re.Match[str]) -> str:
            if match.group(1) is None:
                return match.group()[0]
            return names.get(match.group(1), match.group(1))

        return _TOKEN.sub(name, self.template)


class FilterError(ArgumentError):
    """A filter, order or recency (``since``, ``until``, ``sources``, ``languages``, ``sort``, ``recency``)
    that cannot be read."""


class QuerySyntaxError(SearchnewsError):
    """The query cannot be parsed.

    ``position`` is the offset in ``query`` where the problem was found
    (``query[position]`` is its first character; 0 is the start), or ``None``
    when it concerns the whole query. The message gives the same number.
    """

    def __init__(self, message: str, query: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.query = query
        self.position = position
        self.reason = message

    def __str__(self) -> str:
        if self.position is None:
            return self.reason
        return f"{self.reason} (at position {self.position})"

    def pointer(self) -> str:
        """Two lines: the query, and a caret under the position of the problem."""
        if self.position is None:
            return self.query
        return f"{self.query}\n{' ' * self.position}^"
