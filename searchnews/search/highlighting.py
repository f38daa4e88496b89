"""Highlighting: matched words in a field to snippets, and snippets to text.

The data and its rendering are kept apart. :func:`find_matches` finds the
character ranges of a field's text whose terms the query looked for;
:func:`snippets` picks the extracts that hold the most distinct matches and
returns :class:`Snippet` values (an extract and the ranges in it). The
``render_*`` functions turn a snippet into terminal text with colour, plain
text, or HTML with ``<mark>`` (article text escaped, so no markup from an
article reaches a page).

Whoosh has a highlighter of its own, but it re-analyses every field of every
hit through its generator chain and expands wildcard terms again for each hit:
it was most of the query time. Here the query's terms are found once per
search (:func:`query_terms`) and each text is scanned once with the same
analysis as the index (:func:`searchnews.analysis.term_of`).

Terms:
    span
        A ``(start, end)`` range of characters in a text that matched.
    snippet
        An extract of about :data:`SNIPPET_CHARS` characters around matches,
        cut at word boundaries, on one line, with "…" where text was cut.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from whoosh.query import Phrase

from ..index.analysis import DEFAULT_LANGUAGE, MIN_WORD, WORD, learn_word, word_terms
from ..models import Snippet

__all__ = ["ELLIPSIS", "Wanted", "find_matches", "query_terms", "render_ansi", "render_html", "render_plain",
           "snippets"]

ELLIPSIS = "…"
#: Characters in a body or caption snippet.
SNIPPET_CHARS = 220
#: Characters of context kept before the first match of a snippet.
SURROUND = 60
#: Matches looked at when choosing snippets (enough for any real article).
MAX_MATCHES = 400
#: How far a snippet's ends may move to reach a space rather than cut a word.
SNAP_CHARS = 20


@dataclass(frozen=True)
class Wanted:
    """What a search looked for in a field, to be marked in its text.

    ``terms`` are marked wherever they occur; each of ``phrases`` (its terms
    in order, and the most positions allowed between neighbours: Whoosh's
    ``slop``, 1 for words side by side) only where its words occur together.
    """

    terms: frozenset[str] = frozenset()
    phrases: tuple[tuple[tuple[str, ...], int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)


def query_terms(query, reader, fields: Iterable[str]) -> dict[str, Wanted]:
    """What a parsed Whoosh query looks for in each field: words (wildcards expanded against the index) and phrases."""
    # Not Query.existing_terms: in Whoosh 2.7 its loop variable shadows its ``fieldname``
    # argument, so it drops the terms of every field but the first.
    wanted = set(fields)
    found: defaultdict[str, set[str]] = defaultdict(set)
    phrases: defaultdict[str, set[tuple[tuple[str, ...], int]]] = defaultdict(set)
    for leaf in query.leaves():
        if isinstance(leaf, Phrase):
            if leaf.fieldname in wanted:
                words = tuple(w.decode("utf-8") if isinstance(w, bytes) else w for w in leaf.words)
                phrases[leaf.fieldname].add((words, max(1, leaf.slop)))
            continue
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            if fieldname in wanted:
                found[fieldname].add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return {name: Wanted(frozenset(found.get(name, ())), tuple(sorted(phrases.get(name, ()))))
            for name in set(found) | set(phrases)}


def find_matches(text: str, wanted: Wanted | frozenset[str], language: str = DEFAULT_LANGUAGE
                 ) -> list[tuple[int, int]]:
    """The spans of ``text`` that match: words that analyse to one of the wanted terms, and phrases.

    Words are analysed as the index analyses them in ``language`` (stop words
    take no position, as there); a phrase is one span from its first word to
    its last. A set of terms is the same as ``Wanted(terms)``.
    """
    if not isinstance(wanted, Wanted):
        wanted = Wanted(frozenset(wanted))
    if not wanted:
        return []
    terms = wanted.terms
    # The index's own table of words as written → terms ("" for a stop word): one lookup a word.
    table = word_terms(language, MIN_WORD)
    prefilter = None if wanted.phrases else _prefilter(terms)
    if prefilter is not None and not _NON_ASCII_LETTER.search(text):
        return _merged(_prefiltered(text, prefilter, terms, table, language))[:MAX_MATCHES]
    words: list[tuple[str, int, int]] = []  # (term, start, end) of each indexed word, in order
    spans = []
    keep_words = bool(wanted.phrases)
    for match in WORD.finditer(text):
        word = match.group()
        term = table.get(word)
        if term is None:
            term = learn_word(table, word, language, MIN_WORD)
        if not term:
            continue
        if keep_words:
            words.append((term, *match.span()))
        if term in terms and len(spans) < MAX_MATCHES:
            spans.append(match.span())
    for phrase, slop in wanted.phrases:
        spans.extend(_phrase_spans(words, phrase, slop))
    return _merged(spans)[:MAX_MATCHES]


#: A letter that is not an ASCII letter: a text holding one is scanned word by word.
_NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]")


@lru_cache(maxsize=256)
def _prefilter(terms: frozenset[str]) -> re.Pattern[str] | None:
    """A pattern that finds the ASCII words that may analyse to one of ``terms``, or ``None``.

    A stemmer changes at most the last letter of what it keeps of a word (Porter's
    ``happy`` → ``happi``, ``hoping`` → ``hope``), so a word whose term is ``t``
    starts with ``t`` less its last letter. Only for terms of ASCII letters
    (no dotted words such as ``u.s``).
    """
    if not terms or len(terms) > 64 or not all(term.isascii() and term.isalnum() for term in terms):
        return None
    prefixes = sorted({term[:-1] or term for term in terms}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in prefixes) + ")", re.IGNORECASE)


def _prefiltered(text: str, prefilter: re.Pattern[str], terms: frozenset[str], table: dict[str, str],
                 language: str) -> list[tuple[int, int]]:
    """The spans of the words of an ASCII ``text`` whose term is wanted, looking only at likely words."""
    spans = []
    for found in prefilter.finditer(text):
        start = found.start()
        if start >= 2 and text[start - 1] == "." and (text[start - 2].isalnum() or text[start - 2] == "_"):
            continue  # inside a dotted word (U.S.), which starts further back
        word = WORD.match(text, start)
        if word is None or word.start() != start:
            continue
        term = table.get(word.group())
        if term is None:
            term = learn_word(table, word.group(), language, MIN_WORD)
        if term and term in terms:
            spans.append(word.span())
            if len(spans) >= MAX_MATCHES:
                break
    return spans


def _phrase_spans(words: list[tuple[str, int, int]], phrase: tuple[str, ...], slop: int) -> list[tuple[int, int]]:
    """Where the terms of ``phrase`` follow each other in ``words``, each at most ``slop`` positions after the last."""
    if not phrase:
        return []
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for position, (term, _, _) in enumerate(words):
        positions[term].append(position)
    found = []
    for first in positions.get(phrase[0], ()):
        current = first
        for term in phrase[1:]:
            following = [p for p in positions.get(term, ()) if current < p <= current + slop]
            if not following:
                break
            current = following[0]
        else:
            found.append((words[first][1], words[current][2]))
    return found


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


_SPACE = re.compile(r"\s")


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Move a window's ends out of the middle of words (to the text's ends when they are near)."""
    if start > 0 and not text[start - 1].isspace():
        before = max((m.start() for m in _SPACE.finditer(text, max(0, start - SNAP_CHARS), start)), default=-1)
        if before >= 0:
            start = before + 1
        elif start <= SNAP_CHARS:
            start = 0  # inside the first word: start with it
        else:  # inside a very long word: start after it
            after = _SPACE.search(text, start)
            start = after.end() if after and after.end() < end else start
    if end < len(text) and not text[end].isspace():
        after = _SPACE.search(text, end, min(len(text), end + SNAP_CHARS))
        if after:
            end = after.start()
        elif len(text) - end <= SNAP_CHARS:
            end = len(text)
    return start, end


