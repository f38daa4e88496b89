"""Digests of what the cleaner makes of whole folders: a check that a change keeps plain articles as they were.

Usage (from the repository root):

    python benchmarks/clean_digests.py corpus --write tests/data/clean_digests_sample.json
    python benchmarks/clean_digests.py ../shared/corpora/bbc --compare tests/data/clean_digests_bbc.json
    python benchmarks/clean_digests.py --reuters 3000 --compare tests/data/clean_digests_reuters.json

Each file under the folder is cleaned as ``index`` cleans it (boilerplate
learned from its folder first) and its articles are reduced to a SHA-256 of
their JSON (headline, body, captions, source, authors, date, url, language,
place). Only digests are stored, never text, so the digests of corpora nobody
here wrote can be kept in the repository. ``--compare`` lists the files whose
output changed; ``tests/test_clean_regression.py`` runs it on the sample
corpus, BBC and the seed example. ``--reuters N`` digests instead the first N
Reuters-21578 stories (``benchmarks/corpora.py``), each cleaned as a record
whose headline is given: ``clean_text(body, headline=...)``, the cleaner's own
part of reading a JSON record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import itertools
import json
import sys
from pathlib import Path

from searchnews.ingest.cleaning import clean_text, read_file
from searchnews.ingest.learning import learn_boilerplate
from searchnews.models import Article

#: Relative stamps ("3 hours ago") count back from this, not from the files' modification times.
REFERENCE_DATE = dt.datetime(2023, 1, 15)

FIELDS = ("headline", "body", "captions", "source", "authors", "date", "url", "language", "place")


def article_digest(article: Article) -> str:
    """The SHA-256 of an article's cleaned fields (not its path, id or notes)."""
    data = article.to_dict()
    payload = json.dumps({k: data[k] for k in FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def digests(paths: list[Path], root: Path) -> dict[str, list[str]]:
    """File (relative to ``root``) → the digests of its articles (a problem's reason when it has none)."""
    learned = learn_boilerplate(paths)
    out: dict[str, list[str]] = {}
    for path in paths:
        items = []
        for item in read_file(path, learned=learned.for_path(path), reference_date=REFERENCE_DATE):
            items.append(article_digest(item) if isinstance(item, Article) else f"problem: {item.reason}")
        out[path.relative_to(root).as_posix()] = items
    return out


def reuters_digests(count: int) -> dict[str, list[str]]:
    """Record id → the digest of ``clean_text(body, headline=title)`` for the first ``count`` Reuters stories."""
    spec = importlib.util.spec_from_file_location("corpora", Path(__file__).with_name("corpora.py"))
    corpora = importlib.util.module_from_spec(spec)  # the benchmarks' reader, next to this file
    spec.loader.exec_module(corpora)
    return {record["id"]: [article_digest(clean_text(record["body"], headline=record["headline"]))]
            for record in itertools.islice(corpora.reuters_records(), count)}


def folder_files(root: Path) -> list[Path]:
    """The files of a folder (or the file itself), hidden ones and READMEs left out."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and not p.name.upper().startswith("README"))


def compare(got: dict[str, list[str]], want: dict[str, list[str]]) -> list[str]:
    """The files whose digests differ, appeared or disappeared."""
    return sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--reuters", type=int, metavar="N", help="digest the first N Reuters stories instead")
    parser.add_argument("--write", type=Path, help="save the digests to this JSON file")
    parser.add_argument("--compare", type=Path, help="compare with the digests saved in this JSON file")
    args = parser.parse_args(argv)
    if args.reuters:
        got = reuters_digests(args.reuters)
    elif args.folder:
        root = args.folder if args.folder.is_dir() else args.folder.parent
        got = digests(folder_files(args.folder), root)
    else:
        parser.error("give a folder or --reuters N")
    if args.write:
        args.write.write_text(json.dumps(got, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(got)} files written to {args.write}")
    if args.compare:
        changed = compare(got, json.loads(args.compare.read_text(encoding="utf-8")))
        print(f"{len(changed)} of {len(got)} files changed")
        for name in changed:
            print("  " + name)
        return 1 if changed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
