"""The corpus: walk folders, recognise formats, read and decode files.

Terms:
    corpus file
        A file under the paths given to ``index`` whose extension names a
        supported format (see :data:`FORMATS`).
    raw document
        One article's worth of input before cleaning: the text of a ``.txt``
        or ``.html`` file, or one record (a JSON object) of a ``.json``,
        ``.jsonl`` or ``.ndjson`` file.
    signature
        A file's size and modification time; a file whose signature has not
        changed since the last run is not read again.
    problem
        A file or record that is skipped (or repaired) and the reason, reported
        in the summary; one bad file never stops a run.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import CorpusError, DocumentError
from ..models import FileProblem

__all__ = [
    "FORMATS",
    "RawDocument",
    "SourceFile",
    "article_id",
    "decode",
    "read_documents",
    "walk",
]

#: File extension to format. Matching ignores case.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

#: File names that describe a folder rather than hold an article.
NOT_ARTICLES = ("readme", "license", "licence", "changelog", "copying", "notice", "authors")

#: The largest single article (a .txt or .html file, a JSON object or a JSONL line).
MAX_ARTICLE_BYTES = 10 * 1024 * 1024
#: The largest .json file (it is read whole); .jsonl files have no limit.
MAX_JSON_BYTES = 256 * 1024 * 1024
#: JSON nested deeper than this is not an article.
MAX_JSON_DEPTH = 64


@dataclass(frozen=True)
class SourceFile:
    """A corpus file found by :func:`walk`."""

    path: str
    format: str
    size: int
    mtime_ns: int

    @property
    def signature(self) -> list[int]:
        return [self.size, self.mtime_ns]


@dataclass(frozen=True)
class RawDocument:
    """One article's input: ``content`` is text (``text``/``html``) or a dict (``record``)."""

    path: str
    kind: str
    content: Any
    key: str
    line: int | None = None
    notes: tuple[str, ...] = ()


def article_id(path: str, part: int | None = None) -> str:
    """The stable id of an article without an ``id`` of its own: a hash of its path (and record number)."""
    key = path if part is None else f"{path}#{part}"
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _format_of(name: str) -> str | None:
    return FORMATS.get(os.path.splitext(name)[1].lower())


def _problem_for_name(path: str) -> str | None:
    name = os.path.basename(path)
    stem = os.path.splitext(name)[0].lower()
    if stem in NOT_ARTICLES:
        return "looks like a folder's README or licence, not an article"
    if _format_of(name) is None:
        ext = os.path.splitext(name)[1] or "(no extension)"
        return f"unknown format {ext}; searchnews reads {', '.join(sorted(FORMATS))}"
    return None


def _source_file(path: str, st: os.stat_result) -> SourceFile:
    return SourceFile(path, _format_of(path) or "text", st.st_size, st.st_mtime_ns)


def walk(paths: Iterable[str | os.PathLike[str]], *,
         follow_symlinks: bool = False) -> Iterator[SourceFile | FileProblem]:
    """Every corpus file under ``paths`` (files or folders), in a stable order.

    Hidden files and folders (names starting with ".") are passed over.
    Symbolic links are followed only inside the folder being walked, unless
    ``follow_symlinks`` is true. Raises :class:`CorpusError` for a path that
    does not exist; yields a :class:`FileProblem` for each file it skips.
    """
    roots = [os.path.abspath(os.fspath(p)) for p in paths]
    if not roots:
        raise CorpusError("no corpus path given")
    for root in roots:
        if not os.path.exists(root):
            raise CorpusError(f"{root}: no such file or folder")
    for root in roots:
        if os.path.isfile(root):
            problem = _problem_for_name(root) if _format_of(root) is None else None
            if problem:
                yield FileProblem(root, problem)
                continue
            try:
                yield _source_file(root, os.stat(root))
            except OSError as exc:
                yield FileProblem(root, _os_reason(exc))
            continue
        yield from _walk_folder(root, follow_symlinks)


def _walk_folder(root: str, follow_symlinks: bool) -> Iterator[SourceFile | FileProblem]:
    real_root = os.path.realpath(root)
    seen_dirs: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen_dirs:
                yield FileProblem(folder, "symbolic link loop; folder already walked")
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield FileProblem(folder, _os_reason(exc))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = entry.path
            try:
                is_link = entry.is_symlink()
                if is_link:
                    target = os.path.realpath(path)
                    if not follow_symlinks and os.path.commonpath([target, real_root]) != real_root:
                        yield FileProblem(path, "symbolic link points outside the corpus folder; not followed")
                        continue
                    st = os.stat(path)
                else:
                    st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                yield FileProblem(path, _os_reason(exc))
                continue
            if stat.S_ISDIR(st.st_mode):
                subfolders.append(path)
            elif stat.S_ISREG(st.st_mode):
                problem = _problem_for_name(path)
                if problem:
                    yield FileProblem(path, problem)
                else:
                    yield _source_file(path, st)
            else:
                yield FileProblem(path, "not a regular file")
        stack.extend(reversed(subfolders))


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "file vanished while being read"
    return exc.strerror or str(exc)


