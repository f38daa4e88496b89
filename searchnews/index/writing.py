"""Indexing: create and open the Whoosh index, and bring it up to date with a corpus.

Terms:
    manifest
        ``searchnews-manifest.json`` in the index folder: for every file
        indexed, its signature and the ids of its articles
        (:mod:`searchnews.index.manifest`). It is written right after each
        commit, so it never claims more than the index holds.
    run
        One call of :meth:`Indexer.run` (one :class:`_Run`): files that are
        new or whose signature changed are (re)read, files gone from disk
        have their articles deleted, the rest are skipped as unchanged.
    round
        Articles written between two commits. A run commits every
        :data:`COMMIT_EVERY` articles, so an interrupted run keeps what it
        committed, and the next run finishes the job. A big JSONL or CSV
        file is read in parts (:class:`searchnews.ingest.corpus.Part`) that
        fit in rounds: it is committed as it goes, shared among the workers,
        and an interrupted run resumes it where its last commit ended.
    id collision
        Two articles with the same explicit ``id`` (two JSON records, two
        CSV rows, in one file or in two). The index keeps one: the one from
        the file whose path sorts last, and within one file the later record.
        The run reports it, naming both files. The rule depends only on where
        the articles are, so it holds whatever order the files are read in:
        when the kept article's file is deleted or changed, the other file is
        read again and its article takes the place.
    reconciling
        Making the index and the manifest agree after a run was killed
        between a commit and the manifest write (or the manifest was lost or
        damaged): the files whose articles in the index do not match their
        manifest entry, and the paths in the index that the manifest does not
        know, are deleted from the index and read again (when still on disk).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from whoosh.index import EmptyIndexError, IndexVersionError

from ..errors import CorpusError, DocumentError, IndexCorrupt, IndexLocked, IndexNotFound, IndexNotWritable
from ..models import FileProblem, IndexReport
from . import schema as S
from .codec import ArrayIndex, index_segments, is_array_index, latest_generation, open_array_index, read_toc
from .commit import Transaction
from .folder import OWN_NAMES, WriteLock, foreign_entries, remove_orphans
from .manifest import MANIFEST_NAME, Entry, Manifest

if TYPE_CHECKING:
    from ..ingest.corpus import SourceFile
    from .stories import StoryTable
    from .workers import FileResult, RoundResult

# The cleaning pipeline (cleaning, corpus, learning, workers) is imported where a run
# needs it: opening an index to query it should not pay for loading it.

__all__ = ["COMMIT_EVERY", "MANIFEST_NAME", "Indexer", "create_index", "index_exists", "open_index"]

log = logging.getLogger(__name__)

#: The environment variable that overrides :data:`COMMIT_EVERY` (a positive integer; the fault
#: tests set it small so that a run makes many commits to interrupt).
COMMIT_EVERY_ENV = "SEARCHNEWS_COMMIT_EVERY"
#: The environment variable that overrides :data:`PARALLEL_MIN_BYTES` (the fault tests set it to 0
#: so that small corpora are indexed by worker processes too).
PARALLEL_MIN_BYTES_ENV = "SEARCHNEWS_PARALLEL_MIN_BYTES"


def _int_from_env(name: str, default: int, minimum: int) -> int:
    value = os.environ.get(name, "").strip()
    if value.isdigit() and int(value) >= minimum:
        return int(value)
    if value:
        log.warning("%s=%r is not an integer of at least %d; using %d", name, value, minimum, default)
    return default


def _commit_every_from_env(default: int = 5000) -> int:
    return _int_from_env(COMMIT_EVERY_ENV, default, 1)


#: Articles written between commits (``$SEARCHNEWS_COMMIT_EVERY`` overrides it).
COMMIT_EVERY = _commit_every_from_env()
#: A run ends with at most this many segments: the smallest are merged (by the workers).
#: Each query searches every segment, so fewer are faster; merging rewrites what it merges.
MAX_SEGMENTS = 8

#: Runs with less text than this are indexed in one process: starting workers costs more
#: (``$SEARCHNEWS_PARALLEL_MIN_BYTES`` overrides it).
PARALLEL_MIN_BYTES = _int_from_env(PARALLEL_MIN_BYTES_ENV, 2_000_000, 0)
#: Files of records (JSONL, CSV) smaller than this many bytes per record of a part are read whole.
MIN_RECORD_BYTES = 100
#: Compactions that rewrite fewer articles than this merge in this process.
PARALLEL_MIN_MERGE = 20_000

Progress = Callable[[int, int, str], None]

#: What a run's progress callback gets as its path while it looks for syndicated copies
#: (the counts are then articles, not files).
COPIES_STAGE = "(finding syndicated copies)"


def _stage_progress(progress: Progress | None, stage: str, every: int = 500) -> Progress | None:
    """``progress`` for a stage counted in articles: called with ``stage`` as the path, every ``every`` articles."""
    if progress is None:
        return None

    def report(done: int, total: int, _item: str) -> None:
        if done == total or done % every == 0:
            progress(done, total, stage)

    return report


def index_exists(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` holds a Whoosh index (readable or not: :func:`open_index` tells)."""
    path = os.fspath(path)
    try:
        return any(name.startswith("_MAIN_") and name.endswith(".toc") for name in os.listdir(path))
    except OSError:
        return False


