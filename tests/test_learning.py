"""Boilerplate learned from the corpus (searchnews.ingest.learning), relative stamps, and `clean --explain`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from searchnews.cli import cli
from searchnews.ingest.cleaning import clean_text, explain_text, line_key, read_file
from searchnews.ingest.corpus import walk
from searchnews.ingest.learning import MIN_ARTICLES, LearnedBoilerplate, group_of, learn_boilerplate
from searchnews.models import Article

PROMO = "Get the Lakeside Daily app for breaking alerts on your phone"
STORIES = [
    ("Council approves budget for new swimming pool",
     "The council approved the money for the pool on Tuesday night."),
    ("Storm closes coastal road for the second time",
     "The coastal road was closed again after waves threw rocks onto it."),
    ("School choir wins national competition",
     "The choir of St Anne's school won the national title in its first attempt."),
    ("Bakery celebrates one hundred years on Main Street",
     "The family bakery opened in 1922 and is run by the fourth generation."),
    ("Police appeal for witnesses after bike thefts",
     "Officers asked residents to check doorbell cameras after a spate of thefts."),
    ("Library extends opening hours at weekends",
     "The library will open on Sundays from January, the council said."),
]


def _scrape(headline: str, paragraph: str, promo: str = PROMO) -> str:
    return f"{headline}\n\n{paragraph}\n\n{promo}\n\nA second paragraph about {headline.lower()}.\n"


def _folder(tmp_path, count: int | None = None, promo: str = PROMO):
    folder = tmp_path / "lakeside"
    folder.mkdir()
    for n, (headline, paragraph) in enumerate(STORIES if count is None else STORIES[:count]):
        (folder / f"{n}.txt").write_text(_scrape(headline, paragraph, promo), encoding="utf-8")
    return folder


def test_line_in_every_article_of_a_folder_is_learned(tmp_path):
    folder = _folder(tmp_path)
    learned = learn_boilerplate(walk([folder]))
    assert learned.for_path(folder / "0.txt") == {line_key(PROMO)}


def test_too_few_articles_learn_nothing(tmp_path):
    folder = _folder(tmp_path, count=MIN_ARTICLES - 1)
    assert learn_boilerplate(walk([folder])).for_path(folder / "0.txt") == frozenset()


def test_identical_files_count_once(tmp_path):
    folder = tmp_path / "copies"
    folder.mkdir()
    for n in range(10):
        (folder / f"{n}.txt").write_text(_scrape(*STORIES[0]), encoding="utf-8")
    assert len(learn_boilerplate(walk([folder]))) == 0


def test_headlines_and_long_lines_are_never_learned(tmp_path):
    folder = tmp_path / "long"
    folder.mkdir()
    long_line = " ".join(["word"] * 60)
    for n in range(8):
        (folder / f"{n}.txt").write_text(f"Same headline every day\n\nStory {n} text here.\n\n{long_line}\n",
                                         encoding="utf-8")
    assert len(learn_boilerplate(walk([folder]))) == 0


def test_other_folders_are_not_affected(tmp_path):
    folder = _folder(tmp_path)
    learned = learn_boilerplate(walk([folder]))
    assert learned.for_path(tmp_path / "elsewhere" / "x.txt") == frozenset()


def test_json_file_is_its_own_group(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps({"title": h, "body": f"{p}\n\n{PROMO}"}) for h, p in STORIES),
                    encoding="utf-8")
    learned = learn_boilerplate([path])
    assert group_of(path) == str(path)
    assert learned.for_path(path) == {line_key(PROMO)}


def test_bad_files_are_passed_over(tmp_path):
    folder = _folder(tmp_path)
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "empty.txt").write_bytes(b"")
    assert learn_boilerplate(walk([folder])).for_path(folder / "0.txt") == {line_key(PROMO)}


def test_learned_line_is_dropped_by_the_cleaner(tmp_path):
    folder = _folder(tmp_path)
    learned = learn_boilerplate(walk([folder])).for_path(folder / "0.txt")
    (article,) = [a for a in read_file(folder / "0.txt", learned=learned) if isinstance(a, Article)]
    assert PROMO not in article.body
    assert article.body[0] == STORIES[0][1]


def test_learned_line_is_kept_without_learning():
    article = clean_text(_scrape(*STORIES[0]))
    assert PROMO in article.body


def test_learned_line_case_and_spacing_folded():
    text = _scrape(*STORIES[0], promo=PROMO.upper().replace(" ", "  ") + ".")
    assert PROMO.upper() not in " ".join(clean_text(text, learned=frozenset({line_key(PROMO)})).body)


def test_rules_win_over_learning():
    """A learned "Source: AFP" line still gives the source."""
    text = "Headline of the story\n\nSource: AFP\n\nThe story itself, which is long enough to be body text.\n"
    article = clean_text(text, learned=frozenset({line_key("Source: AFP")}))
    assert article.source == "AFP"


def test_explain_gives_learned_decision():
    decisions = explain_text(_scrape(*STORIES[0]), learned=frozenset({line_key(PROMO)}))
    (promo,) = [d for d in decisions if d.text == PROMO]
    assert (promo.decision, promo.reason) == ("learned", "recurs across articles of this folder")


def test_clean_explain_shows_learned_lines_with_counts(tmp_path):
    folder = _folder(tmp_path)
    result = CliRunner().invoke(cli, ["clean", "--explain", str(folder / "0.txt")])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if PROMO in x)
    assert "learned" in line and "in 6 articles of this folder" in line


def test_clean_no_learn_keeps_the_line(tmp_path):
    folder = _folder(tmp_path)
    result = CliRunner().invoke(cli, ["clean", "--json", "--no-learn", str(folder / "0.txt")])
    assert PROMO in json.loads(result.output)["body"]
    result = CliRunner().invoke(cli, ["clean", "--json", str(folder / "0.txt")])
    assert PROMO not in json.loads(result.output)["body"]


def test_empty_learned_boilerplate():
    assert LearnedBoilerplate().for_path("/any/file.txt") == frozenset()


# ---------------------------------------------------------------------------
# Relative stamps: a date only when the reference date is known

RELATIVE = ("Harbour market reopens after repairs\n\n{stamp}\n\n"
            "The covered market reopened on Saturday after a year of repairs.\n")
REFERENCE = dt.datetime(2022, 11, 26, 15, 0)


@pytest.mark.parametrize("stamp, expected", [
    ("3 hours ago", dt.datetime(2022, 11, 26, 12, 0)),
    ("Published 2 days ago", dt.datetime(2022, 11, 24, 15, 0)),
    ("an hour ago", dt.datetime(2022, 11, 26, 14, 0)),
    ("il y a 5 heures", dt.datetime(2022, 11, 26, 10, 0)),
    ("vor 3 Tagen", dt.datetime(2022, 11, 23, 15, 0)),
])
def test_relative_stamp_with_reference_date(stamp, expected):
    article = clean_text(RELATIVE.format(stamp=stamp), reference_date=REFERENCE)
    assert article.date == expected
    assert stamp not in " ".join(article.body)


def test_relative_stamp_without_reference_date_gives_no_date():
    article = clean_text(RELATIVE.format(stamp="3 hours ago"))
    assert article.date is None
    assert "3 hours ago" not in " ".join(article.body)


def test_absolute_published_stamp_wins_over_relative_update():
    text = RELATIVE.format(stamp="Updated 2 hours ago\nPublished 20/11/2022")
    assert clean_text(text, reference_date=REFERENCE).date == dt.datetime(2022, 11, 20)


def test_read_file_uses_the_file_time_as_reference(tmp_path):
    import os

    path = tmp_path / "a.txt"
    path.write_text(RELATIVE.format(stamp="2 days ago"), encoding="utf-8")
    stamp = dt.datetime(2022, 11, 26, 15, 0, tzinfo=dt.timezone.utc).timestamp()
    os.utime(path, (stamp, stamp))
    (article,) = list(read_file(path))
    assert article.date == dt.datetime(2022, 11, 24, 15, 0)


def test_sentence_with_ago_stays_in_the_body():
    text = RELATIVE.format(stamp="Ten years ago the market nearly closed for good, traders remember.")
    assert "Ten years ago the market nearly closed for good, traders remember." in clean_text(text).body
