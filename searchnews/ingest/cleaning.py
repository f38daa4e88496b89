"""Cleaning: a raw document (scraped text, a saved web page or a JSON record) to an :class:`Article`.

Scraped news carries much that is not the article. The cleaner decides line by
line, looking at each line's whole shape and at its neighbours, never at a
prefix alone. The tables it uses live in :mod:`searchnews.boilerplate`.

Terms:
    line
        One line of the normalised text (CRLF folded, Unicode NFC, no-break
        spaces made plain).
    block
        Consecutive kept lines between blank (or dropped) lines; a block
        becomes one paragraph, or one paragraph per line when its lines are
        long (one paragraph a line, as most scrapes write them).
    decision
        What the cleaner did with a line: ``body``, ``caption``, ``headline``
        (a repeat of the headline), ``promo``, ``related``, ``credit``,
        ``source``, ``authors``, ``stamp``, ``disclaimer``, ``learned``,
        ``continued`` (a wrapped part of the line above, decided with it) or
        ``blank``.
    learned line
        A line that recurs across many articles of the same folder, found by
        :func:`searchnews.learning.learn_boilerplate` and passed in as
        ``learned`` (a set of line keys, see :func:`line_key`); it is dropped
        like a promo line even though no rule describes it.
    hard-wrapped block
        Consecutive short lines that make one paragraph. A block is judged as
        a whole as well as line by line, so boilerplate wrapped over several
        lines (a disclaimer, a promo line, a related headline) is still dropped.
    reference date
        When the article was scraped (for files: the modification time). A
        relative stamp such as ``3 hours ago`` gives a date only against it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..errors import DocumentError
from ..models import Article, FileProblem
from . import boilerplate as bp
from .corpus import RawDocument, SourceFile, article_id, load_json, read_documents, source_for
from .dates import parse_date
from .language import detect_language, language_code
from .pagechrome import Layout, find_layout, plain

__all__ = [
    "LineDecision",
    "clean_document",
    "clean_file",
    "clean_html",
    "clean_record",
    "clean_string",
    "clean_text",
    "explain_text",
    "normalize_text",
    "read_file",
]

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TERMINAL = (".", "!", "?", "…", '"', "”", "»", ":")


@dataclass(frozen=True)
class LineDecision:
    """What the cleaner did with one line, and why (``searchnews clean --explain``)."""

    number: int
    text: str
    decision: str
    reason: str = ""


def normalize_text(text: str) -> str:
    """Fold line endings, apply Unicode NFC, make odd spaces plain and drop invisible characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def _key(line: str) -> str:
    """A comparison key: case and spacing folded, trailing punctuation ignored."""
    return _SPACES.sub(" ", line).strip().casefold().rstrip(" .")


def line_key(line: str) -> str:
    """The key under which a learned line is stored and looked up (case, spacing, end dot folded)."""
    return _key(unicodedata.normalize("NFC", line))


def _words(line: str) -> int:
    return len(line.split())


def _looks_like_headline(line: str) -> bool:
    return 0 < _words(line) <= bp.RELATED_HEADLINE_MAX_WORDS and not line.endswith((".", ",", ";"))


def _canonical_agency(name: str) -> str | None:
    return bp.AGENCIES.get(name.strip().strip(".").casefold())


def split_names(value: str) -> list[str]:
    """Split "A, B and C" into names, dropping agency names and empty parts."""
    names = []
    for part in bp.NAME_SEPARATORS.split(value):
        part = bp.REPORTER_PLACE.sub("", part.strip().strip("."))
        if (part and not _canonical_agency(part) and not bp.AVATAR.fullmatch(part)
                and part.casefold() not in bp.GENERIC_AUTHORS and not bp.JOB_TITLE.search(part)):
            names.append(part)
    return names


class _Collector:
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
            agency = _canonical_agency(name)
            if agency:
                self.photo_sources.append(agency)
            elif name not in self.authors:
                self.authors.append(name)

    def add_notice(self, text: str) -> None:
        """Note the agency a legal notice names (the source when nothing else gives one)."""
        found = bp.DISCLAIMER_AGENCY.search(text)
        agency = _canonical_agency(found.group(1)) if found else None
        if agency:
            self.notice_sources.append(agency)


