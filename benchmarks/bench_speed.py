"""Indexing and query speed of searchnews, side by side with stock Whoosh, SQLite FTS5 and tantivy.

Usage (from the repository root, with the project installed):

    python benchmarks/bench_speed.py                      # 10k and 100k articles, every system
    python benchmarks/bench_speed.py --sizes 10000 100000 300000 --systems searchnews
    python benchmarks/bench_speed.py --sizes 20000 --systems searchnews whoosh fts5 tantivy
    python benchmarks/bench_speed.py --index DIR          # only the query times of an existing searchnews index

The corpus is BBC News plus Reuters-21578 from ../shared/corpora, repeated with
distinct ids to each size and written once as JSONL files under
benchmarks/data/ (ignored by git). Every system indexes the same records:
headline, body, source and date. searchnews reads the JSONL files itself, so
its figures include reading and cleaning; the others get the records ready-made.

Each build and each query run is its own process, so peak RSS (max resident
set size) is per system. Queries are the 50+ in benchmarks/queries.txt: warm
p50 and p95 over 3 passes, with and without highlighted snippets for the top
10; "long" are the 20 questions and pasted paragraphs of 20 to 70 words in
benchmarks/long_queries.txt (warm p50 and p95 over 3 passes, without
snippets), which each system gets as its words ORed (the others would
require every word), searchnews as written; cold is the first query after opening the index (median over 5 opens);
"process" is `searchnews query` as a whole command (median over 5 queries).
Results are printed as a Markdown table and saved to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # benchmarks/ is a folder of scripts, not a package

import corpora  # noqa: E402

SYSTEMS = ("searchnews", "whoosh", "fts5", "tantivy")
PASSES = 3
TOP = 10


def load_queries(name: str = "queries.txt") -> list[str]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [q for q in lines if q.strip() and not q.startswith("#")]


def _words(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# ---------------------------------------------------------------------------
# The systems. Each has build(corpus_dir, index_dir) and a Searcher(index_dir) with search(q, highlight).

_DATE_RANGE = re.compile(r"date:\[(\S+) TO (\S+)\]")


class SearchnewsSystem:
    @staticmethod
    def build(corpus: Path, index: Path) -> dict:
        from searchnews import NewsIndex

        with NewsIndex.create(index) as ix:
            report = ix.add([corpus])
            return {"articles": report.added, "segments": len(ix._ix._segments())}

    @staticmethod
    def reindex(corpus: Path, index: Path) -> dict:
        from searchnews import NewsIndex

        with NewsIndex.open(index) as ix:
            report = ix.add([corpus])
        return {"unchanged": report.unchanged}

    class Searcher:
        def __init__(self, index: Path) -> None:
            from searchnews import NewsIndex

            self.ix = NewsIndex.open(index)

        def search(self, query: str, highlight: bool) -> int:
            return self.ix.search(query, limit=TOP, highlight=highlight).total

        def search_long(self, query: str) -> int:
            return self.search(query, False)


def _stock_schema():
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    return fields.Schema(id=fields.ID(stored=True, unique=True),
                         headline=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
                         body=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
                         source=fields.TEXT(stored=True), date=fields.DATETIME(stored=True))


class WhooshSystem:
    """Stock Whoosh used the obvious way: StemmingAnalyzer, BM25F, one writer, the default highlighter."""

    @staticmethod
    def build(corpus: Path, index: Path) -> dict:
        import datetime as dt

        from whoosh import index as whoosh_index

        index.mkdir(parents=True)
        ix = whoosh_index.create_in(str(index), _stock_schema())
        writer = ix.writer(limitmb=256)
        count = 0
        for record in corpora.read_jsonl(corpus):
            doc = {"id": record["id"], "headline": record["headline"], "body": record["body"],
                   "source": record.get("source") or "BBC"}
            if record.get("date"):
                doc["date"] = dt.datetime.fromisoformat(record["date"])
            writer.add_document(**doc)
            count += 1
        writer.commit()
        return {"articles": count}

    class Searcher:
        def __init__(self, index: Path) -> None:
            from whoosh import index as whoosh_index
            from whoosh.qparser import MultifieldParser, OrGroup

            self.ix = whoosh_index.open_dir(str(index))
            self.searcher = self.ix.searcher()
            self.parser = MultifieldParser(["headline", "body"], self.ix.schema)
            self.any_word = MultifieldParser(["headline", "body"], self.ix.schema, group=OrGroup)

        def search(self, query: str, highlight: bool) -> int:
            results = self.searcher.search(self.parser.parse(query), limit=TOP)
            if highlight:
                for hit in results:
                    hit.highlights("body")
            return len(results)

        def search_long(self, query: str) -> int:
            return len(self.searcher.search(self.any_word.parse(" ".join(_words(query))), limit=TOP))


def _fts_query(query: str) -> tuple[str, tuple[str, ...]]:
    where, args = "", ()
    match = _DATE_RANGE.search(query)
    if match:
        where, args = " AND date BETWEEN ? AND ?", (match.group(1), match.group(2) + "T99")
        query = _DATE_RANGE.sub("", query).strip() or '"the"'
    query = re.sub(r"\b(headline|body|source):", r"\1 : ", query)
    return query, where, args


class Fts5System:
    """SQLite FTS5 with the porter tokenizer, ranked by bm25(), snippets by snippet()."""

    @staticmethod
    def build(corpus: Path, index: Path) -> dict:
        index.mkdir(parents=True)
        db = sqlite3.connect(index / "fts.db")
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, headline, body, source, date UNINDEXED, "
                   "tokenize='porter')")
        count = 0
        rows = ((r["id"], r["headline"], r["body"], r.get("source") or "BBC", r.get("date") or "")
                for r in corpora.read_jsonl(corpus))
        with db:
            for row in rows:
                db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", row)
                count += 1
        db.close()
        return {"articles": count}

    class Searcher:
        def __init__(self, index: Path) -> None:
            self.db = sqlite3.connect(index / "fts.db")

        def search(self, query: str, highlight: bool) -> int:
            text, where, args = _fts_query(query)
            columns = "id, snippet(docs, 2, '[', ']', '…', 24)" if highlight else "id"
            try:
                rows = self.db.execute(f"SELECT {columns} FROM docs WHERE docs MATCH ?{where} "
                                       f"ORDER BY bm25(docs, 0, 3, 1) LIMIT {TOP}", (text, *args)).fetchall()
                total = self.db.execute(f"SELECT count(*) FROM docs WHERE docs MATCH ?{where}",
                                        (text, *args)).fetchone()[0]
            except sqlite3.OperationalError:
                return -1
            return total if rows is not None else 0

        def search_long(self, query: str) -> int:
            match = " OR ".join(f'"{w}"' for w in _words(query))
            self.db.execute(f"SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, 3, 1) LIMIT {TOP}",
                            (match,)).fetchall()
            return self.db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0]


class TantivySystem:
    """tantivy-py with the en_stem tokenizer; snippets by its SnippetGenerator."""

    @staticmethod
    def _schema():
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("headline", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("source", stored=True)
        builder.add_date_field("date", stored=True, indexed=True, fast=True)
        return builder.build()

    @classmethod
    def build(cls, corpus: Path, index: Path) -> dict:
        import datetime as dt

        import tantivy

        index.mkdir(parents=True)
        ix = tantivy.Index(cls._schema(), path=str(index))
        writer = ix.writer(heap_size=256_000_000)
        count = 0
        for record in corpora.read_jsonl(corpus):
            doc = tantivy.Document(id=record["id"], headline=record["headline"], body=record["body"],
                                   source=record.get("source") or "BBC")
            if record.get("date"):
                doc.add_date("date", dt.datetime.fromisoformat(record["date"]))
            writer.add_document(doc)
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        return {"articles": count}

    class Searcher:
        def __init__(self, index: Path) -> None:
            import tantivy

            self.tantivy = tantivy
            self.ix = tantivy.Index.open(str(index))
            self.ix.reload()
            self.searcher = self.ix.searcher()

        def search(self, query: str, highlight: bool) -> int:
            query = _DATE_RANGE.sub(lambda m: f"date:[{m.group(1)}T00:00:00Z TO {m.group(2)}T23:59:59Z]", query)
            try:
                parsed = self.ix.parse_query(query, ["headline", "body"])
            except ValueError:
                return -1
            result = self.searcher.search(parsed, TOP, count=True)
            if highlight:
                generator = self.tantivy.SnippetGenerator.create(self.searcher, parsed, self.ix.schema, "body")
                for _score, address in result.hits:
                    generator.snippet_from_doc(self.searcher.doc(address)).to_html()
            return result.count

        def search_long(self, query: str) -> int:
            return self.searcher.search(self.ix.parse_query(" ".join(_words(query)), ["headline", "body"]), TOP,
                                        count=True).count


SYSTEM_CLASSES = {"searchnews": SearchnewsSystem, "whoosh": WhooshSystem, "fts5": Fts5System,
                  "tantivy": TantivySystem}


# ---------------------------------------------------------------------------
# Child processes: one build or one query run each, printing JSON.


def child_build(system: str, corpus: Path, index: Path, action: str) -> dict:
    cls = SYSTEM_CLASSES[system]
    started = time.perf_counter()
    info = getattr(cls, action)(corpus, index)
    info["seconds"] = time.perf_counter() - started
    return info


def child_query(system: str, index: Path) -> dict:
    queries = load_queries()
    searcher_cls = SYSTEM_CLASSES[system].Searcher
    cold = []
    for query in queries[:5]:
        started = time.perf_counter()
        searcher = searcher_cls(index)
        searcher.search(query, True)
        cold.append((time.perf_counter() - started) * 1000)
    searcher = searcher_cls(index)
    for query in queries:  # warm up
        searcher.search(query, True)
    timings: dict[str, list[float]] = {"plain": [], "highlight": []}
    failed = set()
    for _ in range(PASSES):
        for query in queries:
            for mode in ("plain", "highlight"):
                started = time.perf_counter()
                total = searcher.search(query, mode == "highlight")
                elapsed = (time.perf_counter() - started) * 1000
                if total < 0:
                    failed.add(query)
                else:
                    timings[mode].append(elapsed)
    long_queries = load_queries("long_queries.txt")
    for query in long_queries:  # warm up
        searcher.search_long(query)
    long_timings = []
    for _ in range(PASSES):
        for query in long_queries:
            started = time.perf_counter()
            searcher.search_long(query)
            long_timings.append((time.perf_counter() - started) * 1000)
    features = _feature_timings(system, index, queries)
    return {
        **features,
        "long_p50": statistics.median(long_timings), "long_p95": percentile(long_timings, 95),
        "cold_ms": statistics.median(cold),
        "plain_p50": statistics.median(timings["plain"]), "plain_p95": percentile(timings["plain"], 95),
        "hl_p50": statistics.median(timings["highlight"]), "hl_p95": percentile(timings["highlight"], 95),
        "queries": len(queries) - len(failed), "failed": sorted(failed),
    }


def _feature_timings(system: str, index: Path, queries: list[str]) -> dict:
    """searchnews only: the queries through every variant of bench_features.py (filters, orders, facets,
    timeline, did you mean, similar), highlighted top 10, pooled: p50 and p95 of all the runs."""
    if system != "searchnews":
        return {}
    import bench_features

    from searchnews import NewsIndex

    with NewsIndex.open(index) as ix:
        runs = bench_features.variants(ix)
        for query in queries:
            runs["plain"](query)  # warm up
        timings = []
        for _ in range(PASSES):
            for query in queries:
                for run in runs.values():
                    started = time.perf_counter()
                    run(query)
                    timings.append((time.perf_counter() - started) * 1000)
    return {"features_p50": statistics.median(timings), "features_p95": percentile(timings, 95),
            "features_runs": len(timings)}


def peak_rss_of(*args: str) -> tuple[dict, float]:
    """Run a child through a small wrapper process, so its peak RSS (its own workers included) is its own."""
    code = (
        "import json, resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stdout.write(done.stdout)\n"
        "sys.stderr.write(done.stderr)\n"
        "print(json.dumps({'rc': done.returncode, 'rss_kb': usage.ru_maxrss}))\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, sys.executable, __file__, "--child", *args],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    meta = json.loads(lines[-1])
    if meta["rc"] != 0:
        raise RuntimeError(f"child {args} failed:\n{done.stderr[-3000:]}")
    info = json.loads(lines[-2])
    info["wall"] = wall
    return info, meta["rss_kb"] / 1024


def whole_process_query(index: Path) -> float:
    queries = load_queries()[:5]
    times = []
    for query in queries:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "searchnews", "query", query, "--index", str(index)],
                       capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# ---------------------------------------------------------------------------


def bench_size(size: int, systems: list[str], keep: Path | None) -> list[dict]:
    corpus, articles, text_bytes = corpora.scaled_corpus(size)
    mb = text_bytes / 1e6
    rows = []
    work = Path(tempfile.mkdtemp(prefix=f"bench-{size}-", dir=keep))
    try:
        for system in systems:
            if system == "tantivy":
                try:
                    import tantivy  # noqa: F401
                except ImportError:
                    print("tantivy is not installed (pip install tantivy); skipped", file=sys.stderr)
                    continue
            index = work / system
            print(f"[{size:,}] {system}: indexing {articles:,} articles ({mb:.0f} MB)…", file=sys.stderr)
            built, rss = peak_rss_of(system, str(corpus), str(index), "build")
            row = {"system": system, "size": size, "articles": articles, "mb": mb, "index_s": built["seconds"],
                   "mb_s": mb / built["seconds"], "art_s": articles / built["seconds"], "rss_mb": rss,
                   "disk_mb": folder_size(index) / 1e6}
            if system == "searchnews":
                again, _ = peak_rss_of(system, str(corpus), str(index), "reindex")
                row["reindex_s"] = again["seconds"]
            print(f"[{size:,}] {system}: querying…", file=sys.stderr)
            queried, _ = peak_rss_of(system, str(index), "query")
            row.update(queried)
            if system == "searchnews":
                row["process_s"] = whole_process_query(index)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
            if keep is None:
                shutil.rmtree(index, ignore_errors=True)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def table(rows: list[dict]) -> str:
    head = ("| size | system | index s | MB/s | articles/s | peak RSS MB | disk MB | re-index s | "
            "p50 / p95 ms | p50 / p95 ms highlighted | long queries p50 / p95 ms | cold ms | `searchnews query` s |")
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        reindex = f"{r['reindex_s']:.1f}" if "reindex_s" in r else "–"
        process = f"{r['process_s']:.2f}" if "process_s" in r else "–"
        lines.append(f"| {r['size']:,} | {r['system']} | {r['index_s']:.1f} | {r['mb_s']:.2f} | {r['art_s']:,.0f} | "
                     f"{r['rss_mb']:.0f} | {r['disk_mb']:.0f} | {reindex} | {r['plain_p50']:.1f} / "
                     f"{r['plain_p95']:.1f} | {r['hl_p50']:.1f} / {r['hl_p95']:.1f} | "
                     f"{r.get('long_p50', 0):.1f} / {r.get('long_p95', 0):.1f} | {r['cold_ms']:.0f} | {process} |")
    ratios = []
    for size in sorted({r["size"] for r in rows}):
        by = {r["system"]: r for r in rows if r["size"] == size}
        ours = by.get("searchnews")
        for other in ("whoosh", "fts5", "tantivy"):
            if ours and other in by:
                o = by[other]
                ratios.append(f"| {size:,} | searchnews / {other} | index speed ×{ours['mb_s'] / o['mb_s']:.2f} | "
                              f"query p50 ×{ours['plain_p50'] / o['plain_p50']:.2f} | "
                              f"highlighted p50 ×{ours['hl_p50'] / o['hl_p50']:.2f} |")
    if ratios:
        lines += ["", "| size | ratio | indexing (higher is faster) | query (lower is faster) | highlighted |",
                  "|---|---|---|---|---|", *ratios]
    features = [r for r in rows if "features_p50" in r]
    if features:
        lines += ["", "| size | searchnews: the queries through every feature of bench_features.py, "
                      "highlighted top 10 |", "|---|---|"]
        lines += [f"| {r['size']:,} | p50 {r['features_p50']:.1f} ms / p95 {r['features_p95']:.1f} ms "
                  f"({r['features_runs']:,} runs) |" for r in features]
    return "\n".join(lines)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        system, *rest = sys.argv[2:]
        if rest[-1] == "query":
            print(json.dumps(child_query(system, Path(rest[0]))))
        else:
            print(json.dumps(child_build(system, Path(rest[0]), Path(rest[1]), rest[2])))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--keep", type=Path, help="keep the indexes in this folder")
    parser.add_argument("--index", type=Path, help="only time the queries on this existing searchnews index")
    args = parser.parse_args()
    if args.index:
        timed = child_query("searchnews", args.index)
        print(f"Machine: {machine()}\n\n| queries | p50 ms | p95 ms |\n|---|---:|---:|")
        for label, key in (("short", "plain"), ("short, highlighted", "hl"), ("long", "long"),
                           ("every feature, highlighted", "features")):
            print(f"| {label} | {timed[key + '_p50']:.1f} | {timed[key + '_p95']:.1f} |")
        return
    if not (corpora.SHARED / "bbc").is_dir():
        sys.exit(f"the corpora are not at {corpora.SHARED}; set SEARCHNEWS_SHARED_CORPORA")
    rows = []
    for size in args.sizes:
        rows.extend(bench_size(size, args.systems, args.keep))
    out = table(rows)
    print(f"Machine: {machine()}\n")
    print(out)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"speed-{stamp}.json").write_text(json.dumps({"machine": machine(), "rows": rows}, indent=1))
    (results / f"speed-{stamp}.md").write_text(f"Machine: {machine()}\n\n{out}\n")


if __name__ == "__main__":
    main()
