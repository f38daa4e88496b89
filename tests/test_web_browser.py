"""``searchnews serve`` in a real browser: Playwright drives the system's Chromium, headless.

Skipped when Playwright or Chromium is absent (``.ci/run`` installs both). Set
``SEARCHNEWS_CHROMIUM`` to another Chromium; set ``SEARCHNEWS_SCREENSHOT=1`` to
write the README's screenshot, ``docs/serve.png``.
"""

from __future__ import annotations

import csv
import json
import os
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from webtools import live_server

pytest.importorskip("starlette", reason="the web app's tests need the serve extra: pip install '.[serve]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need Playwright: pip install '.[test]'")

CHROMIUM = os.environ.get("SEARCHNEWS_CHROMIUM", "/usr/bin/chromium")
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium, or set "
                f"SEARCHNEWS_CHROMIUM)", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
#: Chromium's flags: headless, and nothing that reaches the network on its own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, **options):
    context = browser.new_context(viewport={"width": 1100, "height": 820}, accept_downloads=True, **options)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("dialog", lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = new_page(browser)
    yield page
    context.close()
    assert page.problems == [], "no script error, no blocked resource, no dialog"


def params(page) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(page.url).query)


def api(server, path: str) -> dict:
    with urllib.request.urlopen(server.url + path, timeout=30) as response:
        return json.loads(response.read())


def test_type_a_query(page, sample_server, tmp_path):
    page.goto(sample_server.url + "/")
    assert "Search 45 articles" in page.inner_text(".welcome")
    page.fill("input[name=q]", "ICBM sanctions")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/?q=ICBM+sanctions*")
    assert page.locator(".hit").count() >= 5
    assert "9 articles match" in page.inner_text(".summary")
    assert page.locator(".hit h2 mark").first.inner_text().lower() in ("icbm", "sanctions")
    shot = tmp_path / "serve.png"
    page.screenshot(path=shot)
    assert shot.stat().st_size > 10_000
    if os.environ.get("SEARCHNEWS_SCREENSHOT"):
        from PIL import Image  # installed with matplotlib

        with Image.open(shot) as image:  # 128 colours: a third of the size, no visible change
            image.convert("RGB").quantize(colors=128).save(ROOT / "docs" / "serve.png", optimize=True)


def test_the_query_syntax_help_is_one_click_away(page, sample_server):
    page.goto(sample_server.url + "/")
    assert not page.is_visible(".syntax table")
    page.click(".syntax summary")
    assert page.is_visible(".syntax table") and "date:[2022-11-01 TO 2022-11-30]" in page.inner_text(".syntax")


def test_click_a_facet_then_remove_it(page, sample_server):
    page.goto(sample_server.url + "/?q=sanctions")
    page.click(".facet[data-facet=sources] a:text-is('AFP')")
    page.wait_for_url("**sources=AFP*")
    assert ("sources", "AFP") in params(page)
    assert "source: AFP" in page.inner_text(".active-filters")
    sources = page.locator(".hit .source").all_inner_texts()
    assert sources and set(sources) == {"AFP"}
    page.click(".active-filters a.remove")
    page.wait_for_url(lambda url: "sources=" not in url)
    assert set(page.locator(".hit .source").all_inner_texts()) > {"AFP"}


def test_click_a_timeline_bar(page, sample_server):
    page.goto(sample_server.url + "/?q=sanctions")
    page.click("a.bar[data-label='2022-W47']")
    page.wait_for_url("**since=2022-11-21*")
    assert ("until", "2022-11-27") in params(page)
    dates = page.locator(".hit time").evaluate_all("nodes => nodes.map(n => n.getAttribute('datetime'))")
    assert dates and all("2022-11-21" <= d[:10] <= "2022-11-27" for d in dates)
    # Narrowed to a week, the chart counts days: click one to narrow again.
    page.click("a.bar[data-label='2022-11-21']")
    page.wait_for_url("**until=2022-11-21*")
    assert ("since", "2022-11-21") in params(page)


def test_expand_copies_and_open_one(page, sample_server):
    page.goto(sample_server.url + "/?q=bankers")
    copies = page.locator(".hit").first.locator("details.copies")
    assert copies.locator("summary").inner_text() == "+1 copy"
    assert not copies.locator("li a").is_visible()
    copies.locator("summary").click()
    assert copies.locator("li a").is_visible()
    copy_id = api(sample_server, "/api/search?q=bankers")["hits"][0]["copies"][0]["id"]
    copies.locator("li a").click()
    page.wait_for_url(f"**/articles/{copy_id}")
    assert "Copies of this story (1)" in page.inner_text(".copies-of-story")