_SPACES = re.compile(r"\s+")


def _one_line(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Fold runs of white space (paragraph breaks included) to one space, moving the spans along.

    Leading white space goes, as does trailing white space; a span keeps its
    ends on the same characters.
    """
    pieces: list[str] = []
    runs: list[tuple[int, int, int, int]] = []  # each white-space run: old start, old end, new start, kept (0 or 1)
    position = length = 0
    for match in _SPACES.finditer(text):
        start, end = match.span()
        pieces.append(text[position:start])
        length += start - position
        kept = 1 if length else 0
        runs.append((start, end, length, kept))
        if kept:
            pieces.append(" ")
            length += 1
        position = end
    pieces.append(text[position:])
    folded = "".join(pieces).rstrip()
    starts = [run[0] for run in runs]

    def moved(offset: int) -> int:
        index = bisect_right(starts, offset) - 1
        if index < 0:
            return offset  # before the first run: nothing removed yet
        start, end, new, kept = runs[index]
        if offset < end:  # inside the run: its first character is the kept space
            return new if offset == start else new + kept
        return new + kept + (offset - end)

    shifted = [(moved(s), min(moved(e), len(folded))) for s, e in spans]
    return folded, [(s, e) for s, e in shifted if e > s]


def _snippet(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> Snippet:
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    body, inside = _one_line(text[start:end], inside)
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) else ""
    return Snippet(lead + body + tail, tuple((s + len(lead), e + len(lead)) for s, e in inside))


def snippets(text: str, spans: Sequence[tuple[int, int]], top: int = 2,
             width: int | None = SNIPPET_CHARS) -> tuple[Snippet, ...]:
    """Up to ``top`` snippets of ``text`` holding the most distinct matched words, in text order.

    ``spans`` are disjoint match ranges (as :func:`find_matches` gives them).

    With ``width=None`` the whole text is one snippet (headlines).
    """
    if not spans:
        return ()
    spans = list(spans)
    if width is None or len(text) <= width:
        return (_snippet(text, 0, len(text), spans),)
    spans.sort()
    starts = [a for a, _ in spans]
    ends = [b for _, b in spans]
    words = [text[a:b].lower() for a, b in spans]
    candidates = []
    for s in starts:
        start = max(0, s - SURROUND)
        end = min(len(text), start + width)
        first, last = bisect_left(starts, start), bisect_right(ends, end)  # spans are sorted and disjoint
        inside = max(0, last - first)
        distinct = len(set(words[first:last]))
        candidates.append(((distinct, inside, -start), start, end))
    candidates.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for _, start, end in candidates:
        if all(end <= a or start >= b for a, b in chosen):
            chosen.append((start, end))
            if len(chosen) == top:
                break
    return tuple(_snippet(text, *_snap(text, start, end), spans) for start, end in sorted(chosen))


def _render(snippet: Snippet, before: str, after: str, escape) -> str:
    out, index = [], 0
    for start, end in snippet.spans:
        out.append(escape(snippet.text[index:start]))
        out.append(before + escape(snippet.text[start:end]) + after)
        index = end
    out.append(escape(snippet.text[index:]))
    return "".join(out)


def render_ansi(snippet: Snippet, style: str = "\x1b[1;33m", reset: str = "\x1b[0m", escape=None) -> str:
    """The snippet with matches in bold yellow, for a terminal.

    ``escape`` (text → text) is applied to the article's text, not to the
    styles: the command line passes one that makes control characters visible.
    """
    return _render(snippet, style, reset, escape or (lambda s: s))


def render_plain(snippet: Snippet) -> str:
    """The snippet's text with no marks."""
    return snippet.text


def render_html(snippet: Snippet, tag: str = "mark") -> str:
    """The snippet as HTML: text escaped, matches in ``<mark>``."""
    return _render(snippet, f"<{tag}>", f"</{tag}>", html.escape)


def join(snippets_: Sequence[Snippet], render=render_plain, between: str = " ") -> str:
    """Render several snippets into one line."""
    return between.join(render(s) for s in snippets_)
