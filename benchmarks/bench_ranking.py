"""Ranking quality of searchnews, side by side with stock Whoosh BM25F, SQLite FTS5 bm25 and tantivy.

Usage (from the repository root, with the project installed, and tantivy: pip install tantivy):

    python benchmarks/bench_ranking.py              # build (once) and measure, print every table (~10 minutes)
    python benchmarks/bench_ranking.py --tune       # also the grid of short-query settings (tuning half)
    python benchmarks/bench_ranking.py --tune-long  # also the grid of long-query settings (tuning half)
    python benchmarks/bench_ranking.py --long-only  # only the long-query tables

Documents: every BBC News article and every Reuters-21578 article with a body
(about 21,000), written once as JSONL under benchmarks/data/ranking/ (ignored
by git); and the judged collections CISI and CACM of ../shared/corpora/ir_judged
(title and abstract; a CACM record with a title only gets it as its text, since
searchnews's cleaner refuses a record without text). searchnews indexes the
JSONL files through its cleaner; stock Whoosh (StemmingAnalyzer, BM25F,
MultifieldParser over headline and body, all defaults), SQLite FTS5 (porter
tokenizer, ``ORDER BY rank``, i.e. bm25() with default weights) and tantivy
(en_stem tokenizer over headline and body, its default OR of words) get the raw
records. Each index is built once and cached under benchmarks/data/ranking/
(delete the folder to rebuild).

Short queries (the table searchnews was tuned on in issue 7):

known item
    300 articles (150 BBC, 150 Reuters, fixed seed, articles whose body is
    not duplicated elsewhere) and, for each, the query of someone who
    half-remembers it: 2-4 words drawn from the body's 15 most distinctive
    words (by tf-idf; words in at least 2 and at most 5% of the articles),
    in random order; a quarter of the queries also get a
    misremembered common word that is *not* in the article, another quarter
    an extra common word that is. Measured: MRR@10, success@1, success@10.
topical
    The hand-written queries of benchmarks/topics.tsv, one per Reuters
    TOPICS label; every Reuters article with that label is relevant.
    Rankings are condensed to the judged articles (Reuters articles with at
    least one topic; BBC and unlabelled articles are skipped, not counted
    wrong). Measured: MAP over the top 1000 (average precision divided by
    min(relevant, 1000)) and nDCG@10.

Long queries (issue 16; see ranking_queries.py): paraphrased sentences of an
article (known item), verbose Reuters topics (benchmarks/topics_verbose.tsv),
pasted paragraphs (own article and related stories), and the judged queries of
CISI and CACM (MAP@100, nDCG@10). A query a system refuses scores 0 and is
counted.

Stock Whoosh and FTS5 are run as they come, with all words required (their
default); the rows "(any word)" run them with OR as well, the strongest
simple alternative (the only one in the long-query tables). "searchnews
before (issue 16)" is the ranking before long queries were planned
(:data:`BEFORE_16`, with its limit of 24 words); "before tuning (issue 7)"
the one before issue 7. Queries are split into two halves by a hash of the
article id, topic or query id: searchnews's settings were tuned on the "tune"
half only; the "held-out" half is the check. searchnews runs without its time
limit here, so the figures do not depend on the load of the machine
(bench_speed.py times queries).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # benchmarks/ is a folder of scripts, not a package

import corpora  # noqa: E402
import ranking_queries as rq  # noqa: E402

WORK = corpora.DATA / "ranking"
SEED = 7
KNOWN_ITEMS = {"bbc": 150, "reuters": 150}
TOPICS_FILE = HERE / "topics.tsv"
DEPTH = 1000

# ---------------------------------------------------------------------------
# Documents and indexes


def records() -> list[dict]:
    """BBC and Reuters-21578 (with a body) as records; BBC articles get ``source`` BBC."""
    out = []
    for record in corpora.bbc_records():
        out.append({**record, "source": "BBC"})
    out.extend(corpora.reuters_records())
    return out


def corpus_folder(recs: list[dict], work: Path = WORK) -> Path:
    """The records as JSONL files for searchnews to index (written once)."""
    folder = work / "corpus"
    stamp = folder / "COUNT"
    if not stamp.exists():
        count, _ = corpora.write_jsonl(recs, folder)
        stamp.write_text(str(count))
    return folder


def _built(index: Path, build: Callable[[Path], None], name: str) -> Path:
    stamp = index / "BUILT"
    if stamp.exists():
        return index
    if index.exists():
        import shutil

        shutil.rmtree(index)
    index.mkdir(parents=True)
    print(f"{name}: building the index (once; cached in {index})…", file=sys.stderr)
    started = time.perf_counter()
    build(index)
    stamp.write_text(f"{time.perf_counter() - started:.1f}\n")
    return index


def build_searchnews(corpus: Path, work: Path = WORK) -> Path:
    def build(index: Path) -> None:
        from searchnews import NewsIndex

        with NewsIndex.create(index / "ix") as ix:
            ix.add([corpus])

    return _built(work / "searchnews", build, "searchnews")


def build_whoosh(recs: list[dict], work: Path = WORK) -> Path:
    def build(index: Path) -> None:
        from whoosh import fields
        from whoosh import index as whoosh_index
        from whoosh.analysis import StemmingAnalyzer

        schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                               headline=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
                               body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True))
        ix = whoosh_index.create_in(str(index), schema)
        writer = ix.writer(limitmb=256)
        for r in recs:
            writer.add_document(id=r["id"], headline=r["headline"], body=r["body"])
        writer.commit()

    return _built(work / "whoosh", build, "stock whoosh")


def build_fts5(recs: list[dict], work: Path = WORK) -> Path:
    def build(index: Path) -> None:
        db = sqlite3.connect(index / "fts.db")
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, headline, body, tokenize='porter')")
        with db:
            db.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((r["id"], r["headline"], r["body"]) for r in recs))
        db.close()

    return _built(work / "fts5", build, "fts5")


def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("headline", tokenizer_name="en_stem")
    builder.add_text_field("body", tokenizer_name="en_stem")
    return builder.build()


def build_tantivy(recs: list[dict], work: Path = WORK) -> Path:
    def build(index: Path) -> None:
        import tantivy

        ix = tantivy.Index(_tantivy_schema(), path=str(index))
        writer = ix.writer(heap_size=128_000_000, num_threads=1)
        for r in recs:
            writer.add_document(tantivy.Document(id=r["id"], headline=r["headline"], body=r["body"]))
        writer.commit()
        writer.wait_merging_threads()

    return _built(work / "tantivy", build, "tantivy")


# ---------------------------------------------------------------------------
# Systems: each is a function (query, depth) -> ranked article ids

_WORDS = re.compile(r"\w+", re.UNICODE)


def _terms(query: str) -> int:
    """The words, phrases and field values of a query, counted as searchnews's checker counted them."""
    return len(re.findall(r'"[^"]*"|[^\s()"\[\]{}]+', re.sub(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b", " ", query)))


class StockWhoosh:
    def __init__(self, index: Path, any_word: bool = False) -> None:
        from whoosh import index as whoosh_index
        from whoosh.qparser import MultifieldParser, OrGroup

        self.ix = whoosh_index.open_dir(str(index))
        self.searcher = self.ix.searcher()
        group = {"group": OrGroup} if any_word else {}
        self.parser = MultifieldParser(["headline", "body"], self.ix.schema, **group)

    def __call__(self, query: str, depth: int) -> list[str]:
        results = self.searcher.search(self.parser.parse(query), limit=depth)
        return [hit["id"] for hit in results]


class Fts5:
    def __init__(self, index: Path, any_word: bool = False) -> None:
        self.db = sqlite3.connect(index / "fts.db")
        self.joiner = " OR " if any_word else " "

    def __call__(self, query: str, depth: int) -> list[str]:
        # Each word quoted: FTS5 reads a bare word such as "and" or "not" as syntax.
        match = self.joiner.join(f'"{w}"' for w in _WORDS.findall(query))
        rows = self.db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", (match, depth))
        return [row[0] for row in rows]


class Tantivy:
    """tantivy-py: the en_stem tokenizer on headline and body, BM25, the words ORed (its default)."""

    def __init__(self, index: Path) -> None:
        import tantivy

        self.ix = tantivy.Index.open(str(index))
        self.ix.reload()
        self.searcher = self.ix.searcher()

    def __call__(self, query: str, depth: int) -> list[str]:
        words = " ".join(_WORDS.findall(query.lower()))
        if not words:
            return []
        parsed = self.ix.parse_query(words, ["headline", "body"])
        hits = self.searcher.search(parsed, limit=depth).hits
        return [self.searcher.doc(address)["id"][0] for _, address in hits]


#: The settings of searchnews that the benchmark can vary without re-indexing (see searchnews/index/schema.py).
TUNABLE = ("FIELD_WEIGHTS", "BM25_B", "BM25_K1", "PROXIMITY_WEIGHT", "PROXIMITY_SLOP")


class Searchnews:
    """searchnews's own search (run_search, as ``NewsIndex.search``), optionally with other settings."""

    def __init__(self, index: Path, settings: dict | None = None, refuse_over: int | None = None) -> None:
        from whoosh import index as whoosh_index

        from searchnews.index import schema

        self.schema = schema
        self.settings = settings or {}
        self.refuse_over = refuse_over  # the word limit of searchnews before issue 16, for its row
        self.ix = whoosh_index.open_dir(str(index / "ix"))
        with self._applied():
            weighting = schema.make_scoring()
            if self.settings.get("IDF") == "whoosh":  # Whoosh's own IDF, as before tuning
                from whoosh import scoring

                weighting = scoring.BM25F(B=weighting.B, K1=weighting.K1, **{
                    f"{f}_B": b for f, b in weighting._field_B.items()})
            self.searcher = self.ix.searcher(weighting=weighting)

    def _applied(self):
        """A context in which the settings replace the constants of searchnews's schema and plan modules."""
        import contextlib

        from searchnews.search import parse, plan, searching

        schema = self.schema

        @contextlib.contextmanager
        def applied():
            saved = [(schema, "BOOST_FIELDS", schema.BOOST_FIELDS), (plan, "parse", plan.parse),
                     (searching, "TIME_LIMIT", searching.TIME_LIMIT)]
            # No time limit: the figures must not depend on the load of the machine (bench_speed.py times queries).
            searching.TIME_LIMIT = math.inf
            try:
                for name, value in self.settings.items():
                    if name == "PARSE":  # "before": no reading of pasted text and question marks
                        plan.parse = parse.parse_query
                        continue
                    module = plan if name.startswith("plan.") else schema if name in TUNABLE else None
                    if module is not None:
                        name = name.removeprefix("plan.")
                        saved.append((module, name, getattr(module, name)))
                        setattr(module, name, value)
                weights = schema.FIELD_WEIGHTS
                schema.BOOST_FIELDS = {f: w for f, w in weights.items() if f != schema.TEXT}
                yield
            finally:
                for module, name, value in reversed(saved):
                    setattr(module, name, value)

        return applied()

    #: Searchnews takes a pasted paragraph as written; the other engines its words.
    takes_raw = True

    def __call__(self, query: str, depth: int) -> list[str]:
        from searchnews import QuerySyntaxError
        from searchnews.search.searching import run_search

        if self.refuse_over is not None and _terms(query) > self.refuse_over:
            raise rq.Refused(f"too many words (the limit was {self.refuse_over})")
        with self._applied():
            try:
                if self.settings.get("ALL_WORDS_FIRST", True):
                    results = run_search(self.searcher, query, limit=depth, highlight=False, suggest=False)
                    return [hit.id for hit in results.hits]
                return self._any_word(query, depth)
            except QuerySyntaxError as exc:
                raise rq.Refused(str(exc)) from None

    def similar(self, article_id: str, depth: int) -> list[str]:
        """The ids of ``searchnews similar`` for an article."""
        from searchnews.search.context import SearchContext
        from searchnews.search.searching import SearchOptions
        from searchnews.search.similar import similar_articles

        with self._applied():
            results = similar_articles(self.searcher, article_id, SearchOptions(limit=depth, highlight=False),
                                       context=SearchContext(self.searcher))
        return [hit.id for hit in results.hits]

    def _any_word(self, text: str, depth: int) -> list[str]:
        """A variant for tuning: every article with any of the words, in one BM25F ranking (no tiers)."""
        from searchnews.search.collect import top
        from searchnews.search.context import SearchContext
        from searchnews.search.parse import expand_languages, index_languages, parse_query, with_field_boosts

        strict, loose = parse_query(text, self.searcher.schema)
        languages = index_languages(self.searcher)
        q = expand_languages(with_field_boosts(loose), languages, stop_filters=False)
        bonus = self.settings.get("ALL_WORDS_BONUS", 0.0)
        if bonus and strict != loose:  # soft all-words: a bonus, not a tier
            from whoosh import query

            strict = expand_languages(strict, languages)
            strict.boost = bonus
            q = query.AndMaybe(q, strict)
        docs, _scores = top(SearchContext(self.searcher).evaluator().evaluate(q), depth)
        return [self.searcher.stored_fields(docnum)["id"] for docnum in docs.tolist()]


# ---------------------------------------------------------------------------
# Queries


def half(key: str) -> str:
    """The fixed split: "tune" or "held-out", by a hash of the article id or topic."""
    return "tune" if hashlib.md5(key.encode()).digest()[0] % 2 == 0 else "held-out"


_TOKEN = re.compile(r"[a-z]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def known_item_queries(recs: list[dict]) -> list[dict]:
    """The known-item queries: reproducible (fixed seed), from the article bodies (see the module docstring)."""
    from whoosh.analysis import STOP_WORDS

    docs = [set(_tokens(r["headline"] + " " + r["body"])) for r in recs]
    df = Counter(t for d in docs for t in d)
    n = len(recs)
    idf = {t: math.log(n / c) for t, c in df.items()}
    bodies = Counter(" ".join(_tokens(r["body"])) for r in recs)
    common = sorted(t for t, c in df.items() if 0.01 * n <= c <= 0.1 * n and t not in STOP_WORDS and len(t) > 3)
    rng = random.Random(SEED)
    queries = []
    for corpus, count in KNOWN_ITEMS.items():
        pool = [i for i, r in enumerate(recs) if r["id"].startswith(corpus + "/")
                and len(_tokens(r["body"])) >= 50 and bodies[" ".join(_tokens(r["body"]))] == 1]
        for i in rng.sample(pool, count):
            r = recs[i]
            tf = Counter(t for t in _tokens(r["body"]) if len(t) > 3 and t not in STOP_WORDS
                     and 2 <= df[t] <= 0.05 * n)
            ranked = sorted(tf, key=lambda t: (-tf[t] * idf[t], t))[:15]
            words = rng.sample(ranked, min(len(ranked), rng.choice((2, 3, 4))))
            roll = rng.random()
            if roll < 0.25:  # a misremembered word: common, but not in the article
                words.append(rng.choice([t for t in common if t not in docs[i]]))
            elif roll < 0.5:  # an extra common word that is in the article
                extra = [t for t in common if t in docs[i] and t not in words]
                if extra:
                    words.append(rng.choice(extra))
            rng.shuffle(words)
            queries.append({"id": r["id"], "query": " ".join(words), "half": half(r["id"])})
    return queries


def topic_queries(recs: list[dict]) -> list[dict]:
    judged = {r["id"] for r in recs if r.get("topics") and r["id"].startswith("reuters/")}
    queries = []
    for line in TOPICS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        topic, text = line.split("\t")
        relevant = {r["id"] for r in recs if topic in r.get("topics", ()) and r["id"].startswith("reuters/")}
        queries.append({"topic": topic, "query": text, "relevant": relevant, "judged": judged,
                        "half": half(topic)})
    return queries


# ---------------------------------------------------------------------------
# Measures


def known_item_scores(system, queries: list[dict]) -> dict[str, dict[str, float]]:
    by_half: dict[str, list[tuple[float, float, float]]] = {}
    for q in queries:
        ranked = system(q["query"], 10)
        rank = ranked.index(q["id"]) + 1 if q["id"] in ranked else None
        by_half.setdefault(q["half"], []).append((1 / rank if rank else 0.0, rank == 1, rank is not None))
    return {h: {"MRR@10": _mean(v[0] for v in vals), "S@1": _mean(v[1] for v in vals),
                "S@10": _mean(v[2] for v in vals), "n": len(vals)} for h, vals in by_half.items()}


def _average_precision(ranked: list[str], relevant: set[str]) -> float:
    found = total = 0.0
    for rank, doc in enumerate(ranked, 1):
        if doc in relevant:
            found += 1
            total += found / rank
    return total / min(len(relevant), DEPTH) if relevant else 0.0


def _ndcg10(ranked: list[str], relevant: set[str]) -> float:
    dcg = sum(1 / math.log2(rank + 1) for rank, doc in enumerate(ranked[:10], 1) if doc in relevant)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), 10) + 1))
    return dcg / ideal if ideal else 0.0


