"""What the search features cost next to a plain query, measured side by side on one index.

Usage:
    python benchmarks/bench_features.py --index DIR [--repeat 3] [--out FILE]
    python benchmarks/bench_features.py --size 21000      # builds BBC + Reuters (dated) into benchmarks/data

For every query of benchmarks/queries.txt, each variant below runs in turn
(interleaved, so a noisy neighbour slows them all alike), ``--repeat`` times;
the table gives each variant's median and p95 over all runs and its median
ratio to the plain query. The filters use a month in the middle of the
index's dates and its most common source. "suggest" runs the queries with a
letter dropped from each word longer than four letters (a typo), which makes
the "did you mean" check run; "similar" looks for articles like the plain
query's top hit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from searchnews import NewsIndex  # noqa: E402


def queries() -> list[str]:
    lines = (HERE / "queries.txt").read_text(encoding="utf-8").splitlines()
    return [q for q in lines if q.strip() and not q.startswith("#")]


def typo(query: str) -> str:
    return " ".join(w[:2] + w[3:] if len(w) > 4 and w.isalpha() else w for w in query.split())


def variants(ix: NewsIndex) -> dict:
    stats = ix.stats()
    source = stats.sources[0][0] if stats.sources else None
    middle = None
    if stats.first_date and stats.last_date:
        middle = stats.first_date + (stats.last_date - stats.first_date) / 2
    month = f"{middle:%Y-%m}" if middle else None
    found: dict = {
        "plain": lambda q: ix.search(q),
        "no collapse": lambda q: ix.search(q, collapse=False),
        "sort newest": lambda q: ix.search(q, sort="newest"),
        "recency 30d": lambda q: ix.search(q, recency="30d"),
        "facets": lambda q: ix.search(q, facets=True),
        "timeline": lambda q: ix.timeline(q),
        "suggest (typo)": lambda q: ix.search(typo(q)),
    }
    if month:
        found[f"since/until {month}"] = lambda q: ix.search(q, since=month, until=month)
    if source and source != "(unknown)":
        found[f"source {source}"] = lambda q: ix.search(q, sources=[source])

    def similar(q):
        top = ix.search(q, limit=1, highlight=False).hits
        return ix.similar(top[0].id) if top else None

    found["similar (top hit)"] = similar
    return found


def build(size: int) -> Path:
    import corpora

    folder = corpora.DATA / f"features-{size}"
    index = folder / "index"
    if NewsIndex.exists(index):
        return index
    records = (list(corpora.reuters_records()) + list(corpora.bbc_records()))
    corpora.write_jsonl(corpora.scaled(records, size), folder / "corpus")
    with NewsIndex.create(index) as ix:
        report = ix.add([folder / "corpus"])
    print(f"built {index}: {report.added} articles in {report.seconds:.0f} s", file=sys.stderr)
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--size", type=int, default=21000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    index = args.index or build(args.size)
    times: dict[str, list[float]] = {}
    ratios: dict[str, list[float]] = {}
    with NewsIndex.open(index) as ix:
        runs = variants(ix)
        for q in queries():
            runs["plain"](q)  # warm the searcher, the context and the caches
        for _ in range(args.repeat):
            for q in queries():
                one = {}
                for name, run in runs.items():
                    started = time.perf_counter()
                    run(q)
                    one[name] = time.perf_counter() - started
                    times.setdefault(name, []).append(one[name])
                for name, took in one.items():
                    ratios.setdefault(name, []).append(took / max(one["plain"], 1e-6))
        articles = len(ix)
    lines = [f"Index: {index} ({articles:,} articles); {len(queries())} queries x {args.repeat}", "",
             "| variant | p50 ms | p95 ms | median ratio to plain |", "|---|---|---|---|"]
    for name, values in times.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        lines.append(f"| {name} | {statistics.median(values) * 1000:.1f} | {p95 * 1000:.1f} | "
                     f"x{statistics.median(ratios[name]):.2f} |")
    text = "\n".join(lines)
    print(text)
    out = args.out or HERE / "results" / f"features-{articles}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
