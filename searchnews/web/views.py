"""What the web pages show, worked out from the library's results: bars, facet links, pages, safe links.

Nothing here renders HTML: the templates do, with every value escaped. This
module turns results into plain values the templates lay out.

Terms:
    bar
        One bucket of a :class:`~searchnews.search.timeline.Timeline` drawn as a
        rectangle of the chart, with the link that narrows the search to the
        bucket's period (``since`` and ``until`` set to its first and last day).
    facet link
        A facet value (a source, a month, a language) with its count and the
        link that adds it as a filter; a value already filtered on links to
        the search without it instead.
    safe link
        An article's url is shown as a link only when it is ``http`` or
        ``https``: a ``javascript:`` or ``data:`` url in a scraped record is
        shown as text.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from .params import PAGE_SIZE, SearchRequest

__all__ = ["Bar", "FacetLink", "article_href", "facet_links", "page_links", "safe_url", "timeline_bars"]

#: The chart's drawing area, in SVG user units (the SVG scales to the page's width).
CHART_WIDTH = 800
CHART_HEIGHT = 120
#: The least height of a bar with a count, so that a count of 1 next to a peak of 500 can be clicked.
MIN_BAR_HEIGHT = 3


@dataclass(frozen=True)
class Bar:
    """A bucket of the timeline as a rectangle (SVG units) and the link to its period (``None`` when empty)."""

    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    href: str | None


@dataclass(frozen=True)
class FacetLink:
    """A facet value, its count and its link (``None`` for the unknown value, which no filter selects)."""

    label: str
    count: int
    href: str | None
    active: bool = False


def article_href(article_id: str) -> str:
    """The path of an article's page: the id percent-encoded as one path segment (``/`` too)."""
    return "/articles/" + quote(article_id, safe="")


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an ``http`` or ``https`` url with a host, else ``None`` (see the module terms)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def period(by: str, start: dt.date) -> tuple[str, str]:
    """The ``since`` and ``until`` values of the bucket of size ``by`` that starts on ``start``."""
    if by == "month":
        month = f"{start.year:04d}-{start.month:02d}"
        return month, month
    if by == "week":
        return start.isoformat(), (start + dt.timedelta(days=6)).isoformat()
    return start.isoformat(), start.isoformat()


def timeline_bars(timeline, request: SearchRequest) -> list[Bar]:
    """The bars of ``timeline`` (a :class:`~searchnews.search.timeline.Timeline`) for the chart."""
    buckets = timeline.buckets
    if not buckets:
        return []
    peak = max(bucket.count for bucket in buckets) or 1
    step = CHART_WIDTH / len(buckets)
    gap = min(2.0, step * 0.2)
    bars = []
    for i, bucket in enumerate(buckets):
        height = 0.0
        if bucket.count:
            height = max(MIN_BAR_HEIGHT, CHART_HEIGHT * bucket.count / peak)
        since, until = period(timeline.by, bucket.start)
        href = request.link(since=since, until=until) if bucket.count else None
        bars.append(Bar(label=bucket.label, count=bucket.count, x=round(i * step, 2), y=round(CHART_HEIGHT - height, 2),
                        width=round(step - gap, 2), height=round(height, 2), href=href))
    return bars


def facet_links(facets, request: SearchRequest) -> dict[str, list[FacetLink]]:
    """Links for each facet of ``facets`` (a :class:`~searchnews.models.Facets`): sources, months, languages."""
    if facets is None:
        return {}

    def repeatable(items, name: str) -> list[FacetLink]:
        chosen = getattr(request, name)
        links = []
        for value, count in items:
            if value is None:
                links.append(FacetLink("(unknown)", count, None))
            elif value in chosen:
                links.append(FacetLink(value, count, request.without(name, value), active=True))
            else:
                links.append(FacetLink(value, count, request.adding(name, value)))
        return links

    months = []
    for value, count in facets.months:
        if value is None:
            months.append(FacetLink("(no date)", count, None))
            continue
        active = request.since == value and request.until == value
        href = request.link(since=None, until=None) if active else request.link(since=value, until=value)
        months.append(FacetLink(value, count, href, active=active))
    return {"sources": repeatable(facets.sources, "sources"), "months": months,
            "languages": repeatable(facets.languages, "languages")}


@dataclass(frozen=True)
class Pages:
    """Where the page of results is: its number, how many there are, and the links around it."""

    number: int
    count: int
    first: int
    last: int
    previous: str | None
    next: str | None


def page_links(results, request: SearchRequest) -> Pages:
    """The pagination of ``results`` (a page of :data:`PAGE_SIZE` hits) for ``request``."""
    listed = max(0, results.total - results.collapsed)
    count = max(1, math.ceil(listed / PAGE_SIZE))
    first = results.offset + 1 if results.hits else 0
    previous = request.link(page=request.page - 1) if request.page > 1 else None
    following = request.link(page=request.page + 1) if results.more else None
    return Pages(number=request.page, count=count, first=first, last=results.offset + len(results.hits),
                 previous=previous, next=following)
