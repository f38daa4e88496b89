"""Tests for searchnews.ingest.dates.parse_date."""

from __future__ import annotations

import datetime as dt

import pytest

from searchnews.ingest.dates import parse_date


@pytest.mark.parametrize("text, expected", [
    ("2022-11-26", dt.datetime(2022, 11, 26)),
    ("2022-11-26T14:05", dt.datetime(2022, 11, 26, 14, 5)),
    ("2022-11-26T14:05:00", dt.datetime(2022, 11, 26, 14, 5)),
    ("2022-11-26 14:05:00", dt.datetime(2022, 11, 26, 14, 5)),
    ("2022-11-26T14:05:00Z", dt.datetime(2022, 11, 26, 14, 5)),
    ("  2022-11-26  ", dt.datetime(2022, 11, 26)),
])
def test_iso(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2022-11-26T14:05:00+02:00", dt.datetime(2022, 11, 26, 12, 5)),
    ("2022-11-26T14:05:00-05:00", dt.datetime(2022, 11, 26, 19, 5)),
    ("2022-11-26T01:30:00+0300", dt.datetime(2022, 11, 25, 22, 30)),
    ("2022-11-26T14:05:00.250+05:30", dt.datetime(2022, 11, 26, 8, 35, 0, 250000)),
])
def test_iso_with_offset_is_converted_to_utc(text, expected):
    assert parse_date(text) == expected


def test_iso_with_offset_gives_a_naive_value():
    assert parse_date("2022-11-26T14:05:00+02:00").tzinfo is None


def test_written_date_with_offset_is_converted_to_utc():
    assert parse_date("26 November 2022 14:05 +0200") == dt.datetime(2022, 11, 26, 12, 5)


@pytest.mark.parametrize("text, expected", [
    ("26/11/2022", dt.datetime(2022, 11, 26)),
    ("26.11.2022", dt.datetime(2022, 11, 26)),
    ("05/11/2022", dt.datetime(2022, 11, 5)),  # day first: 5 November, not May 11
    ("5.3.2022", dt.datetime(2022, 3, 5)),
    ("26/11/2022 14:05", dt.datetime(2022, 11, 26, 14, 5)),
    ("26.11.2022, 14:05", dt.datetime(2022, 11, 26, 14, 5)),
    ("26/11/2022 at 9h30", dt.datetime(2022, 11, 26, 9, 30)),
])
def test_numeric_dates_are_day_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("26 November 2022, 14:05", dt.datetime(2022, 11, 26, 14, 5)),
    ("26 November 2022", dt.datetime(2022, 11, 26)),
    ("November 26, 2022", dt.datetime(2022, 11, 26)),
    ("Nov 26, 2022", dt.datetime(2022, 11, 26)),
    ("Saturday 26 November 2022, 14:05 GMT", dt.datetime(2022, 11, 26, 14, 5)),
    ("November 26, 2022 at 2:05 PM", dt.datetime(2022, 11, 26, 14, 5)),
])
def test_written_english_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("12 novembre 2022", dt.datetime(2022, 11, 12)),
    ("1 février 2023", dt.datetime(2023, 2, 1)),
    ("20 décembre 2022 à 18:30", dt.datetime(2022, 12, 20, 18, 30)),
    ("5 août 2022", dt.datetime(2022, 8, 5)),
])
def test_french_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("14. November 2022", dt.datetime(2022, 11, 14)),
    ("3. März 2022", dt.datetime(2022, 3, 3)),
    ("24. Dezember 2022", dt.datetime(2022, 12, 24)),
    ("1. Oktober 2022 um 10:15", dt.datetime(2022, 10, 1, 10, 15)),
])
def test_german_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["November 2022", "novembre 2022", "2022", "2022-11", "26 November", "Monday"])
def test_incomplete_date_is_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text", [
    "garbage", "not a date at all", "????", "12:30", "abc 2022", "x" * 100,
    # numbers that are not a date: fuzzy parsing must not assemble one from them
    "Page 3 of 12, 2022 edition", "issue 12, vol 3, 2022",
])
def test_garbage_is_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["31/02/2022", "30.02.2022", "2022-02-31", "2022-13-01", "00/11/2022",
                                  "32/01/2022", "26/13/2022", "2022-11-26T25:00:00"])
def test_invalid_date_is_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_is_none(text):
    assert parse_date(text) is None


def test_leap_day():
    assert parse_date("29/02/2024") == dt.datetime(2024, 2, 29)
    assert parse_date("29/02/2023") is None
