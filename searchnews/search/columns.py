"""Per-article values of an index, lined up with document numbers: dates, sources, languages, deletions.

Sorting by date, recency, facets, timelines and statistics need one value per
article without reading its stored fields. Whoosh keeps such values in
*columns*, one file per field and segment; this module reads them, segment by
segment, into NumPy arrays indexed by the searcher's document numbers, and
caches them per reader (so once per version of the index).

Terms:
    document number
        An article's position in a searcher's view of the index: the
        segments one after the other, each starting at its *offset* (the
        number of documents, deleted ones included, of the segments before
        it). Deleted documents keep their numbers until a merge.
    column
        A segment's per-document values of one sortable field (``date``,
        ``source``, ``language``; see :mod:`searchnews.index.schema`). A
        segment none of whose articles had a value for a field has *no*
        column file for it. Whoosh's ``MultiReader.column_reader`` leaves such
        segments out of the column it returns, so every document number
        after them points at the wrong article (an ``IndexError``, or a
        neighbour's date with no error). Here each segment is read by itself
        and placed at its own offset, and a segment without a column gets
        the "no value" of every one of its documents.
    code
        Sources and languages are stored as small integers into a table of
        the distinct values (``source_names``, ``language_names``); code 0 is
        always "none" (``None`` in the table), so ``sources == 0`` selects
        the articles without a source.
    date value
        A publication time as the index stores it: microseconds since
        0001-01-01 00:00 (Whoosh's ``datetime_to_long``), an ``int64``;
        :data:`NO_DATE` for an article without a date. Values sort as the
        times do.

Example::

    columns = columns_of(searcher.reader())
    dated = columns.dated & columns.live
    newest = columns.dates[dated].max()
    afp = columns.source_code("AFP")            # None when no article has that source
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from whoosh.util.times import datetime_to_long, long_to_datetime

from ..index import schema as S
from ..index.codec import column_numbers, column_texts

__all__ = ["NO_CODE", "NO_DATE", "Columns", "columns_of", "date_value", "value_date"]

#: The date value of an article without a date (every real value is 0 or more).
NO_DATE = -1
#: The code of "no source" or "no language" (``None`` in the value tables).
NO_CODE = 0

#: Whoosh's value for a document without a date in a segment that has a date column (its
#: unsigned 64-bit maximum, ``typecode_max["Q"]``).
_WHOOSH_NO_DATE = np.uint64(2**64 - 1)


def date_value(when: dt.datetime) -> int:
    """The date value (see the module terms) of a naive datetime."""
    return datetime_to_long(when)


def value_date(value: int) -> dt.datetime | None:
    """The datetime of a date value; ``None`` for :data:`NO_DATE`."""
    return None if value == NO_DATE else long_to_datetime(int(value))


@dataclass(frozen=True, eq=False)
class Columns:
    """The per-article values of one reader (see the module terms), each an array of ``len(self)`` items.

    ``dates`` (``int64`` date values, :data:`NO_DATE` for none), ``sources`` and
    ``languages`` (``int32`` codes into ``source_names`` and
    ``language_names``, whose item 0 is ``None``) and ``live`` (``bool``,
    false for a deleted document). The arrays are read-only.
    """

    dates: np.ndarray
    sources: np.ndarray
    source_names: tuple[str | None, ...]
    languages: np.ndarray
    language_names: tuple[str | None, ...]
    live: np.ndarray

    @classmethod
    def read(cls, reader) -> Columns:
        """Read the columns of every segment of ``reader`` (a Whoosh reader), each at its offset."""
        leaves = list(reader.leaf_readers()) if reader.doc_count_all() else []
        size = sum(leaf.doc_count_all() for leaf, _ in leaves)
        dates = np.full(size, NO_DATE, dtype=np.int64)
        sources = np.zeros(size, dtype=np.int32)
        languages = np.zeros(size, dtype=np.int32)
        live = np.ones(size, dtype=bool)
        source_table = _Table()
        language_table = _Table()
        for leaf, offset in leaves:
            count = leaf.doc_count_all()
            end = offset + count
            if leaf.has_column(S.DATE):
                raw = column_numbers(leaf.column_reader(S.DATE, translate=False), count)
                dates[offset:end] = np.where(raw == _WHOOSH_NO_DATE, NO_DATE, raw.astype(np.int64))
            if leaf.has_column(S.SOURCE):
                sources[offset:end] = source_table.codes(column_texts(leaf.column_reader(S.SOURCE, translate=False),
                                                                count))
            if leaf.has_column(S.LANGUAGE):
                languages[offset:end] = language_table.codes(
                    column_texts(leaf.column_reader(S.LANGUAGE, translate=False), count))
            if leaf.has_deletions():
                deleted = getattr(leaf, "deleted_docs_set", None)
                if deleted is None:
                    deleted = [docnum for docnum in range(count) if leaf.is_deleted(docnum)]
                live[np.fromiter(deleted, dtype=np.int64) + offset] = False
        for array in (dates, sources, languages, live):
            array.flags.writeable = False
        return cls(dates=dates, sources=sources, source_names=source_table.names, languages=languages,
                   language_names=language_table.names, live=live)

    def __len__(self) -> int:
        return len(self.dates)

    @property
    def dated(self) -> np.ndarray:
        """``True`` for the documents that have a date."""
        return self.dates != NO_DATE

    # -- one document
    def date_value(self, docnum: int) -> int | None:
        """The date value of a document, or ``None`` when it has no date."""
        value = int(self.dates[docnum])
        return None if value == NO_DATE else value

    def date_of(self, docnum: int) -> dt.datetime | None:
        """The publication time of a document, or ``None``."""
        return value_date(int(self.dates[docnum]))

    def source_of(self, docnum: int) -> str | None:
        """The source of a document as written in the article, or ``None``."""
        return self.source_names[self.sources[docnum]]

    def language_of(self, docnum: int) -> str | None:
        """The language code of a document, or ``None``."""
        return self.language_names[self.languages[docnum]]

    # -- codes
    def source_code(self, name: str | None) -> int | None:
        """The code of a source name exactly as stored (``None`` gives :data:`NO_CODE`); ``None`` if absent."""
        return _code_of(self.source_names, name)

    def language_code(self, code: str | None) -> int | None:
        """The code of a language code as stored; ``None`` if no article has it."""
        return _code_of(self.language_names, code)

    # -- over the index
    def newest(self, now: dt.datetime | None = None) -> int | None:
        """The newest date value of a live article not after ``now`` (default: the clock); ``None`` if none."""
        limit = date_value(now or dt.datetime.now())
        values = self.dates[self.live & self.dated & (self.dates <= limit)]
        return int(values.max()) if len(values) else None

    def date_range(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The first and last publication times of the live articles; ``None`` when none has a date."""
        values = self.dates[self.live & self.dated]
        if not len(values):
            return None
        return long_to_datetime(int(values.min())), long_to_datetime(int(values.max()))

    def counts(self, codes: np.ndarray, names: tuple[str | None, ...], docnums: np.ndarray | None = None
               ) -> list[tuple[str | None, int]]:
        """``(value, count)`` of ``codes`` (``self.sources`` or ``self.languages``) over ``docnums``.

        ``docnums`` defaults to the live documents; the pairs come most
        frequent first, equal counts by value (``None`` last).
        """
        selected = codes[self.live] if docnums is None else codes[docnums]
        tally = np.bincount(selected, minlength=len(names))
        found = [(names[code], int(tally[code])) for code in np.flatnonzero(tally)]
        return sorted(found, key=lambda pair: (-pair[1], pair[0] is None, pair[0] or ""))


    def months(self, docnums: np.ndarray) -> list[tuple[str | None, int]]:
        """``(month, count)`` of the documents ``docnums`` by publication month (``"2022-11"``).

        In date order, the documents without a date last (as ``None``).
        """
        values = self.dates[docnums]
        dated = values[values != NO_DATE]
        pairs: list[tuple[str | None, int]] = []
        if len(dated):
            months, tally = np.unique(month_numbers(dated), return_counts=True)
            pairs = [(_month_label(int(m)), int(n)) for m, n in zip(months, tally, strict=True)]
        undated = len(values) - len(dated)
        if undated:
            pairs.append((None, undated))
        return pairs


