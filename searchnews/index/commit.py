"""Commits: the next version of the index, written by the process that holds the write lock.

Whoosh keeps an index version as a *table of contents* (``_MAIN_<generation>.toc``):
the schema and the list of segments, each with the set of its deleted
documents. A commit writes the next table of contents (a temporary file,
then a rename: readers see the old version or the new one, never a mix).

:class:`Transaction` is that commit without Whoosh's ``SegmentWriter``:
it deletes documents by marking them in the segments' deletion sets, adds
segments written elsewhere (by workers, or by a writer in this process),
and writes the table of contents. Unlike Whoosh's writer it takes no lock
of its own (the run holds :class:`searchnews.index.folder.WriteLock` from
start to end, so no other writer can slip in between two commits), creates
no segment files it might leave behind, and removes only files it knows to
be the index's (:func:`searchnews.index.folder.remove_orphans`).

Terms:
    segment
        A Whoosh segment object (``W3Segment``): its id, document count and
        deleted documents. Its files are written once and never change.
    local document number
        A document's number inside its segment.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from whoosh.index import TOC
from whoosh.reading import SegmentReader

from .codec import read_toc
from .folder import remove_orphans

__all__ = ["Transaction"]

log = logging.getLogger(__name__)


class Transaction:
    """The segments of the index as of its last commit, changed in memory until :meth:`commit`.

    ``ix`` is the Whoosh index; open one right after taking the write lock.
    """

    def __init__(self, ix) -> None:
        self.ix = ix
        toc = read_toc(ix)
        self.schema = toc.schema
        self.generation = toc.generation
        self.segments: list = list(toc.segments)
        self._readers: dict[str, SegmentReader] = {}
        self.changed = False

    # -- reading -------------------------------------------------------------------------------
    def _reader(self, segment) -> SegmentReader:
        reader = self._readers.get(segment.segment_id())
        if reader is None:
            reader = SegmentReader(self.ix.storage, self.schema, segment, generation=self.generation)
            self._readers[segment.segment_id()] = reader
        return reader

    def live_docs(self, fieldname: str, text: str) -> Iterator[tuple[object, int]]:
        """``(segment, local document number)`` of every live document with this term."""
        for segment in self.segments:
            if not segment.doc_count():
                continue
            reader = self._reader(segment)
            if (fieldname, text) not in reader:
                continue
            for docnum in reader.postings(fieldname, text).all_ids():
                if not segment.is_deleted(docnum):
                    yield segment, docnum

    def live_counts(self, fieldname: str) -> dict[str, int]:
        """Each term of a field (an id, a path) and how many live documents have it (read from the terms)."""
        counts: dict[str, int] = {}
        field = self.schema[fieldname]
        for segment in self.segments:
            if not segment.doc_count():
                continue
            reader = self._reader(segment)
            deletions = segment.has_deletions()
            for text, info in reader.iter_field(fieldname):
                if deletions:
                    live = sum(1 for docnum in reader.postings(fieldname, field.from_bytes(text)).all_ids()
                               if not segment.is_deleted(docnum))
                else:
                    live = info.doc_frequency()
                if live:
                    term = field.from_bytes(text)
                    counts[term] = counts.get(term, 0) + live
        return counts

    def stored(self, segment, docnum: int) -> dict:
        """The stored fields of a document."""
        return self._reader(segment).stored_fields(docnum)

    def doc_count(self) -> int:
        """Live documents in the segments (with the deletions made so far)."""
        return sum(segment.doc_count() for segment in self.segments)

    # -- changing ------------------------------------------------------------------------------
    def delete_by_term(self, fieldname: str, text: str) -> int:
        """Delete every live document with this term; returns how many."""
        found = list(self.live_docs(fieldname, text))
        for segment, docnum in found:
            segment.delete_document(docnum)
        self.changed = self.changed or bool(found)
        return len(found)

    def delete(self, segment, docnum: int) -> None:
        """Delete one document (of a segment of the index or of one about to be added)."""
        if not segment.is_deleted(docnum):
            segment.delete_document(docnum)
            self.changed = True

    def add(self, segments: Iterable) -> None:
        """Add segments written by workers (or by a writer of this process) to the next version."""
        for segment in segments:
            if segment is not None:
                self.segments.append(segment)
                self.changed = True

    def replace(self, old: list, new: list) -> None:
        """Put the segments ``new`` in place of ``old`` (a merge of them)."""
        gone = {segment.segment_id() for segment in old}
        self.segments = [s for s in self.segments if s.segment_id() not in gone] + [s for s in new if s is not None]
        for segment_id in gone:
            reader = self._readers.pop(segment_id, None)
            if reader is not None:
                reader.close()
        self.changed = True

    def commit(self) -> int:
        """Write the next table of contents, remove the files no version uses any more; returns its generation.

        Segments without a live document are dropped from it.
        """
        self.close_readers()
        self.segments = [segment for segment in self.segments if segment.doc_count()]
        generation = self.generation + 1
        TOC(self.schema, self.segments, generation).write(self.ix.storage, self.ix.indexname)
        self.generation = generation
        self.changed = False
        remove_orphans(self.ix.storage.folder, generation, {s.segment_id() for s in self.segments}, temp=False)
        return generation

    def close_readers(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()
