"""Spelling suggestions ("did you mean"): typed words corrected from the index's own vocabulary.

The search layer calls :func:`suggest` when a query finds nothing or little;
this module decides, word by word, whether a correction is worth offering,
and returns the whole query with those words replaced. The user's operators,
field prefixes, quotes, parentheses and other words are kept as typed.

Terms:
    typed word
        An alphabetic word of the query looked for in an analysed field
        (plain, inside quotes, or after ``headline:``, ``title:``, ``body:``,
        ``text:``, ``caption:``). Never corrected: operators, words after
        ``NOT``/``ANDNOT`` (correcting them could only narrow the results),
        values of other fields (``source:``, ``lang:``, ``date:``, ``id:``,
        ``url:``...), wildcards, ranges, words with digits, words of fewer
        than :data:`MIN_LETTERS` letters and stop words of any language of
        the index.
    vocabulary
        The terms of a field in the index, stemmed and folded in each
        article's language (see :mod:`searchnews.analysis`). A typed word is
        compared with it as it is (folded) and as its term in each language
        of the index (:func:`~searchnews.analysis.term_of`).
    edit distance
        Optimal-string-alignment distance: inserting, deleting or replacing
        a letter, or swapping two adjacent letters, each cost 1 ("sacntion"
        is 1 from "sanction"). Whoosh's own ``terms_within`` is not used: on
        one segment its Levenshtein automaton counts a swap as 2 (and took
        50 ms to build and run for two edits on the sample corpus, 150 ms per
        segment on BBC News); on several (``MultiReader``) it computes the
        distance to every term of the field, over half a second on BBC News.
    candidate
        A term within :func:`max_distance` edits of the typed word or one of
        its terms, or a stem near the beginning of the typed word (see
        :data:`MAX_SUFFIX_LETTERS`). Found by walking the sorted terms of
        every segment together that share a first letter with them (read from
        the array codec's term lists, cached per reader), keeping the rows of
        the distance table for a shared beginning and passing over the terms
        whose beginning is already too far (:func:`candidates`); the edits
        that change the first letter, the rarest kind of typo, are looked up
        one by one.
    document frequency (df)
        How many articles hold a term in the field; a typed word's df is
        that of its terms in all the index's languages together.
    worth correcting
        A candidate found in at least ``max(MIN_DF, DF_RATIO × df of the
        typed word)`` articles whose surface form is within
        :func:`max_distance` edits of the typed word. The best is the closest
        surface form, then the candidate with the highest df; none is offered
        when a stop word the index leaves out is as close ("teh" is "the"
        mistyped as likely as "ten").
    surface form
        The word a user would type for a term: among the words of a few
        articles holding the term (:data:`SURFACE_DOCS`) whose term it is,
        the one closest to the typed word, then the most frequent. "sanctons"
        is corrected to the term ``sanction``, shown as "sanctions"; the typed
        word's case style (lower, Capitalised, UPPER) is kept.
"""

from __future__ import annotations

import logging
import re
import string
import weakref
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from whoosh.support.charset import accent_map

from ..errors import QuerySyntaxError
from ..index import schema as S
from ..index.analysis import STOPS, WORD, analysis_language, is_stop, term_of
from ..index.codec import ArraySegment, field_arrays
from .parse import index_languages
from .querysyntax import check_query

__all__ = [
    "DF_RATIO",
    "LONG_WORD_DISTANCE",
    "MAX_SUFFIX_LETTERS",
    "MIN_DF",
    "MIN_LETTERS",
    "SHORT_WORD_DISTANCE",
    "SHORT_WORD_LETTERS",
    "STEM_DISTANCE",
    "SURFACE_CHARS",
    "SURFACE_DOCS",
    "SURFACE_LOOKUPS",
    "SURFACE_MAX_DOCS",
    "Suggestion",
    "candidates",
    "edit_distance",
    "max_distance",
    "suggest",
    "surface_form",
]

logger = logging.getLogger(__name__)

# Heuristics. The figures come from benchmarks/bench_suggest.py on BBC News (2,225 articles)
# and the sample corpus: typos made from their words by one random edit, or two on words of 7
# letters or more; rare words of their articles and made-up words typed as they are.

