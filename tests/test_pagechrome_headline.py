"""Whole pages saved as text: which line is the headline, and what stays in the article (issue 13, third round).

Every page here is written for these tests (fictional sites, people and events), in
the shapes renderers give: a browser's copy or inscriptis (one block a line, list
items as ``*`` and ``+``), BeautifulSoup's ``get_text("\\n")`` (the ``<title>`` first,
each link's text on a line of its own), html2text's markdown. Each test is one class
of page on which the headline or the body used to come out wrong.
"""

# ruff: noqa: E501 - the pages below keep their paragraphs on one line, as renderers write them

from __future__ import annotations

import datetime as dt

from searchnews.ingest.cleaning import clean_text, explain_text
from searchnews.ingest.pagechrome import plain

MENU = "Skip to content\nNews\nSport\nBusiness\nCulture\nWeather\nSearch\n"
FOOTER = "About us\nContact\nPrivacy policy\n© 2024 Tidewater Courier. All rights reserved.\n"
HEADLINE = "Ferry operator orders two new boats for the island crossing"
ARTICLE = (
    "The ferry operator that links the three outer islands to the mainland has ordered two new boats from a shipyard in the north, its managing director said on Tuesday.\n"
    "The boats will each carry two hundred passengers and forty cars, twice as many as the vessels they replace, and should enter service before the summer of 2026.\n"
    "The island council welcomed the order but said it would ask the operator to keep the winter timetable it promised passengers last year.\n"
)


def body(page: str) -> str:
    return "\n".join(clean_text(page).body)


def decision(page: str, text: str):
    return next(d for d in explain_text(page) if d.text == text)


# --- What is no headline ---------------------------------------------------------------------------------------


def test_a_writers_name_is_no_headline_even_when_the_first_name_is_a_common_word():
    # jusText's English stop words hold "john" and "david": the name is told by having no function word.
    page = MENU + f"{HEADLINE}\nJohn Petrakis, The Island Review\nMay 3, 2024, 5:04 PM\n" + ARTICLE + FOOTER
    article = clean_text(page)
    assert article.headline == HEADLINE
    assert "John Petrakis" not in "\n".join(article.body)


def test_a_stamp_line_of_names_and_dates_dates_the_headline_above_it_and_is_no_headline():
    # Some newspaper sites print "Name By Name on <date> at <time>, updated <date>" on one line under the
    # headline, below a list of their sister papers.
    page = (MENU + "The Tidewater Courier\nThe Harbour Gazette\nThe Island Review\nChange Region\n"
            + f"{HEADLINE}\nMaren Holt By Maren Holt on December 24, 2014 at 8:17 AM, updated December 24, 2014 at 8:25 AM\n"
            + ARTICLE + "The Tidewater Courier\nThe Harbour Gazette\nThe Island Review\n" + FOOTER)
    article = clean_text(page)
    assert article.headline == HEADLINE
    assert "updated December 24" not in "\n".join(article.body)


def test_a_byline_split_from_its_date_by_a_link_is_still_a_stamp():
    # A browser's copy: the writer's links on one line, the stamp on the next in small letters (not one sentence).
    page = (MENU + "The Tidewater Courier\nThe Harbour Gazette\nThe Island Review\n"
            + f"{HEADLINE}\nPrint\nMaren Holt, Tidewater Courier | news@tidewatercourier.example By Maren Holt\n"
            + "Email the author | Follow on Twitter\non December 24, 2014 at 8:17 AM, updated December 24, 2014 at 8:25 AM\n"
            + "View/Post Comments\n" + ARTICLE + "The Tidewater Courier\nThe Harbour Gazette\nThe Island Review\n" + FOOTER)
    article = clean_text(page)
    assert article.headline == HEADLINE
    text = "\n".join(article.body)
    assert "Follow on Twitter" not in text and "View/Post Comments" not in text and "updated December" not in text


def test_a_caption_that_ends_with_its_credit_in_brackets_is_no_headline():
    for caption in ("The new boats will be built at the Lindqvist yard on the north shore. (AP Photo)",
                    "Passengers board the morning ferry at Port Avel. (The Tidewater Courier)"):
        page = MENU + f"{HEADLINE}\nferry-yard.jpg\n{caption}\nPrint\nBy Maren Holt\n3 May 2024\n" + ARTICLE + FOOTER
        assert clean_text(page).headline == HEADLINE, caption


