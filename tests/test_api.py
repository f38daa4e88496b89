"""The Python API: NewsIndex as other applications use it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

import searchnews
from searchnews import ArticleNotFound, NewsIndex, SearchnewsError


@pytest.fixture(scope="module")
def ix(sample_index):
    with NewsIndex.open(sample_index) as index:
        yield index


def test_public_names():
    for name in ("NewsIndex", "Article", "Hit", "SearchResults", "clean_file", "SearchnewsError",
                 "QuerySyntaxError", "IndexNotFound", "CorpusError"):
        assert name in searchnews.__all__
        assert hasattr(searchnews, name)


def test_errors_share_one_base_class():
    for name in ("CorpusError", "DocumentError", "IndexNotFound", "IndexCorrupt", "IndexLocked",
                 "IndexNotWritable", "ArticleNotFound", "QuerySyntaxError"):
        assert issubclass(getattr(searchnews, name), SearchnewsError)


def test_search_returns_frozen_results(ix):
    results = ix.search("ICBM sanctions", limit=5)
    assert isinstance(results, searchnews.SearchResults)
    assert len(results) == 5 and results.total >= 5 and results.took > 0
    hit = results.hits[0]
    with pytest.raises(AttributeError):
        hit.score = 0  # type: ignore[misc]
    assert hit.score >= results.hits[-1].score or results.all_words_total is not None


def test_get_returns_the_cleaned_article(ix):
    hit = ix.search('"most powerful" ICBM', limit=1).hits[0]
    article = ix.get(hit.id)
    assert article.headline == hit.headline
    assert article.source == "AFP"
    assert article.date == dt.datetime(2022, 11, 19, 9, 42)
    assert len(article.captions) == 2
    assert not any("PAY ATTENTION" in p for p in article.body)


def test_get_unknown_id(ix):
    with pytest.raises(ArticleNotFound, match="no article with id 'nope'"):
        ix.get("nope")


def test_len_and_stats(ix):
    stats = ix.stats()
    assert len(ix) == stats.articles == 45
    assert dict(stats.sources)["AFP"] >= 8
    assert stats.first_date.year == 2021 and stats.last_date.year == 2023
    assert {"en", "fr", "de"} <= set(dict(stats.languages))
    assert stats.size_bytes > 0


def test_search_from_several_threads(ix):
    expected = {q: [h.id for h in ix.search(q).hits] for q in ("oil", "ICBM sanctions", '"world cup"', "election")}
    errors, mismatches = [], []

    def worker():
        try:
            for _ in range(10):
                for query, ids in expected.items():
                    if [h.id for h in ix.search(query).hits] != ids:
                        mismatches.append(query)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and mismatches == []


def test_searcher_sees_new_commits(tmp_path, sample_corpus):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add([sample_corpus / "json"])
        before = index.search("Brightloop").total
        index.add([sample_corpus / "txt"])
        assert index.search("Kim").total > 0
        assert index.search("Brightloop").total == before


def test_context_manager_closes(tmp_path, sample_corpus):
    with NewsIndex.create(tmp_path / "ix") as index:
        index.add([sample_corpus / "json" / "single.json"])
        index.search("staff")
    with pytest.raises(SearchnewsError, match="closed"):
        index.search("staff")


def test_open_with_create(tmp_path):
    with NewsIndex.open(tmp_path / "new", create=True) as index:
        assert len(index) == 0
    assert NewsIndex.exists(tmp_path / "new")


def test_default_path_from_environment(tmp_path, monkeypatch, sample_corpus):
    monkeypatch.setenv("SEARCHNEWS_INDEX", str(tmp_path / "env-index"))
    with NewsIndex.create() as index:
        index.add(sample_corpus / "json" / "single.json")
    assert NewsIndex.exists(tmp_path / "env-index")


def test_clean_file_and_string(sample_corpus):
    (article,) = searchnews.clean_file(sample_corpus / "json" / "single.json")
    assert article.headline.startswith("Software firm Brightloop")
    text = "Dam opens\n\nDam opens\n\nThe new dam opened on Friday.\n\nAdvertisement\n"
    cleaned = searchnews.clean_string(text)
    assert (cleaned.headline, cleaned.body) == ("Dam opens", ("The new dam opened on Friday.",))


def test_the_searchers_of_ended_threads_are_closed(sample_index):
    """A server's thread pool drops idle threads: their searchers must not stay open with their files."""
    import threading

    with NewsIndex.open(sample_index) as ix:
        opened = []

        def search_once():
            ix.search("korea")
            opened.append(ix._local.searcher)

        for _ in range(3):
            thread = threading.Thread(target=search_once)
            thread.start()
            thread.join()
        ix.search("korea")  # this thread's searcher: the ended threads' ones are closed now
        assert all(searcher.is_closed for searcher in opened)
        assert len(ix._searchers) == 1