def _match_source(line: str) -> str | None:
    match = bp.SOURCE_LINE.fullmatch(line)
    if match and _words(match.group("value")) <= bp.SOURCE_MAX_WORDS:
        value = match.group("value").strip()
        return _canonical_agency(value) or value
    return None


def _any_of(patterns) -> re.Pattern[str]:
    """One pattern matching where any of ``patterns`` does (one regex pass instead of many)."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


_PROMO = _any_of(bp.PROMO_LINES)
_DISCLAIMER = _any_of(bp.DISCLAIMERS)


def _match_promo(line: str) -> bool:
    return _PROMO.fullmatch(line) is not None


def _match_disclaimer(line: str) -> bool:
    low = line.lower()
    return any(hint in low for hint in bp.DISCLAIMER_HINTS) and _DISCLAIMER.search(line) is not None


def _match_relative_stamp(line: str, reference: dt.datetime | None) -> tuple[str, dt.datetime | None] | None:
    """A relative stamp ("3 hours ago"): its kind and, when ``reference`` is known, its date."""
    for pattern in bp.RELATIVE_STAMPS:
        match = pattern.fullmatch(line)
        if not match or match.group("unit").casefold() not in bp.RELATIVE_UNITS:
            continue
        kind = "updated" if match.group("kind") and re.match(
            r"(last updated|updated|mis|aktual)", match.group("kind"), re.I) else "published"
        if reference is None:
            return kind, None
        n = match.group("n").casefold()
        count = 1 if n in bp.RELATIVE_ONE else int(n)
        seconds = count * bp.RELATIVE_UNITS[match.group("unit").casefold()]
        return kind, reference - dt.timedelta(seconds=seconds)
    return None


def _match_stamp(line: str) -> tuple[str, dt.datetime] | None:
    for kind, pattern in bp.STAMP_LINES:
        match = pattern.fullmatch(line)
        if match:
            date = parse_date(match.group("date"))
            if date:
                return kind, date
    if bp.BARE_DATE_LINE.fullmatch(line):
        date = parse_date(line)
        if date:
            return "published", date
    return None


def _caption_with_credit(line: str, following: str) -> bool:
    """True when ``following`` repeats ``line`` with a photo credit appended."""
    if len(following) <= len(line) or not following.casefold().startswith(line.casefold().rstrip(". ")):
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


def _block_decision(text: str, headline_key: str | None, learned: frozenset[str]) -> tuple[str, str] | None:
    """The decision for a hard-wrapped block judged as one line, or ``None`` if it is body text."""
    if headline_key is not None and _key(text) == headline_key:
        return "headline", "repeats the headline (hard-wrapped)"
    if _match_promo(text):
        return "promo", "promo or navigation line (hard-wrapped)"
    if _match_disclaimer(text):
        return "disclaimer", "agency legal notice (hard-wrapped)"
    if learned and _key(text) in learned:
        return "learned", "recurs across articles of this folder (hard-wrapped)"
    return None


def _classify(lines: Sequence[str], headline: str | None, meta: _Collector,
              learned: frozenset[str] = frozenset(), reference: dt.datetime | None = None) -> list[LineDecision]:
    """Decide what each line is. Returns one decision per input line.

    ``learned`` holds the keys of lines learned from the corpus; ``reference``
    is the date relative stamps ("3 hours ago") count back from.
    """
    decisions: list[LineDecision] = []
    headline_key = _key(headline) if headline else None
    n = len(lines)
    i = 0

    # The next non-blank line from each line, and the end of each hard-wrapped block: one pass each.
    nonblank = [n] * (n + 1)
    for j in range(n - 1, -1, -1):
        nonblank[j] = j if lines[j] else nonblank[j + 1]
    wrapped_end = _wrapped_block_ends(lines)

    def next_nonblank(j: int) -> int | None:
        j = nonblank[j] if j < n else n
        return j if j < n else None

    # Where metadata lines may stand: near the top or the bottom, counted in non-blank lines.
    rank, count = [0] * n, 0
    for j in range(n):
        rank[j] = count
        count += bool(lines[j])

    def at_edge(j: int) -> bool:
        return rank[j] < bp.META_EDGE_TOP or rank[j] >= count - bp.META_EDGE_BOTTOM

    def add(j: int, decision: str, reason: str = "") -> None:
        decisions.append(LineDecision(j + 1, lines[j], decision, reason))

    while i < n:
        line = lines[i]
        if not line:
            add(i, "blank")
            i += 1
            continue
        if headline_key is not None and _key(line) == headline_key:
            add(i, "headline", "repeats the headline")
            i += 1
            continue
        # A caption followed by the same sentence with a credit; a "Source:" line may follow.
        if i + 1 < n and lines[i + 1] and _caption_with_credit(line, lines[i + 1]):
            add(i, "caption", "repeated with a photo credit on the next line")
            add(i + 1, "credit", "caption repeated with its photo credit")
            i += 2
            if i < n and (source := _match_source(lines[i])):
                meta.photo_sources.append(source)
                add(i, "credit", "source of the photo above")
                i += 1
            continue
        if bp.INLINE_CREDIT.search(line) and _words(line) <= 60:
            add(i, "caption", "ends with a photo credit in brackets")
            i += 1
            continue
        if bp.CAPTION_PREFIX.fullmatch(line):
            add(i, "caption", "caption label")
            i += 1
            continue
        if bp.CREDIT_LINE.fullmatch(line) and _words(line) <= 12:
            add(i, "credit", "photo credit line")
            i += 1
            continue
        avatar = bp.AVATAR.fullmatch(line)
        if avatar and _words(line) <= 4:
            meta.add_authors(split_names(avatar.group("name")))
            add(i, "authors", "avatar label")
            i += 1
            continue
        if _match_promo(line):
            add(i, "promo", "promo or navigation line")
            i += 1
            continue
        related = bp.RELATED_MARKER.fullmatch(line)
        if related:
            add(i, "related", "related-article marker")
            rest = related.group("rest")
            i += 1
            if not rest:
                j = next_nonblank(i)
                end = wrapped_end[j] if j is not None else None
                # A block of more lines than a headline has words is no headline (and is not joined).
                if (j is not None and end is not None and j < end < j + bp.RELATED_HEADLINE_MAX_WORDS
                        and _looks_like_headline(" ".join(lines[j:end + 1]))):
                    for k in range(i, j):
                        add(k, "blank")
                    for k in range(j, end + 1):
                        add(k, "related", "headline of a related article (hard-wrapped)")
                    i = end + 1
                elif j is not None and _looks_like_headline(lines[j]) and not bp.RELATED_MARKER.fullmatch(lines[j]):
                    for k in range(i, j):
                        add(k, "blank")
                    add(j, "related", "headline of a related article")
                    i = j + 1
            continue
        title = bp.AGENCY_TITLE.fullmatch(line)
        source = ((_match_source(line) if at_edge(i) else None)
                  or (_canonical_agency(line) if _words(line) <= 4 else None)
                  or (_canonical_agency(title.group("agency")) if title else None))
        if source:
            meta.sources.append(source)
            add(i, "source", "source line")
            i += 1
            continue
        authors = bp.AUTHORS_LINE.fullmatch(line)
        if authors:
            add(i, "authors", "authors label")
            meta.add_authors(split_names(authors.group("value")))
            if authors.group("value").strip():
                i += 1
                continue
            i += 1
            # Names follow on the next lines, up to a blank line or something long.
            j = next_nonblank(i)
            while j is not None and _words(lines[j]) <= 8 and not _match_disclaimer(lines[j]):
                for k in range(i, j):
                    add(k, "blank")
                avatar = bp.AVATAR.fullmatch(lines[j])
                meta.add_authors(split_names(avatar.group("name") if avatar else lines[j]))
                add(j, "authors", "author name after the label")
                i = j + 1
                if j + 1 < n and not lines[j + 1]:
                    break
                j = next_nonblank(i)
            continue
        byline = bp.BYLINE.fullmatch(line)
        if byline and _words(line) <= 16:
            meta.add_authors(split_names(byline.group("names")))
            add(i, "authors", "byline")
            i += 1
            continue
        if bp.REPORTING_START.match(line):
            end = i
            while ")" not in lines[end] and end + 1 < min(n, i + bp.REPORTING_MAX_LINES) and lines[end + 1]:
                end += 1
            credit_text = " ".join(lines[i:end + 1])
            if bp.REPORTING_LINE.fullmatch(credit_text):
                for credit in bp.REPORTING_CREDIT.finditer(credit_text.strip("().")):
                    if credit.group("role").strip().casefold() in bp.REPORTER_ROLES:
                        meta.add_authors(split_names(credit.group("names")))
                for k in range(i, end + 1):
                    add(k, "authors", "reporting credits (editors are not authors)")
                i = end + 1
                continue
        relative = _match_relative_stamp(line, reference) if at_edge(i) else None
        if relative:
            kind, date = relative
            if date is not None and kind == "published" and meta.published is None:
                meta.published = date
            elif date is not None and kind == "updated" and meta.updated is None:
                meta.updated = date
            add(i, "stamp", f"relative {kind} time" + ("" if date else " (no reference date: no date)"))
            i += 1
            continue
        stamp = _match_stamp(line) if at_edge(i) else None
        if stamp:
            kind, date = stamp
            if kind == "published" and meta.published is None:
                meta.published = date
            elif kind == "updated" and meta.updated is None:
                meta.updated = date
            add(i, "stamp", f"{kind} time")
            i += 1
            continue
        if _match_disclaimer(line):
            meta.add_notice(line)
            add(i, "disclaimer", "agency legal notice")
            i += 1
            continue
        if learned and _key(line) in learned:
            add(i, "learned", "recurs across articles of this folder")
            i += 1
            continue
        add(i, "body")
        i += 1
    return _judge_wrapped_blocks(decisions, headline, meta, learned, reference)


def _judge_wrapped_blocks(decisions: list[LineDecision], headline: str | None, meta: _Collector,
                          learned: frozenset[str], reference: dt.datetime | None) -> list[LineDecision]:
    """Judge each hard-wrapped block that holds body lines as a whole line.

    A block here is a run of non-blank lines that would be joined into one
    paragraph, made of body lines and possibly lines already dropped as
    boilerplate ("PAY ATTENTION: ..." whose wrapped tail looked like text).
    """
    judged = {"body", "headline", "promo", "disclaimer", "learned"}
    out = list(decisions)
    i = 0
    while i < len(out):
        if out[i].decision not in judged:
            i += 1
            continue
        end = i
        while end + 1 < len(out) and out[end + 1].decision in judged:
            end += 1
        run = out[i:end + 1]
        if (len(run) > 1 and any(d.decision == "body" for d in run)
                and max(len(d.text) for d in run[:-1]) <= bp.HARD_WRAP_MAX_CHARS):
            joined = " ".join(d.text for d in run)
            verdict = _block_decision(joined, _key(headline) if headline else None, learned)
            if verdict is None and all(d.decision == "body" for d in run):
                # The block read as one line: "Source:" / "AFP", "By" / "Jane Doe", a wrapped caption.
                (single,) = _classify([joined], headline, meta, learned, reference)
                if single.decision == "caption":
                    out[i:end + 1] = [replace(run[0], text=joined, decision="caption",
                                              reason=single.reason + " (hard-wrapped)")] + [
                        replace(d, decision="continued", reason="wrapped part of the line above")
                        for d in run[1:]]
                elif single.decision != "body":
                    verdict = (single.decision, single.reason + " (hard-wrapped)")
            if verdict:
                if verdict[0] == "disclaimer":
                    meta.add_notice(joined)
                out[i:end + 1] = [replace(d, decision=verdict[0], reason=verdict[1]) for d in run]
        i = end + 1
    return out


def _paragraphs(decisions: Sequence[LineDecision]) -> list[str]:
    """Group consecutive body lines into paragraphs."""
    paragraphs: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if not block:
            return
        if len(block) > 1 and max(len(b) for b in block[:-1]) <= bp.HARD_WRAP_MAX_CHARS:
            paragraphs.append(" ".join(block))
        else:
            paragraphs.extend(block)
        block.clear()

    for d in decisions:
        if d.decision == "body":
            block.append(d.text)
        else:
            flush()
    flush()
    return paragraphs


def _split_headline(lines: list[str]) -> tuple[str | None, int]:
    for index, line in enumerate(lines):
        if line:
            if len(line) > bp.HEADLINE_MAX_CHARS:
                return None, index
            return line, index
    return None, len(lines)


def _page_decisions(lines: list[str], layout: Layout, meta: _Collector, learned: frozenset[str],
                    reference: dt.datetime | None) -> list[LineDecision]:
    """The decisions for a whole page: chrome dropped, the article and its metadata windows classified."""
    masked = [plain(line) if layout.decisions[j] in ("article", "meta") else "" for j, line in enumerate(lines)]
    decisions = _classify(masked, layout.headline_text, meta, learned, reference)
    out = []
    for d in decisions:
        j = d.number - 1
        where = layout.decisions[j]
        if where == "headline":
            out.append(LineDecision(d.number, lines[j], "headline", layout.reasons[j]))
        elif where == "chrome" or (where == "meta" and d.decision in ("body", "continued")):
            out.append(LineDecision(d.number, lines[j], "chrome", layout.reasons[j]) if lines[j]
                       else LineDecision(d.number, "", "blank"))
        else:
            out.append(replace(d, text=lines[j]) if d.decision == "blank" else d)
    return out


def _decide(lines: list[str], headline: str | None, meta: _Collector, learned: frozenset[str],
            reference: dt.datetime | None, name: str | None,
            given: bool = False) -> tuple[str | None, list[LineDecision], Layout | None]:
    """The headline and one decision per line (stages 2 and 3 of :func:`clean_text`).

    With no headline given, the page-chrome finder (:mod:`searchnews.ingest.pagechrome`) looks for an
    article block inside page chrome; a text that is not a whole page takes its first line as headline.
    """
    if headline is not None or given:
        return headline, _classify(lines, headline, meta, learned, reference), None
    layout = find_layout(lines, name=name)
    plain_meta = _Collector()
    headline, start = _split_headline(lines)
    decisions = [LineDecision(j + 1, lines[j], "headline" if headline and j == start else "blank",
                              "first line" if headline and j == start else "")
                 for j in range(start + (1 if headline else 0))]
    if headline:
        start += 1
    rest = _classify(lines[start:], headline, plain_meta, learned, reference)
    decisions += [replace(d, number=d.number + start) for d in rest]
    if layout.page and not layout.starts_with_chrome:
        # Chrome the line rules already drop (a repeated headline, captions, promo lines) is no sign of a page.
        unexplained = sum(1 for j in layout.chrome_lines if decisions[j].decision == "body")
        layout = replace(layout, page=unexplained >= bp.PAGE_MIN_CHROME_LINES)
    if layout.page:
        return layout.headline_text, _page_decisions(lines, layout, meta, learned, reference), layout
    meta.__dict__.update(plain_meta.__dict__)
    return headline, decisions, layout


def explain_text(text: str, *, headline: str | None = None, learned: frozenset[str] = frozenset(),
                 reference_date: dt.datetime | None = None, name: str | None = None) -> list[LineDecision]:
    """Each line of a plain-text article with the cleaner's decision and its reason.

    ``learned`` and ``reference_date`` are as for :func:`clean_text`; ``name`` is the
    file's name (compared with headline candidates of a whole page).
    """
    lines = normalize_text(text).split("\n")
    _, decisions, _ = _decide(lines, headline, _Collector(), learned, reference_date, name)
    return decisions


def clean_text(
    text: str,
    *,
    headline: str | None = None,
    captions: Iterable[str] = (),
    source: str | None = None,
    authors: Iterable[str] = (),
    date: dt.datetime | None = None,
    url: str | None = None,
    language: str | None = None,
    id: str | None = None,  # noqa: A002 - the field is called id everywhere
    path: str | None = None,
    notes: Iterable[str] = (),
    learned: frozenset[str] = frozenset(),
    reference_date: dt.datetime | None = None,
) -> Article:
    """Clean scraped plain text into an :class:`Article`.

    When ``headline`` is not given, the first non-empty line is the headline.
    Metadata given as arguments (from a JSON record or HTML meta tags) wins over
    what is found in the text. ``learned`` holds the keys (:func:`line_key`) of
    lines learned as boilerplate from the corpus
    (:func:`searchnews.learning.learn_boilerplate`); ``reference_date`` is when
    the article was scraped, which relative stamps ("3 hours ago") need.

    Stages:
        1. normalise the text (line endings, NFC, spaces);
        2. take the headline;
        3. classify every line (:func:`_classify`), collecting captions and metadata;
        4. group the body lines into paragraphs, joining hard-wrapped lines;
        5. read the dateline of the first paragraph (place and agency);
        6. settle the metadata: given values first, then what the text says.
    """
    # 1. normalise
    lines = normalize_text(text).split("\n")
    given = headline is not None  # a record's empty headline: the text is all body, not a page
    if given:
        headline = normalize_text(headline).replace("\n", " ").strip() or None
    # 2-3. headline (the article block of a whole page) and classify
    meta = _Collector()
    name = os.path.splitext(os.path.basename(path))[0] if path else None
    headline, decisions, layout = _decide(lines, headline, meta, learned, reference_date, name, given)
    found_captions = [_caption_text(d.text) for d in decisions if d.decision == "caption"]
    # 4. paragraphs
    body = _paragraphs(decisions)
    # 5. dateline
    place = agency = None
    if body:
        dateline = bp.DATELINE.match(body[0])
        if dateline:
            place = dateline.group("place").strip().rstrip(",")
            agency = _canonical_agency(dateline.group("agency"))
    # 6. metadata
    all_captions = _dedupe([_caption_text(normalize_text(c).replace("\n", " ").strip()) for c in captions]
                           + found_captions)
    given = _Collector()
    given.add_authors(a.strip() for a in authors)
    all_authors = _dedupe(given.authors or meta.authors)
    if source:  # a publisher named as the author is not an author
        all_authors = [a for a in all_authors if _key(a) != _key(source)]
    # An agency named as the author is the source: wire copy is found by agency.
    wire = given.photo_sources[0] if given.photo_sources else None
    final_source = wire or source or (meta.sources[-1] if meta.sources else None) or agency or (
        meta.photo_sources[-1] if meta.photo_sources else None) or (
        meta.notice_sources[0] if meta.notice_sources else None) or (
        _site_source(layout.site) if layout and layout.page else None)
    final_date = date or meta.published or meta.updated
    if headline is None and body:
        headline = body[0] if len(body[0]) <= bp.HEADLINE_MAX_CHARS else body[0][:120].rsplit(" ", 1)[0] + "…"
    body = [p for p in body if _key(p) not in {_key(c) for c in all_captions}]
    language = language or detect_language(headline or "", body)
    return Article(
        headline=headline or "",
        body=tuple(body),
        captions=tuple(all_captions),
        source=final_source,
        authors=tuple(all_authors),
        date=final_date,
        url=url or (layout.url if layout and layout.page else None),
        language=language,
        id=id,
        path=path,
        place=place,
        notes=tuple(notes),
    )


def _site_source(site: str | None) -> str | None:
    """The source a page's site name gives (``Reuters`` for ``Reuters.com``), or ``None``."""
    if not site:
        return None
    return _canonical_agency(site) or _canonical_agency(re.sub(r"\.(?:com|co\.uk|org|net)$", "", site)) or site


