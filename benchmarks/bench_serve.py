"""Load check of ``searchnews serve``: N concurrent clients on 127.0.0.1 for a bounded time.

Usage:
    python benchmarks/bench_serve.py --index DIR [--clients 16] [--seconds 20] [--url URL] [--json]

Starts ``searchnews serve --index DIR --port 0`` (or uses the server at
``--url``), warms it with each query once, then runs ``--clients`` clients
at once for ``--seconds``, each on its own keep-alive connection, asking in
turn for the queries of ``benchmarks/queries.txt`` as a mix of requests:

* ``api``: ``/api/search?q=…&facets=1`` (the JSON API, with facets);
* ``page``: ``/?q=…`` (the search page: search, facets and timeline, rendered);
* ``timeline``: ``/api/timeline?q=…``;
* ``article``: ``/api/articles/ID`` (ids found while warming up).

Prints requests per second, latency p50 / p95 / max per kind and overall,
the errors (any answer but 200, or a failed connection: expect 0), and how
many searches said ``partial`` (reached their time limit). The clients are
threads of this process: on a small machine they share the CPUs with the
server, so the figures are those of both together.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
#: The share of each kind of request in the mix, in the order the clients take them.
MIX = ("api", "page", "api", "timeline", "api", "page", "article", "api")


def load_queries() -> list[str]:
    lines = (HERE / "queries.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class Server:
    """``searchnews serve`` in a subprocess on a free port."""

    def __init__(self, index: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "searchnews", "serve", "--index", str(index),
                                         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True)
        line = self.process.stdout.readline()
        match = re.search(r"at (http://\S+/) ", line)
        if not match:
            self.stop()
            raise SystemExit(f"the server did not start: {line!r}")
        self.url = match.group(1)
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def path_of(kind: str, query: str, ids: list[str], turn: int) -> str:
    if kind == "api":
        return f"/api/search?q={quote(query)}&facets=1"
    if kind == "page":
        return f"/?q={quote(query)}"
    if kind == "timeline":
        return f"/api/timeline?q={quote(query)}"
    return "/api/articles/" + quote(ids[turn % len(ids)], safe="")


def client(number: int, host: str, port: int, queries: list[str], ids: list[str], deadline: float,
           results: list) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    turn = number * 7  # clients start at different places of the mix
    while time.perf_counter() < deadline:
        kind = MIX[turn % len(MIX)]
        query = queries[turn % len(queries)]
        path = path_of(kind, query, ids, turn)
        turn += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            results.append((kind, time.perf_counter() - started, f"{type(exc).__name__}: {exc}", False))
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=60)
            continue
        partial = kind == "api" and status == 200 and b'"partial":true' in body
        results.append((kind, time.perf_counter() - started, status, partial))
    connection.close()


def warm_up(host: str, port: int, queries: list[str]) -> list[str]:
    """Each query once; returns article ids found, for the article requests."""
    connection = http.client.HTTPConnection(host, port, timeout=120)
    ids = []
    for query in queries:
        connection.request("GET", f"/api/search?q={quote(query)}&limit=3")
        response = connection.getresponse()
        data = json.loads(response.read())
        if response.status == 200:
            ids += [hit["id"] for hit in data["hits"]]
    connection.close()
    if not ids:
        raise SystemExit("no query of benchmarks/queries.txt finds anything in this index")
    return ids


def report(results: list, seconds: float, clients: int) -> dict:
    by_kind = defaultdict(list)
    for kind, latency, status, partial in results:
        by_kind[kind].append((latency, status, partial))
    by_kind["all"] = [(latency, status, partial) for _, latency, status, partial in results]
    summary = {"clients": clients, "seconds": round(seconds, 1)}
    for kind, rows in by_kind.items():
        latencies = [latency for latency, _, _ in rows]
        errors = [status for _, status, _ in rows if status != 200]
        summary[kind] = {
            "requests": len(rows), "per_second": round(len(rows) / seconds, 1),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
            "max_ms": round(max(latencies, default=0) * 1000, 1),
            "errors": len(errors), "error_kinds": sorted({str(e) for e in errors})[:5],
            "partial": sum(1 for _, _, partial in rows if partial),
        }
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="the index to serve (a server is started over it)")
    parser.add_argument("--url", help="the address of a server already running, instead of --index")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not args.index and not args.url:
        parser.error("give --index DIR (or --url of a running server)")
    if args.index and not args.index.is_dir():
        print(f"no index at {args.index}: build one with searchnews index PATH --index {args.index}",
              file=sys.stderr)
        return 1
    server = Server(args.index) if not args.url else None
    try:
        url = urlsplit(args.url or server.url)
        queries = load_queries()
        ids = warm_up(url.hostname, url.port, queries)
        results: list = []
        started = time.perf_counter()
        deadline = started + args.seconds
        threads = [threading.Thread(target=client, args=(n, url.hostname, url.port, queries, ids, deadline, results))
                   for n in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        summary = report(results, time.perf_counter() - started, args.clients)
    finally:
        if server is not None:
            server.stop()
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"{args.clients} clients for {summary['seconds']} s against {args.index or args.url}")
    print(f"{'kind':<9} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6} "
          f"{'partial':>7}")
    for kind in ("all", "api", "page", "timeline", "article"):
        row = summary.get(kind)
        if row:
            print(f"{kind:<9} {row['requests']:>8} {row['per_second']:>7} {row['p50_ms']:>8} {row['p95_ms']:>8} "
                  f"{row['max_ms']:>8} {row['errors']:>6} {row['partial']:>7}")
            if row["error_kinds"]:
                print(f"          errors: {', '.join(row['error_kinds'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
