"""Spelling suggestions ("did you mean") on real indexes: the sample corpus and BBC News."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.support.levenshtein import damerau_levenshtein

from searchnews import NewsIndex
from searchnews.index import schema as S
from searchnews.search.suggest import Suggestion, edit_distance, max_distance, suggest


@pytest.fixture(scope="module")
def searcher(sample_index):
    with NewsIndex.open(sample_index) as ix:
        yield ix._searcher()


@pytest.fixture(scope="session")
def bbc_searcher(shared_corpora, tmp_path_factory):
    """An index of the BBC News corpus (2,225 articles), built once per session (about 10 s)."""
    path = tmp_path_factory.mktemp("bbc") / "index"
    with NewsIndex.create(path) as ix:
        ix.add([shared_corpora / "bbc"])
    with NewsIndex.open(path) as ix:
        yield ix._searcher()


def corrected(searcher, text: str) -> str | None:
    found = suggest(searcher, text)
    return None if found is None else found.text


def in_articles(searcher, word: str) -> bool:
    """True when ``word`` is written, as a whole word in any case, in the stored text of an article."""
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    reader = searcher.reader()
    for docnum in range(reader.doc_count_all()):
        stored = reader.stored_fields(docnum)
        if any(pattern.search(stored.get(name) or "") for name in (S.HEADLINE, S.CAPTIONS, S.BODY)):
            return True
    return False


# Typos set right, on the sample corpus.

@pytest.mark.parametrize(("typed", "expected"), [
    ("sanctons", "sanctions"),          # a letter missing
    ("sacntions", "sanctions"),         # two letters swapped: one edit
    ("icmb", "icbm"),                   # a swap in a four-letter word (at most one edit)
    ("misile", "missile"),
    ("inflaton", "inflation"),
    ("qatr", "qatar"),
    ("morrocco", "morocco"),            # a word of a single article
    ("chatbto", "chatbot"),
])
def test_typo_gets_the_word_of_the_index(searcher, typed, expected):
    assert suggest(searcher, typed) == Suggestion(text=expected, corrections=((typed, expected),))


def test_suggestion_is_a_word_of_the_articles_not_a_stem(searcher):
    # The index holds "sanction" and "inflat"; the user is shown words the articles use.
    for typed in ("sanctons", "inflaton", "presidentail"):
        found = suggest(searcher, typed)
        assert found is not None, typed
        word = found.corrections[0][1]
        assert in_articles(searcher, word), word


def test_readme_example(searcher):
    assert suggest(searcher, "nuclaer sanctons") == Suggestion(
        text="nuclear sanctions", corrections=(("nuclaer", "nuclear"), ("sanctons", "sanctions")))


def test_case_style_of_the_typed_word_is_kept(searcher):
    assert corrected(searcher, "Sanctons") == "Sanctions"
    assert corrected(searcher, "SANCTONS") == "SANCTIONS"
    assert corrected(searcher, "ICMB") == "ICBM"


def test_word_in_quotes_is_corrected_inside_the_quotes(searcher):
    assert suggest(searcher, '"north koraa" missile') == Suggestion(
        text='"north korea" missile', corrections=(("koraa", "korea"),))


def test_word_after_a_text_field_prefix_is_corrected(searcher):
    assert corrected(searcher, "headline:sanctons") == "headline:sanctions"
    assert corrected(searcher, "title:(sanctons OR missile)") == "title:(sanctions OR missile)"


def test_operators_fields_quotes_and_other_words_are_kept(searcher):
    text = 'source:AFP  sanctons AND (opec OR saudii) NOT japan "world cup" date:2022-11'
    assert suggest(searcher, text) == Suggestion(
        text='source:AFP  sanctions AND (opec OR saudi) NOT japan "world cup" date:2022-11',
        corrections=(("sanctons", "sanctions"), ("saudii", "saudi")))


def test_a_word_typed_twice_is_corrected_twice_and_listed_once(searcher):
    assert suggest(searcher, "sanctons OR sanctons Sanctons") == Suggestion(
        text="sanctions OR sanctions Sanctions", corrections=(("sanctons", "sanctions"), ("Sanctons", "Sanctions")))


# What is never corrected.

@pytest.mark.parametrize("text", ["ICBM sanctions", "world cup", '"north korea"', "opec", "Sanktionen",
                                  "headline:sanctions"])
def test_correct_query_gets_none(searcher, text):
    assert suggest(searcher, text) is None


@pytest.mark.parametrize("text", [
    "sancton*",                 # a wildcard
    "source:reutres",           # not a text field
    "lang:fra",
    "url:sanctons",
    "id:sanctons",
    "date:2022",
    "cop72",                    # a number
    "missile NOT japna",        # correcting it could only narrow the results
    "missile ANDNOT japna",
    "ab",                       # too short
    "teh",                      # as likely "the" (a stop word) as "ten"
])
def test_words_that_are_never_corrected(searcher, text):
    assert suggest(searcher, text) is None


def test_only_the_text_words_change_among_stop_words_numbers_wildcards_and_fields(searcher):
    text = "the 2022 sanctons sanct* source:reutres lang:fra"
    assert suggest(searcher, text) == Suggestion(text="the 2022 sanctions sanct* source:reutres lang:fra",
                                                 corrections=(("sanctons", "sanctions"),))


def test_rare_word_of_the_index_is_not_corrected_to_a_common_neighbour(searcher):
    # "Tokio" (German, one article) is one edit from "Tokyo", but the index holds it.
    assert suggest(searcher, "Tokio") is None


@pytest.mark.parametrize("text", ["xqzvbnm", "zzzzqqq", "blorfindel", "qwpzkx"])
def test_nonsense_with_no_close_word_gets_none(searcher, text):
    assert suggest(searcher, text) is None


def test_query_that_cannot_be_parsed_gets_none(searcher):
    assert suggest(searcher, '"sanctons') is None
    assert suggest(searcher, "foo:sanctons") is None


def test_empty_index_gets_none(tmp_path):
    with NewsIndex.create(tmp_path / "index") as ix:
        assert suggest(ix._searcher(), "sanctons") is None


# Other languages.

@pytest.mark.parametrize(("typed", "expected"), [
    ("ballistischr", "ballistischer"),  # German
    ("Nordkoera", "Nordkorea"),
    ("japanishen", "japanischen"),      # German: a stem the typo hid from the stemmer
    ("poltique", "politique"),          # French
    ("climatiqeu", "climatique"),       # French
])
def test_french_and_german_words_get_a_french_or_german_correction(searcher, typed, expected):
    assert corrected(searcher, typed) == expected


# The edit distance.

def test_edit_distance_counts_a_swap_as_one_edit():
    assert edit_distance("sacntion", "sanction", 2) == 1
    assert edit_distance("icmb", "icbm", 1) == 1
    assert edit_distance("sanctons", "sanctions", 2) == 1
    assert edit_distance("abc", "abc", 0) == 0
    assert edit_distance("kitten", "sitting", 2) == 3  # limit + 1 once over the limit
    assert edit_distance("kitten", "sitting", 3) == 3


def test_max_distance_is_one_for_short_words_and_two_for_longer():
    assert max_distance("icmb") == 1
    assert max_distance("sanctons") == 2


@given(st.text("abcd", max_size=8), st.text("abcd", max_size=8), st.integers(0, 3))
def test_edit_distance_is_whooshs_damerau_levenshtein_capped(a, b, limit):
    expected = damerau_levenshtein(a, b) if a and b else max(len(a), len(b))
    assert edit_distance(a, b, limit) == min(expected, limit + 1)


# Real data: BBC News.

@pytest.mark.parametrize(("typed", "expected"), [
    ("goverment", "government"),    # in one BBC article itself; "government" in hundreds
    ("minsiter", "minister"),
    ("parliment", "parliament"),
    ("elecion", "election"),
    ("presidnetial", "presidential"),
    ("Bliar", "Blair"),
    ("econmy", "economy"),
])
def test_bbc_typos(bbc_searcher, typed, expected):
    assert corrected(bbc_searcher, typed) == expected


def test_bbc_query_with_two_typos_and_correct_words(bbc_searcher):
    assert suggest(bbc_searcher, "Tory goverment spendign") == Suggestion(
        text="Tory government spending", corrections=(("goverment", "government"), ("spendign", "spending")))


@pytest.mark.parametrize("text", ["government spending", "footbal", "Blair Brown election"])
def test_bbc_words_of_the_index_get_none(bbc_searcher, text):
    # "footbal" is how the index stores "football": it finds the football articles.
    assert suggest(bbc_searcher, text) is None
