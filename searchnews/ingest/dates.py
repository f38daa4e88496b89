"""Dates as news pages write them, to :class:`datetime.datetime`.

Accepted: ISO 8601 (``2022-11-26``, ``2022-11-26T14:05:00Z``), day-first
numeric dates (``26/11/2022``, ``26.11.2022``: the European and British order
news sites use), written-out dates in English, French and German
(``26 November 2022, 14:05``, ``November 26, 2022``, ``12 novembre 2022``,
``14. November 2022``). Anything else goes to ``python-dateutil``.

Times with a UTC offset are converted to UTC; all returned values are naive.
Only complete dates (year, month and day) are accepted: "November 2022" alone
is not a publication date.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings

from dateutil import parser as _dateutil

from .boilerplate import MONTH_NAMES

__all__ = ["parse_date"]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:,?\s+(?:at\s+)?(\d{1,2})[:h](\d{2}))?")
_MONTH_WORD = re.compile(r"\b(" + "|".join(sorted(MONTH_NAMES, key=len, reverse=True)) + r")\b", re.I)
_ENGLISH_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.I)
_SENTINEL = dt.datetime(1, 1, 1)
_SENTINEL2 = dt.datetime(2, 2, 2)


def _naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def parse_date(text: str | None) -> dt.datetime | None:
    """Parse a publication date; ``None`` when ``text`` holds no complete date."""
    if not text:
        return None
    text = text.strip()
    if len(text) > 80:
        return None
    if _ISO.fullmatch(text):
        try:
            return _naive_utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            return None
    match = _NUMERIC.fullmatch(text) or _NUMERIC.match(text)
    if match:
        day, month, year, hour, minute = match.groups()
        try:
            return dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
        except ValueError:
            return None
    text = _MONTH_WORD.sub(lambda m: MONTH_NAMES[m.group(1).lower()], text)
    if not _ENGLISH_MONTH.search(text):
        return None  # stray numbers ("Page 3 of 12, 2022") are not a date
    text = text.replace(" at ", " ").replace(" um ", " ").replace(" à ", " ")
    # Parse twice with different defaults: a field that differs was not in the text.
    try:
        with warnings.catch_warnings():
            # An unknown zone name ("HKT") is ignored (the time is taken as UTC) instead of printed to stderr.
            warnings.simplefilter("ignore", _dateutil.UnknownTimezoneWarning)
            first = _dateutil.parse(text, default=_SENTINEL, dayfirst=True, fuzzy=True)
            second = _dateutil.parse(text, default=_SENTINEL2, dayfirst=True, fuzzy=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    return _naive_utc(first)
