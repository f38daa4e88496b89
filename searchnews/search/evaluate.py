"""Vectorized query evaluation: a Whoosh query tree → every matching document and its score, with numpy.

Whoosh evaluates a query with a tree of matchers that advance one document
at a time in Python, scoring each match as it goes. Over the arrays of the
array codec (:mod:`searchnews.index.codec`) the same tree is evaluated a
whole posting list at a time: a term's documents and BM25F scores are two
arrays computed in one expression, ``OR`` is a union of arrays, ``AND`` an
intersection, a phrase an intersection of (document, position) keys.

The scores are Whoosh's: the same BM25F formula (:class:`searchnews.index.schema.NewsBM25F`,
global IDF and average lengths from the top searcher), the same boosts and
the same rules for each query type, so Whoosh's matcher path over the same
index is the reference (``tests/test_evaluate.py`` compares the two on every
query form). Sums may be added in another order than Whoosh's matcher tree
adds them, so scores agree to about 1e-12, not always to the last bit.

Terms:
    matches
        A :class:`Matches`: the global document numbers matching a query,
        ascending, and their scores (``None`` when the caller asked for no
        scores, to decide only which documents match).
    segment
        One of the index's Whoosh segments; a global document number is the
        segment's offset plus the document's number in the segment.
    fallback
        A query type that is not vectorized here is evaluated by Whoosh's
        own matchers, read once per segment into arrays (:meth:`Evaluator.via_matchers`).
        Its results then combine with the vectorized parts as usual.
    live
        Not deleted. Deleted documents stay in posting lists until a merge;
        they are taken out of every result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query, scoring
from whoosh.query import Query, compound
from whoosh.query.qcore import _NullQuery

from ..index.codec import (
    ArraySegment,
    FieldArrays,
    bm25_b,
    compiled_range,
    expanded_words,
    segment_arrays,
    term_location,
)

__all__ = ["Evaluator", "MatcherEvaluator", "Matches", "supports"]

#: A union is accumulated in a dense array of all documents when its parts hold more than
#: ``doc_count / DENSE_RATIO`` postings in all; below that, sparse arrays are merged.
DENSE_RATIO = 16
#: Results of term queries cached per evaluator (the all-words, any-word and boost queries of
#: one search share their terms).
TERM_CACHE_SIZE = 512

#: Term lookups remembered per segment (see :meth:`_Segment.postings`).
LOOKUP_MEMO_SIZE = 100_000
_UNKNOWN = object()
_EMPTY_DOCS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Matches:
    """Matching documents (global numbers, ascending) and their scores (``None`` when not scored)."""

    docs: np.ndarray
    scores: np.ndarray | None

    def __len__(self) -> int:
        return len(self.docs)

    @classmethod
    def empty(cls, scored: bool) -> Matches:
        return cls(_EMPTY_DOCS, _EMPTY_SCORES if scored else None)

    def boosted(self, boost: float) -> Matches:
        if boost == 1.0 or self.scores is None:
            return self
        return Matches(self.docs, self.scores * boost)

    def only(self, keep: np.ndarray) -> Matches:
        """These matches where the boolean array ``keep`` (aligned with :attr:`docs`) is true."""
        return Matches(self.docs[keep], None if self.scores is None else self.scores[keep])


class _Segment:
    """One segment as the evaluator sees it: its reader, offset, arrays and live documents."""

    __slots__ = ("arrays", "count", "deleted", "offset", "reader", "searcher")

    def __init__(self, searcher, offset: int) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.count = self.reader.doc_count_all()
        self.arrays = segment_arrays(self.reader)
        deleted = self.reader.segment().deleted_docs() if self.reader.has_deletions() else ()
        self.deleted = np.sort(np.fromiter(deleted, dtype=np.int64)) if deleted else None

    def field(self, name: str) -> FieldArrays | None:
        return self.arrays.field(name) if self.arrays.has_field(name) else None

    def postings(self, fieldname: str, tbytes: bytes) -> tuple[FieldArrays, int, int, int] | None:
        """(field arrays, first posting, document frequency, first position) of a term, or ``None``.

        Remembered with the segment's arrays (they live as long as its reader), so the words
        searches share are looked up in the term table once.
        """
        memo = self.arrays.lookups
        key = (fieldname, tbytes)
        found = memo.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = term_location(self.reader, fieldname, tbytes)
            if len(memo) >= LOOKUP_MEMO_SIZE:
                memo.clear()
            memo[key] = found
        return None if found is None else (self.arrays.field(fieldname), *found)


def supports(searcher) -> bool:
    """True when the evaluator can stand in for Whoosh's matchers on this searcher.

    That is: every segment was written by the array codec, and the searcher
    scores with BM25F (the model the evaluator computes).
    """
    if not isinstance(searcher.weighting, scoring.BM25F):
        return False
    reader = searcher.reader()
    leaves = [reader] if reader.is_atomic() else [r for r, _ in reader.leaf_readers()]
    return all(isinstance(r.segment(), ArraySegment) for r in leaves if hasattr(r, "segment"))


class Evaluator:
    """Evaluates Whoosh queries over one searcher's view of an index (see the module terms).

    Not thread-safe (it caches term results); make one per searcher and thread.
    """

    def __init__(self, searcher, deadline=None) -> None:
        self.searcher = searcher
        self.deadline = deadline
        self.partial = False
        self.schema = searcher.schema
        self.weighting = searcher.weighting
        self.doc_count = searcher.doc_count_all()
        if searcher.is_atomic():
            self.segments = [_Segment(searcher, 0)] if self.doc_count else []
        else:
            self.segments = [_Segment(sub, offset) for sub, offset in searcher.subsearchers]
        deleted = [s.deleted + s.offset for s in self.segments if s.deleted is not None]
        self.deleted = np.concatenate(deleted) if deleted else None  # ascending: segments are in order
        self._terms: dict[tuple, Matches] = {}

    # -- the public entry points ---------------------------------------------
    def evaluate(self, q: Query, scored: bool = True) -> Matches:
        """The live documents matching ``q``, with Whoosh's scores when ``scored``."""
        found = self._eval(q, scored)
        if isinstance(found, _Inverse):
            found = self._complement(found.matches, found.score, scored)
        return self._live(found)

    def all_live(self) -> np.ndarray:
        """Every live document number."""
        docs = np.arange(self.doc_count, dtype=np.int64)
        if self.deleted is not None:
            docs = np.setdiff1d(docs, self.deleted, assume_unique=True)
        return docs

    def via_matchers(self, q: Query, scored: bool = True) -> Matches:
        """The fallback: Whoosh's matchers for ``q`` on each segment, read into arrays."""
        found, partial = _read_matchers(self, q, scored, self.deadline)
        self.partial = self.partial or partial
        return found

    # -- the tree ------------------------------------------------------------
    def _eval(self, q: Query, scored: bool):
        if isinstance(q, _NullQuery):
            return Matches.empty(scored)
        method = _DISPATCH.get(type(q))
        if method is None and isinstance(q, (query.MultiTerm, query.NumericRange)):
            method = Evaluator._multiterm if isinstance(q, query.MultiTerm) else Evaluator._numeric_range
        if method is None:  # anything else (and subclasses with other rules, such as Ordered)
            return self.via_matchers(q, scored)
        return method(self, q, scored)

    def _positive(self, q: Query, scored: bool) -> Matches:
        found = self._eval(q, scored)
        if isinstance(found, _Inverse):
            return self._complement(found.matches, found.score, scored)
        return found

    def _term(self, q: query.Term, scored: bool) -> Matches:
        field = self.schema[q.fieldname] if q.fieldname in self.schema else None
        if field is None:
            return Matches.empty(scored)
        try:
            tbytes = field.to_bytes(q.text)
        except ValueError:
            return Matches.empty(scored)
        return self._term_bytes(q.fieldname, tbytes, scored).boosted(q.boost)

    def _term_bytes(self, fieldname: str, tbytes: bytes, scored: bool) -> Matches:
        """A term's live and deleted documents with their unboosted scores (cached)."""
        key = (fieldname, tbytes, scored)
        cached = self._terms.get(key)
        if cached is not None:
            return cached
        if self.deadline is not None and self.deadline.expired():
            self.partial = True  # past the time limit: the words not read yet match nothing
            return Matches.empty(scored)
        field = self.schema[fieldname]
        docs_parts, score_parts = [], []
        scorer = None
        for segment in self.segments:
            found = segment.postings(fieldname, tbytes)
            if found is None:
                continue
            arrays, start, count, _ = found
            local = arrays.docs[start:start + count]
            docs_parts.append(local.astype(np.int64) + segment.offset)
            if not scored:
                continue
            if scorer is None:
                scorer = self._scorer(fieldname, tbytes)
            weights = arrays.freqs[start:start + count] * float(field.format.field_boost)
            score_parts.append(scorer(weights, arrays.lengths, local))
        if not docs_parts:
            result = Matches.empty(scored)
        else:
            result = Matches(np.concatenate(docs_parts), np.concatenate(score_parts) if scored else None)
        if len(self._terms) >= TERM_CACHE_SIZE:
            self._terms.clear()
        self._terms[key] = result
        return result

    def _scorer(self, fieldname: str, tbytes: bytes):
        """``score(weights, lengths, local docs)`` for one term: BM25F as in Whoosh's ``BM25FScorer``."""
        weighting = self.weighting
        if not self.schema[fieldname].scorable:  # Whoosh's WeightScorer: the weight is the score
            return lambda weights, lengths, docs: weights.astype(np.float64)
        parent = self.searcher.get_parent()
        idf = parent.idf(fieldname, tbytes)
        avgfl = parent.avg_field_length(fieldname) or 1
        b = bm25_b(weighting, fieldname)
        k1 = weighting.K1

        def score(weights, lengths, docs):
            tf = weights.astype(np.float64)
            if lengths is None:
                fl = np.ones(len(docs), dtype=np.float64)
            else:
                fl = lengths[docs].astype(np.float64)
                fl[fl == 0] = 1  # Whoosh's default length for a document without the field
            return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

        return score

    def _phrase(self, q: query.Phrase, scored: bool) -> Matches:
        field = self.schema[q.fieldname] if q.fieldname in self.schema else None
        if field is None or not field.format or not field.format.supports("positions"):
            return self.via_matchers(q, scored)
        try:
            words = [field.to_bytes(w) for w in q.words]
        except ValueError:
            return Matches.empty(scored)
        sloppy = q.slop != 1
        if len(words) < 2 or (sloppy and (len(words) != 2 or q.slop < 1)) or getattr(q, "char_ranges", None):
            return self.via_matchers(q, scored)  # longer phrases with slop: Whoosh's spans
        docs_parts = []
        for segment in self.segments:
            found = [segment.postings(q.fieldname, w) for w in words]
            if any(f is None for f in found):
                continue
            arrays = found[0][0]
            if arrays.positions is None:
                return self.via_matchers(q, scored)
            lists = [arrays.docs[start:start + count] for _, start, count, _ in found]
            candidates = lists[0]
            for docs in lists[1:]:
                candidates = np.intersect1d(candidates, docs, assume_unique=True)
                if not len(candidates):
                    break
            if not len(candidates):
                continue
            # Each word's occurrences in the candidates as keys (document << 32 | position - its place
            # in the phrase): the phrase starts where every word has the same key.
            keys = None
            for index, ((_, start, count, pos_start), docs) in enumerate(zip(found, lists, strict=True)):
                chosen = np.flatnonzero(np.isin(docs, candidates, assume_unique=True))
                freqs = arrays.freqs[start:start + count].astype(np.int64)
                firsts = pos_start + np.cumsum(freqs) - freqs
                take = freqs[chosen]
                gather = np.repeat(firsts[chosen] - (np.cumsum(take) - take), take) + np.arange(take.sum())
                positions = arrays.positions[gather].astype(np.int64) - (0 if sloppy else index)
                owners = np.repeat(docs[chosen].astype(np.int64), take)
                here = (owners << 32) | (positions & 0xFFFFFFFF)
                here = here[positions >= 0]
                if sloppy and keys is not None:
                    # two words, in order, the second 1 to ``slop`` positions after the first (Whoosh's SpanNear2)
                    keys = np.unique(np.concatenate([np.intersect1d(keys + gap, here, assume_unique=True)
                                                     for gap in range(1, q.slop + 1)]))
                else:
                    keys = here if keys is None else np.intersect1d(keys, here, assume_unique=True)
                if not len(keys):
                    break
            if keys is not None and len(keys):
                docs_parts.append(np.unique(keys >> 32) + segment.offset)
        if not docs_parts:
            return Matches.empty(scored)
        docs = np.concatenate(docs_parts)
        if not scored:
            return Matches(docs, None)
        # Whoosh scores a phrase as the sum of its words' scores (an intersection of term matchers).
        total = np.zeros(len(docs), dtype=np.float64)
        for word in words:
            term = self._term_bytes(q.fieldname, word, True)
            index = np.searchsorted(term.docs, docs)
            total += term.scores[index]
        return Matches(docs, total).boosted(q.boost)

    def _multiterm(self, q: query.MultiTerm, scored: bool) -> Matches:
        """Prefix, wildcard, fuzzy and term-range queries: the words each segment has, as Whoosh does."""
        field = self.schema[q.field()] if q.field() in self.schema else None
        if field is None:
            return Matches.empty(scored)
        words: dict[bytes, None] = {}
        per_segment = []
        for segment in self.segments:
            found = [w if isinstance(w, bytes) else field.to_bytes(w) for w in expanded_words(q, segment.reader) if w]
            per_segment.append(found)
            words.update(dict.fromkeys(found))
        if not words:
            return Matches.empty(scored)
        if all(len(found) <= 1 for found in per_segment) and len(words) == 1:
            # one word: Whoosh uses that word's term matcher alone, without the query's boost
            return self._term_bytes(q.field(), next(iter(words)), scored)
        parts = []
        for segment, found in zip(self.segments, per_segment, strict=True):
            if not found:
                continue
            constant = scored and len(found) > 1 and q.constantscore
            terms = [self._term_bytes(q.field(), w, scored and not constant) for w in found]
            low, high = segment.offset, segment.offset + segment.count
            union = self._union([_slice(t, low, high) for t in terms], scored and not constant)
            if constant:  # Whoosh scores the union of several words unweighted: the query's boost
                union = Matches(union.docs, np.full(len(union.docs), float(q.boost)))
            elif len(found) > 1:
                union = union.boosted(q.boost)
            parts.append(union)
        return _concat(parts, scored)

    def _numeric_range(self, q, scored: bool) -> Matches:
        compiled = compiled_range(q, self.searcher.reader())
        return self._positive(compiled, scored)

    def _constant(self, q: query.ConstantScoreQuery, scored: bool) -> Matches:
        found = self._positive(q.child, scored)
        if not scored:
            return found
        return Matches(found.docs, np.full(len(found.docs), float(q.score)))

    def _or(self, q: query.Or, scored: bool):
        if getattr(q, "minmatch", 0) or getattr(q, "scale", None):
            return self.via_matchers(q, scored)
        children = [self._eval(child, scored) for child in q.subqueries]
        inverses = [c for c in children if isinstance(c, _Inverse)]
        positives = [c for c in children if not isinstance(c, _Inverse)]
        for inverse in inverses:
            positives.append(self._complement(inverse.matches, inverse.score, scored))
        return self._union(positives, scored).boosted(q.boost)

    def _and(self, q: query.And, scored: bool):
        children = [self._eval(child, scored) for child in q.subqueries]
        positives = [c for c in children if not isinstance(c, _Inverse)]
        inverses = [c for c in children if isinstance(c, _Inverse)]
        if not positives:
            positives = [self._complement(inverses[0].matches, inverses[0].score, scored)]
            inverses = inverses[1:]
        found = self._intersect(positives, scored)
        for inverse in inverses:
            keep = ~_contains(inverse.matches.docs, found.docs)
            found = found.only(keep)
            if scored:
                found = Matches(found.docs, found.scores + inverse.score)
        return found.boosted(q.boost)

    def _and_not(self, q: query.AndNot, scored: bool) -> Matches:
        positive = self._positive(q.a, scored)
        negative = self._positive(q.b, False)
        return positive.only(~_contains(negative.docs, positive.docs))

    def _and_maybe(self, q: query.AndMaybe, scored: bool) -> Matches:
        required = self._positive(q.a, scored)
        if not scored:
            return required
        optional = self._positive(q.b, True)
        index = np.searchsorted(optional.docs, required.docs)
        index[index >= len(optional.docs)] = 0
        hit = optional.docs[index] == required.docs if len(optional.docs) else np.zeros(len(required), bool)
        scores = required.scores.copy()
        scores[hit] += optional.scores[index[hit]]
        return Matches(required.docs, scores)

    def _require(self, q: query.Require, scored: bool) -> Matches:
        scoring = self._positive(q.a, scored)
        required = self._positive(q.b, False)
        return scoring.only(_contains(required.docs, scoring.docs))

    def _not(self, q: query.Not, scored: bool):
        return _Inverse(self._positive(q.query, False), 1.0)

    def _every(self, q: query.Every, scored: bool) -> Matches:
        if q.fieldname not in (None, "", "*"):
            return self.via_matchers(q, scored)
        docs = self.all_live()
        return Matches(docs, np.full(len(docs), float(q.boost)) if scored else None)

    # -- set operations --------------------------------------------------------
    def _union(self, parts: list[Matches], scored: bool) -> Matches:
        parts = [p for p in parts if len(p)]
        if not parts:
            return Matches.empty(scored)
        if len(parts) == 1:
            return parts[0]
        total = sum(len(p) for p in parts)
        if total * DENSE_RATIO > self.doc_count:
            hit = np.zeros(self.doc_count, dtype=bool)
            sums = np.zeros(self.doc_count, dtype=np.float64) if scored else None
            for part in parts:
                hit[part.docs] = True
                if scored:
                    sums[part.docs] += part.scores  # a part holds each document once
            docs = np.flatnonzero(hit)
            return Matches(docs, sums[docs] if scored else None)
        docs = np.concatenate([p.docs for p in parts])
        order = np.argsort(docs, kind="stable")
        docs = docs[order]
        first = np.ones(len(docs), dtype=bool)
        first[1:] = docs[1:] != docs[:-1]
        starts = np.flatnonzero(first)
        scores = None
        if scored:
            scores = np.add.reduceat(np.concatenate([p.scores for p in parts])[order], starts)
        return Matches(docs[starts], scores)

    def _intersect(self, parts: list[Matches], scored: bool) -> Matches:
        parts = sorted(parts, key=len)
        found = parts[0]
        docs = found.docs
        scores = found.scores.copy() if scored else None
        for part in parts[1:]:
            if not len(docs):
                break
            index = np.searchsorted(part.docs, docs)
            index[index >= len(part.docs)] = 0
            keep = part.docs[index] == docs if len(part.docs) else np.zeros(len(docs), dtype=bool)
            docs = docs[keep]
            if scored:
                scores = scores[keep] + part.scores[index[keep]]
        return Matches(docs, scores)

    def _complement(self, excluded: Matches, score: float, scored: bool) -> Matches:
        docs = self.all_live()
        docs = docs[~_contains(excluded.docs, docs)]
        return Matches(docs, np.full(len(docs), score) if scored else None)

    def _live(self, found: Matches) -> Matches:
        if self.deleted is None or not len(found):
            return found
        return found.only(~_contains(self.deleted, found.docs))


