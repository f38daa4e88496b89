"""Tests for searchnews.ingest.cleaning: plain text, JSON records, HTML pages and files.

Every text here is fictional and written for these tests; it imitates the shape
of scraped news (repeated headlines, caption credits, promo lines, wire
sign-offs) without copying any real article.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from searchnews.errors import DocumentError
from searchnews.ingest.cleaning import (
    LineDecision,
    clean_file,
    clean_html,
    clean_record,
    clean_string,
    clean_text,
    explain_text,
    read_file,
)
from searchnews.models import Article, FileProblem

FIXTURES = Path(__file__).resolve().parent / "fixtures"

HEADLINE = "Harbour ferry operator halts night crossings after engine fire"
P1 = ("The operator of the Harbour Line ferries suspended all night crossings on Thursday after a fire "
      "broke out in the engine room of one of its vessels shortly after it left the east pier.")
P2 = ("None of the 212 passengers on board was hurt, the company said in a statement, and the crew "
      "brought the vessel back to the quay under its own power within twenty minutes.")
P3 = ("Commuters who rely on the late services were told to use the replacement buses that will run "
      "every half hour from the terminal until the investigation is complete.")
CAPTION = "Firefighters spray water on the stern of the Northern Star ferry at the east pier"


def article(*blocks: str) -> str:
    """Blocks of a scrape separated by blank lines, as most scrapes are written."""
    return "\n\n".join(blocks) + "\n"


def body_text(a: Article) -> str:
    return "\n".join(a.body)


# ---------------------------------------------------------------------------
# Headline


def test_first_line_is_the_headline():
    assert clean_text(article(HEADLINE, P1, P2)).headline == HEADLINE


@pytest.mark.parametrize("repeat", [
    HEADLINE,
    HEADLINE.upper(),
    HEADLINE.lower(),
    HEADLINE.replace(" ", "  "),
    "  " + HEADLINE + "  ",
    HEADLINE + ".",
], ids=["same", "upper", "lower", "double-spaces", "padded", "trailing-period"])
def test_repeated_headline_is_dropped(repeat):
    a = clean_text(article(HEADLINE, repeat, P1, P2))
    assert a.body == (P1, P2)


def test_headline_repeat_keeps_the_first_spelling():
    a = clean_text(article(HEADLINE, HEADLINE.upper(), P1))
    assert a.headline == HEADLINE


# ---------------------------------------------------------------------------
# Captions and credits


def _captioned(*after: str) -> str:
    return article(HEADLINE, HEADLINE,
                   CAPTION + "\n" + CAPTION + ". Photo: Lena Ostrova / AFP/File" + "".join(after),
                   P1, P2)


def test_caption_repeated_with_credit_gives_one_caption():
    assert clean_text(_captioned()).captions == (CAPTION,)


def test_caption_repeated_with_credit_is_not_in_the_body():
    a = clean_text(_captioned())
    assert a.body == (P1, P2)


def test_photo_credit_is_not_kept_anywhere():
    a = clean_text(_captioned())
    assert "Ostrova" not in body_text(a)
    assert all("Photo:" not in c and "Ostrova" not in c for c in a.captions)


def test_source_line_after_caption_is_a_photo_credit():
    a = clean_text(_captioned("\nSource: AFP"))
    assert a.captions == (CAPTION,)
    assert "Source: AFP" not in body_text(a)


def test_source_after_caption_gives_the_source_when_nothing_else_does():
    assert clean_text(_captioned("\nSource: AFP")).source == "AFP"


def test_source_line_of_the_article_wins_over_photo_source():
    text = article(HEADLINE, "Source: Harbour Gazette",
                   CAPTION + "\n" + CAPTION + ". Photo: Lena Ostrova / AFP/File\nSource: AFP", P1)
    assert clean_text(text).source == "Harbour Gazette"


@pytest.mark.parametrize("credit", ["(Photo: Getty Images)", "(Picture: Lucy Harrow/Harbour Gazette)",
                                    "[Photo: Reuters]"])
def test_inline_photo_credit_line_is_a_caption(credit):
    line = "Passengers wait on the quay after the late crossing was cancelled " + credit
    a = clean_text(article(HEADLINE, P1, line, P2))
    assert a.captions == ("Passengers wait on the quay after the late crossing was cancelled",)
    assert a.body == (P1, P2)


@pytest.mark.parametrize("prefix", ["Image caption, ", "Image caption: ", "Photo caption: ", "Caption: "])
def test_image_caption_label_line_is_a_caption(prefix):
    caption = "The Northern Star was towed to the repair yard on Friday morning"
    a = clean_text(article(HEADLINE, P1, prefix + caption, P2))
    assert a.captions == (caption,)
    assert a.body == (P1, P2)


def test_photo_credit_line_is_dropped():
    a = clean_text(article(HEADLINE, P1, "Photo credit: Lucy Harrow / Harbour Gazette", P2))
    assert a.body == (P1, P2)


# ---------------------------------------------------------------------------
# Promo lines and related articles


@pytest.mark.parametrize("promo", [
    "PAY ATTENTION: Read the latest harbour news and weather alerts here",
    "PAY ATTENTION: Follow our harbour desk on Instagram and get every ferry update on your phone!",
    "Follow us on Twitter for live updates",
    "New feature: Pin your favourite towns to the top of the front page!",
    "Advertisement",
    "ADVERTISEMENT",
    "Continue reading below",
    "Subscribe to our newsletter for the morning briefing",
    "Share this article: Facebook, Twitter, Email",
    "Story continues below advertisement",
])
def test_promo_line_is_dropped(promo):
    a = clean_text(article(HEADLINE, P1, promo, P2))
    assert a.body == (P1, P2)


@pytest.mark.parametrize("marker", ["Read also", "Also read", "Related:", "Lire aussi", "Lesen Sie auch",
                                    "READ MORE", "See also"])
def test_related_marker_and_its_headline_are_dropped(marker):
    related = "Coastguard reviews safety rules for older passenger vessels"
    a = clean_text(article(HEADLINE, P1, marker, related, P2))
    assert a.body == (P1, P2)


def test_related_marker_with_inline_headline_is_dropped():
    a = clean_text(article(HEADLINE, P1, "Related: Coastguard reviews safety rules for older vessels", P2))
    assert a.body == (P1, P2)


def test_related_marker_does_not_swallow_a_body_paragraph():
    # A long sentence after the marker is not a related headline.
    a = clean_text(article(HEADLINE, P1, "Read also", P2, P3))
    assert a.body == (P1, P2, P3)


# ---------------------------------------------------------------------------
# Sources and authors


def test_source_line_gives_the_source():
    a = clean_text(article(HEADLINE, P1, P2, "Source: AFP"))
    assert a.source == "AFP"
    assert a.body == (P1, P2)


def test_source_line_with_outlet_name():
    a = clean_text(article(HEADLINE, "Source: Lakeside Daily", P1))
    assert a.source == "Lakeside Daily"


def test_authors_label_with_agency_avatar_gives_source_and_no_author():
    a = clean_text(article(HEADLINE, P1, P2, "Source: AFP", "Authors:\nAFP avatar"))
    assert a.source == "AFP"
    assert a.authors == ()
    assert a.body == (P1, P2)


def test_authors_label_with_person_names():
    a = clean_text(article(HEADLINE, P1, "Authors:\nMira Kowalczyk avatar\nTobias Lindgren"))
    assert a.authors == ("Mira Kowalczyk", "Tobias Lindgren")


def test_byline_with_two_names():
    a = clean_text(article(HEADLINE, "By Jane Doe and John Roe", P1, P2))
    assert a.authors == ("Jane Doe", "John Roe")
    assert a.body == (P1, P2)


@pytest.mark.parametrize("byline, names", [
    ("By Priya Natarajan", ("Priya Natarajan",)),
    ("By Priya Natarajan, Tom Ellery and Ana Duarte", ("Priya Natarajan", "Tom Ellery", "Ana Duarte")),
    ("Par Mathilde Verrier", ("Mathilde Verrier",)),
    ("Von Jonas Kellermann und Lea Brandt", ("Jonas Kellermann", "Lea Brandt")),
])
def test_byline_variants(byline, names):
    assert clean_text(article(HEADLINE, byline, P1)).authors == names


REUTERS_CREDITS = ("(Reporting by Hyejin Moon in Seoul; Additional reporting by Daniel Okafor;\n"
                   "Editing by Margaret Lyle)")


def test_reuters_credits_wrapped_over_two_lines_give_reporters_as_authors():
    a = clean_text(article(HEADLINE, P1, P2, REUTERS_CREDITS))
    assert a.authors == ("Hyejin Moon", "Daniel Okafor")


def test_reuters_credits_do_not_make_the_editor_an_author():
    a = clean_text(article(HEADLINE, P1, P2, REUTERS_CREDITS))
    assert "Margaret Lyle" not in a.authors


def test_reuters_credits_are_not_in_the_body():
    a = clean_text(article(HEADLINE, P1, P2, REUTERS_CREDITS))
    assert a.body == (P1, P2)


# ---------------------------------------------------------------------------
# Date stamps


@pytest.mark.parametrize("stamp, expected", [
    ("Updated: 19 November 2022, 09:42", dt.datetime(2022, 11, 19, 9, 42)),
    ("Published 26/11/2022", dt.datetime(2022, 11, 26)),
    ("Published: 26/11/2022 14:05", dt.datetime(2022, 11, 26, 14, 5)),
    ("2022-11-26", dt.datetime(2022, 11, 26)),
    ("2022-11-26T14:05:00", dt.datetime(2022, 11, 26, 14, 5)),
    ("Publié le 12 novembre 2022", dt.datetime(2022, 11, 12)),
    ("Stand: 14.11.2022, 16:02", dt.datetime(2022, 11, 14, 16, 2)),
    ("November 22, 2022", dt.datetime(2022, 11, 22)),
])
def test_date_stamp_gives_the_date(stamp, expected):
    assert clean_text(article(HEADLINE, stamp, P1)).date == expected


@pytest.mark.parametrize("stamp", ["Updated: 19 November 2022, 09:42", "Published 26/11/2022", "2022-11-26"])
def test_date_stamp_is_not_in_the_body(stamp):
    assert clean_text(article(HEADLINE, stamp, P1, P2)).body == (P1, P2)


@pytest.mark.parametrize("order", ["updated-first", "published-first"])
def test_published_date_is_preferred_over_updated(order):
    stamps = ["Updated: 27 November 2022, 08:00", "Published 26/11/2022"]
    if order == "published-first":
        stamps.reverse()
    a = clean_text(article(HEADLINE, *stamps, P1))
    assert a.date == dt.datetime(2022, 11, 26)


def test_updated_date_is_used_when_there_is_no_published_date():
    a = clean_text(article(HEADLINE, "Updated: 27 November 2022, 08:00", P1))
    assert a.date == dt.datetime(2022, 11, 27, 8, 0)


def test_given_date_wins_over_stamp():
    given = dt.datetime(2022, 1, 2, 3, 4)
    assert clean_text(article(HEADLINE, "Published 26/11/2022", P1), date=given).date == given


# ---------------------------------------------------------------------------
# Datelines and disclaimers

DATELINE_PARAGRAPH = ("NAIROBI, Kenya (AP) — Heavy rains swept away a bridge on the main road north of the "
                      "capital on Tuesday, cutting off dozens of villages, local officials said.")


def test_dateline_paragraph_stays_in_the_body():
    a = clean_text(article(HEADLINE, DATELINE_PARAGRAPH, P2))
    assert a.body == (DATELINE_PARAGRAPH, P2)


def test_dateline_gives_the_place():
    assert clean_text(article(HEADLINE, DATELINE_PARAGRAPH, P2)).place == "NAIROBI, Kenya"


def test_dateline_gives_the_agency_as_source():
    assert clean_text(article(HEADLINE, DATELINE_PARAGRAPH, P2)).source == "AP"


@pytest.mark.parametrize("dateline, place, source", [
    ("SEOUL (Reuters) - ", "SEOUL", "Reuters"),
    ("GENEVA (AFP) - ", "GENEVA", "AFP"),
    ("SAN JOSE, Calif. (Reuters) - ", "SAN JOSE, Calif.", "Reuters"),
])
def test_dateline_variants(dateline, place, source):
    a = clean_text(article(HEADLINE, dateline + P1, P2))
    assert (a.place, a.source) == (place, source)


def test_no_dateline_means_no_place():
    assert clean_text(article(HEADLINE, P1, P2)).place is None


AFP_DISCLAIMER = ("AFP text, pictures and graphics shall not be published, reproduced or passed on in any "
                  "form, in whole or in part, without written permission. AFP will not be held liable for "
                  "delays or mistakes in the material it supplies to subscribers.")
AP_DISCLAIMER = ("Copyright 2022 The Associated Press. All rights reserved. This material may not be "
                 "published, broadcast, rewritten or redistributed.")
REUTERS_DISCLAIMER = "Our Standards: The Thomson Reuters Trust Principles."


@pytest.mark.parametrize("disclaimer", [AFP_DISCLAIMER, AP_DISCLAIMER, REUTERS_DISCLAIMER],
                         ids=["AFP", "AP", "Reuters"])
def test_agency_disclaimer_is_dropped(disclaimer):
    a = clean_text(article(HEADLINE, P1, P2, disclaimer))
    assert a.body == (P1, P2)


# ---------------------------------------------------------------------------
# Normalisation: line endings, hard wraps, spaces


def test_crlf_input_gives_the_same_article_as_lf():
    text = _captioned("\nSource: AFP")
    assert clean_text(text.replace("\n", "\r\n")) == clean_text(text)


def test_crlf_input_leaves_no_carriage_returns():
    a = clean_text(article(HEADLINE, P1, P2).replace("\n", "\r\n"))
    assert a.headline == HEADLINE
    assert a.body == (P1, P2)


def _wrap(paragraph: str, width: int = 72) -> str:
    lines, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def test_hard_wrapped_paragraphs_are_joined():
    wrapped = [_wrap(P1), _wrap(P2)]
    assert all("\n" in w for w in wrapped)
    a = clean_text(article(HEADLINE, *wrapped))
    assert a.body == (P1, P2)


def test_long_lines_without_blank_lines_stay_separate_paragraphs():
    a = clean_text(HEADLINE + "\n" + P1 + "\n" + P2 + "\n" + P3 + "\n")
    assert a.body == (P1, P2, P3)


def test_no_break_spaces_become_plain_spaces():
    text = article(HEADLINE, "By\u00a0Nathan\u00a0Egbert", "\u00a0The closure adds about 12\u00a0km to the "
                   "trip and up to 25\u00a0minutes to a typical crossing, the department said on Friday.")
    a = clean_text(text)
    assert a.authors == ("Nathan Egbert",)
    assert a.body == ("The closure adds about 12 km to the trip and up to 25 minutes to a typical crossing, "
                      "the department said on Friday.",)


def test_no_break_spaces_in_date_stamp():
    a = clean_text(article(HEADLINE, "Updated:\u00a021\u00a0October\u00a02022,\u00a017:45", P1))
    assert a.date == dt.datetime(2022, 10, 21, 17, 45)


# ---------------------------------------------------------------------------
# Traps: body paragraphs that look like boilerplate by their first words

SOURCES_PARAGRAPH = ("Sources close to the ministry said the inspection team had already recommended "
                     "withdrawing the older vessels from night service before the fire.")
READING_PARAGRAPH = ("Reading the statement, the company's chief executive apologised to passengers and "
                     "promised a full review of maintenance records.")
QUOTING_PARAGRAPH = (f'"{HEADLINE}" was the message that appeared on the departure boards at the east pier '
                     "late on Thursday, to the dismay of the evening crowd.")


@pytest.mark.parametrize("paragraph", [SOURCES_PARAGRAPH, READING_PARAGRAPH, QUOTING_PARAGRAPH],
                         ids=["sources-close", "reading-the-statement", "quotes-headline"])
def test_body_paragraph_that_looks_like_boilerplate_stays(paragraph):
    a = clean_text(article(HEADLINE, HEADLINE, P1, paragraph, P2))
    assert a.body == (P1, paragraph, P2)


def test_paragraph_quoting_headline_without_quotes_stays():
    paragraph = f"{HEADLINE}, read the notice pinned to the ticket office window on Friday morning."
    a = clean_text(article(HEADLINE, P1, paragraph))
    assert a.body == (P1, paragraph)


# ---------------------------------------------------------------------------
# explain_text


def _decisions(text: str) -> dict[str, LineDecision]:
    return {d.text: d for d in explain_text(text)}


def test_explain_text_gives_one_decision_per_line():
    text = _captioned("\nSource: AFP")
    decisions = explain_text(text)
    assert [d.number for d in decisions] == list(range(1, len(text.split("\n")) + 1))


@pytest.mark.parametrize("line, decision", [
    (HEADLINE.upper(), "headline"),
    (CAPTION, "caption"),
    (CAPTION + ". Photo: Lena Ostrova / AFP/File", "credit"),
    ("Source: AFP", "credit"),
    ("PAY ATTENTION: Read the latest harbour news and weather alerts here", "promo"),
    ("Read also", "related"),
    ("Coastguard reviews safety rules for older passenger vessels", "related"),
    ("Published 26/11/2022", "stamp"),
    ("By Jane Doe and John Roe", "authors"),
    (P1, "body"),
    ("", "blank"),
])
def test_explain_text_decisions(line, decision):
    text = article(
        HEADLINE, HEADLINE.upper(), "Published 26/11/2022", "By Jane Doe and John Roe",
        CAPTION + "\n" + CAPTION + ". Photo: Lena Ostrova / AFP/File\nSource: AFP",
        "PAY ATTENTION: Read the latest harbour news and weather alerts here",
        P1, "Read also", "Coastguard reviews safety rules for older passenger vessels", P2)
    assert _decisions(text)[line].decision == decision


def test_explain_text_first_line_is_the_headline():
    first = explain_text(article(HEADLINE, P1))[0]
    assert (first.number, first.decision, first.reason) == (1, "headline", "first line")


def test_explain_text_gives_reasons_for_dropped_lines():
    text = _captioned("\nSource: AFP") + "\nAdvertisement\n"
    for d in explain_text(text):
        if d.decision not in ("body", "blank"):
            assert d.reason, d


def test_explain_text_reason_for_promo():
    d = _decisions(article(HEADLINE, P1, "Advertisement", P2))["Advertisement"]
    assert d.reason == "promo or navigation line"


def test_explain_text_with_given_headline_does_not_take_the_first_line():
    d = explain_text(article(P1, HEADLINE), headline=HEADLINE)
    assert [x.decision for x in d if x.text] == ["body", "headline"]


# ---------------------------------------------------------------------------
# Idempotence

IDEMPOTENCE_TEXTS = {
    "captioned": _captioned("\nSource: AFP"),
    "dateline": article(HEADLINE, "Published 26/11/2022", DATELINE_PARAGRAPH, P2, AP_DISCLAIMER),
    "wrapped": article(HEADLINE, "By Jane Doe", _wrap(P1), _wrap(P2), REUTERS_CREDITS),
    "traps": article(HEADLINE, HEADLINE.upper(), P1, SOURCES_PARAGRAPH, READING_PARAGRAPH, QUOTING_PARAGRAPH,
                     "Read also", "Coastguard reviews safety rules for older passenger vessels", P3),
}


@pytest.mark.parametrize("name", sorted(IDEMPOTENCE_TEXTS))
def test_cleaning_is_idempotent(name):
    first = clean_text(IDEMPOTENCE_TEXTS[name])
    again = clean_text(first.headline + "\n\n" + "\n\n".join(first.body))
    assert again.body == first.body
    assert again.headline == first.headline


# ---------------------------------------------------------------------------
# JSON records

BASE_RECORD_BODY = P1 + "\n\n" + P2


@pytest.mark.parametrize("key", ["headline", "title"])
def test_record_headline_keys(key):
    a = clean_record({key: HEADLINE, "body": BASE_RECORD_BODY})
    assert a.headline == HEADLINE


@pytest.mark.parametrize("key", ["body", "text", "content"])
def test_record_body_keys(key):
    a = clean_record({"headline": HEADLINE, key: BASE_RECORD_BODY})
    assert a.body == (P1, P2)


def test_record_body_as_list_of_paragraphs():
    a = clean_record({"headline": HEADLINE, "body": [P1, P2]})
    assert a.body == (P1, P2)


@pytest.mark.parametrize("captions", [
    [CAPTION, "The damaged engine room seen from the quay"],
    CAPTION + "\nThe damaged engine room seen from the quay",
], ids=["list", "string"])
def test_record_captions_list_or_string(captions):
    a = clean_record({"headline": HEADLINE, "body": BASE_RECORD_BODY, "captions": captions})
    assert a.captions == (CAPTION, "The damaged engine room seen from the quay")


def test_record_caption_credit_is_removed():
    a = clean_record({"headline": HEADLINE, "body": BASE_RECORD_BODY,
                      "captions": [CAPTION + ". Photo: Lena Ostrova / AFP"]})
    assert a.captions == (CAPTION,)


@pytest.mark.parametrize("key", ["date", "published", "publish_date"])
def test_record_date_keys(key):
    a = clean_record({"headline": HEADLINE, "body": BASE_RECORD_BODY, key: "2022-11-26T14:05:00Z"})
    assert a.date == dt.datetime(2022, 11, 26, 14, 5)


@pytest.mark.parametrize("key", ["source", "agency", "publisher"])
def test_record_source_keys(key):
    a = clean_record({"headline": HEADLINE, "body": BASE_RECORD_BODY, key: "Harbour Gazette"})
    assert a.source == "Harbour Gazette"


def test_record_agency_name_is_canonical():
    a = clean_record({"headline": HEADLINE, "body": BASE_RECORD_BODY, "agency": "Agence France-Presse"})
    assert a.source == "AFP"


@pytest.mark.parametrize("key, value", [
    ("authors", ["Jane Doe", "John Roe"]),
    ("author", "Jane Doe and John Roe"),
    ("byline", "By Jane Doe and John Roe"),
    ("authors", [{"name": "Jane Doe"}, {"name": "John Roe"}]),
])
def test_record_author_keys(key, value):
    a = clean_record({"headline": HEADLINE, "body": BASE_RECORD_BODY, key: value})
    assert a.authors == ("Jane Doe", "John Roe")


def test_record_url_language_and_id():
    a = clean_record({"id": "hg-2022-11-26-ferry", "headline": HEADLINE, "body": BASE_RECORD_BODY,
                      "url": "https://harbour-gazette.example/ferry-fire", "language": "EN"})
    assert (a.id, a.url, a.language) == ("hg-2022-11-26-ferry", "https://harbour-gazette.example/ferry-fire",
                                         "en")


def test_record_promo_and_related_lines_in_body_are_dropped():
    body = "\n\n".join([P1, "Advertisement", "Read also", "Coastguard reviews safety rules", P2])
    assert clean_record({"headline": HEADLINE, "body": body}).body == (P1, P2)


def test_record_that_is_not_a_mapping_is_refused():
    with pytest.raises(TypeError):
        clean_record([HEADLINE, P1])  # type: ignore[arg-type]


def test_clean_string_json():
    record = {"title": HEADLINE, "text": BASE_RECORD_BODY, "agency": "Reuters"}
    a = clean_string(json.dumps(record), "json")
    assert (a.headline, a.body, a.source) == (HEADLINE, (P1, P2), "Reuters")


@pytest.mark.parametrize(("declared", "stored"), [("en-US", "en"), ("EN", "en"), ("fr_FR", "fr"), ("deu", "deu")])
def test_declared_language_of_a_record_is_its_iso_code(declared, stored):
    record = {"title": HEADLINE, "text": BASE_RECORD_BODY, "language": declared}
    assert clean_string(json.dumps(record), "json").language == stored


def test_declared_language_that_is_not_a_code_is_detected_instead():
    record = {"title": HEADLINE, "text": BASE_RECORD_BODY, "language": "English"}
    assert clean_string(json.dumps(record), "json").language == "en"


def test_clean_string_malformed_json_raises_document_error():
    with pytest.raises(DocumentError, match="malformed JSON"):
        clean_string('{"title": "x", ', "json")


def test_clean_string_unknown_format_raises_value_error():
    with pytest.raises(ValueError, match="unknown format"):
        clean_string("x", "xml")


def test_clean_string_without_text_raises_document_error():
    with pytest.raises(DocumentError, match="no article text"):
        clean_string(HEADLINE + "\n\nAdvertisement\n")


# ---------------------------------------------------------------------------
# HTML pages


@pytest.fixture(scope="module")
def french_page() -> Article:
    return clean_html((FIXTURES / "courrier_page_fr.html").read_text(encoding="utf-8"))


def test_html_headline(french_page):
    assert french_page.headline == "Le tramway du Lac prolongé jusqu'à la gare nord"


def test_html_captions_from_figcaption(french_page):
    assert french_page.captions == ("Une rame du tramway du Lac en essai près du dépôt de Bellerive.",)


def test_html_author_from_json_ld(french_page):
    assert french_page.authors == ("Mathilde Verrier",)


def test_html_date_is_published_time_in_utc(french_page):
    assert french_page.date == dt.datetime(2022, 11, 8, 6, 30)


def test_html_url_from_canonical_link(french_page):
    assert french_page.url == "https://courrier-du-lac.example/region/tramway-gare-nord"


def test_html_language_from_html_lang(french_page):
    assert french_page.language == "fr"


def test_html_source_from_publisher(french_page):
    assert french_page.source == "Le Courrier du Lac"


def test_html_body_has_the_article_paragraphs(french_page):
    assert french_page.body[0].startswith("Le conseil intercommunal a voté mardi soir")
    assert french_page.body[-1].startswith("Les commerçants de l'avenue des Tilleuls")


def test_html_body_has_no_navigation_promo_or_footer(french_page):
    text = body_text(french_page)
    for junk in ("Accueil", "cookies", "Abonnez-vous", "Tous droits réservés", "budget des transports"):
        assert junk not in text


def test_html_caption_not_in_body(french_page):
    assert "dépôt de Bellerive." not in body_text(french_page)


def test_html_without_article_text_raises_document_error():
    with pytest.raises(DocumentError, match="no article text"):
        clean_html("<html><head><title>Empty</title></head><body></body></html>")


# ---------------------------------------------------------------------------
# The sample corpus


@pytest.mark.parametrize("name, headline, source", [
    ("txt/2022-11-19-kcna-icbm-launch.txt", "North Korea says Kim oversaw test of 'most powerful' ICBM", "AFP"),
    ("txt/2022-10-05-opec-plus-output-cut.txt",
     "OPEC+ agrees deepest oil output cut since 2020 despite U.S. pressure", "Reuters"),
    ("txt/2022-10-10-landtagswahl-niedersachsen.txt",
     "Landtagswahl in Niedersachsen: SPD bleibt stärkste Kraft", "dpa"),
    ("txt/2022-11-22-saudi-argentina-world-cup-upset.txt",
     "Saudi Arabia stuns Messi and Argentina 2-1 in World Cup shock", "AP"),
    ("txt/2022-12-02-seoul-sanctions-nk-bankers.txt",
     "Seoul slaps fresh sanctions on N.Korean bankers after ICBM launch", "AFP"),
    ("html/2022-12-02-metrowire-seoul-sanctions-nk-bankers.html",
     "Seoul slaps fresh sanctions on N.Korean bankers after ICBM launch", "AFP"),
    ("json/single.json", "Software firm Brightloop to cut 12% of staff as tech slowdown deepens", "Metro Wire"),
])
def test_sample_corpus_headline_and_source(sample_corpus, name, headline, source):
    (a,) = clean_file(sample_corpus / name)
    assert (a.headline, a.source) == (headline, source)


def test_sample_kcna_traps_stay_in_body(sample_corpus):
    (a,) = clean_file(sample_corpus / "txt/2022-11-19-kcna-icbm-launch.txt")
    assert any(p.startswith("Sources close to the ministry said") for p in a.body)
    assert any(p.startswith("\"North Korea says Kim oversaw test of 'most powerful' ICBM\" was the line")
               for p in a.body)


def test_sample_brazil_reading_trap_stays_in_body(sample_corpus):
    (a,) = clean_file(sample_corpus / "txt/2022-10-31-brazil-runoff-lula-wins.txt")
    assert any(p.startswith("Reading the statement aloud,") for p in a.body)


def test_sample_crlf_file_has_no_carriage_returns(sample_corpus):
    (a,) = clean_file(sample_corpus / "txt/2022-10-05-opec-plus-output-cut.txt")
    assert not any("\r" in p for p in (*a.body, a.headline))


def test_sample_cp1252_file_is_read_with_a_note(sample_corpus):
    items = list(read_file(sample_corpus / "txt/2022-12-18-world-cup-final-fans-lakeside.txt"))
    articles = [i for i in items if isinstance(i, Article)]
    notes = [i for i in items if isinstance(i, FileProblem)]
    assert len(articles) == 1 and "Café" in articles[0].text
    assert len(notes) == 1 and not notes[0].skipped and "cp1252" in notes[0].reason


def test_sample_json_list_gives_five_articles(sample_corpus):
    assert len(clean_file(sample_corpus / "json/articles.json")) == 5


def test_sample_wire_jsonl_gives_five_articles(sample_corpus):
    articles = clean_file(sample_corpus / "json/wire.jsonl")
    assert len(articles) == 5
    assert len({a.id for a in articles}) == 5


# ---------------------------------------------------------------------------
# The real seed example (only when the shared corpora are present)


@pytest.fixture(scope="module")
def seed_example(request) -> Path:
    shared = request.getfixturevalue("shared_corpora")
    path = shared / "seed-example.txt"
    if not path.is_file():
        pytest.skip(f"seed example not found at {path}")
    return path


def seed_example_first_line(path) -> str:
    with open(path, encoding="utf-8") as handle:
        return next(line.strip() for line in handle if line.strip())


@pytest.fixture(scope="module")
def seed_article(seed_example) -> Article:
    (a,) = clean_file(seed_example)
    return a


def test_seed_example_headline(seed_article):
    # Compared with the file's own first line: the seed's text is not copied into the repository.
    assert seed_article.headline == seed_example_first_line(seed_article.path)


def test_seed_example_has_two_captions_without_credit(seed_article):
    assert len(seed_article.captions) == 2
    assert all("Photo:" not in c and "AFP/File" not in c for c in seed_article.captions)


def test_seed_example_source_is_afp(seed_article):
    assert seed_article.source == "AFP"


def test_seed_example_has_no_author(seed_article):
    assert seed_article.authors == ()


@pytest.mark.parametrize("junk", ["PAY ATTENTION", "Read also", "New feature", "shall not be published",
                                  "AFP will not be held liable", "Source: AFP", "avatar", "Photo:"])
def test_seed_example_body_has_no_boilerplate(seed_article, junk):
    assert junk not in "\n".join(seed_article.body)


def test_seed_example_read_file_yields_one_article(seed_example):
    items = list(read_file(seed_example))
    assert [type(i) for i in items] == [Article]


# ---------------------------------------------------------------------------
# Hard-wrapped scrapes: boilerplate wrapped over several lines is still boilerplate

LONG_HEADLINE = "Harbour County commissioners approve ferry subsidy after marathon overnight session"
WRAPPED_BOILERPLATE = {
    "repeated-headline": LONG_HEADLINE,
    "afp-disclaimer": AFP_DISCLAIMER,
    "promo": ("PAY ATTENTION: Follow our harbour desk on Instagram and get every ferry update, storm warning "
              "and road closure straight to your phone!"),
}


@pytest.mark.parametrize("name", sorted(WRAPPED_BOILERPLATE))
def test_hard_wrapped_boilerplate_is_dropped(name):
    wrapped = _wrap(WRAPPED_BOILERPLATE[name])
    assert "\n" in wrapped
    a = clean_text(article(LONG_HEADLINE, _wrap(P1), wrapped, _wrap(P2)))
    assert a.body == (P1, P2)


def test_hard_wrapped_related_headline_is_dropped():
    related = _wrap("Coastguard reviews safety rules for older passenger vessels after a string of fires")
    assert "\n" in related
    a = clean_text(article(HEADLINE, _wrap(P1), "Read also", related, _wrap(P2)))
    assert a.body == (P1, P2)


@pytest.mark.parametrize("content", ["[1, 2]", "42", '"just a string"', "null"])
def test_clean_string_json_that_is_not_an_object_raises_document_error(content):
    with pytest.raises(DocumentError):
        clean_string(content, "json")


def test_every_disclaimer_pattern_needs_one_of_the_hints():
    """The hints let most lines skip the disclaimer patterns: each pattern must contain one."""
    import re

    from searchnews.ingest import boilerplate as bp

    for pattern in bp.DISCLAIMERS:
        literal = re.sub(r"\\[bsdw]|[\\^$?*+.|(){}\[\]]", " ", pattern.pattern.lower())
        assert any(hint in literal or hint in pattern.pattern.lower() for hint in bp.DISCLAIMER_HINTS), pattern
