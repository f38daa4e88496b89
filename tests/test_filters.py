"""Filters: reading since/until/sources/languages/recency, and what they select in a real index."""

from __future__ import annotations

import datetime as dt

import pytest
from whoosh import query as wq
from whoosh.index import create_in

from searchnews.errors import FilterError, SearchnewsError
from searchnews.index import schema as S
from searchnews.index.schema import make_schema
from searchnews.search.filters import Filters, parse_half_life, parse_when

NOW = dt.datetime(2023, 5, 31, 15, 30)
WHEN_FORMS = "use a day (2022-11-26), a month (2022-11), a year (2022) or a period back from today (7d, 2w, 3m, 1y)"

# id: (source, date, language)
ARTICLES = {
    "afp-oct": ("AFP", dt.datetime(2022, 10, 31, 23, 59, 59), "en"),
    "afp-nov-first": ("AFP", dt.datetime(2022, 11, 1, 0, 0), "fr"),
    "agence-nov-last": ("Agence France-Presse", dt.datetime(2022, 11, 30, 23, 59), "fr"),
    "f24-dec": ("France 24", dt.datetime(2022, 12, 1, 0, 0), "fr"),
    "reuters-may": ("Reuters", dt.datetime(2023, 5, 24, 8, 0), "en"),
    "reuters-today": ("Reuters", dt.datetime(2023, 5, 31, 9, 0), "en"),
    "ap-feb": ("AP", dt.datetime(2023, 2, 28, 0, 0), "de"),
    "ap-undated": ("AP", None, "en"),
    "dpa-undated": ("dpa", None, "de"),
    "bbc-early-morning": ("BBC News", dt.datetime(2023, 5, 31, 3, 29), "en"),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    path = tmp_path_factory.mktemp("filters")
    ix = create_in(str(path), make_schema())
    with ix.writer() as writer:
        for doc_id, (source, date, language) in ARTICLES.items():
            doc = {S.ID: doc_id, S.HEADLINE: f"story {doc_id}", S.TEXT: f"story {doc_id}",
                   S.SOURCE: source, S.LANGUAGE: language}
            if date is not None:
                doc[S.DATE] = date
            writer.add_document(**doc)
    yield ix
    ix.close()


def selected(index, filters: Filters) -> set[str]:
    with index.searcher() as searcher:
        return {hit[S.ID] for hit in searcher.search(filters.query(index.schema), limit=None)}


# --- parse_when -------------------------------------------------------------------------------


@pytest.mark.parametrize("value, start, end", [
    ("2022-11-26", dt.datetime(2022, 11, 26), dt.datetime(2022, 11, 26, 23, 59, 59, 999999)),
    ("2022-11-26T10:00", dt.datetime(2022, 11, 26, 10), dt.datetime(2022, 11, 26, 10, 0, 59, 999999)),
    ("2022-11-26 10:00:30", dt.datetime(2022, 11, 26, 10, 0, 30), dt.datetime(2022, 11, 26, 10, 0, 30, 999999)),
    ("2022-11-26t10:00Z", dt.datetime(2022, 11, 26, 10), dt.datetime(2022, 11, 26, 10, 0, 59, 999999)),
    ("2022-11-26T10:00+02:00", dt.datetime(2022, 11, 26, 8), dt.datetime(2022, 11, 26, 8, 0, 59, 999999)),
    ("2022-11", dt.datetime(2022, 11, 1), dt.datetime(2022, 11, 30, 23, 59, 59, 999999)),
    ("2022-12", dt.datetime(2022, 12, 1), dt.datetime(2022, 12, 31, 23, 59, 59, 999999)),
    ("2024-02", dt.datetime(2024, 2, 1), dt.datetime(2024, 2, 29, 23, 59, 59, 999999)),
    ("2022", dt.datetime(2022, 1, 1), dt.datetime(2022, 12, 31, 23, 59, 59, 999999)),
    ("  2022-11-26 ", dt.datetime(2022, 11, 26), dt.datetime(2022, 11, 26, 23, 59, 59, 999999)),
])
def test_calendar_periods(value, start, end):
    assert parse_when(value, now=NOW) == start
    assert parse_when(value, end=True, now=NOW) == end


@pytest.mark.parametrize("value, start", [
    ("today", dt.datetime(2023, 5, 31)),
    ("Yesterday", dt.datetime(2023, 5, 30)),
    ("0d", dt.datetime(2023, 5, 31)),
    ("7d", dt.datetime(2023, 5, 24)),
    ("2w", dt.datetime(2023, 5, 17)),
    ("3m", dt.datetime(2023, 2, 28)),  # calendar months: 31 May minus 3 months is 28 February
    ("1m", dt.datetime(2023, 4, 30)),
    ("1y", dt.datetime(2022, 5, 31)),
    ("7D", dt.datetime(2023, 5, 24)),
])
def test_relative_periods_start_at_midnight(value, start):
    assert parse_when(value, now=NOW) == start
    assert parse_when(value, end=True, now=NOW) == start + dt.timedelta(days=1, microseconds=-1)


def test_leap_day_minus_a_year_is_the_last_day_of_february():
    assert parse_when("1y", now=dt.datetime(2024, 2, 29, 12)) == dt.datetime(2023, 2, 28)


def test_hours_are_exact():
    assert parse_when("12h", now=NOW) == dt.datetime(2023, 5, 31, 3, 30)
    assert parse_when("12h", end=True, now=NOW) == dt.datetime(2023, 5, 31, 3, 30)


def test_now_defaults_to_the_local_clock():
    assert parse_when("today") == dt.datetime.combine(dt.date.today(), dt.time())


def test_results_are_naive():
    assert parse_when("2022-11-26T10:00+02:00").tzinfo is None


@pytest.mark.parametrize("value", ["2022-13", "2022-02-30", "2022-11-26T25:00", "", "   ", "last week",
                                   "7", "d7", "-7d", "7x", "22-11-26", "26/11/2022", "0000", "999999y"])
def test_unreadable_period_message_teaches_the_forms(value):
    with pytest.raises(FilterError) as info:
        parse_when(value, now=NOW)
    assert str(info.value) == f"since: cannot read {value!r}: {WHEN_FORMS}"
    assert info.value.parameter == "since"


def test_unreadable_period_message_names_the_parameter():
    with pytest.raises(FilterError, match=r"^until: cannot read '2022-13': use a day") as info:
        parse_when("2022-13", end=True, parameter="until")
    assert info.value.parameter == "until"
    assert info.value.render({"until": "--until"}).startswith("--until: cannot read '2022-13'")


def test_filter_error_is_a_searchnews_error():
    assert issubclass(FilterError, SearchnewsError)


# --- parse_half_life --------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("30d", dt.timedelta(days=30)),
    ("2w", dt.timedelta(days=14)),
    ("6m", dt.timedelta(days=6 * 30.44)),
    ("1y", dt.timedelta(days=365.25)),
    ("12h", dt.timedelta(hours=12)),
    ("1.5d", dt.timedelta(hours=36)),
    (" 30D ", dt.timedelta(days=30)),
])
def test_half_life(value, expected):
    assert parse_half_life(value) == expected