def _not_writable(path: str, exc: OSError) -> IndexNotWritable:
    # EFBIG and EDQUOT: a file-size limit (ulimit -f) or a disk quota, full as far as we are concerned.
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return IndexNotWritable(f"no space left for the index at {path} ({exc.strerror}); "
                                f"the index was left as of its last commit")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return IndexNotWritable(f"cannot write to {path}: {exc.strerror}; choose another folder with --index")
    return IndexNotWritable(f"cannot write to {path}: {exc.strerror or exc}")


def _locked(path: str) -> IndexLocked:
    return IndexLocked(f"another searchnews process is writing to {path}; wait for it to finish and run this again")


def _take_lock(path: str) -> WriteLock:
    """The index's write lock, held; raises :class:`IndexLocked` or :class:`IndexNotWritable`."""
    lock = WriteLock(path)
    try:
        acquired = lock.acquire()
    except OSError as exc:
        raise _not_writable(path, exc) from None
    if not acquired:
        raise _locked(path)
    return lock


def _check_folder(path: str) -> None:
    """Clear errors for an index path that cannot be a folder: a dangling symbolic link, a file."""
    if os.path.islink(path) and not os.path.exists(path):
        raise IndexNotWritable(f"{path} is a symbolic link to {os.readlink(path)}, which does not exist; "
                               f"create that folder or choose another one for the index")
    if os.path.exists(path) and not os.path.isdir(path):
        raise IndexNotWritable(f"{path} is a file, not a folder; choose another folder for the index")


def _check_foreign(path: str) -> None:
    foreign = foreign_entries(path)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5:,} more" if len(foreign) > 5 else "")
        raise IndexNotWritable(f"{path} holds files that are not an index's ({shown}); an index is made only "
                               f"in an empty folder or in one that holds an index: choose another folder")


def create_index(path: str | os.PathLike[str]):
    """Create an empty index at ``path``, replacing the index there if there is one.

    The write lock is taken first: when another process holds it, nothing is
    changed and :class:`IndexLocked` is raised. A folder that holds files
    other than an index's (a README and hidden files aside) is refused with
    :class:`IndexNotWritable`, so that no file of the user's is ever deleted;
    only the index's own files are removed (:mod:`searchnews.index.folder`).
    """
    path = os.fspath(path)
    _check_folder(path)
    _check_foreign(path)  # before anything is written there (the lock file)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise _not_writable(path, exc) from None
    lock = _take_lock(path)
    try:
        _check_foreign(path)  # again, holding the lock
        ix = _empty_index(path)
    except OSError as exc:
        raise _not_writable(path, exc) from None
    finally:
        lock.release()
    return ix


