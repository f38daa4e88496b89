"""A columnar Whoosh codec: each segment's postings as flat numpy arrays, written in bulk.

Whoosh's own codec (W3) writes postings one at a time in pure Python: every
posting goes through a pool that is sorted and spilled, then is pickled and
compressed in blocks of 128. That was most of the indexing time, and its
matchers hand postings back one at a time. This codec keeps Whoosh's
interfaces (the codec, segment, term table, per-document reader and matcher
classes) and changes what is under them:

* **Writing** (:class:`ArraySegmentWriter`): a document's terms are turned
  into integer term ids as it is added; when the segment is finished, one
  stable sort per field groups them into posting lists. Merging segments
  (:meth:`ArraySegmentWriter.add_reader`) maps document numbers with an array
  and concatenates posting lists the same way, dropping deleted documents.
* **Reading**: the arrays are memory-mapped. :class:`ArrayMatcher` is a Whoosh
  matcher over a slice of them, so every Whoosh query runs unchanged (this is
  the reference path); :mod:`searchnews.search.evaluate` reads the same arrays
  directly, a whole posting list at a time.
* **Exact field lengths**: W3 keeps a document's field length as one byte
  (a logarithmic approximation) and a merge sums the rounded values, so BM25
  scores drifted after compaction. Here lengths are exact integers.

Terms:
    arrays file
        ``<segment id>.sna`` in the index folder: every array of a segment,
        back to back, each aligned to 64 bytes. Where each array starts, its
        type and its length (the *layout*) is kept in the segment object,
        which Whoosh stores in the index's table of contents.
    posting list
        For one term of one field of a segment: the documents that contain it
        (ascending), the term's frequency in each, and, for fields with
        positions, its positions in each (ascending).
    field arrays
        Per indexed field of a segment: ``terms`` (the sorted term bytes, as a
        blob and offsets), ``df`` (documents per term), ``docs`` and
        ``freqs`` (the posting lists of all terms, in term order), ``pos``
        (positions, in posting order) and ``len`` (each document's exact
        field length, for fields that are scored).
    term table
        Whoosh's own on-disk hash of ``(field, term) → term info`` (the
        ``.trm`` file), kept so that the lexicon, document frequencies,
        wildcard expansion and Whoosh's spelling automata work as before; the
        term info here also says where the term's postings start in the arrays.

Whoosh internals this module relies on (checked by ``tests/test_codec.py``; the
version is pinned in ``pyproject.toml``): ``SegmentWriter`` attributes ``schema``,
``docnum``, ``perdocwriter``, ``fieldwriter``, ``newsegment``, ``storage``,
``_added``, ``_check_state``, ``_check_fields``, ``write_per_doc`` and the
``_flush_segment`` / ``_finalize_segment`` / ``_close_segment`` steps;
``W3PerDocWriter`` attributes ``_storedfields``, ``_fieldlengths``,
``_doccount``, ``_segment``; ``W3TermsReader`` attributes ``_tindex``,
``_keycoder``; ``SegmentReader`` attributes ``_terms`` and ``_perdoc``; the
W3 term-info byte prefix (flags, weight, doc frequency, length bytes, max
weight, min and max id) that ``W3TermsReader.frequency``/``doc_frequency``
read in place; ``whoosh.util.numeric._length_byte_cache``. And, for the rest of
searchnews (the functions at the end of this module, so that no other module
touches them): ``MultiTerm._btexts``, ``NumericRange._compile_query``,
``BM25F._field_B``, ``FileIndex._read_toc`` and ``_segments``, ``TOC._latest_generation``, a segment's
``_deleted``, and the readers of Whoosh's numeric and bytes columns
(``_typecode``, ``_count``, ``_default``, ``_dbfile``, ``_basepos``, ``_lengths``).
"""

from __future__ import annotations

import bisect
import itertools
import os
import struct
from array import array
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from whoosh.analysis import IDTokenizer
from whoosh.codec import whoosh3 as w3
from whoosh.fields import ID as IDField
from whoosh.filedb import filetables
from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME, FileIndex
from whoosh.matching import LeafMatcher, ReadTooFar
from whoosh.reading import TermNotFound
from whoosh.system import pack_ushort
from whoosh.util.numeric import _length_byte_cache
from whoosh.writing import SegmentWriter

__all__ = [
    "ARRAYS_EXT",
    "CODEC_VERSION",
    "ArrayCodec",
    "ArrayIndex",
    "ArrayMatcher",
    "ArraySegment",
    "ArraySegmentWriter",
    "FieldArrays",
    "SegmentArrays",
    "abandon_segment",
    "bm25_b",
    "column_numbers",
    "column_texts",
    "compiled_range",
    "create_array_index",
    "deleted_docnums",
    "expanded_words",
    "field_arrays",
    "finish_segment",
    "index_segments",
    "is_array_index",
    "latest_generation",
    "open_array_index",
    "read_toc",
    "segment_arrays",
    "term_location",
]

#: The extension of a segment's arrays file.
ARRAYS_EXT = ".sna"
#: Bumped when the arrays or their layout change; a segment of another version is not read.
CODEC_VERSION = 1
#: Every array in the arrays file starts at a multiple of this many bytes.
ALIGN = 64
#: Postings per block, for Whoosh's block-quality skipping (as W3's ``blocklimit``).
BLOCK = 128

