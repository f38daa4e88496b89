"""Indexing: create and open the Whoosh index, and bring it up to date with a corpus.

Terms:
    manifest
        ``searchnews-manifest.json`` in the index folder: for every file
        indexed, its signature (size and modification time) and the ids of its
        articles. It is written right after each commit, so it never claims
        more than the index holds.
    run
        One call of :meth:`Indexer.run`: files that are new or whose signature
        changed are (re)read, files gone from disk have their articles
        deleted, the rest are skipped as unchanged.
    batch
        Articles written between two commits. A run commits every
        :data:`COMMIT_EVERY` articles, so an interrupted run keeps what it
        committed, and the next run finishes the job.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from whoosh.index import EmptyIndexError, IndexVersionError, LockError

from ..errors import CorpusError, IndexCorrupt, IndexLocked, IndexNotFound, IndexNotWritable
from ..models import Article, FileProblem, IndexReport
from . import schema as S
from .codec import create_array_index, is_array_index, open_array_index

if TYPE_CHECKING:
    from ..ingest.corpus import SourceFile
    from .workers import FileResult

# The cleaning pipeline (cleaning, corpus, learning, workers) is imported where a run
# needs it: opening an index to query it should not pay for loading it.

__all__ = ["COMMIT_EVERY", "MANIFEST_NAME", "Indexer", "create_index", "index_exists", "open_index"]

log = logging.getLogger(__name__)

MANIFEST_NAME = "searchnews-manifest.json"
MANIFEST_VERSION = 1
#: The environment variable that overrides :data:`COMMIT_EVERY` (a positive integer; the fault
#: tests set it small so that a run makes many commits to interrupt).
COMMIT_EVERY_ENV = "SEARCHNEWS_COMMIT_EVERY"


def _commit_every_from_env(default: int = 5000) -> int:
    value = os.environ.get(COMMIT_EVERY_ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    if value:
        log.warning("%s=%r is not a positive integer; committing every %d articles", COMMIT_EVERY_ENV, value,
                    default)
    return default


#: Articles written between commits (``$SEARCHNEWS_COMMIT_EVERY`` overrides it).
COMMIT_EVERY = _commit_every_from_env()
#: A run ends with at most this many segments: the smallest are merged (by the workers).
#: Each query searches every segment, so fewer are faster; merging rewrites what it merges.
MAX_SEGMENTS = 8

#: Runs with less text than this are indexed in one process: starting workers costs more.
PARALLEL_MIN_BYTES = 2_000_000

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


def _abandon(writer) -> None:
    """Cancel ``writer`` if it is open; when cancelling fails too (a full disk), release its lock anyway."""
    if writer.is_closed:
        return
    try:
        writer.cancel()
    except Exception:
        lock = getattr(writer, "writelock", None)
        if lock is not None and getattr(lock, "fd", None) is not None:
            lock.release()


def create_index(path: str | os.PathLike[str]):
    """Create an empty index at ``path`` (the folder may exist and hold other files)."""
    path = os.fspath(path)
    try:
        os.makedirs(path, exist_ok=True)
        ix = create_array_index(path, S.make_schema())
        manifest = os.path.join(path, MANIFEST_NAME)
        if os.path.exists(manifest):
            os.remove(manifest)
    except OSError as exc:
        raise _not_writable(path, exc) from None
    return ix


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
    if not retry_on_commit(lambda: is_array_index(ix._segments())):
        raise IndexCorrupt(f"the index at {path} was written by an older version of searchnews, in another "
                           f"storage format; rebuild it with searchnews index PATH --rebuild")
    missing = set(S.make_schema().names()) - names
    if missing:
        raise IndexCorrupt(f"the index at {path} was built by another version of searchnews "
                           f"(fields {', '.join(sorted(missing))} are missing); rebuild it with "
                           f"searchnews index PATH --rebuild")
    return ix


@dataclass
class _Manifest:
    path: str
    generation: int = -1
    files: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: str) -> _Manifest:
        path = os.path.join(folder, MANIFEST_NAME)
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("version") != MANIFEST_VERSION:
                raise ValueError("unknown manifest version")
            return cls(path, int(data.get("generation", -1)), dict(data["files"]))
        except FileNotFoundError:
            return cls(path)
        except (ValueError, KeyError, TypeError, OSError) as exc:
            log.warning("manifest %s unreadable (%s); every file will be re-read", path, exc)
            return cls(path)

    def save(self, generation: int) -> None:
        self.generation = generation
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"version": MANIFEST_VERSION, "generation": generation, "files": self.files}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _estimated_articles(source: SourceFile) -> int:
    """A guess of a file's article count before reading it, to size rounds."""
    return 1 if source.format in ("text", "html") else max(1, source.size // 2000)


def _rounds(files: list[SourceFile], per_round: int) -> Iterator[list[SourceFile]]:
    batch: list[SourceFile] = []
    estimate = 0
    for source in files:
        batch.append(source)
        estimate += _estimated_articles(source)
        if estimate >= per_round:
            yield batch
            batch, estimate = [], 0
    if batch:
        yield batch


def _commit_with_segments(writer, segments: list, existing: list | None = None) -> None:
    """Commit ``writer`` (its deletions) together with segments written by workers.

    This is :meth:`whoosh.writing.SegmentWriter.commit` with the workers'
    segments added to the table of contents, as Whoosh's ``MpWriter`` does.
    Existing segments are not merged here (Whoosh's merge policy would merge
    them in this process, on one core, while the workers wait): a run compacts
    them at its end (:meth:`Indexer._compact`). ``existing`` replaces the
    writer's list of existing segments (for compaction).
    """
    final = list(writer.segments) if existing is None else list(existing)
    final.extend(segments)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()


class Indexer:
    """Brings an index up to date with files on disk (one :meth:`run` per ``index`` command).

    ``workers`` is the number of worker processes (see :mod:`searchnews.workers`);
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

    def _writer(self):
        from .workers import WRITER_LIMIT_MB

        try:
            return self.ix.writer(limitmb=WRITER_LIMIT_MB)
        except LockError:
            raise IndexLocked(f"another searchnews process is writing to {self.folder}; "
                              f"wait for it to finish and run this again") from None
        except OSError as exc:
            raise _not_writable(self.folder, exc) from None

    def _engine(self, todo: list[SourceFile]):
        from .workers import InProcess, WorkerPool

        if self.workers > 1 and sum(f.size for f in todo) >= PARALLEL_MIN_BYTES:
            return WorkerPool(self.folder, self.workers)
        return InProcess(self.ix)

    def run(self, paths: Iterable[str | os.PathLike[str]], *, progress: Progress | None = None,
            follow_symlinks: bool = False) -> IndexReport:
        """Index new and changed files under ``paths``, delete vanished ones; return the report.

        Stages:
            1. walk the paths and list the corpus files;
            2. take the lock, and compare the files with the manifest: new,
               changed, unchanged, gone; learn the boilerplate lines of the
               folders that have new or changed files (:mod:`searchnews.learning`);
            3. in rounds of about :attr:`commit_every` articles: delete the
               articles of the round's changed files (and, in the first round,
               of vanished files), index the round's files in worker processes,
               commit, and write the manifest;
            4. if an explicit article id turned up in two files, keep the later;
            5. bring the story table (syndicated copies, :mod:`searchnews.duplicates`)
               up to date with the committed index, still holding the lock.
               The rows of articles about to change are forgotten before each
               commit that changes them, so the table never holds a stale one.
        On ``KeyboardInterrupt`` the run stops; every round committed before
        it is kept, and the report says the run was interrupted.
        """
        from ..ingest.corpus import SourceFile, walk
        from ..ingest.learning import group_of, learn_boilerplate
        from .stories import StoryTable

        started = time.perf_counter()
        # 1. walk
        roots = [os.path.abspath(os.fspath(p)) for p in paths]
        files: list[SourceFile] = []
        rejected: list[FileProblem] = []
        for item in walk(roots, follow_symlinks=follow_symlinks):
            (files if isinstance(item, SourceFile) else rejected).append(item)
        if not files and not rejected:
            raise CorpusError(f"nothing to index: no files under {', '.join(roots)}")
        # 2. compare, holding the lock: another run may have committed since this one began
        writer = self._writer()
        manifest = _Manifest.load(self.folder)
        fresh_index = self.ix.doc_count_all() == 0
        # After a crash between commit and manifest the index may hold files the manifest lacks.
        trusted = fresh_index or manifest.generation == self.ix.latest_generation()
        seen = {f.path for f in files}
        problem_paths = {p.path for p in rejected}
        gone = [p for p in manifest.files if _under(p, roots) and p not in seen and p not in problem_paths]
        todo: list[SourceFile] = []
        unchanged_files = unchanged_articles = 0
        for source in files:
            entry = manifest.files.get(source.path)
            if entry and entry.get("sig") == source.signature:
                unchanged_files += 1
                unchanged_articles += len(entry.get("ids", ()))
            else:
                todo.append(source)
        # Learn the boilerplate of the folders (and JSON files) that have new or changed files.
        changed_groups = {group_of(f.path) for f in todo}
        learned = learn_boilerplate(f for f in files if group_of(f.path) in changed_groups).groups if todo else {}
        # Counts of what is committed; ``pending`` holds those of the round in progress, which
        # an interrupted run does not report (its files are read again by the next run).
        counts: Counter[str] = Counter()
        pending: Counter[str] = Counter()
        warnings: list[FileProblem] = []
        first_file: dict[str, str] = {}  # article id -> the file it was first read from in this run
        duplicates: dict[str, str] = {}  # article id -> the later file, whose copy wins
        progressed = 0
        interrupted = False

        def on_file(result: FileResult) -> None:
            nonlocal progressed
            source = result.source
            for problem in result.problems:
                (rejected if problem.skipped else warnings).append(problem)
            old = manifest.files.get(source.path)
            old_ids = set(old.get("ids", ())) if old else set()
            for article_id in result.ids:
                earlier = first_file.setdefault(article_id, source.path)
                if earlier != source.path:
                    duplicates[article_id] = source.path
                    warnings.append(FileProblem(source.path, f"article id {article_id!r} also in {earlier}; "
                                                f"this copy replaces it", skipped=False))
                pending["updated" if article_id in old_ids else "added"] += 1
            pending["deleted"] += len(old_ids - set(result.ids))
            pending["files"] += 1
            pending["bytes"] += source.size
            progressed += 1
            if progress:
                progress(progressed, len(todo), source.path)

        def commit(segments: list, changes: dict[str, dict | None]) -> None:
            try:
                _commit_with_segments(writer, segments)
            except OSError as exc:
                _abandon(writer)
                raise _not_writable(self.folder, exc) from None
            for path, entry in changes.items():
                if entry is None:
                    manifest.files.pop(path, None)
                else:
                    manifest.files[path] = entry
            try:
                manifest.save(self.ix.latest_generation())
            except OSError as exc:
                raise _not_writable(self.folder, exc) from None
            counts.update(pending)
            pending.clear()

        stories: StoryTable | None = None
        try:
            # The story table forgets the articles about to change (they get new rows in stage 5).
            stories = StoryTable.open(self.folder)
            if fresh_index:
                stories.clear()
            else:
                stories.forget(article_id for path in (*gone, *(f.path for f in todo))
                               for article_id in manifest.files.get(path, {}).get("ids", ()))
            if progress:
                progress(0, len(todo), "")
            changes: dict[str, dict | None] = {}
            # Vanished files go in the first commit.
            for path in gone:
                writer.delete_by_term(S.PATH, path)
                pending["deleted"] += len(manifest.files[path].get("ids", ()))
                changes[path] = None
            # 3. rounds
            with self._engine(todo) as engine:
                for files_in_round in _rounds(todo, self.commit_every):
                    for source in files_in_round:
                        entry = manifest.files.get(source.path)
                        if entry is not None or not trusted:
                            writer.delete_by_term(S.PATH, source.path)
                        if entry is not None and not fresh_index:
                            # explicit ids may live in another file's documents
                            for article_id in entry.get("ids", ()):
                                writer.delete_by_term(S.ID, article_id)
                    outcome = engine.run_round(files_in_round, on_file, learned)
                    if not fresh_index or not trusted:
                        # an explicit id already in the index from another file is replaced
                        for result in outcome.files:
                            for article_id in result.ids:
                                writer.delete_by_term(S.ID, article_id)
                    for result in outcome.files:
                        changes[result.source.path] = {"sig": result.source.signature, "ids": list(result.ids)}
                    if not fresh_index:  # an id may have come from another file, with another body
                        stories.forget(article_id for result in outcome.files for article_id in result.ids)
                    commit(outcome.segments, changes)
                    changes = {}
                    writer = self._writer()
                if changes:  # nothing to index, but files vanished
                    commit([], changes)
                    writer = self._writer()
                if todo or gone:
                    writer = self._compact(writer, engine)
            # 4. duplicates
            if duplicates:
                self._keep_later_copies(writer, duplicates, learned)
                commit([], {})
                writer = self._writer()  # the lock is held while the story table follows the index
            # 5. stories
            # (at once when the table already matches this version of the index)
            with self.ix.searcher() as searcher:
                stories.sync(searcher, progress=_stage_progress(progress, COPIES_STAGE))
            if not writer.is_closed:
                writer.cancel()
        except KeyboardInterrupt:
            interrupted = True
            _abandon(writer)
        except OSError as exc:  # writing a segment (not only committing) can fail on a full disk
            _abandon(writer)
            raise _not_writable(self.folder, exc) from None
        except BaseException:
            _abandon(writer)
            raise
        finally:
            if stories is not None:
                stories.close()
        return IndexReport(
            files_seen=len(files) + len({p.path for p in rejected if p.line is None and p.path not in seen}),
            files_indexed=counts["files"],
            files_unchanged=unchanged_files,
            added=counts["added"],
            updated=counts["updated"],
            deleted=counts["deleted"],
            unchanged=unchanged_articles,
            rejected=tuple(rejected),
            warnings=tuple(warnings),
            seconds=time.perf_counter() - started,
            bytes_read=counts["bytes"],
            interrupted=interrupted,
        )

    def _compact(self, writer, engine):
        """Merge the smallest segments (in the workers) so that at most :data:`MAX_SEGMENTS` remain.

        Returns a fresh writer (the lock is held throughout).
        """
        segments = sorted(writer.segments, key=lambda s: s.doc_count_all())
        if len(segments) <= MAX_SEGMENTS:
            return writer
        shares = getattr(engine, "count", 1)
        cut = min(len(segments), len(segments) - MAX_SEGMENTS + shares)
        merged = engine.merge(segments[:cut])
        try:
            _commit_with_segments(writer, merged, existing=segments[cut:])
        except OSError as exc:
            _abandon(writer)
            raise _not_writable(self.folder, exc) from None
        return self._writer()

    def _keep_later_copies(self, writer, duplicates: dict[str, str], learned) -> None:
        """Delete every copy of each duplicated id, and add back the copy from the later file."""
        from ..ingest.cleaning import read_file
        from ..ingest.learning import group_of
        from .workers import document

        for article_id, path in duplicates.items():
            writer.delete_by_term(S.ID, article_id)
            for item in read_file(path, learned=learned.get(group_of(path), frozenset())):
                if isinstance(item, Article) and item.id == article_id:
                    writer.add_document(**document(item))
                    break
