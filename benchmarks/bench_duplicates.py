"""Syndicated-copy detection (searchnews.index.stories): is the threshold right, and what does it cost?

Usage (from the repository root, with the project installed):

    python benchmarks/bench_duplicates.py                        # quality, then cost at 100k
    python benchmarks/bench_duplicates.py --part quality
    python benchmarks/bench_duplicates.py --part cost --size 100000 [--index DIR]

(a) Quality. From real articles (BBC News and Reuters-21578 in ../shared/corpora)
it makes syndicated copies the way outlets do: a new headline, a dateline
prefix ("SEOUL (AFP) -"), trailing paragraphs cut, sentences from another
article inserted, a share of the words substituted (never figures: outlets
keep them), promo lines left in (the cleaner would remove them anyway), at
three strengths (light, typical, heavy). Negatives are pairs of different
articles of the same (large) topic, and templated reports: Reuters items
that recur with the same wording and new figures (the Fed's daily
repurchases, USDA price tables: the same headline, published two days or
more apart) and earnings reports of different companies. Each pair is
scored the way ``StoryTable.sync`` does (a shared LSH band, the estimated
Jaccard of the stored 16-bit values, the figures), at the chosen threshold
and at others, with other figures rules, shingle sizes and signature
lengths. Then all Reuters articles are indexed and synced: the stories
found, their sizes, and 10 random pairs for a human to judge.

(b) Cost. A Whoosh index of the scaled corpus (benchmarks/corpora.py: BBC and
Reuters repeated with distinct ids, so every article has exact copies: a
worst case for the number of stories) is built once (or given with
``--index``); on it: a first sync (seconds per 1,000 articles), syncs with
nothing to do, and incremental syncs of 10, 1,000 and 10,000 new articles
(their rows are forgotten, as an index run forgets changed files; the last
one profiled). For comparison, the time to rebuild an in-memory datasketch
``MinHashLSH`` from the stored signatures, which the sorted numpy band keys
replace. Results are printed as Markdown and saved to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # benchmarks/ is a folder of scripts, not a package

import corpora  # noqa: E402
import numpy as np  # noqa: E402
from datasketch.lsh import _optimal_param  # noqa: E402

from searchnews import duplicates as D  # noqa: E402

RESULTS = HERE / "results"
SEED = 20221202
LEVELS = {
    # cut: trailing paragraphs removed; inserts: sentences from another article; rate: words substituted
    "light": {"cut": 0, "inserts": 0, "rate": 0.01, "promos": 1},
    "typical": {"cut": 1, "inserts": 1, "rate": 0.03, "promos": 1},
    "heavy": {"cut": 2, "inserts": 2, "rate": 0.06, "promos": 2},
}
CITIES = ("SEOUL", "PARIS", "NAIROBI", "WASHINGTON", "LONDON", "TOKYO", "LAGOS", "LIMA", "BRUSSELS")
AGENCIES = ("AFP", "AP", "Reuters", "dpa")
PROMOS = (
    "Read also: {headline}",
    "PAY ATTENTION: Join our Telegram channel for the world news that matters to you",
    "Follow us on Twitter and Facebook for the latest updates",
    "READ MORE: {headline}",
    "Advertisement",
)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7)
_PARAGRAPHS = re.compile(r"\n\s*\n|\n(?= {2,}\S)")
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


# ---------------------------------------------------------------------------
# (a) quality: the pairs


def paragraphs(body: str) -> list[str]:
    parts = [" ".join(p.split()) for p in _PARAGRAPHS.split(body)]
    return [p for p in parts if p]


def make_copy(record: dict, level: str, donor: dict, rnd: random.Random, vocabulary: list[str]) -> dict:
    """A syndicated copy of ``record`` made the way outlets make them (see :data:`LEVELS`)."""
    spec = LEVELS[level]
    paras = paragraphs(record["body"])
    if len(paras) - spec["cut"] >= 2:
        paras = paras[:len(paras) - spec["cut"]]
    donor_sentences = [s for p in paragraphs(donor["body"]) for s in _SENTENCES.split(p) if len(s.split()) > 6]
    for sentence in rnd.sample(donor_sentences, min(spec["inserts"], len(donor_sentences))):
        paras.insert(rnd.randint(1, len(paras)), sentence)
    out = []
    for para in paras:
        words = para.split(" ")
        for i, word in enumerate(words):
            if not any(c.isdigit() for c in word) and rnd.random() < spec["rate"]:
                words[i] = rnd.choice(vocabulary)
        out.append(" ".join(words))
    out[0] = f"{rnd.choice(CITIES)} ({rnd.choice(AGENCIES)}) - {out[0]}"
    for _ in range(spec["promos"]):
        out.insert(rnd.randint(1, len(out)), rnd.choice(PROMOS).format(headline=donor["headline"]))
    return {"id": f"{record['id']}~{level}", "headline": f"Outlet: {record['headline'].title()}",
            "body": "\n\n".join(out)}


def _day(record: dict) -> str | None:
    return (record.get("date") or "")[:10] or None


def _days_apart(a: dict, b: dict) -> float:
    if not a.get("date") or not b.get("date"):
        return 0.0
    delta = dt.datetime.fromisoformat(a["date"]) - dt.datetime.fromisoformat(b["date"])
    return abs(delta.total_seconds()) / 86400


def _ticker(headline: str) -> str | None:
    found = re.search(r"<([A-Z.]+)>", headline)
    return found.group(1) if found else None


def labelled_pairs(rnd: random.Random) -> tuple[dict[str, dict], list[tuple[str, str, str]]]:
    """The articles and the pairs ``(a, b, kind)``; kinds starting with "copy" are positives."""
    bbc = list(corpora.bbc_records())
    reuters = list(corpora.reuters_records())
    everything = bbc + reuters
    long_enough = [r for r in everything if len(D.words(r["body"])) >= D.MIN_WORDS]
    vocabulary = sorted({w for r in rnd.sample(everything, 500) for w in r["body"].split() if w.isalpha()})
    by_topic: dict[str, list[dict]] = collections.defaultdict(list)
    for r in long_enough:
        if r["topics"]:
            by_topic[r["topics"][0]].append(r)
    articles: dict[str, dict] = {r["id"]: r for r in everything}
    pairs: list[tuple[str, str, str]] = []
    # positives: 300 BBC and 300 Reuters originals, one copy at each level
    for pool in ([r for r in long_enough if r["id"].startswith("bbc/")],
                 [r for r in long_enough if r["id"].startswith("reuters/")]):
        for record in rnd.sample(pool, 300):
            topic = by_topic[record["topics"][0]] if record["topics"] else long_enough
            donor = rnd.choice(topic)
            for level in LEVELS:
                copy = make_copy(record, level, donor, rnd, vocabulary)
                articles[copy["id"]] = copy
                pairs.append((record["id"], copy["id"], f"copy {level}"))
    # negatives: different articles of the same topic (a large one: the members of a small topic
    # are often one story sent twice)
    topics = [t for t, members in by_topic.items() if len(members) >= 30]
    same_topic: set[tuple[str, str]] = set()
    while len(same_topic) < 4000:
        a, b = sorted(rnd.sample(by_topic[rnd.choice(topics)], 2), key=lambda r: r["id"])
        if a["body"] != b["body"]:
            same_topic.add((a["id"], b["id"]))
    pairs += [(a, b, "same topic") for a, b in sorted(same_topic)]
    # negatives: recurring templated reports (same headline, digits aside, on different days)
    recurring: dict[str, list[dict]] = collections.defaultdict(list)
    for r in reuters:
        if len(D.words(r["body"])) >= D.MIN_WORDS:
            recurring[re.sub(r"[\d.,/-]+", "#", r["headline"])].append(r)
    templated = []
    for members in recurring.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if _days_apart(a, b) >= 2:  # a story sent again next morning is a copy, not a new report
                    templated.append((a["id"], b["id"], "recurring report"))
    pairs += rnd.sample(templated, min(3000, len(templated)))
    # negatives: earnings reports of different companies
    earn = [r for r in reuters if "earn" in r["topics"] and _ticker(r["headline"])
            and len(D.words(r["body"])) >= D.MIN_WORDS]
    other_company: set[tuple[str, str]] = set()
    while len(other_company) < 3000:
        a, b = sorted(rnd.sample(earn, 2), key=lambda r: r["id"])
        if _ticker(a["headline"]) != _ticker(b["headline"]):
            other_company.add((a["id"], b["id"]))
    pairs += [(a, b, "earnings, other company") for a, b in sorted(other_company)]
    return articles, pairs


def score_pairs(articles: dict[str, dict], pairs: list[tuple[str, str, str]], *, shingle: int = D.SHINGLE_WORDS,
                perm: int = D.NUM_PERM, bands: tuple[int, int] = (D.BANDS, D.ROWS)) -> dict[str, np.ndarray]:
    """Per pair: the estimated Jaccard, whether the pair shares a band, the figures' agreement."""
    saved = D.SHINGLE_WORDS
    D.SHINGLE_WORDS = shingle
    try:
        needed = {x for a, b, _k in pairs for x in (a, b)}
        sigs = {i: D.signature(articles[i]["body"]) for i in needed}
        sigs = {i: None if sig is None else D._stored(sig) for i, sig in sigs.items()}  # as the table keeps them
    finally:
        D.SHINGLE_WORDS = saved
    figures = {i: D.figures(articles[i]["body"]) for i in needed}
    estimate, banded = [], []
    for a, b, _kind in pairs:
        sa, sb = sigs[a], sigs[b]
        if sa is None or sb is None:
            estimate.append(0.0)
            banded.append(False)
        else:
            equal = sa[:perm] == sb[:perm]
            estimate.append(float(equal.mean()))
            count, rows = bands
            banded.append(bool(equal[:count * rows].reshape(count, rows).all(axis=1).any()))
    return {"estimate": np.array(estimate), "banded": np.array(banded),
            "agree": figures_agreement(pairs, figures, D.FIGURES_AGREE), "figures": figures}


