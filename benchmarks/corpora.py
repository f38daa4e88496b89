"""Loading the real corpora in ../shared/corpora as plain records, for the benchmarks.

Each record is a dict with ``id``, ``headline``, ``body`` and, where the
corpus has them, ``date``, ``topics`` and ``places``. :func:`scaled` repeats
records with distinct ids to reach a size, and :func:`write_jsonl` writes them
as the JSONL files searchnews indexes (kept out of git, in benchmarks/data/).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("SEARCHNEWS_SHARED_CORPORA", HERE.parent.parent / "shared" / "corpora"))
DATA = HERE / "data"

_REUTERS = re.compile(r"<REUTERS(?P<attrs>[^>]*)>(?P<body>.*?)</REUTERS>", re.S)
_TAG = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("TITLE", "BODY", "DATE", "TOPICS", "PLACES")}
_D = re.compile(r"<D>(.*?)</D>")


def bbc_records(root: Path = SHARED / "bbc") -> Iterator[dict]:
    """The BBC News corpus: line 1 is the headline, the rest the body."""
    for path in sorted(root.glob("*/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        headline, _, body = text.strip().partition("\n")
        yield {"id": f"bbc/{path.parent.name}/{path.stem}", "headline": headline.strip(), "body": body.strip(),
               "topics": [path.parent.name]}


def _reuters_date(value: str) -> str | None:
    try:
        return dt.datetime.strptime(value.strip().split(".")[0], "%d-%b-%Y %H:%M:%S").isoformat()
    except ValueError:
        return None


def reuters_records(root: Path = SHARED / "reuters21578", with_body_only: bool = True) -> Iterator[dict]:
    """Reuters-21578: every <REUTERS> record with a title and (by default) a body."""
    for path in sorted(root.glob("reut2-*.sgm")):
        text = path.read_bytes().decode("latin-1")
        for match in _REUTERS.finditer(text):
            attrs, body = match.group("attrs"), match.group("body")
            fields = {name: (m.group(1) if (m := pattern.search(body)) else "") for name, pattern in _TAG.items()}
            if not fields["TITLE"] or (with_body_only and not fields["BODY"].strip()):
                continue
            newid = re.search(r'NEWID="(\d+)"', attrs)
            yield {
                "id": f"reuters/{newid.group(1) if newid else len(attrs)}",
                "headline": html.unescape(fields["TITLE"]).strip(),
                "body": html.unescape(fields["BODY"]).replace("\x03", "").strip(),
                "date": _reuters_date(fields["DATE"]),
                "topics": _D.findall(fields["TOPICS"]),
                "places": _D.findall(fields["PLACES"]),
                "source": "Reuters",
            }


def base_records() -> list[dict]:
    """BBC and Reuters together (about 21,000 articles)."""
    return list(bbc_records()) + list(reuters_records())


def scaled(records: list[dict], count: int) -> Iterator[dict]:
    """``count`` records: the given ones repeated, each copy with a distinct id."""
    for number in range(count):
        record = dict(records[number % len(records)])
        copy = number // len(records)
        if copy:
            record["id"] = f"{record['id']}#{copy}"
        yield record


def write_jsonl(records: Iterable[dict], folder: Path, per_file: int = 1000) -> tuple[int, int]:
    """Write records as JSONL files of ``per_file`` lines; returns (articles, bytes of article text)."""
    folder.mkdir(parents=True, exist_ok=True)
    count = text_bytes = 0
    handle = None
    for record in records:
        if count % per_file == 0:
            if handle:
                handle.close()
            handle = open(folder / f"part-{count // per_file:05d}.jsonl", "w", encoding="utf-8")
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        text_bytes += len(record["headline"].encode()) + len(record["body"].encode())
        count += 1
    if handle:
        handle.close()
    return count, text_bytes


def read_jsonl(folder: Path) -> Iterator[dict]:
    for path in sorted(folder.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


def scaled_corpus(count: int) -> tuple[Path, int, int]:
    """The folder of a scaled-up JSONL corpus of ``count`` articles, made once and reused."""
    folder = DATA / f"scaled-{count}"
    stamp = folder / "COUNT"
    if stamp.exists():
        articles, text_bytes = map(int, stamp.read_text().split())
        return folder, articles, text_bytes
    articles, text_bytes = write_jsonl(scaled(base_records(), count), folder)
    stamp.write_text(f"{articles} {text_bytes}")
    return folder, articles, text_bytes


# ---------------------------------------------------------------------------
# Judged retrieval collections in SMART format (../shared/corpora/ir_judged)

#: The judged collections: folder, documents file, queries file, judgments file.
JUDGED = {
    "cisi": ("cisi", "CISI.ALL", "CISI.QRY", "CISI.REL"),
    "cacm": ("cacm", "cacm.all", "query.text", "qrels.text"),
}
_SMART_FIELD = re.compile(r"^\.([A-Z])(?:\s+(\S+))?\s*$")


def smart_blocks(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The records of a SMART file: ``.I n`` starts one, ``.T``/``.W``/``.A``… start its fields."""
    number: str | None = None
    fields: dict[str, list[str]] = {}
    current: str | None = None
    for line in path.read_text(encoding="latin-1").splitlines():
        marker = _SMART_FIELD.match(line)
        if marker and marker.group(1) == "I":
            if number is not None:
                yield number, {k: "\n".join(v).strip() for k, v in fields.items()}
            number, fields, current = marker.group(2), {}, None
        elif marker:
            current = marker.group(1)
            fields.setdefault(current, [])
        elif current is not None:
            fields[current].append(line)
    if number is not None:
        yield number, {k: "\n".join(v).strip() for k, v in fields.items()}


def judged_collection(name: str, root: Path | None = None) -> tuple[list[dict], list[dict]]:
    """A judged collection as (records, queries).

    Records have ``id`` (``cisi/12``), ``headline`` (the title ``.T``) and
    ``body`` (the abstract ``.W``, empty for CACM's title-only records).
    Queries have ``id`` (``cisi/q3``), ``text`` (``.W``, as written) and
    ``relevant`` (the ids of the judged-relevant records); queries without
    any judgment are left out.
    """
    folder, docs_file, queries_file, rels_file = JUDGED[name]
    base = (root or SHARED / "ir_judged") / folder
    records = [{"id": f"{name}/{number}", "headline": " ".join(f.get("T", "").split()),
                "body": f.get("W", "")} for number, f in smart_blocks(base / docs_file)]
    relevant: dict[str, set[str]] = {}
    for line in (base / rels_file).read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            relevant.setdefault(str(int(parts[0])), set()).add(f"{name}/{int(parts[1])}")
    queries = [{"id": f"{name}/q{int(number)}", "text": " ".join(f.get("W", "").split()),
                "relevant": relevant[str(int(number))]}
               for number, f in smart_blocks(base / queries_file) if str(int(number)) in relevant]
    return records, queries
