"""`searchnews clean` reads files and folders exactly as `index` does: one walk and one reader decide for both."""

from __future__ import annotations

import json
import re
import shutil

from click.testing import CliRunner

from searchnews import NewsIndex
from searchnews.cli import cli


def clean(*args):
    return CliRunner().invoke(cli, ["clean", *map(str, args)])


def test_clean_a_folder(sample_corpus):
    result = clean("--json", sample_corpus)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 45
    assert f"Error: {sample_corpus / 'README.md'}: looks like a folder's README or licence, not an article" \
        in result.stderr


def test_clean_and_index_accept_and_reject_the_same_files(tmp_path, sample_corpus):
    folder = tmp_path / "mixed"
    shutil.copytree(sample_corpus, folder)
    (folder / "labels.txt").write_text("business\nsport\nhealth\n", encoding="utf-8")
    (folder / "notes.md").write_text("# notes\n", encoding="utf-8")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "table.csv").write_text("label,count\nsport,3\n", encoding="utf-8")
    (folder / "memo.sgm").write_text("<MEMO>Nothing of Reuters in this memo at all.</MEMO>\n", encoding="utf-8")
    result = clean("--json", folder)
    cleaned = {json.loads(line)["file"] for line in result.stdout.splitlines()}
    refused = {found.group(1) for line in result.stderr.splitlines()
               if (found := re.match(r"^Error: (.+?)(:\d+)?: ", line)) and not found.group(2)}
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([folder])
        indexed = {fields["path"] for fields in ix._searcher().all_stored_fields()}
    assert cleaned == indexed
    assert refused == {p.path for p in report.rejected if p.line is None}
    assert {name.rsplit("/", 1)[-1] for name in refused} >= {"labels.txt", "notes.md", "blob.txt", "table.csv",
                                                            "memo.sgm", "README.md"}


def test_clean_a_missing_path(tmp_path):
    result = clean(tmp_path / "nope")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope'}: no such file or folder\n"


def test_explain_refuses_what_index_refuses(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text("business\nsport\nhealth\n", encoding="utf-8")
    result = clean("--explain", path)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {path}: looks like a list, not an article: none of its 3 lines is a sentence "
                             f"(of 4 words or more)\n")
