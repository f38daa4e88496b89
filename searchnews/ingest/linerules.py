"""Line rules: what each line of an article is, decided by rows of (patterns, decision, reason) applied in order.

Scraped news carries much that is not the article. Each line is judged by its
whole shape and its neighbours, never by a prefix alone. The rules are kept as
data, the way trafilatura keeps its own: :data:`RULES` lists them in the order
they are tried, each with the patterns that recognise its lines (from
:mod:`searchnews.ingest.boilerplate`), the decision and the reason it gives,
and what else it does (collect metadata, take the next lines with it). A small
loop (:func:`classify`) applies the first rule that holds to each line.

Most lines match no rule. All the rules' patterns form one
:class:`~searchnews.ingest.patternsets.PatternSet`, which tries on a line only
the patterns that could match it (by first character, length and required
words): a line that none can match is body text after a few cheap tests.

Terms:
    line
        One line of the normalised text (CRLF folded, Unicode NFC, no-break
        spaces made plain).
    decision
        What the cleaner did with a line: ``body``, ``caption``, ``headline``
        (a repeat of the headline), ``promo``, ``related``, ``credit``,
        ``source``, ``authors``, ``stamp``, ``disclaimer``, ``learned``,
        ``continued`` (a wrapped part of the line above, decided with it),
        ``chrome`` (page chrome, see :mod:`searchnews.ingest.pagechrome`) or
        ``blank``.
    rule
        One row of :data:`RULES`: a test (patterns or a predicate), an extra
        condition (``when``: at the edge of the text, at most so many words),
        the decision and reason, and an action. A rule whose pattern matches
        but whose condition or action does not hold lets the next rules try.
    at the edge
        Among the first :data:`~searchnews.ingest.boilerplate.META_EDGE_TOP` or
        the last :data:`~searchnews.ingest.boilerplate.META_EDGE_BOTTOM`
        non-blank lines: the only places where stamps and ``Source:`` lines are
        metadata.
    learned line
        A line that recurs across many articles of the same folder (see
        :mod:`searchnews.ingest.learning`), passed in as ``learned`` (a set of
        line keys, see :func:`line_key`); it is dropped like a promo line.
    hard-wrapped block
        Consecutive short lines that make one paragraph. A block is judged as
        a whole as well as line by line, so boilerplate wrapped over several
        lines (a disclaimer, a promo line, a related headline) is still dropped.
    reference date
        When the article was scraped; a relative stamp (``3 hours ago``) gives
        a date only against it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import boilerplate as bp
from .dates import parse_date
from .patternsets import PatternSet

__all__ = ["RULES", "Collector", "Decisions", "LineDecision", "LineRule", "classify", "line_key", "paragraphs",
           "split_names", "text_key"]

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ODD_SPACE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


@dataclass(frozen=True)
class LineDecision:
    """What the cleaner did with one line, and why (``searchnews clean --explain``)."""

    number: int
    text: str
    decision: str
    reason: str = ""


class Decisions:
    """One decision and reason per line, and the line's text (a wrapped caption's first line holds all of it)."""

    __slots__ = ("kinds", "reasons", "texts")

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.kinds: list[str] = ["body" if text else "blank" for text in texts]
        self.reasons: list[str] = [""] * len(texts)

    def __len__(self) -> int:
        return len(self.texts)

    def set(self, j: int, kind: str, reason: str = "") -> None:
        self.kinds[j] = kind
        self.reasons[j] = reason

    def extend(self, other: Decisions) -> None:
        self.texts.extend(other.texts)
        self.kinds.extend(other.kinds)
        self.reasons.extend(other.reasons)

    def as_list(self) -> list[LineDecision]:
        return [LineDecision(j + 1, text, kind, reason)
                for j, (text, kind, reason) in enumerate(zip(self.texts, self.kinds, self.reasons, strict=True))]


def text_key(line: str) -> str:
    """A comparison key: case and spacing folded, trailing punctuation ignored."""
    return _SPACES.sub(" ", line).strip().casefold().rstrip(" .")


def _plain_spacing(line: str) -> bool:
    """Whether a line's spacing is already folded (single plain spaces, none at the ends)."""
    return not (line[:1].isspace() or line[-1:].isspace() or "  " in line or "\t" in line
                or (not line.isascii() and _ODD_SPACE.search(line) is not None))