def topical_scores(system, queries: list[dict]) -> dict[str, dict[str, float]]:
    by_half: dict[str, list[tuple[float, float]]] = {}
    for q in queries:
        ranked = [d for d in system(q["query"], DEPTH) if d in q["judged"]]
        by_half.setdefault(q["half"], []).append((_average_precision(ranked, q["relevant"]),
                                                  _ndcg10(ranked, q["relevant"])))
    return {h: {"MAP": _mean(v[0] for v in vals), "nDCG@10": _mean(v[1] for v in vals), "n": len(vals)}
            for h, vals in by_half.items()}


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


MEASURES = (("known", "MRR@10"), ("known", "S@1"), ("known", "S@10"), ("topical", "MAP"), ("topical", "nDCG@10"))


def evaluate(system, known: list[dict], topical: list[dict]) -> dict:
    return {"known": known_item_scores(system, known), "topical": topical_scores(system, topical)}


def row(name: str, scores: dict, halves=("tune", "held-out")) -> str:
    cells = []
    for h in halves:
        cells += [f"{scores[task][h][measure]:.3f}" for task, measure in MEASURES]
    return f"| {name} | " + " | ".join(cells) + " |"


def table(rows: list[tuple[str, dict]], known: list[dict], topical: list[dict]) -> str:
    counts = {h: (sum(q["half"] == h for q in known), sum(q["half"] == h for q in topical))
              for h in ("tune", "held-out")}
    head = "| system | " + " | ".join(f"{h} {m}" for h in ("tune", "held-out") for _, m in MEASURES) + " |"
    lines = [f"Queries: tune half {counts['tune'][0]} known-item + {counts['tune'][1]} topical; "
             f"held-out half {counts['held-out'][0]} + {counts['held-out'][1]}.", "",
             head, "|---|" + "---:|" * (2 * len(MEASURES))]
    lines += [row(name, scores) for name, scores in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Tuning: settings tried for searchnews, on the tune half only

#: The settings before tuning (issue 7), measured as their own row.
BEFORE = {"FIELD_WEIGHTS": {"text": 1.0, "headline": 3.0, "captions": 1.5},
          "BM25_B": {"text": 0.75, "headline": 0.5, "captions": 0.5}, "BM25_K1": 1.2,
          "PROXIMITY_WEIGHT": 0.0, "IDF": "whoosh"}


#: searchnews before issue 16 (with its limit of 24 words: ``refuse_over``): every query in tiers, no
#: cost guard, no query-word weights, no reading of pasted text or question marks.
BEFORE_16 = {"plan.SHORT_WORDS": math.inf, "plan.MAX_SCORED_WORDS": math.inf, "plan.MAX_POSTINGS": math.inf,
             "plan.QUERY_TF_K3": 0, "PARSE": "before"}


def grid() -> list[tuple[str, dict]]:
    """The settings tried, stage by stage (each stage kept the best of the one before)."""
    lucene = {**BEFORE, "IDF": "lucene"}
    any_word = {**lucene, "ALL_WORDS_FIRST": False}

    def weights(headline: float, captions: float = 1.5) -> dict:
        return {"FIELD_WEIGHTS": {"text": 1.0, "headline": headline, "captions": captions}}

    return [
        ("before tuning (Whoosh IDF, headline 3)", BEFORE),
        ("any word, no all-words tier", {**BEFORE, "ALL_WORDS_FIRST": False}),
        # 1. IDF
        ("BM25 IDF", lucene),
        ("BM25 IDF, any word", any_word),
        # 2. headline weight, and when to require all words
        ("BM25 IDF, headline 1", {**lucene, **weights(1.0)}),
        ("BM25 IDF, headline 0.5", {**lucene, **weights(0.5)}),
        ("BM25 IDF, headline 0.25", {**lucene, **weights(0.25, 0.5)}),
        ("any word, headline 0", {**any_word, **weights(0.0)}),
        ("any word, headline 0.5", {**any_word, **weights(0.5)}),
        ("any word, headline 1", {**any_word, **weights(1.0)}),
        ("any word, Whoosh IDF, headline 0.5", {**any_word, "IDF": "whoosh", **weights(0.5)}),
        ("any word, headline 0.5, all-words bonus 0.3", {**any_word, **weights(0.5), "ALL_WORDS_BONUS": 0.3}),
        ("any word, headline 0.5, all-words bonus 1", {**any_word, **weights(0.5), "ALL_WORDS_BONUS": 1.0}),
        ("any word, headline 0.25, all-words bonus 0.3", {**any_word, **weights(0.25), "ALL_WORDS_BONUS": 0.3}),
        # 3. K1, B, proximity
        ("BM25 IDF, headline 0.5, K1 1.6", {**lucene, **weights(0.5, 0.5), "BM25_K1": 1.6}),
        ("BM25 IDF, headline 0.5, text B 0.6", {**lucene, **weights(0.5, 0.5),
                                                "BM25_B": {"text": 0.6, "headline": 0.5, "captions": 0.5}}),
        ("BM25 IDF, headline 1, proximity 1 (slop 3)", {**lucene, **weights(1.0), "PROXIMITY_WEIGHT": 1.0,
                                                         "PROXIMITY_SLOP": 3}),
        ("any word, headline 0.25, bonus 0.3, proximity 0.5", {**any_word, **weights(0.25), "ALL_WORDS_BONUS": 0.3,
                                                               "PROXIMITY_WEIGHT": 0.5, "PROXIMITY_SLOP": 3}),
        ("any word, headline 0.25, bonus 0.3, K1 1.6", {**any_word, **weights(0.25), "ALL_WORDS_BONUS": 0.3,
                                                        "BM25_K1": 1.6}),
        ("any word, headline 0.25, bonus 0.3, text B 0.9", {**any_word, **weights(0.25), "ALL_WORDS_BONUS": 0.3,
                                                            "BM25_B": {"text": 0.9, "headline": 0.5,
                                                                       "captions": 0.5}}),
    ]


def long_grid() -> list[tuple[str, dict]]:
    """The settings tried for long queries (issue 16), each against the settings kept (the first row)."""
    return [
        ("kept: tiers up to 4 words, query-word weights, guard 24 words / 40k postings, proximity 0.25", {}),
        ("no proximity", {"plan.PROXIMITY_WEIGHT": 0.0}),
        ("proximity 1, slop 2", {"plan.PROXIMITY_WEIGHT": 1.0, "plan.PROXIMITY_SLOP": 2}),
        ("proximity 0.5, slop 3", {"plan.PROXIMITY_WEIGHT": 0.5}),
        ("a repeated word counts once (k3 0)", {"plan.QUERY_TF_K3": 0}),
        ("no request words", {"plan.REQUEST_WORDS": frozenset()}),
        ("no cost guard", {"plan.MAX_SCORED_WORDS": math.inf, "plan.MAX_POSTINGS": math.inf}),
        ("guard 10k postings", {"plan.MAX_POSTINGS": 10_000}),
        ("tiers for every query", {"plan.SHORT_WORDS": math.inf}),
        ("RM3 feedback, 10 documents, 10 terms, 0.3, every long query",
         {"plan.FEEDBACK_DOCS": 10, "plan.FEEDBACK_QUESTIONS_ONLY": False}),
        ("Bo1 feedback, 10 documents, 10 terms, 0.3, every long query",
         {"plan.FEEDBACK_DOCS": 10, "plan.FEEDBACK_MODEL": "bo1", "plan.FEEDBACK_QUESTIONS_ONLY": False}),
        ("Bo1 feedback, 10 documents, 10 terms, 0.3, questions only",
         {"plan.FEEDBACK_DOCS": 10, "plan.FEEDBACK_MODEL": "bo1"}),
    ]


def tune_long(indexes, tasks: dict[str, list[dict]], variants: list[tuple[str, dict]]) -> None:
    """The long-query settings tried, on the tune half of every task."""
    columns = (*NEWS_LONG, *JUDGED_COLUMNS, ("known", "MRR@10"), ("topical", "MAP"))
    tune = {name: [q for q in qs if q["half"] == "tune"] for name, qs in tasks.items()}
    print("| setting | " + " | ".join(f"{task} {m}" for task, m in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name, settings in variants:
        news = Searchnews(indexes["news"]["searchnews"], settings)
        scores = {"sentence": rq.known_item(news, tune["sentence"]), "verbose": rq.topical(news, tune["verbose"]),
                  "pasted": rq.pasted(news, tune["pasted"], raw=True),
                  "known": rq.known_item(news, tune["known"]), "topical": rq.topical(news, tune["topical"])}
        for c in corpora.JUDGED:
            scores[c] = rq.judged(Searchnews(indexes[c]["searchnews"], settings), tune[c])
        print(f"| {name} | " + " | ".join(f"{scores[t]['tune'][m]:.3f}" for t, m in columns) + " |", flush=True)


def tune(index: Path, known: list[dict], topical: list[dict], variants: list[tuple[str, dict]]) -> None:
    known = [q for q in known if q["half"] == "tune"]
    topical = [q for q in topical if q["half"] == "tune"]
    print("| setting | " + " | ".join(m for _, m in MEASURES) + " |")
    print("|---|" + "---:|" * len(MEASURES))
    for name, settings in variants:
        scores = evaluate(Searchnews(index, settings), known, topical)
        print(row(name, scores, halves=("tune",)), flush=True)


# ---------------------------------------------------------------------------


def build_all(recs: list[dict]) -> dict[str, dict[str, Path]]:
    """Every index of every collection, built once and cached: {collection: {engine: folder}}."""
    indexes = {"news": {"fts5": build_fts5(recs), "whoosh": build_whoosh(recs), "tantivy": build_tantivy(recs),
                        "searchnews": build_searchnews(corpus_folder(recs))}}
    for name in corpora.JUDGED:
        docs, _ = corpora.judged_collection(name)
        work = WORK / name
        indexes[name] = {"fts5": build_fts5(docs, work), "whoosh": build_whoosh(docs, work),
                         "tantivy": build_tantivy(docs, work),
                         "searchnews": build_searchnews(corpus_folder(_with_text(docs), work), work)}
    return indexes


def _with_text(docs: list[dict]) -> list[dict]:
    """Records searchnews can index: its cleaner refuses a record with no text, so a title-only
    record (most of CACM) gets its title as its text."""
    return [d if d["body"].strip() else {**d, "headline": "", "body": d["headline"]} for d in docs]


#: The engines of the long-query tables: (row name, factory of the system from the collection's indexes).
ENGINES: list[tuple[str, Callable[[dict[str, Path]], Callable]]] = [
    ("stock Whoosh BM25F (any word)", lambda ix: StockWhoosh(ix["whoosh"], any_word=True)),
    ("SQLite FTS5 bm25 (any word)", lambda ix: Fts5(ix["fts5"], any_word=True)),
    ("tantivy (any word)", lambda ix: Tantivy(ix["tantivy"])),
    ("searchnews before (issue 16)", lambda ix: Searchnews(ix["searchnews"], BEFORE_16, refuse_over=24)),
    ("**searchnews**", lambda ix: Searchnews(ix["searchnews"])),
]

#: Columns of the long-query tables: (task, measure).
NEWS_LONG = (("sentence", "MRR@10"), ("sentence", "S@1"), ("sentence", "S@10"), ("verbose", "MAP"),
             ("verbose", "nDCG@10"), ("pasted", "MRR@10"), ("pasted", "S@1"), ("pasted", "related P@10"))
JUDGED_COLUMNS = (("cisi", "MAP@100"), ("cisi", "nDCG@10"), ("cacm", "MAP@100"), ("cacm", "nDCG@10"))


def long_table(rows: list[tuple[str, dict]], columns) -> str:
    """A row per system and half: the columns, and the queries the system refused (they score 0)."""
    head = "| system | half | " + " | ".join(f"{task} {m}" for task, m in columns) + " | refused |"
    lines = [head, "|---|---|" + "---:|" * (len(columns) + 1)]
    tasks = sorted({task for task, _ in columns})
    for h in rq.HALVES:
        for name, scores in rows:
            cells = [f"{scores[task][h][m]:.3f}" for task, m in columns]
            cells.append(str(sum(scores[task][h]["refused"] for task in tasks)))
            lines.append(f"| {name} | {h} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def counts(tasks: dict[str, list[dict]]) -> str:
    return "; ".join(f"{name} {sum(q['half'] == 'tune' for q in qs)} + {sum(q['half'] == 'held-out' for q in qs)}"
                     for name, qs in tasks.items())


def long_tasks(recs, known, topical) -> dict[str, list[dict]]:
    """The queries of the long-query tasks (see ranking_queries.py)."""
    stats = rq.Stats(recs)
    exclude = {q["id"] for q in known}
    sentence = rq.sentence_queries(recs, stats, exclude)
    pasted = rq.paragraph_queries(recs, stats, exclude | {q["id"] for q in sentence})
    return {"sentence": sentence, "pasted": pasted, "verbose": rq.verbose_topic_queries(recs, topical),
            **{name: rq.judged_queries(corpora.judged_collection(name)[1]) for name in corpora.JUDGED}}


def long_queries(indexes, tasks: dict[str, list[dict]], engines) -> tuple[str, list]:
    """The long-query tables (news and judged collections), as markdown, and their rows."""
    sentence, pasted, verbose = tasks["sentence"], tasks["pasted"], tasks["verbose"]
    judged = {name: tasks[name] for name in corpora.JUDGED}
    (WORK / "long_queries.tsv").write_text("".join(f"{q['id']}\t{q['half']}\t{q['query']}\n"
                                                   for q in sentence + pasted))
    news_rows, judged_rows = [], []
    for name, make in engines:
        print(f"{name}: long queries…", file=sys.stderr)
        system = make(indexes["news"])
        raw = getattr(system, "takes_raw", False)
        news_rows.append((name, {"sentence": rq.known_item(system, sentence), "verbose": rq.topical(system, verbose),
                                 "pasted": rq.pasted(system, pasted, raw=raw)}))
        judged_rows.append((name, {c: rq.judged(make(indexes[c]), judged[c]) for c in corpora.JUDGED}))
    related = rq.similar(Searchnews(indexes["news"]["searchnews"]).similar, pasted)
    note = ("searchnews similar, for the articles of the pasted paragraphs: related P@10 "
            + ", ".join(f"{h} {related[h]['related P@10']:.3f}" for h in rq.HALVES) + ".")
    out = [note, "", "Long news queries (tune + held-out): " + counts({"sentence": sentence, "verbose": verbose,
                                                              "pasted": pasted}) + ".", "",
           long_table(news_rows, NEWS_LONG), "",
           "Judged collections (tune + held-out): " + counts(judged) + ".", "",
           long_table(judged_rows, JUDGED_COLUMNS)]
    return "\n".join(out), [news_rows, judged_rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="also print the grid of settings tried (tune half)")
    parser.add_argument("--build-only", action="store_true", help="build the cached indexes and stop")
    parser.add_argument("--tune-long", action="store_true",
                        help="also print the long-query settings tried (tune half; about 30 minutes)")
    parser.add_argument("--long-only", action="store_true", help="only the long-query tables")
    args = parser.parse_args()
    if not (corpora.SHARED / "bbc").is_dir():
        sys.exit(f"the corpora are not at {corpora.SHARED}; set SEARCHNEWS_SHARED_CORPORA")
    try:
        import tantivy  # noqa: F401
    except ImportError:
        sys.exit("tantivy is not installed: pip install tantivy")
    started = time.perf_counter()
    recs = records()
    indexes = build_all(recs)
    if args.build_only:
        return
    news = indexes["news"]
    known, topical = known_item_queries(recs), topic_queries(recs)
    (WORK / "known_items.tsv").write_text("".join(f"{q['id']}\t{q['half']}\t{q['query']}\n" for q in known))
    tasks = long_tasks(recs, known, topical)
    if args.tune:
        tune(news["searchnews"], known, topical, grid())
        print()
    if args.tune_long:
        tune_long(indexes, {**tasks, "known": known, "topical": topical}, long_grid())
        print()
    outputs, data = [], {}
    if not args.long_only:
        systems = [
            ("stock Whoosh BM25F", StockWhoosh(news["whoosh"])),
            ("stock Whoosh BM25F (any word)", StockWhoosh(news["whoosh"], any_word=True)),
            ("SQLite FTS5 bm25", Fts5(news["fts5"])),
            ("SQLite FTS5 bm25 (any word)", Fts5(news["fts5"], any_word=True)),
            ("tantivy (any word)", Tantivy(news["tantivy"])),
            ("searchnews before tuning (issue 7)", Searchnews(news["searchnews"], {**BEFORE_16, **BEFORE})),
            ("searchnews before (issue 16)", Searchnews(news["searchnews"], BEFORE_16, refuse_over=24)),
            ("**searchnews**", Searchnews(news["searchnews"])),
        ]
        rows = []
        for name, system in systems:
            print(f"{name}: querying…", file=sys.stderr)
            rows.append((name, evaluate(system, known, topical)))
        outputs.append(table(rows, known, topical))
        data["short"] = rows
    text, data["long"] = long_queries(indexes, tasks, ENGINES)
    outputs.append(text)
    out = "\n\n".join(outputs)
    print(out)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"ranking-{stamp}.md").write_text(out + "\n")
    (results / f"ranking-{stamp}.json").write_text(json.dumps(data, indent=1, default=sorted))


if __name__ == "__main__":
    main()
