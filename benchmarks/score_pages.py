"""Score the cleaner on real web pages saved as text, side by side with the text as is and trafilatura.

Usage (from the repository root):

    pip install -r benchmarks/requirements-pages.txt && apt-get install -y chromium   # once
    python benchmarks/render_pages.py            # the pages as text, four ways (benchmarks/data/pages)
    python benchmarks/score_pages.py             # the tune half
    python benchmarks/score_pages.py --split heldout
    python benchmarks/score_pages.py --split all --json

Terms:
    pages
        The newspaper4k test pages in ``../shared/corpora/newspaper4k_html``
        (``html/NAME.html``; the expected article text in ``text/NAME.txt``, or
        ``text/X.txt`` for ``html/X_article.html``). Pages whose expected text
        is empty, or is a tester's note in capitals instead of the text ("MISSES
        SECOND HALF OF ARTICLE", "FAILED, ENTIRE ARTICLE LOADED VIA JS": 21
        pages), are left out: there is nothing to score against.
    split
        Each page goes to the *tune* half or the *held-out* half by the SHA-1 of
        its name (even or odd first byte): the cleaner is tuned on the tune half;
        the held-out half is scored once, at the end.
    renderers
        How the page became text (see ``render_pages.py``): inscriptis,
        html2text, BeautifulSoup ``get_text("\\n")``, a browser's ``innerText``.
    systems
        ``as is``: the rendered text, whole (the floor: what indexing the file
        without cleaning gives); ``searchnews``: ``clean_file`` on the rendered
        ``.txt`` file; ``trafilatura``: ``trafilatura.extract`` on the original
        HTML (what a user who kept the HTML gets; one figure for all renderers).
    body tokens
        Words (``\\w+``, case-folded) as a multiset, micro-averaged over pages
        (P/R/F1 over all tokens); ``macro F1`` is the mean of per-page F1.
    page headline
        The page's longest ``<h1>`` that the ``<title>``/``og:title`` contains
        (not the site's name), else
        ``og:title``/JSON-LD ``headline``, else the ``<title>`` up to its
        `` | Site``/`` - Site`` part. Headline exact: whitespace-folded equality,
        over the pages whose headline is a line of the rendered text (markdown
        marks ignored; for ``as is``: the first non-empty line).
    clean time
        Seconds per page spent in ``clean_file`` (reading, cleaning), median.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from searchnews.errors import SearchnewsError
from searchnews.ingest.cleaning import clean_file
from searchnews.ingest.pagechrome import plain

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("SEARCHNEWS_SHARED_CORPORA", HERE.parent.parent / "shared" / "corpora"))
PAGES = SHARED / "newspaper4k_html"
RENDERED = HERE / "data" / "pages"
RENDERERS = ("inscriptis", "html2text", "soup", "chromium")
_WORD = re.compile(r"\w+")
_WS = re.compile(r"\s+")


def tokens(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.casefold()))


def fold(text: str) -> str:
    return _WS.sub(" ", text).strip()


def prf(overlap: int, got: int, want: int) -> tuple[float, float, float]:
    precision = overlap / got if got else (1.0 if not want else 0.0)
    recall = overlap / want if want else (1.0 if not got else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def split_of(name: str) -> str:
    """``tune`` or ``heldout``, by the SHA-1 of the page name."""
    return "tune" if hashlib.sha1(name.encode("utf-8")).digest()[0] % 2 == 0 else "heldout"


def is_note(text: str) -> bool:
    """True when an expected text is a tester's note ("MISSES SECOND HALF OF ARTICLE"), not the article."""
    letters = [c for c in text if c.isalpha()]
    return len(text.split()) <= 30 and bool(letters) and all(c.isupper() for c in letters if c.isascii())


def expected_text(pages: Path, stem: str) -> str | None:
    for name in (stem, stem.removesuffix("_article"), stem.replace("_article", "")):
        path = pages / "text" / (name + ".txt")
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            return None if not text.strip() or is_note(text) else text
    return None