_DOC = np.int32
_FREQ = np.int32
_POS = np.int32
_LEN = np.uint32

# Term info: W3's fixed prefix, so Whoosh's in-place readers of weight and document frequency
# work unchanged, then where the postings and positions start and the exact lengths.
_TERM_INFO = np.dtype([
    ("flags", "u1"), ("weight", ">f4"), ("df", ">u4"), ("minlb", "u1"), ("maxlb", "u1"),
    ("maxweight", ">f4"), ("minid", ">u4"), ("maxid", ">u4"),
    ("post", ">i8"), ("pos", ">i8"), ("minlen", ">u4"), ("maxlen", ">u4"),
])
_TERM_INFO_STRUCT = struct.Struct("!BfIBBfIIqqII")
assert _TERM_INFO.itemsize == _TERM_INFO_STRUCT.size
_LENGTH_BYTES = np.asarray(_length_byte_cache, dtype=np.int64)


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's one-byte approximation of each length (``length_to_byte``), for the W3 prefix."""
    return np.minimum(np.searchsorted(_LENGTH_BYTES, lengths, side="left"), 255).astype(np.uint8)


# ---------------------------------------------------------------------------
# the segment and its arrays file


class ArraySegment(w3.W3Segment):
    """A W3 segment whose postings and field lengths are in an arrays file (see the module terms)."""

    def __init__(self, codec, indexname, doccount=0, segid=None, deleted=None) -> None:
        super().__init__(codec, indexname, doccount, segid, deleted)
        self.layout: dict[str, tuple[int, str, int]] = {}
        self.version = CODEC_VERSION
        self._fieldlengths: dict[str, int] = {}

    def should_assemble(self) -> bool:
        return False  # the arrays are memory-mapped from their own file

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_arrays_writer", None)  # a writer's open file is never pickled into the TOC
        return state


class _ArraysWriter:
    """Appends arrays to a segment's arrays file and records the layout."""

    def __init__(self, storage, segment: ArraySegment) -> None:
        self._storage = storage
        self._segment = segment
        self._file = None
        self.layout: dict[str, tuple[int, str, int]] = {}

    def add(self, name: str, values: np.ndarray) -> None:
        values = np.ascontiguousarray(values)
        if self._file is None:
            self._file = self._segment.create_file(self._storage, ARRAYS_EXT)
        position = self._file.tell()
        padding = (-position) % ALIGN
        if padding:
            self._file.write(b"\0" * padding)
        self.layout[name] = (position + padding, values.dtype.str, len(values))
        if values.nbytes:
            self._file.write(memoryview(values).cast("B"))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._segment.layout = dict(self.layout)


def _arrays_writer(storage, segment: ArraySegment) -> _ArraysWriter:
    writer = getattr(segment, "_arrays_writer", None)
    if writer is None:
        writer = segment._arrays_writer = _ArraysWriter(storage, segment)
    return writer


