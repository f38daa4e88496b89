"""Checking a query before Whoosh parses it, so that mistakes get a clear message.

Whoosh's parser never fails: it quietly drops what it cannot read, so an
unclosed quote or an unknown field would silently change the meaning of a
query. :func:`check_query` reads the query once, the way the parser will, and
raises :class:`QuerySyntaxError` with the position of the first problem.

Terms:
    operator
        ``AND``, ``OR``, ``NOT`` (upper case; lower-case "and" is a word).
    field prefix
        ``name:`` directly before a value, as in ``source:AFP``. Names are
        listed in :data:`searchnews.schema.FIELD_ALIASES`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from ..errors import QuerySyntaxError
from ..index.schema import AUTHORS, DATE, FIELD_ALIASES, LANGUAGE, PLACE, SOURCE, URL

__all__ = ["MAX_PHRASES", "MAX_QUERY_CHARS", "MAX_QUERY_TERMS", "check_query", "check_wildcard"]

#: Longer queries are refused: a long article pasted whole is shorter; more is not a query.
MAX_QUERY_CHARS = 20_000
#: The most words, phrases and field values a query with operators (AND, OR, NOT,
#: parentheses) may hold: each clause is run as written. A query of plain words
#: has no such limit: the search keeps its most informative words (searchnews.search.plan).
MAX_QUERY_TERMS = 24
#: The most "phrases" one query may hold (each is checked word position by position).
MAX_PHRASES = 8

_BINARY = {"AND", "OR", "ANDNOT", "ANDMAYBE"}
_WORD = re.compile(r"[^\s()\"\[\]{}]+")
_FIELD = re.compile(r"([A-Za-z_]+):(?=[^\s)\]}])")
#: A field name with no value after its colon ("headline:", "headline: missile", "(source:)").
_BARE_FIELD = re.compile(r"([A-Za-z_]+):(?=[\s)\]}]|$)")
#: A value shown in messages about a field with no value (the rest get a word).
_EXAMPLE_VALUES = {DATE: "2022-11", SOURCE: "AFP", AUTHORS: '"jane doe"', LANGUAGE: "fr", PLACE: "seoul",
                   URL: "https://example.org/news/1"}
_DATE_COMPARE = re.compile(r"(?:>=|<=|>|<)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _error(message: str, query: str, position: int | None) -> QuerySyntaxError:
    return QuerySyntaxError(message, query, position)


def _word_at(query: str, position: int) -> str:
    match = _WORD.match(query, position)
    return match.group() if match else query[position:position + 1]


def check_wildcard(word: str, query: str, position: int) -> None:
    """Refuse the wildcard forms that would scan the whole vocabulary of the index."""
    if "*" not in word and "?" not in word:
        return
    if word.startswith(("*", "?")):
        raise _error(f"{word!r} starts with a wildcard, which would scan every word in the index: "
                     f"put letters first, as in sanction*", query, position)
    if len(re.split(r"[*?]", word, maxsplit=1)[0]) < 2:
        raise _error(f"{word!r}: a wildcard needs at least two letters before it", query, position)


#: A date in a query: a year, a month or a day, with or without dashes.
_DATE_FORM = re.compile(r"(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?")
#: Words that name a day, rewritten to it before Whoosh (which does not know them) parses the query.
_DAY_WORDS = {"today": 0, "yesterday": 1}
_DATE_FORMS = "write dates as 2022-11-26, 2022-11, 2022, today or yesterday"


def _period(value: str, query: str, position: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the date ``value`` names (a day, a month or a year, or a day word)."""
    word = value.lower()
    if word in _DAY_WORDS:
        day = dt.date.today() - dt.timedelta(days=_DAY_WORDS[word])
        return day, day
    match = _DATE_FORM.fullmatch(value)
    if not match:
        raise _error(f"invalid date {value!r}: {_DATE_FORMS}", query, position)
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return dt.date(year, month, 1), dt.date(year, month, last)
        return dt.date(year, month, day), dt.date(year, month, day)
    except ValueError:
        problem = "no such year" if year == 0 else "no such month or day"
        raise _error(f"invalid date {value!r}: {problem}", query, position) from None