def _longer_key(line: str, chars: int, spaced: bool) -> bool:
    """Whether ``line``'s key is surely longer than ``chars``: case-folding never shortens a line, and the
    key loses only final dots and spaces (when the spacing is folded; ``spaced`` says it is known to be)."""
    if len(line) <= chars or not (spaced or _plain_spacing(line)):
        return False
    return line[-1] != "." or len(line.rstrip(" .")) > chars


def _line_key(line: str) -> str:
    """:func:`text_key` of a line of normalised text, without its work when the spacing is already folded."""
    if _plain_spacing(line):
        return line.casefold().rstrip(" .")
    return text_key(line)


def line_key(line: str) -> str:
    """The key under which a learned line is stored and looked up (case, spacing, end dot folded)."""
    return text_key(unicodedata.normalize("NFC", line))


def _words(line: str) -> int:
    return len(line.split())


def _looks_like_headline(line: str) -> bool:
    return 0 < _words(line) <= bp.RELATED_HEADLINE_MAX_WORDS and not line.endswith((".", ",", ";"))


def canonical_agency(name: str) -> str | None:
    """The canonical name of a news agency (``Agence France-Presse`` → ``AFP``), or ``None``."""
    return bp.AGENCIES.get(name.strip().strip(".").casefold())


_AGENCY_MAX_CHARS = max(map(len, bp.AGENCIES))


def split_names(value: str) -> list[str]:
    """Split "A, B and C" into names, dropping agency names and empty parts."""
    names = []
    for part in bp.NAME_SEPARATORS.split(value):
        part = bp.REPORTER_PLACE.sub("", part.strip().strip("."))
        if (part and not canonical_agency(part) and not bp.AVATAR.fullmatch(part)
                and part.casefold() not in bp.GENERIC_AUTHORS and not bp.JOB_TITLE.search(part)):
            names.append(part)
    return names


class Collector:
    """Metadata found while reading lines, with the rules for which wins."""

    def __init__(self) -> None:
        self.sources: list[str] = []  # from "Source:" lines that are not photo credits
        self.photo_sources: list[str] = []  # from "Source:" lines right after a caption
        self.notice_sources: list[str] = []  # agencies named in legal notices
        self.authors: list[str] = []
        self.published: dt.datetime | None = None
        self.updated: dt.datetime | None = None

    def add_authors(self, names: Iterable[str]) -> None:
        for name in names:
            agency = canonical_agency(name)
            if agency:
                self.photo_sources.append(agency)
            elif name not in self.authors:
                self.authors.append(name)

    def add_notice(self, text: str) -> None:
        """Note the agency a legal notice names (the source when nothing else gives one)."""
        found = bp.DISCLAIMER_AGENCY.search(text)
        agency = canonical_agency(found.group(1)) if found else None
        if agency:
            self.notice_sources.append(agency)

    def add_date(self, kind: str, date: dt.datetime | None) -> None:
        """Keep the first publication and the first update date found."""
        if date is not None and kind == "published" and self.published is None:
            self.published = date
        elif date is not None and kind == "updated" and self.updated is None:
            self.updated = date


def match_source(line: str) -> str | None:
    """The source a ``Source: X`` line names (an agency in its canonical form), or ``None``."""
    match = bp.SOURCE_LINE.fullmatch(line)
    if match and _words(match.group("value")) <= bp.SOURCE_MAX_WORDS:
        value = match.group("value").strip()
        return canonical_agency(value) or value
    return None


def _caption_with_credit(line: str, following: str) -> bool:
    """True when ``following`` repeats ``line`` with a photo credit appended."""
    if len(following) <= len(line) or (line[:1] != following[:1] and line[:1] not in ". "
                                       and line[:1].casefold()[:1] != following[:1].casefold()[:1]):
        return False
    if not following.casefold().startswith(line.casefold().rstrip(". ")):
        return False
    rest = following[len(line.rstrip(". ")):]
    return bool(bp.CREDIT_SUFFIX.fullmatch(rest))