def _caption_text(line: str) -> str:
    prefixed = bp.CAPTION_PREFIX.fullmatch(line)
    if prefixed:
        line = prefixed.group("caption")
    line = bp.INLINE_CREDIT.sub("", line)
    return bp.CREDIT_SUFFIX.sub("", line).strip()


def _dedupe(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = _key(value)
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return out


# ---------------------------------------------------------------------------
# JSON records

#: Record keys recognised, in order of preference, for each article field.
RECORD_KEYS: Mapping[str, tuple[str, ...]] = {
    "id": ("id", "_id", "uuid", "guid"),
    "headline": ("headline", "title"),
    "body": ("body", "text", "content", "article", "maintext"),
    "captions": ("captions", "caption"),
    "date": ("date", "published", "publish_date", "published_at", "date_publish", "pubdate"),
    "source": ("source", "agency", "publisher", "source_domain", "site_name"),
    "authors": ("authors", "author", "byline"),
    "url": ("url", "link", "canonical_url"),
    "language": ("language", "lang"),
}


def _pick(record: Mapping[str, Any], field: str) -> Any:
    for key in RECORD_KEYS[field]:
        value = record.get(key)
        if value not in (None, "", []):
            return value
    return None


def _as_strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        name = value.get("name") or value.get("text")
        return [str(name)] if name else []
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _as_strings(v)]
    return [str(value)]


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "\n\n".join(_as_strings(value))
    return "" if value is None else str(value)