#: Shorter words are never corrected: every two-letter word is one edit from dozens of others.
MIN_LETTERS = 3
#: Words of up to this many letters get at most :data:`SHORT_WORD_DISTANCE` edits; longer
#: words :data:`LONG_WORD_DISTANCE`. Two edits on a short word reach too many unrelated words
#: ("icmb" is 2 from "bomb", "comb" and "icc"); on a longer word they mostly point to one.
SHORT_WORD_LETTERS = 4
SHORT_WORD_DISTANCE = 1
LONG_WORD_DISTANCE = 2
#: A correction must be found in at least this many articles. One is enough: people search
#: for names and rare words, and typos of words found in 1 to 3 BBC articles were set right 84
#: times of 97 with 1, 48 with 2 (sample corpus: 20 of 24, 9). The price is a little noise:
#: 28 made-up words of 150 got a "correction" instead of 25 (sample corpus: 11 instead of 5),
#: and 42 two-edit typos of 98 were set right instead of 46.
MIN_DF = 1
#: ...and in at least this many times as many articles as the typed word, when the index holds
#: the typed word too (a rare word, or a typo the corpus itself makes): "goverment", in one BBC
#: article, is corrected to "government" (512), while 5 of 200 words found in 1 to 3 BBC
#: articles got a correction (cough -> could, dwell -> well); 18 with a ratio of 200
#: (subway -> sunday), 62 with 20 (capitol -> capital, hitter -> higher).
DF_RATIO = 500
#: A typed word may run this many letters past the end of a stem found in the index, for
#: typos that hide a word's ending from the stemmer ("elecion" is "elect" + "ion" with a
#: letter missing; "improvin" is "improv" + "in"). More letters bring more short stems to look
#: up; the longest common suffixes ("ations") have 6.
MAX_SUFFIX_LETTERS = 5
#: ...and such a stem may be at most this many edits from the start of the word: with two,
#: every three-letter term near the start of a long word is a candidate.
STEM_DISTANCE = 1
#: The surface forms of at most this many of the best candidates (by distance, then distance
#: to the typed word itself, then df) are looked up; the closest to the typed word wins. Of 181
#: one-edit typos, 154 were set right with 6, 152 with 4; of 98 two-edit typos, 42 and 40.
SURFACE_LOOKUPS = 6
#: A surface form is read from this many articles that hold the term, or up to
#: SURFACE_MAX_DOCS while none of their words is one edit from the typed word: a stem stands
#: for several words ("wine" for "wine" and "wines", "content" for "contention") and the first
#: articles may hold only the others.
SURFACE_DOCS = 3
SURFACE_MAX_DOCS = 12
#: ...reading at most this many characters of each of their stored fields (a huge article
#: would otherwise cost more than the rest of the suggestion).
SURFACE_CHARS = 20_000
#: Letters tried in the edits that change the first letter (besides the word's own letters).
FIRST_LETTER_ALPHABET = string.ascii_lowercase

#: The fields whose words may be corrected: those analysed per language (the all-text
#: field, the headline and the captions).
CORRECTED_FIELDS = frozenset(S.FIELD_WEIGHTS)
#: The stored fields that surface forms are read from.
SURFACE_FIELDS = (S.HEADLINE, S.CAPTIONS, S.BODY)


@dataclass(frozen=True)
class Suggestion:
    """A corrected query: ``text`` is the whole query with the corrected words replaced;
    ``corrections`` the (typed word, suggested word) pairs, in query order, each once."""

    text: str
    corrections: tuple[tuple[str, str], ...]


# 1. Reading the query: where the words are, and in which field.

class _Word(NamedTuple):
    start: int
    end: int
    text: str
    field: str
    negated: bool


_TOKEN = re.compile(r"[^\s()\"\[\]{}]+")
_FIELD = re.compile(r"([A-Za-z_]+):(?=\S)")
_RANGE_END = re.compile(r"[\]}]")
_CONNECTIVES = frozenset({"AND", "OR", "ANDMAYBE"})
_NEGATIONS = frozenset({"NOT", "ANDNOT"})


def _words_in(query: str, start: int, end: int, field: str, negated: bool) -> Iterator[_Word]:
    for match in WORD.finditer(query, start, end):
        yield _Word(match.start(), match.end(), match.group(), field, negated)