def test_an_image_file_name_is_not_read_as_the_rest_of_the_headline():
    # get_text() puts the picture's alt text, its file name, on the line after the headline.
    page = MENU + f"{HEADLINE}\nferry-yard.jpg\nBy Maren Holt\n3 May 2024\n" + ARTICLE + FOOTER
    assert clean_text(page).headline == HEADLINE
    assert decision(page, "ferry-yard.jpg").decision == "chrome"


def test_the_items_of_a_menu_list_are_no_headline():
    # inscriptis writes a nested menu's items as "+ item"; a byline follows the menu, then the headline.
    page = ("Skip to content\n* News\n  + Islands\n  + Harbour\n  + Photo Galleries\n  + Local Events\n  + Weather Warnings\n"
            f"By Maren Holt\nTidewater Staff\n{HEADLINE}\nAdvertisement\n" + ARTICLE + FOOTER)
    assert clean_text(page).headline == HEADLINE


def test_tags_in_capitals_under_the_byline_are_no_headline():
    page = (MENU + f"{HEADLINE}\nThe yard will build both boats at once, a first for the islands\nby Tidewater Staff\non 04 December 2014\n"
            "FERRIES ISLANDS SHIPYARDS TRANSPORT NORTH SHORE\nby Maren Holt\n" + ARTICLE + FOOTER)
    assert clean_text(page).headline == HEADLINE


def test_the_sites_name_from_the_title_line_is_no_headline():
    # get_text(): the <title> first; the site's name stands between the headline and the byline (and again below).
    headline = "Ferries and fares: what to watch in 2015"
    page = (f"{headline} - The Tidewater Courier\n" + MENU + "Islands\n" + f"{headline}\nAdd to ...\n"
            + "Maren Holt\nThe Tidewater Courier\nPublished\nMonday, Dec. 29 2014, 6:00 PM EST\n" + ARTICLE
            + "The Tidewater Courier\n" + FOOTER)
    assert clean_text(page).headline == headline


def test_a_first_paragraph_of_two_sentences_is_no_headline():
    # A letter whose first paragraph has no final stop (it ends with a link), under a byline split at its link.
    page = ("Former Mayor Gives Advice to Young Councillors | Tidewater Courier\n" + MENU
            + "2 May 2024\nI Wish Someone Had Told Me This Before I Ran for the Council\nA letter to a young friend\nBy\nMaren Holt\n\n"
            "I was glad that you asked me about standing for the council. Anyone who has sat through a budget meeting will tell you the same as I do in this letter\n\n"
            + ARTICLE + FOOTER)
    assert clean_text(page).headline == "I Wish Someone Had Told Me This Before I Ran for the Council"


# --- What makes the headline -----------------------------------------------------------------------------------


def test_the_headline_agrees_with_a_title_line_worded_differently():
    # The <title> explains the headline (a pun whose words the article does not use); a teaser with its date
    # stands between the headline and the article.
    page = ("Ferry Firm Orders Boats: All Aboard for a Bigger Future - Tidewater Courier\n" + MENU
            + "All aboard for a bigger future\nBy Maren Holt\n3 May 2024\n"
            + "Harbour dredging halted after dolphins spotted\n2 May 2024\n" + ARTICLE + FOOTER)
    assert clean_text(page).headline == "All aboard for a bigger future"


def test_a_headline_split_at_its_links_is_joined_by_the_title_line_that_repeats_it():
    # get_text("\n") splits an <h1> at each of its links: the names are links.
    page = ("Maren Holt Explains Why She Left the Tidewater Courier for Island Radio | Tidewater Courier\n" + MENU
            + "Maren Holt\nExplains Why She Left the\nTidewater Courier\nfor\nIsland Radio\nby\nInes Marlow\nJanuary 14, 2015 2:51 pm\n"
            + ARTICLE + FOOTER)
    article = clean_text(page)
    assert article.headline == "Maren Holt Explains Why She Left the Tidewater Courier for Island Radio"
    assert "Explains Why She Left" not in "\n".join(article.body)


def test_a_gallery_pager_between_the_headline_and_the_article_does_not_hide_the_headline():
    # A photo gallery (a caption repeated on every slide, a numbered pager) stands between the headline and the
    # article: its lines are chrome by their shape and do not count as distance.
    gallery = "Island crossing in pictures\n" * 24 + "".join(f"{n}\n" for n in range(1, 25)) + ">\n>>\n"
    page = (MENU + "* Print\n* Email\n* More sharing\n" + f"{HEADLINE}\nBy Maren Holt and Ines Marlow, Tidewater Courier\nMay 3, 2024 -- Updated 0203 GMT\n"
            + "Passengers wait for the morning ferry at Port Avel, where the new boats will dock from 2026.\nHIDE CAPTION\n"
            + gallery + "STORY HIGHLIGHTS\n* NEW: Two boats ordered from the Lindqvist yard\n* NEW: Council asks for winter timetable\n"
            + ARTICLE + FOOTER)
    assert clean_text(page).headline == HEADLINE


