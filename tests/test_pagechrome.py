"""Whole pages saved as text: the article block, its headline and the metadata in the chrome (issue 13).

The pages here are written for these tests (fictional sites and people), in the
shapes HTML-to-text renderers give: one menu item a line, breadcrumbs on one
line, share bars, newsletter boxes, lists of other headlines, footers.
"""

# ruff: noqa: E501 - the pages below keep their paragraphs on one line, as renderers write them

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from searchnews.cli import cli
from searchnews.ingest import boilerplate as bp
from searchnews.ingest.cleaning import clean_text, explain_text, normalize_text
from searchnews.ingest.pagechrome import find_layout, might_be_page

PAGE = """Skip to main content
Menu
News
Sport
Business
Culture
Home › Regions › Coast
Tidewater Courier
Accept all cookies
We use cookies to give you the best experience on our website. By continuing you agree to our cookie policy.
Ferry operator cancels winter timetable after engine failures | Tidewater Courier
https://www.tidewatercourier.example/regions/ferry-winter-timetable
Ferry operator cancels winter timetable after engine failures
By Maren Holt, Transport Correspondent
Published 3 May 2024
Share
Tweet
Email
The ferry operator that links the three outer islands to the mainland cancelled its winter timetable on Tuesday after two of its four vessels were taken out of service with engine failures.
Passengers with bookings between November and February will be offered a refund or a seat on one of the remaining crossings, the company said in a statement.
"We know this is a lifeline for the islands and we are sorry," said its managing director, Oskar Lind.
The island council said it would ask the regional government to charter a replacement vessel before the first storms of the season.
What passengers need to know:
- Refunds are paid within ten days
- Freight crossings keep their slots
- Medical transfers go by helicopter
A spokesman for the port authority said engineers from the shipyard were expected on Thursday to assess whether the two vessels could be repaired before the spring.
More on this story
Island schools move to remote lessons during storms
Harbour dredging halted after dolphins spotted
Sign up for our morning newsletter
Most read
About us
Contact
Privacy policy
© 2024 Tidewater Courier. All rights reserved.
"""


def test_a_whole_page_gives_the_article_alone():
    article = clean_text(PAGE)
    assert article.headline == "Ferry operator cancels winter timetable after engine failures"
    assert article.body[0].startswith("The ferry operator that links the three outer islands")
    assert article.body[-1].startswith("A spokesman for the port authority")
    text = "\n".join(article.body)
    for chrome in ("Skip to main content", "Menu", "Home ›", "cookies", "Share", "More on this story",
                   "Island schools move", "newsletter", "Most read", "Privacy policy", "©"):
        assert chrome not in text, chrome


def test_a_list_and_a_one_line_quote_inside_the_article_are_kept():
    text = "\n".join(clean_text(PAGE).body)
    assert "Refunds are paid within ten days" in text
    assert "Medical transfers go by helicopter" in text
    assert '"We know this is a lifeline for the islands and we are sorry," said its managing director' in text


def test_metadata_comes_from_the_chrome_around_the_article():
    article = clean_text(PAGE)
    assert article.authors == ("Maren Holt",)
    assert article.date == dt.datetime(2024, 5, 3)
    assert article.source == "Tidewater Courier"
    assert article.url == "https://www.tidewatercourier.example/regions/ferry-winter-timetable"


def test_explain_gives_each_chrome_line_its_decision_and_reason():
    decisions = {d.text: d for d in explain_text(PAGE)}
    assert decisions["Skip to main content"].decision == "chrome"
    assert decisions["Home › Regions › Coast"].reason == "menu or breadcrumb on one line"
    assert decisions["Island schools move to remote lessons during storms"].decision in ("chrome", "related")
    assert decisions["Ferry operator cancels winter timetable after engine failures"].decision == "headline"
    assert decisions["By Maren Holt, Transport Correspondent"].decision == "authors"


