"""Plain articles that start with their headline clean exactly as before the page-chrome finder went in.

The digests in tests/data were made with ``benchmarks/clean_digests.py`` before
the cleaner learned to find an article inside a whole page saved as text; a
change of output on the sample corpus, BBC or the seed example fails here.
The Reuters digests were made before the line rules became rows tried through
pattern sets (a change for speed that must not change a single article).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def digests(benchmark_module):
    return benchmark_module("clean_digests")


def _changed(digests, folder: Path, saved: str) -> list[str]:
    root = folder if folder.is_dir() else folder.parent
    got = digests.digests(digests.folder_files(folder), root)
    return digests.compare(got, json.loads((DATA / saved).read_text(encoding="utf-8")))


def test_sample_corpus_cleans_as_before(digests, sample_corpus):
    assert _changed(digests, sample_corpus, "clean_digests_sample.json") == []


def test_bbc_cleans_as_before(digests, shared_corpora):
    assert _changed(digests, shared_corpora / "bbc", "clean_digests_bbc.json") == []


def test_seed_example_cleans_as_before(digests, shared_corpora):
    assert _changed(digests, shared_corpora / "seed-example.txt", "clean_digests_seed.json") == []


def test_reuters_records_clean_as_before(digests, shared_corpora):
    want = json.loads((DATA / "clean_digests_reuters.json").read_text(encoding="utf-8"))
    assert digests.compare(digests.reuters_digests(len(want)), want) == []
