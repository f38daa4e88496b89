"""The time limit of a search, counted in the work it does rather than in the time that passes.

Terms:
    work time
        The CPU time of the thread running the search (:func:`time.thread_time`).
        On a loaded machine (40 queries at once on 2 cores) wall-clock time
        passes while a search waits for a CPU; counted that way, a limit of
        0.8 s left most searches no time to rank anything, and the same query
        gave different pages from one run to the next. Counted in work time, a
        search does the same work, and returns the same hits, however busy
        the machine is; it only takes longer.
    deadline
        A :class:`Deadline`: the work time at which a search stops and
        returns what it has (``partial``), and a wall-clock ceiling,
        :data:`WALL_LIMIT` seconds from its start, for the time a search
        spends waiting on the disk, which work time does not count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

__all__ = ["WALL_LIMIT", "Deadline", "work_time"]

#: However little work a search has done, it stops this many seconds (wall clock) after it began.
WALL_LIMIT = 30.0


def work_time() -> float:
    """Seconds of CPU time the current thread has used (see the module terms)."""
    return time.thread_time()


@dataclass(frozen=True)
class Deadline:
    """When a search must stop: ``work`` in :func:`work_time` seconds, ``wall`` in :func:`time.perf_counter`."""

    work: float
    wall: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """A deadline ``seconds`` of work from now (and :data:`WALL_LIMIT` of wall-clock time)."""
        return cls(work_time() + seconds, time.perf_counter() + WALL_LIMIT)

    @classmethod
    def never(cls) -> Deadline:
        return cls(float("inf"), float("inf"))

    def expired(self) -> bool:
        """True once either limit has passed."""
        return work_time() > self.work or time.perf_counter() > self.wall

    def extended(self, seconds: float) -> Deadline:
        """This deadline, or ``seconds`` of work from now if that is later (a pass that has to start gets time)."""
        return Deadline(max(self.work, work_time() + seconds), self.wall)

    def plus(self, seconds: float) -> Deadline:
        """``seconds`` of work more than this deadline."""
        return Deadline(self.work + seconds, self.wall)
