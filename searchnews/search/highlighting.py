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
from collections import defaultdict
from collections.abc import Iterable, Sequence

from ..index.analysis import DEFAULT_LANGUAGE, MIN_WORD, WORD, term_of
from ..models import Snippet

__all__ = ["ELLIPSIS", "find_matches", "query_terms", "render_ansi", "render_html", "render_plain", "snippets"]

ELLIPSIS = "…"
#: Characters in a body or caption snippet.
SNIPPET_CHARS = 220
#: Characters of context kept before the first match of a snippet.
SURROUND = 60
#: Matches looked at when choosing snippets (enough for any real article).
MAX_MATCHES = 400


def query_terms(query, reader, fields: Iterable[str]) -> dict[str, frozenset[str]]:
    """The terms a parsed Whoosh query looks for in each field, wildcards expanded against the index."""
    # Not Query.existing_terms: in Whoosh 2.7 its loop variable shadows its ``fieldname``
    # argument, so it drops the terms of every field but the first.
    wanted = set(fields)
    found: defaultdict[str, set[str]] = defaultdict(set)
    for leaf in query.leaves():
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            if fieldname in wanted:
                found[fieldname].add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return {name: frozenset(terms) for name, terms in found.items()}


def find_matches(text: str, terms: frozenset[str], language: str = DEFAULT_LANGUAGE) -> list[tuple[int, int]]:
    """The spans of ``text`` whose words analyse to one of ``terms`` in its analysis language."""
    if not terms:
        return []
    spans = []
    for match in WORD.finditer(text):
        word = match.group().lower()
        if len(word) >= MIN_WORD and term_of(word, language) in terms:
            spans.append(match.span())
            if len(spans) >= MAX_MATCHES:
                break
    return spans


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Move a window's ends out of the middle of words."""
    if start > 0:
        space = text.rfind(" ", max(0, start - 20), start)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.find(" ", end, min(len(text), end + 20))
        end = space if space >= 0 else end
    return start, end


def _one_line(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Fold runs of white space (paragraph breaks included) to one space, moving the spans along."""
    out: list[str] = []
    mapping: list[int] = []  # old offset -> new offset
    for char in text:
        mapping.append(len(out))
        if char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(char)
    mapping.append(len(out))
    folded = "".join(out).rstrip()
    moved = [(mapping[s], min(mapping[e], len(folded))) for s, e in spans]
    return folded, [(s, e) for s, e in moved if e > s]


def _snippet(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> Snippet:
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    body, inside = _one_line(text[start:end], inside)
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) else ""
    return Snippet(lead + body + tail, tuple((s + len(lead), e + len(lead)) for s, e in inside))


def snippets(text: str, spans: Sequence[tuple[int, int]], top: int = 2,
             width: int | None = SNIPPET_CHARS) -> tuple[Snippet, ...]:
    """Up to ``top`` snippets of ``text`` holding the most distinct matched words, in text order.

    With ``width=None`` the whole text is one snippet (headlines).
    """
    if not spans:
        return ()
    spans = list(spans)
    if width is None or len(text) <= width:
        return (_snippet(text, 0, len(text), spans),)
    candidates = []
    for s, _ in spans:
        start = max(0, s - SURROUND)
        end = min(len(text), start + width)
        inside = [(a, b) for a, b in spans if a >= start and b <= end]
        distinct = len({text[a:b].lower() for a, b in inside})
        candidates.append(((distinct, len(inside), -start), start, end))
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


def render_ansi(snippet: Snippet, style: str = "\x1b[1;33m", reset: str = "\x1b[0m") -> str:
    """The snippet with matches in bold yellow, for a terminal."""
    return _render(snippet, style, reset, lambda s: s)


def render_plain(snippet: Snippet) -> str:
    """The snippet's text with no marks."""
    return snippet.text


def render_html(snippet: Snippet, tag: str = "mark") -> str:
    """The snippet as HTML: text escaped, matches in ``<mark>``."""
    return _render(snippet, f"<{tag}>", f"</{tag}>", html.escape)


def join(snippets_: Sequence[Snippet], render=render_plain, between: str = " ") -> str:
    """Render several snippets into one line."""
    return between.join(render(s) for s in snippets_)
