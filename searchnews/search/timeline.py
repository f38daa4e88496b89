"""How many matching articles per day, week or month: counts, a terminal chart, an image.

The search layer hands :func:`build_timeline` the dates of the articles that
match a query; this module counts them and draws them. It never reads an index.

Terms:
    bucket
        A stretch of the calendar whose matching articles are counted
        together: a day, an ISO week (Monday to Sunday, labelled by its ISO
        year and week number: 2022-01-02, a Sunday, is in ``2021-W52``) or a
        calendar month. A bucket is named by its first day (``start``).
    timeline
        The buckets from the one holding the earliest dated article to the one
        holding the latest, every bucket in between included (empty ones count
        zero, so a chart shows the gaps), with the number of matching articles
        and of those without a date (which no bucket holds).
    auto
        The bucket size chosen from the span of the dates: a day when the
        first and last articles are at most 45 days apart, a week when at most
        366 days, a month otherwise.
    bar chart
        :func:`render_chart`'s form for up to :data:`MAX_BAR_ROWS` buckets: one
        line per bucket, a bar of Unicode blocks drawn to an eighth of a cell,
        the peak bucket's bar ``width`` cells long.
    calendar chart
        Its form for more buckets: one line per month (of days), per ISO year
        (of weeks) or per year (of months), one character per bucket in a
        column that is always the same day of the month, week of the year or
        month of the year, as a sparkline of eight heights (``▁`` to ``█``,
        a space for none), with the line's total at the end.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import ArgumentError, MissingDependency, SearchnewsError, quoted

__all__ = [
    "AUTO_DAY_MAX_DAYS",
    "AUTO_WEEK_MAX_DAYS",
    "BUCKET_SIZES",
    "MAX_BAR_ROWS",
    "MAX_BUCKETS",
    "PLOT_FORMATS",
    "Bucket",
    "Timeline",
    "build_timeline",
    "plot",
    "render_chart",
]

#: The bucket sizes :func:`build_timeline` accepts, besides ``"auto"``.
BUCKET_SIZES = ("day", "week", "month")
#: ``auto`` counts per day when the dates span at most this many days ...
AUTO_DAY_MAX_DAYS = 45
#: ... per week when they span at most this many, per month otherwise.
AUTO_WEEK_MAX_DAYS = 366
#: Timelines with more buckets than this are drawn as a calendar chart.
MAX_BAR_ROWS = 60
#: The most buckets a timeline may have: every month of the calendar (years 1 to 9999) fits, the
#: days of more than 300 years do not (a date of 0001-01-01 in a corpus of 2022 asks for 738,000).
MAX_BUCKETS = 120_000
#: The image formats :func:`plot` writes, by file extension.
PLOT_FORMATS = ("png", "svg", "pdf")

_EIGHTHS = " ▏▎▍▌▋▊▉█"  # index n: a cell filled n eighths from the left
_HEIGHTS = "▁▂▃▄▅▆▇█"  # sparkline: a nonzero count, lowest to highest
_BAR_COLOR = "\x1b[36m"  # cyan
_RESET = "\x1b[0m"


@dataclass(frozen=True)
class Bucket:
    """A day, ISO week or month (``by``) starting on ``start``, and how many matching articles it holds."""

    start: dt.date
    count: int
    by: str = "day"

    @property
    def label(self) -> str:
        """``2022-11-26`` for a day, ``2022-W47`` for an ISO week, ``2022-11`` for a month."""
        if self.by == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.by == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``start`` (ISO 8601), ``label`` and ``count``."""
        return {"start": self.start.isoformat(), "label": self.label, "count": self.count}


