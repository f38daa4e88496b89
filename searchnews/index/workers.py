"""Parallel indexing: worker processes that read, clean and index files into segments of their own.

Whoosh's writer is pure Python and uses one core. Most of the cost of an
``index`` run is per article (cleaning, analysing, writing postings), so the
work is split by file between worker processes. Each worker writes a Whoosh
*segment* of its own without taking the index lock; the parent process holds
the lock, applies deletions, and commits the workers' segments together with
the index's existing ones (the way Whoosh's own ``MpWriter`` with
``multisegment=True`` does).

Terms:
    round
        The files indexed between two commits. Each worker gets a share of
        the round's files, balanced by size, and returns one segment.
    message
        What a worker reports back: one per file (its articles' ids and its
        problems), then one when its segment is written.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from whoosh.reading import SegmentReader

from ..errors import SearchnewsError
from ..ingest.cleaning import read_file
from ..ingest.corpus import SourceFile
from ..ingest.learning import GroupCounts, count_lines, group_of
from ..models import Article, FileProblem
from . import schema as S
from .codec import ArraySegmentWriter, abandon_segment, finish_segment, open_array_index
from .documents import document
from .stories import body_row

__all__ = ["FileResult", "InProcess", "RoundResult", "WorkerPool", "default_workers", "document", "index_files"]

log = logging.getLogger(__name__)

#: The environment variable that sets the number of worker processes (0 or 1: none).
WORKERS_ENV = "SEARCHNEWS_WORKERS"
#: Memory each writer may use before it spills postings to disk, in MB.
WRITER_LIMIT_MB = 256
#: How often an idle worker checks that its parent is still alive, in seconds.
PARENT_CHECK_SECONDS = 1.0


def default_workers() -> int:
    """``$SEARCHNEWS_WORKERS`` if set, else the number of CPUs (at most 8)."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value.isdigit():
        return int(value)
    return max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True)
class FileResult:
    """What indexing one file (or one part of a big file) gave.

    ``ids`` are its articles' ids in file order; ``docnums`` their document
    numbers in the segment ``segment`` (its id) that they were added to;
    ``problems`` what was skipped or repaired; ``signatures`` the story
    table's row of each article, computed here rather than in the parent
    (see :func:`searchnews.index.stories.body_row`).
    """

    source: SourceFile
    ids: tuple[str, ...]
    problems: tuple[FileProblem, ...] = ()
    docnums: tuple[int, ...] = ()
    segment: str | None = None
    signatures: tuple = ()


@dataclass
class RoundResult:
    """The outcome of one round: a result per file and the segments written."""

    files: list[FileResult] = field(default_factory=list)
    segments: list = field(default_factory=list)
    counts: GroupCounts = field(default_factory=GroupCounts)


def index_files(ix, files: Sequence[SourceFile],
                learned: Mapping[str, frozenset[str]] = MappingProxyType({})) -> Iterator[FileResult | object]:
    """Read, clean and add ``files`` to a new segment; yield a :class:`FileResult` per file,
    then the segment (``None`` when no article was added).

    ``learned`` maps a group (see :func:`searchnews.learning.group_of`) to
    the lines learned as boilerplate there. The writer takes no lock (the
    caller holds the index's lock) and is never
    finished or cancelled: that would delete the temporary folder that every
    writer of the index shares. Files of a segment that is not committed are
    removed by Whoosh at the next commit.
    """
    writer = ArraySegmentWriter(ix, _lk=False, limitmb=WRITER_LIMIT_MB)
    segment_id = writer.newsegment.segment_id()
    try:
        for source in files:
            ids, docnums, problems, signatures = [], [], [], []
            for item in read_file(source, learned=learned.get(group_of(source.path), frozenset())):
                if isinstance(item, Article):
                    docnums.append(writer.docnum)
                    fields = document(item)
                    writer.add_document(**fields)
                    ids.append(item.id)
                    signatures.append(body_row(fields.get(S.BODY, "")))
                else:
                    problems.append(item)
            yield FileResult(source, tuple(ids), tuple(problems), tuple(docnums), segment_id, tuple(signatures))
        yield finish_segment(writer)
    except BaseException:
        with contextlib.suppress(Exception):
            abandon_segment(writer)
        raise


