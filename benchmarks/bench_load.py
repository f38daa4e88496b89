"""Queries under load: many ``searchnews query --json`` processes at once, against the same queries run alone.

Usage:
    python benchmarks/bench_load.py --index DIR [--processes 40] [--rounds 3] [--hogs N] [--pythonpath DIR]

For each query of QUERIES, first runs it alone (the reference page), then
``--processes`` copies of ``searchnews query`` at once, cycling through the
queries, ``--rounds`` times, while ``--hogs`` processes keep the CPUs busy
with a loop (other work on the machine). Prints, per run: how many processes returned no
hit while saying ``partial``, how many said ``partial`` at all, how many
pages differ from the page the same query gave alone, and the wall time
per process (p50 / p95 / max) with the searches' own ``took``.

``--pythonpath DIR`` runs another checkout of searchnews (``git archive``
of an older commit unpacked in DIR) with the same Python, to compare
before and after in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: Words found in most articles (thousands of matches to rank and count) and rarer ones.
QUERIES = ["said", "mln dlrs year", "government plans growth", "company said shares", "oil prices",
           "budget", "bank rates", "new president"]


def run_query(query: str, index: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "searchnews", "query", query, "--index", str(index), "--json",
                             "--limit", "10"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def outcome(process: subprocess.Popen, started: float) -> dict:
    out, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        return {"error": err.decode(errors="replace").strip()[-200:], "wall": wall}
    data = json.loads(out)
    took = data.get("took")
    if took is None:  # before the JSON carried seconds
        took = data.get("took_ms", 0) / 1000
    return {"ids": [hit["id"] for hit in data["hits"]], "partial": data["partial"], "took": took, "wall": wall}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--processes", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hogs", type=int, default=0, help="processes that burn CPU during the loaded rounds")
    parser.add_argument("--pythonpath", type=Path, help="run the searchnews found in this folder instead")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = str(args.pythonpath)
    print(f"{os.cpu_count()} CPUs; index {args.index}; {args.hogs} CPU hogs; searchnews from "
          f"{args.pythonpath or 'this environment'}")
    alone = {}
    for query in QUERIES:
        result = outcome(run_query(query, args.index, env), time.perf_counter())
        if "error" in result:
            sys.exit(f"{query!r} failed alone: {result['error']}")
        alone[query] = result
    print(f"alone: {sum(r['partial'] for r in alone.values())} of {len(QUERIES)} partial; took p50 "
          f"{statistics.median(r['took'] for r in alone.values()) * 1000:.0f} ms")
    print(f"{'round':>5} {'procs':>5} {'empty+partial':>13} {'partial':>7} {'pages differ':>12} {'errors':>6} "
          f"{'wall p50/p95/max s':>20} {'took p50/max s':>15}")
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.hogs)]
    try:
        for number in range(1, args.rounds + 1):
            loaded_round(number, args, env, alone)
    finally:
        for hog in hogs:
            hog.kill()
    return 0


def loaded_round(number: int, args, env: dict, alone: dict) -> None:
    """Run ``args.processes`` queries at once and print one line of counts."""
    started = time.perf_counter()
    queries = [QUERIES[i % len(QUERIES)] for i in range(args.processes)]
    processes = [run_query(query, args.index, env) for query in queries]
    results = [outcome(process, started) for process in processes]
    good = [(q, r) for q, r in zip(queries, results, strict=True) if "error" not in r]
    errors = len(results) - len(good)
    empty = sum(1 for _, r in good if r["partial"] and not r["ids"])
    partial = sum(1 for _, r in good if r["partial"])
    differ = sum(1 for q, r in good if r["ids"] != alone[q]["ids"])
    walls = [r["wall"] for r in results]
    tooks = [r["took"] for _, r in good] or [0.0]
    print(f"{number:>5} {args.processes:>5} {empty:>13} {partial:>7} {differ:>12} {errors:>6} "
          f"{percentile(walls, 0.5):>6.1f} / {percentile(walls, 0.95):.1f} / {max(walls):.1f}"
          f"{statistics.median(tooks):>9.2f} / {max(tooks):.2f}")


if __name__ == "__main__":
    sys.exit(main())
