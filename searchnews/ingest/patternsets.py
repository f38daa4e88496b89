"""Pattern sets: many line patterns tried for the price of the few that could match.

The cleaner tries dozens of whole-line patterns (promo lines, captions, bylines,
stamps, page chrome, legal notices) on every line, and most lines match none
of them. A pattern's own source says much about what it can match before it
runs: which characters a match can start with, how long it can be, and which
words it cannot do without. A :class:`PatternSet` reads that from each pattern
with Python's regular-expression parser and, for a given line, runs only the
patterns that could match it: the same answers as trying every pattern in
turn, at a fraction of the cost.

Terms:
    first characters
        The characters a match can start with (a character class, applied with
        the pattern's own case rules); none when a match can start anywhere
        (``.{0,40}\\bnewsletter``) or the pattern is searched for.
    width
        The shortest and the longest text a pattern can match: a whole line
        outside that range is not tried (a searched pattern needs only the
        shortest).
    required words
        Literal strings of which every match contains at least one
        (``newsletter``; ``not be``), compared in lower case. A line that
        contains none of them is not tried. Only for lines in ASCII: elsewhere
        Unicode case rules (``ſ`` matches ``s`` when case is ignored) make the
        comparison unsafe, and the pattern is tried.
    candidates
        The patterns that could match a line by its first character and its
        length: worked out once per first character and length band, and kept.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

try:  # Python 3.11+
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["PatternSet"]

_INFINITE = 1 << 62
_REPEATS = tuple(getattr(_sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(_sre, name))
_BEGINNINGS = (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING)
#: The most characters a range in a character class may hold to be listed as first characters.
_MAX_RANGE = 512


class _Unknown(Exception):
    """A construct the analysis does not read: the pattern is tried on every line."""


def _ignorecase(icase: bool, add_flags: int, del_flags: int) -> bool:
    if add_flags & _sre.SRE_FLAG_IGNORECASE:
        return True
    if del_flags & _sre.SRE_FLAG_IGNORECASE:
        return False
    return icase


def _first(items: Sequence, icase: bool) -> tuple[set[tuple[str, bool]] | None, bool]:
    """What a match of ``items`` can start with, and whether it can be empty.

    The first is a set of (class element, ignore case) pairs, each element written as it would stand
    inside ``[...]`` (``a``, ``a-z``, ``\\d``); ``None`` when a match can start with anything.
    """
    out: set[tuple[str, bool]] = set()
    for op, av in items:
        chars, nullable = _first_item(op, av, icase)
        if chars is None:
            return None, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


_CATEGORIES = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D", _sre.CATEGORY_SPACE: r"\s",
               _sre.CATEGORY_NOT_SPACE: r"\S", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}


def _first_item(op, av, icase: bool) -> tuple[set[tuple[str, bool]] | None, bool]:
    if op is _sre.LITERAL:
        return {(re.escape(chr(av)), icase)}, False
    if op is _sre.IN:
        chars = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add((re.escape(chr(value)), icase))
            elif kind is _sre.RANGE:
                chars.add((f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}", icase))
            elif kind is _sre.CATEGORY and value in _CATEGORIES:
                chars.add((_CATEGORIES[value], icase))
            else:  # a negated class: any character, near enough
                return None, False
        return chars, False
    if op is _sre.BRANCH:
        out: set[tuple[str, bool]] = set()
        nullable = False
        for alternative in av[1]:
            chars, empty = _first(alternative, icase)
            if chars is None:
                return None, False
            out |= chars
            nullable = nullable or empty
        return out, nullable
    if op is _sre.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return _first(sub, _ignorecase(icase, add_flags, del_flags))
    if op in _REPEATS:
        low, _, sub = av
        chars, empty = _first(sub, icase)
        return chars, chars is not None and (empty or low == 0)
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _first(av, icase)
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):  # consume nothing: look further
        return set(), True
    return None, False  # ANY, NOT_LITERAL, group references, conditionals


def _required(items: Sequence, icase: bool) -> list[frozenset[str]]:
    """Sets of lower-case strings: every match of ``items`` contains one string of each set."""
    found: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            found.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av).lower())
            continue
        flush()
        if op is _sre.BRANCH:
            options: set[str] = set()
            for alternative in av[1]:
                best = _best(_required(alternative, icase))
                if best is None:
                    options = set()
                    break
                options |= best
            if options:
                found.append(frozenset(options))
        elif op is _sre.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            found.extend(_required(sub, _ignorecase(icase, add_flags, del_flags)))
        elif op in _REPEATS and av[0] >= 1:
            found.extend(_required(av[2], icase))
        elif op is getattr(_sre, "ATOMIC_GROUP", None):
            found.extend(_required(av, icase))
        elif op is _sre.IN and av and all(kind is _sre.LITERAL for kind, _ in av):
            found.append(frozenset(chr(value).lower() for _, value in av))
    flush()
    return found


def _best(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective set: its shortest string longest, then the fewest strings."""
    usable = [s for s in sets if s and all(s)]
    if not usable:
        return None
    return max(usable, key=lambda s: (min(map(len, s)), -len(s)))