class FieldArrays:
    """The arrays of one field of one segment (see the module terms); read-only views."""

    __slots__ = ("_positions_offsets", "df", "docs", "freqs", "lengths", "name", "positions", "post_starts",
                 "term_blob", "term_offsets")

    def __init__(self, arrays: SegmentArrays, name: str) -> None:
        self.name = name
        self.term_blob = arrays.get(f"{name}/terms")
        self.term_offsets = arrays.get(f"{name}/termoff")
        self.df = arrays.get(f"{name}/df")
        self.docs = arrays.get(f"{name}/docs")
        self.freqs = arrays.get(f"{name}/freqs")
        self.positions = arrays.get(f"{name}/pos")
        self.lengths = arrays.get(f"{name}/len")
        starts = np.zeros(len(self.df) + 1, dtype=np.int64) if self.df is not None else np.zeros(1, np.int64)
        if self.df is not None:
            np.cumsum(self.df, out=starts[1:])
        self.post_starts = starts
        self._positions_offsets = None

    @property
    def term_count(self) -> int:
        return 0 if self.df is None else len(self.df)

    def terms(self) -> list[bytes]:
        """Every term of the field, sorted."""
        if self.term_blob is None:
            return []
        blob = self.term_blob.tobytes()
        offsets = self.term_offsets.tolist()
        return [blob[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]

    def positions_offsets(self) -> np.ndarray:
        """Where each posting's positions start in :attr:`positions` (one more entry at the end)."""
        if self._positions_offsets is None:
            offsets = np.zeros(len(self.freqs) + 1, dtype=np.int64)
            np.cumsum(self.freqs, out=offsets[1:])
            self._positions_offsets = offsets
        return self._positions_offsets


class SegmentArrays:
    """A segment's arrays file, memory-mapped; :meth:`get` gives a zero-copy view of one array."""

    def __init__(self, storage, segment: ArraySegment) -> None:
        self.layout = getattr(segment, "layout", {})
        self._fields: dict[str, FieldArrays] = {}
        #: Term lookups of the evaluator, remembered while the segment is open (see searchnews.search.evaluate).
        self.lookups: dict = {}
        self._buffer: np.ndarray | None = None
        if not self.layout:
            return
        name = segment.make_filename(ARRAYS_EXT)
        folder = getattr(storage, "folder", None)
        if folder is not None and os.path.getsize(os.path.join(folder, name)) > 0:
            self._buffer = np.memmap(os.path.join(folder, name), dtype=np.uint8, mode="r")
        else:  # a storage without files (Whoosh's RamStorage): read it whole
            with storage.open_file(name) as handle:
                self._buffer = np.frombuffer(handle.read(), dtype=np.uint8)

    def get(self, name: str) -> np.ndarray | None:
        entry = self.layout.get(name)
        if entry is None or self._buffer is None:
            return None
        offset, dtype, count = entry
        dtype = np.dtype(dtype)
        return self._buffer[offset:offset + count * dtype.itemsize].view(dtype)

    def field(self, name: str) -> FieldArrays:
        arrays = self._fields.get(name)
        if arrays is None:
            arrays = self._fields[name] = FieldArrays(self, name)
        return arrays

    def has_field(self, name: str) -> bool:
        return f"{name}/df" in self.layout

    def close(self) -> None:
        self._fields.clear()
        self._buffer = None  # the mapping goes when the last view of it does


def segment_arrays(reader) -> SegmentArrays:
    """The arrays of a Whoosh ``SegmentReader`` of this codec."""
    return reader._terms._arrays


def field_arrays(reader, fieldname: str) -> FieldArrays:
    """The arrays of one field of a Whoosh ``SegmentReader`` of this codec."""
    return reader._terms._arrays.field(fieldname)


# ---------------------------------------------------------------------------
# term info


class ArrayTermInfo(w3.W3TermInfo):
    """W3's term info plus where the term's postings and positions start, and exact lengths."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.post_start = 0
        self.pos_start = 0

    def to_bytes(self) -> bytes:
        return _TERM_INFO_STRUCT.pack(
            0, self._weight, self._df, int(_length_bytes(np.array([self._minlength or 0]))[0]),
            int(_length_bytes(np.array([self._maxlength]))[0]), self._maxweight,
            0xFFFFFFFF if self._minid is None else self._minid, 0xFFFFFFFF if self._maxid is None else self._maxid,
            self.post_start, self.pos_start, self._minlength or 0, self._maxlength)

    @classmethod
    def from_bytes(cls, data: bytes) -> ArrayTermInfo:
        (_flags, weight, df, _minlb, _maxlb, maxweight, minid, maxid, post, pos, minlen,
         maxlen) = _TERM_INFO_STRUCT.unpack(data[:_TERM_INFO_STRUCT.size])
        info = cls()
        info._weight, info._df, info._maxweight = weight, df, maxweight
        info._minlength, info._maxlength = minlen, maxlen
        info._minid = None if minid == 0xFFFFFFFF else minid
        info._maxid = None if maxid == 0xFFFFFFFF else maxid
        info.post_start, info.pos_start = post, pos
        return info

    def is_inlined(self) -> bool:
        return False


# ---------------------------------------------------------------------------
# writing


class _FieldBuffer:
    """The terms of one field of the documents added to a segment writer, as term ids.

    Fields analysed by :class:`searchnews.index.analysis.NewsAnalyzer` take a
    fast path: their terms come in order, one per position, so only the term
    ids and each document's term count are kept. Other fields go through
    Whoosh's ``field.index()`` and keep explicit documents and positions.
    """

    def __init__(self, field) -> None:
        self.field = field
        self.positional = field.format.supports("positions")
        terms = getattr(field.analyzer, "terms", None) if field.analyzer is not None else None
        self.fast = terms is not None and self.positional and hasattr(field.format, "word_values") \
            and field.format.field_boost == 1.0
        self._analyse = terms
        self.scorable = field.scorable
        # An ID field whose analyser is Whoosh's IDTokenizer alone: its value is its only term.
        self.whole = (isinstance(field, IDField) and type(field.analyzer) is IDTokenizer and not self.positional
                      and not field.scorable)
        self.vocab: dict = {}
        self.ids = array("i")
        self.docs = array("i")  # fast path: one entry per document; otherwise one per token
        self.counts = array("i")  # fast path only: the number of terms of each document
        self.positions = array("i")  # explicit positions (not on the fast path)

    def mark(self) -> tuple[int, int, int, int]:
        return len(self.ids), len(self.docs), len(self.counts), len(self.positions)

    def rollback(self, mark: tuple[int, int, int, int]) -> None:
        for values, size in zip((self.ids, self.docs, self.counts, self.positions), mark, strict=True):
            del values[size:]

    def add(self, docnum: int, value) -> int:
        """Add one document's value; returns its field length (the number of terms, if scored)."""
        vocab = self.vocab
        if self.fast:
            terms = self._analyse(value)
            if not terms:
                return 0
            try:  # most words of a document are in the segment's vocabulary already
                found = [vocab[term] for term in terms]
            except KeyError:
                setdefault = vocab.setdefault
                found = [setdefault(term, len(vocab)) for term in terms]
            self.ids.extend(found)
            self.docs.append(docnum)
            self.counts.append(len(terms))
            return len(terms) if self.scorable else 0
        if self.whole:  # an ID field: the value is the one term
            self.ids.append(vocab.setdefault(value.encode("utf-8"), len(vocab)))
            self.docs.append(docnum)
            return 0
        length = 0
        fmt = self.field.format
        for tbytes, freq, _weight, vbytes in self.field.index(value):
            term_id = vocab.setdefault(tbytes, len(vocab))
            if self.positional:
                positions = fmt.decode_positions(vbytes)
                self.ids.extend([term_id] * len(positions))
                self.docs.extend([docnum] * len(positions))
                self.positions.extend(positions)
            else:
                self.ids.extend([term_id] * freq)
                self.docs.extend([docnum] * freq)
            length += freq
        return length if self.scorable else 0

    def postings(self) -> _Postings | None:
        """The buffered terms as posting lists, terms sorted by their bytes."""
        if not self.ids:
            return None
        ids = np.frombuffer(self.ids, dtype=np.int32)
        if self.fast:
            counts = np.frombuffer(self.counts, dtype=np.int32)
            docs = np.repeat(np.frombuffer(self.docs, dtype=np.int32), counts)
            starts = np.repeat(np.cumsum(counts) - counts, counts)
            positions = (np.arange(len(ids), dtype=np.int64) - starts).astype(_POS)
            terms = [term.encode("utf-8") for term in self.vocab]
        else:
            docs = np.frombuffer(self.docs, dtype=np.int32)
            positions = np.frombuffer(self.positions, dtype=np.int32) if self.positional else None
            terms = list(self.vocab)
        order = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), dtype=np.int32)
        rank[order] = np.arange(len(terms), dtype=np.int32)
        sorted_terms = [terms[i] for i in order]
        return _Postings.from_tokens(sorted_terms, rank[ids], docs, positions)


