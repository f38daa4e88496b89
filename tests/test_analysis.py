"""Analysis: one-pass terms equal to Whoosh's chain for English; per-language stemming; query expansion."""

from __future__ import annotations

import json

import pytest
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

from searchnews import NewsIndex
from searchnews.index.analysis import NewsAnalyzer, analysis_language, mark_language, terms_by_language

TEXT = ("Oil prices rose on Tuesday as OPEC+ ministers met in Vienna; the U.S. said sanctions on "
        "Caf\u00e9 owners in \u0130stanbul were \u201cunrelated\u201d. A 3.5% rise, said the ministry's spokesman.")


def whoosh_chain():
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter() | StemFilter()


def test_english_terms_equal_whooshs_stemming_chain():
    expected = [t.text for t in whoosh_chain()(TEXT)]
    assert NewsAnalyzer().terms(mark_language(TEXT, "en")) == expected
    assert [t.text for t in NewsAnalyzer()(mark_language(TEXT, "en"))] == expected


def test_unmarked_text_is_english():
    assert NewsAnalyzer().terms("the sanctions") == ["sanction"]


def test_token_positions_skip_stop_words():
    tokens = [(t.text, t.pos) for t in NewsAnalyzer()(mark_language("the price of oil", "en"), positions=True)]
    assert tokens == [("price", 0), ("oil", 1)]


def test_token_chars_point_into_the_unmarked_text():
    value = mark_language("Oil rises", "en")
    offset = len(value) - len("Oil rises")
    tokens = [(t.startchar - offset, t.endchar - offset) for t in NewsAnalyzer()(value, chars=True)]
    assert tokens == [(0, 3), (4, 9)]


@pytest.mark.parametrize(("language", "text", "terms"), [
    ("de", "Die neuen Sanktionen gegen Nordkorea", ["neu", "sanktion", "nordkorea"]),
    ("fr", "La production de pétrole baisse", ["product", "petrol", "baiss"]),
    ("en", "The sanctions on oil", ["sanction", "oil"]),
    ("sw", "Serikali imetangaza mpango mpya", ["serikali", "imetangaza", "mpango", "mpya"]),
])
def test_terms_use_the_articles_language(language, text, terms):
    assert NewsAnalyzer().terms(mark_language(text, language)) == terms


def test_query_mode_only_folds():
    assert [t.text for t in NewsAnalyzer()("Sanktionen Café", mode="query")] == ["sanktionen", "cafe"]


def test_analysis_language():
    assert [analysis_language(c) for c in ("en", "fr", "de", "sw", None, "")] == ["en", "fr", "de", "xx", "en", "en"]


def test_terms_by_language_marks_stop_words():
    assert terms_by_language("Sanktionen", ["en", "de"]) == {"en": "sanktionen", "de": "sanktion"}
    assert terms_by_language("war", ["en", "de"]) == {"en": "war", "de": None}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    records = [
        {"id": "de1", "language": "de", "title": "Neue Sanktionen gegen Nordkorea",
         "body": "Die Regierung in Berlin kündigte am Montag neue Sanktionen an, sagte ein Sprecher."},
        {"id": "fr1", "language": "fr", "title": "La production de pétrole recule",
         "body": "La production a baissé de cinq pour cent en octobre, selon le ministère."},
        {"id": "en1", "language": "en", "title": "Iraq war inquiry opens",
         "body": "An inquiry into the Iraq war opened in London on Monday."},
        {"id": "en2", "language": "en", "title": "Iraq oil exports rise",
         "body": "Oil exports from Iraq rose in October, officials said."},
    ]
    (folder / "mixed.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    path = tmp_path_factory.mktemp("ix") / "index"
    with NewsIndex.create(path) as ix:
        ix.add([folder])
    with NewsIndex.open(path) as ix:
        yield ix


def ids(results):
    return sorted(h.id for h in results.hits)


def test_german_word_finds_german_inflection(mixed):
    assert ids(mixed.search("Sanktion")) == ["de1"]


def test_french_query_with_a_french_stop_word(mixed):
    assert ids(mixed.search("la production")) == ["fr1"]


def test_german_stop_word_is_still_an_english_word(mixed):
    # "war" is a German stop word: it must still be required in English articles,
    # and it must not pull every German article into the results.
    results = mixed.search("Iraq war")
    assert results.all_words_total == 1
    assert results.hits[0].id == "en1"
    assert ids(results) == ["en1", "en2"]


def test_english_stop_word_alone_finds_nothing(mixed):
    assert mixed.search("the").total == 0


def test_german_article_highlights_inflected_form(mixed):
    hit = mixed.search("Sanktion").hits[0]
    (snippet,) = hit.highlights["headline"]
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["Sanktionen"]


def test_stored_headline_has_no_language_marker(mixed):
    assert mixed.get("de1").headline == "Neue Sanktionen gegen Nordkorea"
    assert mixed.search("Sanktion").hits[0].headline == "Neue Sanktionen gegen Nordkorea"


def test_a_table_of_figures_has_no_language():
    from searchnews.ingest.language import detect_language

    table = ["Shr one dlr vs 73 cts", "Net 12.6 mln vs 15.8 mln", "Revs 337.3 mln vs 315.2 mln"]
    assert detect_language("BROWN-FORMAN INC <BFD> 4TH QTR NET", table) is None


@pytest.mark.parametrize(("text", "language"), [
    ("Serikali ya Kenya imetangaza mpango mpya wa kuboresha elimu katika shule za msingi nchini kote.", "sw"),
    ("El gobierno anunció ayer un nuevo plan para mejorar la educación en las escuelas públicas del país.", "es"),
])
def test_other_languages_are_detected(text, language):
    from searchnews.ingest.language import detect_language

    assert detect_language("", [text]) == language
