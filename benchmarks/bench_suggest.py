"""How good and how fast "did you mean" is (searchnews.search.suggest) on a real corpus.

Usage:
    python benchmarks/bench_suggest.py [CORPUS] [--index DIR] [--samples N] [--seed S]
                                       [--set NAME=VALUE ...]

CORPUS defaults to ../shared/corpora/bbc. With ``--index DIR`` an index
already built from it is used (``searchnews index CORPUS --index DIR``);
otherwise it is indexed into a temporary folder first.

Typos are made from words of the corpus's articles (seeded): words of 3 letters
or more, not stop words, found in at least 5 articles, with one random edit
(a deletion, insertion, substitution or transposition of two adjacent letters,
anywhere in the word); words of 7 letters or more with two; and rare words
(found in 1 to 3 articles, 5 letters or more: names, mostly) with one.
Typos that are themselves words of the index are left out (a real-word error
is not what suggest() is for) and counted. For each typo the script reports
whether suggest() gives the original word back (same term: "sanction" for
"sanctions" counts), another word, or nothing. It also types rare words of the
corpus (found in 1 to 3 articles, mostly names) and 150 made-up pronounceable
words ("luhizu"), and reports how often they get a correction, which should
be seldom. Times are the median and 95th
percentile of suggest() alone, in ms, as CPU time of this process (steadier
on a shared machine) and wall-clock time: one-word typo queries, three-word
queries with one typo, and three-word queries without one (the cost when
nothing needs correcting). ``--set NAME=VALUE`` overrides a heuristic of searchnews.search.suggest
(``--set DF_RATIO=200 --set MIN_DF=1``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

from searchnews import NewsIndex
from searchnews.index import schema as S
from searchnews.index.analysis import WORD, analysis_language, is_stop, term_of
from searchnews.search import suggest as suggest_module
from searchnews.search.parse import index_languages

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("SEARCHNEWS_SHARED_CORPORA") or HERE.parent.parent / "shared" / "corpora")
sys.path.insert(0, str(HERE))  # benchmarks/ is a folder of scripts, not a package

from bench_speed import percentile  # noqa: E402


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one random edit."""
    kind = rng.choice(("delete", "insert", "substitute", "transpose"))
    i = rng.randrange(len(word))
    letter = rng.choice(string.ascii_lowercase)
    if kind == "delete":
        return word[:i] + word[i + 1:]
    if kind == "insert":
        return word[:i] + letter + word[i:]
    if kind == "substitute":
        return word[:i] + letter + word[i + 1:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def made_up_word(rng: random.Random) -> str:
    """A pronounceable word of 6 or 8 letters, most likely in no language ("luhizu")."""
    return "".join(rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou") for _ in range(rng.randrange(3, 5)))


def corpus_words(searcher, rng: random.Random, docs: int) -> list[tuple[str, int]]:
    """Alphabetic words (lower-cased) of ``docs`` random articles with their term's document frequency."""
    reader = searcher.reader()
    words: dict[str, int] = {}
    for docnum in rng.sample(range(reader.doc_count_all()), min(docs, reader.doc_count_all())):
        stored = reader.stored_fields(docnum)
        language = analysis_language(stored.get(S.LANGUAGE))
        for word in WORD.findall(stored.get(S.BODY) or ""):
            word = word.lower()
            if len(word) >= 3 and word.isalpha() and word not in words and not is_stop(word, language):
                words[word] = reader.doc_frequency(S.TEXT, term_of(word, language))
    return sorted(words.items())


def timed(searcher, query: str) -> tuple[tuple[float, float], object]:
    """suggest()'s result, with its (CPU, wall-clock) time in ms."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = suggest_module.suggest(searcher, query)
    return ((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000), result


def summary(times: list[tuple[float, float]]) -> str:
    cpu, wall = [t[0] for t in times], [t[1] for t in times]
    return (f"CPU p50 {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 95):.1f} ms; "
            f"wall p50 {statistics.median(wall):.1f} ms, p95 {percentile(wall, 95):.1f} ms (n={len(times)})")


def run(index: Path, samples: int, seed: int) -> None:
    rng = random.Random(seed)
    with NewsIndex.open(index) as ix:
        searcher = ix._searcher()
        reader = searcher.reader()
        articles = reader.doc_count_all()
        words = corpus_words(searcher, rng, 400)
        common = [w for w, df in words if df >= 5]
        rare = [w for w, df in words if 1 <= df <= 3]
        timed(searcher, "warm up")
        # Typos: one edit, two edits on long words, one edit on rare words (names, mostly).
        long_words = [w for w in common if len(w) >= 7]
        rare_long = [w for w in rare if len(w) >= 5]
        def pick(words: list[str], count: int) -> list[str]:
            return rng.sample(words, min(count, len(words)))

        kinds = {
            "1 edit": [(w, typo(w, rng)) for w in pick(common, samples)],
            "2 edits": [(w, typo(typo(w, rng), rng)) for w in pick(long_words, samples // 2)],
            "1 edit, rare word": [(w, typo(w, rng)) for w in pick(rare_long, samples // 2)],
        }
        languages = index_languages(searcher)
        one_word_times: list[tuple[float, float]] = []
        outcomes: dict[str, dict[str, int]] = {kind: {} for kind in kinds}
        wrong: list[str] = []
        real_words = 0
        for kind, cases in kinds.items():
            for original, typed in cases:
                if typed == original or any(reader.doc_frequency(S.TEXT, term_of(typed, lang)) for lang in languages):
                    real_words += 1
                    continue
                ms, result = timed(searcher, typed)
                one_word_times.append(ms)
                if result is None:
                    outcome = "none"
                elif term_of(result.corrections[0][1].lower()) == term_of(original):
                    outcome = "right"
                else:
                    outcome = "wrong"
                    wrong.append(f"{typed} -> {result.corrections[0][1]} (meant {original})")
                outcomes[kind][outcome] = outcomes[kind].get(outcome, 0) + 1
        # Rare words typed as they are.
        rare_sample = rng.sample(rare, min(samples, len(rare)))
        rare_corrected = []
        for word in rare_sample:
            _, result = timed(searcher, word)
            if result is not None:
                rare_corrected.append(f"{word} -> {result.corrections[0][1]}")
        # Made-up words.
        made_up = [made_up_word(rng) for _ in range(150)]
        made_up_corrected = []
        for word in made_up:
            _, result = timed(searcher, word)
            if result is not None:
                made_up_corrected.append(f"{word} -> {result.corrections[0][1]}")
        # Three-word queries, with and without a typo.
        mixed_times, clean_times = [], []
        for original, typed in kinds["1 edit"]:
            others = rng.sample(common, 2)
            mixed_times.append(timed(searcher, " ".join([others[0], typed, others[1]]))[0])
            clean_times.append(timed(searcher, " ".join([others[0], original, others[1]]))[0])
    print(f"index: {index} ({articles:,} articles)")
    print(f"settings: MIN_DF={suggest_module.MIN_DF} DF_RATIO={suggest_module.DF_RATIO} "
          f"SURFACE_LOOKUPS={suggest_module.SURFACE_LOOKUPS}")
    print(f"typos that are words of the index (left out): {real_words}")
    for kind, counts in outcomes.items():
        total = sum(counts.values()) or 1
        print(f"{kind}: " + ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in sorted(counts.items())))
    print("wrong corrections (first 15): " + "; ".join(wrong[:15]))
    print(f"rare words (df 1-3) corrected: {len(rare_corrected)} of {len(rare_sample)}: "
          + "; ".join(rare_corrected[:15]))
    print(f"made-up words corrected: {len(made_up_corrected)} of {len(made_up)}: " + "; ".join(made_up_corrected[:10]))
    print(f"time, one-word typo queries: {summary(one_word_times)}")
    print(f"time, three-word queries with one typo: {summary(mixed_times)}")
    print(f"time, three-word queries without typo: {summary(clean_times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default=str(SHARED / "bbc"))
    parser.add_argument("--index", type=Path, help="an index already built from the corpus")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a heuristic of searchnews.search.suggest")
    args = parser.parse_args()
    for setting in args.set:
        name, _, value = setting.partition("=")
        if not hasattr(suggest_module, name):
            parser.error(f"searchnews.search.suggest has no {name}")
        setattr(suggest_module, name, type(getattr(suggest_module, name))(value))
    if args.index is not None:
        run(args.index, args.samples, args.seed)
        return
    with tempfile.TemporaryDirectory() as tmp:
        with NewsIndex.create(Path(tmp) / "index") as ix:
            ix.add([args.corpus])
        run(Path(tmp) / "index", args.samples, args.seed)


if __name__ == "__main__":
    main()