def figures_agreement(pairs, figures: dict[str, frozenset[str]], share: float) -> np.ndarray:
    saved = D.FIGURES_AGREE
    D.FIGURES_AGREE = share
    try:
        return np.array([D.figures_agree(figures[a], figures[b]) for a, b, _kind in pairs])
    finally:
        D.FIGURES_AGREE = saved


def quality_table(kinds: np.ndarray, scores: dict[str, np.ndarray], thresholds, *, use_figures: bool) -> list[str]:
    positive = np.char.startswith(kinds, "copy")
    lines = []
    for threshold in thresholds:
        found = scores["banded"] & (scores["estimate"] >= threshold)
        if use_figures:
            found &= scores["agree"]
        tp = int((found & positive).sum())
        fp = int((found & ~positive).sum())
        recall = tp / positive.sum()
        precision = tp / (tp + fp) if tp + fp else 1.0
        per_kind = []
        for kind in sorted(set(kinds.tolist())):
            mask = kinds == kind
            per_kind.append(f"{found[mask].mean():.3f}" if kind.startswith("copy") else f"{int(found[mask].sum())}")
        marker = " **(chosen)**" if threshold == D.THRESHOLD else ""
        lines.append(f"| {threshold}{marker} | {precision:.3f} | {recall:.3f} | " + " | ".join(per_kind) + " |")
    return lines


