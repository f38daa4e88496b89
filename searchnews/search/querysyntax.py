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

import re

from ..errors import QuerySyntaxError
from ..index.schema import DATE, FIELD_ALIASES

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
_FIELD = re.compile(r"([A-Za-z_]+):(?=\S)")
_DATE_VALUE = re.compile(r"(?:\d{4}(?:-?\d{2}(?:-?\d{2})?)?|today|yesterday|now)", re.I)
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


def _check_date(value: str, query: str, position: int) -> None:
    compare = _DATE_COMPARE.match(value)
    if compare:
        value = value[compare.end():]
    if not _DATE_VALUE.fullmatch(value):
        raise _error(f"invalid date {value!r}: write dates as 2022-11-26, 2022-11 or 2022", query, position)
    if len(value) >= 7:
        digits = value.replace("-", "")
        month = int(digits[4:6])
        day = int(digits[6:8]) if len(digits) >= 8 else 1
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            raise _error(f"invalid date {value!r}: no such month or day", query, position)


def _check_range(body: str, query: str, position: int, field: str | None) -> None:
    parts = re.split(r"\s+(?:TO|to)\s+|\s+TO$|^TO\s+", body.strip())
    if len(parts) != 2 and not re.search(r"\bTO\b", body, re.I):
        raise _error("a range needs TO, as in date:[2022-11-01 TO 2022-11-30]", query, position)
    if field == DATE:
        for part in parts:
            if part.strip():
                _check_date(part.strip(), query, position)


def check_query(query: str) -> str:
    """Raise :class:`QuerySyntaxError` for the first problem in ``query``; return it stripped.

    Control characters are replaced by spaces first (they come from pasted
    text, not from intent).
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
            i, previous, pending_field = end + 1, "term", None
            terms += 1
            continue
        if c in "[{":
            close = "]" if c == "[" else "}"
            end = re.compile(r"[\]}]").search(query, i + 1)
            if end is None:
                raise _error(f"unclosed range: add the closing {close}", query, i)
            _check_range(query[i + 1:end.start()], query, i, pending_field)
            i, previous, pending_field = end.end(), "term", None
            terms += 1
            continue
        if c in "]}":
            raise _error(f"{c!r} without an opening bracket", query, i)
        if c == "(":
            structured = True
            opens.append(i)
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
            previous, previous_pos, structured = "not", i, True
            i = match.end()
            continue
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
            if canonical == DATE and value:
                _check_date(value.group(), query, value_start)
            elif value:
                check_wildcard(value.group(), query, value_start)
            i = value.end() if value else value_start
            previous, pending_field = "term", None
            terms += 1
            continue
        if _DATE_COMPARE.match(word) and len(word) > len(_DATE_COMPARE.match(word).group()):
            # Whoosh's parser fails (IndexError) on a comparison that has no field before it.
            raise _error("a comparison needs a field before it, as in date:>2022-11-01", query, i)
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
    return query.strip()