class _Postings:
    """Posting lists of one field in memory: ``term`` (an index into ``terms``) sorted, then ``doc``."""

    __slots__ = ("doc", "freq", "positions", "term", "terms")

    def __init__(self, terms: list[bytes], term: np.ndarray, doc: np.ndarray, freq: np.ndarray,
                 positions: np.ndarray | None) -> None:
        self.terms, self.term, self.doc, self.freq, self.positions = terms, term, doc, freq, positions

    @classmethod
    def from_tokens(cls, terms: list[bytes], term: np.ndarray, doc: np.ndarray,
                    positions: np.ndarray | None) -> _Postings:
        """Group tokens (term, document, position; in document and position order) into posting lists."""
        order = np.argsort(term, kind="stable")  # documents and positions stay in order within a term
        term, doc = term[order], doc[order]
        boundary = np.empty(len(term), dtype=bool)
        boundary[0] = True
        boundary[1:] = (term[1:] != term[:-1]) | (doc[1:] != doc[:-1])
        starts = np.flatnonzero(boundary)
        freq = np.diff(np.append(starts, len(term))).astype(_FREQ)
        return cls(terms, term[starts], doc[starts].astype(_DOC), freq,
                   positions[order].astype(_POS) if positions is not None else None)

    @classmethod
    def merge(cls, parts: list[_Postings]) -> _Postings | None:
        """One posting list per term from parts holding different documents."""
        parts = [p for p in parts if p is not None and len(p.doc)]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        parts.sort(key=lambda p: int(p.doc.min()))
        # When each part's documents come after the previous part's, a stable sort by term keeps
        # every posting list in document order; otherwise sort by term and document.
        disjoint = all(int(a.doc.max()) < int(b.doc.min()) for a, b in itertools.pairwise(parts))
        terms = sorted(set().union(*(p.terms for p in parts)))
        rank = {term: i for i, term in enumerate(terms)}
        mapped = [np.asarray([rank[t] for t in p.terms], dtype=np.int32)[p.term] for p in parts]
        term = np.concatenate(mapped)
        doc = np.concatenate([p.doc for p in parts])
        freq = np.concatenate([p.freq for p in parts])
        positional = parts[0].positions is not None
        order = np.argsort(term, kind="stable") if disjoint else np.lexsort((doc, term))
        positions = None
        if positional:
            positions = _gather_positions(np.concatenate([p.positions for p in parts]), freq, order)
        return cls(terms, term[order], doc[order], freq[order], positions)

    def only(self, keep: np.ndarray) -> _Postings:
        """These postings without those where ``keep`` is false."""
        positions = self.positions[np.repeat(keep, self.freq)] if self.positions is not None else None
        return _Postings(self.terms, self.term[keep], self.doc[keep], self.freq[keep], positions)


#: Postings whose positions are gathered at a time when posting lists are reordered (bounds the memory of a merge).
GATHER_CHUNK = 1 << 20