def reuters_copies(rnd: random.Random) -> list[str]:
    """The stories StoryTable finds in an index of all Reuters articles; 10 random pairs to judge."""
    from searchnews import NewsIndex
    from searchnews.index.writing import open_index

    records = {r["id"]: r for r in corpora.reuters_records()}
    index = corpora.DATA / "index-reuters"
    if not (index / "BUILT").exists():
        folder = corpora.DATA / "reuters"
        if not (folder / "COUNT").exists():
            count, _bytes = corpora.write_jsonl(records.values(), folder)
            (folder / "COUNT").write_text(str(count))
        with NewsIndex.create(index) as ix:
            ix.add([folder])
        (index / "BUILT").write_text("1")
    (index / D.STORIES_NAME).unlink(missing_ok=True)
    ix = open_index(index)
    with D.StoryTable.open(index) as table, ix.searcher() as searcher:
        report = table.sync(searcher)
        story_map = table.story_map()
    ix.close()
    stories: dict[str, list[str]] = collections.defaultdict(list)
    for article_id, key in story_map.items():
        stories[key].append(article_id)
    pairs = [(a, b) for group in map(sorted, stories.values()) for i, a in enumerate(group) for b in group[i + 1:]]
    same_headline = sum(records[a]["headline"] == records[b]["headline"] for a, b in pairs)
    sizes = collections.Counter(len(members) for members in stories.values())
    lines = [f"Reuters-21578 ({len(records)} articles with a body) indexed, then a sync from scratch: "
             f"{report.seconds:.1f} s; {len(story_map)} articles in {len(stories)} stories "
             f"(sizes: {', '.join(f'{size}: {n}' for size, n in sorted(sizes.items()))}); {len(pairs)} pairs, "
             f"{same_headline} of them with the same headline.", "",
             "Largest stories: " + "; ".join(
                 f"{len(members)} × {collections.Counter(records[i]['headline'] for i in members).most_common(1)[0][0]}"
                 for members in sorted(stories.values(), key=len, reverse=True)[:5]) + ".", "",
             "Ten random pairs, for a human to judge:", ""]
    for a, b in rnd.sample(pairs, min(10, len(pairs))):
        lines.append(f"* `{a}` / `{b}`")
        for i in (a, b):
            text = " ".join(records[i]["body"].split())
            lines.append(f"  * {records[i]['headline']} ({_day(records[i])}): {text[:160]}…")
    return lines


