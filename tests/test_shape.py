"""Files that are plainly not articles (label lists, name lists, fact files) are rejected by their shape."""

from __future__ import annotations

import pytest

from searchnews import NewsIndex
from searchnews.ingest.cleaning import read_file
from searchnews.ingest.corpus import decode
from searchnews.models import Article, FileProblem

LABELS = "business\nentertainment\nhealth\npolitics\nsport\ntechnology\n"
NAMES = "afghanistan\nalbania\nalgeria\nandorra\nangola\nargentina\narmenia\n"
FACTS = ("These facts about rivers were gathered from an atlas for a class project\n"
         "by a volunteer in the autumn, and are kept here for reference.\n\n"
         + "".join(f'river_fact("River{i}","length","{i * 37} km").\n' for i in range(60))
         + "".join(f'flows_into("River{i}","Lake{i % 7}").\n' for i in range(60)))
ARTICLE = ("Ferry timetable changes from Monday\n\n"
           "The harbour ferry will leave ten minutes earlier on weekdays from Monday, the operator said.\n")
SHORT = "Tram strike ends\n\nDrivers return on Friday.\n"
CHINESE = "港口渡轮时刻表周一起调整\n\n运营方表示，从周一起，港口渡轮在工作日将提前十分钟出发，以便与第一班火车衔接。\n"
RESULTS = ("Regional rowing results\n\nThe Westhaven crews won three of the five races on Saturday.\n\n"
           "Men's eight: Westhaven 1, Northport 2, Eastbay 3\n"
           "Women's four: Northport 1, Westhaven 2\n")


@pytest.mark.parametrize("text, start", [
    (LABELS, "looks like a list, not an article: none of its 6 lines is a sentence"),
    (NAMES, "looks like a list, not an article: none of its 7 lines is a sentence"),
    (FACTS, "looks like a list or data, not an article: only "),
    ("1 2 3\n4 5 6\n", "no words: not an article"),
])
def test_lists_and_data_are_not_articles(text, start):
    from searchnews.ingest.shape import not_an_article

    assert not_an_article(text).startswith(start)


@pytest.mark.parametrize("text", [ARTICLE, SHORT, CHINESE, RESULTS])
def test_articles_short_or_long_or_unspaced_are_articles(text):
    from searchnews.ingest.shape import not_an_article

    assert not_an_article(text) is None


def test_a_label_list_is_rejected_by_clean_and_index_alike(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "labels.txt").write_text(LABELS, encoding="utf-8")
    (folder / "story.txt").write_text(ARTICLE, encoding="utf-8")
    (problem,) = list(read_file(folder / "labels.txt"))
    assert isinstance(problem, FileProblem) and problem.reason.startswith("looks like a list")
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([folder])
    assert report.added == 1
    assert [(p.path, p.reason) for p in report.rejected] == [(str(folder / "labels.txt"), problem.reason)]


def test_every_bbc_article_is_still_an_article(shared_corpora):
    from searchnews.ingest.shape import not_an_article

    paths = sorted((shared_corpora / "bbc").glob("*/*.txt"))
    assert len(paths) == 2225
    refused = [path.name for path in paths if not_an_article(decode(path.read_bytes())[0])]
    assert refused == []
    assert all(isinstance(item, Article) for path in paths[::50] for item in read_file(path)
               if not isinstance(item, FileProblem) or item.skipped)


def test_the_list_files_of_the_real_corpora_are_rejected(shared_corpora):
    from searchnews.ingest.shape import not_an_article

    lists = [*(shared_corpora / "reuters21578").glob("all-*-strings.lc.txt"),
             shared_corpora / "reuters21578" / "feldman-cia-worldfactbook-data.txt",
             *(shared_corpora / "masakhanews").glob("*/labels.txt")]
    assert len(lists) == 11
    for path in lists:
        assert not_an_article(decode(path.read_bytes())[0]), path.name
