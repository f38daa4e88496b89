"""CSV and TSV files: one article per row, the columns named by a header row.

News data sets are very often tables: a header row naming the columns, then
one article per row, with the text in a (quoted, multi-line) cell. A row is
read as a record, exactly like a JSON object: its column names are the
record keys (``headline``/``title``, ``text``/``body``/``content``, ``date``,
``source``, ``url``, ``language``, ``id``…; see
:data:`searchnews.ingest.cleaning.RECORD_KEYS`), compared without case or
surrounding spaces. Other columns (a ``category``) are ignored.

Terms:
    delimiter
        A tab for ``.tsv`` and ``.tab`` files; for ``.csv`` files the one of
        ``,`` ``;`` tab ``|`` that occurs most in the header row.
    record number
        The line of the file where a row starts (rows may span lines): it
        makes the ids of rows without an ``id`` column, as a line number does
        for JSONL, and it is the "line" of a problem in the report.
    bounds
        A row, and each of its cells, may hold at most
        :data:`searchnews.ingest.corpus.MAX_ARTICLE_BYTES`: lines are read
        with that limit, and the ``csv`` module's field-size limit is set to
        it, so a runaway quote never makes a row of gigabytes.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import DocumentError

__all__ = ["DELIMITERS", "cut_table", "read_table"]

#: Delimiters a ``.csv`` file may use (the most frequent in its header row wins).
DELIMITERS = (",", ";", "\t", "|")
#: Extensions whose files are tab-separated.
TAB_EXTENSIONS = (".tsv", ".tab")
#: Bytes read to choose an encoding.
_SAMPLE = 65536


class _TooLong(Exception):
    """A line or a row is longer than the limit."""


class _Lines:
    """The lines of a binary stream, decoded, from an offset; each line and each row bounded in length.

    ``offset`` and ``number`` say where the next line starts (byte offset,
    1-based line number). ``row_bytes`` counts the bytes of the row being
    read; the reader resets it after each row.
    """

    def __init__(self, handle: BinaryIO, encoding: str, limit: int, offset: int, number: int) -> None:
        self._handle = handle
        self._encoding = encoding
        self._limit = limit
        self.offset = offset
        self.number = number
        self.row_bytes = 0
        self.replaced = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self._handle.readline(self._limit + 2)
        if not raw:
            raise StopIteration
        self.offset += len(raw)
        self.number += 1
        self.row_bytes += len(raw)
        if len(raw) > self._limit + 1 or self.row_bytes > self._limit + 2:
            raise _TooLong
        try:
            return raw.decode(self._encoding)
        except UnicodeDecodeError:
            self.replaced += 1
            return raw.decode(self._encoding, errors="replace")

    def skip_line(self) -> None:
        """Read on to the end of the current (too long) line, keeping nothing."""
        while True:
            chunk = self._handle.readline(1 << 20)
            self.offset += len(chunk)
            if not chunk or chunk.endswith(b"\n"):
                return


def _encoding(sample: bytes) -> tuple[str, int, tuple[str, ...]]:
    """The encoding of a table from its first bytes: the name, the length of its byte-order mark, notes."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8), ()
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0, ()
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut by the end of the sample
            return "cp1252", 0, (f"invalid UTF-8 at byte {exc.start}; decoded as cp1252",)
    return "utf-8", 0, ()


def _delimiter(path: str, header: str) -> str:
    if os.path.splitext(path)[1].lower() in TAB_EXTENSIONS:
        return "\t"
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