def _gather_positions(positions: np.ndarray, freq: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The positions of postings reordered by ``order`` (each posting owns ``freq`` consecutive positions).

    Done :data:`GATHER_CHUNK` postings at a time, so that the index arrays it
    needs stay small however big the merge.
    """
    starts = np.cumsum(freq, dtype=np.int64) - freq
    new_freq = freq[order].astype(np.int64)
    out = np.empty(int(new_freq.sum()), dtype=positions.dtype)
    written = 0
    for low in range(0, len(order), GATHER_CHUNK):
        chosen = order[low:low + GATHER_CHUNK]
        counts = new_freq[low:low + GATHER_CHUNK]
        total = int(counts.sum())
        local = np.cumsum(counts) - counts
        index = np.repeat(starts[chosen] - local, counts) + np.arange(total, dtype=np.int64)
        out[written:written + total] = positions[index]
        written += total
    return out


class ArrayFieldWriter:
    """Writes a segment's term table and its postings arrays (see the module terms)."""

    def __init__(self, codec, storage, segment: ArraySegment) -> None:
        self._codec = codec
        self._storage = storage
        self._segment = segment
        self._tindex = filetables.OrderedHashWriter(segment.create_file(storage, w3.W3Codec.TERMS_EXT))
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._arrays = _arrays_writer(storage, segment)
        self.is_closed = False

    def add_postings(self, schema, lengths, items) -> None:
        """Whoosh's per-posting interface; this codec is written in bulk (:meth:`write_field`)."""
        for _ in items:
            raise NotImplementedError("the array codec writes postings in bulk")

    def write_field(self, fieldname: str, fieldobj, postings: _Postings, doc_lengths: np.ndarray | None) -> None:
        """Write one field's posting lists: its arrays and a row of the term table per term."""
        df = np.bincount(postings.term, minlength=len(postings.terms)).astype(np.int32)
        if not df.all():  # terms whose every document was deleted
            present = np.flatnonzero(df)
            remap = np.full(len(df), -1, dtype=np.int32)
            remap[present] = np.arange(len(present), dtype=np.int32)
            postings = _Postings([postings.terms[i] for i in present.tolist()], remap[postings.term], postings.doc,
                                 postings.freq, postings.positions)
            df = df[present]
        terms = postings.terms
        blob = b"".join(terms)
        offsets = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in terms], out=offsets[1:])
        arrays = self._arrays
        arrays.add(f"{fieldname}/terms", np.frombuffer(blob, dtype=np.uint8))
        arrays.add(f"{fieldname}/termoff", offsets)
        arrays.add(f"{fieldname}/df", df)
        arrays.add(f"{fieldname}/docs", postings.doc)
        arrays.add(f"{fieldname}/freqs", postings.freq)
        if postings.positions is not None:
            arrays.add(f"{fieldname}/pos", postings.positions)
        # the term table, with each term's statistics worked out for all terms at once
        post_start = np.zeros(len(df), dtype=np.int64)
        np.cumsum(df[:-1], out=post_start[1:])
        freq = postings.freq
        pos_total = np.zeros(len(freq) + 1, dtype=np.int64)
        np.cumsum(freq, out=pos_total[1:])
        boost = fieldobj.format.field_boost
        info = np.zeros(len(df), dtype=_TERM_INFO)
        info["weight"] = np.add.reduceat(freq.astype(np.float64), post_start) * boost
        info["df"] = df
        info["maxweight"] = np.maximum.reduceat(freq, post_start) * boost
        info["minid"] = postings.doc[post_start]
        info["maxid"] = postings.doc[post_start + df - 1]
        info["post"] = post_start
        info["pos"] = pos_total[post_start] if postings.positions is not None else 0
        if doc_lengths is not None and len(doc_lengths):
            lengths = doc_lengths[postings.doc].astype(np.int64)
            minlen = np.minimum.reduceat(lengths, post_start)
            maxlen = np.maximum.reduceat(lengths, post_start)
            info["minlen"], info["maxlen"] = minlen, maxlen
            info["minlb"], info["maxlb"] = _length_bytes(minlen), _length_bytes(maxlen)
        records = info.tobytes()
        size = _TERM_INFO.itemsize
        fieldid = self._fieldmap.setdefault(fieldname, len(self._fieldmap))
        prefix = pack_ushort(fieldid)
        add = self._tindex.add
        for i, term in enumerate(terms):
            add(prefix + term, records[i * size:(i + 1) * size])

    def close(self) -> None:
        if self.is_closed:
            return
        self._tindex.close()
        self._arrays.close()
        self.is_closed = True


class ArrayPerDocWriter(w3.W3PerDocWriter):
    """W3's per-document writer (stored fields, columns), keeping exact field lengths instead of length bytes."""

    def __init__(self, codec, storage, segment) -> None:
        super().__init__(codec, storage, segment)
        self._exact: defaultdict[str, array] = defaultdict(lambda: array("I"))
        self.lengths: dict[str, np.ndarray] = {}

    def add_field(self, fieldname, fieldobj, value, length) -> None:
        if value is not None:
            self._storedfields[fieldname] = value
        if length:
            values = self._exact[fieldname]
            missing = self._docnum - len(values)
            if missing > 0:
                values.extend([0] * missing)
            values.append(length)
            self._fieldlengths[fieldname] += length

    def close(self) -> None:
        super().close()
        count = self._doccount
        for fieldname, values in self._exact.items():
            lengths = np.zeros(count, dtype=_LEN)
            lengths[:len(values)] = np.frombuffer(values, dtype=np.uint32)
            self.lengths[fieldname] = lengths