def test_markdown_emphasis_is_read_as_text():
    assert plain("# _The Crossing_ Is the Best Film About the Islands") == "The Crossing Is the Best Film About the Islands"
    assert plain("quaystreet_baker • 2 weeks ago") == "quaystreet_baker • 2 weeks ago"
    page = (MENU + "# _The Crossing_ Is the Best Film About the Islands\n\nBy Maren Holt\n\n"
            + ARTICLE.replace("two hundred passengers", "_two hundred_ passengers").replace("\n", "\n\n") + FOOTER)
    article = clean_text(page)
    assert article.headline == "The Crossing Is the Best Film About the Islands"
    assert "each carry two hundred passengers" in "\n".join(article.body)


# --- What stays in the article ---------------------------------------------------------------------------------


def test_an_article_of_short_paragraphs_is_found():
    # A tabloid's one-sentence paragraphs: not one of them is long enough to be article text on its own.
    paragraphs = ("WE can't keep up with all the news from the ferry company at the moment, and here is more.",
                  "The operator has reportedly ordered two new boats for the island crossing from the north.",
                  "The boats are said to carry twice as many cars as the old ones, and a lot more passengers.",
                  "A source added that the island council has not yet seen the contract or the final price.",
                  "It will be the third new boat on the crossing in ten years, and the biggest one by far.")
    page = ("Ferry firm 'orders two boats' | Tidewater Courier\n" + MENU + "Breadcrumb\nHome\nIsland News\n"
            + "Ferry firm 'orders two boats'\nBy Maren Holt\nMonday 29 Dec 2014\n\n" + "\n\n".join(paragraphs) + "\n\n"
            + "Share this article\n" + FOOTER)
    article = clean_text(page)
    assert article.headline == "Ferry firm 'orders two boats'"
    assert list(article.body) == list(paragraphs)


def test_a_short_closing_sentence_stays_in_the_article():
    page = (MENU + f"{HEADLINE}\nBy Maren Holt\n" + ARTICLE + "The lesson, as always: book your crossing early.\n"
            + "-- By Maren Holt Follow @mholt\nView/Post Comments\nRelated Stories\n" + FOOTER)
    assert body(page).endswith("The lesson, as always: book your crossing early.")


def test_a_closing_sentence_with_few_stop_words_stays_in_the_article():
    # A sentence with fewer stop words than prose has (jusText would call it bad), then chrome.
    closing = "Deux agents supplémentaires seront recrutés pour assurer les nouvelles traversées estivales."
    page = ("Aller au contenu\nActualités\nSport\nÉconomie\nCulture\nRechercher\n"
            "Le passeur commande deux nouveaux bateaux pour les îles\nPar Maren Holt\n"
            "La compagnie qui relie les trois îles au continent a commandé deux nouveaux bateaux à un chantier du nord, a annoncé mardi son directeur général.\n"
            "Les bateaux transporteront chacun deux cents passagers et quarante voitures, deux fois plus que les navires qu'ils remplacent, et devraient entrer en service avant l'été 2026.\n"
            "Le conseil des îles a salué la commande mais demandera à la compagnie de maintenir les horaires d'hiver promis l'an dernier.\n"
            + closing + "\nLire aussi\nLe dragage du port suspendu après le passage de dauphins\nTravaux sur le pont : la circulation déviée\n"
            "Inscrivez-vous à notre newsletter\nMentions légales\n© 2024 Le Courrier des Îles. Tous droits réservés.\n")
    assert body(page).endswith(closing)


def test_posts_quoted_in_the_article_with_their_dates_do_not_end_it():
    # Embedded posts: the post, "— Name (@handle)", its date. They are no list of other stories.
    page = (MENU + f"{HEADLINE}\nBy Maren Holt\n2024-05-03 17:43:29 UTC\n" + ARTICLE
            + "Two new boats for the crossing, finally some good news for the islands\n— Holm Island Council (@holmcouncil)\nMay 3, 2024\n"
            + "The operator said the boats would be named by a vote of the islanders, as the last two were in 2014 and 2019.\n"
            + "Best news all year, now please keep the winter timetable\n— Ada Lind (@adalind)\nMay 3, 2024\n"
            + "The shipyard said it would hire forty more welders to build both boats at once, which it has never done before.\n"
            + FOOTER)
    text = body(page)
    assert "named by a vote of the islanders" in text
    assert "forty more welders" in text


