"""Cleaning invents no facts (issue 11, items 5, 6 and the captions of item 7).

A date or source line is metadata only when its shape and place say so; web
page metadata is taken only from fields that hold it.
"""

# ruff: noqa: E501 - the pages below keep their paragraphs on one line, as renderers write them

from __future__ import annotations

import datetime as dt
import warnings

from searchnews.ingest.cleaning import clean_html, clean_text
from searchnews.ingest.htmlmeta import absolute_url, site_name

BODY = ("Festival returns to the old harbour\n\n"
        "The music festival returns to the old harbour this summer after a two-year break, its organisers said.\n\n"
        "Tickets go on sale next week and local residents get a discount.\n\n"
        "The line-up will be announced in June, with a stage for young bands from the region.\n\n"
        "Waiting lists at the town's two clinics have grown for six months in a row.\n\n"
        "Organisers expect about 20,000 visitors over the four days.\n\n"
        "{line}\n\n"
        "Buses will run every ten minutes from the station.\n\n"
        "Parking near the harbour will be closed to cars.\n\n"
        "The festival was founded in 1998 by a group of fishermen.\n\n"
        "It has grown every year since.\n\n"
        "Volunteers can still register on the festival's website.\n")


def test_an_event_listing_is_no_publication_stamp():
    article = clean_text(BODY.format(line="Dates: 25-29 August"))
    assert article.date is None
    assert "Dates: 25-29 August" in article.body


def test_the_date_of_a_quote_is_not_the_articles_date():
    article = clean_text(BODY.format(line="Date of quote: 8 December 2021"))
    assert article.date is None
    assert "Date of quote: 8 December 2021" in article.body


def test_a_source_under_a_chart_is_text_not_the_articles_source():
    article = clean_text(BODY.format(line="Source: NHS"))
    assert article.source is None
    assert "Source: NHS" in article.body


def test_a_stamp_near_the_top_is_still_the_date():
    article = clean_text("Festival returns\n\nPublished: 3 May 2024\n\n" + BODY.split("\n\n", 1)[1].format(line=""))
    assert article.date == dt.datetime(2024, 5, 3)


def test_a_cnn_stamp_line_is_the_date_not_the_body():
    article = clean_text("Storm clears before the holiday\n\nJuly 24, 2014 -- Updated 1207 GMT (2007 HKT)\n\n"
                         "Forecasters said the storm that closed two airports would clear by Wednesday.\n")
    assert article.date == dt.datetime(2014, 7, 24)
    assert article.body == ("Forecasters said the storm that closed two airports would clear by Wednesday.",)


def test_site_names_lose_copyright_marks_handles_and_domains():
    assert site_name("Copyright (c) CondéNet 2015") == "CondéNet"
    assert site_name("Reuters_Co_Uk") == "Reuters"
    assert site_name("© 2024 Harbour Gazette") == "Harbour Gazette"
    assert site_name("Tidewater Courier") == "Tidewater Courier"


def test_protocol_relative_urls_get_https():
    assert absolute_url("//www.harbourgazette.example/news/1") == "https://www.harbourgazette.example/news/1"
    assert absolute_url("http://example.org/a") == "http://example.org/a"


PAGE = """<html lang="en"><head><title>Ferry strike called off</title>
<meta name="author" content="Photo by The Associated Press">
<meta property="og:site_name" content="Copyright (c) Harbour Gazette 2015">
<link rel="canonical" href="//www.harbourgazette.example/ferry-strike">
</head><body><article><h1>Ferry strike called off</h1>
<ul><li>Tweet</li><li>Share this</li><li>Link this</li></ul>
<figure><img src="a.jpg"><figcaption><p>Crews leave the meeting on Monday.</p><p>The ferry Skylark in port.</p>
</figcaption></figure>
<p>Ferry crews called off next week's strike on Monday after the operator agreed to drop the new rosters, the union said.</p>
<p>The operator said it would hire six more deckhands before the summer so that crews get their rest days.</p>
<p>Island businesses, which had warned that a strike in the school holidays would be costly, welcomed the deal.</p>
<p>The first crossings of the summer timetable leave on Saturday morning, weather permitting.</p>
<p>Published Dec. 22, 2014 10:15 EST</p>
</article></body></html>"""


def test_html_metadata_comes_from_the_right_fields():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing printed to stderr (dateutil's UnknownTimezoneWarning)
        article = clean_html(PAGE)
    assert article.authors == ()
    assert article.source == "Harbour Gazette"
    assert article.url == "https://www.harbourgazette.example/ferry-strike"
    text = "\n".join(article.body)
    assert "Tweet" not in text and "Share this" not in text and "Link this" not in text


def test_captions_of_one_photo_stay_apart():
    article = clean_html(PAGE)
    assert article.captions == ("Crews leave the meeting on Monday.", "The ferry Skylark in port.")
