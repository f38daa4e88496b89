"""Tests for searchnews.search.querysyntax.check_query and QuerySyntaxError."""

from __future__ import annotations

import datetime as dt

import pytest

from searchnews.errors import QuerySyntaxError, SearchnewsError
from searchnews.index.schema import FIELD_ALIASES
from searchnews.search.querysyntax import MAX_QUERY_CHARS, MAX_QUERY_TERMS, check_query

FIELD_LIST = ("agency, author, authors, body, caption, captions, date, headline, lang, language, place, "
              "source, text, title, url")


@pytest.mark.parametrize("query", [
    "ICBM",
    "ICBM sanctions",
    "north korea missile",
    '"solid-fuel engine"',
    '"kim jong un" sanctions',
    "ICBM AND sanctions",
    "ICBM OR missile",
    "ICBM NOT Japan",
    "ICBM AND NOT Japan",
    "NOT Japan ICBM",
    "(ICBM OR missile) AND sanctions",
    "((ICBM))",
    "ICBM ANDNOT Japan",
    "ICBM ANDMAYBE sanctions",
    "ICBM and or not",  # lower case: plain words
    "date:2022",
    "date:2022-11",
    "date:2022-11-26",
    "date:20221126",
    "date:>=2022-11-01",
    "date:<2023",
    "date:[2022-11-01 TO 2022-11-30]",
    "date:[2022-11 to 2022-12]",
    "date:{2022-11-01 TO 2022-12-01}",
    "date:[2022-11-01 TO]",
    "date:[TO 2022-11-30]",
    "sanct*",
    "missil?",
    "san*ions",
    "source:(AFP OR Reuters)",
    'headline:"oil price"',
    "Café",
])
def test_valid_query_passes(query):
    assert check_query(query) == query.strip()


def test_day_words_are_written_as_the_day_they_name():
    # Whoosh's parser does not know them: "date:today" silently matched nothing.
    today = dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    assert check_query("oil date:today") == f"oil date:{today}"
    assert check_query("date:>=Yesterday oil") == f"date:>={yesterday} oil"
    assert check_query("date:[yesterday TO today]") == f"date:[{yesterday} TO {today}]"
    assert check_query("date:[2022 TO today]") == f"date:[2022 TO {today}]"
    assert check_query('date:"today"') == f"date:{today}"  # a quoted date is a date
    assert check_query("date:(yesterday OR 2022)") == f"date:({yesterday} OR 2022)"


@pytest.mark.parametrize("alias", sorted(FIELD_ALIASES))
def test_every_field_alias_is_accepted(alias):
    value = "2022-11-26" if FIELD_ALIASES[alias] == "date" else "seoul"
    assert check_query(f"{alias}:{value}") == f"{alias}:{value}"


@pytest.mark.parametrize("alias", ["Headline", "SOURCE", "Date"])
def test_field_names_ignore_case(alias):
    value = "2022" if alias.lower() == "date" else "afp"
    assert check_query(f"{alias}:{value}")


@pytest.mark.parametrize("query", ["ICBM\x00sanctions\x07", "ICBM\tsanctions\n", "\x1bICBM\r\nsanctions"])
def test_control_characters_become_spaces(query):
    assert check_query(query).split() == ["ICBM", "sanctions"]
    assert check_query(query).replace(" ", "") == "ICBMsanctions"


def test_returns_the_stripped_query():
    assert check_query("   ICBM sanctions   ") == "ICBM sanctions"


def _error(query: str) -> QuerySyntaxError:
    with pytest.raises(QuerySyntaxError) as info:
        check_query(query)
    return info.value