class ArraySegmentWriter(SegmentWriter):
    """Whoosh's segment writer over :class:`ArrayCodec`, adding and merging postings in bulk.

    Accepts Whoosh's ``SegmentWriter`` arguments (``_lk=False`` for a writer
    that takes no lock, as worker processes use). Documents may not carry
    boosts, and fields may not have term vectors or separate spelling fields.
    """

    def __init__(self, ix, **kwargs) -> None:
        kwargs["codec"] = ArrayCodec()
        kwargs["compound"] = False
        super().__init__(ix, **kwargs)
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: the array codec has no term vectors or spelling fields")
        self._buffers: dict[str, _FieldBuffer] = {}
        self._merged: list[tuple[dict[str, FieldArrays], np.ndarray]] = []

    def add_document(self, **fields) -> None:
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdocwriter.start_doc(docnum)
        marks: dict[str, tuple] = {}
        try:
            for fieldname in names:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    buffer = self._buffers.get(fieldname)
                    if buffer is None:
                        buffer = self._buffers[fieldname] = _FieldBuffer(field)
                    marks[fieldname] = buffer.mark()
                    length = buffer.add(docnum, value)
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
        except Exception:
            perdocwriter.cancel_doc()
            for fieldname, mark in marks.items():
                self._buffers[fieldname].rollback(mark)
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader) -> None:
        """Add the live documents of ``reader`` (a reader of this codec): stored fields, then postings in bulk."""
        self._check_state()
        leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
        for leaf, _offset in leaves:
            if not isinstance(leaf.segment(), ArraySegment):
                raise ValueError("only segments written by the array codec can be merged")
            base = self.docnum
            indexed = {name for name in leaf.indexed_field_names() if name in self.schema}
            docmap = self.write_per_doc(set(self.schema.names()) | indexed, leaf)
            count = leaf.doc_count_all()
            mapping = np.arange(base, base + count, dtype=np.int64)
            if docmap is not None:
                mapping[:] = -1
                if docmap:
                    old = np.fromiter(docmap.keys(), dtype=np.int64, count=len(docmap))
                    mapping[old] = np.fromiter(docmap.values(), dtype=np.int64, count=len(docmap))
            # The field arrays are views that keep the mapping alive after the reader is closed.
            arrays = segment_arrays(leaf)
            fields = {name.split("/", 1)[0] for name in arrays.layout if name.endswith("/df")}
            self._merged.append(({name: arrays.field(name) for name in fields}, mapping))
        self._added = True

    def _field_postings(self, fieldname: str) -> _Postings | None:
        parts: list[_Postings | None] = []
        for fields, mapping in self._merged:
            source = fields.get(fieldname)
            if source is None:
                continue
            term = np.repeat(np.arange(source.term_count, dtype=np.int32), source.df)
            doc = mapping[source.docs]
            postings = _Postings(source.terms(), term, doc.astype(_DOC), np.asarray(source.freqs),
                                 np.asarray(source.positions) if source.positions is not None else None)
            keep = doc >= 0
            parts.append(postings if keep.all() else postings.only(keep))
        buffer = self._buffers.get(fieldname)
        if buffer is not None:
            parts.append(buffer.postings())
        return _Postings.merge(parts)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.perdocwriter.lengths
        self.newsegment.set_doc_count(self.docnum)
        arrays = _arrays_writer(self.storage, self.newsegment)
        for fieldname, values in sorted(lengths.items()):
            arrays.add(f"{fieldname}/len", values)
        names = set(self._buffers)
        for fields, _ in self._merged:
            names.update(fields)
        for fieldname in sorted(names):
            postings = self._field_postings(fieldname)
            if postings is not None and len(postings.doc):
                self.fieldwriter.write_field(fieldname, self.schema[fieldname], postings, lengths.get(fieldname))
        self.fieldwriter.close()
        self._buffers.clear()
        self._merged.clear()

    def _close_segment(self) -> None:
        super()._close_segment()
        writer = getattr(self.newsegment, "_arrays_writer", None)
        if writer is not None:
            writer.close()
            del self.newsegment._arrays_writer


# ---------------------------------------------------------------------------
# reading


