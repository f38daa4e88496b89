"""CSV and TSV files: a header row, then one article per row (searchnews.ingest.tabular)."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

import searchnews.ingest.corpus as corpus
from searchnews import NewsIndex
from searchnews.cli import cli
from searchnews.ingest.cleaning import read_file
from searchnews.ingest.corpus import article_id
from searchnews.models import Article, FileProblem

TSV = ('category\theadline\ttext\turl\n'
       'politics\tHarbour council votes to rebuild the old pier\t"The Westhaven harbour council voted on Monday '
       'to rebuild the old pier, which storms damaged last winter.\n'
       'Work will start in spring and cost about 2.4 million, the council said."\thttps://example.org/pier\n'
       'sport\tLocal rowing club wins regional title\tThe Westhaven rowing club won the regional title on '
       'Saturday, beating six other crews on the river.\thttps://example.org/rowing\n')

CSV = ('Title;Content;Date;Source;Language;ID\n'
       'Tram line to open in May;The new tram line through the old town will open in May, the transport '
       'office said on Friday.;2023-03-10;Westhaven Courier;en;wc-101\n'
       'Library extends opening hours;The central library will stay open until nine in the evening from '
       'next week, the city said.;2023-03-12;Westhaven Courier;en;wc-102\n')


def articles(path) -> list[Article]:
    return [item for item in read_file(path) if isinstance(item, Article)]


def problems(path) -> list[FileProblem]:
    return [item for item in read_file(path) if isinstance(item, FileProblem)]


def test_tsv_rows_are_articles_with_multi_line_cells(tmp_path):
    path = tmp_path / "news.tsv"
    path.write_text(TSV, encoding="utf-8")
    first, second = articles(path)
    assert first.headline == "Harbour council votes to rebuild the old pier"
    assert first.body == ("The Westhaven harbour council voted on Monday to rebuild the old pier, which storms "
                          "damaged last winter.", "Work will start in spring and cost about 2.4 million, the "
                                                  "council said.")
    assert first.url == "https://example.org/pier"
    assert second.headline == "Local rowing club wins regional title"
    # rows without an id column get the id of their line (as JSONL lines do): row 2 starts on line 4
    assert (first.id, second.id) == (article_id(str(path), 2), article_id(str(path), 4))


def test_csv_delimiter_is_read_from_the_header_and_columns_ignore_case(tmp_path):
    path = tmp_path / "courier.csv"
    path.write_text("\ufeff" + CSV, encoding="utf-8")  # with a byte-order mark, as spreadsheets write it
    first, second = articles(path)
    assert (first.id, first.headline, first.source, first.language) == (
        "wc-101", "Tram line to open in May", "Westhaven Courier", "en")
    assert first.date.date().isoformat() == "2023-03-10"
    assert second.id == "wc-102"


def test_table_without_a_text_column_is_rejected_with_the_columns_it_has(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("category,count\npolitics,12\nsport,9\n", encoding="utf-8")
    (problem,) = problems(path)
    assert problem.reason == ("no text column: the header row names 'category', 'count'; the article text is "
                              "read from a column named body, text, content, article, maintext (the first row "
                              "must name the columns)")


def test_a_cell_over_the_size_limit_is_reported_and_later_rows_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_ARTICLE_BYTES", 400)
    path = tmp_path / "big.csv"
    rows = [["title", "text"], ["First story here", "The first story has a few words of text in it."],
            ["Huge story", "word " * 200], ["Last story here", "The last story is read after the huge one."]]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    items = list(read_file(path))
    assert [a.headline for a in items if isinstance(a, Article)] == ["First story here", "Last story here"]
    (problem,) = [p for p in items if isinstance(p, FileProblem)]
    assert problem.line == 3
    assert problem.reason in ("row too long (over 0 MB)", "malformed row (field larger than field limit (400))")


def test_an_unclosed_quote_does_not_swallow_more_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_ARTICLE_BYTES", 2000)
    path = tmp_path / "broken.csv"
    lines = ['title,text', 'Good one,"A good row of text, properly quoted."', 'Broken,"An unclosed quote']
    lines += [f"Row {i},Text of row {i} that the broken quote runs into." for i in range(200)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_file(path))  # never one row of the whole file
    assert items[0].headline == "Good one"
    assert any(isinstance(p, FileProblem) and p.line == 3 for p in items)


def test_cp1252_table_is_decoded_and_reported(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes("title,text\nCafé reopens,The café by the harbour reopened on Monday with a new menu.\n"
                     .encode("cp1252"))
    items = list(read_file(path))
    assert items[0].headline == "Café reopens"
    assert any(isinstance(p, FileProblem) and not p.skipped and "cp1252" in p.reason for p in items)


def test_clean_and_index_read_the_same_rows(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "news.tsv").write_text(TSV, encoding="utf-8")
    (folder / "labels.csv").write_text("category,count\npolitics,12\n", encoding="utf-8")
    cleaned = CliRunner().invoke(cli, ["clean", "--json", str(folder)])
    assert cleaned.exit_code == 0, cleaned.output
    headlines = [json.loads(line)["headline"] for line in cleaned.stdout.splitlines()]
    assert headlines == ["Harbour council votes to rebuild the old pier", "Local rowing club wins regional title"]
    assert f"Error: {folder / 'labels.csv'}: no text column" in cleaned.stderr
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([folder])
        assert report.added == 2
        assert {p.path: p.reason.split(":")[0] for p in report.rejected} == {str(folder / "labels.csv"):
                                                                              "no text column"}
        assert ix.search("pier").total == 1


def test_masakhanews_tsv_files_index(shared_corpora, tmp_path):
    """Every row of the MasakhaNEWS tables with a text of its own is an article; the label lists are not."""
    folder = shared_corpora / "masakhanews"
    rows = 0
    for path in folder.glob("*/*.tsv"):
        with open(path, encoding="utf-8", newline="") as handle:
            rows += sum(1 for _ in csv.reader(handle, delimiter="\t")) - 1
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([folder])
        skipped_rows = [p for p in report.rejected if p.line is not None]
        # a row whose text only repeats its headline has no article text left
        assert all(p.reason == "record has no article text" for p in skipped_rows)
        assert report.added == len(ix) == rows - len(skipped_rows)
        assert len(skipped_rows) < rows / 500
        labels = [p for p in report.rejected if p.path.endswith("labels.txt")]
        assert len(labels) == 5 and all(p.reason.startswith("looks like a list") for p in labels)


@pytest.mark.parametrize("name", ["a.tsv", "a.TSV", "a.csv", "a.tab"])
def test_table_extensions_are_recognised(tmp_path, name):
    path = tmp_path / name
    path.write_text(TSV if name.lower().endswith(("tsv", "tab")) else TSV.replace("\t", ","), encoding="utf-8")
    assert len(articles(path)) == 2
