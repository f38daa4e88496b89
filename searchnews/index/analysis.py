"""Text analysis: turning a field's text into the terms the index stores, per language.

Whoosh composes analyzers from a tokenizer and filters, each a generator
passing a Token object along. That is flexible but slow in pure Python: it was
most of the indexing time. :class:`NewsAnalyzer` does the same work in one
loop: words are lower-cased, accent-folded, stop words dropped and the rest
stemmed with the stemmer of the article's language (Porter for English,
Snowball for French and German; other languages are folded, not stemmed).

Whoosh gives an analyzer only a field's text, so the indexer puts the
article's language in front of it as a marker (:func:`mark_language`); the
stored value is kept without it. A query does not know which language it will
meet, so in query mode the analyzer only folds words, and
:mod:`searchnews.searching` expands each word into its terms in every language
the index holds (:func:`terms_by_language`).

Terms:
    term
        A word as stored in the index: lower-cased, accent-folded and stemmed
        in its article's language ("Sanctions" → "sanction", "Sanktionen" →
        "sanktion", "Café" → "cafe").
    analysis language
        ``en``, ``fr`` or ``de`` (stemmed, with stop words), or ``xx`` for
        every other language (folded only). Articles without a language are
        analysed as English.
    stop word
        A very common word of the article's language ("the", "la", "der") or
        a one-letter word, left out of the index; positions skip it, so
        phrases still match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.formats import Positions
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

__all__ = [
    "ANALYSIS_LANGUAGES",
    "DEFAULT_LANGUAGE",
    "OTHER",
    "WORD",
    "FastPositions",
    "NewsAnalyzer",
    "analysis_language",
    "is_stop",
    "learn_word",
    "mark_language",
    "term_of",
    "terms_by_language",
    "word_terms",
]

#: A word: Whoosh's default token pattern (keeps "U.S." and "3.5" whole).
WORD = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)
#: Shorter words are stop words.
MIN_WORD = 2
#: The stem cache of each language is cleared when it holds this many words.
STEM_CACHE_SIZE = 500_000
#: Articles whose language is unknown are analysed as this one.
DEFAULT_LANGUAGE = "en"
#: The analysis language of every language without a stemmer here.
OTHER = "xx"


def _identity(word: str) -> str:
    return word


def _fold(word: str) -> str:
    return word if word.isascii() else word.translate(accent_map)


def _folded_set(words) -> frozenset[str]:
    return frozenset(_fold(w.lower()) for w in words)


#: Stemmer and stop words of each analysis language.
STEMMERS: dict[str, Callable[[str], str]] = {
    "en": porter_stem,
    "fr": stemmer_for_language("fr"),
    "de": stemmer_for_language("de"),
    OTHER: _identity,
}
STOPS: dict[str, frozenset[str]] = {
    "en": _folded_set(STOP_WORDS),
    "fr": _folded_set(stopwords_for_language("fr")),
    "de": _folded_set(stopwords_for_language("de")),
    OTHER: frozenset(),
}
ANALYSIS_LANGUAGES = tuple(STEMMERS)

_stems: dict[str, dict[str, str]] = {language: {} for language in STEMMERS}
_MARK = "\x1d"
_MARKED = re.compile(r"\x1d([a-z]{2,3})\x1d")


def analysis_language(language: str | None) -> str:
    """The analysis language for an article's language code (see the module terms)."""
    if not language:
        return DEFAULT_LANGUAGE
    return language if language in STEMMERS else OTHER


def mark_language(text: str, language: str | None) -> str:
    """``text`` with its article's analysis language in front, for indexing."""
    return f"{_MARK}{analysis_language(language)}{_MARK}{text}"


def _split_mark(value: str) -> tuple[str, str]:
    match = _MARKED.match(value)
    if match:
        return match.group(1), value[match.end():]
    return DEFAULT_LANGUAGE, value


def is_stop(word: str, language: str = DEFAULT_LANGUAGE) -> bool:
    """True when the lower-cased ``word`` is not indexed in that analysis language."""
    return len(word) < MIN_WORD or _fold(word) in STOPS[language]


def term_of(word: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The term for one lower-cased word in an analysis language (folded and stemmed), cached."""
    cache = _stems[language]
    term = cache.get(word)
    if term is None:
        if len(cache) >= STEM_CACHE_SIZE:
            cache.clear()
        term = cache[word] = STEMMERS[language](_fold(word))
    return term


_word_tables: dict[tuple[str, int], dict[str, str]] = {}


def word_terms(language: str, minsize: int) -> dict[str, str]:
    """The table of words as written → terms (``""`` for stop words) for one language and minimum size."""
    table = _word_tables.get((language, minsize))
    if table is None or len(table) >= STEM_CACHE_SIZE:
        table = _word_tables[(language, minsize)] = {}
    return table


def learn_word(table: dict[str, str], word: str, language: str, minsize: int) -> str:
    lowered = word.lower()  # per word, as the Token path does ("İ" grows when lower-cased)
    term = table[word] = term_of(lowered, language) if len(lowered) >= minsize and \
        _fold(lowered) not in STOPS[language] else ""
    return term


def terms_by_language(word: str, languages) -> dict[str, str | None]:
    """For a query word, its term in each analysis language (``None`` where it is a stop word)."""
    word = word.lower()
    return {language: None if is_stop(word, language) else term_of(word, language) for language in languages}


class NewsAnalyzer(Tokenizer):
    """One-pass analysis: words, lower-cased, accent-folded, stop words removed, stemmed by language.

    In ``mode="query"`` words are only lower-cased and accent-folded: the
    searcher expands them into each language's terms.
    """

    is_morph = True

    def __init__(self, minsize: int = MIN_WORD) -> None:
        self.min = minsize

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.min == self.min

    def __hash__(self) -> int:
        return hash((type(self), self.min))

    def terms(self, value: str) -> list[str]:
        """The index terms of a (language-marked) value in order, stop words left out.

        Each word as written is looked up once in a table of the words seen
        before (its term, or ``""`` for a stop word), so a word costs one
        dictionary lookup; the table is cleared when it holds
        :data:`STEM_CACHE_SIZE` words.
        """
        language, text = _split_mark(value)
        table = word_terms(language, self.min)
        words = WORD.findall(text)
        try:
            found = [table[word] for word in words]
        except KeyError:
            found = [table[word] if word in table else learn_word(table, word, language, self.min)
                     for word in words]
        return [term for term in found if term]

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        """Whoosh's analyzer protocol: yield (one reused) Token per term."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        query_mode = mode == "query"
        language, text = (DEFAULT_LANGUAGE, value) if query_mode else _split_mark(value)
        if not tokenize:
            token.original = token.text = _fold(text.lower()) if query_mode else text
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(text)
            yield token
            return
        offset = start_char + len(value) - len(text)
        pos = start_pos
        for match in WORD.finditer(text):
            word = match.group().lower()
            if query_mode:
                stopped = len(word) < self.min
                term = _fold(word)
            else:
                stopped = is_stop(word, language)
                term = word if stopped else term_of(word, language)
            if stopped and removestops:
                continue
            token.stopped = stopped
            token.text = term
            token.boost = 1.0
            if keeporiginal:
                token.original = match.group()
            if positions:
                token.pos = pos
            if chars:
                token.startchar = offset + match.start()
                token.endchar = offset + match.end()
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