def merge_segments(ix, segments: Sequence) -> object:
    """Write one new segment holding the live documents of ``segments`` (deleted ones are dropped).

    Like :func:`index_files`, the writer takes no lock and is never finished.
    """
    writer = ArraySegmentWriter(ix, _lk=False, limitmb=WRITER_LIMIT_MB)
    try:
        for segment in segments:
            reader = SegmentReader(ix.storage, ix.schema, segment)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
        return finish_segment(writer)
    except BaseException:
        with contextlib.suppress(Exception):
            abandon_segment(writer)
        raise


#: A merge writes segments of at most about this many documents (its memory grows with them).
MAX_MERGE_DOCS = 150_000


def merge_groups(segments: Sequence, shares: int) -> list[list]:
    """The groups ``segments`` are merged in: one per worker, more when that would make a segment too big.

    Each group becomes one segment of at most about :data:`MAX_MERGE_DOCS` documents.
    """
    total = sum(s.doc_count_all() for s in segments)
    return _balance_segments(segments, max(shares, -(-total // MAX_MERGE_DOCS)))


def _balance_segments(segments: Sequence, shares: int) -> list[list]:
    """Split segments into ``shares`` groups of about equal document counts."""
    groups: list[list] = [[] for _ in range(shares)]
    counts = [0] * shares
    for segment in sorted(segments, key=lambda s: -s.doc_count_all()):
        smallest = counts.index(min(counts))
        groups[smallest].append(segment)
        counts[smallest] += segment.doc_count_all()
    return [g for g in groups if g]


def _balance(files: Sequence[SourceFile], shares: int) -> list[list[SourceFile]]:
    """Split files into ``shares`` lists of about equal size, keeping each list in walk order."""
    buckets: list[list[tuple[int, SourceFile]]] = [[] for _ in range(shares)]
    sizes = [0] * shares
    for order, source in sorted(enumerate(files), key=lambda p: -p[1].size):
        smallest = sizes.index(min(sizes))
        buckets[smallest].append((order, source))
        sizes[smallest] += source.size + 512
    return [[s for _, s in sorted(bucket, key=lambda p: p[0])] for bucket in buckets if bucket]


def _die_with_parent(parent: int, lifeline) -> None:
    """Make this worker end when its parent does, even when the parent is killed outright (``kill -9``).

    On Linux the kernel sends SIGKILL when the parent dies
    (``prctl(PR_SET_PDEATHSIG)``). Everywhere, a thread waits on
    ``lifeline``, the reading end of a pipe whose writing end only the parent
    holds: it reads end-of-file when the parent dies, and ends the process.
    A worker whose parent died before this ran ends at once.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the lifeline thread does the job
            pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        try:
            lifeline.recv_bytes()
        except (EOFError, OSError):
            pass
        os._exit(1)  # the parent is gone (it never sends anything): nothing will commit our work

    threading.Thread(target=watch, name="searchnews-lifeline", daemon=True).start()


#: ``PR_SET_PDEATHSIG`` from ``<linux/prctl.h>``.
_PR_SET_PDEATHSIG = 1


def _worker_main(folder: str, jobs, results, parent: int, lifeline, parent_end) -> None:
    """A worker process: index each job's files into a segment and report back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C does
    parent_end.close()  # our copy of the pipe's writing end: only the parent may keep it open
    _die_with_parent(parent, lifeline)
    try:
        ix = open_array_index(folder)
    except Exception:  # reported to the parent, which raises
        results.put(("error", traceback.format_exc()))
        return
    while True:
        try:
            files = jobs.get(timeout=PARENT_CHECK_SECONDS)
        except queue.Empty:
            if os.getppid() != parent:
                return  # the parent died (killed); nothing will commit our work
            continue
        if files is None:
            return
        kind, files, learned = files
        try:
            if kind == "merge":
                ix = open_array_index(folder)  # the segments to merge were committed after we opened
                results.put(("segment", merge_segments(ix, files)))
                continue
            if kind == "learn":
                results.put(("counts", count_lines(files)))
                continue
            for message in index_files(ix, files, learned):
                results.put(("file", message) if isinstance(message, FileResult) else ("segment", message))
        except OSError as exc:
            results.put(("oserror", (exc.errno, exc.strerror, exc.filename)))
        except Exception:  # reported to the parent, which raises
            results.put(("error", traceback.format_exc()))


class WorkerError(SearchnewsError):
    """A worker process died (killed, out of memory) or failed in a way that is a bug, not a bad file.

    The run stops; what it committed before is kept, and the next run goes on from there.
    """


class WorkerPool:
    """Worker processes for one ``index`` run; use as a context manager."""

    def __init__(self, folder: str, workers: int) -> None:
        self.folder = folder
        self.count = workers
        self._procs: list = []
        self._jobs: list = []
        self._results = None
        self._lifeline = None

    def __enter__(self) -> WorkerPool:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._results = context.Queue()
        # The lifeline: workers read its end; the writing end stays open in this process alone.
        lifeline, self._lifeline = context.Pipe(duplex=False)
        try:
            for _ in range(self.count):
                jobs = context.Queue()
                proc = context.Process(target=_worker_main, daemon=True,
                                       args=(self.folder, jobs, self._results, os.getpid(), lifeline, self._lifeline))
                proc.start()
                self._procs.append(proc)
                self._jobs.append(jobs)
        finally:
            lifeline.close()
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if exc_type is None:
            for jobs in self._jobs:
                jobs.put(None)
            for proc in self._procs:
                proc.join(timeout=30)
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
        if self._lifeline is not None:
            self._lifeline.close()
            self._lifeline = None

    def run_round(self, files: Sequence[SourceFile], on_file: Callable[[FileResult], None],
                  learned: Mapping[str, frozenset[str]] = MappingProxyType({})) -> RoundResult:
        """Index ``files`` across the workers; call ``on_file`` as each file is done."""
        shares = _balance(files, self.count)
        for jobs, share in zip(self._jobs, shares, strict=False):
            groups = {group_of(f.path) for f in share}
            jobs.put(("files", share, {g: learned[g] for g in groups if g in learned}))
        return self._collect(len(shares), on_file)

    def learn(self, files: Sequence[SourceFile]) -> GroupCounts:
        """Count the candidate boilerplate lines of ``files`` across the workers, each group in one worker."""
        groups: dict[str, list[SourceFile]] = {}
        for source in files:
            groups.setdefault(group_of(source.path), []).append(source)
        shares: list[list[SourceFile]] = [[] for _ in range(self.count)]
        sizes = [0] * self.count
        for members in sorted(groups.values(), key=lambda m: -sum(f.size for f in m)):
            smallest = sizes.index(min(sizes))
            shares[smallest].extend(members)
            sizes[smallest] += sum(f.size for f in members)
        shares = [share for share in shares if share]
        for jobs, share in zip(self._jobs, shares, strict=False):
            jobs.put(("learn", share, {}))
        return self._collect(len(shares), lambda result: None).counts

    def merge(self, segments: Sequence) -> list:
        """Merge ``segments`` into new segments (see :func:`merge_groups`), spread over the workers."""
        groups = merge_groups(segments, self.count)
        for number, group in enumerate(groups):
            self._jobs[number % self.count].put(("merge", group, {}))
        return self._collect(len(groups), lambda result: None).segments

    def _collect(self, pending: int, on_file: Callable[[FileResult], None]) -> RoundResult:
        result = RoundResult()
        while pending:
            try:
                kind, payload = self._results.get(timeout=PARENT_CHECK_SECONDS)
            except queue.Empty:
                dead = [p for p in self._procs if not p.is_alive()]
                if dead:
                    raise WorkerError(f"a worker process died (exit code {dead[0].exitcode}); what was committed is "
                                      f"kept: run this again to finish") from None
                continue
            if kind == "file":
                result.files.append(payload)
                on_file(payload)
            elif kind == "segment":
                pending -= 1
                if payload is not None:
                    result.segments.append(payload)
            elif kind == "counts":
                pending -= 1
                result.counts.update(payload)
            elif kind == "oserror":
                number, strerror, filename = payload
                raise OSError(number, strerror, filename)
            else:
                raise WorkerError(f"a worker process failed:\n{payload}")
        return result


class InProcess:
    """The same interface as :class:`WorkerPool`, indexing in this process (small runs, one CPU)."""

    def __init__(self, ix) -> None:
        self.ix = ix

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def run_round(self, files: Sequence[SourceFile], on_file: Callable[[FileResult], None],
                  learned: Mapping[str, frozenset[str]] = MappingProxyType({})) -> RoundResult:
        result = RoundResult()
        for message in index_files(self.ix, files, learned):
            if isinstance(message, FileResult):
                result.files.append(message)
                on_file(message)
            elif message is not None:
                result.segments.append(message)
        return result

    def learn(self, files: Sequence[SourceFile]) -> GroupCounts:
        return count_lines(files)

    def merge(self, segments: Sequence) -> list:
        merged = (merge_segments(self.ix, group) for group in merge_groups(segments, 1))
        return [segment for segment in merged if segment is not None]