def _wrapped_block_ends(lines: Sequence[str]) -> list[int]:
    """For each line, the last line of the hard-wrapped block that starts there (the line itself if none).

    One backward pass: finding each block's end by scanning forward from every
    line was quadratic on long runs of short lines (8,000 lines of "Read more").
    """
    ends = list(range(len(lines)))
    for i in range(len(lines) - 2, -1, -1):
        if lines[i + 1] and len(lines[i]) <= bp.HARD_WRAP_MAX_CHARS and _words(lines[i]) > 1:
            ends[i] = ends[i + 1]
    return ends


# ---------------------------------------------------------------------------
# The text being classified, as the rules see it


class _Text:
    """The lines, their decisions so far, the metadata found and what the rules ask of the context."""

    def __init__(self, lines: Sequence[str], headline: str | None, meta: Collector, learned: frozenset[str],
                 reference: dt.datetime | None, spaced: bool = False, headline_key: str | None = None) -> None:
        self.lines = lines
        #: Whether every line's spacing is known to be folded (lines of normalised text, and blocks of them).
        self.spaced = spaced
        self.n = len(lines)
        self.headline = headline
        self.headline_key = headline_key if headline_key is not None else (text_key(headline) if headline else None)
        self.headline_chars = len(self.headline_key) if self.headline_key is not None else -1
        self._keys: dict[int, str] = {}
        self.meta = meta
        self.learned = learned
        self._learned_chars: int | None = None
        self._learned_lengths: frozenset[int] | None = None
        self.reference = reference
        self.out = Decisions(list(lines))
        self._edge: list[bool] | None = None
        self._nonblank: list[int] | None = None
        self._wrapped_end: list[int] | None = None
        self.missing: frozenset[int] = frozenset()  # patterns that no line can match (see classify)

    def edges(self) -> list[bool]:
        """For each non-blank line, whether it is at the edge of the text (see the module terms)."""
        if self._edge is None:
            # Where metadata lines may stand: near the top or the bottom, counted in non-blank lines.
            edge = [False] * self.n
            nonblank = [k for k, line in enumerate(self.lines) if line]
            for k in nonblank[:bp.META_EDGE_TOP]:
                edge[k] = True
            for k in nonblank[max(0, len(nonblank) - bp.META_EDGE_BOTTOM):]:
                edge[k] = True
            self._edge = edge
        return self._edge

    def at_edge(self, j: int) -> bool:
        return self.edges()[j]

    def next_nonblank(self, j: int) -> int | None:
        """The first non-blank line from ``j`` on (one backward pass the first time)."""
        if self._nonblank is None:
            nonblank = [self.n] * (self.n + 1)
            for k in range(self.n - 1, -1, -1):
                nonblank[k] = k if self.lines[k] else nonblank[k + 1]
            self._nonblank = nonblank
        k = self._nonblank[j] if j < self.n else self.n
        return k if k < self.n else None

    def wrapped_end(self, j: int) -> int:
        if self._wrapped_end is None:
            self._wrapped_end = _wrapped_block_ends(self.lines)
        return self._wrapped_end[j]

    def key(self, j: int) -> str:
        key = self._keys.get(j)
        if key is None:
            line = self.lines[j]
            key = self._keys[j] = line.casefold().rstrip(" .") if self.spaced else _line_key(line)
        return key

    def plain_spacing(self, j: int) -> bool:
        return self.spaced or _plain_spacing(self.lines[j])

    def _longer_key(self, j: int, chars: int) -> bool:
        return _longer_key(self.lines[j], chars, self.spaced)

    def repeats_headline(self, j: int) -> bool:
        """Whether line ``j`` is the headline again (its key is the headline's)."""
        if self.headline_key is None or self._longer_key(j, self.headline_chars):
            return False
        return self.key(j) == self.headline_key

    @property
    def learned_lengths(self) -> frozenset[int]:
        """The lengths of the learned keys."""
        if self._learned_lengths is None:
            self._learned_lengths = frozenset(map(len, self.learned))
        return self._learned_lengths

    @property
    def learned_chars(self) -> int:
        """The length of the longest learned key."""
        if self._learned_chars is None:
            self._learned_chars = max(map(len, self.learned), default=-1)
        return self._learned_chars

    def is_learned(self, j: int) -> bool:
        """Whether line ``j`` is a learned line (its key is one of them)."""
        if not self.learned or self._longer_key(j, self.learned_chars):
            return False
        return self.key(j) in self.learned

    def mark(self, j: int, kind: str, reason: str = "") -> None:
        self.out.kinds[j] = kind
        self.out.reasons[j] = reason