def _query_words(query: str) -> Iterator[_Word]:
    """Every word of a (checked) query with its field and whether it is negated.

    Reads the query the way :func:`searchnews.querysyntax.check_query` does: a
    field prefix or ``NOT`` applies to the next word, phrase or group; ranges
    and wildcard words are skipped whole.
    """
    groups: list[tuple[str, bool]] = []
    field, negated = S.SEARCH_FIELD, False
    pending_field: str | None = None
    pending_not = False
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        here_field, here_negated = pending_field or field, pending_not or negated
        if c == '"':
            end = query.find('"', i + 1)
            end = n if end < 0 else end
            yield from _words_in(query, i + 1, end, here_field, here_negated)
            i, pending_field, pending_not = end + 1, None, False
            continue
        if c in "[{":
            end = _RANGE_END.search(query, i + 1)
            i, pending_field, pending_not = (end.end() if end else n), None, False
            continue
        if c == "(":
            groups.append((field, negated))
            field, negated = here_field, here_negated
            i, pending_field, pending_not = i + 1, None, False
            continue
        if c in ")]}":
            if c == ")" and groups:
                field, negated = groups.pop()
            i, pending_field, pending_not = i + 1, None, False
            continue
        token = _TOKEN.match(query, i)
        assert token is not None  # every other character was handled above
        word = token.group()
        if word in _CONNECTIVES:
            i = token.end()
            continue
        if word in _NEGATIONS:
            i, pending_not = token.end(), True
            continue
        prefix = _FIELD.match(query, i)
        if prefix and prefix.group(1).lower() in S.FIELD_ALIASES:
            i, pending_field = prefix.end(), S.FIELD_ALIASES[prefix.group(1).lower()]
            continue
        if "*" not in word and "?" not in word:
            yield from _words_in(query, i, token.end(), here_field, here_negated)
        i, pending_field, pending_not = token.end(), None, False


def _correctable(word: _Word, languages: Iterable[str]) -> bool:
    """True for a typed word (see the module terms)."""
    if word.negated or word.field not in CORRECTED_FIELDS:
        return False
    text = word.text.lower()
    if len(text) < MIN_LETTERS or not text.isalpha():
        return False
    return not any(is_stop(text, language) for language in languages)


# 2. Candidates from the vocabulary.

def max_distance(word: str) -> int:
    """The most edits a correction of ``word`` may be away from it."""
    return SHORT_WORD_DISTANCE if len(word) <= SHORT_WORD_LETTERS else LONG_WORD_DISTANCE


def _common_prefix(a: str, b: str) -> int:
    shortest = min(len(a), len(b))
    i = 0
    while i < shortest and a[i] == b[i]:
        i += 1
    return i


def _next_row(text: str, x: int, form: str, rows: list[list[int]], limit: int) -> list[int]:
    """Row ``x`` of the optimal-string-alignment table of ``text`` (rows) against ``form``
    (columns), from the rows before it: cell ``y`` is the distance of ``text[:x]`` and
    ``form[:y]``, or ``limit + 1`` where that is more than ``limit``. Only the cells within
    ``limit`` of the diagonal can be within ``limit``; the others are not computed."""
    cap = limit + 1
    previous = rows[-1]
    before = rows[-2] if x > 1 else previous
    ax = text[x - 1]
    aw = text[x - 2] if x > 1 else ""
    current = [cap] * (len(form) + 1)
    if x <= limit:
        current[0] = x
    for y in range(max(1, x - limit), min(len(form), x + limit) + 1):
        by = form[y - 1]
        best = previous[y - 1] + (ax != by)
        if previous[y] < best:
            best = previous[y] + 1
        if current[y - 1] < best:
            best = current[y - 1] + 1
        if y > 1 and ax == form[y - 2] and aw == by and before[y - 2] < best:
            best = before[y - 2] + 1
        current[y] = best if best < cap else cap
    return current


def _first_row(form: str, limit: int) -> list[int]:
    return [min(y, limit + 1) for y in range(len(form) + 1)]


