"""Highlighting: matched words in a field to snippets, and snippets to text.

The data and its rendering are kept apart. :func:`snippets` asks Whoosh's
highlighter which parts of a field matched and returns :class:`Snippet`
values (an extract and the character ranges of the matches in it). The
``render_*`` functions turn a snippet into terminal text with colour, plain
text, or HTML with ``<mark>`` (article text escaped, so no markup from an
article reaches a page).

Terms:
    fragment
        Whoosh's name for an extract around one or more matches.
    span
        A ``(start, end)`` range of characters in a snippet's text that matched.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from whoosh import highlight

from .models import Snippet

__all__ = ["ELLIPSIS", "render_ansi", "render_html", "render_plain", "snippets"]

ELLIPSIS = "…"
#: Characters around the matches in a body snippet.
SNIPPET_CHARS = 220
#: Characters of context kept on each side of a match.
SURROUND = 60


class _SpanFormatter(highlight.Formatter):
    """A Whoosh formatter that returns snippets instead of a marked-up string."""

    def format(self, fragments, replace=False):
        result = []
        for fragment in fragments:
            start, end = fragment.startchar, fragment.endchar
            text = fragment.text[start:end]
            spans = []
            last = 0
            for token in sorted(fragment.matches, key=lambda t: (t.startchar, -t.endchar)):
                if token.startchar is None or token.startchar < start + last:
                    continue
                s, e = token.startchar - start, min(token.endchar, end) - start
                spans.append((s, e))
                last = e
            lead = ELLIPSIS if start > 0 else ""
            tail = ELLIPSIS if end < len(fragment.text) else ""
            text, spans = _one_line(text, spans)
            spans = [(s + len(lead), e + len(lead)) for s, e in spans]
            result.append(Snippet(lead + text + tail, tuple(spans)))
        return tuple(result)


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
    lead = 1 if out and out[0] == " " else 0
    folded = "".join(out)
    stripped = folded.strip()
    moved = [(max(mapping[s] - lead, 0), min(mapping[e] - lead, len(stripped))) for s, e in spans]
    return stripped, [(s, e) for s, e in moved if e > s]


def make_highlighter(whole: bool = False) -> highlight.Highlighter:
    """A highlighter for one field: whole text (headlines) or extracts (body, captions)."""
    if whole:
        fragmenter = highlight.WholeFragmenter(charlimit=None)
    else:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=SURROUND, charlimit=None)
    return highlight.Highlighter(fragmenter=fragmenter, formatter=_SpanFormatter())


def snippets(hit, field: str, highlighter: highlight.Highlighter, top: int = 2) -> tuple[Snippet, ...]:
    """Snippets of ``field`` in a Whoosh hit (empty when nothing matched there)."""
    text = hit.get(field)
    if not text:
        return ()
    return highlighter.highlight_hit(hit, field, text=text, top=top, minscore=1) or ()


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