# ---------------------------------------------------------------------------
# Rules: the tests and actions that are more than "this line is X"


Condition = Callable[[_Text, int, Any], bool]
Action = Callable[[_Text, int, Any], "int | None"]


def _at_most(words: int) -> Condition:
    def condition(text: _Text, i: int, found: Any) -> bool:
        return _words(text.lines[i]) <= words

    condition.__doc__ = f"at most {words} words"
    return condition


def _at_edge(text: _Text, i: int, found: Any) -> bool:
    return text.at_edge(i)


def _repeats_headline(text: _Text, i: int) -> bool:
    return text.repeats_headline(i)


def _key_lengths(text: _Text, lengths: frozenset[int]) -> list[bool]:
    """Per line, whether its key can have one of ``lengths``: a line in ASCII with folded spacing has a key as
    long as the line without its final dots and spaces; others may have any."""
    if not text.spaced:
        return [True] * text.n
    return [not line.isascii() or len(line.rstrip(" .") if line[-1:] == "." else line) in lengths
            for line in text.lines]


def _maybe_headline(text: _Text) -> list[bool]:
    return _key_lengths(text, frozenset((text.headline_chars,)))


def _maybe_learned(text: _Text) -> list[bool]:
    return _key_lengths(text, text.learned_lengths)


def _maybe_caption_and_credit(text: _Text) -> list[bool]:
    """Where the next line is longer and starts the same way (see :func:`_caption_with_credit`)."""
    lines = text.lines
    return [len(following) > len(line) and (line[:1].casefold()[:1] == following[:1].casefold()[:1]
                                             or not line.rstrip(". "))
            for line, following in itertools.pairwise(lines)] + [False] * (text.n > 0)


def _maybe_agency(text: _Text) -> list[bool]:
    if not text.spaced:
        return [True] * text.n
    return [len(line) <= _AGENCY_MAX_CHARS or ((line[:1] == "." or line[-1:] == ".")
                                                and len(line.strip(".")) <= _AGENCY_MAX_CHARS) for line in text.lines]


def _repeated_with_credit(text: _Text, i: int) -> bool:
    return i + 1 < text.n and bool(text.lines[i + 1]) and _caption_with_credit(text.lines[i], text.lines[i + 1])


def _caption_and_credit(text: _Text, i: int, found: Any) -> int:
    """A caption, the same sentence with its credit on the next line, and maybe a ``Source:`` line after."""
    text.mark(i, "caption", "repeated with a photo credit on the next line")
    text.mark(i + 1, "credit", "caption repeated with its photo credit")
    i += 2
    if i < text.n and (source := match_source(text.lines[i])):
        text.meta.photo_sources.append(source)
        text.mark(i, "credit", "source of the photo above")
        i += 1
    return i


def _avatar(text: _Text, i: int, found: re.Match[str]) -> int:
    text.meta.add_authors(split_names(found.group("name")))
    text.mark(i, "authors", "avatar label")
    return i + 1


def _related(text: _Text, i: int, found: re.Match[str]) -> int:
    """A "Read also" marker, and the related headline after it when it is not on the same line."""
    text.mark(i, "related", "related-article marker")
    i += 1
    if found.group("rest"):
        return i
    j = text.next_nonblank(i)
    if j is None:
        return i
    end = text.wrapped_end(j)
    lines = text.lines
    # A block of more lines than a headline has words is no headline (and is not joined).
    if j < end < j + bp.RELATED_HEADLINE_MAX_WORDS and _looks_like_headline(" ".join(lines[j:end + 1])):
        for k in range(j, end + 1):
            text.mark(k, "related", "headline of a related article (hard-wrapped)")
        return end + 1
    if _looks_like_headline(lines[j]) and not bp.RELATED_MARKER.fullmatch(lines[j]):
        text.mark(j, "related", "headline of a related article")
        return j + 1
    return i


