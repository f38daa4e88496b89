"""Security: symbolic links out of the corpus, markup in snippets, and what the index stores."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from searchnews import NewsIndex
from searchnews.cli import cli

ARTICLE = "{headline}\n\nThe {word} council met on Tuesday and approved the plan.\n"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_symlinks_out_of_the_corpus_are_followed_only_when_asked(tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "private"
    corpus.mkdir()
    outside.mkdir()
    (corpus / "inside.txt").write_text(ARTICLE.format(headline="Inside story", word="harbour"))
    (outside / "secret.txt").write_text(ARTICLE.format(headline="Secret memo", word="vault"))
    (corpus / "link.txt").symlink_to(outside / "secret.txt")
    (corpus / "linkdir").symlink_to(outside)
    index = tmp_path / "index"
    result = run("index", corpus, "--index", index)
    assert result.exit_code == 0
    assert "link.txt: symbolic link points outside the corpus folder; not followed" in result.output
    assert "linkdir: symbolic link points outside the corpus folder; not followed" in result.output
    assert "Articles: 1 added" in result.output
    assert json.loads(run("query", "vault", "--index", index, "--json").output)["total"] == 0
    result = run("index", corpus, "--index", index, "--follow-symlinks")
    assert "Articles: 2 added" in result.output  # the file, through both links
    assert json.loads(run("query", "vault", "--index", index, "--json").output)["total"] == 2


def test_snippets_escape_markup_from_articles(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "x.json").write_text(json.dumps({
        "title": 'Sanctions <img src=x onerror="alert(1)"> headline',
        "text": "The sanctions <script>alert('body')</script> & <a href='javascript:x'>link</a> story.",
        "captions": ["Sanctions <iframe src=evil></iframe> caption"],
    }))
    run("index", corpus, "--index", tmp_path / "index")
    hit = json.loads(run("query", "sanctions", "--index", tmp_path / "index", "--json").output)["hits"][0]
    fields = hit["highlights"]
    assert all(fields[name] for name in ("headline", "body", "captions"))
    for html in fields.values():
        assert "<" not in html.replace("<mark>", "").replace("</mark>", "")
    assert "&lt;script&gt;" in fields["body"] and "&amp;" in fields["body"]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in fields["headline"]


def test_stored_values_are_plain_strings_and_dates(sample_index):
    """Whoosh pickles stored fields: searchnews keeps them to plain types, so nothing of ours needs code to load."""
    import datetime as dt

    with NewsIndex.open(sample_index) as ix:
        searcher = ix._searcher()
        documents = list(searcher.all_stored_fields())
    assert len(documents) == 45
    for fields in documents:
        for name, value in fields.items():
            assert type(value) in (str, int, float, type(None), dt.datetime) or (
                type(value) is list and all(type(v) is str for v in value)), (name, type(value))
    assert {type(v) for fields in documents for v in fields.values()} <= {str}


# -- terminal escapes ----------------------------------------------------------------------------

ESC, BEL, CSI = "\x1b", "\x07", "\x9b"
EVIL_NAME = f"x{ESC}]52;c;cHduZWQ={BEL}{ESC}[2J.txt"  # OSC 52 writes the clipboard; ESC [2J clears the screen
CONTROLS = [chr(c) for c in (*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0))] + ["\u202e", "\u2028"]


def raw_controls(text: str) -> set[str]:
    """The control characters in output, but the newlines that end its lines and our own colours."""
    return {c for c in re.sub(r"\x1b\[[0-9;]*m", "", text) if c in CONTROLS}


@pytest.fixture
def hostile_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / EVIL_NAME).write_text(f"Harbour {CSI}31m red headline {ESC}[5m\n\nThe harbour council met on "
                                    f"Tuesday{BEL} and {ESC}]0;pwned{BEL} approved the plan.\n", encoding="utf-8")
    (corpus / "two\nlines.txt").write_text("Harbour ferry timetable\n\nThe harbour ferry will sail hourly.\n")
    (corpus / f"bad{ESC}[31m.xyz").write_text("not an article")
    (corpus / "feed.jsonl").write_text(json.dumps({"title": f"Harbour {ESC}]52;c;eA=={BEL} fees",
                                                   "text": f"Harbour fees rise {CSI}2J by a tenth.",
                                                   "source": f"Evil{ESC}[8m Wire", "captions": [f"cap{BEL}tion"],
                                                   "authors": [f"Jane{ESC}[1m Doe"]}) + "\n")
    return corpus


def test_nothing_from_the_corpus_reaches_the_terminal_raw(hostile_corpus, tmp_path):
    index = tmp_path / "index"
    outputs = [run("index", hostile_corpus, "--index", index, "--verbose").output]
    assert "bad\\x1b[31m.xyz: unknown format" in outputs[0]  # the report names the file, escaped
    for args in (["query", "harbour"], ["query", "harbour", "--color"], ["query", "harbour", "--facets"],
                 ["query", "harbour", "--no-collapse", "--sort", "newest"], ["timeline", "harbour"], ["stats"],
                 ["query", f"harbour {ESC}[2J zeppelin"], ["query", f"{ESC}]52;c;eA==\u202e"]):
        outputs.append(run(*args, "--index", index).output)
    with NewsIndex.open(index) as ix:
        ids = [hit.id for hit in ix.search("harbour", limit=10, collapse=False).hits]
    outputs += [run("show", article_id, "--index", index).output for article_id in ids]
    outputs.append(run("clean", str(hostile_corpus / EVIL_NAME)).output)
    outputs.append(run("similar", ids[0], "--index", index).output)
    for output in outputs:
        assert not raw_controls(output), output
    text = "\n".join(outputs)
    assert "x\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J.txt" in text  # the path, visible as escapes
    assert "two\\nlines.txt" in text  # a newline in a name does not break the line
    assert "Harbour \\x9b31m red headline" in text  # (the cleaner drops C0 controls, not C1 ones)
    assert "\x1b[1;33m" in outputs[2]  # our own colours still work with --color


def test_json_stays_exact(hostile_corpus, tmp_path):
    index = tmp_path / "index"
    run("index", hostile_corpus, "--index", index)
    output = run("query", "harbour", "--index", index, "--json", "--no-collapse").output
    assert not raw_controls(output)  # C0 controls are escaped by JSON, C1 and U+2028 by us
    data = json.loads(output)
    paths = {hit["path"].rsplit("/", 1)[-1] for hit in data["hits"]}
    assert EVIL_NAME in paths and "two\nlines.txt" in paths  # the same strings, exactly
    headlines = {hit["headline"] for hit in data["hits"]}
    assert f"Harbour {CSI}31m red headline [5m" in headlines