def edit_distance(a: str, b: str, limit: int) -> int:
    """The edit distance of ``a`` and ``b`` (see the module terms), or ``limit + 1`` when it is more than ``limit``."""
    if a == b:
        return 0
    start = _common_prefix(a, b)
    a, b = a[start:], b[start:]
    end = _common_prefix(a[::-1], b[::-1])
    a, b = a[:len(a) - end], b[:len(b) - end]
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if not a or not b:
        return len(a) or len(b)
    rows = [_first_row(b, limit)]
    for x in range(1, len(a) + 1):
        rows.append(_next_row(a, x, b, rows, limit))
        if min(rows[-1]) > limit:
            return limit + 1
    return min(rows[-1][-1], limit + 1)


def _walk(terms: list[str], forms: list[str], limit: int) -> Iterator[tuple[str, list[list[int]]]]:
    """The ``terms`` (sorted) within ``limit`` edits of the beginning of one of ``forms``, each with
    the last row of its table against each form.

    The rows of the prefix a term shares with the one before are kept, and once
    a prefix is more than ``limit`` edits from the beginning of every form, the
    terms that start with it are jumped over (a binary search past them).
    """
    tables = [[_first_row(form, limit)] for form in forms]
    previous = ""
    index = 0
    while index < len(terms):
        text = terms[index]
        index += 1
        common = _common_prefix(previous, text)
        for rows in tables:
            del rows[common + 1:]
        alive = True
        for x in range(common + 1, len(text) + 1):
            alive = False
            for form, rows in zip(forms, tables, strict=True):
                rows.append(_next_row(text, x, form, rows, limit))
                alive = alive or min(rows[-1]) <= limit
            if not alive:
                previous = text[:x]
                index = bisect_left(terms, previous + "\U0010ffff", index)  # past every term with that start
                break
        if alive:
            previous = text
            yield text, [rows[-1] for rows in tables]


def _terms_starting(reader, field: str, letter: str) -> list[str]:
    """The distinct terms of ``field`` that start with ``letter``, in every segment, sorted (cached per reader)."""
    cache = _TERMS_CACHE.setdefault(reader, {})
    key = (field, letter)
    if key not in cache:
        found: set[str] = set()
        prefix = letter.encode("utf-8")
        for leaf, _ in reader.leaf_readers():
            if field not in leaf.indexed_field_names():
                continue
            arrays = field_arrays(leaf, field) if isinstance(leaf.segment(), ArraySegment) else None
            if arrays is None or arrays.term_blob is None:
                found.update(t.decode("utf-8") for t in leaf.expand_prefix(field, letter))
                continue
            blob, offsets = arrays.term_blob.tobytes(), arrays.term_offsets.tolist()
            def term(i, blob=blob, offsets=offsets):
                return blob[offsets[i]:offsets[i + 1]]
            count = len(offsets) - 1
            low = bisect_left(range(count), prefix, key=term)
            high = bisect_left(range(count), prefix + b"\xff", lo=low, key=term)
            found.update(blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(low, high))
        if len(cache) >= 64:
            cache.clear()
        cache[key] = sorted(found)
    return cache[key]


#: Per reader (so per version of the index): the sorted terms of a field that start with a letter.
_TERMS_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _first_letter_edits(form: str) -> set[str]:
    """The strings one edit from ``form`` whose edit touches its first letter."""
    letters = set(FIRST_LETTER_ALPHABET) | set(form)
    edits = {form[1:]} | {c + form[1:] for c in letters} | {c + form for c in letters}
    if len(form) > 1:
        edits.add(form[1] + form[0] + form[2:])
    edits.discard(form)
    edits.discard("")
    return edits