def _check_date(value: str, query: str, position: int) -> str:
    """Check a ``date:`` value (a date, maybe after ``>``, ``<=``…); return it as Whoosh reads it."""
    compare = _DATE_COMPARE.match(value)
    sign = compare.group() if compare else ""
    start, _ = _period(value[len(sign):], query, position + len(sign))
    return sign + start.isoformat() if value[len(sign):].lower() in _DAY_WORDS else value


def _check_range(body: str, query: str, position: int, field: str | None) -> str:
    """Check the inside of a range ``[a TO b]``; return it as Whoosh reads it (day words rewritten)."""
    parts = re.split(r"\s+(?:TO|to)\s+|\s+TO$|^TO\s+", body.strip())
    if len(parts) != 2 and not re.search(r"\bTO\b", body, re.I):
        raise _error("a range needs TO, as in date:[2022-11-01 TO 2022-11-30]", query, position)
    if len(parts) != 2:
        return body
    first, last = (part.strip() for part in parts)
    if field == DATE:
        bounds = [_period(part, query, position) if part else None for part in (first, last)]
        if bounds[0] and bounds[1] and bounds[0][0] > bounds[1][1]:
            raise _error(f"the range starts after it ends: {first} is after {last}", query, position)
        if any(part.lower() in _DAY_WORDS for part in (first, last)):
            rewritten = [bound[0].isoformat() if part.lower() in _DAY_WORDS else part
                         for part, bound in zip((first, last), bounds, strict=True)]
            return f"{rewritten[0]} TO {rewritten[1]}".strip()
    if first and last and first.lower() > last.lower():
        raise _error(f"the range starts after it ends: {first!r} comes after {last!r}", query, position)
    return body