def _read_matchers(evaluator, q: Query, scored: bool, deadline: float | None) -> tuple[Matches, bool]:
    """Every match of ``q`` from Whoosh's matchers, segment by segment; stops past ``deadline`` (a Deadline).

    Returns the matches (of the live documents) and whether the deadline cut them short.
    """
    docs_parts, score_parts = [], []
    partial = False
    for number, segment in enumerate(evaluator.segments):
        if number and deadline is not None and deadline.expired():
            partial = True
            break
        sub = segment.searcher
        context = sub.context(weighting=evaluator.weighting) if scored else \
            sub.boolean_context()
        matcher = q.matcher(sub, context)
        docs, scores = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            if scored:
                scores.append(matcher.score())
            matcher.next()
            if deadline is not None and len(docs) % 256 == 0 and deadline.expired():
                partial = True
                break
        docs_parts.append(np.asarray(docs, dtype=np.int64) + segment.offset)
        if scored:
            score_parts.append(np.asarray(scores, dtype=np.float64))
        if partial:
            break
    if not docs_parts:
        return Matches.empty(scored), partial
    found = Matches(np.concatenate(docs_parts), np.concatenate(score_parts) if scored else None)
    return evaluator._live(found), partial


class MatcherEvaluator:
    """The reference path: Whoosh's own matchers for the whole query, read into arrays.

    Works on any Whoosh index (any codec, any weighting model). With a
    ``deadline`` (a :class:`searchnews.search.budget.Deadline`) it stops reading there:
    :attr:`partial` then says the matches are only those found by then.
    """

    def __init__(self, searcher, deadline: float | None = None) -> None:
        self.searcher = searcher
        self.weighting = searcher.weighting
        self.doc_count = searcher.doc_count_all()
        self.deadline = deadline
        self.partial = False
        subs = [(searcher, 0)] if searcher.is_atomic() else searcher.subsearchers
        self.segments = [_MatcherSegment(sub, offset) for sub, offset in subs if sub.doc_count_all()]
        deleted = [s.deleted + s.offset for s in self.segments if s.deleted is not None]
        self.deleted = np.concatenate(deleted) if deleted else None

    def evaluate(self, q: Query, scored: bool = True) -> Matches:
        found, partial = _read_matchers(self, q, scored, self.deadline)
        self.partial = self.partial or partial
        return found

    all_live = Evaluator.all_live
    _live = Evaluator._live


