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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from ..errors import DocumentError
from ..models import Article, FileProblem
from . import boilerplate as bp
from .corpus import RawDocument, SourceFile, article_id, load_json, read_documents, source_for
from .dates import parse_date
from .language import detect_language, language_code
from .linerules import (
    Collector,
    Decisions,
    LineDecision,
    canonical_agency,
    classify,
    line_key,
    paragraphs,
    split_names,
    text_key,
)
from .pagechrome import Layout, find_layout, might_be_page, plain, stamp_metadata

__all__ = [
    "LineDecision",
    "clean_document",
    "clean_file",
    "clean_html",
    "clean_record",
    "clean_string",
    "clean_text",
    "explain_text",
    "line_key",
    "normalize_text",
    "read_file",
]

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_RUN_OF_SPACES = re.compile(" {2,}")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Any character that normalising removes or changes but a plain space: when a text has none of them (and
#: no two spaces in a row), the substitutions are skipped.
_NOT_PLAIN = re.compile(r"[\r\t\u00a0\u2000-\u200a\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff\u00ad"
                        r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TERMINAL = (".", "!", "?", "…", '"', "”", "»", ":")
_canonical_agency = canonical_agency


def _normal_lines(text: str) -> list[str]:
    """The lines of :func:`normalize_text` (one pass over the whole text, no re-joining)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _NOT_PLAIN.search(text) is not None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _INVISIBLE.sub("", text)
        text = _CONTROL.sub(" ", text)
        text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    if "  " in text:  # runs of spaces inside lines (indentation went with the strip)
        lines = [_RUN_OF_SPACES.sub(" ", line) if "  " in line else line for line in lines]
    return lines


def normalize_text(text: str) -> str:
    """Fold line endings, apply Unicode NFC, make odd spaces plain and drop invisible characters."""
    return "\n".join(_normal_lines(text))


def _split_headline(lines: list[str]) -> tuple[str | None, int]:
    for index, line in enumerate(lines):
        if line:
            if len(line) > bp.HEADLINE_MAX_CHARS:
                return None, index
            return line, index
    return None, len(lines)


def _page_decisions(lines: list[str], layout: Layout, meta: Collector, learned: frozenset[str],
                    reference: dt.datetime | None) -> Decisions:
    """The decisions for a whole page: chrome dropped, the article and its metadata windows classified."""
    kept = ("article", "meta", "caption")
    masked = [plain(line) if layout.decisions[j] in kept else "" for j, line in enumerate(lines)]
    # At the edge of a page's article: its metadata windows and its first and last lines.
    edges = [where == "meta" for where in layout.decisions]
    article = [j for j, where in enumerate(layout.decisions) if where == "article" and masked[j]]
    for j in article[:bp.META_EDGE_TOP] + article[max(0, len(article) - bp.META_EDGE_BOTTOM):]:
        edges[j] = True
    out = classify(masked, layout.headline_text, meta, learned, reference, edges=edges)
    for j, where in enumerate(layout.decisions):
        if where == "headline":
            out.texts[j] = lines[j]
            out.set(j, "headline", layout.reasons[j])
        elif where == "caption" and out.kinds[j] in ("body", "continued", "caption"):
            out.set(j, "credit" if layout.reasons[j] == "photo credit" else "caption", layout.reasons[j])
        elif where == "chrome" or (where == "meta" and out.kinds[j] in ("body", "continued")):
            if where == "meta" and out.kinds[j] == "body":
                _read_stamp(masked[j], meta)
            out.texts[j] = lines[j]
            out.set(j, "chrome", layout.reasons[j]) if lines[j] else out.set(j, "blank")
        elif out.kinds[j] == "blank":
            out.texts[j] = lines[j]
    return out


def _read_stamp(text: str, meta: Collector) -> None:
    """The writer and the date of a page's byline or stamp line that no line rule reads (see
    :func:`~searchnews.ingest.pagechrome.stamp_metadata`)."""
    names, date = stamp_metadata(text)
    meta.add_authors(names)
    if date:
        meta.add_date("published", parse_date(date))


def _decide(lines: list[str], headline: str | None, meta: Collector, learned: frozenset[str],
            reference: dt.datetime | None, name: str | None = None,
            path: str | None = None, given: bool = False) -> tuple[str | None, Decisions, Layout | None]:
    """The headline and one decision per line (stages 2 and 3 of :func:`clean_text`).

    With no headline given, the first line is the headline and the lines are
    classified; then, unless their shape rules a whole page out
    (:func:`~searchnews.ingest.pagechrome.might_be_page`: most texts), the
    page-chrome finder (:mod:`searchnews.ingest.pagechrome`) looks for an
    article block inside page chrome, and a page is classified again with its
    chrome masked.
    """
    if headline is not None or given:  # a record's empty headline: the text is all body, not a page
        return headline, classify(lines, headline, meta, learned, reference, spaced=True), None
    plain_meta = Collector()
    headline, start = _split_headline(lines)
    if headline:
        start += 1
    decisions = Decisions(list(lines[:start]))
    if headline:
        decisions.set(start - 1, "headline", "first line")
    decisions.extend(classify(lines[start:], headline, plain_meta, learned, reference, spaced=True))
    if not might_be_page(lines, [kind == "body" for kind in decisions.kinds]):
        meta.__dict__.update(plain_meta.__dict__)
        return headline, decisions, None
    if name is None and path:
        name = os.path.splitext(os.path.basename(path))[0]
    layout = find_layout(lines, name=name)
    if layout.page and not layout.starts_with_chrome:
        # Chrome the line rules already drop (a repeated headline, captions, promo lines) is no sign of a page.
        unexplained = sum(1 for j in layout.chrome_lines if decisions.kinds[j] == "body")
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
    _, decisions, _ = _decide(_normal_lines(text), headline, Collector(), learned, reference_date, name)
    return decisions.as_list()


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
    lines = _normal_lines(text)
    given = headline is not None  # a record's empty headline: the text is all body, not a page
    if given:
        headline = normalize_text(headline).replace("\n", " ").strip() or None
    # 2-3. headline (the article block of a whole page) and classify
    meta = Collector()
    headline, decisions, layout = _decide(lines, headline, meta, learned, reference_date, path=path, given=given)
    found_captions = [_caption_text(line) for kind, line in zip(decisions.kinds, decisions.texts, strict=True)
                      if kind == "caption"]
    # 4. paragraphs
    body = paragraphs(decisions)
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
    given = Collector()
    given.add_authors(a.strip() for a in authors)
    all_authors = _dedupe(given.authors or meta.authors)
    if source:  # a publisher named as the author is not an author
        all_authors = [a for a in all_authors if text_key(a) != text_key(source)]
    # An agency named as the author is the source: wire copy is found by agency.
    wire = given.photo_sources[0] if given.photo_sources else None
    final_source = wire or source or (meta.sources[-1] if meta.sources else None) or agency or (
        meta.photo_sources[-1] if meta.photo_sources else None) or (
        meta.notice_sources[0] if meta.notice_sources else None) or (
        _site_source(layout.site) if layout and layout.page else None)
    final_date = date or meta.published or meta.updated
    if headline is None and body:
        headline = body[0] if len(body[0]) <= bp.HEADLINE_MAX_CHARS else body[0][:120].rsplit(" ", 1)[0] + "…"
    if all_captions:
        caption_keys = {text_key(c) for c in all_captions}
        body = [p for p in body if text_key(p) not in caption_keys]
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
        key = text_key(value)
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
    return article if article.id else replace(article, id=raw.key)


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