class ArrayMatcher(LeafMatcher):
    """A Whoosh matcher over one posting list of the arrays (the reference path for queries)."""

    def __init__(self, arrays: FieldArrays, info: ArrayTermInfo, format_, term=None, scorer=None,
                 lengths: np.ndarray | None = None) -> None:
        self._arrays = arrays
        self._info = info
        start, count = info.post_start, info._df
        self._start = start
        self._ids: list[int] = arrays.docs[start:start + count].tolist()
        self._freqs = arrays.freqs[start:start + count]
        self._weights: list[float] | None = None
        self._lengths = lengths
        self._i = 0
        self.format = format_
        self.scorer = scorer
        self._term = term
        self._blocks: tuple[list[float], list[int], list[int]] | None = None

    def copy(self) -> ArrayMatcher:
        other = ArrayMatcher(self._arrays, self._info, self.format, self._term, self.scorer, self._lengths)
        other._i = self._i
        return other

    def is_active(self) -> bool:
        return self._i < len(self._ids)

    def reset(self) -> None:
        self._i = 0

    def id(self) -> int:
        return self._ids[self._i]

    def all_ids(self):
        return iter(self._ids[self._i:])

    def _weight_list(self) -> list[float]:
        if self._weights is None:
            self._weights = (self._freqs * float(self.format.field_boost)).tolist()
        return self._weights

    def weight(self) -> float:
        return self._weight_list()[self._i]

    def positions(self) -> list[int]:
        """The positions of the term in the current document."""
        offsets = self._arrays.positions_offsets()
        index = self._start + self._i
        return self._arrays.positions[offsets[index]:offsets[index + 1]].tolist()

    def value(self) -> bytes:
        if self.format.supports("positions") and self._arrays.positions is not None:
            return self.format.encode(self.positions())
        return b""

    def value_as(self, astype: str):
        if astype == "positions" and self._arrays.positions is not None:
            return self.positions()
        if astype == "frequency":
            return int(self._freqs[self._i])
        if astype == "weight":
            return self.weight()
        return super().value_as(astype)

    def next(self) -> bool:
        self._i += 1
        return False

    def skip_to(self, target: int) -> None:
        if not self.is_active():
            raise ReadTooFar
        if target <= self._ids[self._i]:
            return
        self._i = bisect.bisect_left(self._ids, target, self._i)

    # block quality: blocks of BLOCK postings, their statistics computed when first needed
    def _block_stats(self) -> tuple[list[float], list[int], list[int]]:
        if self._blocks is None:
            starts = np.arange(0, len(self._ids), BLOCK)
            weights = np.maximum.reduceat(self._freqs, starts) * float(self.format.field_boost)
            if self._lengths is not None:
                lengths = self._lengths[np.asarray(self._ids, dtype=np.int64)].astype(np.int64)
                mins, maxs = np.minimum.reduceat(lengths, starts), np.maximum.reduceat(lengths, starts)
            else:
                mins = maxs = np.ones(len(starts), dtype=np.int64)
            self._blocks = (weights.tolist(), mins.tolist(), maxs.tolist())
        return self._blocks

    def block_min_id(self) -> int:
        return self._ids[(self._i // BLOCK) * BLOCK]

    def block_max_id(self) -> int:
        return self._ids[min(len(self._ids), (self._i // BLOCK + 1) * BLOCK) - 1]

    def block_max_weight(self) -> float:
        return self._block_stats()[0][self._i // BLOCK]

    def block_min_length(self) -> int:
        return self._block_stats()[1][self._i // BLOCK]

    def block_max_length(self) -> int:
        return self._block_stats()[2][self._i // BLOCK]

    def skip_to_quality(self, minquality: float) -> int:
        skipped = 0
        while self.is_active() and self.block_quality() <= minquality:
            self._i = min(len(self._ids), (self._i // BLOCK + 1) * BLOCK)
            skipped += 1
        return skipped


class ArrayTermsReader(w3.W3TermsReader):
    """W3's term table reader whose matchers read the arrays."""

    def __init__(self, codec, storage, segment: ArraySegment) -> None:
        name = segment.make_filename(w3.W3Codec.TERMS_EXT)
        super().__init__(codec, storage.open_file(name), storage.file_length(name), None)
        self._arrays = SegmentArrays(storage, segment)

    def term_info(self, fieldname, tbytes) -> ArrayTermInfo:
        try:
            return ArrayTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def items(self):
        decode, info = self._keydecoder, ArrayTermInfo.from_bytes
        return ((decode(key), info(value)) for key, value in self._tindex.items())

    def items_from(self, fieldname, prefix):
        decode, info = self._keydecoder, ArrayTermInfo.from_bytes
        return ((decode(key), info(value)) for key, value in self._tindex.items_from(self._keycoder(fieldname, prefix)))

    def matcher(self, fieldname, tbytes, format_, scorer=None) -> ArrayMatcher:
        info = self.term_info(fieldname, tbytes)
        arrays = self._arrays.field(fieldname)
        return ArrayMatcher(arrays, info, format_, term=(fieldname, tbytes), scorer=scorer, lengths=arrays.lengths)

    def close(self) -> None:
        self._tindex.close()
        self._arrays.close()


class ArrayPerDocReader(w3.W3PerDocReader):
    """W3's per-document reader with exact field lengths from the arrays.

    Unlike W3's, it opens the segment's column files (stored fields
    included) when it is made, not at their first use: a writer that commits
    meanwhile may delete the files of segments it merged away, and a file
    already open stays readable while one not yet opened is gone. Opening
    them here puts a missing file inside the retries of Whoosh's
    ``FileIndex.reader`` instead of in the middle of a search.
    """

    def __init__(self, storage, segment: ArraySegment) -> None:
        super().__init__(storage, segment)
        self._arrays = SegmentArrays(storage, segment)
        prefix, ext = segment.make_filename("."), self.COLUMN_EXT
        try:
            for name in storage.list():
                if name.startswith(prefix) and name.endswith(ext):
                    fieldname = name[len(prefix):-len(ext)]
                    self._colfiles[fieldname] = (storage.open_file(name), 0, storage.file_length(name))
        except BaseException:
            self.close()
            raise

    COLUMN_EXT = w3.W3Codec.COLUMN_EXT

    def has_column(self, fieldname) -> bool:
        return fieldname in self._colfiles

    def _get_column_file(self, fieldname):
        raise KeyError(f"segment {self._segment.segment_id()} has no column {fieldname!r}")

    def lengths(self, fieldname: str) -> np.ndarray | None:
        """Every document's exact length of a field (0 where the field is empty), or ``None``."""
        return self._arrays.get(f"{fieldname}/len")

    def doc_field_length(self, docnum, fieldname, default=0):
        if docnum >= self._doccount:
            raise IndexError(f"asked for document {docnum} of {self._doccount}")
        lengths = self.lengths(fieldname)
        if lengths is None:
            return default
        return int(lengths[docnum]) or default

    def min_field_length(self, fieldname):
        lengths = self.lengths(fieldname)
        return int(lengths.min()) if lengths is not None and len(lengths) else 0

    def max_field_length(self, fieldname):
        lengths = self.lengths(fieldname)
        return int(lengths.max()) if lengths is not None and len(lengths) else 0

    def close(self) -> None:
        super().close()
        self._arrays.close()


class ArrayCodec(w3.W3Codec):
    """Whoosh's W3 codec with postings and field lengths in memory-mapped arrays (see the module docstring)."""

    def per_document_writer(self, storage, segment):
        return ArrayPerDocWriter(self, storage, segment)

    def field_writer(self, storage, segment):
        return ArrayFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        raise NotImplementedError("the array codec writes postings in bulk (ArraySegmentWriter)")

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        raise NotImplementedError("the array codec reads postings through ArrayTermsReader.matcher")

    def terms_reader(self, storage, segment):
        return ArrayTermsReader(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return ArrayPerDocReader(storage, segment)

    def new_segment(self, storage, indexname):
        return ArraySegment(self, indexname)


def is_array_index(segments: Iterable) -> bool:
    """True when every segment was written by this codec version."""
    return all(isinstance(s, ArraySegment) and getattr(s, "version", None) == CODEC_VERSION for s in segments)


class ArrayIndex(FileIndex):
    """A Whoosh file index whose writers write with :class:`ArrayCodec`, so an index never mixes codecs."""

    def writer(self, procs: int = 1, **kwargs) -> ArraySegmentWriter:
        if procs != 1:
            raise ValueError("searchnews runs its own worker processes (searchnews.index.workers)")
        return ArraySegmentWriter(self, **kwargs)


def create_array_index(path: str, schema) -> ArrayIndex:
    """Create an empty index at ``path`` (an existing folder)."""
    return ArrayIndex.create(FileStorage(path), schema, _DEF_INDEX_NAME)


def open_array_index(path: str) -> ArrayIndex:
    """Open the index at ``path`` (Whoosh's ``open_dir``, with this codec's writers)."""
    return ArrayIndex(FileStorage(path, readonly=False), indexname=_DEF_INDEX_NAME)


# ---------------------------------------------------------------------------
# Whoosh's private attributes that the rest of searchnews needs, in one place (tests/test_codec.py
# checks each against the pinned version).


def term_location(reader, fieldname: str, tbytes: bytes) -> tuple[int, int, int] | None:
    """(first posting, document frequency, first position) of a term in a segment of this codec, or ``None``."""
    try:
        info = reader._terms.term_info(fieldname, tbytes)
    except (TermNotFound, KeyError):
        return None
    return info.post_start, info._df, info.pos_start


def deleted_docnums(reader) -> frozenset[int]:
    """The deleted document numbers of a segment reader (``SegmentReader.segment()._deleted``)."""
    deleted = getattr(reader.segment(), "_deleted", None)
    return frozenset(deleted) if deleted else frozenset()


def expanded_words(q, reader) -> Iterable:
    """The index words a prefix, wildcard, fuzzy or range query stands for in ``reader`` (``MultiTerm._btexts``)."""
    return q._btexts(reader)


def compiled_range(q, reader):
    """The query of terms a numeric or date range stands for (``NumericRange._compile_query``)."""
    return q._compile_query(reader)


def bm25_b(weighting, fieldname: str) -> float:
    """The ``B`` of a field in Whoosh's ``BM25F`` (``BM25F._field_B``, else ``B``)."""
    return weighting._field_B.get(fieldname, weighting.B)


def read_toc(ix):
    """An index's table of contents as of its last commit (``FileIndex._read_toc``)."""
    return ix._read_toc()


def latest_generation(storage, indexname: str = _DEF_INDEX_NAME) -> int:
    """The generation of the newest table of contents in a storage (``TOC._latest_generation``)."""
    from whoosh.index import TOC

    return TOC._latest_generation(storage, indexname)


def index_segments(ix) -> list:
    """An index's segments as of its last commit (``FileIndex._segments``)."""
    return ix._segments()


def finish_segment(writer):
    """Write out a lock-free segment writer's segment and return it, or ``None`` when it holds no document.

    As Whoosh's ``MpWriter`` does (``SegmentWriter._finalize_segment`` / ``_close_segment``): the
    writer is never committed or cancelled, which would delete the temporary folder that every
    writer of the index shares.
    """
    if writer.docnum == 0:
        writer._close_segment()
        return None
    return writer._finalize_segment()


def abandon_segment(writer) -> None:
    """Close a lock-free segment writer without writing its segment (its files are removed as orphans)."""
    writer._close_segment()


def column_numbers(reader, count: int) -> np.ndarray:
    """A segment's numeric column as ``uint64``, read in one piece where Whoosh's layout allows."""
    from whoosh import columns as whoosh_columns

    if isinstance(reader, whoosh_columns.NumericColumn.Reader) and reader._typecode == "Q":
        stored = reader._count  # the writer leaves out the trailing documents without a value
        data = np.frombuffer(reader._dbfile.get(reader._basepos, stored * 8), dtype=">u8").astype(np.uint64) \
            if stored else np.empty(0, dtype=np.uint64)
        if stored >= count:
            return data[:count]
        return np.concatenate([data, np.full(count - stored, reader._default, dtype=np.uint64)])
    return np.fromiter((int(value) for value in reader), dtype=np.uint64, count=count)


def column_texts(reader, count: int) -> list[str | None]:
    """A segment's bytes column as text (``None`` where empty), read in one piece where Whoosh's layout allows."""
    from whoosh import columns as whoosh_columns

    if isinstance(reader, whoosh_columns.VarBytesColumn.Reader):
        lengths = reader._lengths
        blob = reader._dbfile.get(reader._basepos, sum(lengths)) if len(lengths) else b""
        texts: list[str | None] = []
        position = 0
        for length in lengths:
            texts.append(blob[position:position + length].decode("utf-8", "replace") if length else None)
            position += length
        return texts
    return [value.decode("utf-8", "replace") if value else None for value in reader]