#: A UTF-8 file may have this many bad bytes (or one per 2,000) and still be read as UTF-8.
MAX_BAD_UTF8_BYTES = 3
_UTF8_MULTIBYTE = re.compile("[^\x00-\x7f\ufffd]")

#: Bytes that do not occur in text: C0 controls other than tab, newlines, form feed.
_CONTROL_BYTES = bytes(b for b in range(32) if not 9 <= b <= 13)


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.05


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    for encoding, nuls in (("utf-16-le", odd_nuls), ("utf-16-be", even_nuls)):
        if nuls > 0.4:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            sample_text = text[:2048]
            readable = sum(1 for c in sample_text if c.isprintable() or c in "\n\r\t")
            return text if readable >= 0.95 * len(sample_text) else None
    return None


def decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Decode a file's bytes; returns the text and notes on any fallback used.

    Order: a byte-order mark; UTF-16 without a mark; UTF-8; cp1252 (what
    Western news sites used before UTF-8); Latin-1, which never fails.
    Raises :class:`DocumentError` for binary data.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                          (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), ()
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text, ("UTF-16 without a byte-order mark",)
    if _looks_binary(data):
        raise DocumentError("binary data, not text")
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        where = f"invalid UTF-8 at byte {exc.start}"
    # UTF-8 with a few bad bytes (a truncated last character, one stray byte) stays UTF-8:
    # decoding it all as cp1252 would garble every accented letter. A file with no valid
    # multi-byte character at all is in a legacy encoding.
    repaired = data.decode("utf-8", errors="replace")
    bad = repaired.count("\ufffd")
    if _UTF8_MULTIBYTE.search(repaired) and bad <= max(MAX_BAD_UTF8_BYTES, len(data) // 2000):
        return repaired, (f"{where}; {bad} bad byte{'s' if bad > 1 else ''} replaced",)
    try:
        return data.decode("cp1252"), (f"{where}; decoded as cp1252",)
    except UnicodeDecodeError:
        return data.decode("latin-1"), (f"{where}; decoded as Latin-1",)


def _json_depth_ok(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def _load_json(text: str) -> Any:
    try:
        value = json.loads(text)
    except RecursionError:
        raise DocumentError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if not _json_depth_ok(value):
        raise DocumentError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"


def read_documents(source: SourceFile) -> Iterator[RawDocument | FileProblem]:
    """The raw documents of one corpus file, and a problem for each part that cannot be read.

    Raises :class:`DocumentError` when the whole file is unusable (unreadable,
    binary, too large, malformed JSON); a malformed line of a JSONL file is
    yielded as a :class:`FileProblem` and the other lines are still read.
    """
    path = source.path
    limit = MAX_JSON_BYTES if source.format == "json" else MAX_ARTICLE_BYTES
    if source.format != "jsonl" and source.size > limit:
        raise DocumentError(f"file too large ({source.size / 1e6:.0f} MB; an article file may be "
                            f"at most {limit / 1e6:.0f} MB)", path)
    if source.format == "jsonl":
        yield from _read_jsonl(source)
        return
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise DocumentError(_os_reason(exc), path) from None
    if len(data) > limit:
        raise DocumentError(f"file too large (over {limit / 1e6:.0f} MB)", path)
    try:
        text, notes = decode(data)
    except DocumentError as exc:
        raise DocumentError(exc.reason, path) from None
    if not text.strip():
        raise DocumentError("empty file", path)
    if source.format in ("text", "html"):
        yield RawDocument(path, source.format, text, article_id(path), None, notes)
        return
    try:
        value = _load_json(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(_json_error(exc), path) from None
    except DocumentError as exc:
        raise DocumentError(exc.reason, path) from None
    records = value if isinstance(value, list) else [value]
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        records = value["articles"]
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict):
            yield FileProblem(path, f"item {number} is not a JSON object", line=None)
            continue
        part = None if len(records) == 1 and isinstance(value, dict) else number
        yield RawDocument(path, "record", record, article_id(path, part), None, notes)


def _read_jsonl(source: SourceFile) -> Iterator[RawDocument | FileProblem]:
    path = source.path
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise DocumentError(_os_reason(exc), path) from None
    with handle:
        if _looks_binary(handle.read(4096)):
            raise DocumentError("binary data, not text", path)
        handle.seek(0)
        for number, raw in enumerate(handle, 1):
            if len(raw) > MAX_ARTICLE_BYTES:
                yield FileProblem(path, f"line too long ({len(raw) / 1e6:.0f} MB)", line=number)
                continue
            if not raw.strip():
                continue
            try:
                text, notes = decode(raw)
                record = _load_json(text)
            except json.JSONDecodeError as exc:
                yield FileProblem(path, f"malformed JSON ({exc.msg} at column {exc.colno})", line=number)
                continue
            except DocumentError as exc:
                yield FileProblem(path, exc.reason, line=number)
                continue
            if not isinstance(record, dict):
                yield FileProblem(path, "not a JSON object", line=number)
                continue
            yield RawDocument(path, "record", record, article_id(path, number), number, notes)
