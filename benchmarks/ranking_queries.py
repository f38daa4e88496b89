"""The long-query tasks of benchmarks/bench_ranking.py: queries, judgments and measures.

Every task is a list of query dicts with ``query`` (the text a system gets),
``half`` ("tune" or "held-out", by a hash of a key: see :func:`half`) and
what its measure needs. :func:`evaluate` runs a system over a task and gives
the measures per half, with the number of queries the system refused.

Tasks (news: the BBC + Reuters-21578 articles of bench_ranking.py):

sentence known item
    200 articles (100 BBC, 100 Reuters; fixed seed; bodies not duplicated
    elsewhere, other articles than the short known-item task's) and, for
    each, one sentence of 12 to 40 words from its body (not the first
    sentence), paraphrased automatically as someone recalling it would:
    each word is dropped with probability 0.3, and each remaining content
    word (not a stop word, 4+ letters) is replaced with probability 0.15 by a
    common word (in 1-10% of the articles) that is not in the article, a
    misremembered word. Lower-cased, words only. MRR@10, S@1, S@10.
verbose topical
    The sentences and questions of benchmarks/topics_verbose.tsv, one per
    Reuters topic (the short queries of topics.tsv said at length); judged
    and condensed as the short topical task. MAP (top 1000) and nDCG@10.
pasted paragraph
    100 Reuters articles with a topic (fixed seed, bodies not duplicated),
    and for each a paragraph of 30 to 90 words from its body other than the
    first, pasted as written (punctuation, quotes, capitals) for searchnews,
    reduced to its lower-cased words for the other engines. Own MRR@10 and
    S@1 (the article the paragraph came from), and related P@10: the share
    of the first 10 other hits that are Reuters articles sharing a topic
    with it.
judged (CISI, CACM)
    The judged queries of ../shared/corpora/ir_judged (76 of CISI, 52 of
    CACM), lower-cased words only; each engine indexes title and abstract.
    MAP@100 (average precision over the first 100 hits, divided by the
    number of relevant documents, as trec_eval's map_cut_100) and nDCG@10
    (binary). The collections are not news: a check, not a target.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERBOSE_TOPICS_FILE = HERE / "topics_verbose.tsv"
SEED = 11
SENTENCE_ITEMS = {"bbc": 100, "reuters": 100}
PARAGRAPHS = 100
HALVES = ("tune", "held-out")


class Refused(Exception):
    """A system refused the query (searchnews's QuerySyntaxError, an engine's parse error)."""


def half(key: str) -> str:
    """The fixed split: "tune" or "held-out", by a hash of the article id, topic or query id."""
    return "tune" if hashlib.md5(key.encode()).digest()[0] % 2 == 0 else "held-out"


_TOKEN = re.compile(r"[a-z]+")
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"']?\s+(?=[\"'(]?[A-Z])")


def words_only(text: str) -> str:
    """A query reduced to its lower-cased words (what every engine can take as plain words)."""
    return " ".join(_WORD.findall(text.lower()))


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def paragraphs(record: dict) -> list[str]:
    """The body's paragraphs, line wraps undone (BBC: blank lines; Reuters: indented lines)."""
    body = record["body"]
    parts = re.split(r"\n\s*\n|\n {2,}", body) if record["id"].startswith("reuters/") else re.split(r"\n\s*\n", body)
    return [" ".join(p.split()) for p in parts if p.strip()]


def sentences(record: dict) -> list[str]:
    return [s for p in paragraphs(record) for s in _SENTENCE_END.split(p) if s.strip()]


class Stats:
    """Document frequencies of the news records' words (for the paraphrases)."""

    def __init__(self, recs: list[dict]) -> None:
        self.docs = [set(_tokens(r["headline"] + " " + r["body"])) for r in recs]
        self.df = Counter(t for d in self.docs for t in d)
        n = len(recs)
        from whoosh.analysis import STOP_WORDS

        self.stop = STOP_WORDS
        self.common = sorted(t for t, c in self.df.items()
                             if 0.01 * n <= c <= 0.1 * n and t not in STOP_WORDS and len(t) > 3)
        bodies = Counter(" ".join(_tokens(r["body"])) for r in recs)
        self.unique = [bodies[" ".join(_tokens(r["body"]))] == 1 for r in recs]


def sentence_queries(recs: list[dict], stats: Stats, exclude: set[str]) -> list[dict]:
    """The sentence known-item queries (see the module docstring)."""
    rng = random.Random(SEED)
    queries = []
    for corpus, count in SENTENCE_ITEMS.items():
        pool = []
        for i, r in enumerate(recs):
            if not r["id"].startswith(corpus + "/") or r["id"] in exclude or not stats.unique[i]:
                continue
            eligible = [s for s in sentences(r)[1:] if 12 <= len(_WORD.findall(s)) <= 40]
            if eligible:
                pool.append((i, eligible))
        for i, eligible in rng.sample(pool, count):
            sentence = rng.choice(eligible)
            words = []
            for word in _WORD.findall(sentence.lower()):
                if rng.random() < 0.3:
                    continue
                if word.isalpha() and len(word) > 3 and word not in stats.stop and rng.random() < 0.15:
                    word = rng.choice([t for t in stats.common if t not in stats.docs[i]])
                words.append(word)
            r = recs[i]
            queries.append({"id": r["id"], "query": " ".join(words), "half": half(r["id"])})
    return queries