def _empty_index(path: str):
    """Write an empty index over whatever index ``path`` holds (hold the lock).

    The empty table of contents is the next generation, written before the
    old files are removed: a reader sees the old index, then the empty one,
    never a folder without an index (as it would if everything were deleted
    first). A damaged index is replaced the same way: nothing of it is read.
    """
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    storage = FileStorage(path)
    schema = S.make_schema()
    generation = latest_generation(storage) + 1
    for name in OWN_NAMES:  # the manifest and the story table describe the old index
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(path, name))
    TOC(schema, [], generation).write(storage, "MAIN")
    remove_orphans(path, generation, set())
    return ArrayIndex(storage, schema, "MAIN")


def retry_on_commit(action, attempts: int = 20):
    """Run ``action()``, again when a commit elsewhere deletes the table of contents it was reading.

    Whoosh finds the newest table of contents by listing the folder, then opens
    it; a commit in another process can replace it in between.
    """
    for attempt in range(attempts):
        try:
            return action()
        except FileNotFoundError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


def _open_dir(path: str):
    """Open the index; returns it with its field names (Whoosh re-reads the table of contents for each)."""

    def action():
        ix = open_array_index(path)
        return ix, set(ix.schema.names())

    return retry_on_commit(action)


def open_index(path: str | os.PathLike[str]):
    """Open the index at ``path``; raises :class:`IndexNotFound` or :class:`IndexCorrupt`."""
    path = os.fspath(path)
    if not index_exists(path):
        raise IndexNotFound(f"no index at {path}; build one with: searchnews index PATH --index {path}")
    try:
        ix, names = _open_dir(path)
    except (EmptyIndexError, IndexVersionError) as exc:
        raise IndexCorrupt(f"the index at {path} cannot be opened ({exc}); rebuild it with "
                           f"searchnews index PATH --rebuild") from None
    except Exception as exc:
        raise IndexCorrupt(f"the index at {path} is damaged ({type(exc).__name__}: {exc}); rebuild it with "
                           f"searchnews index PATH --rebuild") from None
    if not retry_on_commit(lambda: is_array_index(index_segments(ix))):
        raise IndexCorrupt(f"the index at {path} was written by an older version of searchnews, in another "
                           f"storage format; rebuild it with searchnews index PATH --rebuild")
    missing = set(S.make_schema().names()) - names
    if missing:
        raise IndexCorrupt(f"the index at {path} was built by another version of searchnews "
                           f"(fields {', '.join(sorted(missing))} are missing); rebuild it with "
                           f"searchnews index PATH --rebuild")
    return ix


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _estimated_articles(source: SourceFile) -> int:
    """A guess of a file's (or part's) article count before reading it, to size rounds."""
    part = source.part
    if part is not None and part.records is not None:
        return max(1, part.records)
    return 1 if source.format in ("text", "html") else max(1, source.size // 2000)


def _is_first(unit: SourceFile) -> bool:
    return unit.part is None or unit.part.start == 0


def _is_last(unit: SourceFile) -> bool:
    return unit.part is None or unit.part.end is None


class Indexer:
    """Brings an index up to date with files on disk (one :meth:`run` per ``index`` command).

    ``workers`` is the number of worker processes (see :mod:`searchnews.index.workers`);
    runs smaller than :data:`PARALLEL_MIN_BYTES` are indexed in this process.
    """

    def __init__(self, ix, folder: str, *, commit_every: int = COMMIT_EVERY, workers: int | None = None) -> None:
        self.ix = ix
        self.folder = folder
        self.commit_every = commit_every
        if workers is None:
            from .workers import default_workers

            workers = default_workers()
        self.workers = workers

    def run(self, paths: Iterable[str | os.PathLike[str]], *, progress: Progress | None = None,
            follow_symlinks: bool = False) -> IndexReport:
        """Index new and changed files under ``paths``, delete vanished ones; return the report.

        See :class:`_Run` for the stages. On ``KeyboardInterrupt`` the run
        stops; every round committed before it is kept, and the report says
        the run was interrupted.
        """
        return _Run(self, paths, progress, follow_symlinks).execute()


class _Run:
    """One run of :meth:`Indexer.run`: the state a run carries from stage to stage.

    Stages (:meth:`execute`):
        1. walk the paths and list the corpus files (the index folder is not
           part of the corpus);
        2. take the write lock, held by this process alone until the run ends
           (workers never hold it);
        3. repair: remove the files a killed or failed run left in the index
           folder, and reconcile the index with the manifest when they may
           disagree (see the module's terms);
        4. plan: compare the files with the manifest: new, changed, resumed
           (a big file indexed in part), unchanged, gone; files whose article
           lost an id collision to a file that changed or went are read again;
        5. learn the boilerplate lines of the folders that have files to read
           (:mod:`searchnews.ingest.learning`), each folder in a worker;
        6. in rounds of about ``commit_every`` articles: delete the articles
           of the round's changed files (and, in the first round, of vanished
           files), index the round's files and parts in the workers (which
           also compute each article's story signature), settle the id
           collisions, commit, and write the manifest;
        7. compact: merge the smallest segments so that at most
           :data:`MAX_SEGMENTS` remain (in every run that finds more,
           even one with nothing to index);
        8. bring the story table (syndicated copies, :mod:`searchnews.index.stories`)
           up to date with the committed index, still holding the lock.
           The rows of articles about to change are forgotten before each
           commit that changes them, so the table never holds a stale one.
    """

    def __init__(self, indexer: Indexer, paths: Iterable[str | os.PathLike[str]], progress: Progress | None,
                 follow_symlinks: bool) -> None:
        self.ix = indexer.ix
        self.folder = indexer.folder
        self.commit_every = indexer.commit_every
        self.workers = indexer.workers
        self.roots = [os.path.abspath(os.fspath(p)) for p in paths]
        self.progress = progress
        self.follow_symlinks = follow_symlinks
        self.started = time.perf_counter()
        self.files: list[SourceFile] = []
        self.rejected: list[FileProblem] = []
        self.warnings: list[FileProblem] = []
        self.lock: WriteLock | None = None
        self.tx: Transaction | None = None
        self.manifest = Manifest(os.path.join(self.folder, MANIFEST_NAME))
        self.stories: StoryTable | None = None
        # 3. repair
        self.suspects: set[str] = set()
        # 4. plan
        self.todo: list[SourceFile] = []
        self.gone: list[str] = []
        self.reread: set[str] = set()  # files whose articles are deleted before their first part is indexed
        self.unchanged_files = self.unchanged_articles = 0
        self.learned: dict[str, frozenset[str]] = {}
        self.rows: dict[str, tuple] = {}  # article id -> its story-table row, from the workers
        self.owners: dict[str, str] | None = None
        self.fresh = False
        # 6. rounds: what is committed, and what the round in progress will commit
        self.files_done = self.bytes_read = 0
        self.added: set[str] = set()
        self.removed: set[str] = set()
        self.pending: dict[str, set[str] | int] = {}
        self.progressed = 0
        self.interrupted = False

    # -- the stages ------------------------------------------------------------------------------
    def execute(self) -> IndexReport:
        from .stories import StoryTable

        self.walk()  # 1
        self.lock = _take_lock(self.folder)  # 2
        try:
            self.stories = StoryTable.open(self.folder)
            self.repair()  # 3
            self.plan()  # 4
            with self.engine() as engine:
                self.learn(engine)  # 5
                self.index_rounds(engine)  # 6
                self.compact(engine)  # 7
            self.sync_stories()  # 8
            self.remove_leftovers()
        except KeyboardInterrupt:
            self.interrupted = True
            self.remove_leftovers()
        except OSError as exc:  # writing a segment (not only committing) can fail on a full disk
            self.remove_leftovers()
            raise _not_writable(self.folder, exc) from None
        except BaseException:
            self.remove_leftovers()
            raise
        finally:
            self.close()
        return self.report()

    def walk(self) -> None:
        """1. List the corpus files under the paths, and the files skipped with the reason."""
        from ..ingest.corpus import SourceFile, walk

        for item in walk(self.roots, follow_symlinks=self.follow_symlinks, skip=[self.folder]):
            (self.files if isinstance(item, SourceFile) else self.rejected).append(item)
        if not self.files and not self.rejected:
            raise CorpusError(f"nothing to index: no files under {', '.join(self.roots)}")

    def repair(self) -> None:
        """3. Remove what a killed or failed run left; reconcile the index and the manifest if they may disagree."""
        self.tx = tx = Transaction(self.ix)
        remove_orphans(self.folder, tx.generation, {s.segment_id() for s in tx.segments})
        self.manifest = manifest = Manifest.load(self.folder)
        self.fresh = tx.doc_count() == 0
        if self.fresh:
            self.stories.clear()  # a new, empty index reuses no signature
            if not any(entry.ids or entry.lost for entry in manifest.files.values()):
                return
        elif manifest.generation == tx.generation and manifest.article_count() == tx.doc_count():
            return
        self.reconcile()

    def reconcile(self) -> None:
        """Make the index and the manifest agree: suspect files are deleted from the index (read again if on disk)."""
        tx, manifest = self.tx, self.manifest
        ids = tx.live_counts(S.ID) if tx.doc_count() else {}
        paths = tx.live_counts(S.PATH) if tx.doc_count() else {}
        suspects: set[str] = set()
        claimed: dict[str, int] = {}
        for path, entry in manifest.files.items():
            if (paths.get(path, 0) != len(entry.ids) or any(ids.get(i, 0) != 1 for i in entry.ids)
                    or any(i not in ids for i in entry.lost)):
                suspects.add(path)
            for article_id in entry.ids:
                claimed[article_id] = claimed.get(article_id, 0) + 1
        suspects.update(path for path in paths if path not in manifest.files)  # articles of unknown files
        for article_id, count in ids.items():
            if count > 1 or claimed.get(article_id) != 1:  # an id twice, or not where the manifest says
                suspects.update(tx.stored(segment, docnum).get(S.PATH, "")
                                for segment, docnum in tx.live_docs(S.ID, article_id))
        suspects.discard("")
        if suspects:
            log.warning("the index at %s does not match its manifest (a run was interrupted); "
                        "%d files are read again", self.folder, len(suspects))
        walked = {f.path for f in self.files}
        forget: set[str] = set(manifest.ids_of(suspects))
        for path in suspects:
            manifest.files.pop(path, None)
            if path not in walked:  # not read again in this run: its articles go now
                forget.update(tx.stored(segment, docnum).get(S.ID, "")
                              for segment, docnum in tx.live_docs(S.PATH, path))
                tx.delete_by_term(S.PATH, path)
        self.suspects = suspects
        self.stories.forget(forget)
        self.commit()

    def plan(self) -> None:
        """4. Decide what to read: new, changed and resumed files, and the losers of collisions whose winner goes."""
        from ..ingest.corpus import Part
        manifest = self.manifest
        walked = {f.path: f for f in self.files}
        self.gone = [path for path in manifest.files if _under(path, self.roots) and path not in walked]
        changed = {f.path for f in self.files
                   if (entry := manifest.files.get(f.path)) is None or entry.sig != f.signature}
        self.reread = {path for path in changed if path in manifest.files or path in self.suspects}
        leaving = set(self.gone) | self.reread
        if leaving and any(entry.lost for entry in manifest.files.values()):
            losers = manifest.losers()
            for article_id in manifest.ids_of(leaving):
                for loser in losers.get(article_id, ()):
                    if loser in leaving:
                        continue
                    if loser in walked:
                        changed.add(loser)
                        self.reread.add(loser)
                    else:  # outside this run's folders: read again by the next run over its folder
                        manifest.files[loser].sig = None
        for source in self.files:
            entry = manifest.files.get(source.path)
            if source.path in changed:
                self.todo.append(source)
            elif entry.next is not None:  # a big file indexed in part: resume where the last commit ended
                self.todo.append(replace(source, part=Part(*entry.next)))
            else:
                self.unchanged_files += 1
                self.unchanged_articles += len(entry.ids)
        self.stories.forget(manifest.ids_of(leaving))

    def engine(self):
        """The worker processes for the run, or this process for a small run."""
        from .workers import InProcess, WorkerPool

        work = sum(f.size for f in self.todo)
        merge = sum(s.doc_count_all() for s in self._to_merge())
        if self.workers > 1 and ((work >= PARALLEL_MIN_BYTES and self.todo) or merge >= PARALLEL_MIN_MERGE):
            return WorkerPool(self.folder, self.workers)
        return InProcess(self.ix)

    def learn(self, engine) -> None:
        """5. Learn the boilerplate lines of the groups (folders, JSON files) that have files to read.

        Every file of such a group is counted (the unchanged ones too), each
        group in one worker process (:meth:`WorkerPool.learn`).
        """
        from ..ingest.learning import group_of

        if not self.todo:
            return
        groups = {group_of(f.path) for f in self.todo}
        counts = engine.learn([f for f in self.files if group_of(f.path) in groups])
        self.learned = dict(counts.learned().groups)

    def index_rounds(self, engine) -> None:
        """6. Index the planned files round by round, committing after each."""
        if self.progress:
            self.progress(0, len(self.todo), "")
        first = True
        for units in self._rounds(getattr(engine, "count", 1)):
            self._start_round(units, first=first)
            first = False
            outcome = engine.run_round(units, self._on_file, self.learned)
            self._settle(units, outcome)
            self.commit()
        if first and (self.gone or self.reread):  # nothing to read, but files vanished
            self._start_round([], first=True)
            self.commit()

    def compact(self, engine) -> None:
        """7. Merge the smallest segments (in the workers) so that at most :data:`MAX_SEGMENTS` remain."""
        merging = self._to_merge(getattr(engine, "count", 1))
        if not merging:
            return
        merged = engine.merge(merging)
        self.tx.replace(merging, merged)
        self.commit()

    def sync_stories(self) -> None:
        """8. Bring the story table up to date with the committed index (at once when it already is).

        The signatures of the articles read in this run were computed by the
        workers (:attr:`rows`); only the others are computed here.
        """
        with self.ix.searcher() as searcher:
            self.stories.sync(searcher, progress=_stage_progress(self.progress, COPIES_STAGE), rows=self.rows)

    # -- rounds --------------------------------------------------------------------------------
    def _rounds(self, shares: int) -> Iterator[list[SourceFile]]:
        """The planned files in rounds of about ``commit_every`` articles; big files cut in parts.

        Parts hold about ``commit_every / shares`` articles, so that each
        worker gets one per round.
        """
        per_part = max(1, self.commit_every // max(1, shares))
        batch: list[SourceFile] = []
        estimate = 0
        for source in self.todo:
            for unit in self._units(source, per_part):
                batch.append(unit)
                estimate += _estimated_articles(unit)
                if estimate >= self.commit_every:
                    yield batch
                    batch, estimate = [], 0
        if batch:
            yield batch

    @staticmethod
    def _units(source: SourceFile, per_part: int) -> Iterator[SourceFile]:
        """A file whole, or its parts one after another (cut as they are needed)."""
        from ..ingest.corpus import SPLITTABLE, Part, next_part

        if source.format not in SPLITTABLE or (source.part is None and source.size <= per_part * MIN_RECORD_BYTES):
            yield source
            return
        unit = source
        while True:
            try:
                part = next_part(unit, per_part)
            except DocumentError:  # unreadable: read whole, and the reading reports why
                yield unit
                return
            if part.part.start == 0 and part.part.end is None:  # small enough: one part is the whole file
                yield source
                return
            yield part
            if part.part.end is None:
                return
            unit = replace(source, part=Part(part.part.end, part.part.end_number))

    def _start_round(self, units: list[SourceFile], *, first: bool) -> None:
        """Before a round is indexed: in the first, delete the articles of vanished files and of files read again.

        Deleting them all in the first round (not each in its own) means that
        from then on the index holds only articles of files that this run does
        not read again, so id collisions are settled against those alone.
        """
        manifest, tx = self.manifest, self.tx
        removed: set[str] = set()
        if first:
            for path in (*self.gone, *sorted(self.reread)):
                old = manifest.files.pop(path, None)
                if old is not None:
                    removed.update(old.ids)
                tx.delete_by_term(S.PATH, path)
            owners = self._owners()
            for article_id in removed:
                owners.pop(article_id, None)
        for unit in units:
            if unit.path not in manifest.files:
                manifest.files[unit.path] = Entry(unit.signature)
        self.pending = {"added": set(), "removed": removed, "files": 0, "bytes": 0}

    def _owners(self) -> dict[str, str]:
        if self.owners is None:
            self.owners = self.manifest.owners()
        return self.owners

    def _on_file(self, result: FileResult) -> None:
        """A file (or part) is indexed: its problems are reported, the progress moves."""
        for problem in result.problems:
            (self.rejected if problem.skipped else self.warnings).append(problem)
        self.rows.update(zip(result.ids, result.signatures, strict=False))
        self.pending["bytes"] += (result.source.part.end or result.source.size) - result.source.part.start \
            if result.source.part is not None else result.source.size
        if _is_last(result.source):
            self.pending["files"] += 1
            self.progressed += 1
            if self.progress:
                self.progress(self.progressed, len(self.todo), result.source.path)

    def _settle(self, units: list[SourceFile], outcome: RoundResult) -> None:
        """Settle the round's id collisions (see the module's terms) and update the manifest entries."""
        tx, manifest, owners = self.tx, self.manifest, self._owners()
        segments = {segment.segment_id(): segment for segment in outcome.segments}
        tx.add(outcome.segments)
        by_id: dict[str, list[tuple[tuple[str, int, int], object, int]]] = {}
        for result in outcome.files:
            start = result.source.part.start if result.source.part is not None else 0
            for order, (article_id, docnum) in enumerate(zip(result.ids, result.docnums, strict=True)):
                by_id.setdefault(article_id, []).append(((result.source.path, start, order),
                                                         segments[result.segment], docnum))
        kept: dict[str, list[str]] = {}
        lost: dict[str, list[str]] = {}
        removed: set[str] = self.pending["removed"]
        for article_id, found in by_id.items():
            owner = owners.get(article_id)
            if len(found) == 1 and owner is None:
                owners[article_id] = found[0][0][0]
                kept.setdefault(found[0][0][0], []).append(article_id)
                continue
            found.sort(key=lambda item: item[0])
            best = found[-1][0][0]
            if owner is not None and owner != best and owner > best:
                winner, losing = owner, found
            else:
                winner, losing = best, found[:-1]
                if owner is not None:  # the article in the index gives way
                    for segment, docnum in list(tx.live_docs(S.ID, article_id)):
                        if tx.stored(segment, docnum).get(S.PATH) == owner:
                            tx.delete(segment, docnum)
                    removed.add(article_id)
                    entry = manifest.files[owner]
                    entry.ids.remove(article_id)
                    if owner != best:
                        entry.lost.append(article_id)
                        self._collision(owner, article_id, best)
                owners[article_id] = best
                kept.setdefault(best, []).append(article_id)
            for (path, _start, _order), segment, docnum in losing:
                tx.delete(segment, docnum)
                if path != winner:
                    lost.setdefault(path, []).append(article_id)
                self._collision(path, article_id, winner)
        last: dict[str, SourceFile] = {}
        for unit in units:
            last[unit.path] = unit
        for path, unit in last.items():
            entry = manifest.files[path]
            entry.ids.extend(kept.get(path, ()))
            entry.lost.extend(i for i in dict.fromkeys(lost.get(path, ())) if i not in entry.lost)
            entry.next = None if _is_last(unit) else (unit.part.end, unit.part.end_number)
        added = {article_id for ids in kept.values() for article_id in ids}
        self.pending["added"] = added
        if not self.fresh:  # an id may have been in the index already, with another body
            self.stories.forget(added)

    def _collision(self, path: str, article_id: str, winner: str) -> None:
        if path == winner:
            reason = f"article id {article_id!r} appears twice in this file; the later record is kept"
        else:
            reason = f"article id {article_id!r} is also in {winner}, whose article is kept"
        self.warnings.append(FileProblem(path, reason, skipped=False))

    def commit(self) -> None:
        """Commit the transaction and write the manifest; count what the round added and removed."""
        generation = self.tx.commit()
        self.manifest.save(generation)
        if self.pending:
            self.added |= self.pending["added"]
            self.removed |= self.pending["removed"]
            self.files_done += self.pending["files"]
            self.bytes_read += self.pending["bytes"]
            self.pending = {}

    def _to_merge(self, shares: int = 1) -> list:
        """The smallest segments to merge so that at most :data:`MAX_SEGMENTS` remain (none when there are few).

        A merge writes segments of at most about ``MAX_MERGE_DOCS`` documents
        (:func:`searchnews.index.workers.merge_groups`); an index too big for
        :data:`MAX_SEGMENTS` of those keeps one segment per ``MAX_MERGE_DOCS``.
        """
        from .workers import MAX_MERGE_DOCS, merge_groups

        segments = sorted(self.tx.segments, key=lambda s: s.doc_count_all()) if self.tx else []
        documents = sum(s.doc_count_all() for s in segments)
        limit = max(MAX_SEGMENTS, -(-documents // MAX_MERGE_DOCS) + shares)
        if len(segments) <= limit:
            return []
        for cut in range(min(len(segments), len(segments) - limit + shares), len(segments) + 1):
            if len(segments) - cut + len(merge_groups(segments[:cut], shares)) <= limit:
                return segments[:cut]
        return segments

    # -- the end ---------------------------------------------------------------------------------
    def remove_leftovers(self) -> None:
        """Remove the segment files no committed version uses (an interrupted round, a failed commit)."""
        try:
            toc = read_toc(self.ix)
        except Exception:  # the index cannot be read: leave everything as it is
            return
        remove_orphans(self.folder, toc.generation, {s.segment_id() for s in toc.segments})

    def close(self) -> None:
        if self.tx is not None:
            self.tx.close_readers()
        if self.stories is not None:
            self.stories.close()
        if self.lock is not None:
            self.lock.release()

    def report(self) -> IndexReport:
        seen = {f.path for f in self.files}
        return IndexReport(
            files_seen=len(self.files) + len({p.path for p in self.rejected if p.line is None and p.path not in seen}),
            files_indexed=self.files_done,
            files_unchanged=self.unchanged_files,
            added=len(self.added - self.removed),
            updated=len(self.added & self.removed),
            deleted=len(self.removed - self.added),
            unchanged=self.unchanged_articles,
            rejected=tuple(self.rejected),
            warnings=tuple(self.warnings),
            seconds=time.perf_counter() - self.started,
            bytes_read=self.bytes_read,
            interrupted=self.interrupted,
        )