def _source_line(text: _Text, i: int, found: re.Match[str]) -> int | None:
    return _source(text, i, match_source(text.lines[i]))


def _agency_name(text: _Text, i: int) -> str | None:
    line = text.lines[i]
    if len(line) > _AGENCY_MAX_CHARS and line[-1] not in ". " and line[0] not in ". " and text.plain_spacing(i):
        return None  # longer than any agency name even stripped (case-folding never shortens)
    name = line.strip().strip(".")
    return bp.AGENCIES.get(name.casefold()) if len(name) <= _AGENCY_MAX_CHARS else None


def _agency_title(text: _Text, i: int, found: re.Match[str]) -> int | None:
    return _source(text, i, canonical_agency(found.group("agency")))


def _source(text: _Text, i: int, source: str | None) -> int | None:
    if not source:
        return None
    text.meta.sources.append(source)
    text.mark(i, "source", "source line")
    return i + 1


def _authors_label(text: _Text, i: int, found: re.Match[str]) -> int:
    """``Authors:`` and the names after it, on the same line or on the next short lines."""
    text.mark(i, "authors", "authors label")
    text.meta.add_authors(split_names(found.group("value")))
    i += 1
    if found.group("value").strip():
        return i
    lines = text.lines
    j = text.next_nonblank(i)
    while j is not None and _words(lines[j]) <= 8 and not _GATE.match(lines[j], 0, _ONLY_DISCLAIMERS, text.missing):
        avatar = bp.AVATAR.fullmatch(lines[j])
        text.meta.add_authors(split_names(avatar.group("name") if avatar else lines[j]))
        text.mark(j, "authors", "author name after the label")
        i = j + 1
        if j + 1 < text.n and not lines[j + 1]:
            break
        j = text.next_nonblank(i)
    return i


def _byline(text: _Text, i: int, found: re.Match[str]) -> int:
    text.meta.add_authors(split_names(found.group("names")))
    text.mark(i, "authors", "byline")
    return i + 1


def _reporting(text: _Text, i: int, found: re.Match[str]) -> int | None:
    """Reuters-style ``(Reporting by X; Editing by Y)``, maybe hard-wrapped: reporters are authors."""
    lines = text.lines
    end = i
    while ")" not in lines[end] and end + 1 < min(text.n, i + bp.REPORTING_MAX_LINES) and lines[end + 1]:
        end += 1
    credit_text = " ".join(lines[i:end + 1])
    if not bp.REPORTING_LINE.fullmatch(credit_text):
        return None
    for credit in bp.REPORTING_CREDIT.finditer(credit_text.strip("().")):
        if credit.group("role").strip().casefold() in bp.REPORTER_ROLES:
            text.meta.add_authors(split_names(credit.group("names")))
    for k in range(i, end + 1):
        text.mark(k, "authors", "reporting credits (editors are not authors)")
    return end + 1


_UPDATE_KIND = re.compile(r"(last updated|updated|mis|aktual)", re.I)


def _relative_stamp(text: _Text, i: int, found: re.Match[str]) -> int | None:
    """A relative stamp ("3 hours ago"): a date only against the reference date."""
    unit = found.group("unit").casefold()
    if unit not in bp.RELATIVE_UNITS:
        return None
    kind = "updated" if found.group("kind") and _UPDATE_KIND.match(found.group("kind")) else "published"
    date = None
    if text.reference is not None:
        n = found.group("n").casefold()
        count = 1 if n in bp.RELATIVE_ONE else int(n)
        date = text.reference - dt.timedelta(seconds=count * bp.RELATIVE_UNITS[unit])
    text.meta.add_date(kind, date)
    text.mark(i, "stamp", f"relative {kind} time" + ("" if date else " (no reference date: no date)"))
    return i + 1


