"""Syndicated copies: the same wire story published by several outlets, found with MinHash LSH.

An agency story reaches a corpus many times: each outlet puts its own
headline, promo lines, dateline and trailing paragraph around the same body,
cuts its last paragraphs, changes a few words. This module finds such copies
when an index is built and records which articles tell the same story, so
that search results can show one of them.

Terms:
    shingle
        :data:`SHINGLE_WORDS` consecutive words of a body (words are runs of
        letters and digits, lower-cased and accent-folded). Bodies are
        compared as sets of shingles: one changed word changes only the
        shingles around it.
    signature
        A :class:`datasketch.MinHash` of a body's shingles: :data:`NUM_PERM`
        32-bit values (a numpy array), the same in every process (a fixed
        seed and ``zlib.crc32``, never Python's per-process ``hash()``). The
        share of equal values of two signatures estimates the Jaccard
        similarity of the two bodies. The story table keeps the low 16 bits
        of each value: two different values then look equal once in 65,536,
        which the estimate can ignore, and the table is half the size.
    figures
        The numbers of a body as written ("6-3/16", "1.5", "2000").
    copy
        An article whose body is a near-duplicate of another's: the estimated
        Jaccard similarity is at least :data:`THRESHOLD`, and their figures
        agree (:data:`FIGURES_AGREE`), which sets apart the templated reports
        that news wires repeat with new figures ("The Federal Reserve entered
        the U.S. Government securities market to arrange 1.5 billion dlrs of
        customer repurchase agreements..."). Bodies of fewer than
        :data:`MIN_WORDS` words have no signature and are never copies.
    band
        A slice of :data:`ROWS` values of a signature; there are
        :data:`BANDS`, the parameters datasketch's ``MinHashLSH`` chooses for
        the threshold. Two signatures with one equal band are *candidates*,
        and a candidate is checked to be a copy. A sync looks candidates up in
        the sorted band keys of every signature of the table (an LSH index in
        numpy arrays, made again by each sync that has something to compute).
    story
        A set of copies, linked by single link: a new article joins the story
        of its copies, and when they are in several stories, these merge;
        but a story never holds two articles whose figures disagree (so a
        report with few figures cannot chain the reports of other days).
        The story key is the id of one member (the first added), stable as
        members are added; when members leave, the rest is linked again and
        may split, each part keyed by one of its members.
    story table
        ``searchnews-stories.sqlite`` (:data:`STORIES_NAME`) in the index
        folder: one row per article of the index (id, story key, signature,
        figures). It is derived data: :meth:`StoryTable.sync` makes it match
        the index and computes what is missing, so a crash or Ctrl-C costs
        only the work in progress. A missing table means "no copies known".
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from whoosh.support.charset import accent_map

from ..errors import IndexNotWritable
from . import schema as S

if TYPE_CHECKING:
    import numpy as np

# numpy and datasketch are imported where they are needed: opening the table to collapse
# search results should not pay for them (importing datasketch loads scipy: about a second).

__all__ = [
    "BANDS",
    "FIGURES_AGREE",
    "MIN_WORDS",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_WORDS",
    "STORIES_NAME",
    "THRESHOLD",
    "StoryTable",
    "SyncReport",
    "band_keys",
    "figures",
    "figures_agree",
    "shingle_hashes",
    "signature",
    "similarity",
    "words",
]

log = logging.getLogger(__name__)

# -- the heuristics, as data (chosen with benchmarks/bench_duplicates.py) -------------------------

#: Words per shingle. Five: two reports on the same topic share almost no shingle, and
#: templated reports fewer than with 3 or 4 words; copies keep enough of theirs.
SHINGLE_WORDS = 5
#: Values per signature (the estimate's standard error is about 0.04 at the threshold).
NUM_PERM = 128
#: Estimated Jaccard similarity from which two bodies are copies. Low, because a copy cut by
#: its last paragraphs, with a sentence added and a few words changed, keeps only part of the
#: original's shingles; unrelated articles stay near 0, and what passes by accident is
#: templated text, which :data:`FIGURES_AGREE` sets apart.
THRESHOLD = 0.3
#: Bodies with fewer words have no signature and are never copies.
MIN_WORDS = 25
#: When both bodies hold figures, at least this share of the smaller set must be in the other.
FIGURES_AGREE = 0.6
#: The seed of the MinHash permutations (changing it invalidates every stored signature).
SEED = 1
#: LSH bands and values per band: ``datasketch.lsh._optimal_param(THRESHOLD, NUM_PERM,
#: *LSH_WEIGHTS)`` (a test checks it). A missed copy costs more than a candidate checked: a
#: pair at the threshold is a candidate with probability 0.68, at 0.4 with 0.94, at 0.1 with 0.04.
BANDS, ROWS = 42, 3
LSH_WEIGHTS = (0.3, 0.7)

#: The story table, in the index folder.
STORIES_NAME = "searchnews-stories.sqlite"
#: Articles per transaction of :meth:`StoryTable.sync`: what Ctrl-C or a kill can cost.
SYNC_BATCH = 1000
#: Seconds a reader (or the writer) waits for a lock held by another connection.
BUSY_TIMEOUT = 10.0

#: The table layout (``PRAGMA user_version``): the writer drops a table of another layout.
_LAYOUT = 1
#: Everything a stored row depends on: a table made with other values is computed again.
_SCHEME = (f"words=w+lower-fold;shingle={SHINGLE_WORDS};perm={NUM_PERM};seed={SEED};"
           f"minhash=affine32,word-crc32,fnv-combine;stored=u16;min_words={MIN_WORDS};"
           f"threshold={THRESHOLD};figures={FIGURES_AGREE}")
_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # number: the order of arrival (the first member keys a story); signature NULL: never a copy
    # shared: 1 when the story has other members (what story_map() reads, through a small index)
    """CREATE TABLE IF NOT EXISTS articles (number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                                           story TEXT NOT NULL, signature BLOB, figures TEXT,
                                           shared INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS articles_story ON articles (story)",
    "CREATE INDEX IF NOT EXISTS articles_shared ON articles (id, story) WHERE shared",
    # the document numbers of the shared articles in the index version of meta 'docs_state', so that
    # a query maps its hits to stories without looking every id up in the index
    "CREATE TABLE IF NOT EXISTS shared_docs (docnum INTEGER PRIMARY KEY, story TEXT NOT NULL)",
)