def test_a_stamp_line_is_chrome_by_its_shape_but_a_sentence_with_a_date_is_not():
    from searchnews.ingest.pagechrome import _stamped

    assert _stamped("Maren Holt By Maren Holt on December 24, 2014 at 8:17 AM, updated December 24, 2014 at 8:25 AM")
    assert _stamped("Submitted on Mon, 2019-01-21 13:49")
    assert _stamped("12.29.14")
    assert not _stamped("The ferry sank at 8:17 AM on December 24, 2014, the coastguard said.")
    assert not _stamped("Island Festival 2015 Programme")


def test_the_writer_and_the_date_are_read_from_a_stamp_line_under_the_headline():
    page = (MENU + "The Tidewater Courier\nThe Harbour Gazette\nThe Island Review\n"
            + f"{HEADLINE}\nMaren Holt By Maren Holt on December 24, 2014 at 8:17 AM, updated December 26, 2014 at 8:25 AM\n"
            + ARTICLE + FOOTER)
    article = clean_text(page)
    assert article.date == dt.datetime(2014, 12, 24)
    assert article.authors == ("Maren Holt",)


# --- What ends the article -------------------------------------------------------------------------------------

TEASERS = (
    ("Lawmakers want a bigger hospital on Holm", "The island's clinic could add twelve beds, a night doctor and a helicopter pad if the council agrees to pay for the extension next spring."),
    ("VIDEO: Seal pup rescued from the harbour wall", "A video shows two fishermen lifting a seal pup back into the water at low tide, while a crowd of tourists cheers them on from the quay."),
    ("Preservationists target the old lighthouse", "THE CASE for the lighthouse on Skerry Point could be heard by the planning board in March, after the owners asked to turn it into flats."),
    ("Rowing club celebrates centenary regatta", "A hundred boats raced on the estuary on Saturday to mark the club's first century, and its oldest rower, Tomas Avel Jr. of Holm, was eighty-one."),
    ("Plan for beach kiosks on hold", "A plan to let vendors sell ice cream and coffee from kiosks along the whole beach at Port Avel is on hold until the council has counted the bins"),
    ("Bakery chain to open three more shops", "The family firm that started with one oven on Mill Lane now employs two hundred people and will open shops on all three islands by the summer."),
    ("Flood barrier finished ahead of winter", "Engineers tested the new gates at high tide on Sunday and said they closed in under four minutes, twice as fast as the old barrier ever did."),
    ("School choir to sing at the national final", "The Holm primary school choir, twenty-two children and one very proud teacher, will travel to the capital next month for the national final."),
)


def test_a_list_of_other_stories_broken_by_labels_and_video_titles_ends_the_article():
    teasers = "".join(f"{title}\n{teaser}\n" for title, teaser in TEASERS[:4])
    teasers += "Immigrant cafes on the quay are getting a\nImmigrant cafes on the quay are getting a boost.\nFROM AROUND THE WEB\nEditor's Picks\n"
    teasers += "".join(f"{title}\n{teaser}\n" for title, teaser in TEASERS[4:])
    page = MENU + f"{HEADLINE}\nBy Maren Holt\n3 May 2024\n" + ARTICLE + "Related Stories\nEditor's Picks\n" + teasers + FOOTER
    text = body(page)
    assert text.endswith("the winter timetable it promised passengers last year.")
    for title, teaser in TEASERS:
        assert teaser not in text and title not in text


def test_readers_comments_under_a_comment_systems_controls_are_left_out():
    # No "wrote:" headers and no "Reply" links: a count of comments, the system's controls, then each reader's
    # name and comment.
    page = (MENU + f"{HEADLINE}\nBy Maren Holt\n" + ARTICLE
            + "4 comments\nGet Livefyre\nFAQ\nSign in\n+ Follow\nPost comment\nNewest | Oldest\nharbourwatch\n"
            + "Extremely well thought out and important article about our ferries, thanks for sharing it with the islands.\n"
            + "quaystreet_baker\nI hope the new boats keep the winter timetable, because the last time the operator promised it the promise did not last a year.\n"
            + "Powered by Livefyre\n" + FOOTER)
    text = body(page)
    assert "the winter timetable it promised passengers last year" in text
    assert "thanks for sharing" not in text and "did not last a year" not in text


