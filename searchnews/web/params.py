"""The parameters of a web request: read from a URL's query string, written back into links.

Every page and API call of :mod:`searchnews.web` takes its search from the
query string, so every URL is a permalink. This module reads those strings
into one :class:`SearchRequest` and writes links that change one thing of
it (add a source, remove a filter, go to page 3), keeping the rest.

Terms:
    parameter
        A name in the query string. The names are those of the library's
        arguments (``since``, ``until``, ``sources``, ``languages``, ``sort``,
        ``recency``, ``collapse``, ``limit``, ``offset``, ``by``), so an
        error of the library (``since: cannot read '2022-13': …``) names the
        parameter the request gave; ``q`` is the query, ``page`` the page
        number of the web page, ``format`` the export's format.
    repeatable
        ``sources`` and ``languages`` may be given several times
        (``?sources=AFP&sources=Reuters``); any other parameter given twice
        is an error.
    empty value
        A parameter given with no value (``?since=``, as a form sends an
        empty field) is the same as one not given.
    permalink
        The URL of a search: its parameters that differ from the defaults, in
        a fixed order, so one search has one URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from ..errors import ArgumentError, quoted

__all__ = ["API_PARAMETERS", "PAGE_SIZE", "SearchRequest", "parse_request"]

#: Hits per page of the web page (the API takes ``limit``).
PAGE_SIZE = 20
#: The parameters each kind of request accepts.
SEARCH_PARAMETERS = ("q", "since", "until", "sources", "languages", "sort", "recency", "collapse")
API_PARAMETERS = {
    "search": (*SEARCH_PARAMETERS, "limit", "offset", "facets"),
    "similar": ("since", "until", "sources", "languages", "sort", "collapse", "limit", "offset"),
    "timeline": ("q", "since", "until", "sources", "languages", "by"),
    "export": (*SEARCH_PARAMETERS, "format"),
    "page": (*SEARCH_PARAMETERS, "page"),
    "article": (),
    "stats": (),
}
REPEATABLE = ("sources", "languages")
BOOLEANS = ("collapse", "facets")
#: Export formats: the value of ``format`` and what it is.
EXPORT_FORMATS = {"csv": "CSV, a header row and one row per hit", "jsonl": "JSON Lines, one hit per line"}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_WHOLE = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class SearchRequest:
    """One request's search, as the query string gives it (see the module terms).

    Text values are as given (the library checks them); ``limit`` and
    ``offset`` are whole numbers, or the text given when it is not one, so
    that the library's message about them is the one the caller sees.
    """

    q: str = ""
    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sort: str = "relevance"
    recency: str | None = None
    collapse: bool = True
    facets: bool = False
    limit: int | str = 10
    offset: int | str = 0
    page: int = 1
    by: str = "auto"
    format: str = "csv"

    def filters(self) -> dict[str, Any]:
        """The filter arguments of the library's calls: since, until, sources, languages."""
        return {"since": self.since, "until": self.until, "sources": self.sources, "languages": self.languages}

    def search_arguments(self) -> dict[str, Any]:
        """The keyword arguments of :meth:`NewsIndex.search` (and of ``iter_search``, less ``limit``/``offset``)."""
        return {**self.filters(), "sort": self.sort, "recency": self.recency, "collapse": self.collapse}

    @property
    def page_offset(self) -> int:
        """The rank of the first hit of ``page`` on the web page."""
        return (self.page - 1) * PAGE_SIZE

    # -- links -----------------------------------------------------------------------------------
    def link(self, path: str = "/", **changes: Any) -> str:
        """The permalink of this search with ``changes`` (``page=2``, ``sources=(...)``), at ``path``.

        A link that changes the search (not just the page) starts again at
        its first page.
        """
        if changes and "page" not in changes:
            changes["page"] = 1
        return _url(path, replace(self, **changes)._pairs(API_PARAMETERS["page"]))

    def api_link(self, path: str, **extra: Any) -> str:
        """The URL of this search at the API's ``path``, with ``extra`` parameters (``format="jsonl"``)."""
        pairs = self._pairs(SEARCH_PARAMETERS) + [(name, str(value)) for name, value in extra.items()]
        return _url(path, pairs)

    def _pairs(self, names: Iterable[str]) -> list[tuple[str, str]]:
        """The ``(name, value)`` pairs of the parameters ``names`` that differ from their defaults."""
        pairs = []
        for name in names:
            value = getattr(self, name)
            if value == _DEFAULTS[name] or value in (None, ""):
                continue
            if name in REPEATABLE:
                pairs += [(name, item) for item in value]
            elif name in BOOLEANS:
                pairs.append((name, "1" if value else "0"))
            else:
                pairs.append((name, str(value)))
        return pairs

    def adding(self, name: str, value: str) -> str:
        """The link that adds ``value`` to the repeatable parameter ``name`` (no change when it is there)."""
        current = getattr(self, name)
        return self.link(**{name: current if value in current else (*current, value)})

    def without(self, name: str, value: str | None = None) -> str:
        """The link without the filter ``name`` (without one ``value`` of a repeatable one)."""
        if name in REPEATABLE:
            return self.link(**{name: tuple(v for v in getattr(self, name) if v != value)})
        return self.link(**{name: _DEFAULTS[name]})

    def active_filters(self) -> list[tuple[str, str, str]]:
        """The filters and options that differ from the defaults: ``(label, value, link without it)``."""
        found = []
        for name, label in (("since", "since"), ("until", "until"), ("sort", "sort"), ("recency", "recency")):
            value = getattr(self, name)
            if value not in (None, "", _DEFAULTS[name]):
                found.append((label, value, self.without(name)))
        for name, label in (("sources", "source"), ("languages", "language")):
            found += [(label, value, self.without(name, value)) for value in getattr(self, name)]
        if not self.collapse:
            found.append(("copies", "listed separately", self.without("collapse")))
        return found


