"""Time the most expensive query forms on a large index: is any slower than a second?

Usage:
    python benchmarks/query_worst_case.py [--size N] [--cache DIR] [--repeat N] [--corpus BBC]
    python benchmarks/query_worst_case.py --index DIR     # an index built already

Builds (once, then reuses from ``--cache``, default ``/tmp/searchnews-worst-case``)
an index of ``--size`` articles (default 100,000): the BBC News corpus from
../shared/corpora/bbc repeated, each copy a JSONL record with its own id. Then
runs each query form below ``--repeat`` times (default 3) through
NewsIndex.search with snippets, and prints the slowest time of each, marking
those over one second. Queries the checker refuses print their message and
the time the refusal took.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

from searchnews import NewsIndex, QuerySyntaxError

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("SEARCHNEWS_SHARED_CORPORA") or HERE.parent.parent / "shared" / "corpora")
WORDS = ("government people year world company market minister police film music game club bank "
         "election party court oil price growth sales firm report plans").split()

QUERIES = {
    "one common word": "said",
    "plain words": "government plans growth",
    "leading wildcard": "*ment",
    "leading wildcard, 3 letters": "*ion",
    "short prefix": "th*",
    "prefix of 2 letters x4": "th* co* pr* re*",
    "inner wildcards": "g?v?rnm*nt",
    "many-term OR (64)": " OR ".join((WORDS * 3)[:64]),
    "64 plain words": " ".join((WORDS * 3)[:64]),
    "60-word question": ("How did the government and the opposition parties react when the company said its profit "
                         "and sales had fallen, the market price of oil was rising, the bank would raise its rates, "
                         "and the minister warned that growth would slow this year while the police and the court "
                         "were looking into the firm's reports and the plans of its club, music and film "
                         "businesses?"),
    "long phrase": '"the government said it would not comment on the plans for the year"',
    "many phrases": " ".join(f'"{a} {b}"' for a, b in itertools.pairwise(WORDS)),
    "huge date range": "date:[1900-01-01 TO 2100-12-31]",
    "open date range": "date:>1990-01-01",
    "date range AND word": "said AND date:[1900 TO 2100]",
    "NOT common": "film NOT said",
    "field prefix": "headline:s*",
    "open range of words": "[a TO]",
    "range of words in a field": "headline:[a TO z]",
    "narrow range of words": "[oil TO oilz]",
    "reversed date range": "date:[2014 TO 2013]",
    "2,000 characters": ("government " * 182)[:1999],
}


def build(cache: Path, size: int, bbc: Path) -> Path:
    index = cache / f"index-{size}"
    if NewsIndex.exists(index):
        with NewsIndex.open(index) as ix:
            if len(ix) == size:
                return index
    corpus = cache / f"corpus-{size}"
    corpus.mkdir(parents=True, exist_ok=True)
    files = sorted(bbc.rglob("*.txt"))
    if not files:
        sys.exit(f"no .txt files under {bbc}")
    records = []
    for path in files:
        lines = path.read_text(encoding="latin-1").splitlines()
        records.append((lines[0].strip(), "\n".join(lines[1:]).strip()))
    written, copy = 0, 0
    while written < size:
        with open(corpus / f"copy{copy:04d}.jsonl", "w", encoding="utf-8") as out:
            for number, (title, text) in enumerate(records):
                if written >= size:
                    break
                out.write(json.dumps({"id": f"{copy}-{number}", "title": title, "text": text,
                                      "date": f"{2000 + copy % 25}-{1 + number % 12:02d}-{1 + number % 28:02d}",
                                      "language": "en"}) + "\n")
                written += 1
        copy += 1
    started = time.perf_counter()
    with NewsIndex.open(index, create=True) as ix:
        report = ix.add([corpus])
    print(f"built {report.added + report.unchanged:,} articles in {time.perf_counter() - started:.0f} s")
    return index


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/searchnews-worst-case"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=SHARED / "bbc")
    parser.add_argument("--index", type=Path, help="time queries on this existing index instead of building one "
                                                   "(e.g. one kept by bench_speed.py --keep)")
    args = parser.parse_args()
    index = args.index or build(args.cache, args.size, args.corpus)
    slow = 0
    with NewsIndex.open(index) as ix:
        print(f"{len(ix):,} articles in {index}")
        ix.search("warm up")
        for name, query in QUERIES.items():
            times, outcome = [], ""
            for _ in range(args.repeat):
                started = time.perf_counter()
                try:
                    outcome = f"{ix.search(query).total:,} hits"
                except QuerySyntaxError as exc:
                    outcome = f"refused: {exc}"
                times.append(time.perf_counter() - started)
            worst = max(times)
            slow += worst > 1.0
            print(f"{'SLOW ' if worst > 1.0 else '     '}{worst * 1000:8.0f} ms  {name:<28} {outcome}")
    print(f"{slow} query form(s) over one second")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