#: The date value of 1970-01-01, NumPy's epoch.
_EPOCH = datetime_to_long(dt.datetime(1970, 1, 1))


def month_numbers(values: np.ndarray) -> np.ndarray:
    """Calendar months of date values (none :data:`NO_DATE`), counted from January of the year 1 (0)."""
    months_since_1970 = (values - _EPOCH).astype("datetime64[us]").astype("datetime64[M]").astype(np.int64)
    return months_since_1970 + 1969 * 12


def _month_label(number: int) -> str:
    year, month = divmod(number, 12)
    return f"{year + 1:04d}-{month + 1:02d}"


class _Table:
    """Distinct values to codes, code 0 for none, in order of first appearance."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str | None] = [None]

    def codes(self, texts: Iterable[str | None]) -> np.ndarray:
        index, values = self.index, self.values
        out = []
        for text in texts:
            if not text:
                out.append(NO_CODE)
                continue
            code = index.get(text)
            if code is None:
                code = index[text] = len(values)
                values.append(text)
            out.append(code)
        return np.asarray(out, dtype=np.int32)

    @property
    def names(self) -> tuple[str | None, ...]:
        return tuple(self.values)


def _code_of(names: tuple[str | None, ...], value: str | None) -> int | None:
    if value is None:
        return NO_CODE
    try:
        return names.index(value, 1)
    except ValueError:
        return None


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def columns_of(reader) -> Columns:
    """The :class:`Columns` of ``reader`` (a Whoosh reader), read once and kept while the reader lives."""
    with _CACHE_LOCK:
        found = _CACHE.get(reader)
    if found is None:
        found = Columns.read(reader)
        with _CACHE_LOCK:
            _CACHE[reader] = found
    return found
