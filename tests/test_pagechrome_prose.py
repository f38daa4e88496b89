"""Whole pages saved as text: chrome written as prose, lists of other stories, headline choice (issue 13).

Every page here is written for these tests (fictional sites, people and events), in
the shapes renderers give: a browser's copy (one block a line), BeautifulSoup's
``get_text("\\n")`` (a paragraph split at each link), html2text's markdown.
"""

# ruff: noqa: E501 - the pages below keep their paragraphs on one line, as renderers write them

from __future__ import annotations

import datetime as dt

from searchnews.ingest.cleaning import clean_text, explain_text

MENU = "Skip to content\nNews\nSport\nBusiness\nCulture\nWeather\nSearch\n"
FOOTER = "About us\nContact\nPrivacy policy\n© 2024 Northfield Courier. All rights reserved.\n"

ARTICLE = (
    "The council approved a plan on Tuesday to turn the disused tram depot into a covered market with forty stalls, a bakery school and a small stage for the town's brass band.\n"
    "Work on the roof is due to start in March and the first traders could move in before the end of next summer, the council's planning officer told the meeting.\n"
    "Stallholders from the open-air market on Quay Street will be offered the first leases at the same rent they pay now, which the traders' association welcomed.\n"
)


def body(page: str) -> str:
    return "\n".join(clean_text(page).body)


def test_readers_comments_under_a_name_and_how_long_ago_are_left_out():
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE
            + "Leave a Comment\n12 Comments\n"
            + "harbourwatch • 2 weeks ago\nAbout time somebody did something with that old depot, it has been empty for as long as I can remember and the roof leaks.\nReply\n"
            + "quaystreet_baker • 3 weeks ago\nI hope the rents stay as promised, because the last time the council made a promise like this it did not last a year.\nReply\n"
            + FOOTER)
    text = body(page)
    assert "covered market with forty stalls" in text
    assert "Stallholders from the open-air market" in text
    assert "empty for as long as I can remember" not in text
    assert "did not last a year" not in text


def test_comments_whose_headers_a_renderer_split_are_told_by_their_reply_links():
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE
            + "24 Comments\nharbourwatch\n•\n2 weeks ago\n"
            + "About time somebody did something with that old depot, it has been empty for as long as I can remember and the roof leaks.\nReply\n"
            + "quaystreet_baker\n•\n3 weeks ago\nI hope the rents stay as promised, because the last time the council made a promise like this it did not last a year.\nReply\n"
            + FOOTER)
    text = body(page)
    assert "Stallholders from the open-air market" in text
    assert "empty for as long as I can remember" not in text


def test_a_label_the_page_repeats_is_chrome_but_a_label_that_introduces_a_line_is_not():
    teasers = "".join(
        f"TRAVEL\n{title}\nA weekend guide to the best bakeries, walks and small museums of the old town, tried and tested by our writers over a long, wet winter.\n"
        for title in ("Three days in Port Avel", "A winter walk on the salt marsh", "Where to eat in Lindqvist"))
    page = MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE + "More from the Courier\n" + teasers + FOOTER
    decisions = {d.text: d for d in explain_text(page)}
    assert decisions["TRAVEL"].decision == "chrome"
    assert "repeated 3 times" in decisions["TRAVEL"].reason
    interview = (MENU + "What the stallholders told the council\nBy Ines Marlow\n"
                 + "".join(f"What they said: {line}\nWhat they meant: {meant}\n" for line, meant in (
                     ("We are happy to move indoors before the winter.", "We are tired of packing up in the rain every Saturday."),
                     ("We trust the council to keep the rents low.", "We will believe it when we see the first bill."),
                     ("The bakery school is a lovely idea for the town.", "Please do not put it next to our own bakery stall."))) + FOOTER)
    text = body(interview)
    assert text.count("What they said:") == 3 and text.count("What they meant:") == 3


