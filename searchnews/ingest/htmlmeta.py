"""Saved web pages: the main text (by trafilatura) and the page's own metadata.

trafilatura is good at finding an article's paragraphs among navigation and
asides; the page's structured metadata tells the rest more reliably than any
text heuristic. In order of trust:

* headline: the article's ``<h1>``, JSON-LD ``headline``, ``og:title``, ``<title>``;
* captions: ``<figcaption>``, else the ``alt`` text of images inside ``<figure>``;
* authors: JSON-LD ``author``, ``<meta name="author">``, ``rel="author"`` links,
  then trafilatura's guess;
* date: JSON-LD ``datePublished``, ``article:published_time``, other date
  meta tags, the first ``<time datetime>``, then trafilatura's guess;
* url: ``<link rel="canonical">``, ``og:url``;
* source: JSON-LD ``publisher``, ``og:site_name``;
* language: ``<html lang>``, ``og:locale``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from dateutil.parser import UnknownTimezoneWarning

from ..errors import DocumentError
from .dates import parse_date
from .language import language_code

__all__ = ["Page", "extract_page"]

_DATE_META = (
    "article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate",
    "publish-date", "date", "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date",
)
_WS = re.compile(r"\s+")

#: Pages larger than this are read by trafilatura's fast mode (no second opinion from its
#: jusText and readability fallbacks, which take most of its time on big pages).
FAST_HTML_CHARS = 1_000_000
#: Pages larger than this are not cleaned at all: the last line of defence against a page that
#: would hold a worker for minutes (a 2 MB page takes about 4 s in fast mode).
MAX_HTML_CHARS = 6_000_000


@dataclass(frozen=True)
class Page:
    """What a web page gives before line cleaning: main text and metadata."""

    text: str
    headline: str | None
    captions: tuple[str, ...]
    source: str | None
    authors: tuple[str, ...]
    date: dt.datetime | None
    url: str | None
    language: str | None


#: What an author field holds that names no author: a photo credit ("Photo by The Associated Press").
_NOT_AUTHOR = re.compile(r"(?:photo(?:graph)?|picture|image|video|graphic)s?\s*(?:by\b|:)", re.I)
_COPYRIGHT = re.compile(r"^(?:copyright\s*)?(?:\(c\)|©)?\s*(?:(?:19|20)\d\d\s*)?", re.I)
_DOMAIN_END = re.compile(r"(?:[\s._]+(?:co|com|org|net|uk))+$", re.I)


def site_name(value: str | None) -> str | None:
    """A publisher's name as pages write it, cleaned: no copyright mark or year, no handle or domain ending.

    ``Copyright (c) CondéNet 2015`` gives ``CondéNet``, ``Reuters_Co_Uk`` (a Twitter handle) ``Reuters``.
    """
    if not value:
        return None
    value = _COPYRIGHT.sub("", value.strip())
    value = re.sub(r"\b(?:19|20)\d\d\b", "", value).strip(" ,.-").lstrip("@")
    if "_" in value and " " not in value:
        value = value.replace("_", " ")
    value = _DOMAIN_END.sub("", value).strip()
    return value or None


def absolute_url(value: str | None) -> str | None:
    """A page's url; a protocol-relative one (``//www.example.com/x``) gets ``https:``."""
    if not value:
        return None
    value = value.strip()
    return "https:" + value if value.startswith("//") else value


def _text(element) -> str:
    return _WS.sub(" ", element.text_content()).strip()


def _caption_texts(figcaption) -> list[str]:
    """The captions of one ``<figcaption>``: one per paragraph or line, so that several stay apart."""
    for br in figcaption.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    parts = figcaption.xpath("./p|./div|./span[contains(@class, 'caption')]")
    texts = [_text(p) for p in parts] if len(parts) > 1 else figcaption.text_content().split("\n")
    return [t for t in (_WS.sub(" ", t).strip() for t in texts) if t]


def _json_ld(tree) -> Iterator[dict]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and k.endswith(("Article", "BlogPosting", "Report")) for k in kinds):
                    yield item