def test_a_closing_disclosure_and_the_sites_promotion_are_left_out():
    page = (MENU + f"{HEADLINE}\nBy Maren Holt\n" + ARTICLE
            + "1 great ferry stock to buy for 2015 and beyond\n"
            + "2015 is shaping up to be another great year for island shipping. To get our analysts' full report on the operator's shares, completely free, simply click here.\n"
            + "Maren Holt owns shares of Tidewater Ferries. The Tidewater Courier has a disclosure policy.\n"
            + "Try any of our newsletters free for 30 days, and read every story on the islands before anyone else does.\n"
            + FOOTER)
    text = body(page)
    assert text.endswith("the winter timetable it promised passengers last year.")
    assert "great ferry stock" not in text and "owns shares" not in text and "newsletters free" not in text


def test_a_menu_of_other_stories_headlines_next_to_a_promotion_is_chrome():
    # A site's mega menu: section labels and three headlines each, with a promoted event's blurb among them.
    sections = (("Islands", ("Holm Council Votes on New Harbour Wall", "Why Skerry Point Needs a Lifeguard This Summer", "The Best Walks on the Three Islands")),
                ("Business", ("Shipyard Hires Forty Welders for Ferry Order", "Fish Market Prices Reach a Ten-Year High", "What the New Tax Means for Island Shops")),
                ("Culture", ("Island Radio Turns Fifty With a Week of Concerts", "A Painter Who Only Paints the Harbour at Dawn", "Our Favourite Island Books of the Year")))
    menu = "".join(f"{label}\n" + "".join(f"{title}\n" for title in titles) for label, titles in sections)
    page = (MENU + menu + "Promotion\nIn today's island economy, change is a constant force. At the annual Tidewater Business Forum, leaders from shipping, fishing and tourism meet to plan the year ahead.\nSee the event >\n"
            + f"{HEADLINE}\nBy Maren Holt\n3 May 2024\n" + ARTICLE + FOOTER)
    text = body(page)
    assert text.startswith("The ferry operator that links the three outer islands")
    assert "Shipyard Hires Forty Welders" not in text and "Tidewater Business Forum" not in text


def test_related_links_under_a_label_are_other_stories_not_bylines():
    # "Story: <title>" lines at the end: titles under a label, not "Story: <writer's name>".
    page = (MENU + f"{HEADLINE}\nBy Maren Holt\n" + ARTICLE
            + "Story: The Real Cost of Running a Ferry: Why Fares Go Up Every Spring\n"
            + "Story: The Hidden Risk in the World's Oldest Island Crossing\n"
            + "Story: Ferries and Storms: What Could Possibly Go Wrong?\n"
            + "Holt is a reporter and writer on the islands. Follow her on Twitter: @mholt.\n" + FOOTER)
    text = body(page)
    assert text.endswith("the winter timetable it promised passengers last year.")
    assert "Story:" not in text


def test_a_market_reports_last_paragraphs_full_of_tickers_stay_in_the_article():
    # Codes in brackets are neither stop words nor content: what is left reads as sentences.
    report = (
        "The Harbour Index ended flat on Tuesday as weaker regional shares offset hopes that the new port law would bring investment to the islands.\n"
        "The Harbour Index gained 0.03 percent at 4,512.36 points, while the broader Coast 100 ended 0.02 percent higher at 9,031.12 points.\n"
        "Shipping stocks gained, with Avel and Sons (AVEL.HX) adding 0.5 percent while Lindqvist Freight (LIND.HX) rose 4.3 percent.\n"
        "However, energy firms fell as crude fell to a 5-1/2 year low below $57 a barrel. Holm Energy (HOLM.HX) closed down 1.9 percent.\n")
    page = (MENU + "Harbour Index ends flat as energy firms fall\nBy Tomas Avel\n3 May 2024\n" + report
            + "(Reporting by Tomas Avel; Editing by Ines Marlow)\nFILED UNDER:\nBusiness\nTweet this\nDigg this\nBuzz up! Digg Fark Facebook Reddit Tumblr\n" + FOOTER)
    text = body(page)
    assert "Lindqvist Freight (LIND.HX) rose 4.3 percent" in text
    assert "Holm Energy (HOLM.HX) closed down 1.9 percent" in text
    assert "Buzz up" not in text