@pytest.mark.parametrize("value", ["0d", "0.0w"])
def test_half_life_must_be_positive(value):
    with pytest.raises(FilterError) as info:
        parse_half_life(value)
    assert str(info.value) == f"recency: the half-life must be longer than zero, not {value!r}"


@pytest.mark.parametrize("value", ["", "30", "thirty days", "-5d", "2022-11", "today"])
def test_unreadable_half_life(value):
    with pytest.raises(FilterError) as info:
        parse_half_life(value)
    assert str(info.value) == (
        f"recency: cannot read {value!r} as a half-life: use a length such as 30d, 2w, 6m, 1y or 12h")


def test_longest_half_life():
    assert parse_half_life("999999y") == dt.timedelta(days=999999 * 365.25)


def test_half_life_message_names_the_parameter():
    with pytest.raises(FilterError, match=r"^half_life: cannot read '1 fortnight' as a half-life"):
        parse_half_life("1 fortnight", parameter="half_life")


def test_the_last_period_ends_at_the_last_representable_instant():
    assert parse_when("9999", end=True) == dt.datetime.max
    assert parse_when("9999-12-31", end=True) == dt.datetime.max
    assert parse_when("0001") == dt.datetime(1, 1, 1)


# --- Filters.parse ----------------------------------------------------------------------------


def test_empty_filters_are_false_and_have_no_query():
    filters = Filters.parse()
    assert not filters
    assert filters == Filters()
    assert filters.query(make_schema()) is None
    assert filters.describe() == ""


@pytest.mark.parametrize("kwargs", [{"since": "2022"}, {"until": "2022"}, {"sources": ["AFP"]}, {"languages": ["en"]}])
def test_any_filter_makes_it_true(kwargs):
    assert Filters.parse(**kwargs)


def test_parse_reads_strings():
    filters = Filters.parse(since="2022-11", until="2022-11", sources=[" AFP ", "Reuters", "AFP"],
                            languages=["EN", "fr", "en"])
    assert filters == Filters(since=dt.datetime(2022, 11, 1), until=dt.datetime(2022, 11, 30, 23, 59, 59, 999999),
                              sources=("AFP", "Reuters"), languages=("en", "fr"))


def test_parse_takes_one_string_as_one_source_and_one_language():
    assert Filters.parse(sources="France 24", languages="de") == Filters(sources=("France 24",), languages=("de",))