def test_a_paragraph_a_renderer_split_at_its_links_is_one_paragraph_again():
    # BeautifulSoup's get_text("\n"): each link's text on a line of its own, the sentence carried on after it.
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n\n"
            "The council approved a plan on Tuesday to turn the disused\ntram depot\n"
            "into a covered market with forty stalls, a bakery school and a small stage for the brass band, said\nMayor Lotte Brann\n"
            ", who chaired the meeting.\n\n"
            "Work on the roof is due to start in March and the first traders could move in before the end of next summer, the council's planning officer told the meeting.\n\n"
            "Stallholders from the open-air market on Quay Street will be offered the first leases at the same rent they pay now, which the traders' association welcomed.\n\n"
            + FOOTER)
    article = clean_text(page)
    assert article.headline == "Tram depot to become covered market"
    assert article.body[0] == ("The council approved a plan on Tuesday to turn the disused tram depot into a covered market with "
                               "forty stalls, a bakery school and a small stage for the brass band, said Mayor Lotte Brann , who "
                               "chaired the meeting.")


def test_the_headline_is_the_line_a_byline_follows_not_a_teaser_that_shares_its_words():
    # The teaser above uses the article's words; the headline (a pun) does not, but its byline says it is one.
    page = (MENU + "Latest\nCouncil approves covered market stalls in the old tram depot\nLibrary extends weekend opening hours\n"
            "All aboard for the new market hall\nBy Ines Marlow\n3 May 2024\n" + ARTICLE + FOOTER)
    assert clean_text(page).headline == "All aboard for the new market hall"


def test_a_standfirst_between_the_headline_and_the_byline_is_not_the_headline():
    page = (MENU + "Local\nTram depot to become covered market\n"
            "The disused depot on Harbour Road will hold forty stalls and a bakery school, and the first traders could move in next summer\n"
            "By Ines Marlow\n3 May 2024\n" + ARTICLE + FOOTER)
    assert clean_text(page).headline == "Tram depot to become covered market"


def test_a_writers_name_over_a_date_is_a_byline_not_the_headline():
    page = (MENU + "Tram depot to become covered market\nInes Marlow, Northfield Courier\nMay 3, 2024, 5:04 PM\n" + ARTICLE + FOOTER)
    assert clean_text(page).headline == "Tram depot to become covered market"


def test_the_title_saved_first_confirms_the_headline_far_above_the_article():
    # A page saved with get_text(): its <title> first, a menu, the headline, then share buttons and widgets
    # (more lines than the headline is looked for above the article), then the article.
    menu = "".join(f"Section {n}\n\n" for n in range(30))
    widgets = "".join(f"Share on network {n}\n\n" for n in range(50))
    page = ("Tram depot to become covered market | Northfield Courier\n\n" + menu
            + "Tram depot to become covered market\n\n" + widgets + "Library extends weekend opening hours\n\n"
            + ARTICLE.replace("\n", "\n\n") + FOOTER)
    assert clean_text(page).headline == "Tram depot to become covered market"


def test_a_list_of_other_stories_with_bylines_ends_the_article():
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n3 May 2024\n" + ARTICLE
            + "Rowing club celebrates centenary regatta\nBy Tomas Avel\n2 May 2024\nA hundred boats raced on the estuary on Saturday to mark the club's first century, and the oldest rower was eighty-one years old.\n"
            + "Library extends weekend opening hours\nBy Ines Marlow\n1 May 2024\nThe central library will stay open until eight on Saturdays and Sundays from June, after a trial that doubled its weekend visitors.\n"
            + FOOTER)
    article = clean_text(page)
    text = "\n".join(article.body)
    assert "Stallholders from the open-air market" in text
    assert "A hundred boats raced" not in text and "trial that doubled" not in text
    assert article.authors == ("Ines Marlow",)
    assert article.date == dt.datetime(2024, 5, 3)


def test_a_list_of_titles_with_a_one_sentence_teaser_each_ends_the_article():
    teasers = "".join(f"{title}\n{teaser}\n" for title, teaser in (
        ("Rowing club celebrates centenary regatta", "A hundred boats raced on the estuary on Saturday to mark the club's first century."),
        ("Library extends weekend opening hours", "The central library will stay open until eight on Saturdays and Sundays from June."),
        ("Bakery chain to open three more shops", "The family firm that started with one oven on Mill Lane now employs two hundred people."),
        ("Flood barrier finished ahead of winter", "Engineers tested the gates at high tide and said they closed in under four minutes.")))
    page = MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE + teasers + "Download our app\nApp Store\nAndroid\n" + FOOTER
    text = body(page)
    assert "Stallholders from the open-air market" in text
    assert "hundred boats" not in text and "one oven on Mill Lane" not in text