def candidates(reader, field: str, word: str, terms: Iterable[str], limit: int) -> dict[str, int]:
    """Vocabulary terms of ``field`` close to a typed ``word`` (folded) or to one of its ``terms``.

    A term is a candidate when it is within ``limit`` edits of the word or of
    one of its terms, or of the beginning of the word (a stem, found in the
    index, of a word whose ending the typo hid from the stemmer: "elect" for
    "elecion"), at most :data:`MAX_SUFFIX_LETTERS` letters shorter and
    :data:`STEM_DISTANCE` edits away. The terms that share a first letter
    with the word or one of its terms are walked (:func:`_walk`); the edits
    that change the first letter of a term are looked up. The word and its
    terms themselves are left out.
    """
    terms = set(terms)
    forms = sorted({word, *terms})
    found: dict[str, int] = {}

    def keep(term: str, distance: int) -> None:
        if distance <= limit and term not in forms and distance < found.get(term, limit + 1):
            found[term] = distance

    shortest_stem = max(MIN_LETTERS, len(word) - MAX_SUFFIX_LETTERS)
    for letter in sorted({form[:1] for form in forms}):
        # A form that begins another (a stem, the word) reads its distances from the
        # other's table: its table would be the first columns of that one.
        here = [form for form in forms if form.startswith(letter)]
        walked = [form for form in here if not any(other != form and other.startswith(form) for other in here)]
        owners = {form: next(i for i, other in enumerate(walked) if other.startswith(form)) for form in here}
        for text, rows in _walk(_terms_starting(reader, field, letter), walked, limit):
            for form, owner in owners.items():
                row = rows[owner][:len(form) + 1]
                if abs(len(text) - len(form)) <= limit:
                    keep(text, row[-1])
                if form == word and shortest_stem <= len(text) < len(word) and min(row) <= STEM_DISTANCE:
                    keep(text, min(row))
    for form in terms:  # the terms, not the word: the index holds terms
        for edit in _first_letter_edits(form):
            if edit not in found and (field, edit) in reader:
                keep(edit, edit_distance(form, edit, limit))
    return found


# 3. From a term back to a word.

def _folded(word: str) -> str:
    return word if word.isascii() else word.translate(accent_map)


def surface_form(reader, field: str, term: str, typed: str, limit: int) -> str | None:
    """The word, lower-cased, a user would type for ``term`` instead of ``typed`` (see the module terms).

    Among the words of the articles that hold ``term`` whose term it is, the
    one closest to ``typed`` (folded), within ``limit`` edits, then the most
    frequent; ``None`` when none is that close. Reads :data:`SURFACE_DOCS`
    articles, or up to :data:`SURFACE_MAX_DOCS` while no word is one edit away.
    """
    folded = _folded(typed)
    head = term[:2]
    # The words that could be within ``limit`` edits of the typed word and start as the term does
    # (stems keep the start of their words; a word starting with a non-ASCII letter may fold to it).
    shortest, longest = max(1, len(typed) - limit), len(typed) + limit
    if head.isascii() and len(head) == 2 and head.isalpha():
        sized = re.compile(rf"\b(?:{head}\w{{{max(0, shortest - 2)},{max(0, longest - 2)}}}"
                           rf"|[^\x00-\x7f]\w{{{max(0, shortest - 1)},{longest - 1}}})\b", re.IGNORECASE)
    else:
        sized = re.compile(rf"\b\w{{{shortest},{longest}}}\b")
    counts: Counter[str] = Counter()
    distances: dict[tuple[str, str], int] = {}  # (word, language) -> its distance, or limit + 1
    nearest = limit + 1
    docs = 0
    for leaf, _ in reader.leaf_readers():
        if (field, term) not in leaf:
            continue
        postings = leaf.postings(field, term)
        while postings.is_active() and docs < SURFACE_MAX_DOCS and not (docs >= SURFACE_DOCS and nearest <= 1):
            stored = leaf.stored_fields(postings.id())
            language = analysis_language(stored.get(S.LANGUAGE))
            for name in SURFACE_FIELDS:
                for word in sized.findall((stored.get(name) or "")[:SURFACE_CHARS]):
                    word = word.lower()
                    distance = distances.get((word, language))
                    if distance is None:
                        # Stems keep the start of their words: a cheap test before stemming.
                        same_term = (_folded(word[:2]).startswith(head) and term_of(word, language) == term
                                     and not is_stop(word, language))
                        distance = edit_distance(folded, _folded(word), limit) if same_term else limit + 1
                        distances[word, language] = distance
                    if distance <= limit:
                        counts[word] += 1
                        nearest = min(nearest, distance)
            docs += 1
            postings.next()
    if not counts:
        return None
    closest = {word: edit_distance(folded, _folded(word), limit) for word in counts}
    return min(counts, key=lambda word: (closest[word], -counts[word], word))


