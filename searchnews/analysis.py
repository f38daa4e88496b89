"""Text analysis: turning a field's text into the terms the index stores.

Whoosh composes analyzers from a tokenizer and filters, each a generator
passing a Token object along. That is flexible but slow in pure Python: it was
most of the indexing time. :class:`NewsAnalyzer` does the same work in one
loop and gives the same terms as Whoosh's
``RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) |
StopFilter() | StemFilter()`` chain, with two ways in:

* :meth:`NewsAnalyzer.terms`, a list of terms for indexing and highlighting
  (the fast path, used by :class:`FastPositions`);
* calling it like any Whoosh analyzer, which yields Token objects (for the
  query parser and anything else in Whoosh that analyses text).

Terms:
    term
        A word as stored in the index: lower-cased, accent-folded and stemmed
        ("Sanctions" → "sanction", "Café" → "cafe").
    stop word
        A very common English word ("the", "of") or a one-letter word, left
        out of the index; positions skip it, so phrases still match.
"""

from __future__ import annotations

import re
from collections import defaultdict

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.formats import Positions
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

__all__ = ["WORD", "FastPositions", "NewsAnalyzer"]

#: A word: Whoosh's default token pattern (keeps "U.S." and "3.5" whole).
WORD = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)
#: Shorter words are stop words.
MIN_WORD = 2
#: The stem cache is cleared when it holds this many words.
STEM_CACHE_SIZE = 500_000

_stems: dict[str, str] = {}


def _fold(word: str) -> str:
    return word if word.isascii() else word.translate(accent_map)


def term_of(word: str) -> str:
    """The term for one lower-cased word (folded and stemmed), cached."""
    term = _stems.get(word)
    if term is None:
        if len(_stems) >= STEM_CACHE_SIZE:
            _stems.clear()
        term = _stems[word] = porter_stem(_fold(word))
    return term


class NewsAnalyzer(Tokenizer):
    """Words, lower-cased, accent-folded, English stop words removed, Porter-stemmed, in one pass."""

    is_morph = True

    def __init__(self, stoplist=STOP_WORDS, minsize: int = MIN_WORD) -> None:
        self.stops = frozenset(stoplist)
        self.min = minsize

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.stops == self.stops and other.min == self.min

    def __hash__(self) -> int:
        return hash((type(self), self.min))

    def _stopped(self, word: str) -> bool:
        return len(word) < self.min or word in self.stops

    def terms(self, value: str) -> list[str]:
        """The index terms of ``value`` in order, stop words left out."""
        stops, minsize = self.stops, self.min
        out = []
        for word in WORD.findall(value):
            word = word.lower()  # per word, as the Token path does ("İ" grows when lower-cased)
            if len(word) >= minsize:
                folded = word if word.isascii() else word.translate(accent_map)
                if folded not in stops:
                    out.append(term_of(word))
        return out

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        """Whoosh's analyzer protocol: yield (one reused) Token per term."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in WORD.finditer(value):
            word = match.group().lower()
            stopped = self._stopped(_fold(word))
            if stopped and removestops:
                continue
            token.stopped = stopped
            token.text = word if stopped else term_of(word)
            token.boost = 1.0
            if keeporiginal:
                token.original = match.group()
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            if not stopped:
                pos += 1
            yield token


class FastPositions(Positions):
    """Whoosh's Positions format, with a fast path for :class:`NewsAnalyzer`."""

    def word_values(self, value, analyzer, **kwargs):
        terms = getattr(analyzer, "terms", None)
        if terms is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for pos, term in enumerate(terms(value)):
            positions[term].append(pos)
        boost = self.field_boost
        encode = self.encode
        for term, poslist in positions.items():
            yield term, len(poslist), len(poslist) * boost, encode(poslist)