def _cheapest(sets: list[frozenset[str]], most: int = 3) -> tuple[tuple[str, ...], ...] | None:
    """Up to ``most`` distinct sets, the cheapest to look for first (fewest strings, then longest)."""
    usable = sorted({s for s in sets if s and all(s)}, key=lambda s: (len(s), -min(map(len, s)), sorted(s)))
    return tuple(tuple(sorted(s)) for s in usable[:most]) or None


#: How many characters of a match's start :func:`_heads` reads, and the most starts it lists.
HEAD_CHARS = 3
_MAX_HEADS = 400


def _concat(left: set[tuple[str, bool]], right: set[tuple[str, bool]]) -> set[tuple[str, bool]]:
    """The starts of a match of one part then another: (start, open) pairs, open when anything may follow."""
    out = set()
    for start, open_ in left:
        if open_:
            out.add((start, True))
            continue
        for more, open_more in right:
            joined = start + more
            out.add((joined[:HEAD_CHARS], True) if len(joined) >= HEAD_CHARS else (joined, open_more))
    if len(out) > _MAX_HEADS:
        raise _Unknown
    return out


def _heads(items: Sequence, icase: bool) -> set[tuple[str, bool]]:
    """The lower-case starts (up to :data:`HEAD_CHARS` characters) a match of ``items`` can have.

    Pairs (start, open): open when the start is complete or anything may follow it. Raises
    :class:`_Unknown` when there are too many to list.
    """
    found = {("", False)}
    for op, av in items:
        found = _concat(found, _heads_item(op, av, icase))
        if all(open_ for _, open_ in found):
            break
    return found


def _heads_item(op, av, icase: bool) -> set[tuple[str, bool]]:
    if op is _sre.LITERAL:
        return {(chr(av).lower(), False)}
    if op is _sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] < _MAX_HEADS:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            else:  # a category or a negated class: anything from here
                return {("", True)}
        return {(c.lower(), False) for c in chars}
    if op is _sre.BRANCH:
        out: set[tuple[str, bool]] = set()
        for alternative in av[1]:
            out |= _heads(alternative, icase)
        return out
    if op is _sre.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return _heads(sub, _ignorecase(icase, add_flags, del_flags))
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _heads(av, icase)
    if op in _REPEATS:
        low, high, sub = av
        once = _heads(sub, icase)
        found = {("", False)} if low == 0 else set()
        current = {("", False)}
        for count in range(1, min(high, max(low, HEAD_CHARS)) + 1):
            current = _concat(current, once)
            if all(open_ for _, open_ in current):
                found |= current  # (further repetitions only follow starts already complete)
                break
            if count >= low:
                found |= current
        else:
            if high > max(low, HEAD_CHARS):  # more repetitions may follow what was listed
                found |= {(start, True) for start, _ in current}
        return found
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return {("", False)}
    return {("", True)}  # any character, a group reference: anything from here