def _relabel(line: str, label: str) -> str:
    """A row of :func:`quality_table` with ``label`` in its first cell."""
    return "| " + label + " |" + line.split("|", 2)[2]


def run_quality() -> list[str]:
    rnd = random.Random(SEED)
    articles, pairs = labelled_pairs(rnd)
    kinds = np.array([k for _a, _b, k in pairs])
    counts = collections.Counter(kinds.tolist())
    header_kinds = sorted(counts)
    head = ("| threshold | precision | recall | " + " | ".join(
        f"{k} ({counts[k]}){' recall' if k.startswith('copy') else ' FP'}" for k in header_kinds) + " |")
    rule = "|" + "---|" * (3 + len(header_kinds))
    out = ["## (a) Quality", "",
           f"Pairs: {sum(v for k, v in counts.items() if k.startswith('copy'))} synthetic copies of "
           f"600 real articles (BBC and Reuters) at three strengths, and "
           f"{sum(v for k, v in counts.items() if not k.startswith('copy'))} negative pairs. "
           f"A pair is found when it shares an LSH band ({D.BANDS}×{D.ROWS}) and its estimated Jaccard "
           f"reaches the threshold; *with figures*, the figures must also agree "
           f"(figures_agree: at least {D.FIGURES_AGREE} of the smaller set of figures in the other). "
           f"Shingles of {D.SHINGLE_WORDS} words, {D.NUM_PERM} values per signature, unless said otherwise. "
           f"Recall per kind of copy; false positives (FP) per kind of negative.", ""]
    scores = score_pairs(articles, pairs)
    out += ["### Threshold, with figures (as StoryTable does)", "", head, rule]
    out += quality_table(kinds, scores, THRESHOLDS, use_figures=True)
    out += ["", "### Threshold, Jaccard only (no figures rule)", "", head, rule]
    out += quality_table(kinds, scores, THRESHOLDS, use_figures=False)
    out += ["", f"### Figures rule at the threshold {D.THRESHOLD} (FIGURES_AGREE; 0 turns it off)", "",
            head.replace("threshold", "figures"), rule]
    for share in (0.0, 0.5, D.FIGURES_AGREE, 0.8, 1.0):
        variant = dict(scores, agree=figures_agreement(pairs, scores["figures"], share))
        out += [_relabel(line, f"{share}" + (" **(chosen)**" if share == D.FIGURES_AGREE else ""))
                for line in quality_table(kinds, variant, (D.THRESHOLD,), use_figures=True)]
    out += ["", f"### Shingle size and signature length at the threshold {D.THRESHOLD} (with figures)", "",
            head.replace("threshold", "setting"), rule]
    for shingle, perm in ((3, D.NUM_PERM), (4, D.NUM_PERM), (5, D.NUM_PERM), (7, D.NUM_PERM), (5, 64)):
        bands = (D.BANDS, D.ROWS) if perm == D.NUM_PERM else _optimal_param(D.THRESHOLD, perm, *D.LSH_WEIGHTS)
        other = scores if (shingle, perm) == (D.SHINGLE_WORDS, D.NUM_PERM) else score_pairs(
            articles, pairs, shingle=shingle, perm=perm, bands=bands)
        chosen = " **(chosen)**" if (shingle, perm) == (D.SHINGLE_WORDS, D.NUM_PERM) else ""
        setting = f"{shingle} words, {perm} values, LSH {bands[0]}×{bands[1]}{chosen}"
        out += [_relabel(line, setting) for line in quality_table(kinds, other, (D.THRESHOLD,), use_figures=True)]
    found = scores["banded"] & (scores["estimate"] >= D.THRESHOLD) & scores["agree"]
    out += ["", "Negatives found at the chosen settings (headlines, for a human to judge; at most 5 per kind):", ""]
    for kind in header_kinds:
        if kind.startswith("copy"):
            continue
        for i in np.flatnonzero(found & (kinds == kind))[:5].tolist():
            a, b, _kind = pairs[i]
            out.append(f"* {kind}, {scores['estimate'][i]:.2f}: {articles[a]['headline']} ({_day(articles[a])}) / "
                       f"{articles[b]['headline']} ({_day(articles[b])})")
    # How close to the threshold are the copies and the templated reports?
    out += ["", "Estimated Jaccard, percentiles 5/25/50 (copies) and 50/95/99 (negatives):", ""]
    for kind in header_kinds:
        values = scores["estimate"][kinds == kind]
        points = (5, 25, 50) if kind.startswith("copy") else (50, 95, 99)
        out.append(f"* {kind}: " + ", ".join(f"p{p} {np.percentile(values, p):.2f}" for p in points))
    out += ["", "### Copies among all Reuters articles", ""]
    out += reuters_copies(random.Random(SEED))
    return out


