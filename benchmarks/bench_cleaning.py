"""Cleaning time per article, side by side with the cleaner of an earlier commit, in the same run.

Usage (from the repository root):

    python benchmarks/bench_cleaning.py                       # against 9eb9ad6 (before the page-chrome work)
    python benchmarks/bench_cleaning.py --base HEAD~3 --rounds 5
    python benchmarks/bench_cleaning.py --corpora bbc,reuters --profile reuters   # cProfile of this tree

Terms:
    corpora
        ``bbc``: the 2,225 BBC ``.txt`` files (a headline line, then paragraphs);
        ``reuters``: Reuters-21578 stories with a body, written once as JSONL
        records by ``benchmarks/corpora.py`` (``benchmarks/data/reuters-jsonl``,
        git-ignored; ``--reuters N`` of them, 4,000 by default); ``sample``: the
        sample corpus in ``corpus/`` (every format); ``pages``: the real pages
        rendered to text by ``benchmarks/render_pages.py`` (four renderers,
        ``benchmarks/data/pages``; skipped when not rendered). ``bbc``,
        ``reuters`` and ``pages`` need ``../shared/corpora``.
    base
        The cleaner as it was at a commit (default ``9eb9ad6``, before the
        page-chrome finder): ``git archive`` extracts its ``searchnews`` package
        to a temporary folder, where it is imported as ``searchnews_base``, so
        both cleaners run in this one process, on the same documents.
    cleaning time
        ``clean_document`` on an already read document (files are read and
        decoded once, before timing; boilerplate is learned per folder or
        JSONL file, as ``index`` does, and not timed). Each round cleans every
        document with both cleaners, in alternating order; an article's time is
        its fastest of the rounds (the least disturbed by the other processes
        of a shared machine). Median, p95 and total are over articles.
    ratio
        base time / this tree's time: above 1 this tree is faster.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import importlib.util
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpora  # noqa: E402  (the benchmarks' own helper, next to this file)

SHARED = corpora.SHARED
PAGES = HERE / "data" / "pages"
REUTERS_JSONL = HERE / "data" / "reuters-jsonl"
CORPORA = ("bbc", "reuters", "sample", "pages")
#: Relative stamps count back from this (not from the files' modification times), as in clean_digests.py.
REFERENCE_DATE = dt.datetime(2023, 1, 15)


def load_base(commit: str, folder: Path) -> types.ModuleType:
    """The ``searchnews`` package of ``commit``, imported as ``searchnews_base`` from ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "searchnews"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    package = folder / "searchnews_base"
    (folder / "searchnews").rename(package)
    spec = importlib.util.spec_from_file_location("searchnews_base", package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["searchnews_base"] = module
    spec.loader.exec_module(module)
    return module


class Cleaner:
    """One version of the cleaner: its reader, its learner and its ``clean_document``."""

    def __init__(self, name: str, package: str) -> None:
        self.name = name
        self.corpus = importlib.import_module(f"{package}.ingest.corpus")
        self.cleaning = importlib.import_module(f"{package}.ingest.cleaning")
        self.learning = importlib.import_module(f"{package}.ingest.learning")
        self.errors = importlib.import_module(f"{package}.errors")

    def documents(self, paths: list[Path]) -> list[tuple[Any, frozenset[str]]]:
        """Every document of the files, read and decoded, with the learned lines of its group."""
        learned = self.learning.learn_boilerplate(paths)
        out = []
        for path in paths:
            fmt = self.corpus.FORMATS.get(path.suffix.lower(), "text")
            st = path.stat()
            source = self.corpus.SourceFile(str(path), fmt, st.st_size, st.st_mtime_ns)
            try:
                for raw in self.corpus.read_documents(source):
                    if isinstance(raw, self.corpus.RawDocument):
                        out.append((raw, learned.for_path(path)))
            except self.errors.SearchnewsError:  # an empty or unreadable file has nothing to clean
                pass
        return out

    def clean(self, raw: Any, learned: frozenset[str]) -> Any:
        try:
            return self.cleaning.clean_document(raw, learned=learned, reference_date=REFERENCE_DATE)
        except self.errors.SearchnewsError:
            return None


def corpus_files(name: str, reuters: int) -> list[Path]:
    """The files of a corpus (empty when it is not there)."""
    if name == "bbc":
        return sorted((SHARED / "bbc").glob("*/*.txt"))
    if name == "sample":
        return sorted(p for p in (ROOT / "corpus").rglob("*") if p.is_file() and not p.name.startswith(".")
                      and not p.name.upper().startswith("README"))
    if name == "pages":
        return sorted(PAGES.glob("*/*.txt"))
    if name == "reuters":
        if not (SHARED / "reuters21578").is_dir():
            return []
        folder = REUTERS_JSONL / str(reuters)
        if not (folder / "COUNT").exists():
            records = []
            for record in corpora.reuters_records():
                records.append(record)
                if len(records) >= reuters:
                    break
            count, _ = corpora.write_jsonl(records, folder, per_file=1000)
            (folder / "COUNT").write_text(str(count))
        return sorted(folder.glob("*.jsonl"))
    raise ValueError(f"unknown corpus {name!r}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(cleaners: list[Cleaner], files: list[Path], rounds: int) -> dict[str, dict[str, float]]:
    """Per cleaner: median, p95 and total of the per-article times (ms), articles and equal outputs."""
    docs = {c.name: c.documents(files) for c in cleaners}
    counts = {len(d) for d in docs.values()}
    if len(counts) != 1:
        raise SystemExit(f"the cleaners read different numbers of documents: {counts}")
    n = counts.pop()
    best = {c.name: [float("inf")] * n for c in cleaners}
    outputs: dict[str, list[Any]] = {c.name: [None] * n for c in cleaners}
    for r in range(rounds):
        order = cleaners if r % 2 == 0 else cleaners[::-1]
        for cleaner in order:
            times = best[cleaner.name]
            out = outputs[cleaner.name]
            clock = time.perf_counter
            for k, (raw, learned) in enumerate(docs[cleaner.name]):
                start = clock()
                article = cleaner.clean(raw, learned)
                elapsed = clock() - start
                if elapsed < times[k]:
                    times[k] = elapsed
                if r == 0:
                    out[k] = article.to_dict() if article is not None else None
    result: dict[str, dict[str, float]] = {}
    first = cleaners[0].name
    for cleaner in cleaners:
        ms = [t * 1000 for t in best[cleaner.name]]
        pairs = zip(outputs[first], outputs[cleaner.name], strict=True)
        same = sum(1 for a, b in pairs if _comparable(a) == _comparable(b))
        result[cleaner.name] = {"articles": n, "median_ms": statistics.median(ms), "p95_ms": percentile(ms, 0.95),
                                "total_s": sum(ms) / 1000, "same_output": same}
    return result


def _comparable(article: dict | None) -> dict | None:
    if article is None:
        return None
    return {k: v for k, v in article.items() if k not in ("id", "path", "notes")}


def profile(cleaner: Cleaner, files: list[Path], top: int = 30) -> str:
    """cProfile of one pass of ``cleaner`` over the documents of ``files``: the top functions by own time."""
    docs = cleaner.documents(files)
    for raw, learned in docs[:50]:  # warm caches (stop-word lists, regexes) outside the profile
        cleaner.clean(raw, learned)
    prof = cProfile.Profile()
    prof.enable()
    for raw, learned in docs:
        cleaner.clean(raw, learned)
    prof.disable()
    stream = io.StringIO()
    stats = pstats.Stats(prof, stream=stream)
    stats.sort_stats("tottime").print_stats(top)
    return stream.getvalue()


def table(results: dict[str, dict[str, dict[str, float]]], base: str) -> str:
    lines = ["| corpus | articles | cleaner | median ms | p95 ms | total s | ratio (total) | ratio (median) "
             "| same output |",
             "|---|---|---|---|---|---|---|---|---|"]
    for corpus, by_cleaner in results.items():
        ref = by_cleaner.get(base)
        for name, r in by_cleaner.items():
            ratio = f"{ref['total_s'] / r['total_s']:.2f}x" if ref and name != base else ""
            ratio_med = f"{ref['median_ms'] / r['median_ms']:.2f}x" if ref and name != base else ""
            lines.append(f"| {corpus} | {r['articles']} | {name} | {r['median_ms']:.3f} | {r['p95_ms']:.3f} | "
                         f"{r['total_s']:.2f} | {ratio} | {ratio_med} | {r['same_output']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="9eb9ad6", help="the commit to compare with ('none' for this tree alone)")
    parser.add_argument("--corpora", default=",".join(CORPORA), help=f"comma-separated, of {', '.join(CORPORA)}")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuters", type=int, default=4000, help="how many Reuters stories")
    parser.add_argument("--profile", metavar="CORPUS", help="print a cProfile of this tree's cleaner on CORPUS")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-cleaning-") as tmp:
        cleaners = []
        if args.base != "none":
            load_base(args.base, Path(tmp))
            cleaners.append(Cleaner(f"base {args.base}", "searchnews_base"))
        cleaners.append(Cleaner("this tree", "searchnews"))
        if args.profile:
            print(profile(cleaners[-1], corpus_files(args.profile, args.reuters)))
            return 0
        results = {}
        for corpus in args.corpora.split(","):
            files = corpus_files(corpus, args.reuters)
            if not files:
                print(f"{corpus}: not found, skipped", file=sys.stderr)
                continue
            results[corpus] = measure(cleaners, files, args.rounds)
            if not args.json:
                print(f"{corpus}: done", file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"Cleaning time per article, best of {args.rounds} rounds, same run (python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs)\n")
        print(table(results, cleaners[0].name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