def _ascii_safe(words: frozenset[str]) -> bool:
    """Whether no ASCII character matches a non-ASCII character of ``words``, case ignored (Kelvin sign, long s).

    Then, on a text in ASCII, looking for the lower-case words gives the same answer as the pattern's own case rules.
    """
    for char in {c for word in words for c in word if not c.isascii()}:
        pattern = re.compile(re.escape(char), re.IGNORECASE)
        if any(pattern.fullmatch(chr(code)) for code in range(128)):
            return False
    return True


@dataclass(frozen=True)
class _Entry:
    """One pattern with what its source says about its matches."""

    index: int
    pattern: re.Pattern[str]
    mode: str  # fullmatch, match (a prefix) or search
    first: re.Pattern[str] | None  # a class matching the possible first characters; None: any
    low: int
    high: int
    required: tuple[tuple[str, ...], ...] | None  # sets of words: a match holds one word of each
    heads: tuple[str, ...] | None = None  # lower-case starts a match can have (see _heads); None: any

    def could_start(self, char: str) -> bool:
        if self.first is None:
            return True
        return bool(char) and self.first.fullmatch(char) is not None

    def fits(self, length: int) -> bool:
        if self.mode == "fullmatch":
            return self.low <= length <= self.high
        return self.low <= length


def _analyse(index: int, pattern: re.Pattern[str], mode: str) -> _Entry:
    icase = bool(pattern.flags & re.IGNORECASE)
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
        low, high = parsed.getwidth()
        items = list(parsed)
        anchored = mode != "search" or (items and items[0][0] is _sre.AT and items[0][1] in _BEGINNINGS)
        chars, nullable = _first(items, icase) if anchored else (None, True)
        first = None
        if chars is not None and not nullable:
            folded = "".join(sorted(c for c, ic in chars if ic))
            exact = "".join(sorted(c for c, ic in chars if not ic))
            alternatives = ([f"(?i:[{folded}])"] if folded else []) + ([f"[{exact}]"] if exact else [])
            first = re.compile("|".join(alternatives), pattern.flags & ~re.IGNORECASE)
        # Words are looked for only where the first character cannot rule a pattern out: that costs more
        # than the pattern itself when it is anchored to a word at the start.
        required = None
        if first is None:
            required = _cheapest([s for s in _required(items, icase) if _ascii_safe(s)])
    except (_Unknown, re.error, RecursionError, TypeError, ValueError):  # pragma: no cover - unreadable: always tried
        return _Entry(index, pattern, mode, None, 0, _INFINITE, None)
    heads = None
    if first is not None:
        try:
            starts = frozenset(start for start, _ in _heads(items, icase))
            if "" not in starts and _ascii_safe(starts):
                heads = tuple(sorted(starts))
        except (_Unknown, RecursionError):
            heads = None
    return _Entry(index, pattern, mode, first, low, high if high < _sre.MAXREPEAT else _INFINITE, required, heads)


_GROUP_NAME = re.compile(r"\(\?P<\w+>")
#: Flags a pattern may carry to join a gate (others are tried on their own).
_GATE_FLAGS = re.IGNORECASE | re.UNICODE


def _gate_source(entry: _Entry) -> str | None:
    """``entry``'s pattern rewritten to be one alternative of a gate (tried with ``fullmatch``), or ``None``."""
    pattern = entry.pattern
    if pattern.flags & ~_GATE_FLAGS or "(?P=" in pattern.pattern or re.search(r"\\\d", pattern.pattern):
        return None
    source = _GROUP_NAME.sub("(?:", pattern.pattern)
    scoped = f"(?{'i' if pattern.flags & re.IGNORECASE else '-i'}:{source})"
    return scoped if entry.mode == "fullmatch" else scoped + "(?s:.*)"


