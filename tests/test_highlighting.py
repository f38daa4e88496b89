"""Highlighting: matching words and phrases, choosing snippets, and rendering them."""

from __future__ import annotations

import re

import pytest
from fuzzing import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from searchnews.index.analysis import term_of
from searchnews.models import Snippet
from searchnews.search.highlighting import (
    ELLIPSIS,
    Wanted,
    find_matches,
    join,
    render_ansi,
    render_html,
    render_plain,
    snippets,
)

TEXT = "Seoul slaps fresh sanctions on bankers after ICBM launch"
# "sanctions" is 18..27, "ICBM" is 45..49
SPANS = ((18, 27), (45, 49))
BOLD, RESET = "\x1b[1;33m", "\x1b[0m"


def test_spans_match_the_words():
    assert [TEXT[s:e] for s, e in SPANS] == ["sanctions", "ICBM"]


def test_plain_is_the_text():
    assert render_plain(Snippet(TEXT, SPANS)) == TEXT


def test_plain_keeps_markup_as_is():
    assert render_plain(Snippet("a <b> & c", ((0, 1),))) == "a <b> & c"


def test_ansi_marks_matches():
    expected = (f"Seoul slaps fresh {BOLD}sanctions{RESET} on bankers after {BOLD}ICBM{RESET} launch")
    assert render_ansi(Snippet(TEXT, SPANS)) == expected


def test_ansi_custom_style():
    assert render_ansi(Snippet("oil price", ((0, 3),)), style="[", reset="]") == "[oil] price"


def test_ansi_without_spans_is_the_text():
    assert render_ansi(Snippet(TEXT)) == TEXT


def test_html_marks_matches():
    expected = "Seoul slaps fresh <mark>sanctions</mark> on bankers after <mark>ICBM</mark> launch"
    assert render_html(Snippet(TEXT, SPANS)) == expected


def test_html_custom_tag():
    assert render_html(Snippet("oil price", ((4, 9),)), tag="b") == "oil <b>price</b>"


@pytest.mark.parametrize("text, expected", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("Fish & chips", "Fish &amp; chips"),
    ('He said "no"', "He said &quot;no&quot;"),
    ("l'Opep", "l&#x27;Opep"),
])
def test_html_escapes_article_text(text, expected):
    assert render_html(Snippet(text)) == expected


def test_html_escapes_inside_a_match():
    snippet = Snippet("see <script>x</script> now", ((4, 22),))
    assert render_html(snippet) == "see <mark>&lt;script&gt;x&lt;/script&gt;</mark> now"


def test_html_escapes_around_a_match():
    snippet = Snippet("AT&T <b>ICBM</b>", ((8, 12),))
    assert render_html(snippet) == "AT&amp;T &lt;b&gt;<mark>ICBM</mark>&lt;/b&gt;"


def test_html_match_at_start_and_end():
    snippet = Snippet("ICBM test ICBM", ((0, 4), (10, 14)))
    assert render_html(snippet) == "<mark>ICBM</mark> test <mark>ICBM</mark>"


def test_html_adjacent_matches():
    assert render_html(Snippet("abcd", ((0, 2), (2, 4)))) == "<mark>ab</mark><mark>cd</mark>"


def test_html_keeps_ellipsis():
    text = ELLIPSIS + "fresh sanctions on" + ELLIPSIS
    assert render_html(Snippet(text, ((7, 16),))) == ELLIPSIS + "fresh <mark>sanctions</mark> on" + ELLIPSIS


def test_html_non_ascii_text():
    snippet = Snippet("Café «Inés» ouvre", ((0, 4),))
    assert render_html(snippet) == "<mark>Café</mark> «Inés» ouvre"


@pytest.mark.parametrize("render", [render_plain, render_ansi, render_html])
def test_empty_snippet(render):
    assert render(Snippet("")) == ""


def test_join_renders_each_snippet():
    parts = (Snippet("a & b", ((0, 1),)), Snippet("c", ((0, 1),)))
    assert join(parts, render_html, " … ") == "<mark>a</mark> &amp; b … <mark>c</mark>"


def test_join_defaults_to_plain_text():
    assert join((Snippet("one"), Snippet("two"))) == "one two"


# -- matching: words and phrases ---------------------------------------------------------------

RATES = ("Interest rates rose again on Monday. The rate of inflation fell, and bank rates followed; "
         "the interest of savers in higher rates is plain.")


def marked(text, wanted, language="en"):
    return [text[start:end] for start, end in find_matches(text, wanted, language)]


