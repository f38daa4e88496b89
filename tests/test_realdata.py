"""Real news from ../shared/corpora (skipped, with the reason, when the folder is absent)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from searchnews import NewsIndex, clean_file


@pytest.fixture(scope="module")
def bbc_business_index(shared_corpora, tmp_path_factory):
    path = tmp_path_factory.mktemp("bbc") / "index"
    with NewsIndex.create(path) as ix:
        report = ix.add([shared_corpora / "bbc" / "business"])
    return path, report


def test_bbc_business_indexes_every_article(bbc_business_index):
    _, report = bbc_business_index
    assert report.added == 510
    assert report.rejected == ()


def test_bbc_oil_prices_ranks_oil_headlines_first(bbc_business_index):
    path, _ = bbc_business_index
    with NewsIndex.open(path) as ix:
        results = ix.search("oil prices", limit=5)
    assert results.total > 20
    assert sum("oil" in h.headline.lower() for h in results.hits) >= 4


def test_bbc_latin1_file_is_decoded(shared_corpora):
    (article,) = clean_file(shared_corpora / "bbc" / "sport" / "199.txt")
    assert "£" in " ".join(article.body)
    assert "\ufffd" not in " ".join(article.body)


def test_bbc_headline_is_first_line(shared_corpora):
    path = shared_corpora / "bbc" / "tech" / "001.txt"
    first_line = path.read_text(encoding="utf-8").splitlines()[0].strip()
    (article,) = clean_file(path)
    assert article.headline == first_line
    assert article.language == "en"


def _tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def test_news_pages_body_overlap(shared_corpora):
    """The cleaned body of real pages covers most of the expected text (token F1 over 20 pages)."""
    html_dir = shared_corpora / "newspaper4k_html" / "html"
    text_dir = shared_corpora / "newspaper4k_html" / "text"
    scores = []
    pages = [p for p in sorted(html_dir.glob("*.html")) if (text_dir / (p.stem + ".txt")).exists()][:20]
    for page in pages:
        expected = (text_dir / (page.stem + ".txt")).read_text(encoding="utf-8", errors="replace")
        try:
            (article, *_) = clean_file(page)
        except Exception:
            scores.append(0.0)
            continue
        got, want = _tokens(" ".join(article.body)), _tokens(expected)
        overlap = sum((got & want).values())
        if not overlap:
            scores.append(0.0)
            continue
        precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
        scores.append(2 * precision * recall / (precision + recall))
    assert sum(scores) / len(scores) > 0.7
