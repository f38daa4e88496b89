"""Shared fixtures: the sample corpus, the real corpora (skipped when absent) and built indexes."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from webtools import client, hostile_client, hostile_index, sample_server  # noqa: F401  (fixtures of the web app's tests)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "corpus"
SHARED_CORPORA = Path(os.environ.get("SEARCHNEWS_SHARED_CORPORA", ROOT.parent / "shared" / "corpora"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def sample_corpus() -> Path:
    """The sample corpus that ships in the repository."""
    return SAMPLE_CORPUS


@pytest.fixture(scope="session")
def shared_corpora() -> Path:
    """The real news corpora in ../shared/corpora; tests using it skip when it is absent."""
    if not (SHARED_CORPORA / "bbc").is_dir():
        pytest.skip(f"real corpora not found at {SHARED_CORPORA} (set SEARCHNEWS_SHARED_CORPORA)")
    return SHARED_CORPORA


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """An index of the sample corpus, built once per test session. Do not write to it."""
    from searchnews import NewsIndex

    path = tmp_path_factory.mktemp("sample") / "index"
    with NewsIndex.create(path) as ix:
        ix.add([SAMPLE_CORPUS])
    return path


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A private copy of the sample corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, target)
    return target


@pytest.fixture(scope="session")
def benchmark_module():
    """Load a script of benchmarks/ as a module: ``benchmark_module("corpora")`` (its readers and scorers)."""

    def load(name: str):
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


# The long run of the fuzz and property tests (tests/fuzzing.py): CI uses each test's own
# number of examples; pass --hypothesis-profile=searchnews-long to try many more.
settings.register_profile("searchnews-long", max_examples=20_000, deadline=None, database=None)
