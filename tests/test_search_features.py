"""Filters, sorting, recency, facets, pagination and more-like-this, through NewsIndex on the sample corpus."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from searchnews import ArticleNotFound, NewsIndex
from searchnews.errors import FilterError
from searchnews.search.searching import RECENCY_WEIGHT


@pytest.fixture(scope="module")
def ix(sample_index):
    with NewsIndex.open(sample_index) as index:
        yield index


def everything(ix, query, **kwargs):
    """Every hit of a query (one big page), copies listed."""
    kwargs.setdefault("collapse", False)
    return ix.search(query, limit=1000, suggest=False, **kwargs)


# -- filters -------------------------------------------------------------------------------


def test_since_and_until_keep_the_dates_in_range(ix):
    results = everything(ix, "sanctions", since="2022-11-20", until="2022-12")
    assert results.total == len(results.hits) >= 2
    for hit in results.hits:
        assert hit.date is not None
        assert dt.datetime(2022, 11, 20) <= hit.date <= dt.datetime(2022, 12, 31, 23, 59, 59)
    # an article dated in the range but outside the filter on either side is left out
    before = everything(ix, "sanctions", until="2022-11-19")
    assert {h.id for h in before.hits}.isdisjoint({h.id for h in results.hits})
    assert all(h.date and h.date < dt.datetime(2022, 11, 20) for h in before.hits)


def test_until_a_month_includes_its_last_day(ix):
    # The sample has an article dated 2022-11-30? No: check with the day itself.
    all_hits = everything(ix, "north korea")
    dated = sorted(h.date for h in all_hits.hits if h.date)
    last = dated[-1]
    month = f"{last.year:04d}-{last.month:02d}"
    within = everything(ix, "north korea", until=month)
    assert last in {h.date for h in within.hits}


def test_date_filter_leaves_out_undated_articles(ix):
    every = everything(ix, "sanctions")
    undated = [h for h in every.hits if h.date is None]
    assert undated, "the sample corpus has an undated copy of the Seoul sanctions story"
    filtered = everything(ix, "sanctions", since="2000")
    assert {h.id for h in undated}.isdisjoint({h.id for h in filtered.hits})
    assert filtered.total == every.total - len(undated)


def test_source_filter_is_the_same_as_the_query_syntax(ix):
    by_option = everything(ix, "korea", sources=["AFP"])
    by_syntax = everything(ix, "korea source:AFP")
    assert by_option.total >= 2
    assert [h.id for h in by_option.hits] == [h.id for h in by_syntax.hits]
    assert {h.source for h in by_option.hits} == {"AFP"}


def test_several_sources_are_or_ed(ix):
    afp = everything(ix, "korea", sources=["AFP"]).total
    reuters = everything(ix, "korea", sources=["Reuters"]).total
    both = everything(ix, "korea", sources=["AFP", "reuters"])
    assert both.total == afp + reuters
    assert {h.source for h in both.hits} == {"AFP", "Reuters"}


def test_source_with_several_words_is_matched_as_a_phrase(ix):
    results = everything(ix, "said", sources=["Metro Wire"])
    assert results.total >= 1
    assert {h.source for h in results.hits} == {"Metro Wire"}


def test_language_filter(ix):
    french = everything(ix, "production OR coupe OR urgences", languages=["fr"])
    assert french.total >= 1
    assert {h.language for h in french.hits} == {"fr"}
    assert everything(ix, "sanctions", languages=["de"]).total == 0 or \
        {h.language for h in everything(ix, "sanctions", languages=["de"]).hits} == {"de"}


def test_date_in_the_query_syntax_matches_the_filter(ix):
    by_syntax = everything(ix, "korea date:2022-11")
    by_option = everything(ix, "korea", since="2022-11", until="2022-11")
    assert by_syntax.total == by_option.total >= 2
    assert {h.id for h in by_syntax.hits} == {h.id for h in by_option.hits}


def test_relative_since(ix):
    # The sample corpus is from 2021-2023: nothing in the last week.
    assert everything(ix, "korea", since="7d").total == 0
    assert everything(ix, "korea", since="10y").total == everything(ix, "korea").total - \
        sum(1 for h in everything(ix, "korea").hits if h.date is None)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"since": "2022-13"}, "since: cannot read '2022-13'"),
    ({"until": "last tuesday"}, "until: cannot read 'last tuesday'"),
    ({"since": "2022-12-01", "until": "2022-11-30"}, "since 2022-12-01 is after until 2022-11-30"),
    ({"languages": ["english"]}, "languages: 'english' is not a language code"),
    ({"recency": "soon"}, "recency: cannot read 'soon' as a half-life"),
    ({"sort": "popular"}, "sort: 'popular' is not an order; use one of relevance, newest, oldest"),
    ({"sort": "newest", "recency": "30d"}, "recency favours recent articles in relevance ranking; it cannot be "
                                           "combined with sort newest"),
])
def test_bad_filters_raise_filter_error(ix, kwargs, message):
    with pytest.raises(FilterError) as info:
        ix.search("korea", **kwargs)
    assert str(info.value).startswith(message)
    assert "--" not in str(info.value)  # an application that embeds searchnews has no options


def test_filters_keep_the_filtered_scores_and_order(ix):
    # Filters only remove articles: the remaining ones keep their order and scores.
    plain = everything(ix, "korea missile")
    afp = everything(ix, "korea missile", sources=["AFP"])
    expected = [(h.id, round(h.score, 6)) for h in plain.hits if h.source == "AFP"]
    assert [(h.id, round(h.score, 6)) for h in afp.hits] == expected


# -- sorting and recency ---------------------------------------------------------------------


def test_sort_newest_and_oldest(ix):
    newest = everything(ix, "sanctions", sort="newest")
    oldest = everything(ix, "sanctions", sort="oldest")
    dated_new = [h.date for h in newest.hits if h.date]
    dated_old = [h.date for h in oldest.hits if h.date]
    assert dated_new == sorted(dated_new, reverse=True) and len(dated_new) >= 3
    assert dated_old == sorted(dated_old)
    # articles without a date come last in both orders
    for results in (newest, oldest):
        flags = [h.date is None for h in results.hits]
        assert flags == sorted(flags)
        assert flags[-1]


def test_sort_by_date_lists_the_articles_with_all_the_words(ix):
    relevance = everything(ix, "sanctions missile")
    newest = everything(ix, "sanctions missile", sort="newest")
    assert relevance.all_words_total is not None
    assert newest.total == relevance.all_words_total == len(newest.hits)
    assert {h.id for h in newest.hits} == {h.id for h in relevance.hits[:relevance.all_words_total]}


def test_sort_by_date_falls_back_to_any_word(ix):
    results = everything(ix, "sanctions zzzyyyxxx", sort="oldest")
    assert results.total == everything(ix, "sanctions", sort="oldest").total


def test_recency_multiplies_scores_by_the_half_life_formula(ix):
    plain = {h.id: h for h in everything(ix, "korea")}
    boosted = everything(ix, "korea", recency="30d")
    newest = max(h.date for h in everything(ix, "a OR the OR said OR le OR der").hits if h.date)
    assert boosted.total == len(plain)
    for hit in boosted.hits:
        before = plain[hit.id].score
        if hit.date is None:
            assert hit.score == pytest.approx(before)
        else:
            age = (newest - hit.date).total_seconds() / 86400
            assert hit.score == pytest.approx(before * (1 + RECENCY_WEIGHT * 0.5 ** (age / 30)), rel=1e-6)
    scores = [h.score for h in boosted.hits]
    assert scores == sorted(scores, reverse=True)


def test_recency_moves_recent_articles_up(ix):
    plain = [h.id for h in everything(ix, "korea")]
    boosted = everything(ix, "korea", recency="7d")
    assert [h.id for h in boosted.hits] != plain
    top = boosted.hits[0]
    assert top.date == max(h.date for h in boosted.hits[:3] if h.date)


# -- facets ------------------------------------------------------------------------------------


def test_facets_count_the_articles_with_all_the_words(ix):
    results = ix.search("korea missile", facets=True, collapse=False, suggest=False, limit=1000)
    facets = results.facets
    assert facets is not None
    matching = results.hits[:results.all_words_total]
    assert facets.articles == results.all_words_total
    assert dict(facets.sources) == Counter(h.source for h in matching)
    months = Counter(f"{h.date:%Y-%m}" if h.date else None for h in matching)
    assert dict(facets.months) == months
    assert [m for m, _ in facets.months if m] == sorted(m for m in months if m)
    assert dict(facets.languages) == Counter(h.language for h in matching)


def test_facets_follow_the_filters(ix):
    facets = ix.search("korea", facets=True, sources=["AFP"], suggest=False).facets
    assert [source for source, _ in facets.sources] == ["AFP"]


def test_no_facets_unless_asked(ix):
    assert ix.search("korea").facets is None


# -- pagination -------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("collapse", [True, False])
def test_pages_join_up_to_the_full_list(ix, sort, collapse):
    full = ix.search("sanctions OR korea OR oil", limit=100, sort=sort, collapse=collapse, suggest=False)
    assert len(full.hits) == full.total - full.collapsed > 6
    pages = []
    offset = 0
    while True:
        page = ix.search("sanctions OR korea OR oil", limit=4, offset=offset, sort=sort, collapse=collapse,
                         suggest=False)
        pages.extend(h.id for h in page.hits)
        offset += 4
        if not page.more:
            break
    assert pages == [h.id for h in full.hits]
    # and the same page again is the same page
    again = ix.search("sanctions OR korea OR oil", limit=4, offset=4, sort=sort, collapse=collapse, suggest=False)
    assert [h.id for h in again.hits] == pages[4:8]


def test_page_past_the_end_is_empty(ix):
    results = ix.search("korea", offset=500)
    assert results.hits == () and results.total > 0 and not results.more


# -- more like this ---------------------------------------------------------------------------


def test_similar_finds_the_same_story(ix):
    icbm = ix.search('"most powerful" ICBM', limit=1).hits[0]
    similar = ix.similar(icbm.id, limit=5)
    ids = [h.id for h in similar.hits]
    assert icbm.id not in ids
    assert similar.hits and all("korea" in (h.headline + " ".join(
        s.text for s in h.highlights.get("body", ()))).lower() or "icbm" in h.headline.lower()
        for h in similar.hits[:3])


def test_similar_filters_apply(ix):
    icbm = ix.search('"most powerful" ICBM', limit=1).hits[0]
    similar = ix.similar(icbm.id, sources=["AFP"], limit=20)
    assert {h.source for h in similar.hits} <= {"AFP"}


def test_similar_unknown_id(ix, sample_index):
    with pytest.raises(ArticleNotFound, match=f"no article with id 'nope' in {sample_index}"):
        ix.similar("nope")


# -- timeline -------------------------------------------------------------------------------------


def test_timeline_counts_match_the_facets(ix):
    timeline = ix.timeline("korea", by="month")
    facets = ix.search("korea", facets=True, suggest=False).facets
    months = {m: n for m, n in facets.months if m}
    assert {b.label: b.count for b in timeline.buckets if b.count} == months
    assert timeline.total == facets.articles
    assert timeline.undated == dict(facets.months).get(None, 0)


def test_timeline_with_filters(ix):
    timeline = ix.timeline("korea", by="day", since="2022-11-01", until="2022-11-30")
    assert timeline.by == "day"
    assert all(dt.date(2022, 11, 1) <= b.start <= dt.date(2022, 11, 30) for b in timeline.buckets)
    assert timeline.total == ix.search("korea", since="2022-11", until="2022-11").total


# -- syndicated copies ------------------------------------------------------------------------------

SEOUL_TXT = "2022-12-02-seoul-sanctions-nk-bankers.txt"
SEOUL_HTML = "2022-12-02-metrowire-seoul-sanctions-nk-bankers.html"


def seoul_ids(ix):
    hits = everything(ix, '"unilateral sanctions" AND bankers').hits
    by_file = {h.path.rsplit("/", 1)[-1]: h.id for h in hits}
    return by_file[SEOUL_TXT], by_file[SEOUL_HTML]


def test_copies_are_folded_into_one_hit(ix):
    txt, html = seoul_ids(ix)
    results = ix.search('"unilateral sanctions" AND bankers', suggest=False)
    ids = [h.id for h in results.hits]
    assert (txt in ids) != (html in ids)  # one of the two, not both
    hit = next(h for h in results.hits if h.id in (txt, html))
    other = html if hit.id == txt else txt
    assert [c.id for c in hit.copies] == [other]
    assert results.collapsed == 1
    assert results.total == 2 and not results.more


def test_no_collapse_lists_every_copy(ix):
    txt, html = seoul_ids(ix)
    results = ix.search('"unilateral sanctions" AND bankers', collapse=False, suggest=False)
    assert {txt, html} <= {h.id for h in results.hits}
    assert all(h.copies == () for h in results.hits)
    assert results.collapsed == 0


def test_copies_of_an_article(ix):
    txt, html = seoul_ids(ix)
    (copy,) = ix.copies(txt)
    assert copy.id == html and copy.source == "AFP" and copy.headline.startswith("Seoul slaps fresh sanctions")
    assert [c.id for c in ix.copies(html)] == [txt]
    icbm = ix.search('"most powerful" ICBM', limit=1).hits[0]
    assert ix.copies(icbm.id) == ()
    with pytest.raises(ArticleNotFound):
        ix.copies("nope")


def test_similar_leaves_out_the_copies(ix):
    txt, html = seoul_ids(ix)
    similar = ix.similar(txt, limit=50, collapse=False)
    assert {txt, html}.isdisjoint({h.id for h in similar.hits})


def test_stats_count_the_stories(ix):
    stats = ix.stats()
    assert (stats.stories, stats.copies) == (1, 2)


def test_collapse_counts_copies_within_the_filters(ix):
    _txt, html = seoul_ids(ix)
    # the html copy has a date, the txt copy has none: a date filter keeps one, nothing to fold
    dated = ix.search('"unilateral sanctions" AND bankers', since="2022", suggest=False)
    assert [h.id for h in dated.hits] == [html]
    assert dated.collapsed == 0


def test_a_caption_snippet_is_one_caption_not_several_run_together(tmp_path):
    import json

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "one.json").write_text(json.dumps({
        "headline": "Ferry crews return after the harbour storm",
        "text": "Ferry crews went back to work on Tuesday after the storm closed the harbour for two days.",
        "captions": ["A ferry waits at the pier", "Harbour workers clear debris after the storm"]}))
    with NewsIndex.create(tmp_path / "ix") as ix:
        ix.add([folder])
        (hit,) = ix.search("storm debris").hits
    (snippet,) = hit.highlights["captions"]
    assert snippet.text == "Harbour workers clear debris after the storm"
