"""The corpus: walk folders, recognise formats, open and read files safely.

Terms:
    corpus file
        A file under the paths given to ``index`` whose extension names a
        supported format (see :data:`FORMATS`).
    raw document
        One article's worth of input before cleaning: the text of a ``.txt``
        or ``.html`` file, or one record (a JSON object, a CSV row, a Reuters
        SGML story) of a ``.json``, ``.jsonl``, ``.csv``/``.tsv`` or ``.sgm`` file.
    signature
        A file's size and modification time; a file whose signature has not
        changed since the last run is not read again.
    part
        A slice of a big JSONL or CSV file, from one line to another: big
        files are indexed part by part, so that they are committed as they go,
        resumed where they stopped, and shared among the worker processes.
    problem
        A file or record that is skipped (or repaired) and the reason, reported
        in the summary; one bad file never stops a run.

Files are opened by :func:`open_source` only: without following a symbolic
link that was not one when the folder was listed, without blocking (a named
pipe put in a file's place never hangs a run), and only when what was opened
is a regular file inside the corpus folder (unless symbolic links may be
followed anywhere).
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..errors import CorpusError, DocumentError
from ..models import FileProblem

__all__ = [
    "FORMATS",
    "Part",
    "RawDocument",
    "SourceFile",
    "article_id",
    "decode",
    "next_part",
    "open_source",
    "printable_path",
    "read_documents",
    "source_for",
    "walk",
]

log = logging.getLogger(__name__)

#: File extension to format. Matching ignores case.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".sgm": "sgml",
    ".sgml": "sgml",
}
#: Formats whose big files are read in parts (one record per line or row).
SPLITTABLE = ("jsonl", "csv")

#: File names that describe a folder rather than hold an article.
NOT_ARTICLES = ("readme", "license", "licence", "changelog", "copying", "notice", "authors")

#: The largest single article (a .txt or .html file, a JSON object, a JSONL line or a CSV row).
MAX_ARTICLE_BYTES = 10 * 1024 * 1024
#: The largest .json or .sgm file (they are read whole); .jsonl and .csv files have no limit.
MAX_JSON_BYTES = 256 * 1024 * 1024
#: JSON nested deeper than this is not an article.
MAX_JSON_DEPTH = 64
#: JSON integers with more digits are kept as their text (Python refuses to convert them to numbers).
MAX_INT_DIGITS = 4000
#: A folder holding one of these names is an index folder (a searchnews or Whoosh index): never walked.
_INDEX_MARKERS = re.compile(r"^(?:_MAIN_\d+\.toc|searchnews-manifest\.json)$")


@dataclass(frozen=True)
class Part:
    """A part of a big file: from byte ``start`` (line ``number``) to byte ``end`` (line ``end_number``).

    ``end`` is ``None`` for the last part (to the end of the file). Line
    numbers are those of the whole file, so ids do not depend on the parts.
    ``records`` is how many records (lines, rows) the part holds, when known.
    """

    start: int
    number: int
    end: int | None = None
    end_number: int | None = None
    records: int | None = None


@dataclass(frozen=True)
class SourceFile:
    """A corpus file found by :func:`walk`, or a part of one.

    ``root`` is the real path of the corpus folder the file must be inside
    when it is opened (``None``: anywhere, as with ``follow_symlinks``);
    ``linked`` says it was reached through a symbolic link, which opening
    may then follow.
    """

    path: str
    format: str
    size: int
    mtime_ns: int
    part: Part | None = None
    root: str | None = None
    linked: bool = False

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


def printable_path(path: str) -> str:
    """``path`` with the bytes of a name that is not valid UTF-8 written as ``\\xff`` escapes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _valid_name(path: str) -> bool:
    try:
        path.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


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


def _source_file(path: str, st: os.stat_result, root: str | None = None, linked: bool = False) -> SourceFile:
    return SourceFile(path, _format_of(path) or "text", st.st_size, st.st_mtime_ns, root=root, linked=linked)


