"""Tests for the snippet renderers of searchnews.search.highlighting."""

from __future__ import annotations

import pytest

from searchnews.models import Snippet
from searchnews.search.highlighting import ELLIPSIS, join, render_ansi, render_html, render_plain

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