@dataclass(frozen=True)
class _Plan:
    """How a text is tried, for texts of one first character and length band.

    ``gate`` is one regular expression made of the candidates that can only
    start with certain characters (``None`` if there are none): when it does
    not match, none of them does. ``others`` are the remaining candidates, each
    tried on its own after its required words. ``candidates`` is every
    candidate, in order, tried one by one once something matched.
    """

    candidates: tuple[tuple[int, Any, tuple[tuple[str, ...], ...] | None], ...]
    gate: re.Pattern[str] | None
    others: tuple[tuple[int, Any, tuple[tuple[str, ...], ...] | None], ...]
    other_numbers: frozenset[int]


def _first_match(entries, text: str, start: int,
                 missing: frozenset[int]) -> tuple[int, re.Match[str]] | None:
    """The first of ``entries`` (number, match method, required words) from ``start`` on that matches ``text``."""
    low: str | bool | None = None  # the text in lower case; False when words are unsafe to look for
    for index, method, required in entries:
        if index < start or index in missing:
            continue
        if required is not None:
            if low is None:
                low = lower_if_safe(text) or False
            if low is not False and not _has_words(low, required):  # type: ignore[arg-type]
                continue
        found = method(text)
        if found is not None:
            return index, found
    return None


def _has_words(low: str, required: tuple[tuple[str, ...], ...]) -> bool:
    for words in required:
        for word in words:
            if word in low:
                break
        else:
            return False
    return True


#: Characters with more than one case partner in Python's ``re`` (its ``_casefix`` table: ``ſ`` and ``s``),
#: as code points (written as numbers: Unicode normalisation would fold some of them into others).
_MULTI_CASE = (0xB5, 0x131, 0x17F, 0x345, 0x390, 0x3B0, 0x3B2, 0x3B5, 0x3B8, 0x3B9, 0x3BA, 0x3BC, 0x3C0, 0x3C1,
               0x3C2, 0x3C3, 0x3C6, 0x3D0, 0x3D1, 0x3D5, 0x3D6, 0x3F0, 0x3F1, 0x3F5, 0x432, 0x434, 0x43E, 0x441,
               0x442, 0x44A, 0x463, 0x1C80, 0x1C81, 0x1C82, 0x1C83, 0x1C84, 0x1C85, 0x1C86, 0x1C87, 0x1C88, 0x1E61,
               0x1E9B, 0x1FBE, 0x1FD3, 0x1FE3, 0xA64B, 0xFB05, 0xFB06)
#: Characters that make lower-case comparison differ from a pattern's ignore-case matching: those above and
#: their capitals (but ASCII ones), and ``İ`` (lower-cased to two characters).
_CASE_TRAPS_TEXT = "".join(sorted(
    {c for c in (*map(chr, _MULTI_CASE), *(chr(c).upper() for c in _MULTI_CASE), "\u0130")
     if len(c) == 1 and not c.isascii()}))
_CASE_TRAPS = re.compile(f"[{re.escape(_CASE_TRAPS_TEXT)}]")


def lower_if_safe(text: str) -> str | None:
    """``text`` in lower case, or ``None`` when looking for lower-case words in it could miss a match."""
    if text.isascii() or _CASE_TRAPS.search(text) is None:
        return text.lower()
    return None


_NO_SKIP: frozenset[int] = frozenset()


