"""Tests for searchnews.ingest.corpus: walking folders, decoding bytes and reading raw documents."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

import searchnews.ingest.corpus as corpus
from searchnews.errors import CorpusError, DocumentError
from searchnews.ingest.corpus import RawDocument, SourceFile, article_id, decode, read_documents, walk
from searchnews.models import FileProblem

ARTICLE_TEXT = ("Lakeside council approves new cycle lanes\n\n"
                "The Lakeside council voted on Tuesday to add protected cycle lanes along the shore road.\n")
RECORD = {"headline": "Lakeside council approves new cycle lanes",
          "body": "The Lakeside council voted on Tuesday to add protected cycle lanes along the shore road."}


def write(path: Path, content: str | bytes = ARTICLE_TEXT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def files(items) -> dict[str, SourceFile]:
    return {os.path.basename(i.path): i for i in items if isinstance(i, SourceFile)}


def problems(items) -> dict[str, FileProblem]:
    return {os.path.basename(i.path): i for i in items if isinstance(i, FileProblem)}


def source_of(path: Path) -> SourceFile:
    st = path.stat()
    fmt = corpus.FORMATS[path.suffix.lower()]
    return SourceFile(str(path), fmt, st.st_size, st.st_mtime_ns)


def read(path: Path) -> list:
    return list(read_documents(source_of(path)))


# ---------------------------------------------------------------------------
# walk()


@pytest.mark.parametrize("name, fmt", [
    ("a.txt", "text"), ("a.TXT", "text"), ("a.text", "text"),
    ("a.html", "html"), ("a.HTM", "html"), ("a.Html", "html"),
    ("a.json", "json"), ("a.JSON", "json"),
    ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.NDJSON", "jsonl"),
])
def test_walk_format_by_extension(tmp_path, name, fmt):
    write(tmp_path / name)
    (found,) = list(walk([tmp_path]))
    assert isinstance(found, SourceFile)
    assert found.format == fmt


def test_walk_records_size_and_signature(tmp_path):
    path = write(tmp_path / "a.txt")
    (found,) = list(walk([tmp_path]))
    st = path.stat()
    assert (found.size, found.mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert found.signature == [st.st_size, st.st_mtime_ns]


def test_walk_descends_into_subfolders_in_stable_order(tmp_path):
    for rel in ("b/2.txt", "a/1.txt", "c.txt", "a/z/3.json"):
        write(tmp_path / rel)
    paths = [os.path.relpath(i.path, tmp_path) for i in walk([tmp_path])]
    # A folder's own files first (by name), then its subfolders, depth first, by name.
    assert paths == ["c.txt", os.path.join("a", "1.txt"), os.path.join("a", "z", "3.json"),
                     os.path.join("b", "2.txt")]
    assert [i.path for i in walk([tmp_path])] == [i.path for i in walk([tmp_path])]


def test_walk_returns_absolute_paths(tmp_path, monkeypatch):
    write(tmp_path / "a.txt")
    monkeypatch.chdir(tmp_path)
    (found,) = list(walk(["."]))
    assert os.path.isabs(found.path)


@pytest.mark.parametrize("rel", [".hidden.txt", ".git/config.txt", ".cache/a/b.json"])
def test_walk_skips_hidden_files_and_folders(tmp_path, rel):
    write(tmp_path / rel)
    write(tmp_path / "visible.txt")
    assert [os.path.basename(i.path) for i in walk([tmp_path])] == ["visible.txt"]


@pytest.mark.parametrize("name", ["README.md", "README.txt", "LICENSE", "license.txt", "CHANGELOG.md"])
def test_walk_reports_readme_and_licence(tmp_path, name):
    write(tmp_path / name)
    (problem,) = list(walk([tmp_path]))
    assert isinstance(problem, FileProblem)
    assert problem.reason == "looks like a folder's README or licence, not an article"


def test_walk_reports_unknown_extension_with_message(tmp_path):
    write(tmp_path / "notes.docx", b"PK\x03\x04")
    (problem,) = list(walk([tmp_path]))
    assert isinstance(problem, FileProblem)
    assert problem.reason == ("unknown format .docx; searchnews reads "
                              ".csv, .htm, .html, .json, .jsonl, .ndjson, .sgm, .sgml, .tab, .text, .tsv, .txt")


def test_walk_reports_file_without_extension(tmp_path):
    write(tmp_path / "article")
    (problem,) = list(walk([tmp_path]))
    assert problem.reason.startswith("unknown format (no extension)")


def test_walk_single_file_path(tmp_path):
    path = write(tmp_path / "one.json", json.dumps(RECORD))
    (found,) = list(walk([path]))
    assert isinstance(found, SourceFile)
    assert (found.path, found.format) == (str(path), "json")


def test_walk_single_file_with_unknown_extension_is_reported(tmp_path):
    path = write(tmp_path / "one.pdf", b"%PDF-1.4")
    (problem,) = list(walk([path]))
    assert isinstance(problem, FileProblem)
    assert problem.reason.startswith("unknown format .pdf")


def test_walk_missing_path_raises_corpus_error(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(CorpusError, match="no such file or folder") as info:
        list(walk([missing]))
    assert str(missing) in str(info.value)


def test_walk_missing_path_raises_before_yielding_anything(tmp_path):
    write(tmp_path / "a.txt")
    with pytest.raises(CorpusError):
        next(iter(walk([tmp_path, tmp_path / "nowhere"])))


def test_walk_without_paths_raises_corpus_error():
    with pytest.raises(CorpusError, match="no corpus path given"):
        list(walk([]))


@pytest.fixture
def outside_link(tmp_path) -> Path:
    """A corpus folder with a symbolic link to a folder outside it."""
    root = tmp_path / "corpus"
    write(root / "inside.txt")
    write(tmp_path / "elsewhere" / "outside.txt")
    try:
        (root / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not supported here")
    return root


def test_walk_does_not_follow_symlink_outside_the_root(outside_link):
    items = list(walk([outside_link]))
    assert list(files(items)) == ["inside.txt"]


def test_walk_reports_symlink_outside_the_root(outside_link):
    (problem,) = problems(walk([outside_link])).values()
    assert problem.path == str(outside_link / "link")
    assert problem.reason == "symbolic link points outside the corpus folder; not followed"


def test_walk_follows_symlink_outside_the_root_when_asked(outside_link):
    items = list(walk([outside_link], follow_symlinks=True))
    assert sorted(files(items)) == ["inside.txt", "outside.txt"]
    assert not problems(items)


def test_walk_follows_symlink_inside_the_root(tmp_path):
    write(tmp_path / "real" / "a.txt")
    try:
        (tmp_path / "alias.txt").symlink_to(tmp_path / "real" / "a.txt")
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not supported here")
    assert sorted(files(walk([tmp_path]))) == ["a.txt", "alias.txt"]


def test_walk_symlink_loop_does_not_hang(tmp_path):
    write(tmp_path / "a" / "story.txt")
    try:
        (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not supported here")
    items = list(walk([tmp_path]))
    assert [os.path.basename(i.path) for i in items if isinstance(i, SourceFile)] == ["story.txt"]
    assert any("loop" in p.reason for p in problems(items).values())


def test_walk_symlink_loop_with_follow_symlinks_does_not_hang(tmp_path):
    write(tmp_path / "a" / "story.txt")
    try:
        (tmp_path / "a" / "up").symlink_to(tmp_path / "a", target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not supported here")
    items = list(walk([tmp_path], follow_symlinks=True))
    assert len([i for i in items if isinstance(i, SourceFile)]) == 1


def test_walk_broken_symlink_is_reported(tmp_path):
    try:
        (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not supported here")
    (problem,) = list(walk([tmp_path]))
    assert isinstance(problem, FileProblem)


# ---------------------------------------------------------------------------
# decode()

TEXT = "Café owner “Inés” says the fête drew 2 000 visitors — a record."


def test_decode_utf8():
    assert decode(TEXT.encode("utf-8")) == (TEXT, ())


def test_decode_utf8_with_bom():
    assert decode(codecs.BOM_UTF8 + TEXT.encode("utf-8")) == (TEXT, ())


def test_decode_cp1252_fallback_with_note():
    text, notes = decode(TEXT.encode("cp1252"))
    assert text == TEXT
    assert len(notes) == 1
    assert notes[0].startswith("invalid UTF-8 at byte 3")
    assert notes[0].endswith("decoded as cp1252")


def test_decode_latin1_as_last_resort():
    # 0x81 is undefined in cp1252, so only Latin-1 can read it.
    text, notes = decode(b"Caf\xe9 \x81 open")
    assert text == "Caf\xe9 \x81 open"
    assert notes[0].endswith("decoded as Latin-1")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16(encoding):
    data = TEXT.encode(encoding)  # "utf-16" writes a byte-order mark, the others do not
    text, _notes = decode(data)
    assert text == TEXT


def test_decode_utf16_with_bom_has_no_note():
    assert decode(TEXT.encode("utf-16")) == (TEXT, ())


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_without_bom_has_a_note(encoding):
    assert decode(TEXT.encode(encoding)) == (TEXT, ("UTF-16 without a byte-order mark",))


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    bytes(range(256)) * 4,
    b"\x01\x02\x03\x04\x05\x06\x07\x08 some text \x0e\x0f",
])
def test_decode_binary_data_raises(data):
    with pytest.raises(DocumentError) as info:
        decode(data)
    assert str(info.value) == "binary data, not text"


def test_decode_empty_bytes():
    assert decode(b"") == ("", ())


# ---------------------------------------------------------------------------
# read_documents()


def test_read_text_file(tmp_path):
    path = write(tmp_path / "a.txt")
    (doc,) = read(path)
    assert isinstance(doc, RawDocument)
    assert (doc.kind, doc.content, doc.key, doc.line) == ("text", ARTICLE_TEXT, article_id(str(path)), None)


def test_read_cp1252_text_file_carries_the_note(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE_TEXT.replace("Lakeside", "Café").encode("cp1252"))
    (doc,) = read(path)
    assert "Café" in doc.content
    assert doc.notes and "cp1252" in doc.notes[0]


def test_read_json_list(tmp_path):
    records = [dict(RECORD, id=f"r{n}") for n in range(3)]
    path = write(tmp_path / "a.json", json.dumps(records))
    docs = read(path)
    assert [d.content for d in docs] == records
    assert all(d.kind == "record" for d in docs)


def test_read_json_single_object(tmp_path):
    path = write(tmp_path / "a.json", json.dumps(RECORD))
    (doc,) = read(path)
    assert doc.content == RECORD
    assert doc.key == article_id(str(path))


def test_read_json_articles_wrapper(tmp_path):
    records = [dict(RECORD, id="x"), dict(RECORD, id="y")]
    path = write(tmp_path / "a.json", json.dumps({"feed": "Lakeside Daily", "articles": records}))
    assert [d.content for d in read(path)] == records


def test_read_json_list_item_that_is_not_an_object(tmp_path):
    path = write(tmp_path / "a.json", json.dumps([RECORD, "not an article", RECORD]))
    items = read(path)
    assert [type(i) for i in items] == [RawDocument, FileProblem, RawDocument]
    assert items[1].reason == "item 2 is not a JSON object"


def test_read_malformed_json_raises(tmp_path):
    path = write(tmp_path / "a.json", '[{"headline": "Cycle lanes", "body": "x"},\n  {"headline": ]')
    with pytest.raises(DocumentError) as info:
        read(path)
    assert info.value.reason.startswith("malformed JSON")
    assert "line 2" in info.value.reason
    assert info.value.path == str(path)


def test_read_jsonl_with_a_malformed_line(tmp_path):
    lines = [json.dumps(dict(RECORD, id="one")), '{"headline": "broken", ', json.dumps(dict(RECORD, id="three"))]
    path = write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    items = read(path)
    assert [type(i) for i in items] == [RawDocument, FileProblem, RawDocument]


def test_read_jsonl_malformed_line_problem_has_line_number(tmp_path):
    lines = [json.dumps(RECORD), '{"headline": "broken", ', json.dumps(RECORD)]
    path = write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    problem = read(path)[1]
    assert problem.line == 2
    assert problem.reason.startswith("malformed JSON")
    assert str(problem) == f"{path}:2: {problem.reason}"


def test_read_jsonl_other_lines_still_yield_documents(tmp_path):
    lines = [json.dumps(dict(RECORD, id="one")), "not json at all", json.dumps(dict(RECORD, id="three"))]
    path = write(tmp_path / "a.ndjson", "\n".join(lines) + "\n")
    docs = [i for i in read(path) if isinstance(i, RawDocument)]
    assert [(d.content["id"], d.line) for d in docs] == [("one", 1), ("three", 3)]


def test_read_jsonl_skips_blank_lines(tmp_path):
    path = write(tmp_path / "a.jsonl", json.dumps(RECORD) + "\n\n   \n" + json.dumps(RECORD) + "\n")
    assert [d.line for d in read(path)] == [1, 4]


def test_read_jsonl_line_that_is_not_an_object(tmp_path):
    path = write(tmp_path / "a.jsonl", json.dumps(RECORD) + "\n[1, 2]\n")
    problem = read(path)[1]
    assert (problem.line, problem.reason) == (2, "not a JSON object")


@pytest.mark.parametrize("name", ["a.json", "a.jsonl"])
def test_read_deeply_nested_json_is_rejected(tmp_path, name):
    nested = {"headline": "x", "body": "[" * 200 + "]" * 200}
    deep = '{"headline": "x", "extra": ' + "[" * 100 + "]" * 100 + "}"
    assert json.loads(deep)  # valid JSON, just too deep
    path = write(tmp_path / name, deep + "\n")
    if name.endswith(".json"):
        with pytest.raises(DocumentError, match="nested deeper than 64 levels"):
            read(path)
    else:
        (problem,) = read(path)
        assert isinstance(problem, FileProblem)
        assert problem.reason == "JSON nested deeper than 64 levels"
    # A string that only looks nested is fine.
    path = write(tmp_path / ("ok" + name), json.dumps(nested) + "\n")
    assert isinstance(read(path)[0], RawDocument)


def test_read_very_deeply_nested_json_is_rejected(tmp_path):
    path = write(tmp_path / "a.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(DocumentError, match="nested deeper"):
        read(path)


@pytest.mark.parametrize("name, content", [
    ("a.txt", ""), ("a.txt", "  \n\n \t\n"), ("a.html", ""), ("a.json", ""), ("a.json", "\n\n"),
])
def test_read_empty_file_is_rejected(tmp_path, name, content):
    path = write(tmp_path / name, content)
    with pytest.raises(DocumentError, match="empty file"):
        read(path)


def test_read_empty_jsonl_file_yields_nothing(tmp_path):
    assert read(write(tmp_path / "a.jsonl", "")) == []


@pytest.mark.parametrize("name", ["a.txt", "a.html"])
def test_read_too_large_file_is_rejected(tmp_path, monkeypatch, name):
    monkeypatch.setattr(corpus, "MAX_ARTICLE_BYTES", 100)
    path = write(tmp_path / name, "x " * 200)
    with pytest.raises(DocumentError, match="file too large"):
        read(path)


def test_read_too_large_file_is_rejected_when_it_grew_after_walk(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_ARTICLE_BYTES", 100)
    path = write(tmp_path / "a.txt", "short")
    source = source_of(path)
    path.write_text("x " * 200)
    with pytest.raises(DocumentError, match="file too large"):
        list(read_documents(source))


def test_read_too_large_json_file_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_JSON_BYTES", 100)
    path = write(tmp_path / "a.json", json.dumps([RECORD] * 5))
    with pytest.raises(DocumentError, match="file too large"):
        read(path)


def test_read_too_long_jsonl_line_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_ARTICLE_BYTES", 200)
    long_record = dict(RECORD, body="word " * 100)
    path = write(tmp_path / "a.jsonl", json.dumps(RECORD) + "\n" + json.dumps(long_record) + "\n")
    items = read(path)
    assert isinstance(items[0], RawDocument)
    assert isinstance(items[1], FileProblem)
    assert items[1].line == 2 and items[1].reason.startswith("line too long")


@pytest.mark.parametrize("name", ["a.txt", "a.json", "a.jsonl"])
def test_read_binary_file_is_rejected(tmp_path, name):
    path = write(tmp_path / name, b"\x00\x01\x02\x03\xff\xfe\x00" * 50)
    with pytest.raises(DocumentError, match="binary data, not text"):
        read(path)


def test_read_missing_file_raises_document_error(tmp_path):
    path = write(tmp_path / "a.txt")
    source = source_of(path)
    path.unlink()
    with pytest.raises(DocumentError, match="file vanished"):
        list(read_documents(source))


# ---------------------------------------------------------------------------
# article_id()


def test_article_id_is_stable_for_the_same_path():
    assert article_id("/corpus/txt/a.txt") == article_id("/corpus/txt/a.txt")


def test_article_id_differs_per_path():
    assert article_id("/corpus/txt/a.txt") != article_id("/corpus/txt/b.txt")


def test_article_id_differs_per_part():
    ids = {article_id("/corpus/feed.jsonl", n) for n in range(1, 50)}
    assert len(ids) == 49
    assert article_id("/corpus/feed.jsonl") not in ids


def test_article_id_is_short_hex():
    key = article_id("/corpus/txt/a.txt", 3)
    assert len(key) == 16
    int(key, 16)


def test_article_id_accepts_undecodable_path_characters():
    assert len(article_id("/corpus/caf\udce9.txt")) == 16


def test_jsonl_keys_are_stable_and_distinct_per_line(tmp_path):
    path = write(tmp_path / "a.jsonl", "\n".join(json.dumps(RECORD) for _ in range(4)) + "\n")
    first = [d.key for d in read(path)]
    again = [d.key for d in read(path)]
    assert first == again
    assert len(set(first)) == 4
    assert first == [article_id(str(path), n) for n in range(1, 5)]


def test_json_list_keys_are_distinct_per_item(tmp_path):
    path = write(tmp_path / "a.json", json.dumps([RECORD, RECORD, RECORD]))
    keys = [d.key for d in read(path)]
    assert len(set(keys)) == 3
    assert keys == [article_id(str(path), n) for n in range(1, 4)]


# ---------------------------------------------------------------------------
# The sample corpus


def test_walk_sample_corpus(sample_corpus):
    items = list(walk([sample_corpus]))
    found = [i for i in items if isinstance(i, SourceFile)]
    assert len(found) == 24 + 8 + 4
    assert [os.path.basename(p.path) for p in items if isinstance(p, FileProblem)] == ["README.md"]


def test_utf8_with_a_truncated_last_character_stays_utf8():
    data = "Café crème in Zürich".encode()[:-2] + "ü".encode()[:1]
    text, notes = decode(data)
    assert text.startswith("Café crème in Züri")
    assert notes == ("invalid UTF-8 at byte 21; 1 bad byte replaced",)


def test_ascii_with_one_legacy_byte_is_cp1252():
    text, notes = decode("Price £5".encode("latin-1"))
    assert text == "Price £5"
    assert notes == ("invalid UTF-8 at byte 6; decoded as cp1252",)