class _MatcherSegment:
    __slots__ = ("count", "deleted", "offset", "searcher")

    def __init__(self, searcher, offset: int) -> None:
        self.searcher = searcher
        self.offset = offset
        reader = searcher.reader()
        self.count = reader.doc_count_all()
        self.deleted = np.sort(np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)) if reader.has_deletions() \
            else None


@dataclass(frozen=True)
class _Inverse:
    """A ``NOT``: every live document except ``matches``, each scoring ``score`` (Whoosh's InverseMatcher: 1)."""

    matches: Matches
    score: float


def _contains(sorted_docs: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """For each of ``docs``, whether it is in ``sorted_docs`` (ascending)."""
    if not len(sorted_docs) or not len(docs):
        return np.zeros(len(docs), dtype=bool)
    index = np.searchsorted(sorted_docs, docs)
    index[index >= len(sorted_docs)] = 0
    return sorted_docs[index] == docs


def _slice(found: Matches, low: int, high: int) -> Matches:
    """The matches with document numbers in ``[low, high)``."""
    start, end = np.searchsorted(found.docs, [low, high])
    return Matches(found.docs[start:end], None if found.scores is None else found.scores[start:end])


def _concat(parts: list[Matches], scored: bool) -> Matches:
    parts = [p for p in parts if len(p)]
    if not parts:
        return Matches.empty(scored)
    return Matches(np.concatenate([p.docs for p in parts]),
                   np.concatenate([p.scores for p in parts]) if scored else None)


#: How each query type is evaluated, by exact type; prefix, wildcard, fuzzy and range queries by
#: their base classes; every other type (DisjunctionMax, Ordered, spans…) through Whoosh's matchers.
_DISPATCH = {
    query.Term: Evaluator._term,
    query.Phrase: Evaluator._phrase,
    query.And: Evaluator._and,
    query.Or: Evaluator._or,
    compound.DefaultOr: Evaluator._or,
    compound.PreloadedOr: Evaluator._or,
    query.AndNot: Evaluator._and_not,
    query.AndMaybe: Evaluator._and_maybe,
    query.Require: Evaluator._require,
    query.Not: Evaluator._not,
    query.Every: Evaluator._every,
    query.ConstantScoreQuery: Evaluator._constant,
}