def _recased(word: str, typed: str) -> str:
    """``word`` in the case style of ``typed``: UPPER, Capitalised or lower."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# 4. Deciding per word.

def _correction(reader, field: str, typed: str, languages: tuple[str, ...]) -> str | None:
    """The correction, in lower case, of one typed word (in lower case), or ``None`` when none is worth offering.

    1. the typed word's terms in each language, and their document frequency;
    2. candidates found in enough articles, best first by distance, then distance to the
       typed word itself (a stem found from the start of the word is further from it the
       more letters it leaves unexplained), then highest df;
    3. the surface form of the first :data:`SURFACE_LOOKUPS` of them; the one
       closest to the typed word, within :func:`max_distance`, wins (then the most common),
       unless a stop word left out of the index is as close.
    """
    # 1. The typed word.
    terms = {term_of(typed, language) for language in languages}
    typed_df = sum(reader.doc_frequency(field, term) for term in terms)
    needed = max(MIN_DF, DF_RATIO * typed_df)
    if needed > reader.doc_count_all():
        return None  # no word of the index can be common enough
    limit = max_distance(typed)
    word = _folded(typed)
    # 2. Candidates.
    ranked = []
    for term, distance in candidates(reader, field, word, terms, limit).items():
        df = reader.doc_frequency(field, term)
        if df >= needed:
            ranked.append((distance, edit_distance(word, term, limit + MAX_SUFFIX_LETTERS), -df, term))
    ranked.sort()
    # 3. Back to words.
    best: tuple[int, int, str] | None = None
    for _, _, negative_df, term in ranked[:SURFACE_LOOKUPS]:
        if best is not None and best[0] == 1 and negative_df >= best[1]:
            continue  # one edit is the closest a correction can be: only a more common one would win
        surface = surface_form(reader, field, term, typed, limit)
        if surface is None:
            continue
        distance = edit_distance(word, _folded(surface), limit)
        if 0 < distance <= limit and (best is None or (distance, negative_df) < best[:2]):
            best = (distance, negative_df, surface)
    if best is None or _near_stop_word(reader, field, word, best[0], languages):
        return None
    return best[2]


def _near_stop_word(reader, field: str, word: str, distance: int, languages: tuple[str, ...]) -> bool:
    """True when a stop word the index leaves out is within ``distance`` of the (folded) typed word:
    the word is then as likely that stop word mistyped ("teh"), which the search ignores anyway,
    as the correction found ("ten")."""
    for language in languages:
        for stop in STOPS[language]:
            if len(stop) >= MIN_LETTERS and abs(len(stop) - len(word)) <= distance \
                    and edit_distance(word, stop, distance) <= distance and not reader.doc_frequency(field, stop):
                return True
    return False


def suggest(searcher, text: str) -> Suggestion | None:
    """A corrected query for ``text``, or ``None`` when no word of it is worth correcting.

    ``searcher`` is a Whoosh searcher of a searchnews index. The suggestion's
    text is the query as :func:`~searchnews.querysyntax.check_query` reads it
    (trimmed, control characters as spaces) with the corrected words replaced.
    Stages:
    1. read the query's words and their fields (a query that cannot be parsed gets ``None``);
    2. for each typed word, a correction if one is worth offering (:func:`_correction`);
    3. the query with those words replaced, in the typed word's case style.
    """
    # 1. The words.
    try:
        query = check_query(text)
    except QuerySyntaxError:
        return None
    reader = searcher.reader()
    if reader.doc_count_all() == 0:
        return None
    languages = index_languages(searcher)
    # 2. One decision per distinct typed word and field.
    decided: dict[tuple[str, str], str | None] = {}
    replacements: list[tuple[_Word, str]] = []
    for word in _query_words(query):
        if not _correctable(word, languages):
            continue
        key = (word.field, word.text.lower())
        if key not in decided:
            decided[key] = _correction(reader, word.field, key[1], languages)
        corrected = decided[key]
        if corrected is not None:
            replacements.append((word, _recased(corrected, word.text)))
    if not replacements:
        return None
    # 3. The corrected query.
    parts = []
    last = 0
    for word, corrected in replacements:
        parts.extend((query[last:word.start], corrected))
        last = word.end
    parts.append(query[last:])
    corrections = tuple(dict.fromkeys((word.text, corrected) for word, corrected in replacements))
    logger.debug("suggest %r: %s", text, corrections)
    return Suggestion(text="".join(parts), corrections=corrections)
