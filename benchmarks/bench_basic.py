"""Index one corpus folder as a user would and time queries (the README's BBC figures).

Usage:
    python benchmarks/bench_basic.py [CORPUS] [--repeat N]

CORPUS defaults to the BBC corpus of $SEARCHNEWS_SHARED_CORPORA (or
../shared/corpora/bbc). The script indexes it into a
temporary folder, re-indexes it unchanged, then runs every query in
benchmarks/queries.txt REPEAT times (default 5) through NewsIndex.search with
highlighted snippets, and prints index time, MB/s and query p50/p95 in ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from searchnews import NewsIndex

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # benchmarks/ is a folder of scripts, not a package

from bench_speed import load_queries, percentile  # noqa: E402
from corpora import SHARED  # noqa: E402

from searchnews import SearchnewsError  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(SHARED / "bbc"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    try:
        return run(args)
    except SearchnewsError as exc:  # a missing corpus, say: one line, not a traceback
        print(f"bench_basic: {exc} (the corpus is set by CORPUS or $SEARCHNEWS_SHARED_CORPORA)", file=sys.stderr)
        return 1


def run(args) -> int:
    queries = load_queries()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        with NewsIndex.create(Path(tmp) / "index") as ix:
            report = ix.add([args.corpus])
        build = time.perf_counter() - started
        started = time.perf_counter()
        with NewsIndex.open(Path(tmp) / "index") as ix:
            again = ix.add([args.corpus])
        reindex = time.perf_counter() - started
        with NewsIndex.open(Path(tmp) / "index") as ix:
            ix.search("warm up")
            plain, highlighted = [], []
            for _ in range(args.repeat):
                for query in queries:
                    t = time.perf_counter()
                    ix.search(query, highlight=False)
                    plain.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    ix.search(query)
                    highlighted.append((time.perf_counter() - t) * 1000)
    mb = report.bytes_read / 1e6
    print(f"corpus: {args.corpus}")
    print(f"articles: {report.added:,}  ({mb:.1f} MB)")
    print(f"index: {build:.1f} s  ({mb / build:.2f} MB/s, {report.added / build:.0f} articles/s)")
    print(f"re-index unchanged: {reindex:.2f} s  ({again.unchanged:,} articles unchanged)")
    print(f"queries: {len(queries)} x {args.repeat}")
    print(f"  no highlight: p50 {statistics.median(plain):.1f} ms, p95 {percentile(plain, 95):.1f} ms")
    print(f"  highlighted:  p50 {statistics.median(highlighted):.1f} ms, p95 {percentile(highlighted, 95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