@dataclass(frozen=True)
class Timeline:
    """Matching articles of ``query`` per bucket of size ``by`` (``day``, ``week`` or ``month``).

    ``total`` counts every matching article; ``undated`` those without a date,
    which are in no bucket. ``buckets`` run without a gap from the first dated
    article to the last (empty when no article has a date).
    """

    query: str
    by: str
    buckets: tuple[Bucket, ...]
    total: int
    undated: int

    @property
    def peak(self) -> Bucket | None:
        """The bucket with the most articles (the earliest of equals); ``None`` when there are no buckets."""
        if not self.buckets:
            return None
        return max(self.buckets, key=lambda bucket: bucket.count)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: query, by, total, undated and buckets (each with start, label and count)."""
        return {
            "query": self.query,
            "by": self.by,
            "total": self.total,
            "undated": self.undated,
            "buckets": [bucket.to_dict() for bucket in self.buckets],
        }


def _bucket_start(day: dt.date, by: str) -> dt.date:
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def _next_start(start: dt.date, by: str) -> dt.date | None:
    """The first day of the next bucket; ``None`` past the end of the calendar (9999-12-31)."""
    try:
        if by == "week":
            return start + dt.timedelta(days=7)
        if by == "month":
            return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start + dt.timedelta(days=1)
    except (OverflowError, ValueError):
        return None


def _bucket_count(first: dt.date, last: dt.date, by: str) -> int:
    """How many buckets of size ``by`` run from the one holding ``first`` to the one holding ``last``."""
    if by == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    if by == "week":
        return (_bucket_start(last, by) - _bucket_start(first, by)).days // 7 + 1
    return (last - first).days + 1


def _auto(first: dt.date, last: dt.date) -> str:
    span = (last - first).days
    if span <= AUTO_DAY_MAX_DAYS:
        return "day"
    if span <= AUTO_WEEK_MAX_DAYS:
        return "week"
    return "month"


def build_timeline(query: str, dates: Iterable[dt.datetime | dt.date | None], by: str = "auto") -> Timeline:
    """Count the matching articles' ``dates`` (``None`` for an article without one) per bucket.

    ``by`` is ``"day"``, ``"week"``, ``"month"`` or ``"auto"`` (see the
    module's terms; with no dated article it gives ``"day"``). Any other value
    raises :class:`ArgumentError`, as does a span of more than
    :data:`MAX_BUCKETS` buckets. ``query`` is only recorded, for titles.
    """
    if not isinstance(by, str) or (by != "auto" and by not in BUCKET_SIZES):
        raise ArgumentError("by", f"{{by}} is a bucket size: auto, {', '.join(BUCKET_SIZES)}, not {quoted(by)}")
    days: list[dt.date] = []
    undated = 0
    for value in dates:
        if value is None:
            undated += 1
        else:
            days.append(value.date() if isinstance(value, dt.datetime) else value)
    total = len(days) + undated
    if not days:
        return Timeline(query=query, by="day" if by == "auto" else by, buckets=(), total=total, undated=undated)
    first, last = min(days), max(days)
    if by == "auto":
        by = _auto(first, last)
    size = _bucket_count(first, last, by)
    if size > MAX_BUCKETS:
        raise ArgumentError("by", f"{{by}} {by} would give {size:,} buckets from {first} to {last} (the most is "
                                  f"{MAX_BUCKETS:,}): use a larger bucket size, or narrow the dates with {{since}} "
                                  f"and {{until}}")
    counts = Counter(_bucket_start(day, by) for day in days)
    buckets = []
    start: dt.date | None = _bucket_start(first, by)
    end = _bucket_start(last, by)
    while start is not None and start <= end:
        buckets.append(Bucket(start=start, count=counts.get(start, 0), by=by))
        start = _next_start(start, by)
    return Timeline(query=query, by=by, buckets=tuple(buckets), total=total, undated=undated)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _summary(timeline: Timeline) -> str:
    text = _plural(timeline.total, "article")
    if timeline.undated:
        text += f", {timeline.undated} without a date"
    peak = timeline.peak
    if peak is not None:
        text += f"; peak {peak.label} ({peak.count})"
    return text


def _bar(count: int, peak: int, width: int) -> str:
    """A bar of ``count / peak * width`` cells, to the nearest eighth; a nonzero count shows at least an eighth."""
    if count <= 0 or peak <= 0:
        return ""
    eighths = max(1, round(count / peak * width * 8))
    full, rest = divmod(eighths, 8)
    return _EIGHTHS[8] * full + (_EIGHTHS[rest] if rest else "")


def _paint(text: str, color: bool) -> str:
    return f"{_BAR_COLOR}{text}{_RESET}" if color and text.strip() else text


def _bar_chart(timeline: Timeline, width: int, color: bool) -> list[str]:
    peak = timeline.peak.count if timeline.peak else 0
    label_width = max(len(bucket.label) for bucket in timeline.buckets)
    count_width = len(str(peak))
    lines = []
    for bucket in timeline.buckets:
        bar = _bar(bucket.count, peak, width)
        padding = " " * (width - len(bar))
        lines.append(f"{bucket.label:<{label_width}} {_paint(bar, color)}{padding} {bucket.count:>{count_width}}")
    return lines


def _row_of(bucket: Bucket) -> tuple[str, int]:
    """The calendar chart's row label of a bucket, and its column in that row."""
    if bucket.by == "week":
        year, week, _ = bucket.start.isocalendar()
        return str(year), week - 1
    if bucket.by == "month":
        return str(bucket.start.year), bucket.start.month - 1
    return f"{bucket.start.year}-{bucket.start.month:02d}", bucket.start.day - 1


#: The calendar chart's columns per row, and its header (which column is which).
_CALENDAR = {
    "day": (31, "1   5    10   15   20   25   30"),
    "week": (53, "W1       10        20        30        40        50"),
    "month": (12, "JFMAMJJASOND"),
}


def _spark(count: int, peak: int) -> str:
    if count <= 0 or peak <= 0:
        return " "
    return _HEIGHTS[min(len(_HEIGHTS) - 1, (count * len(_HEIGHTS) - 1) // peak)]


def _calendar_chart(timeline: Timeline, color: bool) -> list[str]:
    peak = timeline.peak.count if timeline.peak else 0
    columns, header = _CALENDAR[timeline.by]
    rows: dict[str, list[int | None]] = {}
    for bucket in timeline.buckets:
        label, column = _row_of(bucket)
        rows.setdefault(label, [None] * columns)[column] = bucket.count
    label_width = max(len(label) for label in rows)
    totals = {label: sum(count or 0 for count in cells) for label, cells in rows.items()}
    count_width = max(len(str(total)) for total in totals.values())
    lines = [f"{'':<{label_width}} {header}"]
    for label, cells in rows.items():
        spark = "".join(_spark(count or 0, peak) for count in cells)
        lines.append(f"{label:<{label_width}} {_paint(spark, color)} {totals[label]:>{count_width}}")
    return lines


def render_chart(timeline: Timeline, *, width: int = 60, color: bool = False) -> str:
    """The timeline as terminal text, ending with a summary line (no trailing newline).

    Up to :data:`MAX_BAR_ROWS` buckets, a bar chart: one line per bucket with
    its label, a bar (the peak's is ``width`` cells, the others to the nearest
    eighth of a cell, a nonzero count at least an eighth) and its count
    (``width=40``)::

        2022-11-26 ████████████████████████████████████████ 7
        2022-11-27                                          0
        2022-11-28 █████████████████▏                       3
        2022-11-29 ████████████████████████████▋            5
        16 articles, 1 without a date; peak 2022-11-26 (7)

    More buckets, a calendar chart (see the module's terms): a header naming
    the columns, one line per month, ISO year or year, the line's total at the
    end; ``width`` does not apply (a line has 31, 53 or 12 columns)::

             JFMAMJJASOND
        2019    ▂▁▂▅  █▄  32
        2020 ▂▄ ▄▁  ▂▂ ▁  20
        2021 ▄▂ █▄ ▁▅▅▄ ▄ 53
        2022 ▄▂ ▁ ▄█▁▂▂▁▄ 39
        2023  ▄▂▄█▅▁ ▄▄▅▁ 53
        2024 ▂ ▄▅         15
        212 articles; peak 2019-10 (13)

    ``color`` paints the bars with ANSI cyan (for a terminal; leave it off when
    the output is piped).
    """
    width = max(1, width)
    if not timeline.buckets:
        lines = ["no dated articles"]
    elif len(timeline.buckets) > MAX_BAR_ROWS:
        lines = _calendar_chart(timeline, color)
    else:
        lines = _bar_chart(timeline, width, color)
    lines.append(_summary(timeline))
    return "\n".join(lines)


def plot(timeline: Timeline, path: str | os.PathLike[str]) -> None:
    """Write the timeline as a bar chart image to ``path``, in the format of its extension (:data:`PLOT_FORMATS`).

    Needs matplotlib (``pip install 'searchnews[plot]'``), imported here and
    used without pyplot, so no display and no global state are touched.
    Raises :class:`SearchnewsError` when matplotlib is missing, the extension
    is not a supported format, or the file cannot be written.
    """
    path = os.fspath(path)
    extension = os.path.splitext(path)[1].lower().lstrip(".")
    if extension not in PLOT_FORMATS:
        names = [f".{name}" for name in PLOT_FORMATS]
        supported = f"{', '.join(names[:-1])} or {names[-1]}"
        raise SearchnewsError(f"cannot plot to {path}: the file name must end in {supported}")
    try:
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise MissingDependency("plotting a timeline needs matplotlib: pip install 'searchnews[plot]'",
                                "plot") from None

    figure = Figure(figsize=(10, 4), layout="constrained")
    axes = figure.add_subplot()
    if timeline.buckets:
        starts = [bucket.start for bucket in timeline.buckets]
        widths = [((_next_start(bucket.start, bucket.by) or dt.date.max) - bucket.start).days * 0.85
                  for bucket in timeline.buckets]
        axes.bar(starts, [bucket.count for bucket in timeline.buckets], width=widths, align="edge", color="#2a7ab0")
    else:
        axes.text(0.5, 0.5, "no dated articles", ha="center", va="center", transform=axes.transAxes)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("articles")
    query = timeline.query.replace("$", r"\$")  # a "$" would start matplotlib's maths notation
    axes.set_title(f"{query} — articles per {timeline.by}" if query else f"articles per {timeline.by}")
    note = _summary(timeline)
    if timeline.undated:
        note += " (not shown)"
    axes.set_xlabel(note, fontsize=8, color="#555555")
    try:
        figure.savefig(path, format=extension)
    except OSError as error:
        raise SearchnewsError(f"cannot write the plot to {path}: {error.strerror or error}") from None