def test_a_list_inside_the_article_is_kept():
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE.split("\n")[0] + "\n"
            + "What the plan includes:\nForty stalls under one roof\nA bakery school for the town\nA small stage for the brass band\n"
            + "\n".join(ARTICLE.split("\n")[1:]) + FOOTER)
    text = body(page)
    assert "A bakery school for the town" in text
    assert "Stallholders from the open-air market" in text


def test_the_writers_blurb_and_the_sites_promotion_after_the_article_are_left_out():
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE
            + "Ines Marlow is a reporter at the Northfield Courier who covers the town council and its planning committee. Follow her on Twitter.\n"
            + "Sign up for our morning briefing and get the day's local news in your inbox before breakfast, every weekday.\n"
            + FOOTER)
    text = body(page)
    assert "Stallholders from the open-air market" in text
    assert "is a reporter at" not in text and "morning briefing" not in text


def test_a_closing_paragraph_about_a_place_is_not_a_blurb():
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE
            + "The depot is located on Harbour Road, a short walk from the ferry terminal and the old fish market, and has been empty since the trams stopped in 1987.\n"
            + FOOTER)
    assert "The depot is located on Harbour Road" in body(page)


def test_a_photo_credit_and_its_caption_are_captions_not_article_text():
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE.split("\n")[0] + "\n"
            + "Traders unload crates outside the old tram depot on Harbour Road on Tuesday.\n"
            + "Photo by Ada Lind/Northfield Courier\n"
            + "\n".join(ARTICLE.split("\n")[1:]) + FOOTER)
    article = clean_text(page)
    assert "Traders unload crates" not in "\n".join(article.body)
    assert "Traders unload crates outside the old tram depot on Harbour Road on Tuesday." in article.captions
    assert "Stallholders from the open-air market" in "\n".join(article.body)


def test_a_stamp_under_a_long_headline_block_is_read_on_a_page():
    page = (MENU + "Local news\nHarbour district\nTown council\nTram depot to become covered market\n"
            "By Ines Marlow, Council Reporter\nPhotographs by Ada Lind\nPublished 3 May 2024\n" + ARTICLE + FOOTER)
    assert clean_text(page).date == dt.datetime(2024, 5, 3)


def test_a_market_report_full_of_figures_is_article_text():
    report = (
        "The Harbour Index rose 0.8 percent to 4,512.36 points on Friday, while the broader Coast 100 ended 0.4 percent higher at 9,031.12.\n"
        "Shipping firms gained, with Avel Lines adding 2.1 percent to 31.45 crowns and Lindqvist Freight up 1.7 percent at 12.80.\n"
        "Banks fell after the central bank held its rate at 3.25 percent, with Northfield Savings down 1.2 percent at 48.10 crowns.\n")
    page = MENU + "Harbour Index ends week higher as shippers gain\nBy Tomas Avel\n3 May 2024\n" + report + FOOTER
    text = body(page)
    assert "Shipping firms gained" in text and "Banks fell after the central bank" in text


def test_gallery_controls_pagers_time_badges_and_addresses_are_chrome_by_their_shape():
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE
            + "HIDE CAPTION\n<<\n1\n2\n3\n>>\n13h\nnews@northfieldcourier.example\nwww.northfieldcourier.example\n" + FOOTER)
    decisions = {d.text: d for d in explain_text(page)}
    for line in ("HIDE CAPTION", "<<", "2", "13h", "news@northfieldcourier.example", "www.northfieldcourier.example"):
        assert decisions[line].decision == "chrome", line
        assert decisions[line].reason.startswith("site chrome"), line


def test_a_closing_run_of_other_headlines_ends_the_article():
    page = (MENU + "Tram depot to become covered market\nBy Ines Marlow\n" + ARTICLE
            + "Why the Old Town Needs Its Trams Back and What It Would Cost the Council to Rebuild Them\n"
            + "The Ten Best Bakeries on the Coast, From Port Avel to the Lindqvist Harbour Front\n"
            + "How a Rowing Club Survived a Century of Floods, Wars and a Fire in the Boat House\n"
            + FOOTER)
    text = body(page)
    assert "Stallholders from the open-air market" in text
    assert "Ten Best Bakeries" not in text