def test_cli_explain_shows_the_chrome(tmp_path):
    path = tmp_path / "ferry-winter-timetable.txt"
    path.write_text(PAGE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", "--explain", "--no-learn", str(path)])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.split()[:2] == ["1", "chrome"] and "Skip to main content" in first
    assert any("headline" in line and "Ferry operator cancels" in line for line in result.output.splitlines())


def test_an_article_that_starts_with_its_headline_is_not_a_page():
    text = ("Chess club wins regional title\n\nThe town's chess club won the regional league on Saturday "
            "for the first time in twenty years, beating the holders in the last round.\n\n"
            "Board 1: Anna Berg (draw)\n\nBoard 2: Omar Haddad (win)\n\nBoard 3: Lena Fisk (win)\n\n"
            "Board 4: Tom Aalto (loss)\n")
    lines = normalize_text(text).split("\n")
    assert not find_layout(lines).page
    article = clean_text(text)
    assert article.headline == "Chess club wins regional title"
    assert article.body[-1] == "Board 4: Tom Aalto (loss)"


def test_readers_comments_end_the_article():
    page = PAGE.replace("More on this story", (
        "12 Comments\nOn May 3, 2024 at 10:02 AM, islander77 wrote:\nThis happens every winter and nobody "
        "in the company ever seems to plan for it, which is why we are all so angry about it again.\n"
        "On May 3, 2024 at 11:40 AM, harbourwatch wrote:\nThe council should have bought its own boat years "
        "ago instead of relying on a private operator that cannot keep its vessels running.\nMore on this story"))
    text = "\n".join(clean_text(page).body)
    assert "A spokesman for the port authority" in text
    assert "islander77" not in text and "bought its own boat" not in text


def test_a_markdown_page_from_html2text():
    page = ("* [Home](/)\n* News\n* Sport\n\n# Library reopens after flood repairs\n\n**By Ines Duarte**\n\n"
            "The central library reopened on Monday after eight months of repairs to the damage left by the "
            "spring floods, with a new children's floor and a café.\n\n"
            "Staff moved more than 40,000 books to a warehouse before the water reached the ground floor, and "
            "almost all of them are back on the shelves, the city said.\n\n"
            "* Privacy\n* Terms\n* Contact\n\n© 2024 City Bulletin\n")
    article = clean_text(page)
    assert article.headline == "Library reopens after flood repairs"
    assert article.body[0].startswith("The central library reopened")
    assert len(article.body) == 2


# ---------------------------------------------------------------------------
# The look before the page finder: plain articles skip it, pages never do


GOLD = Path(__file__).resolve().parent / "cleaning_gold"


def _finder_says_page(lines: list[str]) -> bool:
    """What the page finder and the line rules decide, without the look before: a page or not."""
    body = _body_flags(lines)
    layout = find_layout(lines)
    if layout.page and not layout.starts_with_chrome:
        return sum(1 for j in layout.chrome_lines if body[j]) >= bp.PAGE_MIN_CHROME_LINES
    return layout.page


def _body_flags(lines: list[str]) -> list[bool]:
    """Per line, whether the line rules keep it (the headline being the first line, as for a plain article)."""
    start = next((j for j, line in enumerate(lines) if line), len(lines))
    rest = explain_text("\n".join(lines[start + 1:]), headline=lines[start] if start < len(lines) else None)
    return [False] * (start + 1) + [d.decision == "body" for d in rest]


def _texts(paths) -> list[list[str]]:
    return [normalize_text(p.read_bytes().decode("utf-8", errors="replace")).split("\n") for p in paths]


def test_whole_pages_always_go_to_the_page_finder():
    pages = [*_texts(sorted(GOLD.glob("page-*.txt"))), normalize_text(PAGE).split("\n")]
    assert len(pages) >= 20
    for lines in pages:
        assert might_be_page(lines, _body_flags(lines))


def test_a_text_the_look_rules_out_is_no_page_for_the_finder_either(sample_corpus):
    texts = _texts(sorted(GOLD.glob("*.txt")) + sorted((sample_corpus / "txt").glob("*.txt")))
    skipped = 0
    for lines in texts:
        if not might_be_page(lines, _body_flags(lines)):
            skipped += 1
            assert not _finder_says_page(lines), lines[:3]
    assert skipped >= 25  # the plain articles of the labelled set and the sample corpus


def test_plain_bbc_articles_skip_the_page_finder(shared_corpora):
    texts = _texts(sorted((shared_corpora / "bbc").glob("*/*.txt"))[::5])
    flags = [might_be_page(lines, _body_flags(lines)) for lines in texts]
    assert sum(flags) <= 0.05 * len(texts)
    for lines, maybe in zip(texts, flags, strict=True):
        if not maybe:
            assert not _finder_says_page(lines)


def test_a_page_whose_chrome_is_only_other_headlines_goes_to_the_finder():
    # No chrome pattern at all: the page shows only in its runs of short lines without final punctuation.
    page = ("Northfield Evening Standard online\n"
            "Council approves new bus lanes for ring road\n"
            "Town hall clock restored after fire damage\n"
            "Youth orchestra wins national competition\n"
            "New cycle path links the two railway stations\n"
            "Library extends weekend opening hours\n"
            "Rowing club celebrates centenary regatta\n"
            "Bakery chain to open three more shops\n"
            "Flood defences finished ahead of winter\n"
            "The flood barrier along the river was finished on Friday, two months ahead of the date the "
            "council had set when work began last spring.\n"
            "Engineers tested the gates at high tide and said they closed in under four minutes, which is "
            "faster than the old barrier managed on its best day.\n"
            "Residents of the lower town, where water reached the first floors three years ago, said they "
            "would sleep better this winter.\n"
            "Schools swap chalkboards for screens\n"
            "Parking fees to rise in the town centre\n"
            "Marathon route changes after roadworks\n")
    lines = normalize_text(page).split("\n")
    assert _finder_says_page(lines)
    assert might_be_page(lines, _body_flags(lines))
    article = clean_text(page)
    assert article.headline == "Flood defences finished ahead of winter"
    assert article.body[0].startswith("The flood barrier along the river")
    assert "Parking fees" not in " ".join(article.body)


def test_cleaning_a_plain_article_does_not_run_the_page_finder(monkeypatch, sample_corpus):
    from searchnews.ingest import cleaning

    calls = []
    monkeypatch.setattr(cleaning, "find_layout", lambda lines, **kw: calls.append(lines) or find_layout(lines, **kw))
    plain_files = [p for p in sorted((sample_corpus / "txt").glob("*.txt")) + sorted(GOLD.glob("*.txt"))
                   if not p.name.startswith("page-")]
    for path in plain_files:
        cleaning.clean_text(path.read_bytes().decode("utf-8", errors="replace"))
    assert len(plain_files) >= 30
    assert len(calls) <= 2  # a plain article whose shape needs a closer look (a list of results, a table)
    cleaning.clean_text(PAGE)
    assert len(calls) <= 3 and calls[-1][0] == "Skip to main content"