class PatternSet:
    """Patterns tried in order on a text, each only where its first character, width and required words allow.

    ``patterns`` are compiled patterns, or ``(pattern, mode)`` pairs where mode
    is ``fullmatch`` (the whole text), ``match`` (a prefix) or ``search``
    (anywhere); ``mode`` is the default for bare patterns.
    """

    def __init__(self, patterns: Iterable[re.Pattern[str] | tuple[re.Pattern[str], str]],
                 mode: str = "fullmatch") -> None:
        pairs = [p if isinstance(p, tuple) else (p, mode) for p in patterns]
        self.patterns: tuple[re.Pattern[str], ...] = tuple(p for p, _ in pairs)
        self._entries = tuple(_analyse(k, p, m) for k, (p, m) in enumerate(pairs))
        self._methods = tuple(getattr(p, m) for p, m in pairs)
        self._gate_sources = tuple(_gate_source(e) if e.first is not None else None for e in self._entries)
        bounds = set()
        for entry in self._entries:
            bounds.add(entry.low)
            if entry.mode == "fullmatch" and entry.high < _INFINITE:
                bounds.add(entry.high + 1)
        self._bounds = sorted(bounds)
        self._plans: dict[tuple[str, int, frozenset[int]], _Plan] = {}
        self._by_first: dict[tuple[str, int, frozenset[int]], tuple[_Entry, ...]] = {}
        self._gates: dict[tuple[int, ...], re.Pattern[str] | None] = {}
        self._worded = tuple(e for e in self._entries if e.required is not None)

    def _plan(self, text: str, skip: frozenset[int]) -> _Plan:
        """How to try ``text``: the candidates by its first character and length, narrowed by its first
        three characters (when in ASCII) to those whose matches can start with them."""
        band = bisect.bisect_right(self._bounds, len(text))
        key = (text[:1], band, skip)
        chosen = self._by_first.get(key)
        if chosen is None:
            chosen = self._by_first[key] = tuple(
                e for e in self._entries if e.index not in skip and e.could_start(text[:1]) and e.fits(len(text)))
        head = text[:HEAD_CHARS]
        if head.isascii():
            head = head.lower()
            chosen = tuple(e for e in chosen if e.heads is None or head.startswith(e.heads))
        gated = tuple(e.index for e in chosen if self._gate_sources[e.index] is not None)
        if gated not in self._gates:
            self._gates[gated] = (re.compile("|".join(self._gate_sources[k] for k in gated))  # type: ignore[misc]
                                  if gated else None)
        others = tuple((e.index, self._methods[e.index], e.required) for e in chosen
                       if self._gate_sources[e.index] is None)
        plan = _Plan(tuple((e.index, self._methods[e.index], e.required) for e in chosen), self._gates[gated],
                     others, frozenset(index for index, _, _ in others))
        if len(self._plans) > 200_000:  # a corpus of every script: start again
            self._plans.clear()
        self._plans[(text[:HEAD_CHARS], band, skip)] = plan
        return plan

    def missing(self, text: str) -> frozenset[int]:
        """The patterns that match no part of ``text``, by the required words ``text`` lacks.

        For a document: pass the result as ``skip`` to :meth:`match` for its lines
        (and for any run of its lines joined with spaces, if ``text`` joins them with spaces).
        """
        if not self._worded:
            return _NO_SKIP
        low = lower_if_safe(text)
        if low is None:
            return _NO_SKIP
        return frozenset(e.index for e in self._worded if not _has_words(low, e.required))  # type: ignore[arg-type]

    def match(self, text: str, start: int = 0, skip: frozenset[int] = _NO_SKIP,
              missing: frozenset[int] = _NO_SKIP) -> tuple[int, re.Match[str]] | None:
        """The first pattern, from number ``start`` on, that matches ``text``: its number and the match.

        Patterns in ``skip`` are not tried (what is worked out per first character
        and length is kept per ``skip`` set: pass one of a few fixed sets); nor are
        those in ``missing``, the result of :meth:`missing` for a document ``text``
        is part of.
        """
        plan = (self._plans.get((text[:HEAD_CHARS], bisect.bisect_right(self._bounds, len(text)), skip))
                or self._plan(text, skip))
        if start == 0 and (plan.gate is None or plan.gate.fullmatch(text) is None):
            # None of the gated patterns matches: the first of the others that does is the answer.
            if plan.other_numbers <= missing:
                return None
            return _first_match(plan.others, text, 0, missing)
        return _first_match(plan.candidates, text, start, missing)

    def matches(self, text: str) -> bool:
        """Whether any pattern matches ``text``."""
        return self.match(text) is not None

    def __len__(self) -> int:
        return len(self._entries)
