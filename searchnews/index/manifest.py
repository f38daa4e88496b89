"""The manifest: what the index holds from each corpus file, written after every commit.

``searchnews-manifest.json`` in the index folder maps each file's path to
an *entry*:

    ``sig``
        The file's signature (size and modification time in ns) when it was
        read; a file whose signature is unchanged is not read again.
    ``ids``
        The ids of the file's articles that are in the index.
    ``lost``
        (Only when there are some.) Ids of articles of the file that are not
        in the index because another file's article has the same id and wins
        (see :mod:`searchnews.index.writing`, "id collisions"). When the
        winner goes, the file is read again.
    ``next``
        (Only while a big file is being indexed in parts.) ``[offset, number]``:
        where the first part not yet committed starts, in bytes, and its
        first line or record number. The next run resumes there.

The manifest also records the index ``generation`` it describes: when it is
not the index's latest one (a run was killed between a commit and the
manifest write), the run reconciles the index with the manifest before it
trusts either.

A manifest that cannot be read, or that is valid JSON of the wrong shape,
is logged and replaced by an empty one: every file is then read again, and
nothing is lost.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["MANIFEST_NAME", "MANIFEST_VERSION", "Entry", "Manifest"]

log = logging.getLogger(__name__)

MANIFEST_NAME = "searchnews-manifest.json"
MANIFEST_VERSION = 1


@dataclass
class Entry:
    """What the index holds from one file (see the module docstring)."""

    sig: list[int] | None
    ids: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    next: tuple[int, int] | None = None

    def to_json(self) -> dict:
        data: dict = {"sig": self.sig, "ids": self.ids}
        if self.lost:
            data["lost"] = self.lost
        if self.next is not None:
            data["next"] = list(self.next)
        return data

    @classmethod
    def from_json(cls, data: object) -> Entry:
        """The entry for ``data``; raises ValueError when it is not an entry's shape."""
        if not isinstance(data, dict):
            raise ValueError("a file entry is not an object")
        sig = data.get("sig")
        if not (sig is None or (isinstance(sig, list) and len(sig) == 2
                                and all(type(n) is int and n >= 0 for n in sig))):
            raise ValueError("a file signature is not two counts")
        ids, lost = data.get("ids", []), data.get("lost", [])
        for name, value in (("ids", ids), ("lost", lost)):
            if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
                raise ValueError(f"a file's {name} are not a list of strings")
        resume = data.get("next")
        if resume is not None and not (isinstance(resume, list) and len(resume) == 2
                                       and all(type(n) is int and n >= 0 for n in resume)):
            raise ValueError("a file's resume point is not two counts")
        return cls(sig, list(ids), list(lost), tuple(resume) if resume is not None else None)


@dataclass
class Manifest:
    """The manifest of an index folder: ``files`` maps a path to its :class:`Entry`."""

    path: str
    generation: int = -1
    files: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: str) -> Manifest:
        """The manifest in ``folder``; an empty one when it is missing, unreadable or malformed."""
        path = os.path.join(folder, MANIFEST_NAME)
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            if data.get("version") != MANIFEST_VERSION:
                raise ValueError("unknown manifest version")
            generation = data.get("generation", -1)
            if type(generation) is not int:
                raise ValueError("the generation is not a number")
            files = data.get("files")
            if not isinstance(files, dict):
                raise ValueError("'files' is not an object")
            return cls(path, generation, {str(p): Entry.from_json(e) for p, e in files.items()})
        except FileNotFoundError:
            return cls(path)
        except (ValueError, OSError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            log.warning("manifest %s unreadable (%s); every file will be read again", path, exc)
            return cls(path)

    def save(self, generation: int) -> None:
        """Write the manifest for index ``generation`` (atomically: a temporary file, fsync, rename)."""
        self.generation = generation
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"version": MANIFEST_VERSION, "generation": generation,
                       "files": {path: entry.to_json() for path, entry in self.files.items()}}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def article_count(self) -> int:
        """How many articles the manifest says the index holds."""
        return sum(len(entry.ids) for entry in self.files.values())

    def owners(self) -> dict[str, str]:
        """Article id -> the path of the file whose article with that id is in the index."""
        return {article_id: path for path, entry in self.files.items() for article_id in entry.ids}

    def losers(self) -> dict[str, set[str]]:
        """Article id -> the paths of the files that hold an article with that id that lost (see ``lost``)."""
        found: dict[str, set[str]] = {}
        for path, entry in self.files.items():
            for article_id in entry.lost:
                found.setdefault(article_id, set()).add(path)
        return found

    def ids_of(self, paths: Iterator[str] | list[str] | set[str]) -> Iterator[str]:
        """The ids in the index of the files at ``paths`` (those in the manifest)."""
        for path in paths:
            entry = self.files.get(path)
            if entry is not None:
                yield from entry.ids