# ---------------------------------------------------------------------------
# (b) cost


def build_index(size: int, target: Path) -> float:
    from searchnews import NewsIndex

    folder, _articles, _bytes = corpora.scaled_corpus(size)
    if (target / "BUILT").exists():
        return float((target / "BUILT").read_text())
    if target.exists():
        shutil.rmtree(target)
    started = time.perf_counter()
    with NewsIndex.create(target) as ix:
        ix.add([folder])
    seconds = time.perf_counter() - started
    (target / "BUILT").write_text(f"{seconds:.1f}")
    return seconds


def lsh_rebuild_seconds(index: Path) -> tuple[float, int]:
    """Rebuild a datasketch MinHashLSH from the stored signatures (the design the band table replaces)."""
    import sqlite3

    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    db = sqlite3.connect(index / D.STORIES_NAME)
    lsh = MinHashLSH(num_perm=D.NUM_PERM, params=(D.BANDS, D.ROWS))
    count = 0
    with lsh.insertion_session() as session:
        for article_id, blob in db.execute("SELECT id, signature FROM articles WHERE signature IS NOT NULL"):
            values = np.frombuffer(blob, dtype="<u2").astype(np.uint32)
            session.insert(article_id, MinHash(hashvalues=values, scheme="affine32", permutations=D._permutations()),
                           check_duplication=False)
            count += 1
    db.close()
    return time.perf_counter() - started, count