@pytest.mark.parametrize("query, message, position", [
    ('ICBM "missile test', 'unclosed quote: add the closing "', 5),
    ('"ICBM', 'unclosed quote: add the closing "', 0),
    ("sanctions (ICBM OR missile", "unclosed parenthesis: add the closing )", 10),
    ("((ICBM) OR missile", "unclosed parenthesis: add the closing )", 0),
    ("ICBM) sanctions", "')' without a matching '('", 4),
    ("(ICBM) sanctions)", "')' without a matching '('", 16),
    ("date:[2022-11-01 TO 2022-11-30", "unclosed range: add the closing ]", 5),
    ("ICBM [a TO b", "unclosed range: add the closing ]", 5),
    ("ICBM ] b", "']' without an opening bracket", 5),
    ("date:[2022-11-01 2022-11-30]", "a range needs TO, as in date:[2022-11-01 TO 2022-11-30]", 5),
    ("foo:bar", f"unknown field 'foo'; fields are: {FIELD_LIST}", 0),
    ("ICBM writer:Jane", f"unknown field 'writer'; fields are: {FIELD_LIST}", 5),
    ("AND ICBM", "AND needs a word before it", 0),
    ("OR ICBM", "OR needs a word before it", 0),
    ("ICBM (AND missile)", "AND needs a word before it", 6),
    ("ICBM AND", "AND needs a word after it", 5),
    ("ICBM OR  ", "OR needs a word after it", 5),
    ("(ICBM AND)", "AND needs a word after it", 6),
    ("ICBM AND OR missile", "OR cannot follow another operator", 9),
    ("ICBM AND AND missile", "AND cannot follow another operator", 9),
    ("ICBM NOT OR missile", "OR cannot follow another operator", 9),
    ("ICBM NOT", "NOT needs a word after it", 5),
    ("NOT", "NOT needs a word after it", 0),
    ("()", "empty parentheses", 0),
    ("date:2022-13", "invalid date '2022-13': no such month or day", 5),
    ("ICBM date:2022-11-32", "invalid date '2022-11-32': no such month or day", 10),
    ("date:2022-00", "invalid date '2022-00': no such month or day", 5),
    ("date:yesterdayish", "invalid date 'yesterdayish': write dates as 2022-11-26, 2022-11, 2022, today or "
                          "yesterday", 5),
    ("date:yesterday]", "']' without an opening bracket", 14),  # was a ValueError traceback
    ("date:now", "invalid date 'now': write dates as 2022-11-26, 2022-11, 2022, today or yesterday", 5),
    ("date:2022-02-30", "invalid date '2022-02-30': no such month or day", 5),
    ("date:0000", "invalid date '0000': no such year", 5),
    ("date:>2022-02-29", "invalid date '2022-02-29': no such month or day", 6),
    ("date:[2014 TO 2013]", "the range starts after it ends: 2014 is after 2013", 5),
    ("date:[2022-11-02 TO 2022-11-01]", "the range starts after it ends: 2022-11-02 is after 2022-11-01", 5),
    ("oil [zinc TO aluminium]", "the range starts after it ends: 'zinc' comes after 'aluminium'", 4),
    ("headline:", "headline: needs a value right after it, as in headline:ceasefire", 0),
    ("ICBM headline: missile", "headline: needs a value right after it, as in headline:ceasefire", 5),
    ("(source:) oil", "source: needs a value right after it, as in source:AFP", 1),
    ("ICBM date:", "date: needs a value right after it, as in date:2022-11", 5),
    ('date:"now"', "invalid date 'now': write dates as 2022-11-26, 2022-11, 2022, today or yesterday", 6),
    ("date:(2022 OR missile)", "invalid date 'missile': write dates as 2022-11-26, 2022-11, 2022, today or "
                               "yesterday", 14),
    ("date:([2014 TO 2013])", "the range starts after it ends: 2014 is after 2013", 6),
    ("headline:source:AFP", "headline:source: names two fields: give each its own value, as in headline:missile "
                            "source:AFP", 9),
    ("date:[2022-13-01 TO 2022-11-30]", "invalid date '2022-13-01': no such month or day", 5),
    ("*a", "'*a' starts with a wildcard, which would scan every word in the index: put letters first, "
           "as in sanction*", 0),
    ("ICBM ?ab", "'?ab' starts with a wildcard, which would scan every word in the index: put letters first, "
                 "as in sanction*", 5),
    ("ICBM *tion", "'*tion' starts with a wildcard, which would scan every word in the index: put letters "
                   "first, as in sanction*", 5),
    ("ICBM a*", "'a*': a wildcard needs at least two letters before it", 5),
    ("headline:a*", "'a*': a wildcard needs at least two letters before it", 9),
    (" ".join(f'"w{i} x"' for i in range(9)), "too many phrases (the limit is 8)", 56),
])
def test_error_message_and_position(query, message, position):
    error = _error(query)
    assert (error.reason, error.position) == (message, position)


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "\x00\x01"])
def test_empty_query(query):
    error = _error(query)
    assert (error.reason, error.position) == ("the query is empty", None)


def test_too_long_query():
    query = "ICBM " * (MAX_QUERY_CHARS // 5) + "x"
    error = _error(query)
    assert error.reason == f"the query is too long ({len(query)} characters; the limit is {MAX_QUERY_CHARS})"
    assert error.position is None


def test_query_at_the_length_limit_passes():
    query = ("a" * 99 + " ") * (MAX_QUERY_CHARS // 100 - 1) + "a" * 100
    assert len(query) == MAX_QUERY_CHARS
    assert check_query(query)


def test_too_many_words_for_a_query_with_operators():
    query = "(" + " OR ".join(f"w{n}" for n in range(MAX_QUERY_TERMS + 1)) + ")"
    error = _error(query)
    assert error.reason == (f"too many words for a query with operators ({MAX_QUERY_TERMS + 1}; the limit is "
                            f"{MAX_QUERY_TERMS}); plain words have no limit")


def test_plain_words_have_no_limit():
    query = " ".join(f"w{n}" for n in range(MAX_QUERY_TERMS * 10))
    assert check_query(query) == query


def test_operators_only():
    error = _error("NOT")
    assert error.reason == "NOT needs a word after it"


@pytest.mark.parametrize("query, position", [("NOT NOT", 4), ("NOT NOT oil", 4), ("gas NOT NOT oil", 8)])
def test_not_not_is_refused_where_whoosh_failed(query, position):
    # Whoosh's parser raised IndexError on two NOTs in a row ("the query cannot be read (list index out of range)").
    error = _error(query)
    assert (error.reason, error.position) == ("NOT cannot follow another NOT (they would cancel out)", position)


def test_error_is_a_searchnews_error():
    assert isinstance(_error("AND"), SearchnewsError)


def test_error_keeps_the_query():
    assert _error('ICBM "missile').query == 'ICBM "missile'


def test_error_str_gives_the_position_attribute():
    # One convention: the message's number is .position, an offset into the query (0 is its start).
    error = _error("ICBM AND")
    assert str(error) == "AND needs a word after it (at position 5)"
    assert error.position == 5 and error.query[error.position:].startswith("AND")


def test_error_str_without_position():
    assert str(_error("")) == "the query is empty"


@pytest.mark.parametrize("query, position", [
    ('ICBM "missile test', 5),
    ("ICBM) sanctions", 4),
    ("AND ICBM", 0),
    ("ICBM AND OR missile", 9),
])
def test_pointer_puts_caret_under_position(query, position):
    error = _error(query)
    first, second = error.pointer().split("\n")
    assert first == query
    assert second == " " * position + "^"
    assert len(second) - 1 == position


def test_pointer_without_position_is_the_query():
    error = QuerySyntaxError("the query is empty", "", None)
    assert error.pointer() == ""


def test_pointer_on_constructed_error():
    assert QuerySyntaxError("x", "abc def", 4).pointer() == "abc def\n    ^"