def page_headline(html: str) -> str | None:
    """The page's headline from its HTML (see the module terms)."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:
        return None
    titles = [fold(t.text_content()) for t in tree.xpath("//title")]
    metas = [fold(v) for v in tree.xpath('//meta[@property="og:title" or @name="og:title" '
                                         'or @name="twitter:title" or @property="twitter:title"]/@content')]
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        match = re.search(r'"headline"\s*:\s*"((?:[^"\\]|\\.)*)"', script.text or "")
        if match:
            try:
                metas.append(fold(json.loads(f'"{match.group(1)}"')))
            except ValueError:
                pass
    sites = {fold(v).casefold() for v in tree.xpath('//meta[@property="og:site_name"]/@content')}
    h1s = [fold(h1.text_content()) for h1 in tree.xpath("//h1")]
    h1s = [t for t in h1s if len(t) > 8 and t.casefold() not in sites
           and any(t.casefold() in v.casefold() for v in titles + metas)]
    if h1s:
        return max(h1s, key=len)
    for value in metas:
        if value:
            return value
    for value in titles:
        head = re.split(r"\s+[|–—-]\s+|\s+::\s+", value)[0]
        if head:
            return head
    return None


def load_pages(pages: Path = PAGES, rendered: Path = RENDERED) -> list[dict[str, Any]]:
    """Every page with expected text: name, split, expected tokens, page headline, rendered files."""
    items = []
    for html_path in sorted((pages / "html").glob("*.html")):
        want = expected_text(pages, html_path.stem)
        if want is None:
            continue
        html = html_path.read_bytes().decode("utf-8", errors="replace")
        items.append({
            "name": html_path.stem, "split": split_of(html_path.stem), "html_path": html_path, "html": html,
            "want": tokens(want), "headline": page_headline(html),
            "rendered": {r: rendered / r / (html_path.stem + ".txt") for r in RENDERERS
                         if (rendered / r / (html_path.stem + ".txt")).is_file()},
        })
    return items


class Tally:
    """Body token counts, per-page F1s and headline hits of one system on one renderer."""

    def __init__(self) -> None:
        self.overlap = self.got = self.want = 0
        self.f1s: list[float] = []
        self.headline_pages = self.headline_hits = 0
        self.seconds: list[float] = []
        self.misses: list[str] = []

    def add(self, name: str, body: str, want: Counter[str], headline: str | None, gold: str | None,
            in_text: bool) -> None:
        got = tokens(body)
        overlap = sum((got & want).values())
        self.overlap += overlap
        self.got += sum(got.values())
        self.want += sum(want.values())
        p, r, f = prf(overlap, sum(got.values()), sum(want.values()))
        self.f1s.append(f)
        if f < 0.9:
            self.misses.append(f"{name}: body P {p:.2f} R {r:.2f}")
        if gold and in_text:
            self.headline_pages += 1
            if headline is not None and fold(headline) == fold(gold):
                self.headline_hits += 1
            else:
                self.misses.append(f"{name}: headline {headline!r} != {gold!r}")

    def result(self) -> dict[str, Any]:
        p, r, f = prf(self.overlap, self.got, self.want)
        return {"precision": p, "recall": r, "f1": f,
                "macro_f1": sum(self.f1s) / len(self.f1s) if self.f1s else 0.0,
                "headline": self.headline_hits / self.headline_pages if self.headline_pages else None,
                "headline_pages": self.headline_pages, "pages": len(self.f1s),
                "seconds_per_page": statistics.median(self.seconds) if self.seconds else None,
                "misses": self.misses}


def _first_line(text: str) -> str | None:
    return next((plain(fold(line)) for line in text.splitlines() if line.strip()), None)


def score(items: list[dict[str, Any]], split: str = "tune", renderers: tuple[str, ...] = RENDERERS,
          with_trafilatura: bool = True) -> dict[str, Any]:
    """Scores per renderer of ``as is`` and ``searchnews``, and of trafilatura on the HTML."""
    chosen = [it for it in items if split == "all" or it["split"] == split]
    out: dict[str, Any] = {"split": split, "pages": len(chosen), "renderers": {}}
    for renderer in renderers:
        floor, ours = Tally(), Tally()
        for it in chosen:
            path = it["rendered"].get(renderer)
            if path is None:
                continue
            text = path.read_text(encoding="utf-8")
            lines = {fold(plain(fold(line))) for line in text.splitlines()}
            in_text = bool(it["headline"]) and fold(it["headline"]) in lines
            floor.add(it["name"], text, it["want"], _first_line(text), it["headline"], in_text)
            start = time.perf_counter()
            try:
                (article, *_) = clean_file(path)
                body, headline = "\n".join(article.body), article.headline
            except SearchnewsError:
                body, headline = "", None
            ours.seconds.append(time.perf_counter() - start)
            ours.add(it["name"], body, it["want"], headline, it["headline"], in_text)
        out["renderers"][renderer] = {"as_is": floor.result(), "searchnews": ours.result()}
    if with_trafilatura:
        import trafilatura

        tally = Tally()
        for it in chosen:
            start = time.perf_counter()
            try:
                doc = trafilatura.bare_extraction(it["html"], with_metadata=True)
                body, headline = (doc.text or "", doc.title) if doc else ("", None)
            except Exception:  # a reference system's crash scores as an empty page
                body, headline = "", None
            tally.seconds.append(time.perf_counter() - start)
            tally.add(it["name"], body, it["want"], headline, it["headline"], bool(it["headline"]))
        out["trafilatura"] = tally.result()
    return out


def table(result: dict[str, Any]) -> str:
    lines = [f"Real pages saved as text, {result['split']} half: {result['pages']} pages", "",
             "| renderer | system | body P / R / F1 (all tokens) | macro F1 | headline exact | clean ms/page |",
             "|---|---|---|---|---|---|"]

    def row(renderer: str, system: str, r: dict[str, Any]) -> str:
        head = f"{r['headline']:.1%} of {r['headline_pages']}" if r["headline"] is not None else "-"
        ms = f"{r['seconds_per_page'] * 1000:.1f}" if r["seconds_per_page"] is not None else ""
        return (f"| {renderer} | {system} | {r['precision']:.3f} / {r['recall']:.3f} / {r['f1']:.3f} | "
                f"{r['macro_f1']:.3f} | {head} | {ms} |")

    for renderer, systems in result["renderers"].items():
        lines.append(row(renderer, "as is", systems["as_is"]))
        lines.append(row(renderer, "searchnews", systems["searchnews"]))
    if "trafilatura" in result:
        lines.append(row("(HTML)", "trafilatura", result["trafilatura"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default="tune")
    parser.add_argument("--renderers", default=",".join(RENDERERS))
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the pages that miss")
    args = parser.parse_args(argv)
    if not (PAGES / "html").is_dir():
        print(f"error: no pages at {PAGES} (set SEARCHNEWS_SHARED_CORPORA)", file=sys.stderr)
        return 1
    renderers = tuple(r for r in args.renderers.split(",") if (RENDERED / r).is_dir())
    if not renderers:
        print("error: no rendered pages; run benchmarks/render_pages.py first", file=sys.stderr)
        return 1
    result = score(load_pages(), args.split, renderers, not args.no_trafilatura)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0
    print(table(result))
    if args.verbose:
        for renderer, systems in result["renderers"].items():
            print(f"\n{renderer}:")
            print("\n".join("  " + m for m in systems["searchnews"]["misses"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
