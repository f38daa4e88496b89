"""Reuters SGML files (``.sgm``): newswire stories as ``<REUTERS>`` records.

The Reuters-21578 collection and the wire archives made like it keep one
story per ``<REUTERS …>`` element, with ``<DATE>``, ``<TITLE>``,
``<DATELINE>``, ``<AUTHOR>`` and ``<BODY>`` inside ``<TEXT>`` (a ``TYPE="UNPROC"``
story has its text directly in ``<TEXT>``; a ``TYPE="BRIEF"`` one only a
title, and is reported as a record without article text). Each element
becomes a record, cleaned like a JSON object: the title is the headline,
the dateline and body the text, the date the published date, and the
source Reuters.

Terms:
    record number
        The position of a ``<REUTERS>`` element in its file (1-based): with
        the path it makes the article's id.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

__all__ = ["looks_like_reuters", "reuters_records"]

_RECORD = re.compile(r"<REUTERS\b[^>]*>(.*?)</REUTERS>", re.DOTALL | re.IGNORECASE)
_FIELDS = ("DATE", "TITLE", "DATELINE", "AUTHOR", "BODY")
_TAG = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL | re.IGNORECASE) for name in _FIELDS}
_TEXT = re.compile(r"<TEXT\b[^>]*>(.*?)</TEXT>", re.DOTALL | re.IGNORECASE)
#: A story that is only a headline: the text after its title is filler ("Blah blah blah.").
_BRIEF = re.compile(r'<TEXT\s+TYPE="BRIEF"', re.IGNORECASE)
_MARKUP = re.compile(r"<[^>]{1,200}>")
#: Control characters (Reuters marks the start and end of a text with ``&#2;`` and ``&#3;``).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The sign-off that ends a Reuters body ("Reuter" on its own line).
_SIGN_OFF = re.compile(r"\s*\bReuter\s*$")
#: Reuters dates: ``26-FEB-1987 15:01:01.79``.
_DATE = re.compile(r"(\d{1,2}-[A-Za-z]{3}-\d{4})\s+(\d{1,2}:\d{2}:\d{2})")


def looks_like_reuters(text: str) -> bool:
    """True when ``text`` holds ``<REUTERS>`` elements."""
    return _RECORD.search(text) is not None


def _text(value: str) -> str:
    return _CONTROL.sub("", html.unescape(value)).strip()


def reuters_records(text: str) -> Iterator[tuple[int, int, dict]]:
    """``(record number, line, record)`` for each ``<REUTERS>`` element (the line where it starts), with
    JSON record keys."""
    line, counted = 1, 0
    for number, match in enumerate(_RECORD.finditer(text), 1):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        inner = match.group(1)
        fields = {name: (_TAG[name].search(inner) or None) for name in _FIELDS}
        values = {name: _text(found.group(1)) if found else "" for name, found in fields.items()}
        body = values["BODY"]
        found = _TEXT.search(inner)
        if not body and found and not _BRIEF.match(found.group(0)):  # TYPE="UNPROC": no BODY element
            rest = found.group(1)
            for name in ("TITLE", "DATELINE", "AUTHOR"):
                rest = _TAG[name].sub("", rest)
            body = _text(_MARKUP.sub("", rest))
        body = _SIGN_OFF.sub("", body)
        dateline = values["DATELINE"].rstrip(" -")
        record: dict = {"title": values["TITLE"], "source": "Reuters"}
        if body:
            record["text"] = f"{dateline} - {body}" if dateline and not body.startswith(dateline) else body
        date = _DATE.search(values["DATE"])
        if date:
            record["date"] = f"{date.group(1)} {date.group(2)}"
        author = re.sub(r",\s*Reuters?$", "", values["AUTHOR"]).strip()
        if author:
            record["author"] = author
        yield number, line, record
