"""The search features on the command line: filters, sorting, facets, timeline, copies, similar, fields."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from searchnews.cli import HIT_FIELDS, cli


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args, **kwargs):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)


def query_json(runner, index_dir, *args):
    result = run(runner, "query", *args, "--index", index_dir, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_filters_on_the_command_line(runner, sample_index):
    data = query_json(runner, sample_index, "korea", "--since", "2022-11", "--until", "2022-11-30",
                      "--source", "AFP", "--source", "Reuters", "--lang", "en", "--limit", "50")
    assert data["total"] == len(data["hits"]) >= 2
    for hit in data["hits"]:
        assert hit["source"] in ("AFP", "Reuters")
        assert "2022-11-01" <= hit["date"] < "2022-12-01"
        assert hit["language"] == "en"


def test_sort_newest_text_output(runner, sample_index):
    result = run(runner, "query", "sanctions", "--index", sample_index, "--sort", "newest",
                 "--fields", "headline,date")
    assert result.exit_code == 0
    assert "newest first" in result.output.splitlines()[0]
    dates = [line.strip() for line in result.output.splitlines() if line.strip()[:4].isdigit()
             and line.strip()[4:5] == "-"]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 3
    assert "score" not in result.output


def test_recency_on_the_command_line(runner, sample_index):
    plain = query_json(runner, sample_index, "korea")
    boosted = query_json(runner, sample_index, "korea", "--recency", "14d")
    assert boosted["total"] == plain["total"]
    assert [h["id"] for h in boosted["hits"]] != [h["id"] for h in plain["hits"]]


def test_facets_text_and_json(runner, sample_index):
    result = run(runner, "query", "korea", "--index", sample_index, "--facets")
    assert result.exit_code == 0
    assert "Facets of" in result.output
    assert "Sources" in result.output and "AFP" in result.output
    assert "Months" in result.output and "2022-11" in result.output
    data = query_json(runner, sample_index, "korea", "--facets")
    facets = data["facets"]
    assert sum(item["count"] for item in facets["sources"]) == facets["articles"]
    assert {"value": "en", "count": facets["articles"] - sum(
        i["count"] for i in facets["languages"] if i["value"] != "en")} in facets["languages"]


def test_fields_choose_what_is_printed(runner, sample_index):
    data = query_json(runner, sample_index, "korea", "--fields", "headline,date,source")
    assert all(set(hit) == {"headline", "date", "source"} for hit in data["hits"])
    text = run(runner, "query", "korea", "--index", sample_index, "--fields", "headline,url")
    assert "[" not in text.output  # no ids or paths
    assert "photo:" not in text.output


def test_all_fields_by_default(runner, sample_index):
    data = query_json(runner, sample_index, "korea")
    assert set(data["hits"][0]) == {"highlights" if f == "snippets" else f for f in HIT_FIELDS}


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "2022-13"), "--since: cannot read '2022-13'"),
    (("--until", "yesteryear"), "--until: cannot read 'yesteryear'"),
    (("--since", "2023", "--until", "2022"), "is after --until"),
    (("--lang", "french"), "'french' is not a language code"),
    (("--recency", "fast"), "--recency"),
    (("--recency", "30d", "--sort", "oldest"), "cannot be combined with --sort oldest"),
    (("--fields", "headline,colour"), "'colour' is not a field"),
    (("--sort", "popular"), "'popular' is not one of"),
])
def test_bad_options_exit_2_with_a_message(runner, sample_index, args, message):
    result = run(runner, "query", "korea", "--index", sample_index, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_pagination_hint_and_stable_pages(runner, sample_index):
    first = run(runner, "query", "korea OR sanctions", "--index", sample_index, "--limit", "3")
    assert "More: --offset 3" in first.output
    page1 = query_json(runner, sample_index, "korea OR sanctions", "--limit", "3")
    page2 = query_json(runner, sample_index, "korea OR sanctions", "--limit", "3", "--offset", "3")
    both = query_json(runner, sample_index, "korea OR sanctions", "--limit", "6")
    assert [h["id"] for h in page1["hits"] + page2["hits"]] == [h["id"] for h in both["hits"]]


def test_timeline_chart(runner, sample_index):
    result = run(runner, "timeline", "korea", "--index", sample_index, "--by", "month")
    assert result.exit_code == 0
    assert "2022-11" in result.output and "█" in result.output
    assert "\x1b[" not in result.output


def test_timeline_json(runner, sample_index):
    result = run(runner, "timeline", "korea", "--index", sample_index, "--json", "--by", "week")
    data = json.loads(result.output)
    assert data["by"] == "week" and data["query"] == "korea"
    assert sum(b["count"] for b in data["buckets"]) + data["undated"] == data["total"]
    search = query_json(runner, sample_index, "korea")
    assert data["total"] == search["total"]


def test_timeline_plot(runner, sample_index, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (pip install 'searchnews[plot]')")
    target = tmp_path / "korea.png"
    result = run(runner, "timeline", "korea", "--index", sample_index, "--plot", target)
    assert result.exit_code == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_timeline_plot_without_matplotlib(runner, sample_index, tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")] + ["matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed
    result = run(runner, "timeline", "korea", "--index", sample_index, "--plot", tmp_path / "x.png")
    assert result.exit_code == 1
    assert "--plot needs matplotlib: pip install 'searchnews[plot]'" in result.output


def test_timeline_bad_query(runner, sample_index):
    result = run(runner, "timeline", '"unclosed', "--index", sample_index)
    assert result.exit_code == 2
    assert "invalid query" in result.output


def test_similar_command(runner, sample_index):
    hit = query_json(runner, sample_index, '"most powerful" ICBM', "--limit", "1")["hits"][0]
    result = run(runner, "similar", hit["id"], "--index", sample_index, "--json", "--limit", "3")
    data = json.loads(result.output)
    assert data["query"] == f"similar to {hit['id']}"
    assert hit["id"] not in [h["id"] for h in data["hits"]]
    assert len(data["hits"]) == 3


def test_similar_unknown_id(runner, sample_index):
    result = run(runner, "similar", "nope", "--index", sample_index)
    assert result.exit_code == 1
    assert "no article with id 'nope'" in result.output


def test_show_lists_the_copies(runner, sample_index):
    data = query_json(runner, sample_index, '"unilateral sanctions" AND bankers', "--no-collapse")
    ids = [h["id"] for h in data["hits"]]
    assert len(ids) == 2
    result = run(runner, "show", ids[0], "--index", sample_index)
    assert "Copies of this story (1):" in result.output
    assert ids[1] in result.output
    shown = json.loads(run(runner, "show", ids[0], "--index", sample_index, "--json").output)
    assert [c["id"] for c in shown["copies"]] == [ids[1]]


def test_query_folds_copies_and_says_so(runner, sample_index):
    result = run(runner, "query", '"unilateral sanctions" AND bankers', "--index", sample_index)
    assert "1 syndicated copy folded in" in result.output
    assert "+1 copy: AFP" in result.output
    assert "More:" not in result.output
    data = query_json(runner, sample_index, '"unilateral sanctions" AND bankers')
    assert data["collapsed"] == 1 and len(data["hits"]) == 1 and len(data["hits"][0]["copies"]) == 1


def test_stats_show_the_copies(runner, sample_index):
    result = run(runner, "stats", "--index", sample_index)
    assert "Copies:    1 story published more than once (2 articles)" in result.output
    data = json.loads(run(runner, "stats", "--index", sample_index, "--json").output)
    assert (data["syndicated_stories"], data["syndicated_articles"]) == (1, 2)


def test_no_match_within_filters_says_which(runner, sample_index):
    result = run(runner, "query", "korea", "--index", sample_index, "--since", "2030", "--source", "AFP")
    assert result.exit_code == 0
    assert "No articles match 'korea' (since 2030-01-01 · source AFP)." in result.output


def test_plot_errors(runner, sample_index, tmp_path):
    result = run(runner, "timeline", "korea", "--index", sample_index, "--plot", tmp_path / "chart.txt")
    assert result.exit_code == 1
    assert "the file name must end in .png, .svg or .pdf" in result.output
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (pip install 'searchnews[plot]')")
    result = run(runner, "timeline", "korea", "--index", sample_index, "--plot", tmp_path / "missing" / "c.png")
    assert result.exit_code == 1
    assert "cannot write the plot to" in result.output