def _names(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() and "://" not in value else []
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _meta(tree, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[translate(@{attr}, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", '
                               f'"abcdefghijklmnopqrstuvwxyz")="{name.lower()}"]/@content')
            for value in found:
                if value and value.strip():
                    return value.strip()
    return None


def _language(tree) -> str | None:
    lang = tree.xpath("/html/@lang") or tree.xpath("//html/@lang")
    value = (lang[0] if lang else None) or _meta(tree, "og:locale", "content-language", "language")
    return language_code(value)


def extract_page(html: str) -> Page:
    """Main text and metadata of a saved page; :class:`DocumentError` if it has no article text."""
    import lxml.html
    import trafilatura
    from lxml.etree import ParserError

    if len(html) > MAX_HTML_CHARS:
        raise DocumentError(f"skipped: too big to clean ({len(html) / 1e6:.1f} MB of HTML; "
                            f"the limit is {MAX_HTML_CHARS / 1e6:.0f} MB)")
    try:
        tree = lxml.html.document_fromstring(html)
    except (ParserError, ValueError) as exc:
        raise DocumentError(f"not a readable HTML page ({exc})") from None
    ld = list(_json_ld(tree))

    article = tree.xpath("//article")
    scope = article[0] if article else tree
    h1 = scope.xpath(".//h1") or tree.xpath("//h1")
    title = tree.xpath("//title")
    headline = (
        (_text(h1[0]) if h1 else None)
        or next((h for item in ld for h in _names(item.get("headline"))), None)
        or _meta(tree, "og:title", "twitter:title")
        or (_text(title[0]) if title else None)
    )

    captions = [c for fig in tree.xpath("//figure//figcaption") for c in _caption_texts(fig)]
    if not captions:
        captions = [a.strip() for a in tree.xpath("//figure//img/@alt") if a.strip()]

    authors = [n for item in ld for n in _names(item.get("author"))]
    if not authors:
        meta_author = _meta(tree, "author", "article:author", "dc.creator", "byl")
        if meta_author and "://" not in meta_author:
            authors = [meta_author]
    if not authors:
        authors = [_text(a) for a in scope.xpath('.//a[@rel="author"]') if _text(a)]

    date = None
    for item in ld:
        date = parse_date(str(item.get("datePublished") or "")) or date
        if date:
            break
    if date is None:
        date = parse_date(_meta(tree, *_DATE_META))
    if date is None:
        times = scope.xpath(".//time/@datetime") or tree.xpath("//time/@datetime")
        date = next((d for d in (parse_date(t) for t in times) if d), None)

    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    url = (canonical[0].strip() if canonical else None) or _meta(tree, "og:url")

    source = next((n for item in ld for n in _names(item.get("publisher"))), None) or _meta(
        tree, "og:site_name", "application-name")

    try:
        with warnings.catch_warnings():
            # htmldate (trafilatura's date finder) has dateutil warn on zone names such as "EST":
            # a library prints nothing to stderr.
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            doc = trafilatura.bare_extraction(
                html, url=url, include_comments=False, include_tables=True, include_images=False,
                with_metadata=not (authors and date), favor_precision=False, deduplicate=False,
                fast=len(html) > FAST_HTML_CHARS)
    except (ValueError, RecursionError, TypeError) as exc:  # trafilatura's own parse failures
        raise DocumentError(f"trafilatura could not read the page ({exc})") from None
    if doc is None or not (doc.text or "").strip():
        raise DocumentError("no article text found in the page")
    if not authors and doc.author:
        authors = [a.strip() for a in doc.author.split(";") if a.strip()]
    authors = [a for a in authors if not _NOT_AUTHOR.match(a)]
    if date is None and doc.date:
        date = parse_date(doc.date)
    headline = headline or doc.title
    source = site_name(source or doc.sitename)
    paragraphs = [line.strip() for line in doc.text.split("\n") if line.strip()]
    return Page(
        text="\n\n".join(paragraphs),
        headline=headline,
        captions=tuple(captions),
        source=source,
        authors=tuple(authors),
        date=date,
        url=absolute_url(url),
        language=_language(tree) or doc.language,
    )