def test_open_an_article_and_a_similar_story(page, sample_server):
    page.goto(sample_server.url + "/?q=bankers")
    headline = page.locator(".hit h2 a").first.inner_text()
    page.locator(".hit h2 a").first.click()
    page.wait_for_url("**/articles/*")
    assert page.inner_text("h1") == headline
    assert page.locator(".article .body p").count() >= 3
    assert "Photo captions" in page.inner_text(".article")
    similar = page.locator(".similar li a")
    assert similar.count() == 5
    other = similar.first.inner_text()
    similar.first.click()
    page.wait_for_url("**/articles/*")
    assert page.inner_text("h1") == other


def test_page_forward_and_back(page, sample_server):
    page.goto(sample_server.url + "/?q=said")
    first_page = page.locator(".hit h2").all_inner_texts()
    assert len(first_page) == 20
    page.click("a[rel=next]")
    page.wait_for_url("**page=2*")
    assert "page 2 of 2" in page.inner_text(".pages")
    second_page = page.locator(".hit h2").all_inner_texts()
    assert second_page and not set(second_page) & set(first_page)
    assert page.get_attribute("ol.hits", "start") == "21"
    page.click("a[rel=prev]")
    page.wait_for_url(lambda url: "page=" not in url)
    assert page.locator(".hit h2").all_inner_texts() == first_page


@pytest.mark.parametrize("kind", ["CSV", "JSON Lines"])
def test_download_an_export_of_every_match(page, sample_server, tmp_path, kind):
    page.goto(sample_server.url + "/?q=said&sort=oldest")
    with page.expect_download() as download:
        page.click(f".export a:text-is('{kind}')")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    if kind == "CSV":
        assert path.name == "searchnews-said.csv"
        ids = [row["id"] for row in csv.DictReader(text.splitlines())]
    else:
        assert path.name == "searchnews-said.jsonl"
        ids = [json.loads(line)["id"] for line in text.splitlines()]
    first, second = (api(sample_server, f"/api/search?q=said&sort=oldest&limit=20&offset={n}") for n in (0, 20))
    assert len(ids) == first["total"] - first["collapsed"] > 20, "every match, not one page"
    assert ids == [hit["id"] for hit in first["hits"] + second["hits"]]


def test_did_you_mean(page, sample_server):
    page.goto(sample_server.url + "/?q=nuclaer+sanctons")
    page.click(".suggestion a")
    page.wait_for_url("**q=nuclear+sanctions*")
    assert page.locator(".hit").count() > 0


def test_a_new_order_applies_at_once(page, sample_server):
    page.goto(sample_server.url + "/?q=sanctions")
    page.select_option("select[name=sort]", "newest")
    page.wait_for_url("**sort=newest*")
    dates = page.locator(".hit time").evaluate_all("nodes => nodes.map(n => n.getAttribute('datetime'))")
    assert dates == sorted(dates, reverse=True)


def test_filters_typed_in_the_sidebar(page, sample_server):
    page.goto(sample_server.url + "/?q=sanctions")
    page.fill("input[name=since]", "2022-12")
    page.click(".filters button")
    page.wait_for_url("**since=2022-12*")
    assert "since: 2022-12" in page.inner_text(".active-filters")
    page.fill("input[name=since]", "2022-13")
    page.click(".filters button")
    page.wait_for_url("**since=2022-13*")
    assert "since: cannot read '2022-13'" in page.inner_text(".error")
    page.problems.remove("Failed to load resource: the server responded with a status of 400 (Bad Request)")


def test_everything_works_without_javascript(browser, sample_server):
    context, page = new_page(browser, java_script_enabled=False)
    try:
        page.goto(sample_server.url + "/")
        page.fill("input[name=q]", "bankers")
        page.press("input[name=q]", "Enter")
        page.wait_for_url("**q=bankers*")
        page.locator("details.copies summary").first.click()
        assert page.locator("details.copies li a").first.is_visible()
        page.click(".facet[data-facet=sources] a:text-is('AFP')")
        page.wait_for_url("**sources=AFP*")
        page.click("a.bar")
        page.wait_for_url("**since=*")
        assert page.locator(".hit").count() > 0
    finally:
        context.close()
    assert page.problems == []


def test_hostile_articles_run_no_script(browser, hostile_index):
    """Every field of the hostile articles calls alert(); a dialog would be reported as a problem."""
    from urllib.parse import quote

    from webtools import HOSTILE_RECORDS

    context, page = new_page(browser)
    try:
        with live_server(hostile_index) as server:
            for path in ["/?q=strike", "/?q=dockers+picket", "/?q=strike&collapse=0&sort=newest", "/?q=freight"]:
                page.goto(server.url + path)
                assert page.locator(".hit").count() > 0
                for link in page.locator("a").all():
                    link.hover()  # onmouseover payloads
            for record in HOSTILE_RECORDS:
                page.goto(server.url + "/articles/" + quote(record["id"], safe=""))
                assert page.locator("h1").inner_text() == record["headline"]
            page.goto(server.url + "/?q=strike")
            page.locator(".hit h2 a").first.click()
            page.wait_for_url("**/articles/*")
            assert page.evaluate("document.querySelectorAll('script').length") == 1
    finally:
        context.close()
    assert page.problems == []
