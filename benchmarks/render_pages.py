"""Render the real news pages to text the ways scrapers do, for benchmarks/score_pages.py.

Usage (from the repository root; ``pip install -r benchmarks/requirements-pages.txt``):

    python benchmarks/render_pages.py                    # every renderer that is installed
    python benchmarks/render_pages.py --renderers inscriptis,html2text

Each page of ``newspaper4k_html/html`` becomes ``benchmarks/data/pages/RENDERER/NAME.txt``
(git-ignored), the whole page as a user who saved it as text would have it:

    inscriptis   ``inscriptis.get_text``: a layout-aware converter (tables, lists, indentation)
    html2text    ``html2text.HTML2Text`` with links and images ignored: Markdown-ish text
    soup         BeautifulSoup ``get_text("\\n")`` after removing script/style: one line per text node
    chromium     a browser's select-all and copy: ``document.body.innerText`` in headless Debian chromium
                 driven by Playwright (skipped when /usr/bin/chromium or playwright is missing)

Each folder also gets a VERSION file with the renderer's version.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("SEARCHNEWS_SHARED_CORPORA", HERE.parent.parent / "shared" / "corpora"))
PAGES = SHARED / "newspaper4k_html"
OUT = HERE / "data" / "pages"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
RENDERERS = ("inscriptis", "html2text", "soup", "chromium")


def read_html(path: Path) -> str:
    """A page's HTML, decoded as UTF-8 with bad bytes replaced (as the pages come)."""
    return path.read_bytes().decode("utf-8", errors="replace")


def render_inscriptis(html: str) -> str:
    import inscriptis

    return inscriptis.get_text(html)


def render_html2text(html: str) -> str:
    import html2text

    converter = html2text.HTML2Text()
    converter.ignore_links = True
    converter.ignore_images = True
    converter.body_width = 0
    return converter.handle(html)


def render_soup(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return soup.get_text("\n")


def _versions() -> dict[str, str]:
    return {"inscriptis": f"inscriptis {version('inscriptis')}", "html2text": f"html2text {version('html2text')}",
            "soup": f"beautifulsoup4 {version('beautifulsoup4')} (lxml {version('lxml')})"}


def render_all(names: list[str], pages: Path = PAGES, out: Path = OUT) -> dict[str, int]:
    """Render every page with each renderer; returns how many pages each wrote."""
    files = sorted((pages / "html").glob("*.html"))
    simple: dict[str, Callable[[str], str]] = {"inscriptis": render_inscriptis, "html2text": render_html2text,
                                                "soup": render_soup}
    written: dict[str, int] = {}
    for name in names:
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        if name == "chromium":
            written[name] = _render_chromium(files, folder)
            continue
        for path in files:
            (folder / (path.stem + ".txt")).write_text(simple[name](read_html(path)), encoding="utf-8")
        (folder / "VERSION").write_text(_versions()[name] + "\n", encoding="utf-8")
        written[name] = len(files)
    return written


def _render_chromium(files: list[Path], folder: Path) -> int:
    """``innerText`` of each page in headless chromium, scripts and network off (a saved page, opened offline)."""
    from playwright.sync_api import sync_playwright

    count = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route: route.abort() if not route.request.url.startswith("data:")
                      and not route.request.url.startswith("file:") else route.continue_())
        for path in files:
            page = context.new_page()  # a fresh tab per page: one crash must not take the next pages
            try:
                page.set_content(read_html(path), wait_until="domcontentloaded", timeout=20000)
                text = page.evaluate("() => document.body ? document.body.innerText : ''")
            except Exception as exc:  # a page the browser cannot open is rendered empty, and said
                print(f"chromium: {path.name}: {str(exc).splitlines()[0]}", file=sys.stderr)
                text = ""
            finally:
                page.close()
            (folder / (path.stem + ".txt")).write_text(text, encoding="utf-8")
            count += 1
        (folder / "VERSION").write_text(f"chromium {browser.version} (playwright {version('playwright')})\n",
                                        encoding="utf-8")
        browser.close()
    return count


def available() -> list[str]:
    """The renderers that can run here."""
    names = []
    for name, module in (("inscriptis", "inscriptis"), ("html2text", "html2text"), ("soup", "bs4")):
        try:
            __import__(module)
            names.append(name)
        except ImportError:
            pass
    try:
        import playwright  # noqa: F401

        if os.path.exists(CHROMIUM):
            names.append("chromium")
    except ImportError:
        pass
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renderers", help=f"comma-separated, of {', '.join(RENDERERS)} (default: those installed)")
    parser.add_argument("--pages", type=Path, default=PAGES, help="newspaper4k_html folder")
    args = parser.parse_args(argv)
    if not (args.pages / "html").is_dir():
        print(f"error: no pages at {args.pages}/html (set SEARCHNEWS_SHARED_CORPORA)", file=sys.stderr)
        return 1
    names = args.renderers.split(",") if args.renderers else available()
    for name, count in render_all(names, args.pages).items():
        print(f"{name}: {count} pages → {OUT / name} ({(OUT / name / 'VERSION').read_text().strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
