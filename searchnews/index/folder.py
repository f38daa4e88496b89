"""The index folder: which files are the index's, the write lock, and removing what a run left behind.

An index folder holds files that Whoosh and searchnews write, and nothing
else of theirs: this module knows their names exactly, so that searchnews
never deletes a file it did not write (Whoosh's own clean-up removes any
file whose name merely starts like a segment's, such as
``MAIN_electionresults1.txt``).

Terms:
    index file
        A file the index wrote: a table of contents (``_MAIN_<generation>.toc``
        and its temporary copies), a segment file (``MAIN_<16 letters or
        digits>.<codec extension>``), the lock file, Whoosh's temporary
        folder, the manifest and the story table (and their temporary or
        journal files). See :func:`is_index_file`.
    foreign file
        Anything else in the folder. A README and hidden files (names
        starting with ".") are tolerated; any other foreign file makes
        :func:`create_index` refuse the folder, so that an index is never
        made (and later rebuilt) among a user's files.
    orphan
        An index file that the current table of contents does not use: the
        segment files of a run that was killed, of a commit that failed on
        a full disk, of a compaction that was interrupted; tables of contents
        of older generations. :func:`remove_orphans` deletes them, holding
        the write lock.
    write lock
        An ``flock`` on ``MAIN_WRITELOCK``, the lock Whoosh's writers take,
        so that searchnews runs and plain Whoosh writers exclude each other.
        :class:`WriteLock` holds it for a whole run, in the parent process
        only: a forked worker closes its copy of the descriptor at once, so
        a killed parent never leaves the lock held by its workers.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
import weakref

__all__ = [
    "LOCK_NAME",
    "TEMP_NAME",
    "WriteLock",
    "foreign_entries",
    "is_index_file",
    "remove_orphans",
]

log = logging.getLogger(__name__)

#: Whoosh's index name: every table of contents and segment file starts with it.
INDEX_NAME = "MAIN"
#: The lock file (Whoosh's name for it, so that Whoosh writers and searchnews runs exclude each other).
LOCK_NAME = f"{INDEX_NAME}_WRITELOCK"
#: The folder where Whoosh's writers keep their temporary files while they write a segment.
TEMP_NAME = f"{INDEX_NAME}.tmp"
#: Files of the index that are not Whoosh's (the manifest, the story table), with their
#: temporary and journal files. Kept here, not imported, so that this module imports nothing of the index.
OWN_NAMES = frozenset({
    "searchnews-manifest.json", "searchnews-manifest.json.tmp",
    "searchnews-stories.sqlite", "searchnews-stories.sqlite-journal",
    "searchnews-stories.sqlite-wal", "searchnews-stories.sqlite-shm",
})
#: A table of contents, and the temporary file it is written to (``…toc.<time>``).
_TOC = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc(?:\.\d+(?:\.\d+)?)?$")
#: A segment file: the segment id (16 of Whoosh's id characters), then the codec's extensions
#: (whoosh3: terms .trm, postings .pst, vectors .vps, columns .col such as ``._stored.col``, compound .seg;
#: the array codec's arrays .sna, see searchnews.index.codec.ARRAYS_EXT).
_SEGMENT = re.compile(rf"^({INDEX_NAME}_[0-9a-z]{{16}})(?:\.[A-Za-z0-9_]+)*\.(?:trm|pst|vps|col|seg|sna)$")
#: Foreign files an index folder may hold: its README (the default ``./index`` has one) and hidden files.
_TOLERATED = re.compile(r"^(?:\..*|readme(?:\.[a-z]+)?)$", re.IGNORECASE)


def is_index_file(name: str) -> bool:
    """True when ``name`` (a name in the index folder) is one the index writes (see the module's terms)."""
    return bool(name in OWN_NAMES or name in (LOCK_NAME, TEMP_NAME) or _TOC.match(name) or _SEGMENT.match(name))


def foreign_entries(folder: str) -> list[str]:
    """The names in ``folder`` that are neither index files nor tolerated (a README, hidden files), sorted."""
    try:
        names = os.listdir(folder)
    except OSError:  # missing, or not a folder: whoever creates it reports that
        return []
    return sorted(name for name in names if not is_index_file(name) and not _TOLERATED.match(name))


def _segment_of(name: str) -> str | None:
    found = _SEGMENT.match(name)
    return found.group(1) if found else None


def remove_orphans(folder: str, generation: int, segment_ids: set[str], *, temp: bool = True) -> int:
    """Delete the index files that the table of contents ``generation`` (with ``segment_ids``) does not use.

    Call it holding the write lock, with no writer of this run at work
    (workers write segment files that no table of contents names yet).
    ``temp`` also empties Whoosh's temporary folder. Returns how many files
    were deleted; files that cannot be deleted are left (a later run tries again).
    """
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        toc = _TOC.match(name)
        segment = _segment_of(name)
        orphan = (toc is not None and (int(toc.group(1)) != generation or name.count(".") > 1)) or (
            segment is not None and segment not in segment_ids)
        if name == "searchnews-manifest.json.tmp":
            orphan = True
        if orphan:
            try:
                os.remove(os.path.join(folder, name))
                removed += 1
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.info("could not remove %s from the index folder: %s", name, exc)
    if temp:
        with contextlib.suppress(OSError):
            shutil.rmtree(os.path.join(folder, TEMP_NAME))
    if removed:
        log.info("removed %d files left in %s by an earlier run", removed, folder)
    return removed


# ---------------------------------------------------------------------------
# the write lock

#: The locks this process holds, closed in every child it forks (see :func:`_close_in_child`).
_HELD: weakref.WeakSet[WriteLock] = weakref.WeakSet()


def _close_in_child() -> None:
    """After a fork, in the child: close the descriptors of the locks the parent holds.

    An ``flock`` belongs to the open file, which a forked child shares; a
    child that kept the descriptor would keep the lock alive after its parent
    died. Closing (not unlocking: that would release the parent's lock too)
    drops the child's share.
    """
    for lock in list(_HELD):
        fd, lock._fd = lock._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


class WriteLock:
    """The index's write lock (see the module's terms); ``acquire`` returns False when another process holds it."""

    def __init__(self, folder: str) -> None:
        self.path = os.path.join(folder, LOCK_NAME)
        self._fd: int | None = None
        self._whoosh = None  # where fcntl is missing: Whoosh's own lock

    @property
    def held(self) -> bool:
        return self._fd is not None or self._whoosh is not None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process (or another object here) holds it."""
        if self.held:
            return True
        try:
            import fcntl
        except ImportError:  # Windows: no fork either, so Whoosh's lock will do
            from whoosh.util.filelock import FileLock

            lock = FileLock(self.path)
            if not lock.acquire(blocking=False):
                return False
            self._whoosh = lock
            return True
        fd = os.open(self.path, os.O_CREAT | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        self._fd = fd
        _HELD.add(self)
        return True

    def release(self) -> None:
        """Release the lock (nothing happens when it is not held)."""
        if self._whoosh is not None:
            lock, self._whoosh = self._whoosh, None
            lock.release()
            return
        fd, self._fd = self._fd, None
        _HELD.discard(self)
        if fd is not None:
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __enter__(self) -> WriteLock:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()
