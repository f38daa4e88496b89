"""Kill the indexer again and again, with readers querying all along; check the index survives every time.

The long form of tests/test_faults.py (kill points, kill -9 with the default workers, readers during a run).

Usage:
    python benchmarks/fault_kill.py [--iterations N] [--articles N] [--commit-every N] [--readers N]
                                    [--workers N] [--seed S]

Each iteration runs ``searchnews index`` on a generated corpus (text files and
JSONL feeds, one of them big enough to be read in parts) with the default
worker count (``--workers`` sets another), small corpora included. The run is
killed in one of three ways, in turn:

* at a random file operation of the parent process (create, open, close,
  rename, delete, fsync, replace: inside a commit, between a commit and the
  manifest, during compaction…), by a hook that sends it SIGKILL;
* from outside at a random moment, the parent alone (as the OOM killer does:
  its workers must end by themselves and must not hold the lock);
* from outside at a random moment, the whole process group.

After each kill: the index must open, answer a query and hold no duplicate
and nothing it should not, and the worker processes must have ended within
2 seconds. Every other iteration then runs ``index`` again at once, which
must not be refused by the lock and must give exactly the complete article
set, and the next iteration starts from an empty index (made as ``--rebuild``
makes it); the others check that the lock is free at once and chain the next
kill onto the index as it is.

All along, ``--readers`` processes query the index in a loop: every query
must answer, and no query may count more articles than the index version it
searched holds.

Prints a line per iteration and the counts at the end; exits non-zero on
the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from searchnews import NewsIndex
from searchnews.index.folder import WriteLock

HOOK = """
import os, signal, sys
from whoosh.filedb import filestore, structfile
target = int(sys.argv[1]); sys.argv = ["searchnews", *sys.argv[2:]]; count = 0; parent = os.getpid()
def tick():
    global count
    if os.getpid() != parent:  # workers are forked with the hook: only the parent's operations count
        return
    count += 1
    if count == target:
        os.kill(parent, signal.SIGKILL)
def hooked(owner, name):
    original = getattr(owner, name)
    def wrapper(*a, **k):
        tick(); r = original(*a, **k); tick(); return r
    setattr(owner, name, wrapper)
for name in ("create_file", "open_file", "rename_file", "delete_file"):
    hooked(filestore.FileStorage, name)
hooked(structfile.StructFile, "close"); hooked(os, "replace"); hooked(os, "fsync")
import atexit; atexit.register(lambda: os.getpid() == parent and print(f"EVENTS {count}", file=sys.stderr))
from searchnews.cli import main
main()
"""

READER = """
import json, os, sys, time, traceback
from searchnews import NewsIndex, SearchnewsError
index, stop = sys.argv[1], sys.argv[2]
queries = errors = over = 0
while not os.path.exists(stop):
    try:
        with NewsIndex.open(index) as ix:
            before = len(ix)
            total = ix.search("quayside", limit=3).total
            after = len(ix)
            queries += 1
            over += before == after and total > after  # no commit in between: the count of the version searched
    except SearchnewsError:
        pass  # no index yet (a run starting from nothing)
    except Exception as exc:
        errors += 1
        print(traceback.format_exc(), file=sys.stderr)
    time.sleep(0.01)