def test_a_phrase_is_marked_only_where_its_words_are_together():
    wanted = Wanted(phrases=(((term_of("interest"), term_of("rates")), 1),))
    assert marked(RATES, wanted) == ["Interest rates"]


def test_a_phrase_spans_the_stop_words_the_index_skips():
    wanted = Wanted(phrases=(((term_of("price"), term_of("oil")), 1),))
    assert marked("The price of oil fell. Oil price up.", wanted) == ["price of oil"]


def test_words_and_phrases_together():
    wanted = Wanted(frozenset({term_of("bank")}), (((term_of("interest"), term_of("rates")), 1),))
    assert marked(RATES, wanted) == ["Interest rates", "bank"]


def test_a_set_of_terms_marks_every_occurrence():
    assert marked(RATES, frozenset({term_of("rates")})) == ["rates", "rate", "rates", "rates"]


def test_phrase_queries_mark_the_phrase_in_search_results(tmp_path):
    from searchnews import NewsIndex

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rates.txt").write_text("Central bank holds interest rates\n\n" + RATES + "\n", encoding="utf-8")
    with NewsIndex.create(tmp_path / "index") as ix:
        ix.add([corpus])
        hit = ix.search('"interest rates"').hits[0]
        body = hit.highlights["body"][0]
        assert [body.text[s:e] for s, e in body.spans] == ["Interest rates"]
        headline = hit.highlights["headline"][0]
        assert [headline.text[s:e] for s, e in headline.spans] == ["interest rates"]


# -- snippets: never a cut word ----------------------------------------------------------------


def test_a_snippet_near_the_start_starts_with_the_first_word():
    # The window began two characters in: "…ng Kong is hoping" (issue 11.7).
    body = ("Hong Kong is hoping to attract more visitors this year after tourism "
            + "figures rose sharply in the second half of the year " * 5)
    found = snippets(body, find_matches(body, frozenset({term_of("tourism")})), 2, 100)
    assert found[0].text.startswith("Hong Kong is hoping")


WORDS_OF_TEXT = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=14), min_size=1, max_size=120)


@fuzz_settings(300, deadline=None)
@given(WORDS_OF_TEXT, st.integers(0, 10_000), st.integers(30, 240))
def test_snippets_start_and_end_at_word_boundaries(words, pick, width):
    text = " ".join(words)
    target = words[pick % len(words)]
    spans = [m.span() for m in re.finditer(rf"\b{target}\b", text)]
    for snippet in snippets(text, spans, 2, width):
        inner = snippet.text.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
        assert inner.split(" ")[0] in words and inner.split(" ")[-1] in words, snippet.text
        assert snippet.text.startswith(ELLIPSIS) == (not text.startswith(inner))


def _one_line_reference(text, spans):
    """The plain definition: each character in turn, a run of white space kept as one space, the end stripped."""
    out, mapping = [], []
    for char in text:
        mapping.append(len(out))
        if char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(char)
    mapping.append(len(out))
    folded = "".join(out).rstrip()
    moved = [(mapping[s], min(mapping[e], len(folded))) for s, e in spans]
    return folded, [(s, e) for s, e in moved if e > s]


@given(st.text(alphabet=" \n\t\u00a0ab.", max_size=40), st.data())
def test_folding_white_space_keeps_spans_on_their_characters(text, data):
    from searchnews.search.highlighting import _one_line

    points = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=6)))
    spans = [(a, b) for a, b in zip(points[::2], points[1::2], strict=False) if a < b]
    assert _one_line(text, spans) == _one_line_reference(text, spans)


_WORDS = st.sampled_from(["rate", "rates", "Rating", "rated", "interest", "interesting", "U.S.", "US", "policy",
                          "policies", "happy", "happiness", "hoping", "hop", "e-mail", "x", "a.b.c", "rate's"])


@fuzz_settings(300)
@given(st.lists(st.tuples(_WORDS, st.sampled_from([" ", ", ", ". ", "\n\n", "-", "'"])), max_size=30),
       st.sets(st.sampled_from(["rate", "interest", "us", "u.s", "polici", "happi", "hope", "hop", "mail"]),
               min_size=1, max_size=4))
def test_the_prefilter_finds_the_words_a_full_scan_finds(pieces, terms):
    from searchnews.search import highlighting as H

    text = "".join(word + gap for word, gap in pieces)
    wanted = H.Wanted(frozenset(terms))
    fast = H.find_matches(text, wanted)
    H._prefilter.cache_clear()
    original = H._prefilter
    try:
        H._prefilter = lambda terms: None  # the word-by-word scan
        slow = H.find_matches(text, wanted)
    finally:
        H._prefilter = original
    assert fast == slow