class _Table:
    """An open table: its encoding, dialect and columns, read from the header row."""

    def __init__(self, handle: BinaryIO, path: str, limit: int) -> None:
        from .cleaning import RECORD_KEYS  # cleaning imports the corpus: imported here, not at the top

        csv.field_size_limit(limit)
        self.path = path
        self.limit = limit
        sample = handle.read(_SAMPLE)
        self.encoding, self.start, self.notes = _encoding(sample)
        handle.seek(0)
        if self.encoding == "utf-16":  # no byte offsets to resume or split at: read whole
            data = handle.read(limit * 8 + 1)
            handle = io.BytesIO(data.decode("utf-16", errors="replace").encode("utf-8"))
            self.encoding, self.splittable = "utf-8", False
        else:
            self.splittable = True
        self.handle = handle
        handle.seek(self.start)
        lines = _Lines(handle, self.encoding, limit, self.start, 0)
        try:
            first = next(lines)
        except StopIteration:
            raise DocumentError("empty file") from None
        except _TooLong:
            raise DocumentError(f"header row too long (over {limit / 1e6:.0f} MB)") from None
        self.delimiter = _delimiter(path, first)
        # the header row may span lines when a name is quoted with a line break: read it with csv
        handle.seek(self.start)
        lines = _Lines(handle, self.encoding, limit, self.start, 0)
        try:
            header = next(csv.reader(lines, delimiter=self.delimiter))
        except (csv.Error, _TooLong, StopIteration):
            raise DocumentError("the header row cannot be read") from None
        self.columns = [_column(name) for name in header]
        self.data_offset, self.data_line = lines.offset, lines.number
        body_keys = RECORD_KEYS["body"]
        if not any(name in body_keys for name in self.columns):
            named = ", ".join(repr(name) for name in self.columns[:8] if name) or "nothing"
            raise DocumentError(f"no text column: the header row names {named}; the article text is read from "
                                f"a column named {', '.join(body_keys)} (the first row must name the columns)")

    def rows(self, offset: int, number: int, end: int | None
             ) -> Iterator[tuple[int, dict[str, str] | None, str | None, _Lines]]:
        """``(line number, record or None, problem or None, lines)`` for each row from ``offset`` to ``end``."""
        self.handle.seek(offset)
        lines = _Lines(self.handle, self.encoding, self.limit, offset, number - 1)
        reader = csv.reader(lines, delimiter=self.delimiter)
        while end is None or lines.offset < end:
            start = lines.number + 1
            lines.row_bytes = 0
            try:
                row = next(reader)
            except StopIteration:
                return
            except _TooLong:
                lines.skip_line()
                yield start, None, f"row too long (over {self.limit / 1e6:.0f} MB)", lines
                reader = csv.reader(lines, delimiter=self.delimiter)
                continue
            except csv.Error as exc:
                yield start, None, f"malformed row ({exc})", lines
                continue
            if not any(cell.strip() for cell in row):
                continue
            record = {name: cell for name, cell in zip(self.columns, row, strict=False) if name and cell.strip()}
            yield start, record, None, lines


def read_table(handle: BinaryIO, path: str, limit: int, offset: int = 0, number: int = 0,
               end: int | None = None) -> Iterator[tuple[int, dict | None, str | None, tuple[str, ...]]]:
    """``(line, record, problem, notes)`` for each row of a table (from ``offset``, line ``number``, up to ``end``).

    ``offset`` 0 starts at the first row after the header. Raises
    :class:`DocumentError` when the file has no usable header row.
    """
    table = _Table(handle, path, limit)
    if offset == 0 or not table.splittable:
        offset, number = table.data_offset, table.data_line + 1
    for line, record, problem, lines in table.rows(offset, number, end):
        notes = table.notes
        if lines.replaced:
            notes = (*notes, "invalid UTF-8 replaced")
            lines.replaced = 0
        yield line, record, problem, notes


def cut_table(handle: BinaryIO, path: str, limit: int, offset: int, number: int,
              rows: int) -> tuple[int | None, int, int]:
    """Where the part of ``rows`` rows that starts at ``offset`` (line ``number``) ends: ``(offset, line, rows)``.

    The offset is ``None`` when the part reaches the end of the file (or the
    table cannot be split: a UTF-16 file is read whole). ``offset`` 0 is the
    first row.
    """
    table = _Table(handle, path, limit)
    if offset == 0 or not table.splittable:
        offset, number = table.data_offset, table.data_line + 1
    counted = 0
    lines = None
    for _line, _record, _problem, lines in table.rows(offset, number, None):
        counted += 1
        if counted >= rows and table.splittable:
            after = (lines.offset, lines.number + 1)
            return (after[0] if handle.read(1) else None), after[1], counted
    return None, (lines.number + 1 if lines is not None else number), counted
