"""Every hit of a search as CSV or JSON Lines, a chunk of text at a time.

The rows come from :meth:`searchnews.NewsIndex.iter_search`, which ranks the
search once and reads the hits a page at a time from one view of the index,
so an export of 100,000 hits never holds them all.

Terms:
    JSON Lines row
        One hit's :meth:`~searchnews.models.Hit.to_dict` (the schema of the
        API and of ``--json``) on one line. Exports are made without
        highlighting, so ``highlights`` holds ``null`` values.
    CSV row
        One hit in :data:`CSV_COLUMNS`: lists (authors, copies) joined by
        ``; `` and a space. A cell that starts with ``=``, ``+``, ``-``,
        ``@``, a tab or a carriage return gets a leading ``'``: a
        spreadsheet would run it as a formula, and article text is written
        by strangers. The JSON Lines export keeps every value exact.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator

from ..models import Hit

__all__ = ["CSV_COLUMNS", "MEDIA_TYPES", "rows"]

#: The columns of a CSV export, in order.
CSV_COLUMNS = ("rank", "id", "headline", "source", "authors", "date", "language", "url", "path", "score", "copies")
#: The media type of each format.
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
#: Hits per chunk of text handed to the server.
CHUNK_HITS = 200

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Characters JSON allows raw that some readers take for line breaks (U+2028, U+2029, and the C1
#: control NEL), or that a terminal acts on: written as \\u escapes, the JSON is the same.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def json_line(data) -> str:
    """``data`` as one line of JSON (non-ASCII text as it is, line-breaking characters escaped) and a newline."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False)) + "\n"


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_row(rank: int, hit: Hit) -> list[str]:
    data = hit.to_dict()
    values = {**data, "rank": rank, "authors": "; ".join(hit.authors),
              "copies": " ".join(copy.id for copy in hit.copies)}
    return [_cell(values[column]) for column in CSV_COLUMNS]


def rows(hits: Iterable[Hit], kind: str) -> Iterator[str]:
    """``hits`` exported as ``kind`` (``csv`` or ``jsonl``), in chunks of text (a CSV header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if kind == "csv":
        writer.writerow(CSV_COLUMNS)
    count = 0
    for rank, hit in enumerate(hits, 1):
        if kind == "csv":
            writer.writerow(_csv_row(rank, hit))
        else:
            buffer.write(json_line(hit.to_dict()))
        count += 1
        if count % CHUNK_HITS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