_STAMP_KINDS = {pattern: kind for kind, pattern in bp.STAMP_LINES}


def _stamp(text: _Text, i: int, found: re.Match[str]) -> int | None:
    """A publication or update stamp with a date that parses (a bare date is a publication date)."""
    kind = _STAMP_KINDS.get(found.re)
    date = parse_date(found.group("date")) if kind else parse_date(text.lines[i])
    if date is None:
        return None
    text.meta.add_date(kind or "published", date)
    text.mark(i, "stamp", f"{kind or 'published'} time")
    return i + 1


def _disclaimer(text: _Text, i: int, found: re.Match[str]) -> int:
    text.meta.add_notice(text.lines[i])
    text.mark(i, "disclaimer", "agency legal notice")
    return i + 1


def _learned(text: _Text, i: int) -> bool:
    return text.is_learned(i)


@dataclass(frozen=True)
class LineRule:
    """One row of :data:`RULES`.

    A rule holds for a line when one of its ``patterns`` matches it (in
    ``mode``: ``fullmatch``, ``match`` for a prefix, ``search``) or, for a rule
    without patterns, when ``test`` is true; then ``when`` must hold too. Its
    ``action`` marks the line (and maybe the next ones) and returns the next
    line to classify, or ``None`` when the rule does not apply after all; the
    default marks the line with ``decision`` and ``reason``.
    """

    name: str
    decision: str
    reason: str
    patterns: tuple[re.Pattern[str], ...] = ()
    mode: str = "fullmatch"
    test: Callable[[_Text, int], Any] | None = None
    #: For a rule with a test: per line, whether the test may hold (one cheap look at all lines).
    maybe: Callable[[_Text], list[bool]] | None = None
    when: Condition | None = None
    action: Action | None = None

    def apply(self, text: _Text, i: int, found: Any) -> int | None:
        if self.when is not None and not self.when(text, i, found):
            return None
        if self.action is not None:
            return self.action(text, i, found)
        text.mark(i, self.decision, self.reason)
        return i + 1


#: The rules, in the order they are tried on each line; a line no rule holds for is body text.
RULES: tuple[LineRule, ...] = (
    LineRule("headline repeated", "headline", "repeats the headline", test=_repeats_headline,
             maybe=_maybe_headline),
    LineRule("caption and credit", "caption", "repeated with a photo credit on the next line",
             test=_repeated_with_credit, maybe=_maybe_caption_and_credit, action=_caption_and_credit),
    LineRule("caption with credit", "caption", "ends with a photo credit in brackets",
             (bp.INLINE_CREDIT,), "search", when=_at_most(60)),
    LineRule("caption label", "caption", "caption label", (bp.CAPTION_PREFIX,)),
    LineRule("credit", "credit", "photo credit line", (bp.CREDIT_LINE,), when=_at_most(12)),
    LineRule("avatar", "authors", "avatar label", (bp.AVATAR,), when=_at_most(4), action=_avatar),
    LineRule("promo", "promo", "promo or navigation line", bp.PROMO_LINES),
    LineRule("related", "related", "related-article marker", (bp.RELATED_MARKER,), action=_related),
    LineRule("source line", "source", "source line", (bp.SOURCE_LINE,), when=_at_edge, action=_source_line),
    LineRule("agency name", "source", "source line", test=_agency_name, maybe=_maybe_agency,
             action=lambda text, i, found: _source(text, i, found)),
    LineRule("agency title", "source", "source line", (bp.AGENCY_TITLE,), action=_agency_title),
    LineRule("authors label", "authors", "authors label", (bp.AUTHORS_LINE,), action=_authors_label),
    LineRule("byline", "authors", "byline", (bp.BYLINE,), when=_at_most(16), action=_byline),
    LineRule("reporting credits", "authors", "reporting credits (editors are not authors)",
             (bp.REPORTING_START,), "match", action=_reporting),
    LineRule("relative stamp", "stamp", "relative time", bp.RELATIVE_STAMPS, when=_at_edge, action=_relative_stamp),
    LineRule("stamp", "stamp", "published or updated time",
             (*(pattern for _, pattern in bp.STAMP_LINES), bp.BARE_DATE_LINE), when=_at_edge, action=_stamp),
    LineRule("disclaimer", "disclaimer", "agency legal notice", bp.DISCLAIMERS, "search", action=_disclaimer),
    LineRule("learned", "learned", "recurs across articles of this folder", test=_learned, maybe=_maybe_learned),
)

