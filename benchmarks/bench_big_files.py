"""One big JSONL file: read in parts (committed as it goes, shared among the workers) or whole, side by side.

Usage:
    python benchmarks/bench_big_files.py [--articles N] [--repeat N] [--commit-every N]

The BBC and Reuters records (``corpora.base_records``, repeated with new ids
to reach ``--articles``) are written as one JSONL file, and as the same
records in files of 1,000 lines. Each layout is indexed into a new index with
the default worker count, in turn, ``--repeat`` times; the script prints the
median time, the number of commits, and how long the first commit took (what
a kill before it would lose) for:

* ``one file, in parts``: what searchnews does;
* ``one file, whole``: the same file read as one unit (parts switched off),
  as searchnews did before big files were read in parts;
* ``files of 1,000``: the reference: many files spread over the workers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # benchmarks/ is a folder of scripts, not a package

from corpora import base_records, scaled, write_jsonl  # noqa: E402

from searchnews import NewsIndex  # noqa: E402
from searchnews.index import writing  # noqa: E402


def run(corpus: Path, index: Path, commit_every: int, whole: bool) -> tuple[float, int, float, int]:
    """Index ``corpus``; returns (seconds, commits, seconds to the first commit, articles)."""
    commits: list[float] = []
    original_commit, original_min = writing._Run.commit, writing.MIN_RECORD_BYTES

    def commit(self):
        original_commit(self)
        commits.append(time.perf_counter())

    writing._Run.commit = commit
    if whole:
        writing.MIN_RECORD_BYTES = 1 << 40  # every file is smaller than a part: read whole
    started = time.perf_counter()
    try:
        with NewsIndex.create(index) as ix:
            report = writing.Indexer(ix._ix, ix.path, commit_every=commit_every).run([corpus])
    finally:
        writing._Run.commit, writing.MIN_RECORD_BYTES = original_commit, original_min
    seconds = time.perf_counter() - started
    return seconds, len(commits), (commits[0] - started) if commits else seconds, report.added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--commit-every", type=int, default=writing.COMMIT_EVERY)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp) / "one", Path(tmp) / "many"
        records = list(scaled(base_records(), args.articles))
        write_jsonl(records, one, per_file=len(records))
        write_jsonl(records, many, per_file=1000)
        size = sum(p.stat().st_size for p in one.iterdir())
        print(f"{args.articles:,} articles, {size / 1e6:.0f} MB of JSONL, commit every {args.commit_every:,}, "
              f"default workers, median of {args.repeat}")
        layouts = [("one file, in parts", one, False), ("one file, whole", one, True),
                   ("files of 1,000", many, False)]
        results: dict[str, list[tuple[float, int, float, int]]] = {name: [] for name, _c, _w in layouts}
        for attempt in range(args.repeat):
            for name, corpus, whole in layouts:  # in turn, so that the machine's load touches each alike
                results[name].append(run(corpus, Path(tmp) / f"ix-{attempt}-{len(results[name])}-{whole}",
                                         args.commit_every, whole))
        base = statistics.median(r[0] for r in results[layouts[0][0]])
        print(f"{'layout':<20} {'time':>8} {'ratio':>6} {'commits':>8} {'first commit':>13} {'articles':>9}")
        for name, _corpus, _whole in layouts:
            rows = results[name]
            seconds = statistics.median(r[0] for r in rows)
            first = statistics.median(r[2] for r in rows)
            print(f"{name:<20} {seconds:>7.1f}s {seconds / base:>5.2f}x {rows[0][1]:>8} {first:>12.1f}s "
                  f"{rows[0][3]:>9,}")


if __name__ == "__main__":
    main()
