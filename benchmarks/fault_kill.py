"""Kill the indexer again and again; check that the index survives every time (the long form of
tests/test_faults.py::test_sigkill_at_fourteen_points_then_rerun_completes_exactly).

Usage:
    python benchmarks/fault_kill.py [--iterations N] [--articles N] [--commit-every N] [--seed S]

Each iteration runs ``searchnews index`` on a generated corpus in a child
process that counts its file operations (create, open, close, rename, delete,
fsync, replace) and sends itself SIGKILL at a random one of them, or, every
third iteration, is killed from outside at a random moment. After each kill
the index must open, answer a query and hold no duplicate; half the
iterations then run ``index`` to completion, check the exact article set and
start again from no index; the other half chain the next kill onto the damaged index. Prints one line
per iteration and exits non-zero on the first failure.
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
from pathlib import Path

from searchnews import NewsIndex

HOOK = """
import os, signal, sys
from whoosh.filedb import filestore, structfile
target = int(sys.argv[1]); sys.argv = ["searchnews", *sys.argv[2:]]; count = 0
def tick():
    global count
    count += 1
    if count == target:
        os.kill(os.getpid(), signal.SIGKILL)
def hooked(owner, name):
    original = getattr(owner, name)
    def wrapper(*a, **k):
        tick(); r = original(*a, **k); tick(); return r
    setattr(owner, name, wrapper)
for name in ("create_file", "open_file", "rename_file", "delete_file"):
    hooked(filestore.FileStorage, name)
hooked(structfile.StructFile, "close"); hooked(os, "replace"); hooked(os, "fsync")
import atexit; atexit.register(lambda: print(f"EVENTS {count}", file=sys.stderr))
from searchnews.cli import main
main()
"""
WORDS = "harbour ferry council budget minister river bridge school hospital election vote market".split()


def make_corpus(folder: Path, articles: int) -> None:
    (folder / "txt").mkdir(parents=True)
    (folder / "json").mkdir()
    texts = articles * 2 // 3
    for i in range(texts):
        (folder / "txt" / f"a{i:05d}.txt").write_text(
            f"Story {i} about the {WORDS[i % 12]}\n\nThe quayside {WORDS[(i + 3) % 12]} plan {i} was approved.\n")
    rest, feed = articles - texts, 0
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--commit-every", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = dict(os.environ, SEARCHNEWS_COMMIT_EVERY=str(args.commit_every), PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "news", Path(tmp) / "index"
        make_corpus(corpus, args.articles)
        counted = subprocess.run([sys.executable, "-c", HOOK, "0", "index", str(corpus), "--index", str(index)],
                                 capture_output=True, text=True, env=env, check=True)
        events = int(counted.stderr.split("EVENTS ")[1])
        expected = set(ids(index))
        assert len(expected) == args.articles, len(expected)
        shutil.rmtree(index)
        print(f"{args.articles} articles, {events} file operations in a full run")
        started = time.perf_counter()
        for number in range(1, args.iterations + 1):
            if number % 3:
                target = rng.randint(1, events)
                subprocess.run([sys.executable, "-c", HOOK, str(target), "index", str(corpus), "--index",
                                str(index)], capture_output=True, env=env)
                how = f"at file operation {target}"
            else:
                delay = rng.uniform(0.0, 3.0)
                proc = subprocess.Popen([sys.executable, "-m", "searchnews", "index", str(corpus), "--index",
                                         str(index)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        env=env, start_new_session=True)
                time.sleep(delay)
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                how = f"after {delay:.2f} s"
            state = "no index yet"
            if NewsIndex.exists(index):
                found = ids(index)
                if len(found) != len(set(found)) or not set(found) <= expected:
                    print(f"FAIL {number}: killed {how}: {len(found) - len(set(found))} duplicates")
                    return 1
                state = f"{len(found)} articles"
            if number % 2 == 0:
                subprocess.run([sys.executable, "-m", "searchnews", "index", str(corpus), "--index", str(index)],
                               capture_output=True, env=env, check=True)
                found = ids(index)
                if len(found) != len(set(found)) or set(found) != expected:
                    print(f"FAIL {number}: rerun after kill {how} gave {len(found)} articles")
                    return 1
                state += f" -> rerun complete ({len(found)}); starting again from nothing"
                shutil.rmtree(index)
            print(f"{number:4d}  killed {how}: {state}")
        print(f"{args.iterations} kills survived in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