def check_query(query: str) -> str:
    """Raise :class:`QuerySyntaxError` for the first problem in ``query``; return it as Whoosh should read it.

    The query is returned stripped, control characters replaced by spaces
    (they come from pasted text, not from intent), and ``today`` or
    ``yesterday`` in a date written as the day they name.
    """
    query = _CONTROL.sub(" ", query)
    if not query.strip():
        raise _error("the query is empty", query, None)
    if len(query) > MAX_QUERY_CHARS:
        raise _error(f"the query is too long ({len(query)} characters; the limit is {MAX_QUERY_CHARS})",
                     query, None)
    opens: list[int] = []
    phrases = 0
    previous: str | None = "start"  # "start", "open", "operator", "not", "term"
    previous_pos = 0
    terms = 0
    structured = False  # operators or parentheses: run as written, so the number of terms is limited
    i, n = 0, len(query)
    pending_field: str | None = None
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement): day words as dates
    group_fields: list[str | None] = [None]  # the field of each open group, as in date:(2022 OR 2023)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        if c == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise _error('unclosed quote: add the closing "', query, i)
            phrases += 1
            if phrases > MAX_PHRASES:
                raise _error(f"too many phrases (the limit is {MAX_PHRASES})", query, i)
            if (pending_field or group_fields[-1]) == DATE:
                # A quoted date is a date (Whoosh would look for that exact microsecond, or fail on
                # a word such as "now" while searching).
                inside = query[i + 1:end]
                edits.append((i, end + 1, _check_date(inside.strip(), query, i + 1)))
            i, previous, pending_field = end + 1, "term", None
            terms += 1
            continue
        if c in "[{":
            close = "]" if c == "[" else "}"
            end = re.compile(r"[\]}]").search(query, i + 1)
            if end is None:
                raise _error(f"unclosed range: add the closing {close}", query, i)
            body = query[i + 1:end.start()]
            checked = _check_range(body, query, i, pending_field or group_fields[-1])
            if checked != body:
                edits.append((i + 1, end.start(), checked))
            i, previous, pending_field = end.end(), "term", None
            terms += 1
            continue
        if c in "]}":
            raise _error(f"{c!r} without an opening bracket", query, i)
        if c == "(":
            structured = True
            opens.append(i)
            group_fields.append(pending_field or group_fields[-1])  # date:(2022 OR 2023): dates inside
            i, previous, pending_field = i + 1, "open", None
            continue
        if c == ")":
            if not opens:
                raise _error("')' without a matching '('", query, i)
            if previous in ("operator", "not"):
                raise _error(f"{_word_at(query, previous_pos)} needs a word after it", query, previous_pos)
            if previous == "open":
                raise _error("empty parentheses", query, opens[-1])
            opens.pop()
            group_fields.pop()
            i, previous = i + 1, "term"
            continue
        match = _WORD.match(query, i)
        assert match is not None  # every other character was handled above
        word = match.group()
        if word in _BINARY:
            if previous in ("start", "open"):
                raise _error(f"{word} needs a word before it", query, i)
            if previous in ("operator", "not"):
                raise _error(f"{word} cannot follow another operator", query, i)
            previous, previous_pos, structured = "operator", i, True
            i = match.end()
            continue
        if word == "NOT":
            if previous == "not":
                raise _error("NOT cannot follow another NOT (they would cancel out)", query, i)
            previous, previous_pos, structured = "not", i, True
            i = match.end()
            continue
        bare = _BARE_FIELD.match(query, i)
        if bare and bare.group(1).lower() in FIELD_ALIASES:
            example = _EXAMPLE_VALUES.get(FIELD_ALIASES[bare.group(1).lower()], "ceasefire")
            raise _error(f"{bare.group()} needs a value right after it, as in {bare.group()}{example}", query, i)
        field = _FIELD.match(query, i)
        if field:
            name = field.group(1)
            canonical = FIELD_ALIASES.get(name.lower())
            if canonical is None:
                known = ", ".join(sorted({k for k in FIELD_ALIASES if k != "id"}))
                raise _error(f"unknown field {name!r}; fields are: {known}", query, i)
            value_start = field.end()
            pending_field = canonical
            if query[value_start] in "([{\"":
                i = value_start
                continue
            value = _WORD.match(query, value_start)
            inner = _FIELD.match(value.group()) if value else None
            if inner and inner.group(1).lower() in FIELD_ALIASES:
                # Whoosh would search the first field's name as a word ("headline:source:AFP" was
                # headline AND source:afp).
                raise _error(f"{field.group()}{inner.group()} names two fields: give each its own value, as in "
                             f"headline:missile source:AFP", query, value_start)
            if canonical == DATE and value:
                checked = _check_date(value.group(), query, value_start)
                if checked != value.group():
                    edits.append((value_start, value.end(), checked))
            elif value:
                check_wildcard(value.group(), query, value_start)
            i = value.end() if value else value_start
            previous, pending_field = "term", None
            terms += 1
            continue
        if _DATE_COMPARE.match(word) and len(word) > len(_DATE_COMPARE.match(word).group()):
            # Whoosh's parser fails (IndexError) on a comparison that has no field before it.
            raise _error("a comparison needs a field before it, as in date:>2022-11-01", query, i)
        if group_fields[-1] == DATE:
            checked = _check_date(word, query, i)
            if checked != word:
                edits.append((i, match.end(), checked))
        else:
            check_wildcard(word, query, i)
        i, previous, pending_field = match.end(), "term", None
        terms += 1
    if opens:
        raise _error("unclosed parenthesis: add the closing )", query, opens[-1])
    if previous in ("operator", "not"):
        word = _word_at(query, previous_pos)
        raise _error(f"{word} needs a word after it", query, previous_pos)
    if structured and terms > MAX_QUERY_TERMS:
        raise _error(f"too many words for a query with operators ({terms}; the limit is {MAX_QUERY_TERMS}); "
                     f"plain words have no limit", query, None)
    if terms == 0:
        raise _error("the query has operators but no words", query, None)
    for start, end, replacement in reversed(edits):
        query = query[:start] + replacement + query[end:]
    return query.strip()
