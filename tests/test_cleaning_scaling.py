"""Cleaning is linear in its input (issue 12, item 8), and a page too big to clean is skipped with a reason.

Time is compared between an input and the same shape four times larger, the
best of three runs each: linear cleaning takes about 4 times as long, quadratic
cleaning 16 times; the bound (10) leaves room for a noisy machine.
"""

from __future__ import annotations

import time

import pytest

from searchnews.errors import DocumentError
from searchnews.ingest.cleaning import clean_html, clean_text

RATIO = 10


def _best_of_three(text: str, clean) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        clean(text)
        times.append(time.perf_counter() - start)
    return min(times)


def _read_more(n: int) -> str:
    return "Council approves new harbour wall\n\n" + "Read more\n" * n


def _menu_page(n: int) -> str:
    menu = "".join(f"Section {i}\n" for i in range(n))
    article = ("The harbour authority said on Monday that the new wall would be finished before the winter "
               "storms, after two years of delays and a dispute over its cost.\n\n") * (n // 20 + 1)
    return f"Skip to main content\n{menu}\nCouncil approves new harbour wall\n\n{article}© 2024 Harbour Gazette\n"


def _short_paragraphs(n: int) -> str:
    return "Results of the regional chess league\n\n" + "".join(f"Board {i}: draw\n" for i in range(n))


@pytest.mark.parametrize("shape", [_read_more, _menu_page, _short_paragraphs])
def test_text_cleaning_is_linear(shape):
    clean_text(shape(100))  # warm up (imports, the language model)
    small, large = _best_of_three(shape(2000), clean_text), _best_of_three(shape(8000), clean_text)
    assert large / small < RATIO, f"{shape.__name__}: ×4 input took ×{large / small:.1f} time"


def test_read_more_lines_are_dropped_in_linear_time():
    article = clean_text(_read_more(16000) + "\nThe wall will cost 12 million.\n")
    assert article.body == ("The wall will cost 12 million.",)


def test_html_cleaning_is_linear():
    def page(n: int) -> str:
        items = "".join(f"<li><a href='/a{i}'>Other story {i}</a></li>" for i in range(n))
        text = "<p>The harbour authority said the new wall would be finished before the winter storms.</p>" * 5
        return f"<html><body><ul>{items}</ul><article><h1>Harbour wall</h1>{text}</article></body></html>"

    clean_html(page(100))
    small, large = _best_of_three(page(1000), clean_html), _best_of_three(page(4000), clean_html)
    assert large / small < RATIO, f"×4 page took ×{large / small:.1f} time"


def test_a_page_too_big_to_clean_is_skipped_with_the_reason(monkeypatch):
    from searchnews.ingest import htmlmeta

    monkeypatch.setattr(htmlmeta, "MAX_HTML_CHARS", 2_000_000)
    with pytest.raises(DocumentError, match=r"^skipped: too big to clean \(2\.5 MB of HTML; the limit is 2 MB\)$"):
        clean_html("<html><body><p>" + "word " * 500_000 + "</p></body></html>")