#: Every pattern of the rules, in rule order; ``_RULE_OF[k]`` is the number of the rule of pattern ``k``.
_GATE = PatternSet([(pattern, rule.mode) for rule in RULES for pattern in rule.patterns])
_RULE_OF = tuple(number for number, rule in enumerate(RULES) for _ in rule.patterns)
#: The patterns of the rules that hold only at the edge of the text: not tried elsewhere.
_EDGE_ONLY = frozenset(k for k, number in enumerate(_RULE_OF) if RULES[number].when is _at_edge)
_ANYWHERE: frozenset[int] = frozenset()
#: All patterns but those of one rule (a block is judged against promo lines and legal notices alone).
_ONLY_PROMO = frozenset(k for k, number in enumerate(_RULE_OF) if RULES[number].name != "promo")
_ONLY_DISCLAIMERS = frozenset(k for k, number in enumerate(_RULE_OF) if RULES[number].name != "disclaimer")
_TESTED = tuple((number, rule) for number, rule in enumerate(RULES) if rule.test is not None)


def classify(lines: Sequence[str], headline: str | None, meta: Collector, learned: frozenset[str] = frozenset(),
             reference: dt.datetime | None = None, missing: frozenset[int] | None = None,
             spaced: bool = False, headline_key: str | None = None,
             edges: Sequence[bool] | None = None) -> Decisions:
    """Decide what each line is: the first rule of :data:`RULES` that holds, else body text.

    ``headline`` is the article's headline (its repeats are dropped);
    ``meta`` collects the metadata the rules find; ``learned`` holds the keys
    of lines learned from the corpus; ``reference`` is the date relative stamps
    ("3 hours ago") count back from; ``missing``, the patterns known to match
    nothing in these lines (worked out here when not given); ``spaced``, whether
    the lines are known to be normalised (their spacing folded); ``headline_key``,
    the headline's :func:`text_key` when known; ``edges``, which lines are at the
    edge of the article when that is known otherwise (a page's metadata windows).
    Hard-wrapped
    blocks are then judged as one line each (:func:`_judge_wrapped_blocks`).
    """
    text = _Text(lines, headline, meta, learned, reference, spaced, headline_key)
    if edges is not None:
        text._edge = list(edges)
    n = text.n
    # The patterns whose required words the whole text lacks match none of its lines, nor their blocks.
    text.missing = missing = _GATE.missing(" ".join(lines)) if missing is None else missing
    edge = text.edges()
    # The rules with a test, where each may hold; a line where none may is left to the patterns.
    tested = [(rule, rule.maybe(text) if rule.maybe else [True] * n) for _, rule in _TESTED
              if (rule.test is not _learned or learned) and (rule.test is not _repeats_headline or text.headline_key)]
    could = [any(flags) for flags in zip(*(maybe for _, maybe in tested), strict=True)] if tested else [False] * n
    match = _GATE.match
    i = 0
    while i < n:
        line = lines[i]
        if not line:
            i += 1
            continue
        hit = match(line, 0, _ANYWHERE if edge[i] else _EDGE_ONLY, missing)
        nxt = None
        if hit is None:  # no pattern can match: only the rules without patterns can hold
            if could[i]:
                for rule, maybe in tested:
                    if maybe[i] and (found := rule.test(text, i)) and (  # type: ignore[misc]
                            nxt := rule.apply(text, i, found)) is not None:
                        break
        else:
            nxt = _apply_in_order(text, i, hit)
        i = nxt if nxt is not None else i + 1  # no rule: body, as set
    _judge_wrapped_blocks(text)
    return text.out


