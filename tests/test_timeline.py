"""Timelines: buckets, the automatic bucket size, the terminal chart and the plotted image."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import textwrap

import pytest

from searchnews.errors import ArgumentError, MissingDependency, SearchnewsError
from searchnews.search.timeline import MAX_BAR_ROWS, MAX_BUCKETS, Bucket, Timeline, build_timeline, plot, render_chart


def day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def counts(timeline: Timeline) -> list[tuple[str, int]]:
    return [(bucket.label, bucket.count) for bucket in timeline.buckets]


def bar_cells(line: str) -> float:
    """The length of a bar in cells, eighth blocks counted as eighths."""
    eighths = {"▏": 1, "▎": 2, "▍": 3, "▌": 4, "▋": 5, "▊": 6, "▉": 7, "█": 8}
    return sum(eighths.get(char, 0) for char in line) / 8


# --- buckets ----------------------------------------------------------------------------------


def test_bucket_labels():
    assert Bucket(dt.date(2022, 11, 26), 3).label == "2022-11-26"
    assert Bucket(dt.date(2022, 11, 21), 3, by="week").label == "2022-W47"
    assert Bucket(dt.date(2022, 11, 1), 3, by="month").label == "2022-11"


def test_days_across_a_month_and_a_year_boundary():
    timeline = build_timeline("q", [day("2022-12-31T23:59"), day("2023-01-01T00:00"), day("2023-01-01T12:00"),
                                    day("2022-12-30")], by="day")
    assert counts(timeline) == [("2022-12-30", 1), ("2022-12-31", 1), ("2023-01-01", 2)]


def test_months_across_a_year_boundary():
    timeline = build_timeline("q", [day("2022-11-30"), day("2023-02-01"), day("2022-11-01")], by="month")
    assert counts(timeline) == [("2022-11", 2), ("2022-12", 0), ("2023-01", 0), ("2023-02", 1)]
    assert [bucket.start for bucket in timeline.buckets] == [
        dt.date(2022, 11, 1), dt.date(2022, 12, 1), dt.date(2023, 1, 1), dt.date(2023, 2, 1)]


def test_iso_weeks_at_a_year_boundary():
    # 2022-01-02 is a Sunday: ISO week 52 of 2021, which starts on Monday 2021-12-27.
    timeline = build_timeline("q", [day("2022-01-02"), day("2022-01-03"), day("2021-12-27")], by="week")
    assert counts(timeline) == [("2021-W52", 2), ("2022-W01", 1)]
    assert timeline.buckets[0].start == dt.date(2021, 12, 27)
    assert all(bucket.start.weekday() == 0 for bucket in timeline.buckets)


def test_week_53():
    timeline = build_timeline("q", [day("2020-12-31"), day("2021-01-03"), day("2021-01-04")], by="week")
    assert counts(timeline) == [("2020-W53", 2), ("2021-W01", 1)]


def test_gaps_are_filled_with_zeros():
    timeline = build_timeline("q", [day("2022-11-01"), day("2022-11-05"), day("2022-11-05")], by="day")
    assert counts(timeline) == [("2022-11-01", 1), ("2022-11-02", 0), ("2022-11-03", 0), ("2022-11-04", 0),
                                ("2022-11-05", 2)]


def test_dates_in_any_order_and_plain_dates():
    timeline = build_timeline("q", [dt.date(2022, 11, 3), day("2022-11-01T08:00")], by="day")
    assert counts(timeline) == [("2022-11-01", 1), ("2022-11-02", 0), ("2022-11-03", 1)]


def test_a_generator_is_read_once():
    timeline = build_timeline("q", (day("2022-11-01") for _ in range(3)), by="day")
    assert timeline.total == 3 and counts(timeline) == [("2022-11-01", 3)]


@pytest.mark.parametrize("last, expected", [
    ("2022-11-01", "day"),
    ("2022-12-16", "day"),     # 45 days
    ("2022-12-17", "week"),    # 46 days
    ("2023-11-01", "week"),    # 365 days
    ("2023-11-02", "week"),    # 366 days
    ("2023-11-03", "month"),   # 367 days
    ("2030-01-01", "month"),
])
def test_auto_bucket_size(last, expected):
    timeline = build_timeline("q", [day("2022-11-01"), day(last)])
    assert timeline.by == expected
    assert all(bucket.by == expected for bucket in timeline.buckets)


def test_auto_weeks_stay_under_about_53_buckets():
    timeline = build_timeline("q", [day("2022-01-01"), day("2023-01-02")])
    assert timeline.by == "week" and len(timeline.buckets) <= 54


def test_undated_articles_are_counted_apart():
    timeline = build_timeline("q", [day("2022-11-01"), None, day("2022-11-01"), None, None])
    assert timeline.total == 5 and timeline.undated == 3
    assert sum(bucket.count for bucket in timeline.buckets) == 2


def test_no_dates_gives_no_buckets():
    timeline = build_timeline("q", [None, None])
    assert timeline.buckets == () and timeline.total == 2 and timeline.undated == 2
    assert timeline.peak is None
    assert build_timeline("q", []).buckets == ()
    assert build_timeline("q", [], by="month").by == "month"


@pytest.mark.parametrize("by", ["year", "Day", "", "days", None, 7])
def test_unknown_bucket_size(by):
    with pytest.raises(ArgumentError) as info:
        build_timeline("q", [], by=by)
    assert str(info.value) == f"by is a bucket size: auto, day, week, month, not {by!r}"


def test_peak_is_the_first_of_the_largest():
    timeline = build_timeline("q", [day("2022-11-01"), day("2022-11-02"), day("2022-11-03"), day("2022-11-03"),
                                    day("2022-11-02")], by="day")
    assert timeline.peak == Bucket(dt.date(2022, 11, 2), 2, "day")


def test_to_dict_is_json_ready():
    timeline = build_timeline("ICBM sanctions", [day("2022-11-30"), None, day("2023-01-02"), day("2023-01-03")],
                              by="month")
    data = timeline.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "query": "ICBM sanctions", "by": "month", "total": 4, "undated": 1,
        "buckets": [{"start": "2022-11-01", "label": "2022-11", "count": 1},
                    {"start": "2022-12-01", "label": "2022-12", "count": 0},
                    {"start": "2023-01-01", "label": "2023-01", "count": 2}],
    }


def test_timeline_is_frozen():
    with pytest.raises(AttributeError):
        build_timeline("q", []).total = 3  # type: ignore[misc]


# --- render_chart -----------------------------------------------------------------------------


@pytest.fixture
def small() -> Timeline:
    dates = [day("2022-11-26")] * 8 + [day("2022-11-28")] * 4 + [day("2022-11-29")] * 3 + [None]
    return build_timeline("q", dates, by="day")


def test_chart_has_one_line_per_bucket_and_a_summary(small):
    lines = render_chart(small, width=40).splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["2022-11-26", "2022-11-27", "2022-11-28", "2022-11-29"]
    assert [line.split()[-1] for line in lines[:-1]] == ["8", "0", "4", "3"]
    assert lines[-1] == "16 articles, 1 without a date; peak 2022-11-26 (8)"


def test_chart_scales_the_peak_to_the_width(small):
    lines = render_chart(small, width=40).splitlines()
    assert lines[0] == "2022-11-26 " + "█" * 40 + " 8"
    assert bar_cells(lines[2]) == 20  # half the peak, half the width
    assert bar_cells(lines[3]) == 15  # 3/8 of 40
    assert bar_cells(lines[1]) == 0


def test_the_bar_chart_example_of_the_docstring():
    dates = [day("2022-11-26")] * 7 + [day("2022-11-28")] * 3 + [day("2022-11-29")] * 5 + [None]
    chart = render_chart(build_timeline("q", dates), width=40)
    example = render_chart.__doc__.split("(``width=40``)::\n\n", 1)[1].split("\n\n", 1)[0]
    assert chart == textwrap.dedent(example)


def test_chart_uses_eighth_blocks_for_fractions():
    timeline = build_timeline("q", [day("2022-11-01")] * 3 + [day("2022-11-02")], by="day")
    lines = render_chart(timeline, width=10).splitlines()
    assert lines[1] == "2022-11-02 ███▍" + " " * 6 + " 1"  # 10/3 cells = 3 cells and 3 eighths
    assert abs(bar_cells(lines[1]) - 10 / 3) <= 1 / 16


def test_chart_lines_line_up(small):
    lines = render_chart(small, width=25).splitlines()[:-1]
    assert len({len(line) for line in lines}) == 1


def test_a_tiny_count_still_shows():
    timeline = build_timeline("q", [day("2022-11-01")] * 1000 + [day("2022-11-02")], by="day")
    assert render_chart(timeline, width=10).splitlines()[1] == "2022-11-02 ▏             1"


def test_chart_without_colour_has_no_escape_codes(small):
    assert "\x1b" not in render_chart(small)


def test_chart_with_colour_paints_only_the_bars(small):
    lines = render_chart(small, width=40, color=True).splitlines()
    assert lines[0] == "2022-11-26 \x1b[36m" + "█" * 40 + "\x1b[0m 8"
    assert "\x1b" not in lines[1]  # an empty bar
    assert "\x1b" not in lines[-1]
    plain = [line.replace("\x1b[36m", "").replace("\x1b[0m", "") for line in lines]
    assert plain == render_chart(small, width=40).splitlines()


def test_summary_without_undated_and_for_one_article():
    assert render_chart(build_timeline("q", [day("2022-11-01")])).splitlines()[-1] == (
        "1 article; peak 2022-11-01 (1)")


def test_chart_of_no_dated_articles():
    assert render_chart(build_timeline("q", [None, None])) == "no dated articles\n2 articles, 2 without a date"
    assert render_chart(build_timeline("q", [])) == "no dated articles\n0 articles"


def test_up_to_max_rows_is_a_bar_chart():
    dates = [dt.datetime(2022, 1, 1) + dt.timedelta(days=n) for n in range(MAX_BAR_ROWS)]
    lines = render_chart(build_timeline("q", dates, by="day")).splitlines()
    assert len(lines) == MAX_BAR_ROWS + 1


def test_many_months_become_one_line_per_year():
    dates = [dt.datetime(2015, 3, 1)] * 8 + [dt.datetime(2019, 1, 10)] * 4 + [dt.datetime(2021, 12, 5)]
    timeline = build_timeline("q", dates, by="month")
    assert len(timeline.buckets) > MAX_BAR_ROWS
    lines = render_chart(timeline).splitlines()
    assert lines[0] == "     JFMAMJJASOND"
    assert lines[1] == "2015   █" + " " * 9 + " 8"
    assert lines[2] == "2016 " + " " * 12 + " 0"
    assert lines[5] == "2019 ▄" + " " * 11 + " 4"
    assert lines[7] == "2021 " + " " * 11 + "▁ 1"
    assert lines[-1] == "13 articles; peak 2015-03 (8)"
    assert len(lines) == 1 + 7 + 1


def test_many_days_become_one_line_per_month():
    dates = [dt.datetime(2022, 11, 30)] * 2 + [dt.datetime(2023, 1, 31), dt.datetime(2023, 2, 1)]
    timeline = build_timeline("q", dates, by="day")
    assert len(timeline.buckets) == 64
    lines = render_chart(timeline).splitlines()
    assert lines[0] == "        1   5    10   15   20   25   30"
    assert lines[1] == "2022-11" + " " * 30 + "█  2"
    assert lines[2] == "2022-12" + " " * 32 + " 0"
    assert lines[3] == "2023-01" + " " * 31 + "▄ 1"
    assert lines[4] == "2023-02 ▄" + " " * 30 + " 1"


def test_many_weeks_become_one_line_per_iso_year():
    dates = [dt.datetime(2020, 12, 31), dt.datetime(2022, 1, 2), dt.datetime(2022, 1, 3), dt.datetime(2022, 3, 1)]
    timeline = build_timeline("q", dates, by="week")
    assert len(timeline.buckets) > MAX_BAR_ROWS
    lines = render_chart(timeline).splitlines()
    assert lines[0].split() == ["W1", "10", "20", "30", "40", "50"]
    assert [line.split()[0] for line in lines[1:-1]] == ["2020", "2021", "2022"]
    assert lines[1].endswith("█ 1")  # W53 of 2020
    assert lines[2][5:].rstrip(" 0123456789").endswith("█")  # W52 of 2021 holds 2022-01-02
    assert lines[3] == "2022 █" + " " * 7 + "█" + " " * 44 + " 2"  # W01 and W09


def test_calendar_chart_columns_line_up_with_the_header():
    dates = [dt.datetime(2010, 1, 1) + dt.timedelta(days=45 * n) for n in range(60)]
    timeline = build_timeline("q", dates, by="month")
    lines = render_chart(timeline).splitlines()
    assert len({len(line) for line in lines[1:-1]}) == 1
    rows = {line[:4]: line[5:17] for line in lines[1:-1]}
    for bucket in timeline.buckets:
        cell = rows[str(bucket.start.year)][bucket.start.month - 1]
        assert (cell != " ") == (bucket.count > 0), bucket


def test_calendar_chart_colour():
    dates = [dt.datetime(2010, 1, 1) + dt.timedelta(days=30 * n) for n in range(100)]
    timeline = build_timeline("q", dates, by="month")
    coloured = render_chart(timeline, color=True)
    assert "\x1b[36m" in coloured
    assert coloured.replace("\x1b[36m", "").replace("\x1b[0m", "") == render_chart(timeline)


# --- plot -------------------------------------------------------------------------------------


@pytest.fixture
def matplotlib_present():
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (pip install 'searchnews[plot]')")


def test_plot_writes_a_png(tmp_path, small, matplotlib_present):
    path = tmp_path / "timeline.png"
    plot(small, str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name, magic", [("t.svg", b"<?xml"), ("t.PDF", b"%PDF")])
def test_plot_format_follows_the_extension(tmp_path, small, matplotlib_present, name, magic):
    path = tmp_path / name
    plot(small, path)
    assert path.read_bytes().startswith(magic)


def test_plot_title_with_dollar_signs(tmp_path, matplotlib_present):
    path = tmp_path / "dollars.png"
    plot(build_timeline(r"oil $\notacommand$ prices", [day("2022-11-01")]), path)  # unescaped: a ValueError
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_plot_of_no_dated_articles(tmp_path, matplotlib_present):
    path = tmp_path / "empty.png"
    plot(build_timeline("q", [None]), path)
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_plot_does_not_touch_pyplot(tmp_path, small, matplotlib_present):
    plot(small, tmp_path / "t.png")
    assert "matplotlib.pyplot" not in sys.modules or sys.modules["matplotlib.pyplot"].get_fignums() == []


def test_plot_without_matplotlib(tmp_path, small, monkeypatch):
    # None in sys.modules makes an import fail; submodules that an earlier test loaded are cached too.
    for name in ["matplotlib", *(name for name in sys.modules if name.startswith("matplotlib."))]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(MissingDependency) as info:
        plot(small, tmp_path / "t.png")
    assert str(info.value) == "plotting a timeline needs matplotlib: pip install 'searchnews[plot]'"
    assert info.value.extra == "plot"
    assert not (tmp_path / "t.png").exists()


@pytest.mark.parametrize("name", ["t.jpg", "timeline", "t.png.txt"])
def test_plot_unknown_extension(tmp_path, small, name):
    path = tmp_path / name
    with pytest.raises(SearchnewsError) as info:
        plot(small, path)
    assert str(info.value) == f"cannot plot to {path}: the file name must end in .png, .svg or .pdf"


def test_plot_to_a_missing_folder(tmp_path, small, matplotlib_present):
    path = tmp_path / "missing" / "t.png"
    with pytest.raises(SearchnewsError) as info:
        plot(small, path)
    assert str(info.value) == f"cannot write the plot to {path}: No such file or directory"


def test_plot_over_a_folder(tmp_path, small, matplotlib_present):
    path = tmp_path / "taken.png"
    path.mkdir()
    with pytest.raises(SearchnewsError) as info:
        plot(small, path)
    assert str(info.value) == f"cannot write the plot to {path}: Is a directory"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a POSIX user that permissions apply to")
def test_plot_to_a_read_only_folder(tmp_path, small, matplotlib_present):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(SearchnewsError) as info:
            plot(small, folder / "t.png")
        assert str(info.value) == f"cannot write the plot to {folder / 't.png'}: Permission denied"
    finally:
        folder.chmod(0o700)


# --- dates at the edges of the calendar (issue 12.14) -------------------------------------------


@pytest.mark.parametrize("by", ["auto", "day", "week", "month"])
def test_the_last_day_of_the_calendar_has_a_bucket(by):
    # "year 10000 is out of range": the bucket after 9999-12 was computed, and failed.
    timeline = build_timeline("q", [day("9999-12-31T23:59"), day("9999-12-01"), None], by=by)
    assert dt.timedelta(0) <= dt.date(9999, 12, 31) - timeline.buckets[-1].start < dt.timedelta(days=31)
    assert sum(b.count for b in timeline.buckets) == 2 and timeline.undated == 1
    peak = timeline.peak
    assert render_chart(timeline).endswith(f"3 articles, 1 without a date; peak {peak.label} ({peak.count})")


def test_the_whole_calendar_by_month():
    timeline = build_timeline("q", [day("0001-01-01"), day("9999-12-31"), day("2022-11-26")], by="auto")
    assert timeline.by == "month" and len(timeline.buckets) == 9999 * 12 <= MAX_BUCKETS
    assert (timeline.buckets[0].label, timeline.buckets[-1].label) == ("0001-01", "9999-12")
    assert len(render_chart(timeline).splitlines()) == 1 + 9999 + 1  # a header, a row per year, the summary


@pytest.mark.parametrize("by, buckets", [("day", 3_652_059), ("week", 521_723)])
def test_too_many_buckets_is_an_error_that_says_what_to_do(by, buckets):
    with pytest.raises(ArgumentError) as info:
        build_timeline("q", [day("0001-01-01"), day("9999-12-31")], by=by)
    assert str(info.value) == (f"by {by} would give {buckets:,} buckets from 0001-01-01 to 9999-12-31 (the most is "
                               f"{MAX_BUCKETS:,}): use a larger bucket size, or narrow the dates with since and until")
    assert info.value.render({"by": "--by", "since": "--since", "until": "--until"}).startswith(f"--by {by} would")


def test_an_index_with_dates_at_the_edges(tmp_path):
    from click.testing import CliRunner

    from searchnews.cli import cli

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [{"id": f"e{i}", "title": f"Harbour notice {i}", "text": f"The harbour notice number {i} was posted.",
                "date": date} for i, date in enumerate(["9999-12-31T12:00:00", "0001-01-01T00:00:00",
                                                        "2022-11-26T10:00:00", None])]
    (corpus / "edges.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    index = str(tmp_path / "index")
    runner = CliRunner()
    assert runner.invoke(cli, ["index", str(corpus), "--index", index]).exit_code == 0
    for args in (["timeline", "harbour"], ["timeline", "harbour", "--by", "month"], ["timeline", "harbour", "--json"],
                 ["query", "harbour", "--facets"], ["query", "harbour", "--sort", "newest"],
                 ["query", "harbour", "--sort", "oldest"], ["query", "harbour", "--recency", "30d"], ["stats"]):
        result = runner.invoke(cli, [*args, "--index", index])
        assert result.exit_code == 0, (args, result.output)
    result = runner.invoke(cli, ["timeline", "harbour", "--by", "day", "--index", index])
    assert result.exit_code == 2
    assert result.output.startswith("Error: --by day would give 3,652,059 buckets from 0001-01-01 to 9999-12-31")
    stats = runner.invoke(cli, ["stats", "--index", index]).output
    assert "Dates:     0001-01-01 to 9999-12-31" in stats
