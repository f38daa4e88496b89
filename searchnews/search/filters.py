"""Restricting a search to dates, sources and languages.

The search layer reads the ``since``, ``until``, ``sources``, ``languages``
and ``recency`` arguments of a search (the command line's ``--since``,
``--until``, ``--source``, ``--lang`` and ``--recency``) through this module;
it turns them into values and a Whoosh query, and never touches an index
itself.

Terms:
    filter
        A restriction of which articles a search may return, whatever their
        words: a date range, sources, languages. Filters are AND-ed with each
        other and with the query; several sources (or languages) are OR-ed.
    period
        What a date option names: a day (``2022-11-26``, or a minute with
        ``2022-11-26T10:00``), a month (``2022-11``), a year (``2022``),
        ``today``, ``yesterday``, or a relative period back from now (``7d``
        days, ``2w`` weeks, ``3m`` calendar months, ``1y`` years, ``12h``
        hours). ``--since`` takes the first instant of the period and
        ``--until`` its last microsecond, so ``--until 2022-11`` includes the
        whole of November. A relative period in days, weeks, months or years
        starts at midnight (``7d`` is the start of the day seven days ago);
        one in hours is exact (``12h`` is twelve hours ago).
    naive time
        Dates carry no time zone: the index stores publication times as
        written in the source (converted to UTC when the source gave an
        offset), and "now" is the local clock.
    half-life
        For ``--recency``: the age at which an article's date bonus has halved
        (``30d``, ``2w``, ``6m``, ``1y``, ``12h``; a month is 30.44 days and a
        year 365.25 days here, since a half-life is a length, not a calendar
        period).
    source
        An article's source (agency or publication). A source filter matches
        the words of the name given, in order, anywhere in the article's
        source, folded like the index folds names: ``afp`` matches "AFP",
        ``Agence France-Presse`` matches "Agence France-Presse" but "France 24"
        does not.
    language code
        An ISO 639-1 or 639-3 code (``en``, ``fr``, ``deu``) as the index
        stores it, lower-cased.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from whoosh import query as wq

from ..errors import FilterError, quoted
from ..index import schema as S

__all__ = ["Filters", "parse_half_life", "parse_when"]

_DAY = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})")
_RELATIVE = re.compile(r"(\d{1,6})\s*([hdwmy])")
_HALF_LIFE = re.compile(r"(\d{1,6}(?:\.\d+)?)\s*([hdwmy])")
_LANGUAGE = re.compile(r"[a-z]{2,3}")

#: Days per unit of a half-life (months and years are average lengths).
HALF_LIFE_DAYS = {"h": 1 / 24, "d": 1.0, "w": 7.0, "m": 30.44, "y": 365.25}

_WHEN_FORMS = "use a day (2022-11-26), a month (2022-11), a year (2022) or a period back from today (7d, 2w, 3m, 1y)"
_HALF_LIFE_FORMS = "use a length such as 30d, 2w, 6m, 1y or 12h"
_ONE_MICROSECOND = dt.timedelta(microseconds=1)


def _cannot_read(parameter: str, value: object) -> FilterError:
    return FilterError(parameter, f"{{{parameter}}}: cannot read {quoted(value)}: {_WHEN_FORMS}")


def _period(text: str, now: dt.datetime) -> tuple[dt.datetime, dt.timedelta | relativedelta] | None:
    """The first instant of the period ``text`` names and its length; ``None`` if unreadable."""
    today = dt.datetime.combine(now.date(), dt.time())
    if text == "today":
        return today, dt.timedelta(days=1)
    if text == "yesterday":
        return today - dt.timedelta(days=1), dt.timedelta(days=1)
    match = _RELATIVE.fullmatch(text)
    if match:
        number, unit = int(match.group(1)), match.group(2)
        if unit == "h":
            return now - dt.timedelta(hours=number), _ONE_MICROSECOND
        back = {"d": relativedelta(days=number), "w": relativedelta(weeks=number),
                "m": relativedelta(months=number), "y": relativedelta(years=number)}[unit]
        return today - back, dt.timedelta(days=1)
    match = _DAY.fullmatch(text)
    if match:
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        start = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                            int((fraction or "0").ljust(6, "0")))
        if offset:
            start = _naive_utc(start, offset)
        if hour is None:
            step = dt.timedelta(days=1)
        elif fraction is not None:
            step = _ONE_MICROSECOND
        elif second is not None:
            step = dt.timedelta(seconds=1)
        else:
            step = dt.timedelta(minutes=1)
        return start, step
    match = _MONTH.fullmatch(text)
    if match:
        return dt.datetime(int(match.group(1)), int(match.group(2)), 1), relativedelta(months=1)
    if _YEAR.fullmatch(text):
        return dt.datetime(int(text), 1, 1), relativedelta(years=1)
    return None


def _naive_utc(value: dt.datetime, offset: str) -> dt.datetime:
    if offset.upper() == "Z":
        return value
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return value - sign * delta


def parse_when(value: str, *, end: bool = False, now: dt.datetime | None = None,
               parameter: str = "since") -> dt.datetime:
    """The first instant (or with ``end``, the last microsecond) of the period ``value`` names.

    ``now`` (default: the local clock) anchors ``today``, ``yesterday`` and the
    relative periods; ``parameter`` names the value in error messages. Raises
    :class:`FilterError` when ``value`` is not a period.
    """
    now = now or dt.datetime.now()
    text = value.strip().lower() if isinstance(value, str) else ""
    try:
        period = _period(text, now)
    except (ValueError, OverflowError):
        # A day or month that does not exist (2022-13, 2022-02-30), or a period before the year 1.
        period = None
    if period is None:
        raise _cannot_read(parameter, value)
    start, length = period
    if not end:
        return start
    try:
        return start + length - _ONE_MICROSECOND
    except (ValueError, OverflowError):  # a period that ends with the year 9999
        return dt.datetime.max


def parse_half_life(value: str, parameter: str = "recency") -> dt.timedelta:
    """The half-life ``value`` names (``30d``, ``2w``, ``6m``, ``1y``, ``12h``); :class:`FilterError` otherwise."""
    text = value.strip().lower() if isinstance(value, str) else ""
    match = _HALF_LIFE.fullmatch(text)
    if not match:
        raise FilterError(parameter, f"{{{parameter}}}: cannot read {quoted(value)} as a half-life: "
                                     f"{_HALF_LIFE_FORMS}")
    number, unit = float(match.group(1)), match.group(2)
    if number <= 0:
        raise FilterError(parameter, f"{{{parameter}}}: the half-life must be longer than zero, not {quoted(value)}")
    return dt.timedelta(days=number * HALF_LIFE_DAYS[unit])  # at most 999999.99y: within timedelta's range


def _when(value: str | dt.date | None, *, end: bool, now: dt.datetime | None, parameter: str
          ) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is None else value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.max if end else dt.time())
    if isinstance(value, str):
        return parse_when(value, end=end, now=now, parameter=parameter)
    raise _cannot_read(parameter, value)


def _braced(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _show(value: dt.datetime, *, end: bool) -> str:
    """``value`` as briefly as it reads: the day alone when it is the start (or the end) of the day."""
    if value.time() == (dt.time.max if end else dt.time()):
        return value.date().isoformat()
    if value.microsecond == (999999 if end else 0) and value.second == (59 if end else 0):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _as_tuple(values: str | Iterable[str] | None, parameter: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        return (values,)
    try:
        return tuple(values)
    except TypeError:
        raise FilterError(parameter, f"{{{parameter}}}: give a name or a list of names, not {quoted(values)}"
                          ) from None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _name_words(name: str, schema=None) -> list[str]:
    """The index terms of a source name: the words of the name folded as the source field folds them."""
    analyzer = schema[S.SOURCE].analyzer if schema is not None else S.name_analyzer()
    return [token.text for token in analyzer(name)]


@dataclass(frozen=True)
class Filters:
    """The filters of one search; every field empty (the default) means no filter.

    ``since`` and ``until`` are inclusive naive times; ``sources`` are names as
    the user wrote them (stripped); ``languages`` lower-case codes. Build one
    from command-line strings with :meth:`parse`, which checks them.
    """

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @classmethod
    def parse(cls, since: str | dt.date | None = None, until: str | dt.date | None = None,
              sources: str | Iterable[str] | None = (), languages: str | Iterable[str] | None = (),
              now: dt.datetime | None = None) -> Filters:
        """Filters from option values, checked; :class:`FilterError` names the parameter at fault.

        ``since`` and ``until`` are periods (see the module's terms) or values
        already parsed: a datetime is taken as it is (an aware one converted to
        naive UTC), a date means the start (``since``) or the end (``until``)
        of that day. ``sources`` and ``languages`` are a name or code, or an
        iterable of them; duplicates are dropped.
        """
        start = _when(since, end=False, now=now, parameter="since")
        stop = _when(until, end=True, now=now, parameter="until")
        if start is not None and stop is not None and start > stop:
            shown_since = since.strip() if isinstance(since, str) else _show(start, end=False)
            shown_until = until.strip() if isinstance(until, str) else _show(stop, end=True)
            raise FilterError("since", f"{{since}} {_braced(shown_since)} is after {{until}} {_braced(shown_until)}")
        names = []
        for name in _as_tuple(sources, "sources"):
            if not isinstance(name, str):
                raise FilterError("sources", f"{{sources}}: a source name is text, not {quoted(name)}")
            name = name.strip()
            if not name:
                raise FilterError("sources", "{sources}: a source name cannot be empty")
            if not _name_words(name):
                raise FilterError("sources", f"{{sources}}: {quoted(name)} has no letters or digits to match")
            names.append(name)
        codes = []
        for code in _as_tuple(languages, "languages"):
            text = code.strip().lower() if isinstance(code, str) else ""
            if not _LANGUAGE.fullmatch(text):
                raise FilterError("languages", f"{{languages}}: {quoted(code)} is not a language code; use codes "
                                               f"such as en, fr, de")
            codes.append(text)
        return cls(since=start, until=stop, sources=_unique(names), languages=_unique(codes))

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.sources or self.languages)

    def query(self, schema=None) -> wq.Query | None:
        """The Whoosh query that keeps only the articles these filters allow; ``None`` when there is none.

        It is the And of a date range on :data:`~searchnews.schema.DATE` (open
        on the side not given; articles without a date never match it), an Or
        of the sources, each the phrase of its words in
        :data:`~searchnews.schema.SOURCE` (a one-word name is a term), and an
        Or of language terms. ``schema`` supplies the source field's analyzer
        (default: :func:`searchnews.schema.name_analyzer`).
        """
        parts: list[wq.Query] = []
        if self.since is not None or self.until is not None:
            parts.append(wq.DateRange(S.DATE, self.since, self.until))
        if self.sources:
            parts.append(_any(_source_query(name, schema) for name in self.sources))
        if self.languages:
            parts.append(_any(wq.Term(S.LANGUAGE, code) for code in self.languages))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def describe(self) -> str:
        """A short line for a results header: ``since 2022-11-01 · source AFP or Reuters · language en``."""
        parts = []
        if self.since is not None:
            parts.append(f"since {_show(self.since, end=False)}")
        if self.until is not None:
            parts.append(f"until {_show(self.until, end=True)}")
        if self.sources:
            parts.append("source " + " or ".join(self.sources))
        if self.languages:
            parts.append("language " + " or ".join(self.languages))
        return " · ".join(parts)


def _source_query(name: str, schema) -> wq.Query:
    words = _name_words(name, schema)
    if len(words) == 1:
        return wq.Term(S.SOURCE, words[0])
    return wq.Phrase(S.SOURCE, words)


def _any(queries: Iterable[wq.Query]) -> wq.Query:
    queries = list(queries)
    return queries[0] if len(queries) == 1 else wq.Or(queries)