SECOND_HALF = (
    "The shipyard on the north shore last built a ferry for the islands in 1998, and its managing director said the order would keep a hundred welders busy for two years.\n"
    "Islanders have long complained that the crossing is too small for the summer, when queues of cars on the quay at Port Avel can stretch back to the church.\n"
    "The council said it would publish the new timetable in the spring, after a consultation with the fishing cooperative and the island schools.\n")


def test_the_article_goes_on_after_a_box_of_other_stories_inside_it():
    box = ("Related Articles\nIsland ferry fares to rise by ten percent\n03 May 2024\nHarbour dredging halted after dolphins spotted\n"
           "02 May 2024\nCouncil approves new quay at Holm\n01 May 2024\n")
    page = MENU + f"{HEADLINE}\nBy Maren Holt\n3 May 2024\n" + ARTICLE + box + SECOND_HALF + "Share this article\nMore from the Courier\n" + FOOTER
    text = body(page)
    assert "The island council welcomed the order" in text
    assert text.endswith("after a consultation with the fishing cooperative and the island schools.")
    assert "Harbour dredging halted" not in text and "02 May 2024" not in text
    assert decision(page, "Council approves new quay at Holm").reason == "a box of other stories inside the article"


def test_a_list_of_events_with_their_dates_inside_the_article_is_kept():
    events = ("What is on this weekend:\nLantern parade on the quay\nSaturday, 4 May 2024\nHarbour choir concert\nSunday, 5 May 2024\n")
    page = MENU + f"{HEADLINE}\nBy Maren Holt\n3 May 2024\n" + ARTICLE + events + SECOND_HALF + FOOTER
    text = body(page)
    assert "Lantern parade on the quay" in text and "Harbour choir concert" in text
    assert text.endswith("after a consultation with the fishing cooperative and the island schools.")


def test_comments_headed_by_a_date_and_a_user_name_are_left_out():
    page = (MENU + f"{HEADLINE}\nBy Maren Holt\n" + ARTICLE + "You might also like:\nIsland ferry fares to rise by ten percent\nby Maren Holt\nJan 01, 2014\n"
            + "Comments\nHave Your Say\nDecember 29, 2014 harbourwatch:\n"
            + "Seems obvious to me. The new boats are too big for the old quay at Holm, and nobody on the council has said who will pay to rebuild it.\n"
            + "December 30, 2014 quaystreet_baker:\nI blame the operator for waiting so long, the old boats have been breaking down every winter since I was a child on the island.\n"
            + FOOTER)
    text = body(page)
    assert text.endswith("the winter timetable it promised passengers last year.")
    assert "Seems obvious to me" not in text and "I blame the operator" not in text


def test_posts_quoted_as_markdown_block_quotes_stay_in_the_article():
    # html2text writes a <blockquote> as "> " lines, with a lone ">" between its paragraphs.
    quotes = "".join(f"> {post}\n>\n> — {name} (@{handle}) May 3, 2024\n\n" for post, name, handle in (
        ("Two new boats for the crossing, finally some good news for the islands after a winter of cancellations", "Holm Island Council", "holmcouncil"),
        ("Best news all year, now please keep the winter timetable as you promised us last year", "Ada Lind", "adalind"),
        ("The quay at Port Avel will need a longer ramp for boats this size, who is paying for it?", "Tomas Avel", "tavel")))
    page = (MENU + f"# {HEADLINE}\n\nBy Maren Holt\n\n" + ARTICLE.replace("\n", "\n\n") + quotes
            + SECOND_HALF.replace("\n", "\n\n") + FOOTER)
    text = body(page)
    assert "finally some good news for the islands" in text
    assert text.endswith("after a consultation with the fishing cooperative and the island schools.")
    assert "\n>" not in text and not text.startswith(">")


def test_the_headline_its_share_boxes_repeat_wins_over_a_short_subhead():
    # The headline stands three times on the page (its share boxes); a standfirst box under the byline holds a
    # subhead of three words whose one word the article uses.
    headline = "Who Owns the Biggest Ferry Discovery of the Century?"
    page = (MENU + f"Share: {headline}\n{headline}\nMaren Holt\nDecember 29, 2014\n"
            + "Share on Facebook\nShare on Twitter\n" + f"{headline}\nBy Maren Holt on December 29, 2014\n"
            + "Why It Matters\nThe company that owns the patent could decide who builds every ferry on the crossing.\n"
            + ARTICLE.replace("The island council", "What matters most, the island council") + f"{headline}\n" + FOOTER)
    assert clean_text(page).headline == headline
