"""The benchmark scripts find the real corpora where the tests do, and fail with a sentence, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_score_cleaning_reads_the_shared_corpora_variable(benchmark_module, monkeypatch, tmp_path):
    monkeypatch.setenv("SEARCHNEWS_SHARED_CORPORA", str(tmp_path))
    scorer = benchmark_module("score_cleaning")
    assert scorer.PAGES == tmp_path / "newspaper4k_html"


def test_score_cleaning_says_why_it_skips_the_real_pages(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "score_cleaning.py"), "--json"],
                          capture_output=True, text=True, timeout=300,
                          env={"SEARCHNEWS_SHARED_CORPORA": str(tmp_path), "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert f"real pages not found at {tmp_path / 'newspaper4k_html'}: set SEARCHNEWS_SHARED_CORPORA" in done.stderr


def test_bench_basic_without_its_corpus_is_one_line(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_basic.py")], capture_output=True,
                          text=True, timeout=300, env={"SEARCHNEWS_SHARED_CORPORA": str(tmp_path), "PATH": ""})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"bench_basic: {tmp_path / 'bbc'}: no such file or folder (the corpus is set "
                                   f"by CORPUS or $SEARCHNEWS_SHARED_CORPORA)")