def test_parse_takes_datetimes_as_they_are_and_dates_as_whole_days():
    moment = dt.datetime(2022, 11, 26, 10, 15)
    assert Filters.parse(since=moment, until=moment) == Filters(since=moment, until=moment)
    filters = Filters.parse(since=dt.date(2022, 11, 1), until=dt.date(2022, 11, 30))
    assert filters.since == dt.datetime(2022, 11, 1)
    assert filters.until == dt.datetime(2022, 11, 30, 23, 59, 59, 999999)


def test_parse_converts_aware_datetimes_to_naive_utc():
    aware = dt.datetime(2022, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert Filters.parse(since=aware).since == dt.datetime(2022, 11, 26, 8, 0)


def test_parse_uses_now_for_relative_periods():
    assert Filters.parse(since="7d", until="yesterday", now=NOW) == Filters(
        since=dt.datetime(2023, 5, 24), until=dt.datetime(2023, 5, 30, 23, 59, 59, 999999))


def test_same_day_since_and_until_is_that_day():
    filters = Filters.parse(since="2022-11-26", until="2022-11-26")
    assert filters.until - filters.since == dt.timedelta(days=1, microseconds=-1)


def test_since_after_until():
    with pytest.raises(FilterError) as info:
        Filters.parse(since="2022-12-01", until="2022-11-30")
    assert str(info.value) == "since 2022-12-01 is after until 2022-11-30"
    cli_names = {"since": "--since", "until": "--until"}
    assert info.value.render(cli_names) == "--since 2022-12-01 is after --until 2022-11-30"


def test_since_after_until_with_parsed_values():
    with pytest.raises(FilterError) as info:
        Filters.parse(since=dt.date(2022, 12, 1), until=dt.datetime(2022, 11, 30, 12, 0))
    assert str(info.value) == "since 2022-12-01 is after until 2022-11-30 12:00:00"


@pytest.mark.parametrize("option, value", [("since", "2022-13"), ("until", "yesterweek")])
def test_parse_names_the_bad_date_option(option, value):
    with pytest.raises(FilterError) as info:
        Filters.parse(**{option: value})
    assert str(info.value) == f"{option}: cannot read {value!r}: {WHEN_FORMS}"


def test_parse_rejects_a_date_of_the_wrong_type():
    with pytest.raises(FilterError) as info:
        Filters.parse(since=20221126)
    assert str(info.value) == f"since: cannot read 20221126: {WHEN_FORMS}"


@pytest.mark.parametrize("sources", [[""], ["AFP", "   "]])
def test_empty_source(sources):
    with pytest.raises(FilterError) as info:
        Filters.parse(sources=sources)
    assert str(info.value) == "sources: a source name cannot be empty"


def test_source_without_words():
    with pytest.raises(FilterError) as info:
        Filters.parse(sources=["—"])
    assert str(info.value) == "sources: '—' has no letters or digits to match"


@pytest.mark.parametrize("code", ["english", "e", "en-US", "12", "", "f r"])
def test_bad_language_code(code):
    with pytest.raises(FilterError) as info:
        Filters.parse(languages=["en", code])
    assert str(info.value) == f"languages: {code!r} is not a language code; use codes such as en, fr, de"


def test_language_message_example():
    with pytest.raises(FilterError,
                       match=r"^languages: 'english' is not a language code; use codes such as en, fr, de$"):
        Filters.parse(languages="english")


def test_three_letter_codes_are_accepted():
    assert Filters.parse(languages=["DEU", "fil"]).languages == ("deu", "fil")


def test_filters_are_frozen():
    with pytest.raises(AttributeError):
        Filters().since = NOW  # type: ignore[misc]


# --- Filters.query ----------------------------------------------------------------------------


def test_source_names_become_terms_and_phrases():
    schema = make_schema()
    assert Filters.parse(sources=["AFP"]).query(schema) == wq.Term(S.SOURCE, "afp")
    assert Filters.parse(sources=["Agence France-Presse"]).query(schema) == wq.Phrase(
        S.SOURCE, ["agence", "france", "presse"])
    assert Filters.parse(sources=["Le Télégramme"]).query() == wq.Phrase(S.SOURCE, ["le", "telegramme"])


def test_query_is_the_and_of_the_filters():
    q = Filters.parse(since="2022", sources=["AFP", "AP"], languages=["en"]).query(make_schema())
    assert isinstance(q, wq.And)
    date, sources, language = q.subqueries
    assert isinstance(date, wq.DateRange) and date.startdate == dt.datetime(2022, 1, 1) and date.enddate is None
    assert sources == wq.Or([wq.Term(S.SOURCE, "afp"), wq.Term(S.SOURCE, "ap")])
    assert language == wq.Term(S.LANGUAGE, "en")


def test_since_selects_from_the_first_instant(index):
    assert selected(index, Filters.parse(since="2022-11")) == {
        "afp-nov-first", "agence-nov-last", "f24-dec", "reuters-may", "reuters-today", "ap-feb", "bbc-early-morning"}


def test_until_a_month_includes_its_last_minute(index):
    assert selected(index, Filters.parse(until="2022-11")) == {"afp-oct", "afp-nov-first", "agence-nov-last"}


def test_since_and_until_a_month(index):
    assert selected(index, Filters.parse(since="2022-11", until="2022-11")) == {"afp-nov-first", "agence-nov-last"}


def test_until_a_day_is_inclusive(index):
    assert selected(index, Filters.parse(until="2022-10-31")) == {"afp-oct"}


def test_a_year(index):
    assert selected(index, Filters.parse(since="2023", until="2023")) == {
        "reuters-may", "reuters-today", "ap-feb", "bbc-early-morning"}


@pytest.mark.parametrize("since, expected", [
    ("7d", {"reuters-may", "reuters-today", "bbc-early-morning"}),
    ("today", {"reuters-today", "bbc-early-morning"}),
    ("3m", {"ap-feb", "reuters-may", "reuters-today", "bbc-early-morning"}),
    ("12h", {"reuters-today"}),  # 03:30 onwards: the 03:29 article is out
])
def test_relative_since_with_a_fixed_now(index, since, expected):
    assert selected(index, Filters.parse(since=since, now=NOW)) == expected


def test_relative_until_with_a_fixed_now(index):
    assert selected(index, Filters.parse(since="1y", until="yesterday", now=NOW)) == {
        "afp-oct", "afp-nov-first", "agence-nov-last", "f24-dec", "reuters-may", "ap-feb"}


def test_articles_without_a_date_fail_every_date_filter(index):
    for filters in (Filters.parse(since="1900"), Filters.parse(until="9999"),
                    Filters.parse(since="1900", until="9999")):
        assert selected(index, filters) == {doc for doc, (_, date, _) in ARTICLES.items() if date is not None}


def test_one_word_source(index):
    assert selected(index, Filters.parse(sources=["afp"])) == {"afp-oct", "afp-nov-first"}


def test_source_is_matched_as_a_phrase(index):
    assert selected(index, Filters.parse(sources=["Agence France-Presse"])) == {"agence-nov-last"}
    assert selected(index, Filters.parse(sources=["France 24"])) == {"f24-dec"}
    assert selected(index, Filters.parse(sources=["24 France"])) == set()


def test_a_word_of_a_source_matches_every_source_with_it(index):
    assert selected(index, Filters.parse(sources=["France"])) == {"agence-nov-last", "f24-dec"}


def test_source_is_folded_like_the_index(index):
    assert selected(index, Filters.parse(sources=["REUTERS"])) == {"reuters-may", "reuters-today"}
    assert selected(index, Filters.parse(sources=["bbc news"])) == {"bbc-early-morning"}


def test_two_sources_are_ored(index):
    assert selected(index, Filters.parse(sources=["Reuters", "France 24"])) == {
        "reuters-may", "reuters-today", "f24-dec"}


def test_language(index):
    assert selected(index, Filters.parse(languages=["de"])) == {"ap-feb", "dpa-undated"}
    assert selected(index, Filters.parse(languages=["DE", "fr"])) == {
        "ap-feb", "dpa-undated", "afp-nov-first", "agence-nov-last", "f24-dec"}


def test_combined_filters(index):
    filters = Filters.parse(since="2022-11", until="2023-02", sources=["AFP", "AP", "France 24"], languages=["fr"])
    assert selected(index, filters) == {"afp-nov-first", "f24-dec"}


def test_combined_with_a_text_query(index):
    with index.searcher() as searcher:
        q = wq.And([wq.Term(S.ID, "afp-oct"), Filters.parse(languages="en").query(index.schema)])
        assert [hit[S.ID] for hit in searcher.search(q)] == ["afp-oct"]
        q = wq.And([wq.Term(S.ID, "afp-oct"), Filters.parse(languages="fr").query(index.schema)])
        assert len(searcher.search(q)) == 0


# --- describe ---------------------------------------------------------------------------------


def test_describe():
    filters = Filters.parse(since="2022-11-01", sources=["AFP", "Reuters"], languages=["en"])
    assert filters.describe() == "since 2022-11-01 · source AFP or Reuters · language en"


def test_describe_until_and_times():
    assert Filters.parse(until="2022-11").describe() == "until 2022-11-30"
    assert Filters.parse(since="2022-11-26T10:00", until="2022-11-26T18:30").describe() == (
        "since 2022-11-26 10:00 · until 2022-11-26 18:30")
    assert Filters.parse(since="12h", now=dt.datetime(2023, 5, 31, 15, 30, 12)).describe() == (
        "since 2023-05-31 03:30:12")
    assert Filters.parse(languages=["en", "fr"]).describe() == "language en or fr"
