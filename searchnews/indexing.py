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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError, IndexVersionError, LockError

from . import schema as S
from .cleaning import read_file
from .corpus import SourceFile, walk
from .errors import CorpusError, IndexCorrupt, IndexLocked, IndexNotFound, IndexNotWritable
from .models import Article, FileProblem, IndexReport

__all__ = ["COMMIT_EVERY", "MANIFEST_NAME", "Indexer", "create_index", "index_exists", "open_index"]

log = logging.getLogger(__name__)

MANIFEST_NAME = "searchnews-manifest.json"
MANIFEST_VERSION = 1
#: Articles written between commits.
COMMIT_EVERY = 5000
#: Memory Whoosh's writer may use before it flushes a segment, in MB.
WRITER_LIMIT_MB = 256

Progress = Callable[[int, int, str], None]


def index_exists(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` holds a Whoosh index (readable or not: :func:`open_index` tells)."""
    path = os.fspath(path)
    try:
        return any(name.startswith("_MAIN_") and name.endswith(".toc") for name in os.listdir(path))
    except OSError:
        return False


def _not_writable(path: str, exc: OSError) -> IndexNotWritable:
    if exc.errno == errno.ENOSPC:
        return IndexNotWritable(f"no space left on the disk holding {path}; the index was left as it was")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return IndexNotWritable(f"cannot write to {path}: {exc.strerror}; choose another folder with --index")
    return IndexNotWritable(f"cannot write to {path}: {exc.strerror or exc}")


def create_index(path: str | os.PathLike[str]):
    """Create an empty index at ``path`` (the folder may exist and hold other files)."""
    path = os.fspath(path)
    try:
        os.makedirs(path, exist_ok=True)
        ix = whoosh_index.create_in(path, S.make_schema())
        manifest = os.path.join(path, MANIFEST_NAME)
        if os.path.exists(manifest):
            os.remove(manifest)
    except OSError as exc:
        raise _not_writable(path, exc) from None
    return ix


def open_index(path: str | os.PathLike[str]):
    """Open the index at ``path``; raises :class:`IndexNotFound` or :class:`IndexCorrupt`."""
    path = os.fspath(path)
    if not index_exists(path):
        raise IndexNotFound(f"no index at {path}; build one with: searchnews index PATH --index {path}")
    try:
        ix = whoosh_index.open_dir(path)
    except (EmptyIndexError, IndexVersionError) as exc:
        raise IndexCorrupt(f"the index at {path} cannot be opened ({exc}); rebuild it with "
                           f"searchnews index PATH --rebuild") from None
    except Exception as exc:
        raise IndexCorrupt(f"the index at {path} is damaged ({type(exc).__name__}: {exc}); rebuild it with "
                           f"searchnews index PATH --rebuild") from None
    missing = set(S.make_schema().names()) - set(ix.schema.names())
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


def _document(article: Article) -> dict:
    doc = {
        S.ID: article.id,
        S.PATH: article.path or "",
        S.HEADLINE: article.headline,
        S.BODY: S.PARAGRAPH_SEPARATOR.join(article.body),
        S.CAPTIONS: S.CAPTION_SEPARATOR.join(article.captions),
        S.SOURCE: article.source or "",
        S.AUTHORS: S.AUTHOR_SEPARATOR.join(article.authors),
        S.PLACE: article.place or "",
        S.URL: article.url or "",
        S.LANGUAGE: article.language or "",
    }
    if article.date:
        doc[S.DATE] = article.date
        doc[S.PUBLISHED] = article.date.isoformat()
    return {k: v for k, v in doc.items() if v != ""}


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


class Indexer:
    """Brings an index up to date with files on disk (one :meth:`run` per ``index`` command)."""

    def __init__(self, ix, folder: str, *, commit_every: int = COMMIT_EVERY) -> None:
        self.ix = ix
        self.folder = folder
        self.commit_every = commit_every

    def _writer(self):
        try:
            return self.ix.writer(limitmb=WRITER_LIMIT_MB)
        except LockError:
            raise IndexLocked(f"another searchnews process is writing to {self.folder}; "
                              f"wait for it to finish and run this again") from None
        except OSError as exc:
            raise _not_writable(self.folder, exc) from None

    def run(self, paths: Iterable[str | os.PathLike[str]], *, progress: Progress | None = None,
            follow_symlinks: bool = False) -> IndexReport:
        """Index new and changed files under ``paths``, delete vanished ones; return the report.

        Stages:
            1. walk the paths and list the corpus files;
            2. compare them with the manifest: new, changed, unchanged, gone;
            3. delete the articles of changed and vanished files;
            4. read, clean and add the new and changed files, committing in batches;
            5. commit, and write the manifest.
        On ``KeyboardInterrupt`` the current batch is committed and the
        report says the run was interrupted.
        """
        started = time.perf_counter()
        # 1. walk
        roots = [os.path.abspath(os.fspath(p)) for p in paths]
        files: list[SourceFile] = []
        rejected: list[FileProblem] = []
        for item in walk(roots, follow_symlinks=follow_symlinks):
            (files if isinstance(item, SourceFile) else rejected).append(item)
        if not files and not rejected:
            raise CorpusError(f"nothing to index: no files under {', '.join(roots)}")
        # 2. compare
        manifest = _Manifest.load(self.folder)
        fresh_index = self.ix.doc_count_all() == 0
        # After a crash between commit and manifest the index may hold files the manifest lacks.
        trusted = manifest.generation == self.ix.latest_generation() or fresh_index
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
        counts = {"added": 0, "updated": 0, "deleted": 0}
        warnings: list[FileProblem] = []
        bytes_read = files_indexed = 0
        interrupted = False
        pending: dict[str, dict | None] = {}  # manifest changes since the last commit
        ids_this_run: dict[str, str] = {}
        writer = self._writer()
        batch = 0

        def commit() -> None:
            nonlocal writer, batch
            try:
                writer.commit()
            except OSError as exc:
                writer.cancel()
                raise _not_writable(self.folder, exc) from None
            for path, entry in pending.items():
                if entry is None:
                    manifest.files.pop(path, None)
                else:
                    manifest.files[path] = entry
            pending.clear()
            try:
                manifest.save(self.ix.latest_generation())
            except OSError as exc:
                raise _not_writable(self.folder, exc) from None
            batch = 0

        try:
            # 3. delete vanished files
            for path in gone:
                writer.delete_by_term(S.PATH, path)
                counts["deleted"] += len(manifest.files[path].get("ids", ()))
                pending[path] = None
            # 4. read, clean, add
            total = len(todo)
            for number, source in enumerate(todo, 1):
                if progress:
                    progress(number - 1, total, source.path)
                articles: list[Article] = []
                for item in read_file(source):
                    if isinstance(item, Article):
                        articles.append(item)
                    elif item.skipped:
                        rejected.append(item)
                    else:
                        warnings.append(item)
                old = manifest.files.get(source.path)
                old_ids = set(old.get("ids", ())) if old else set()
                if old is not None or not trusted:
                    writer.delete_by_term(S.PATH, source.path)
                new_ids = []
                for article in articles:
                    if article.id in ids_this_run and ids_this_run[article.id] != source.path:
                        warnings.append(FileProblem(source.path, f"article id {article.id!r} also in "
                                                    f"{ids_this_run[article.id]}; this copy replaces it",
                                                    skipped=False))
                    if article.id in ids_this_run:
                        # Whoosh deletes only committed documents: commit so the earlier copy goes.
                        commit()
                        writer = self._writer()
                    # A fresh index can take plain adds, unless an explicit id repeats within the run.
                    if article.id in ids_this_run or not trusted or not fresh_index:
                        writer.update_document(**_document(article))
                    else:
                        writer.add_document(**_document(article))
                    ids_this_run[article.id] = source.path
                    if article.id in old_ids:
                        counts["updated"] += 1
                    else:
                        counts["added"] += 1
                    new_ids.append(article.id)
                counts["deleted"] += len(old_ids - set(new_ids))
                pending[source.path] = {"sig": source.signature, "ids": new_ids}
                bytes_read += source.size
                files_indexed += 1
                batch += len(articles)
                if batch >= self.commit_every:
                    commit()
                    writer = self._writer()
            if progress:
                progress(total, total, "")
            # 5. commit
            commit()
        except KeyboardInterrupt:
            interrupted = True
            try:
                commit()
            except Exception:
                writer.cancel()
        except BaseException:
            writer.cancel()
            raise
        return IndexReport(
            files_seen=len(files) + len([p for p in rejected if p.line is None and p.path not in seen]),
            files_indexed=files_indexed,
            files_unchanged=unchanged_files,
            added=counts["added"],
            updated=counts["updated"],
            deleted=counts["deleted"],
            unchanged=unchanged_articles,
            rejected=tuple(rejected),
            warnings=tuple(warnings),
            seconds=time.perf_counter() - started,
            bytes_read=bytes_read,
            interrupted=interrupted,
        )
