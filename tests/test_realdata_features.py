"""The search features on real news: Reuters-21578 (1987, with dates, places and topics).

Skipped, with the reason, when ../shared/corpora is absent. The records are
read by benchmarks/corpora.py and written as JSONL into a temporary folder;
the Reuters topic labels are the ground truth for "similar".
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest

from searchnews import NewsIndex

#: Reuters files indexed (each holds 1,000 stories; about 900 with a body).
FILES = 3


@pytest.fixture(scope="module")
def reuters(shared_corpora, tmp_path_factory, benchmark_module):
    """An index of the first Reuters files, and the records by id."""
    corpora = benchmark_module("corpora")
    records = list(itertools.islice(corpora.reuters_records(shared_corpora / "reuters21578"), FILES * 900))
    folder = tmp_path_factory.mktemp("reuters")
    corpora.write_jsonl(records, folder / "corpus")
    path = folder / "index"
    with NewsIndex.create(path) as ix:
        report = ix.add([folder / "corpus"])
    assert report.added == len(records)
    ix = NewsIndex.open(path)
    yield ix, {r["id"]: r for r in records}
    ix.close()


def test_month_filter_keeps_only_that_month(reuters):
    ix, records = reuters
    results = ix.search("oil", since="1987-03", until="1987-03", limit=1000, collapse=False)
    assert results.total > 10
    assert all(h.date and (h.date.year, h.date.month) == (1987, 3) for h in results.hits)
    # the ground truth: every March record whose text has the word
    expected = {i for i, r in records.items() if r["date"] and r["date"].startswith("1987-03")
                and "oil" in (r["headline"] + " " + r["body"]).lower().split()}
    found = {h.id for h in results.hits}
    assert expected <= found


def test_timeline_matches_the_search_totals_month_by_month(reuters):
    ix, _ = reuters
    timeline = ix.timeline("coffee", by="month")
    assert timeline.total > 5
    for bucket in timeline.buckets:
        month = bucket.start.strftime("%Y-%m")
        assert ix.search("coffee", since=month, until=month).total == bucket.count
    facets = ix.search("coffee", facets=True).facets
    assert {m: n for m, n in facets.months if m} == {b.label: b.count for b in timeline.buckets if b.count}


def test_newest_first_on_real_dates(reuters):
    ix, _ = reuters
    results = ix.search("wheat", sort="newest", limit=50)
    dates = [h.date for h in results.hits]
    assert None not in dates and dates == sorted(dates, reverse=True)


def test_sources_facet(reuters):
    ix, _ = reuters
    facets = ix.search("trade", facets=True).facets
    assert facets.sources == (("Reuters", facets.articles),)


def test_similar_articles_share_the_topic(reuters):
    ix, records = reuters
    shared = []
    chance = []
    for topic in ("coffee", "gold", "ship", "sugar", "cocoa"):
        seeds = [i for i, r in records.items() if r["topics"] == [topic] and len(r["body"]) > 600][:3]
        for seed in seeds:
            similar = ix.similar(seed, limit=5)
            assert seed not in {h.id for h in similar.hits}
            same = sum(topic in records[h.id]["topics"] for h in similar.hits)
            shared.append(same / max(1, len(similar.hits)))
            chance.append(sum(topic in r["topics"] for r in records.values()) / len(records))
    assert len(shared) >= 10
    # Reuters topics are broad (a "similar" article about the same company or country can carry
    # another topic): measured 0.58 of the five share the seed's topic, against 0.03 by chance.
    assert sum(shared) / len(shared) >= 0.45
    assert sum(shared) / len(shared) >= 5 * sum(chance) / len(chance)


def test_did_you_mean_on_real_vocabulary(reuters):
    ix, _ = reuters
    results = ix.search("cofee prices")
    assert results.suggestion == "coffee prices"
    assert ix.search("coffee prices").suggestion is None


def test_recency_prefers_later_stories(reuters):
    ix, _ = reuters
    plain = ix.search("oil prices", limit=20)
    recent = ix.search("oil prices", limit=20, recency="7d")
    mean = lambda hits: sum(h.date.toordinal() for h in hits) / len(hits)  # noqa: E731
    assert mean(recent.hits) > mean(plain.hits)
    newest = max(r.date for r in ix.search("oil", sort="newest", limit=1).hits)
    assert newest - dt.timedelta(days=30) <= recent.hits[0].date


def test_pages_are_stable_on_a_multi_segment_index(reuters):
    ix, _ = reuters
    full = [h.id for h in ix.search("bank rate", limit=60).hits]
    paged = []
    for offset in range(0, 60, 15):
        paged += [h.id for h in ix.search("bank rate", limit=15, offset=offset).hits]
    assert paged == full
    assert len(set(full)) == len(full)


def test_language_facet_is_english(reuters):
    ix, _ = reuters
    counts = Counter(dict(ix.search("said", facets=True).facets.languages))
    assert counts.most_common(1)[0][0] == "en"