def verbose_topic_queries(recs: list[dict], short: list[dict]) -> list[dict]:
    """The queries of topics_verbose.tsv, judged as the short topical queries of the same topics."""
    by_topic = {q["topic"]: q for q in short}
    queries = []
    for line in VERBOSE_TOPICS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        topic, text = line.split("\t")
        queries.append({**by_topic[topic], "query": words_only(text)})
    return queries


def paragraph_queries(recs: list[dict], stats: Stats, exclude: set[str]) -> list[dict]:
    """The pasted-paragraph queries (see the module docstring)."""
    rng = random.Random(SEED + 1)
    pool = []
    for i, r in enumerate(recs):
        if not r["id"].startswith("reuters/") or not r.get("topics") or r["id"] in exclude or not stats.unique[i]:
            continue
        eligible = [p for p in paragraphs(r)[1:] if 30 <= len(_WORD.findall(p)) <= 90]
        if eligible:
            pool.append((i, eligible))
    topics = {r["id"]: set(r.get("topics") or ()) for r in recs if r["id"].startswith("reuters/")}
    queries = []
    for i, eligible in rng.sample(pool, PARAGRAPHS):
        r = recs[i]
        text = rng.choice(eligible)
        related = {d for d, t in topics.items() if t & set(r["topics"]) and d != r["id"]}
        queries.append({"id": r["id"], "query": words_only(text), "raw": text, "related": related,
                        "half": half(r["id"])})
    return queries


def judged_queries(queries: list[dict]) -> list[dict]:
    return [{**q, "query": words_only(q["text"]), "half": half(q["id"])} for q in queries]


# ---------------------------------------------------------------------------
# Measures


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def average_precision(ranked: list[str], relevant: set[str], normaliser: int) -> float:
    found = total = 0.0
    for rank, doc in enumerate(ranked, 1):
        if doc in relevant:
            found += 1
            total += found / rank
    return total / normaliser if normaliser else 0.0


def ndcg10(ranked: list[str], relevant: set[str]) -> float:
    dcg = sum(1 / math.log2(rank + 1) for rank, doc in enumerate(ranked[:10], 1) if doc in relevant)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), 10) + 1))
    return dcg / ideal if ideal else 0.0


def _run(system, text: str, depth: int) -> list[str] | None:
    try:
        return system(text, depth)
    except Refused:
        return None


def _by_half(values: list[tuple[str, tuple | None]], names: tuple[str, ...]) -> dict[str, dict[str, float]]:
    out = {}
    for h in HALVES:
        rows = [v for key, v in values if key == h]
        answered = [v if v is not None else (0.0,) * len(names) for v in rows]
        out[h] = {name: _mean(v[k] for v in answered) for k, name in enumerate(names)}
        out[h]["n"] = len(rows)
        out[h]["refused"] = sum(v is None for v in rows)
    return out


def known_item(system, queries: list[dict], text_key: str = "query") -> dict:
    """MRR@10, S@1, S@10 per half (a refused query scores 0)."""
    values = []
    for q in queries:
        ranked = _run(system, q.get(text_key, q["query"]), 10)
        if ranked is None:
            values.append((q["half"], None))
            continue
        rank = ranked.index(q["id"]) + 1 if q["id"] in ranked else None
        values.append((q["half"], (1 / rank if rank else 0.0, float(rank == 1), float(rank is not None))))
    return _by_half(values, ("MRR@10", "S@1", "S@10"))


def topical(system, queries: list[dict], depth: int = 1000) -> dict:
    """MAP over ``depth`` (divided by min(relevant, depth)) and nDCG@10, condensed to the judged articles."""
    values = []
    for q in queries:
        ranked = _run(system, q["query"], depth)
        if ranked is None:
            values.append((q["half"], None))
            continue
        ranked = [d for d in ranked if d in q["judged"]]
        values.append((q["half"], (average_precision(ranked, q["relevant"], min(len(q["relevant"]), depth)),
                                   ndcg10(ranked, q["relevant"]))))
    return _by_half(values, ("MAP", "nDCG@10"))


def judged(system, queries: list[dict]) -> dict:
    """MAP@100 (divided by the number of relevant documents) and nDCG@10."""
    values = []
    for q in queries:
        ranked = _run(system, q["query"], 100)
        if ranked is None:
            values.append((q["half"], None))
            continue
        values.append((q["half"], (average_precision(ranked, q["relevant"], len(q["relevant"])),
                                   ndcg10(ranked, q["relevant"]))))
    return _by_half(values, ("MAP@100", "nDCG@10"))


def pasted(system, queries: list[dict], raw: bool = False) -> dict:
    """Own MRR@10 and S@1, and related P@10 over the first 10 other hits."""
    values = []
    for q in queries:
        ranked = _run(system, q["raw"] if raw else q["query"], 11)
        if ranked is None:
            values.append((q["half"], None))
            continue
        rank = ranked.index(q["id"]) + 1 if q["id"] in ranked[:10] else None
        others = [d for d in ranked if d != q["id"]][:10]
        values.append((q["half"], (1 / rank if rank else 0.0, float(rank == 1),
                                   sum(d in q["related"] for d in others) / 10)))
    return _by_half(values, ("MRR@10", "S@1", "related P@10"))


def similar(similar_ids, queries: list[dict]) -> dict:
    """Related P@10 of ``similar_ids(article_id, 10)`` (the article's related stories) for the pasted-task articles."""
    values = [(q["half"], (sum(d in q["related"] for d in similar_ids(q["id"], 10)) / 10,)) for q in queries]
    return _by_half(values, ("related P@10",))
