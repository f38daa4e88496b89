"""Ranking: pinned top results on the sample corpus, the BM25 IDF, and exact top-N collection.

The settings were tuned with benchmarks/bench_ranking.py (issue 7); the pins
below change only with them, deliberately, together with the README's
"Ranking" and "Ranking quality" sections.
"""

from __future__ import annotations

import random

import pytest
from whoosh import fields, query
from whoosh.filedb.filestore import RamStorage

from searchnews import NewsIndex
from searchnews.index.codec import create_array_index
from searchnews.index.schema import NewsBM25F, make_scoring
from searchnews.search.collect import top
from searchnews.search.evaluate import Evaluator


@pytest.fixture(scope="module")
def ix(sample_index):
    with NewsIndex.open(sample_index) as index:
        yield index


def headlines(ix, text, limit=3):
    return [h.headline for h in ix.search(text, limit=limit, highlight=False).hits]


@pytest.mark.parametrize(("text", "top"), [
    ("oil prices", ["Oil slides to lowest this year as China protests fuel demand fears",
                    "EU price cap on Russian oil takes effect as tankers queue off Turkey"]),
    # The second and third were 8.14 and 8.13 with Whoosh's one-byte field lengths; exact lengths
    # (the array codec) give 8.18 and 8.17 the other way round.
    ("missile launch japan", ["North Korean missile flies over Japan, triggering alerts and evacuation warnings",
                              "North Korea tests 'high-thrust' solid-fuel engine for new strategic weapon"]),
    ("world cup final", ["“We screamed until we had no voice left”: Lakeside fans ride World Cup final "
                         "rollercoaster"]),
    ("climate protest", ["UN climate talks open in Egypt with warnings of 'highway to climate hell'",
                         "Young activists stage sit-in at COP27 as finance talks stall"]),
])
def test_pinned_top_results(ix, text, top):
    assert headlines(ix, text, len(top)) == top


def _corpus_index(docs: list[tuple[str, str]], segments: int, folder=None):
    """An index of ``docs`` in ``segments`` commits: Whoosh's own codec in memory, or the array codec in ``folder``."""
    schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT, headline=fields.TEXT)
    index = RamStorage().create_index(schema) if folder is None else create_array_index(str(folder), schema)
    per = len(docs) // segments + 1
    for start in range(0, len(docs), per):
        writer = index.writer()
        for number, (headline, text) in enumerate(docs[start:start + per], start):
            writer.add_document(id=str(number), text=f"{headline} {text}", headline=headline)
        writer.commit(merge=False)  # one segment per commit, as a large index has
    return index


def test_bm25_idf_keeps_rare_words_far_above_common_ones():
    index = _corpus_index([("a", "common rare" if n == 0 else "common filler") for n in range(50)], 1)
    with index.searcher(weighting=make_scoring()) as searcher:
        rare, common = searcher.idf("text", "rare"), searcher.idf("text", "common")
    assert isinstance(make_scoring(), NewsBM25F)
    assert 0 < common < 0.1 and rare > 3  # Whoosh's own IDF gives the common word 1 + log(50/51)


def test_the_top_ten_are_the_true_top_ten_on_a_many_segment_index(tmp_path):
    """The page is the head of the full ranking (Whoosh's top-N collector once dropped articles from it)."""
    rng = random.Random(3)
    vocabulary = [f"w{n}" for n in range(60)]
    weights = [1 / (n + 1) for n in range(60)]

    def words(count):
        return " ".join(rng.choices(vocabulary, weights, k=count))

    docs = [(words(rng.randint(2, 8)), words(rng.randint(20, 200))) for _ in range(600)]
    index = _corpus_index(docs, 6, tmp_path)
    with index.searcher(weighting=make_scoring()) as searcher:
        for _ in range(40):
            chosen = rng.sample(vocabulary, rng.randint(2, 4))
            plain = query.Or([query.Term("text", w) for w in chosen])
            boosts = query.Or([query.Term("headline", w, boost=0.25) for w in chosen])
            q = query.AndMaybe(plain, boosts)
            everything = searcher.search(q, limit=None)
            want = [round(hit.score, 9) for hit in everything][:10]
            _docs, scores = top(Evaluator(searcher).evaluate(q), 10)
            assert [round(s, 9) for s in scores.tolist()] == want, chosen
