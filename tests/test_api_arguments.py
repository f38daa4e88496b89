"""Every bad argument of the Python API is a SearchnewsError that names the parameter and says what is accepted.

An application that embeds searchnews (a web app, a notebook) has no
command-line options: messages speak of ``since``, not ``--since``, and the
command line adds its own words (checked at the end).
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from searchnews import ArgumentError, FilterError, IndexNotFound, NewsIndex, SearchnewsError
from searchnews.cli import cli
from searchnews.search.searching import MAX_LIMIT


@pytest.fixture(scope="module")
def ix(sample_index):
    with NewsIndex.open(sample_index) as index:
        yield index


def refused(call, parameter: str, message: str, kind: type = ArgumentError):
    with pytest.raises(kind) as info:
        call()
    error = info.value
    assert isinstance(error, SearchnewsError) and isinstance(error, ValueError)
    assert error.parameter == parameter
    assert str(error) == message
    assert "--" not in str(error)
    return error


SEARCH_CASES = [
    ({"query": 42}, "query", "query is text, not 42"),
    ({"limit": 0}, "limit", f"limit is the number of hits on a page, a whole number from 1 to {MAX_LIMIT}, not 0"),
    ({"limit": "5"}, "limit", f"limit is the number of hits on a page, a whole number from 1 to {MAX_LIMIT}, "
                              "not '5'"),
    ({"offset": -3}, "offset", "offset is the rank of a page's first hit, a whole number from 0, not -3"),
    ({"highlight": "no"}, "highlight", "highlight is True or False, not 'no'"),
    ({"collapse": 1}, "collapse", "collapse is True or False, not 1"),
    ({"facets": None}, "facets", "facets is True or False, not None"),
    ({"suggest": "yes"}, "suggest", "suggest is True or False, not 'yes'"),
    ({"since": "2022-13"}, "since", "since: cannot read '2022-13': use a day (2022-11-26), a month (2022-11), a "
                                    "year (2022) or a period back from today (7d, 2w, 3m, 1y)"),
    ({"until": 20221126}, "until", "until: cannot read 20221126: use a day (2022-11-26), a month (2022-11), a year "
                                   "(2022) or a period back from today (7d, 2w, 3m, 1y)"),
    ({"since": "2022-12", "until": "2022-11"}, "since", "since 2022-12 is after until 2022-11"),
    ({"sources": 5}, "sources", "sources: give a name or a list of names, not 5"),
    ({"sources": ["AFP", None]}, "sources", "sources: a source name is text, not None"),
    ({"sources": [" "]}, "sources", "sources: a source name cannot be empty"),
    ({"languages": ["english"]}, "languages", "languages: 'english' is not a language code; use codes such as en, "
                                              "fr, de"),
    ({"languages": 7}, "languages", "languages: give a name or a list of names, not 7"),
    ({"sort": "date"}, "sort", "sort: 'date' is not an order; use one of relevance, newest, oldest"),
    ({"recency": "soon"}, "recency", "recency: cannot read 'soon' as a half-life: use a length such as 30d, 2w, "
                                     "6m, 1y or 12h"),
    ({"recency": 30}, "recency", "recency is a half-life longer than zero (a timedelta, or text such as 30d), "
                                 "not 30"),
    ({"recency": dt.timedelta(0)}, "recency", "recency is a half-life longer than zero (a timedelta, or text such "
                                              "as 30d), not datetime.timedelta(0)"),
    ({"recency": "30d", "sort": "newest"}, "recency", "recency favours recent articles in relevance ranking; it "
                                                      "cannot be combined with sort newest"),
]


@pytest.mark.parametrize("kwargs, parameter, message", SEARCH_CASES,
                         ids=[next(iter(case[0])) + "-" + str(i) for i, case in enumerate(SEARCH_CASES)])
def test_search_arguments(ix, kwargs, parameter, message):
    kwargs = dict(kwargs)
    query = kwargs.pop("query", "korea")
    kind = FilterError if parameter in ("since", "until", "sources", "languages", "sort", "recency") \
        else ArgumentError
    refused(lambda: ix.search(query, **kwargs), parameter, message, kind)


def test_one_source_may_be_given_as_a_string(ix):
    assert ix.search("korea", sources="AFP").total == ix.search("korea", sources=["AFP"]).total > 0
    assert ix.search("korea", languages="en").total == ix.search("korea", languages=["en"]).total > 0


@pytest.mark.parametrize("kwargs, parameter, message", [
    ({"article_id": 7}, "article_id", "article_id is text, not 7"),
    ({"limit": 5000}, "limit", f"limit is the number of hits on a page, a whole number from 1 to {MAX_LIMIT}, "
                               "not 5000"),
    ({"sort": "popular"}, "sort", "sort: 'popular' is not an order; use one of relevance, newest, oldest"),
    ({"since": "soon"}, "since", "since: cannot read 'soon': use a day (2022-11-26), a month (2022-11), a year "
                                 "(2022) or a period back from today (7d, 2w, 3m, 1y)"),
])
def test_similar_arguments(ix, kwargs, parameter, message):
    kwargs = dict(kwargs)
    article_id = kwargs.pop("article_id", ix.search("korea").hits[0].id)
    refused(lambda: ix.similar(article_id, **kwargs), parameter, message,
            FilterError if parameter in ("sort", "since") else ArgumentError)


@pytest.mark.parametrize("kwargs, parameter, message", [
    ({"query": b"korea"}, "query", "query is text, not b'korea'"),
    ({"by": "year"}, "by", "by is a bucket size: auto, day, week, month, not 'year'"),
    ({"until": "then"}, "until", "until: cannot read 'then': use a day (2022-11-26), a month (2022-11), a year "
                                 "(2022) or a period back from today (7d, 2w, 3m, 1y)"),
])
def test_timeline_arguments(ix, kwargs, parameter, message):
    kwargs = dict(kwargs)
    query = kwargs.pop("query", "korea")
    refused(lambda: ix.timeline(query, **kwargs), parameter, message,
            FilterError if parameter == "until" else ArgumentError)


def test_get_and_copies_arguments(ix):
    refused(lambda: ix.get(None), "article_id", "article_id is text, not None")
    refused(lambda: ix.copies(12), "article_id", "article_id is text, not 12")


def test_open_and_add_arguments(tmp_path):
    refused(lambda: NewsIndex.open(3.5), "path", "path is the index folder, not 3.5")
    with NewsIndex.create(tmp_path / "ix") as index:
        refused(lambda: index.add([5]), "paths", "paths is a file or folder, or a list of them, not [5]")
        refused(lambda: index.add(tmp_path, progress="yes"), "progress", "progress is a function or None, not 'yes'")


def test_a_missing_index_names_the_folder_not_a_command(tmp_path):
    with pytest.raises(IndexNotFound) as info:
        NewsIndex.open(tmp_path / "nowhere")
    assert str(info.value) == f"no searchnews index at {tmp_path / 'nowhere'}"
    assert "build one" not in str(info.value) and "--index" not in str(info.value)


def test_message_values_with_braces_are_kept(ix):
    error = refused(lambda: ix.search("korea", sort="{sort}"), "sort",
                    "sort: '{sort}' is not an order; use one of relevance, newest, oldest", FilterError)
    assert error.render({"sort": "--sort"}) == "--sort: '{sort}' is not an order; use one of relevance, newest, oldest"


def test_argument_errors_survive_pickling():
    import pickle

    error = pickle.loads(pickle.dumps(ArgumentError("limit", "{limit} is wrong")))
    assert (error.parameter, str(error)) == ("limit", "limit is wrong")


# -- the command line says the same with its options' names ------------------------------------


@pytest.mark.parametrize("args, message", [
    (["query", "korea", "--since", "2022-13"], "Error: --since: cannot read '2022-13': use a day"),
    (["query", "korea", "--since", "2022-12", "--until", "2022-11"], "Error: --since 2022-12 is after --until 2022-11"),
    (["query", "korea", "--lang", "english"], "Error: --lang: 'english' is not a language code"),
    (["query", "korea", "--source", " "], "Error: --source: a source name cannot be empty"),
    (["query", "korea", "--recency", "soon"], "Error: --recency: cannot read 'soon' as a half-life"),
    (["query", "korea", "--recency", "30d", "--sort", "newest"],
     "Error: --recency favours recent articles in relevance ranking; it cannot be combined with --sort newest"),
    (["timeline", "korea", "--until", "then"], "Error: --until: cannot read 'then'"),
])
def test_the_command_line_names_its_options(sample_index, args, message):
    result = CliRunner().invoke(cli, [*args, "--index", str(sample_index)])
    assert result.exit_code == 2
    assert result.output.startswith(message), result.output
