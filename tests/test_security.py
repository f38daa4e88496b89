"""Security: symbolic links out of the corpus, markup in snippets, and what the index stores."""

from __future__ import annotations

import json

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