def walk(paths: Iterable[str | os.PathLike[str]], *, follow_symlinks: bool = False,
         skip: Iterable[str | os.PathLike[str]] = ()) -> Iterator[SourceFile | FileProblem]:
    """Every corpus file under ``paths`` (files or folders), in a stable order.

    Hidden files and folders (names starting with ".") are passed over, and
    so are index folders (a folder holding an index, and the folders in
    ``skip``). Symbolic links are followed only inside the folder being
    walked, unless ``follow_symlinks`` is true. A file or folder whose name is
    not valid UTF-8 is reported, with the bad bytes escaped. Raises
    :class:`CorpusError` for a path that does not exist; yields a
    :class:`FileProblem` for each file it skips.
    """
    roots = [os.path.abspath(os.fspath(p)) for p in paths]
    skipped = {os.path.realpath(os.fspath(p)) for p in skip}
    if not roots:
        raise CorpusError("no corpus path given")
    for root in roots:
        if not os.path.exists(root):
            raise CorpusError(f"{printable_path(root)}: no such file or folder")
    for root in roots:
        if not _valid_name(root):
            yield FileProblem(printable_path(root), "name is not valid UTF-8; rename it to index it")
            continue
        if os.path.isfile(root):
            problem = _problem_for_name(root) if _format_of(root) is None else None
            if problem:
                yield FileProblem(root, problem)
                continue
            try:
                yield _source_file(root, os.stat(root), linked=os.path.islink(root))
            except OSError as exc:
                yield FileProblem(root, _os_reason(exc))
            continue
        yield from _walk_folder(root, follow_symlinks, skipped)


def _walk_folder(root: str, follow_symlinks: bool, skipped: set[str]) -> Iterator[SourceFile | FileProblem]:
    real_root = os.path.realpath(root)
    inside = None if follow_symlinks else real_root
    seen_dirs: set[tuple[int, int]] = set()
    stack = [(root, False)]
    while stack:
        folder, linked = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen_dirs:
                yield FileProblem(folder, "symbolic link loop; folder already walked")
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            if os.path.realpath(folder) in skipped:
                continue
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield FileProblem(folder, _os_reason(exc))
            continue
        if any(_INDEX_MARKERS.match(entry.name) for entry in entries):
            log.info("%s holds an index; not read as part of the corpus", printable_path(folder))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = entry.path
            if not _valid_name(entry.name):
                yield FileProblem(printable_path(path), "name is not valid UTF-8; rename it to index it")
                continue
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
                subfolders.append((path, linked or is_link))
            elif stat.S_ISREG(st.st_mode):
                problem = _problem_for_name(path)
                if problem:
                    yield FileProblem(path, problem)
                else:
                    yield _source_file(path, st, inside, linked or is_link)
            else:
                yield FileProblem(path, "not a regular file")
        stack.extend(reversed(subfolders))


def source_for(path: str | os.PathLike[str]) -> SourceFile | FileProblem:
    """The corpus file at ``path`` as :func:`walk` sees a file named on its own (or why it is skipped)."""
    try:
        found = list(walk([path]))
    except CorpusError as exc:
        return FileProblem(os.path.abspath(os.fspath(path)), str(exc).rsplit(": ", 1)[-1])
    if os.path.isdir(os.fspath(path)):
        return FileProblem(os.path.abspath(os.fspath(path)), "is a folder")
    return found[0]


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "file vanished while being read"
    return exc.strerror or str(exc)