#: The columns of a table of this layout (a table with other columns is made again, as another layout).
_COLUMNS = {"number", "id", "story", "signature", "figures", "shared"}

_WORD = re.compile(r"\w+")
_FIGURE = re.compile(r"\d+(?:[.,/-]\d+)*")
#: The multiplier that combines the word hashes of a shingle (the 64-bit FNV prime).
_SHINGLE_PRIME = 1099511628211
#: A sync that adds at most this many articles scans the band keys instead of sorting them.
_SCAN_MAX = 5000
#: SQLite allows 32,766 parameters per statement; lists of ids are sent in chunks.
_CHUNK = 900

Progress = Callable[[int, int, str], None]


# -- signatures and figures ------------------------------------------------------------------


def words(body: str) -> list[str]:
    """The words of a body, lower-cased and accent-folded ("Café" gives "cafe")."""
    body = body.lower()
    if not body.isascii():
        body = body.translate(accent_map)
    return _WORD.findall(body)


def shingle_hashes(found: list[str]) -> np.ndarray:
    """A 32-bit hash of each shingle of ``found`` (a list of words), the same in every process.

    Each word is hashed (``zlib.crc32`` of its UTF-8 bytes, remembered) and the
    hashes of a shingle's words are combined with numpy (a polynomial modulo
    2**64, folded to 32 bits): a third faster than hashing each shingle's text.
    """
    import numpy as np

    codes = np.fromiter(map(_WORD_HASHES.__getitem__, found), dtype=np.uint64, count=len(found))
    count = len(found) - SHINGLE_WORDS + 1
    hashes = codes[:count].copy()
    with np.errstate(over="ignore"):
        for offset in range(1, SHINGLE_WORDS):
            hashes = hashes * np.uint64(_SHINGLE_PRIME) + codes[offset:offset + count]
    hashes ^= hashes >> np.uint64(32)
    return (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)


class _WordHashes(dict):
    """``zlib.crc32`` of words' UTF-8 bytes, remembered (up to 200,000 words, some 30 MB: news vocabulary repeats)."""

    def __missing__(self, word: str) -> int:
        value = zlib.crc32(word.encode("utf-8"))
        if len(self) < 200_000:
            self[word] = value
        return value


_WORD_HASHES = _WordHashes()


@functools.cache
def _permutations():
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations


def signature(body: str) -> np.ndarray | None:
    """The signature of a body (:data:`NUM_PERM` uint32 values), or ``None`` when it is too short.

    A :class:`datasketch.MinHash` (``affine32`` scheme, seed :data:`SEED`)
    updated with the :func:`shingle_hashes` of the body's :func:`words`
    (already 32-bit hashes, so MinHash's own hash function is ``int``).
    """
    from datasketch import MinHash

    found = words(body)
    if len(found) < max(MIN_WORDS, SHINGLE_WORDS):
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, permutations=_permutations(), scheme="affine32")
    minhash.update_batch(shingle_hashes(found).tolist())
    return minhash.hashvalues


def body_row(body: str) -> tuple[int, np.ndarray | None, frozenset[str]]:
    """What the story table keeps of a body, worked out where the body is cleaned (in a worker process).

    A checksum of the body (so that :meth:`StoryTable.sync` can tell it is
    the body it finds in the index), the stored signature (``None`` when the
    body is too short) and the figures.
    """
    sig = signature(body)
    return _checksum(body), None if sig is None else _stored(sig), figures(body)


def _checksum(body: str) -> int:
    return zlib.crc32(body.encode("utf-8", "surrogatepass"))