def run_cost(size: int, index: Path | None) -> list[str]:
    from searchnews.index.writing import open_index

    target = index or corpora.DATA / f"index-{size}"
    build = build_index(size, target) if index is None else None
    ix = open_index(target)
    stories = target / D.STORIES_NAME
    for name in (stories, Path(f"{stories}-journal")):
        if name.exists():
            name.unlink()
    out = ["## (b) Cost", ""]
    rows = []
    with D.StoryTable.open(target) as table, ix.searcher() as searcher:
        docs = searcher.doc_count()
        first = table.sync(searcher)
        rows.append(("first sync (every signature)", first.seconds, first))
        noop = table.sync(searcher)
        rows.append(("sync with nothing to do (the index is the version last synced)", noop.seconds, noop))
        with table._transaction() as db:  # as after a commit that changed no article: ids are compared
            db.execute("DELETE FROM meta WHERE name = 'synced'")
        compared = table.sync(searcher)
        rows.append(("sync with nothing to do (another index version: ids compared)", compared.seconds, compared))
        rnd = random.Random(SEED)
        ids = [row[0] for row in table._read("SELECT id FROM articles")]
        profile = cProfile.Profile()
        for count in (10, 1000, 10_000):
            table.forget(rnd.sample(ids, count))
            if count == 10_000:
                profile.enable()
            again = table.sync(searcher)
            profile.disable()
            note = ", under cProfile" if count == 10_000 else ""
            rows.append((f"incremental: {count} new articles (their rows forgotten{note})", again.seconds, again))
        story_count = len(set(table.story_map().values()))
        in_stories = len(table.story_map())
        t0 = time.perf_counter()
        table.story_map()
        map_seconds = time.perf_counter() - t0
    ix.close()
    rebuild, signed = lsh_rebuild_seconds(target)
    index_bytes = sum(f.stat().st_size for f in target.iterdir() if f.is_file() and f.name != D.STORIES_NAME)
    out += [f"Index of {docs} articles (scaled corpus: every article and its exact copies)"
            + (f", built in {build:.0f} s" if build else "") + f"; story table {stories.stat().st_size / 1e6:.1f} MB "
            f"next to an index of {index_bytes / 1e6:.0f} MB. {in_stories} articles in {story_count} stories.", "",
            "| operation | seconds | per 1,000 computed | computed | removed | copies found |",
            "|---|---|---|---|---|---|"]
    for name, seconds, report in rows:
        per = f"{seconds / report.computed * 1000:.2f}" if report.computed else "–"
        out.append(f"| {name} | {seconds:.2f} | {per} | {report.computed} | {report.removed} | "
                   f"{report.copies_found} |")
    out.append(f"| story_map() (what a query loads) | {map_seconds:.3f} | – | – | – | – |")
    out.append(f"| rebuild a datasketch MinHashLSH from {signed} stored signatures (not done) | {rebuild:.2f} "
               f"| – | – | – | – |")
    buffer = io.StringIO()
    pstats.Stats(profile, stream=buffer).sort_stats("tottime").print_stats(12)
    lines = buffer.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    out += ["", "Incremental sync of 10,000 articles, cProfile (by own time):", "", "```",
            *[line for line in lines[start:] if line.strip()], "```"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("quality", "cost", "all"), default="all")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--index", type=Path, help="an index of the scaled corpus to use (its story table is replaced)")
    args = parser.parse_args()
    if not (corpora.SHARED / "bbc").is_dir():
        sys.exit(f"real corpora not found at {corpora.SHARED} (set SEARCHNEWS_SHARED_CORPORA)")
    lines = [f"# Syndicated copies ({dt.datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, "
             f"{os.cpu_count()} CPUs, Python {platform.python_version()})", "",
             f"`python benchmarks/bench_duplicates.py {' '.join(sys.argv[1:])}`".replace(" `", "`"), ""]
    if args.part in ("quality", "all"):
        lines += [*run_quality(), ""]
    if args.part in ("cost", "all"):
        lines += run_cost(args.size, args.index)
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"duplicates-{stamp}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"duplicates-{stamp}.json").write_text(json.dumps({"argv": sys.argv[1:], "markdown": text}),
                                                     encoding="utf-8")


if __name__ == "__main__":
    main()