print(json.dumps({"queries": queries, "errors": errors, "over": over}))
"""

WORDS = "harbour ferry council budget minister river bridge school hospital election vote market".split()


def make_corpus(folder: Path, articles: int) -> None:
    """Text files, small feeds, and one feed big enough to be read in parts."""
    (folder / "txt").mkdir(parents=True)
    (folder / "json").mkdir()
    texts = articles // 2
    for i in range(texts):
        (folder / "txt" / f"a{i:05d}.txt").write_text(
            f"Story {i} about the {WORDS[i % 12]}\n\nThe quayside {WORDS[(i + 3) % 12]} plan {i} was approved "
            f"by the council on Tuesday.\n")
    rest, feed = articles - texts, 0
    big = rest // 2
    with open(folder / "json" / "big.jsonl", "w", encoding="utf-8") as handle:
        for j in range(big):
            handle.write(json.dumps({"id": f"big-{j}", "title": f"Big feed record {j}",
                                     "text": f"The quayside report {j} on the harbour works."}) + "\n")
    rest -= big
    while rest > 0:
        n = min(rest, 50)
        lines = [json.dumps({"id": f"r{feed}-{j}", "title": f"Record {feed} {j}", "text": f"The quayside {j}."})
                 for j in range(n)]
        (folder / "json" / f"feed{feed}.jsonl").write_text("\n".join(lines) + "\n")
        rest, feed = rest - n, feed + 1


def ids(index: Path) -> list[str]:
    with NewsIndex.open(index) as ix:
        found = [f["id"] for f in ix._searcher().all_stored_fields()]
        assert ix.search("quayside", limit=1).total == len(found), "query and count disagree"
    return found


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(c) for c in handle.read().split()]
    except OSError:
        return []


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(") ", 1)[1][0] not in "ZX"
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--commit-every", type=int, default=100)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: the default count)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = dict(os.environ, SEARCHNEWS_COMMIT_EVERY=str(args.commit_every), PYTHONDONTWRITEBYTECODE="1",
               SEARCHNEWS_PARALLEL_MIN_BYTES="0")
    env.pop("SEARCHNEWS_WORKERS", None)
    if args.workers is not None:
        env["SEARCHNEWS_WORKERS"] = str(args.workers)
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index, stop = Path(tmp) / "news", Path(tmp) / "index", Path(tmp) / "stop"
        make_corpus(corpus, args.articles)
        started = time.perf_counter()
        counted = subprocess.run([sys.executable, "-c", HOOK, "0", "index", str(corpus), "--index", str(index)],
                                 capture_output=True, text=True, env=env, check=True)
        full_run = time.perf_counter() - started
        events = int(counted.stderr.split("EVENTS ")[1])
        expected = set(ids(index))
        assert len(expected) == args.articles, len(expected)
        shutil.rmtree(index)
        workers = args.workers if args.workers is not None else "default"
        print(f"{args.articles} articles, {events} file operations of the parent in a full run "
              f"({full_run:.1f} s), workers: {workers}, {args.readers} readers")
        readers = [subprocess.Popen([sys.executable, "-c", READER, str(index), str(stop)], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=env) for _ in range(args.readers)]
        started = time.perf_counter()
        failure = None
        for number in range(1, args.iterations + 1):
            mode = ("operation", "parent", "group")[number % 3]
            seen: list[int] = []
            if mode == "operation":
                target = rng.randint(1, events)
                proc = subprocess.Popen([sys.executable, "-c", HOOK, str(target), "index", str(corpus), "--index",
                                         str(index)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                        start_new_session=True)
                while proc.poll() is None:
                    seen = children(proc.pid) or seen
                    time.sleep(0.01)
                how = f"at file operation {target}"
            else:
                delay = rng.uniform(0.0, full_run)
                proc = subprocess.Popen([sys.executable, "-m", "searchnews", "index", str(corpus), "--index",
                                         str(index)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                        start_new_session=True)
                deadline = time.monotonic() + delay
                while time.monotonic() < deadline and proc.poll() is None:
                    seen = children(proc.pid) or seen
                    time.sleep(0.01)
                seen = children(proc.pid) or seen
                if proc.poll() is None:
                    if mode == "parent":
                        proc.send_signal(signal.SIGKILL)
                    else:
                        os.killpg(proc.pid, signal.SIGKILL)
                how = f"{'parent alone' if mode == 'parent' else 'process group'} after {delay:.2f} s"
            proc.wait()
            if proc.returncode != -signal.SIGKILL:
                counts["finished before the kill"] += 1
                how += " (finished first)"
            else:
                counts[f"killed: {mode}"] += 1
                counts["killed with workers running"] += bool(seen)
            deadline = time.monotonic() + 2
            while any(running(pid) for pid in seen) and time.monotonic() < deadline:
                time.sleep(0.01)
            orphans = [pid for pid in seen if running(pid)]
            counts["workers alive 2 s after their parent died"] += len(orphans)
            state = "no index yet"
            if NewsIndex.exists(index):
                found = ids(index)
                counts["index opened after the kill"] += 1
                if len(found) != len(set(found)) or not set(found) <= expected:
                    failure = f"FAIL {number}: killed {how}: {len(found) - len(set(found))} duplicates"
                    break
                state = f"{len(found)} articles"
            if number % 2:  # chain the next kill onto this index; the lock must be free at once all the same
                lock = WriteLock(str(index))
                if NewsIndex.exists(index) and not lock.acquire():
                    failure = f"FAIL {number}: the lock is still held after the kill {how}"
                    break
                lock.release()
                counts["lock free at once after the kill"] += 1
                if orphans:
                    failure = f"FAIL {number}: {len(orphans)} workers outlived their parent"
                    break
                print(f"{number:4d}  killed {how}: {state}; lock free")
                continue
            again = subprocess.run([sys.executable, "-m", "searchnews", "index", str(corpus), "--index", str(index)],
                                   capture_output=True, text=True, env=env)
            if again.returncode != 0:
                counts["run at once refused or failed"] += 1
                failure = f"FAIL {number}: the run at once after the kill {how} failed: {again.stderr.strip()}"
                break
            counts["run at once succeeded"] += 1
            found = ids(index)
            if len(found) != len(set(found)) or set(found) != expected:
                failure = f"FAIL {number}: the run after the kill {how} gave {len(found)} articles"
                break
            counts["complete after the run"] += 1
            if orphans:
                failure = f"FAIL {number}: {len(orphans)} workers outlived their parent"
                break
            state += " -> rerun complete; starting again from nothing (--rebuild)"
            NewsIndex.create(index).close()  # as index --rebuild does, under the readers' feet
            print(f"{number:4d}  killed {how}: {state}")
        stop.touch()
        for reader in readers:
            out, err = reader.communicate(timeout=120)
            data = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"queries": 0, "errors": 1}
            counts["reader queries"] += data["queries"]
            counts["reader errors"] += data["errors"]
            counts["reader totals over the article count"] += data.get("over", 0)
            if err.strip():
                print(err.strip()[:2000], file=sys.stderr)
        print(f"{args.iterations} iterations in {time.perf_counter() - started:.0f} s")
        for name, value in sorted(counts.items()):
            print(f"  {name}: {value}")
        if failure:
            print(failure)
            return 1
        if counts["reader errors"] or counts["reader totals over the article count"]:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