def _apply_in_order(text: _Text, i: int, hit: tuple[int, re.Match[str]] | None) -> int | None:
    """The rules in order on line ``i``, ``hit`` being the first of their patterns that matches it."""
    line = text.lines[i]
    for number, rule in enumerate(RULES):
        if rule.test is not None:
            found = rule.test(text, i)
            if found and (nxt := rule.apply(text, i, found)) is not None:
                return nxt
            continue
        while hit is not None and _RULE_OF[hit[0]] == number:
            nxt = rule.apply(text, i, hit[1])
            if nxt is not None:
                return nxt
            hit = _GATE.match(line, hit[0] + 1, missing=text.missing)
    return None


def _block_decision(joined: str, text: _Text) -> tuple[str, str] | None:
    """The decision for a hard-wrapped block of ``text`` judged as one line, or ``None`` if it is body text."""
    if text.headline_key is not None and not _longer_key(joined, text.headline_chars, text.spaced) and (
            _line_key(joined) == text.headline_key):
        return "headline", "repeats the headline (hard-wrapped)"
    if _GATE.match(joined, 0, _ONLY_PROMO, text.missing):
        return "promo", "promo or navigation line (hard-wrapped)"
    if _GATE.match(joined, 0, _ONLY_DISCLAIMERS, text.missing):
        return "disclaimer", "agency legal notice (hard-wrapped)"
    if text.learned and not _longer_key(joined, text.learned_chars, text.spaced) and _line_key(joined) in text.learned:
        return "learned", "recurs across articles of this folder (hard-wrapped)"
    return None


_JUDGED = frozenset({"body", "headline", "promo", "disclaimer", "learned"})


def _judge_wrapped_blocks(text: _Text) -> None:
    """Judge each hard-wrapped block that holds body lines as a whole line.

    A block here is a run of non-blank lines that would be joined into one
    paragraph, made of body lines and possibly lines already dropped as
    boilerplate ("PAY ATTENTION: ..." whose wrapped tail looked like text).
    """
    out = text.out
    kinds, texts = out.kinds, out.texts
    n = len(kinds)
    i = 0
    while i < n:
        if kinds[i] not in _JUDGED:
            i += 1
            continue
        end = i
        while end + 1 < n and kinds[end + 1] in _JUDGED:
            end += 1
        if end > i and "body" in kinds[i:end + 1] and max(map(len, texts[i:end])) <= bp.HARD_WRAP_MAX_CHARS:
            joined = " ".join(texts[i:end + 1])
            if kinds[i:end + 1].count("body") == end + 1 - i:
                # The block read as one line: "Source:" / "AFP", "By" / "Jane Doe", a wrapped caption. The
                # block rules come first; when no line rule holds for the block, no block rule can hold either.
                single = classify([joined], text.headline, Collector(), text.learned, text.reference, text.missing,
                                  text.spaced, text.headline_key)
                kind = single.kinds[0]
                verdict = None if kind == "body" else _block_decision(joined, text)
                if verdict is None and kind != "body":  # again, collecting what the line says this time
                    single = classify([joined], text.headline, text.meta, text.learned, text.reference,
                                      text.missing, text.spaced, text.headline_key)
                if verdict is None and kind == "caption":
                    texts[i] = joined
                    out.set(i, "caption", single.reasons[0] + " (hard-wrapped)")
                    for k in range(i + 1, end + 1):
                        out.set(k, "continued", "wrapped part of the line above")
                elif verdict is None and kind != "body":
                    verdict = (kind, single.reasons[0] + " (hard-wrapped)")
            else:
                verdict = _block_decision(joined, text)
            if verdict:
                if verdict[0] == "disclaimer":
                    text.meta.add_notice(joined)
                for k in range(i, end + 1):
                    out.set(k, *verdict)
        i = end + 1


def paragraphs(decisions: Decisions) -> list[str]:
    """Group consecutive body lines into paragraphs (hard-wrapped lines joined)."""
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if not block:
            return
        if len(block) > 1 and max(len(b) for b in block[:-1]) <= bp.HARD_WRAP_MAX_CHARS:
            out.append(" ".join(block))
        else:
            out.extend(block)
        block.clear()

    for kind, line in zip(decisions.kinds, decisions.texts, strict=True):
        if kind == "body":
            block.append(line)
        else:
            flush()
    flush()
    return out