def _inside(fd: int, path: str, root: str) -> bool:
    """True when the open file ``fd`` (opened from ``path``) is inside the folder ``root`` (a real path)."""
    try:
        real = os.readlink(f"/proc/self/fd/{fd}")  # Linux: the file actually opened
    except OSError:
        real = os.path.realpath(path)
        try:
            opened, found = os.fstat(fd), os.stat(real)
        except OSError:
            return False
        if (opened.st_dev, opened.st_ino) != (found.st_dev, found.st_ino):
            return False
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def open_source(source: SourceFile) -> BinaryIO:
    """Open a corpus file for reading, safely (see the module docstring); raises :class:`DocumentError`."""
    path = source.path
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if not source.linked:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not source.linked:
            raise DocumentError("became a symbolic link after its folder was listed; not followed", path) from None
        raise DocumentError(_os_reason(exc), path) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise DocumentError("not a regular file (it was replaced after its folder was listed)", path)
        if source.root is not None and not _inside(fd, path, source.root):
            raise DocumentError("symbolic link points outside the corpus folder; not followed", path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


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


def _json_int(digits: str) -> int | str:
    """A JSON integer: a number, or its text when it is too long for Python to convert."""
    return int(digits) if len(digits) <= MAX_INT_DIGITS else digits


def load_json(text: str) -> Any:
    """Parse JSON text as the corpus reads it; raises ``json.JSONDecodeError`` or :class:`DocumentError`."""
    try:
        value = json.loads(text, parse_int=_json_int)
    except RecursionError:
        raise DocumentError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if not _json_depth_ok(value):
        raise DocumentError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


_load_json = load_json


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"


def _read_whole(source: SourceFile, limit: int) -> tuple[str, tuple[str, ...]]:
    """The decoded text of a file read whole (at most ``limit`` bytes); raises :class:`DocumentError`."""
    path = source.path
    if source.size > limit:
        raise DocumentError(f"file too large ({source.size / 1e6:.0f} MB; an article file may be "
                            f"at most {limit / 1e6:.0f} MB)", path)
    with open_source(source) as handle:
        try:
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
    return text, notes


def read_documents(source: SourceFile) -> Iterator[RawDocument | FileProblem]:
    """The raw documents of one corpus file (or of its part), and a problem for each part that cannot be read.

    Raises :class:`DocumentError` when the whole file is unusable (unreadable,
    binary, too large, malformed JSON, not shaped like an article, a table
    without a text column); a malformed line of a JSONL file or row of a CSV
    file is yielded as a :class:`FileProblem` and the others are still read.
    """
    from .shape import not_an_article

    path = source.path
    if source.format == "jsonl":
        yield from _read_jsonl(source)
        return
    if source.format == "csv":
        yield from _read_csv(source)
        return
    limit = MAX_JSON_BYTES if source.format in ("json", "sgml") else MAX_ARTICLE_BYTES
    text, notes = _read_whole(source, limit)
    if source.format in ("text", "html"):
        reason = not_an_article(text) if source.format == "text" else None
        if reason:
            raise DocumentError(reason, path)
        yield RawDocument(path, source.format, text, article_id(path), None, notes)
        return
    if source.format == "sgml":
        yield from _read_sgml(path, text, notes)
        return
    try:
        value = load_json(text)
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


def _read_sgml(path: str, text: str, notes: tuple[str, ...]) -> Iterator[RawDocument | FileProblem]:
    from .sgml import looks_like_reuters, reuters_records

    if not looks_like_reuters(text):
        raise DocumentError("no <REUTERS> records: searchnews reads .sgm files of Reuters news stories", path)
    for number, line, record in reuters_records(text):
        yield RawDocument(path, "record", record, article_id(path, number), line, notes)


def _bounds(source: SourceFile) -> tuple[int, int, int | None]:
    """Where to read a file: ``(start offset, first line number, end offset or None)``."""
    part = source.part
    return (part.start, part.number, part.end) if part is not None else (0, 1, None)


def _read_jsonl(source: SourceFile) -> Iterator[RawDocument | FileProblem]:
    path = source.path
    limit = MAX_ARTICLE_BYTES
    start, number, end = _bounds(source)
    with open_source(source) as handle:
        if start == 0 and _looks_binary(handle.read(4096)):
            raise DocumentError("binary data, not text", path)
        handle.seek(start)
        offset = start
        while end is None or offset < end:
            raw = handle.readline(limit + 2)
            if not raw:
                break
            offset += len(raw)
            line, number = number, number + 1
            if len(raw) > limit + 1 or (len(raw) == limit + 2 and not raw.endswith(b"\n")):
                size = len(raw)
                while not raw.endswith(b"\n"):  # read on to the end of the line, keeping nothing
                    raw = handle.readline(1 << 20)
                    if not raw:
                        break
                    size += len(raw)
                    offset += len(raw)
                yield FileProblem(path, f"line too long ({size / 1e6:.0f} MB; a line may be at most "
                                  f"{limit / 1e6:.0f} MB)", line=line)
                continue
            if not raw.strip():
                continue
            try:
                text, notes = decode(raw)
                record = load_json(text)
            except json.JSONDecodeError as exc:
                yield FileProblem(path, f"malformed JSON ({exc.msg} at column {exc.colno})", line=line)
                continue
            except DocumentError as exc:
                yield FileProblem(path, exc.reason, line=line)
                continue
            if not isinstance(record, dict):
                yield FileProblem(path, "not a JSON object", line=line)
                continue
            yield RawDocument(path, "record", record, article_id(path, line), line, notes)


def _read_csv(source: SourceFile) -> Iterator[RawDocument | FileProblem]:
    from .tabular import read_table

    path = source.path
    start, number, end = _bounds(source)
    with open_source(source) as handle:
        if start == 0 and _looks_binary(handle.read(4096)):
            raise DocumentError("binary data, not text", path)
        handle.seek(0)
        try:
            for line, record, problem, notes in read_table(handle, path, MAX_ARTICLE_BYTES, start, number, end):
                if problem is not None:
                    yield FileProblem(path, problem, line=line)
                else:
                    yield RawDocument(path, "record", record, article_id(path, line), line, notes)
        except DocumentError as exc:
            raise DocumentError(exc.reason, path) from None


def next_part(source: SourceFile, records: int) -> SourceFile:
    """The part of a big JSONL or CSV file that holds about ``records`` records from where ``source`` starts.

    ``source.part`` gives the start (``None``: the beginning of the file).
    The part returned ends at a record boundary, or is the last one
    (``part.end`` is ``None``); ``part.end_number`` is the line after it.
    Raises :class:`DocumentError` when the file cannot be read; the caller
    then reads it whole, and the reading reports the reason.
    """
    from dataclasses import replace

    start, number, _end = _bounds(source)
    with open_source(source) as handle:
        if source.format == "csv":
            from .tabular import cut_table

            end, end_number, found = cut_table(handle, source.path, MAX_ARTICLE_BYTES, start, number, records)
        else:
            end, end_number = _cut_lines(handle, start, number, records)
            found = end_number - number
    return replace(source, part=Part(start, number, end, end_number, found))


def _cut_lines(handle: BinaryIO, start: int, number: int, lines: int) -> tuple[int | None, int]:
    """The offset and number of the line ``lines`` lines after ``start``; the offset is ``None`` at the end."""
    handle.seek(start)
    offset, counted = start, 0
    while True:
        chunk = handle.read(1 << 20)
        if not chunk:
            return None, number + counted + (offset > start and not _ends_line(handle, offset))
        found = chunk.count(b"\n")
        if counted + found < lines:
            counted += found
            offset += len(chunk)
            continue
        at = -1
        for _ in range(lines - counted):
            at = chunk.index(b"\n", at + 1)
        offset += at + 1
        handle.seek(offset)
        return (offset if handle.read(1) else None), number + lines


def _ends_line(handle: BinaryIO, offset: int) -> bool:
    """True when the byte before ``offset`` is a line end (the file's last line is complete)."""
    handle.seek(offset - 1)
    return handle.read(1) == b"\n"