_DEFAULTS = {f.name: f.default for f in fields(SearchRequest)}


def _url(path: str, pairs: list[tuple[str, str]]) -> str:
    query = urlencode(pairs)
    return f"{path}?{query}" if query else path


def parse_request(params: Mapping[str, str] | Iterable[tuple[str, str]], kind: str) -> SearchRequest:
    """The :class:`SearchRequest` of a query string's ``(name, value)`` pairs, for a request of ``kind``.

    ``kind`` is a key of :data:`API_PARAMETERS`. Raises :class:`ArgumentError`
    naming the parameter for an unknown parameter, a parameter given twice,
    or a value that is not a number, yes/no, or format where one is
    expected; the values of filters are left for the library to check.
    """
    allowed = API_PARAMETERS[kind]
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    values: dict[str, Any] = {}
    for name, value in pairs:
        if name not in allowed:
            known = ", ".join(allowed) if allowed else "none"
            raise ArgumentError(name, f"{quoted(name)} is not a parameter here; the parameters are: {known}")
        value = value.strip() if name != "q" else value
        if value == "":
            continue
        if name in REPEATABLE:
            values[name] = (*values.get(name, ()), value)
        elif name in values:
            raise ArgumentError(name, f"{{{name}}} is given more than once; give it once")
        else:
            values[name] = value
    for name in BOOLEANS:
        if name in values:
            values[name] = _boolean(name, values[name])
    for name in ("limit", "offset"):
        if name in values and _WHOLE.fullmatch(values[name]):
            values[name] = int(values[name])
    if "page" in values:
        values["page"] = _page(values["page"])
    if "format" in values and values["format"] not in EXPORT_FORMATS:
        raise ArgumentError("format", f"{{format}} is {' or '.join(EXPORT_FORMATS)}, not {quoted(values['format'])}")
    return SearchRequest(**values)


def _boolean(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ArgumentError(name, f"{{{name}}} is 1 or 0 (true or false), not {quoted(value)}")


#: The highest page number: past it the offset would exceed what a search can rank.
MAX_PAGE = 1_000_000


def _page(value: str) -> int:
    if _WHOLE.fullmatch(value) and 1 <= int(value) <= MAX_PAGE:
        return int(value)
    raise ArgumentError("page", f"{{page}} is a page number, a whole number from 1 to {MAX_PAGE:,}, not "
                                f"{quoted(value)}")