def similarity(first: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of signature ``first`` with each row of ``others``."""
    return (others == first).mean(axis=-1)


def figures(body: str) -> frozenset[str]:
    """The figures of a body as written, thousands separators aside ("2,000" gives "2000")."""
    return frozenset(found.replace(",", "") for found in _FIGURE.findall(body))


def figures_agree(first: frozenset[str], second: frozenset[str]) -> bool:
    """False when both bodies hold figures and too few of them match (see :data:`FIGURES_AGREE`)."""
    if not first or not second:
        return True
    return len(first & second) >= FIGURES_AGREE * min(len(first), len(second))


def _figures_from(text: str | None) -> frozenset[str]:
    return frozenset(text.split()) if text else frozenset()


def _stored(sig: np.ndarray) -> np.ndarray:
    """The values the table keeps: the low 16 bits of each."""
    import numpy as np

    return np.asarray(sig).astype(np.uint16)


def _from_blobs(blobs: list[bytes]) -> np.ndarray:
    import numpy as np

    return np.frombuffer(b"".join(blobs), dtype="<u2").reshape(len(blobs), NUM_PERM)


@functools.cache
def _band_multipliers() -> np.ndarray:
    import numpy as np

    generator = np.random.RandomState(SEED)
    return generator.randint(0, 1 << 62, size=(BANDS, ROWS), dtype=np.uint64) * np.uint64(2) + np.uint64(1)


#: Signatures turned into band keys at a time (bounds the memory of a sync of a big index).
BAND_CHUNK = 20_000


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """One 64-bit key per band of each signature: ``(n, BANDS)`` int64.

    A band's values are combined with odd random multipliers, different in
    each band, so equal slices in different bands have different keys.
    """
    import numpy as np

    signatures = np.asarray(signatures).reshape(-1, NUM_PERM)
    keys = np.empty((len(signatures), BANDS), dtype=np.uint64)
    multipliers = _band_multipliers()
    # A chunk of signatures at a time: as 64-bit values a million signatures would take gigabytes.
    for start in range(0, len(signatures), BAND_CHUNK):
        values = signatures[start:start + BAND_CHUNK, :BANDS * ROWS].reshape(-1, BANDS, ROWS).astype(np.uint64)
        with np.errstate(over="ignore"):
            chunk = (values * multipliers).sum(axis=2, dtype=np.uint64)
            chunk ^= chunk >> np.uint64(31)
        keys[start:start + BAND_CHUNK] = chunk
    return keys.view(np.int64)


#: Runs of band keys added since the main part was sorted, before they are merged into one.
MAX_RUNS = 8


class _Bands:
    """The band keys of stored signatures, to look up candidates: an LSH index in numpy arrays.

    The keys of the table's articles are the main part. With ``sort=True``
    it is sorted once and each lookup is a binary search (a sync that adds
    many articles); otherwise each lookup sorts the few keys looked up and
    scans the main part (a sync that adds a few: no sort of millions of
    keys). Keys added during the sync go into small sorted runs, merged
    together past :data:`MAX_RUNS` and into a sorted main part once they hold
    a quarter as many keys: each key is copied a logarithmic number of
    times, not once per batch (inserting into the sorted arrays copied them
    whole for every batch of a million-article sync).
    """

    def __init__(self, numbers: np.ndarray, keys: np.ndarray, *, sort: bool) -> None:
        """``numbers`` of the articles and the :func:`band_keys` of their signatures."""
        import numpy as np

        keys = np.asarray(keys).ravel()
        numbers = np.repeat(np.asarray(numbers, dtype=np.int64), BANDS)
        self._sorted = sort
        if sort:
            order = np.argsort(keys, kind="stable")
            keys, numbers = keys[order], numbers[order]
        self._keys = keys
        self._numbers = numbers
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    @staticmethod
    def _sorted_hits(keys: np.ndarray, numbers: np.ndarray, wanted: np.ndarray, order: np.ndarray) -> np.ndarray:
        """``row << 32 | number`` for each looked-up key (``wanted``, sorted) found in sorted ``keys``."""
        import numpy as np

        low = np.searchsorted(keys, wanted, "left")
        high = np.searchsorted(keys, wanted, "right")
        hits = np.flatnonzero(high > low)
        if not len(hits):
            return np.zeros(0, dtype=np.int64)
        counts = (high - low)[hits]
        rows = np.repeat(order[hits] // BANDS, counts)
        firsts = np.cumsum(counts) - counts
        where = np.repeat(low[hits] - firsts, counts) + np.arange(int(counts.sum()))
        return (rows.astype(np.int64) << 32) | numbers[where].astype(np.int64)

    @staticmethod
    def _scanned_hits(keys: np.ndarray, numbers: np.ndarray, wanted: np.ndarray, order: np.ndarray) -> np.ndarray:
        """The same for unsorted ``keys``: each of them looked up among the few wanted."""
        import numpy as np

        if not len(wanted) or not len(keys):
            return np.zeros(0, dtype=np.int64)
        at = np.minimum(np.searchsorted(wanted, keys), len(wanted) - 1)
        hits = np.flatnonzero(wanted[at] == keys)
        low = np.searchsorted(wanted, keys[hits], "left")
        high = np.searchsorted(wanted, keys[hits], "right")
        counts = high - low
        firsts = np.cumsum(counts) - counts
        positions = np.repeat(low - firsts, counts) + np.arange(int(counts.sum()))
        rows = order[positions] // BANDS
        return (rows.astype(np.int64) << 32) | np.repeat(numbers[hits], counts).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> list[set[int]]:
        """For each row of band keys (one signature's), the article numbers that share one."""
        import numpy as np

        found: list[set[int]] = [set() for _ in range(len(keys))]
        flat = keys.ravel()
        order = np.argsort(flat)
        wanted = flat[order]
        main = self._sorted_hits if self._sorted else self._scanned_hits
        parts = [main(self._keys, self._numbers, wanted, order)]
        parts += [self._sorted_hits(run_keys, run_numbers, wanted, order) for run_keys, run_numbers in self._runs]
        pairs = np.unique(np.concatenate(parts))
        for row, number in zip((pairs >> 32).tolist(), (pairs & 0xFFFFFFFF).tolist(), strict=True):
            found[row].add(number)
        return found

    def add(self, keys: np.ndarray, numbers: list[int]) -> None:
        """Add the band keys of new articles."""
        import numpy as np

        flat = keys.ravel()
        repeated = np.repeat(np.asarray(numbers, dtype=np.int64), BANDS)
        order = np.argsort(flat, kind="stable")
        self._runs.append((flat[order], repeated[order]))
        added = sum(len(run_keys) for run_keys, _ in self._runs)
        if self._sorted and added * 4 >= len(self._keys):
            self._runs.append((self._keys, self._numbers))
            self._keys, self._numbers = self._merged()
            self._runs = []
        elif len(self._runs) > MAX_RUNS:
            self._runs = [self._merged()]

    def _merged(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        keys = np.concatenate([run_keys for run_keys, _ in self._runs])
        numbers = np.concatenate([run_numbers for _, run_numbers in self._runs])
        order = np.argsort(keys, kind="stable")
        return keys[order], numbers[order]


def _shared_bands(keys: np.ndarray) -> list[list[int]]:
    """For each row of band keys, the earlier rows that share a key with it (copies in one batch)."""
    import numpy as np

    earlier: list[set[int]] = [set() for _ in range(len(keys))]
    flat = keys.ravel()
    _unique, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
    rows_of: dict[int, list[int]] = {}
    for at in np.flatnonzero(counts[inverse] > 1).tolist():
        rows_of.setdefault(int(flat[at]), []).append(at // BANDS)
    for rows in rows_of.values():
        for position, row in enumerate(rows):
            earlier[row].update(other for other in rows[:position] if other != row)
    return [sorted(rows) for rows in earlier]


# -- the index side ---------------------------------------------------------------------------


def _docnums(leaf, text: bytes, info) -> Iterator[int]:
    """The live documents of a segment with this id (one: the term's first, unless deleted)."""
    if info.doc_frequency() == 1:
        docnum = info.min_id()
        if not leaf.is_deleted(docnum):
            yield docnum
    else:  # the id in several documents of the segment, all but one deleted
        yield from leaf.postings(S.ID, text).all_ids()


def _array_ids(leaf) -> Iterator[tuple[str, int]]:
    """(id, document number) of each live document of a segment of the array codec, from its arrays, or nothing.

    Raises ``LookupError`` for a segment of another codec (read through Whoosh then).
    """
    from .codec import ArraySegment, deleted_docnums, field_arrays

    if not isinstance(leaf.segment(), ArraySegment):
        raise LookupError("not an array segment")
    arrays = field_arrays(leaf, S.ID)
    if arrays.df is None:
        return
    import numpy as np

    terms = arrays.terms()
    owners = np.repeat(np.arange(len(terms)), arrays.df).tolist()
    deleted = deleted_docnums(leaf)
    for owner, docnum in zip(owners, arrays.docs.tolist(), strict=True):
        if docnum not in deleted:
            yield terms[owner].decode("utf-8"), docnum


def _index_ids(searcher) -> set[str]:
    """Every live article id of the index, read from the terms of the ``id`` field (fast)."""
    ids: set[str] = set()
    for leaf, _offset in searcher.reader().leaf_readers():
        if not leaf.doc_count():
            continue
        try:
            ids.update(article_id for article_id, _docnum in _array_ids(leaf))
            continue
        except LookupError:
            pass
        field = leaf.schema[S.ID]
        if not leaf.has_deletions():
            ids.update(field.from_bytes(text) for text in leaf.lexicon(S.ID))
            continue
        for text, info in leaf.iter_field(S.ID):
            if any(True for _docnum in _docnums(leaf, text, info)):
                ids.add(field.from_bytes(text))
    return ids


def _locate(searcher, wanted: set[str]) -> list[tuple[str, object, int]]:
    """``(id, segment reader, document number)`` of each wanted id, in index order."""
    reader = searcher.reader()
    bulk = len(wanted) * 8 > reader.doc_count_all()  # reading the whole lexicon is then cheaper
    found: dict[str, tuple[int, object, int]] = {}
    for leaf, offset in reader.leaf_readers():
        if not leaf.doc_count():
            continue
        field = leaf.schema[S.ID]
        if bulk:
            try:
                for article_id, docnum in _array_ids(leaf):
                    if article_id in wanted:
                        found[article_id] = (offset + docnum, leaf, docnum)
                continue
            except LookupError:
                pass
            terms = ((field.from_bytes(text), text, info) for text, info in leaf.iter_field(S.ID))
        else:
            terms = ((article_id, field.to_bytes(article_id), leaf.term_info(S.ID, article_id))
                     for article_id in wanted if (S.ID, article_id) in leaf)
        for article_id, text, info in terms:
            if article_id in wanted:
                for docnum in _docnums(leaf, text, info):
                    found[article_id] = (offset + docnum, leaf, docnum)
    return [(article_id, leaf, docnum) for article_id, (_order, leaf, docnum)
            in sorted(found.items(), key=lambda item: item[1][0])]


def docnums_of(searcher, ids: set[str]) -> dict[str, int]:
    """The (global) document numbers of the live articles with these ids, found from the id terms in bulk."""
    offsets = {id(leaf): offset for leaf, offset in searcher.reader().leaf_readers()}
    return {article_id: offsets[id(leaf)] + docnum for article_id, leaf, docnum in _locate(searcher, ids)}


def index_state(searcher) -> str:
    """A fingerprint of the index version a searcher reads: generation, segments and their deletions."""
    reader = searcher.reader()
    parts = [str(reader.generation())]
    for leaf, _offset in reader.leaf_readers():
        segment = leaf.segment()
        parts.append(f"{segment.segment_id() if segment else '-'}/{leaf.doc_count_all()}/{leaf.doc_count()}")
    return " ".join(parts)


# -- the story table ---------------------------------------------------------------------------

_SQLITE_ERRNO = {
    13: (errno.ENOSPC, "No space left on device"),  # SQLITE_FULL
    8: (errno.EACCES, "Permission denied"),  # SQLITE_READONLY
    14: (errno.EACCES, "Permission denied"),  # SQLITE_CANTOPEN
    3: (errno.EPERM, "Operation not permitted"),  # SQLITE_PERM
    5: (errno.EBUSY, "the story table is locked by another process"),  # SQLITE_BUSY
    6: (errno.EBUSY, "the story table is locked by another process"),  # SQLITE_LOCKED
}
#: SQLITE_IOERR_WRITE: SQLite reports a full disk as SQLITE_FULL, a file-size limit or quota as this.
_WRITE_FAILED = (778, (errno.ENOSPC, "a write to the story table failed: the disk may be full"))
_CORRUPT = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
#: SQLITE_READONLY_ROLLBACK: a read-only connection found a hot journal (a writer died mid-transaction).
_HOT_JOURNAL = 776


def _roll_back_hot_journal(path: str) -> bool:
    """Roll back the transaction a dead writer left in the table's journal; False when it cannot be done here.

    Any read-write connection does this at its first read, and only when no
    live connection holds the write lock (SQLite's definition of a *hot*
    journal), so it cannot undo the work of a writer still running. A
    read-only connection cannot, and fails instead: readers call this once
    and try again. It needs write access to the folder (else the table stays
    unreadable until the next ``index`` run, which rolls it back itself).
    """
    uri = "file:" + path.replace("?", "%3f").replace("#", "%23") + "?mode=rw"
    try:
        db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        log.debug("story table %s: the journal a writer left cannot be rolled back (%s)", path, exc)
        return False
    log.info("story table %s: rolled back the transaction an interrupted writer left", path)
    return True


def _is_hot_journal(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) == _HOT_JOURNAL


def _os_error(exc: sqlite3.Error, path: str) -> OSError:
    """The :class:`OSError` for a failed write to the table, as the rest of indexing raises."""
    code = getattr(exc, "sqlite_errorcode", 0)
    if code == _WRITE_FAILED[0]:
        number, text = _WRITE_FAILED[1]
    else:
        number, text = _SQLITE_ERRNO.get(code & 0xFF, (errno.EIO, f"story table error: {exc}"))
    return OSError(number, text, path)


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass(frozen=True)
class SyncReport:
    """What one :meth:`StoryTable.sync` did.

    ``computed`` counts the articles given a row (with a signature when long
    enough), ``removed`` the rows of articles no longer in the index,
    ``copies_found`` the new articles found to be copies, ``seconds`` the time.
    """

    computed: int = 0
    removed: int = 0
    copies_found: int = 0
    seconds: float = 0.0


class StoryTable:
    """The story table of an index folder (see the module's terms).

    Open it with :meth:`open`; ``readonly=True`` for readers (queries): they
    work in a read-only folder, wait for a writer's commit instead of
    failing, and see an empty table when the file is missing or unreadable.
    The writer (an index run, holding the index's lock) uses the default;
    its methods raise :class:`OSError` when the file cannot be written.
    One object per thread: SQLite connections are not shared.
    """

    def __init__(self, path: str, connection: sqlite3.Connection | None, *, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._db = connection

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, index_dir: str | os.PathLike[str], *, readonly: bool = False) -> StoryTable:
        """The story table of the index at ``index_dir`` (created when writable and missing)."""
        path = os.path.join(os.fspath(index_dir), STORIES_NAME)
        if readonly:
            return cls(path, cls._connect_reader(path), readonly=True)
        if os.path.isdir(path):
            raise IndexNotWritable(f"{path} is a folder, where the story table (a file) belongs; "
                                   f"move it out of the index folder")
        try:
            db = cls._connect_writer(path)
        except sqlite3.DatabaseError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _CORRUPT:
                raise _os_error(exc, path) from None
            log.warning("story table %s is damaged (%s); it is made again", path, exc)
            for name in (path, f"{path}-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(name)
            try:
                db = cls._connect_writer(path)
            except sqlite3.Error as again:
                raise _os_error(again, path) from None
        return cls(path, db, readonly=False)

    @staticmethod
    def _connect_reader(path: str) -> sqlite3.Connection | None:
        if not os.path.exists(path):
            return None
        db = None
        uri = "file:" + path.replace("?", "%3f").replace("#", "%23") + "?mode=ro"
        try:
            try:
                db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
                version = db.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.Error as exc:
                if db is None or not _is_hot_journal(exc) or not _roll_back_hot_journal(path):
                    raise
                version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            log.warning("story table %s cannot be read (%s); no copies are known", path, exc)
            if db is not None:
                db.close()
            return None
        if version != _LAYOUT:
            log.info("story table %s has layout %s, not %s; no copies are known", path, version, _LAYOUT)
            db.close()
            return None
        return db

    @staticmethod
    def _connect_writer(path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            # A rollback journal, not WAL: readers then need no file of their own (read-only folders).
            db.execute("PRAGMA journal_mode=DELETE")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            db.execute("BEGIN IMMEDIATE")
            columns = {row[1] for row in db.execute("PRAGMA table_info(articles)").fetchall()}
            if version not in (0, _LAYOUT) or (columns and columns != _COLUMNS):
                log.info("story table %s has layout %s; it is made again", path, version)
                for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    db.execute(f'DROP TABLE IF EXISTS "{table}"')
            for statement in _TABLES:
                db.execute(statement)
            row = db.execute("SELECT value FROM meta WHERE name = 'scheme'").fetchone()
            if row is None or row[0] != _SCHEME:
                if row is not None:
                    log.info("story table %s was made with other settings; every signature is computed again",
                             path)
                db.execute("DELETE FROM articles")
                db.execute("DELETE FROM meta")
                db.execute("INSERT INTO meta (name, value) VALUES ('scheme', ?)", (_SCHEME,))
            db.execute(f"PRAGMA user_version = {_LAYOUT}")
            db.execute("COMMIT")
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        """Close the connection (a transaction in progress is rolled back)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> StoryTable:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------
    def _read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        if self._db is None:
            return []
        try:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:  # a writer died since this reader opened the table
                if not (self.readonly and _is_hot_journal(exc) and _roll_back_hot_journal(self.path)):
                    raise
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            if not self.readonly:
                raise _os_error(exc, self.path) from None
            log.warning("story table %s cannot be read (%s); no copies are known", self.path, exc)
            return []

    def count(self) -> int:
        """The number of articles in the table (every article of a synced index has a row)."""
        rows = self._read("SELECT count(*) FROM articles")
        return rows[0][0] if rows else 0

    def story_map(self) -> dict[str, str]:
        """Article id -> story key, for the articles of stories of two or more."""
        return dict(self._read("SELECT id, story FROM articles WHERE shared"))

    def story_docs(self, searcher) -> dict[int, str] | None:
        """Document number -> story key of the shared articles, if saved for the index version ``searcher`` reads.

        The last sync saves them; ``None`` when the index changed since (the
        caller then looks the ids up: :func:`docnums_of`).
        """
        if self._read("SELECT value FROM meta WHERE name = 'docs_state'") != [(index_state(searcher),)]:
            return None
        return dict(self._read("SELECT docnum, story FROM shared_docs"))

    def copies(self, article_id: str) -> tuple[str, ...]:
        """The other articles of the story of ``article_id``, in order of arrival (empty when none)."""
        rows = self._read("""
            SELECT id FROM articles
            WHERE story = (SELECT story FROM articles WHERE id = ?) AND id != ?
            ORDER BY number
        """, (article_id, article_id))
        return tuple(row[0] for row in rows)

    # -- writing -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.readonly or self._db is None:
            raise IndexNotWritable(f"the story table {self.path} is open read-only")
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _os_error(exc, self.path) from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _os_error(exc, self.path) from None
            raise

    def clear(self) -> None:
        """Delete every row (a new, empty index reuses no signature)."""
        with self._transaction() as db:
            db.execute("DELETE FROM articles")
            db.execute("DELETE FROM meta WHERE name = 'synced'")

    def forget(self, ids: Iterable[str]) -> int:
        """Delete the rows of these ids, whose articles are about to change; returns how many.

        Called before the index changes: an article without a row gets a new
        signature at the next :meth:`sync`, so a crash in between never
        leaves a stale one. The rest of each story they were in is linked
        again (and may split).
        """
        ids = list(dict.fromkeys(ids))
        removed = 0
        for chunk in _chunks(ids, SYNC_BATCH):
            with self._transaction() as db:
                db.execute("DELETE FROM meta WHERE name = 'synced'")
                removed += self._delete(db, chunk)
        return removed

    def _delete(self, db: sqlite3.Connection, ids: list[str]) -> int:
        rows: list[tuple] = []
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            rows += db.execute(f"SELECT number, story FROM articles WHERE id IN ({marks})", chunk).fetchall()
        db.executemany("DELETE FROM articles WHERE number = ?", ((number,) for number, _story in rows))
        for story in {story for _number, story in rows}:
            self._relink(db, story)
        return len(rows)

    def _relink(self, db: sqlite3.Connection, story: str) -> None:
        """After members of ``story`` left: split it into the parts that still link, each keyed by a member."""
        members = db.execute("SELECT number, id, signature, figures FROM articles WHERE story = ? ORDER BY number",
                             (story,)).fetchall()
        if not members:
            return
        ids = [member_id for _number, member_id, _blob, _text in members]
        groups = [[0]]
        if len(members) > 1:  # the members of a story of two or more all have a signature
            sigs = _from_blobs([blob for _number, _id, blob, _text in members])
            found = [_figures_from(text) for _number, _id, _blob, text in members]
            parent = list(range(len(members)))

            def root(i: int) -> int:
                while parent[i] != i:
                    parent[i] = parent[parent[i]]
                    i = parent[i]
                return i

            for i in range(len(members) - 1):
                for j in (similarity(sigs[i], sigs[i + 1:]) >= THRESHOLD).nonzero()[0].tolist():
                    if figures_agree(found[i], found[i + 1 + j]):
                        first, second = root(i), root(i + 1 + j)
                        parent[max(first, second)] = min(first, second)
            parts: dict[int, list[int]] = {}
            for i in range(len(members)):
                parts.setdefault(root(i), []).append(i)
            groups = list(parts.values())
        for group in groups:
            names = [ids[i] for i in group]
            key = story if story in names else names[0]
            db.executemany("UPDATE articles SET story = ?, shared = ? WHERE number = ?",
                           ((key, len(group) > 1, members[i][0]) for i in group))

    def sync(self, searcher, *, progress: Progress | None = None,
             rows: Mapping[str, tuple] = MappingProxyType({})) -> SyncReport:
        """Make the table match the index that ``searcher`` reads; returns what it did.

        Stages:
            1. compare: if the index is the version of the last complete
               sync, stop; else list the live ids of the index (from its
               terms) and the ids of the table;
            2. delete the rows of ids no longer in the index;
            3. for the ids without a row, in index order and in batches of
               :data:`SYNC_BATCH` (one transaction each): compute the
               signature of the stored body, look up candidates by band
               (among the table and the articles added before in this
               sync), keep the copies, and join (or merge) their stories.
        ``progress(done, total, article_id)`` is called after each signature.
        ``rows`` maps article ids to their :func:`body_row`, computed by the
        worker processes that indexed them; a row is used when its checksum
        matches the body in the index, and computed here otherwise.
        On ``KeyboardInterrupt`` (or a kill) the batch in progress is rolled
        back; the batches before it are kept, and the next sync goes on.
        """
        started = time.perf_counter()
        if self.readonly or self._db is None:
            raise IndexNotWritable(f"the story table {self.path} is open read-only")
        # 1. compare (a table that fails its checks is made again: its "synced" mark is not trusted)
        state = index_state(searcher)
        problem = self.verify()
        if problem:
            log.warning("story table %s is inconsistent (%s); it is made again", self.path, problem)
            with self._transaction() as db:
                db.execute("DELETE FROM articles")
                db.execute("DELETE FROM shared_docs")
                db.execute("DELETE FROM meta WHERE name IN ('synced', 'docs_state')")
        elif (self._read("SELECT value FROM meta WHERE name IN ('synced', 'docs_state')") == [(state,), (state,)]
              and self.count() == searcher.doc_count()):
            return SyncReport(seconds=time.perf_counter() - started)
        live = _index_ids(searcher)
        known = {row[0] for row in self._read("SELECT id FROM articles")}
        # 2. removals
        removed = 0
        for chunk in _chunks(sorted(known - live), SYNC_BATCH):
            with self._transaction() as db:
                removed += self._delete(db, chunk)
        # 3. additions
        todo = _locate(searcher, live - known)
        computed = copies = 0
        bands = self._bands(sort=len(todo) > _SCAN_MAX) if todo else None
        for chunk in _chunks(todo, SYNC_BATCH):
            batch = []
            for article_id, leaf, docnum in chunk:
                body = leaf.stored_fields(docnum).get(S.BODY) or ""
                row = rows.get(article_id)
                if row is None or row[0] != _checksum(body):
                    row = body_row(body)
                _, stored, found_figures = row
                batch.append((article_id, stored, frozenset() if stored is None else found_figures))
                computed += 1
                if progress:
                    progress(computed, len(todo), article_id)
            with self._transaction() as db:
                found, keys, numbers = self._add(db, bands, batch)
            bands.add(keys, numbers)
            copies += found
        stories = self.story_map()
        shared = docnums_of(searcher, set(stories))
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('synced', ?)", (state,))
            db.execute("DELETE FROM shared_docs")
            db.executemany("INSERT INTO shared_docs (docnum, story) VALUES (?, ?)",
                           ((docnum, stories[article_id]) for article_id, docnum in shared.items()))
            db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('docs_state', ?)", (state,))
        report = SyncReport(computed=computed, removed=removed, copies_found=copies,
                            seconds=time.perf_counter() - started)
        if computed or removed:
            log.info("story table %s: %d articles added (%d copies), %d removed in %.1f s",
                     self.path, computed, copies, removed, report.seconds)
        return report

    def verify(self) -> str | None:
        """What is wrong with the table's rows, or ``None`` when they pass these checks.

        Every story key is the id of a member; ``shared`` is set exactly on
        the members of stories of two or more; every signature has
        :data:`NUM_PERM` values; the saved document numbers are those of the
        shared articles. (Checks that read the table's indexes, not a row at a
        time.) A table altered by hand, or by a bug, fails them.
        """
        checks = (
            ("a story key that is no member's id",
             "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM articles b WHERE b.id = a.story)"),
            ("signatures of the wrong size",
             f"SELECT count(*) FROM articles WHERE signature IS NOT NULL AND length(signature) != {NUM_PERM * 2}"),
            ("members of stories of one marked as shared, or the reverse",
             """SELECT count(*) FROM articles a WHERE a.shared != EXISTS (
                    SELECT 1 FROM articles b WHERE b.story = a.story AND b.number != a.number)"""),
            ("shared articles without a signature", "SELECT count(*) FROM articles WHERE shared AND signature IS NULL"),
        )
        for what, sql in checks:
            rows = self._read(sql)
            if rows and rows[0][0]:
                return f"{rows[0][0]:,} {what}"
        shared = self._read("SELECT count(*) FROM articles WHERE shared")
        saved = self._read("SELECT count(*) FROM shared_docs")
        if self._read("SELECT value FROM meta WHERE name = 'docs_state'") and shared != saved:
            return "the saved document numbers are not those of the shared articles"
        return None

    def _bands(self, *, sort: bool) -> _Bands:
        import numpy as np

        # Read a chunk at a time: the signatures of a million articles, as Python objects, would not fit.
        numbers_parts, key_parts = [np.zeros(0, dtype=np.int64)], [np.zeros((0, BANDS), dtype=np.int64)]
        last = -1
        while True:
            rows = self._read("SELECT number, signature FROM articles WHERE signature IS NOT NULL AND number > ? "
                              "ORDER BY number LIMIT ?", (last, BAND_CHUNK))
            if not rows:
                break
            numbers_parts.append(np.array([number for number, _blob in rows], dtype=np.int64))
            key_parts.append(band_keys(_from_blobs([blob for _number, blob in rows])))
            last = rows[-1][0]
        return _Bands(np.concatenate(numbers_parts), np.concatenate(key_parts), sort=sort)

    def _add(self, db: sqlite3.Connection, bands: _Bands,
             batch: list[tuple[str, np.ndarray | None, frozenset[str]]]) -> tuple[int, np.ndarray, list[int]]:
        """Insert the rows of new articles, each joining the story of its copies.

        Returns the number of copies found, and the band keys and numbers of
        the new signatures, for :meth:`_Bands.add` once the batch is committed.
        """
        import numpy as np

        signed = [(article_id, sig, found) for article_id, sig, found in batch if sig is not None]
        for article_id, sig, _found in batch:
            if sig is None:
                db.execute("INSERT INTO articles (id, story) VALUES (?, ?)", (article_id, article_id))
        keys = band_keys(np.array([sig for _id, sig, _found in signed])) if signed else np.empty((0, BANDS))
        in_table = bands.lookup(keys)
        in_batch = _shared_bands(keys)
        numbers: list[int] = []
        copies = 0
        for row, (article_id, sig, found) in enumerate(signed):
            candidates = sorted(in_table[row].union(numbers[other] for other in in_batch[row]))
            story = article_id
            if candidates:
                rows: list[tuple] = []
                for chunk in _chunks(candidates):
                    marks = ",".join("?" * len(chunk))
                    rows += db.execute(f"SELECT story, signature, figures FROM articles WHERE number IN ({marks})",
                                       chunk).fetchall()
                scores = similarity(sig, _from_blobs([blob for _story, blob, _text in rows])).tolist()
                matched: dict[str, float] = {}
                for (other, _blob, text), score in zip(rows, scores, strict=True):
                    if score >= THRESHOLD and figures_agree(found, _figures_from(text)):
                        matched[other] = max(score, matched.get(other, 0.0))
                joined = self._join(db, found, matched) if matched else None
                if joined is not None:
                    copies += 1
                    story = joined
            cursor = db.execute("INSERT INTO articles (id, story, signature, figures, shared) VALUES (?, ?, ?, ?, ?)",
                                (article_id, story, sig.astype("<u2").tobytes(), " ".join(sorted(found)) or None,
                                 story != article_id))
            if story != article_id:
                db.execute("UPDATE articles SET shared = 1 WHERE story = ? AND NOT shared", (story,))
            numbers.append(cursor.lastrowid)
        return copies, keys, numbers

    @staticmethod
    def _join(db: sqlite3.Connection, found: frozenset[str], matched: dict[str, float]) -> str | None:
        """The story a new copy joins, given the stories of its copies and the best score in each.

        It joins the story of its best copy; another story of a copy merges
        in (the story whose key arrived first keeps it). A story never holds
        two articles whose figures disagree: a story in which one member's
        figures disagree with the new article's (or, to merge, with a
        member's of the other story) is left apart, so a templated report
        with few figures cannot chain reports of other days together.
        Returns ``None`` when every story is left apart.
        """
        target: str | None = None
        target_figures: set[frozenset[str]] = set()
        for story in sorted(matched, key=lambda key: (-matched[key], key)):
            members = {_figures_from(text) for (text,) in
                       db.execute("SELECT figures FROM articles WHERE story = ?", (story,)).fetchall()}
            if not all(figures_agree(found, other) for other in members):
                continue
            if target is None:
                target, target_figures = story, members
                continue
            if not all(figures_agree(mine, other) for mine in target_figures for other in members):
                continue
            first = db.execute("SELECT id FROM articles WHERE id IN (?, ?) ORDER BY number LIMIT 1",
                               (target, story)).fetchone()
            keep = first[0] if first else min(target, story)
            db.execute("UPDATE articles SET story = ? WHERE story = ?", (keep, story if keep == target else target))
            target = keep
            target_figures |= members
        return target