#: Keys of a JSON object given where a text is expected (``"headline": {"text": …}``), in order of preference.
TEXT_KEYS = ("text", "title", "name", "value", "content", "#text")


def _field_text(value: Any) -> str | None:
    """The text of a one-line field: a string or number as it is, an object's text (see :data:`TEXT_KEYS`),
    a list's texts joined; ``None`` when there is no text in it."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Mapping):
        return next((text for key in TEXT_KEYS if (text := _field_text(value.get(key)))), None)
    if isinstance(value, (list, tuple)):
        return " ".join(text for item in value if (text := _field_text(item))) or None
    return None


def clean_record(record: Mapping[str, Any], *, path: str | None = None, notes: Iterable[str] = (),
                 learned: frozenset[str] = frozenset()) -> Article:
    """Clean one JSON article record; see :data:`RECORD_KEYS` for the keys read."""
    if not isinstance(record, Mapping):
        raise TypeError("an article record must be a JSON object")
    raw_authors = _pick(record, "authors")
    authors = [n for a in _as_strings(raw_authors) for n in split_names(re.sub(r"^(By|Par|Von)\s+", "", a))]
    raw_source = _pick(record, "source")
    source_values = _as_strings(raw_source)
    source = source_values[0].strip() if source_values else None
    if source:
        source = _canonical_agency(source) or source
    raw_id = _pick(record, "id")
    captions: list[str] = []
    for caption in _as_strings(_pick(record, "captions")):
        captions.extend(c for c in normalize_text(caption).split("\n") if c)
    date_value = _pick(record, "date")
    date = parse_date(str(date_value)) if date_value is not None else None
    url = _pick(record, "url")
    language = _pick(record, "language")
    raw_headline = _pick(record, "headline")
    headline = _field_text(raw_headline) if raw_headline is not None else ""
    if headline is None:
        kind = "an object" if isinstance(raw_headline, Mapping) else f"a JSON {type(raw_headline).__name__}"
        notes = (*notes, f"the headline is {kind} without text; left out")
    return clean_text(
        _as_text(_pick(record, "body")),
        headline=headline or "",
        captions=[_caption_text(c) for c in captions],
        source=source,
        authors=authors,
        date=date,
        url=str(url) if url else None,
        language=language_code(language),
        id=str(raw_id) if raw_id is not None else None,
        path=path,
        notes=notes,
        learned=learned,
    )


# ---------------------------------------------------------------------------
# HTML pages


def clean_html(html: str, *, path: str | None = None, notes: Iterable[str] = (),
               learned: frozenset[str] = frozenset(), reference_date: dt.datetime | None = None) -> Article:
    """Clean a saved web page.

    Stages:
        1. trafilatura finds the main text (the article's paragraphs);
        2. the page's own metadata gives headline, captions, authors, date, url
           and language (:mod:`searchnews.htmlmeta`);
        3. the main text goes through the same line pass as plain text, so
           promo lines and related links inside the article are dropped.
    """
    from .htmlmeta import extract_page

    page = extract_page(html)
    return clean_text(
        page.text,
        headline=page.headline or "",
        captions=page.captions,
        source=page.source,
        authors=page.authors,
        date=page.date,
        url=page.url,
        language=page.language,
        path=path,
        notes=notes,
        learned=learned,
        reference_date=reference_date,
    )


# ---------------------------------------------------------------------------
# Files


def clean_document(raw: RawDocument, *, learned: frozenset[str] = frozenset(),
                   reference_date: dt.datetime | None = None) -> Article:
    """Clean one raw document from :func:`searchnews.corpus.read_documents`.

    ``learned`` and ``reference_date`` are as for :func:`clean_text`. Raises
    :class:`DocumentError` when nothing of an article is left.
    """
    try:
        if raw.kind == "text":
            article = clean_text(raw.content, path=raw.path, notes=raw.notes, learned=learned,
                                 reference_date=reference_date)
        elif raw.kind == "html":
            article = clean_html(raw.content, path=raw.path, notes=raw.notes, learned=learned,
                                 reference_date=reference_date)
        else:
            article = clean_record(raw.content, path=raw.path, notes=raw.notes, learned=learned)
    except DocumentError as exc:
        raise DocumentError(exc.reason, raw.path) from None
    if not article.body and not article.captions:
        if raw.kind == "record":
            what = "record has no article text"
        elif raw.kind == "html":
            what = "no article text found in the page"
        elif article.headline:
            what = "no article text left after cleaning (only a headline and boilerplate)"
        else:
            what = "no article text left after cleaning"
        raise DocumentError(what, raw.path)
    return replace(article, id=article.id or raw.key)


def read_file(source: SourceFile | str | os.PathLike[str], *, learned: frozenset[str] = frozenset(),
              reference_date: dt.datetime | None = None) -> Iterator[Article | FileProblem]:
    """The articles of one file, with a :class:`FileProblem` for each part that could not be used.

    ``learned`` holds the keys of the lines learned as boilerplate for this
    file's folder (``LearnedBoilerplate.for_path(path)``). Relative stamps
    ("3 hours ago") count back from ``reference_date``, by default the file's
    modification time (when the scraper saved it).
    """
    if not isinstance(source, SourceFile):
        found = source_for(source)  # accepted or rejected as `index` does (one function decides)
        if isinstance(found, FileProblem):
            yield found
            return
        source = found
    if reference_date is None:
        reference_date = dt.datetime.fromtimestamp(source.mtime_ns / 1e9, dt.timezone.utc).replace(tzinfo=None)
    reported: set[tuple[str, int | None]] = set()  # a note on the whole file is reported once
    try:
        for raw in read_documents(source):
            if isinstance(raw, FileProblem):
                yield raw
                continue
            try:
                article = clean_document(raw, learned=learned, reference_date=reference_date)
            except DocumentError as exc:
                yield FileProblem(source.path, exc.reason, raw.line)
                continue
            yield article
            for note in article.notes:
                key = (note, raw.line if source.format in ("jsonl", "csv") else None)  # decoded line by line
                if key not in reported:
                    reported.add(key)
                    yield FileProblem(source.path, note, raw.line, skipped=False)
    except DocumentError as exc:
        yield FileProblem(source.path, exc.reason)


def clean_file(path: str | os.PathLike[str], *, learned: frozenset[str] = frozenset(),
               reference_date: dt.datetime | None = None) -> list[Article]:
    """Clean every article in a file; raises :class:`DocumentError` if it yields none.

    ``learned`` and ``reference_date`` are as for :func:`read_file`.
    """
    articles, problems = [], []
    for item in read_file(path, learned=learned, reference_date=reference_date):
        (articles if isinstance(item, Article) else problems).append(item)
    if not articles:
        reason = problems[0].reason if problems else "no article found"
        raise DocumentError(reason, os.path.abspath(os.fspath(path)))
    return articles


def clean_string(content: str, format: str = "text") -> Article:  # noqa: A002 - mirrors the CLI option
    """Clean an article given as a string: ``format`` is ``text``, ``html`` or ``json``."""
    if format == "text":
        raw = RawDocument("<string>", "text", content, article_id(content))
    elif format == "html":
        raw = RawDocument("<string>", "html", content, article_id(content))
    elif format == "json":
        try:
            record = load_json(content)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"malformed JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise DocumentError("an article record must be a JSON object")
        raw = RawDocument("<string>", "record", record, article_id(content))
    else:
        raise ValueError(f"unknown format {format!r}; use text, html or json")
    return replace(clean_document(raw), path=None)
