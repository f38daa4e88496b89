"""The HTTP API of ``searchnews serve`` through Starlette's test client: every endpoint, every error, the schema."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from urllib.parse import quote

import pytest

pytest.importorskip("starlette", reason="the web app's tests need the serve extra: pip install '.[serve]'")
from starlette.testclient import TestClient
from webtools import LOCAL

from searchnews import NewsIndex
from searchnews.web import create_app
from searchnews.web.openapi import PARAMETERS, openapi
from searchnews.web.params import API_PARAMETERS


def cli_json(index, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "searchnews", *args, "--index", str(index), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def without_took(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "took"}


# -- one schema with the command line -----------------------------------------------------------


def test_search_is_the_json_of_the_command_line(client, sample_index):
    got = client.get("/api/search", params={"q": "ICBM sanctions", "limit": 3, "facets": 1})
    assert got.status_code == 200
    assert without_took(got.json()) == without_took(
        cli_json(sample_index, "query", "ICBM sanctions", "--limit", "3", "--facets"))


def test_search_filters_and_order_are_the_command_line_s(client, sample_index):
    params = [("q", "sanctions OR missile"), ("since", "2022-11"), ("until", "2022-12"), ("sources", "AFP"),
              ("sources", "Reuters"), ("languages", "en"), ("sort", "newest"), ("collapse", "0"), ("offset", "1"),
              ("limit", "4")]
    got = client.get("/api/search", params=params).json()
    expected = cli_json(sample_index, "query", "sanctions OR missile", "--since", "2022-11", "--until", "2022-12",
                        "--source", "AFP", "--source", "Reuters", "--lang", "en", "--sort", "newest",
                        "--no-collapse", "--offset", "1", "--limit", "4")
    assert without_took(got) == without_took(expected)
    assert got["hits"] and all(hit["source"] in ("AFP", "Reuters") for hit in got["hits"])


def test_recency_is_passed_on(client, sample_index):
    got = client.get("/api/search", params={"q": "oil prices", "recency": "30d"}).json()
    assert without_took(got) == without_took(cli_json(sample_index, "query", "oil prices", "--recency", "30d"))


def test_timeline_is_the_json_of_the_command_line(client, sample_index):
    got = client.get("/api/timeline", params={"q": "sanctions", "by": "month", "sources": "AFP"}).json()
    assert got == cli_json(sample_index, "timeline", "sanctions", "--by", "month", "--source", "AFP")
    assert got["buckets"]


def test_stats_are_the_json_of_the_command_line(client, sample_index):
    assert client.get("/api/stats").json() == cli_json(sample_index, "stats")


def test_article_is_the_json_of_show(client, sample_index):
    hit = client.get("/api/search", params={"q": "bankers"}).json()["hits"][0]
    assert hit["copies"], "the sample corpus has a copy of this story"
    got = client.get(f"/api/articles/{quote(hit['id'], safe='')}")
    assert got.status_code == 200
    assert got.json() == cli_json(sample_index, "show", hit["id"])
    assert [c["id"] for c in got.json()["copies"]] == [c["id"] for c in hit["copies"]]


def test_similar_is_the_json_of_the_command_line(client, sample_index):
    hit = client.get("/api/search", params={"q": "bankers"}).json()["hits"][0]
    got = client.get(f"/api/articles/{hit['id']}/similar", params={"limit": 3, "since": "2022-11"}).json()
    expected = cli_json(sample_index, "similar", hit["id"], "--limit", "3", "--since", "2022-11")
    assert without_took(got) == without_took(expected)
    assert got["hits"] and hit["id"] not in [h["id"] for h in got["hits"]]


def test_pages_follow_each_other(client):
    first = client.get("/api/search", params={"q": "said", "limit": 20}).json()
    second = client.get("/api/search", params={"q": "said", "limit": 20, "offset": 20}).json()
    assert first["more"] and not second["more"]
    ids = [h["id"] for h in first["hits"] + second["hits"]]
    assert len(ids) == len(set(ids)) == first["total"] - first["collapsed"]


# -- ids in URLs --------------------------------------------------------------------------------


def test_an_id_with_slashes_and_url_characters_is_one_path_segment(hostile_client):
    for article_id in ("https://example.com/news/2023/similar", "../../etc/passwd?x=<y>#z"):
        got = hostile_client.get("/api/articles/" + quote(article_id, safe=""))
        assert got.status_code == 200, got.text
        assert got.json()["id"] == article_id


def test_similar_of_an_id_with_slashes(hostile_client):
    article_id = "https://example.com/news/2023/similar"
    got = hostile_client.get("/api/articles/" + quote(article_id, safe="") + "/similar")
    assert got.status_code == 200
    assert [h["id"] for h in got.json()["hits"]] == ["../../etc/passwd?x=<y>#z"]


def test_an_id_that_is_not_utf8(client):
    got = client.get("/api/articles/%FF%FE")
    assert got.status_code == 400
    assert got.json()["error"]["message"] == "id: the article id in the URL is not percent-encoded UTF-8"


# -- errors ---------------------------------------------------------------------------------------

ERRORS = [
    # (path, params, status, type, parameter, message)
    ("/api/search", {"q": '"ICBM sanctions'}, 400, "QuerySyntaxError", None,
     'unclosed quote: add the closing " (at position 0)'),
    ("/api/search", {"q": "x", "since": "2022-13"}, 400, "FilterError", "since",
     "since: cannot read '2022-13': use a day (2022-11-26), a month (2022-11), a year (2022) or a period back "
     "from today (7d, 2w, 3m, 1y)"),
    ("/api/search", {"q": "x", "since": "2022-12", "until": "2022-11"}, 400, "FilterError", "since",
     "since 2022-12 is after until 2022-11"),
    ("/api/search", {"q": "x", "languages": "english"}, 400, "FilterError", "languages",
     "languages: 'english' is not a language code; use codes such as en, fr, de"),
    ("/api/search", {"q": "x", "sources": "!!!"}, 400, "FilterError", "sources",
     "sources: '!!!' has no letters or digits to match"),
    ("/api/search", {"q": "x", "sort": "best"}, 400, "FilterError", "sort",
     "sort: 'best' is not an order; use one of relevance, newest, oldest"),
    ("/api/search", {"q": "x", "recency": "soon"}, 400, "FilterError", "recency",
     "recency: cannot read 'soon' as a half-life: use a length such as 30d, 2w, 6m, 1y or 12h"),
    ("/api/search", {"q": "x", "recency": "30d", "sort": "newest"}, 400, "FilterError", "recency",
     "recency favours recent articles in relevance ranking; it cannot be combined with sort newest"),
    ("/api/search", {"q": "x", "limit": "0"}, 400, "ArgumentError", "limit",
     "limit is the number of hits on a page, a whole number from 1 to 1000, not 0"),
    ("/api/search", {"q": "x", "limit": "ten"}, 400, "ArgumentError", "limit",
     "limit is the number of hits on a page, a whole number from 1 to 1000, not 'ten'"),
    ("/api/search", {"q": "x", "offset": "-1"}, 400, "ArgumentError", "offset",
     "offset is the rank of a page's first hit, a whole number from 0, not '-1'"),
    ("/api/search", {"q": "x", "facets": "maybe"}, 400, "ArgumentError", "facets",
     "facets is 1 or 0 (true or false), not 'maybe'"),
    ("/api/search", {"q": "x", "source": "AFP"}, 400, "ArgumentError", "source",
     "'source' is not a parameter here; the parameters are: q, since, until, sources, languages, sort, recency, "
     "collapse, limit, offset, facets"),
    ("/api/search", [("q", "x"), ("sort", "newest"), ("sort", "oldest")], 400, "ArgumentError", "sort",
     "sort is given more than once; give it once"),
    ("/api/search", {}, 400, "ArgumentError", "q", "q (the query) is missing"),
    ("/api/search", {"q": "   "}, 400, "QuerySyntaxError", None, None),
    ("/api/timeline", {"q": "x", "by": "year"}, 400, "ArgumentError", "by",
     "by is a bucket size: auto, day, week, month, not 'year'"),
    ("/api/timeline", {"by": "day"}, 400, "ArgumentError", "q", "q (the query) is missing"),
    ("/api/export", {"q": "x", "format": "xml"}, 400, "ArgumentError", "format", "format is csv or jsonl, not 'xml'"),
    ("/api/export", {"q": "(x"}, 400, "QuerySyntaxError", None, None),
    ("/api/stats", {"q": "x"}, 400, "ArgumentError", "q", "'q' is not a parameter here; the parameters are: none"),
    ("/api/articles/nope", {}, 404, "ArticleNotFound", None, None),
    ("/api/articles/nope/similar", {}, 404, "ArticleNotFound", None, None),
    ("/api/articles/a/b/c", {}, 404, "HTTPError", None, "no such page"),
    ("/api/nothing", {}, 404, "HTTPError", None, "no such page"),
]


@pytest.mark.parametrize(("path", "params", "status", "kind", "parameter", "message"), ERRORS,
                         ids=[f"{e[0]}-{e[3]}-{e[4]}" for e in ERRORS])
def test_errors_are_json_with_the_library_s_message(client, path, params, status, kind, parameter, message):
    got = client.get(path, params=params)
    assert got.status_code == status
    assert got.headers["content-type"] == "application/json"
    error = got.json()["error"]
    assert (error["status"], error["type"], error["parameter"]) == (status, kind, parameter)
    if message is not None:
        assert error["message"] == message
    assert error["message"] and "Traceback" not in got.text


def test_an_unknown_article_names_its_id(client, sample_index):
    error = client.get("/api/articles/no-such-id").json()["error"]
    assert error["message"] == f"no article with id 'no-such-id' in {sample_index}"


def test_a_syntax_error_gives_its_position(client):
    error = client.get("/api/search", params={"q": "missile AND (launch"}).json()["error"]
    assert error["type"] == "QuerySyntaxError" and error["position"] == 12
    assert error["message"].endswith("(at position 12)")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_the_server_is_read_only(client, method):
    got = client.request(method, "/api/search", params={"q": "x"})
    assert got.status_code == 405
    assert got.json()["error"]["message"] == "this server is read-only: only GET requests are answered"


def test_other_hosts_are_refused(client):
    """A page elsewhere cannot reach the server through a name it controls (DNS rebinding)."""
    got = client.get("/api/stats", headers={"host": "attacker.example:8001"})
    assert got.status_code == 400
    assert client.get("/api/stats", headers={"host": "localhost:8001"}).status_code == 200


def test_any_host_is_answered_when_asked_for(sample_index):
    with TestClient(create_app(sample_index, allowed_hosts=None), base_url="http://news.example") as client:
        assert client.get("/api/stats").status_code == 200


@pytest.mark.parametrize("path", ["/", "/?q=sanctions", "/api/search?q=sanctions", "/api/nothing",
                                  "/static/style.css"])
def test_every_response_has_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_static_files_are_served_by_the_package(client):
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


# -- the schema -----------------------------------------------------------------------------------


def check_schema(data, name: str) -> None:
    import jsonschema

    document = openapi()
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_responses_follow_the_openapi_schemas(client, hostile_client):
    hit = client.get("/api/search", params={"q": "bankers"}).json()["hits"][0]
    check_schema(client.get("/api/search", params={"q": "sanctions", "facets": 1}).json(), "SearchResults")
    check_schema(client.get("/api/search", params={"q": "nuclaer sanctons"}).json(), "SearchResults")
    check_schema(client.get("/api/timeline", params={"q": "sanctions"}).json(), "Timeline")
    check_schema(client.get("/api/stats").json(), "IndexStats")
    check_schema(client.get(f"/api/articles/{hit['id']}").json(), "Article")
    check_schema(client.get(f"/api/articles/{hit['id']}/similar").json(), "SearchResults")
    check_schema(client.get("/api/search", params={"q": "("}).json(), "Error")
    check_schema(hostile_client.get("/api/search", params={"q": "strike", "facets": 1}).json(), "SearchResults")
    for line in client.get("/api/export", params={"q": "sanctions", "format": "jsonl"}).text.splitlines():
        check_schema(json.loads(line), "Hit")


def test_a_key_the_schema_does_not_describe_fails_the_check(client):
    import jsonschema

    data = client.get("/api/stats").json()
    with pytest.raises(jsonschema.ValidationError):
        check_schema({**data, "undocumented": 1}, "IndexStats")


def test_openapi_is_served_and_describes_every_route(client):
    document = client.get("/api/openapi.json").json()
    assert document == openapi()
    assert client.get("/api", follow_redirects=False).headers["location"] == "/api/openapi.json"
    assert set(document["paths"]) == {"/api/search", "/api/articles/{id}", "/api/articles/{id}/similar",
                                      "/api/timeline", "/api/stats", "/api/export"}
    for kind, names in API_PARAMETERS.items():
        assert set(names) <= set(PARAMETERS) | {"page"}, kind
    described = {p["name"] for path in document["paths"].values() for p in path["get"].get("parameters", [])}
    assert described == (set(PARAMETERS) | {"id"})


# -- export ---------------------------------------------------------------------------------------


def all_pages(client, **params) -> list[dict]:
    hits, offset = [], 0
    while True:
        page = client.get("/api/search", params={**params, "limit": 7, "offset": offset}).json()
        hits += page["hits"]
        if not page["more"]:
            return hits
        offset += len(page["hits"])


@pytest.mark.parametrize("params", [{"q": "said"}, {"q": "said", "collapse": "0", "sort": "oldest"},
                                    {"q": "said", "languages": "en", "sort": "newest"}])
def test_csv_export_lists_every_hit_of_every_page_in_order(client, params):
    got = client.get("/api/export", params={**params, "format": "csv"})
    assert got.status_code == 200
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(got.text)))
    expected = all_pages(client, **params)
    assert len(expected) > 7, "more than one page"
    assert [r["id"] for r in rows] == [h["id"] for h in expected]
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    first = expected[0]
    assert rows[0]["headline"] == first["headline"] and rows[0]["date"] == (first["date"] or "")
    assert rows[0]["authors"] == "; ".join(first["authors"])


def test_csv_export_names_the_copies(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export", params={"q": "bankers"}).text)))
    hit = client.get("/api/search", params={"q": "bankers"}).json()["hits"][0]
    assert rows[0]["copies"] == " ".join(c["id"] for c in hit["copies"]) != ""


def test_jsonl_export_rows_are_hits(client):
    got = client.get("/api/export", params={"q": "sanctions", "format": "jsonl"})
    assert got.headers["content-type"] == "application/x-ndjson; charset=utf-8"
    rows = [json.loads(line) for line in got.text.splitlines()]
    page = client.get("/api/search", params={"q": "sanctions", "limit": 100}).json()
    expected = [{**hit, "highlights": {"headline": None, "body": None, "captions": None}} for hit in page["hits"]]
    assert rows == expected


def test_export_is_a_download_named_after_the_query(client):
    got = client.get("/api/export", params={"q": 'ICBM "sanctions"', "format": "jsonl"})
    assert got.headers["content-disposition"] == 'attachment; filename="searchnews-icbm-sanctions.jsonl"'


def test_export_of_nothing_is_a_header_alone(client):
    got = client.get("/api/export", params={"q": "zzyzxqwv"})
    assert got.status_code == 200
    assert got.text.strip() == "rank,id,headline,source,authors,date,language,url,path,score,copies"


def test_csv_export_defuses_formulas(hostile_client):
    rows = list(csv.DictReader(io.StringIO(hostile_client.get("/api/export", params={"q": "strike"}).text)))
    headlines = {row["id"]: row["headline"] for row in rows}
    assert headlines["../../etc/passwd?x=<y>#z"].startswith("'=HYPERLINK(")
    jsonl = hostile_client.get("/api/export", params={"q": "strike", "format": "jsonl"}).text
    assert '"headline": "=HYPERLINK(' in jsonl  # the JSON keeps the text exact


# -- a shared index that changes -------------------------------------------------------------------


def test_a_commit_by_a_concurrent_index_run_is_seen_by_the_next_request(tmp_path, sample_copy):
    """The app opens the index once; a ``searchnews index`` run in another process adds an article."""
    extra = sample_copy.parent / "extra"
    extra.mkdir()
    with NewsIndex.create(tmp_path / "index") as ix:
        ix.add([sample_copy])
    with TestClient(create_app(tmp_path / "index"), base_url=LOCAL) as client:
        assert client.get("/api/search", params={"q": "quolltrack"}).json()["total"] == 0
        before = client.get("/api/stats").json()["articles"]
        (extra / "2023-04-02-quoll-survey.txt").write_text(
            "Rangers count record number of quolls in fictional Wattle Gorge\n\n"
            "Rangers in the fictional Wattle Gorge national park said on Sunday that their yearly survey had "
            "counted 212 spotted quolls, the most since records began, after a wet winter and a fox control "
            "programme. The survey used the Quolltrack camera network, which photographs every animal that "
            "passes its feeding stations, park staff said.\n", encoding="utf-8")
        subprocess.run([sys.executable, "-m", "searchnews", "index", str(sample_copy), str(extra), "--index",
                        str(tmp_path / "index")], check=True, capture_output=True)
        found = client.get("/api/search", params={"q": "quolltrack"}).json()
        assert found["total"] == 1 and found["hits"][0]["headline"].startswith("Rangers count record")
        assert client.get("/api/stats").json()["articles"] == before + 1
        page = client.get("/", params={"q": "quolltrack"}).text
        assert "Rangers count record number of quolls" in page


def test_an_app_closes_the_index_it_opened(sample_index):
    app = create_app(sample_index)
    with TestClient(app, base_url=LOCAL) as client:
        assert client.get("/api/stats").status_code == 200
    with pytest.raises(Exception, match="closed"):
        app.state.site.index.search("x")


def test_an_index_passed_in_stays_open(sample_index):
    with NewsIndex.open(sample_index) as ix:
        with TestClient(create_app(ix), base_url=LOCAL) as client:
            assert client.get("/api/stats").status_code == 200
        assert ix.search("sanctions").total > 0


def test_a_missing_index_is_an_error_before_serving(tmp_path):
    from searchnews.errors import IndexNotFound

    with pytest.raises(IndexNotFound, match="no searchnews index at"):
        create_app(tmp_path / "none")


def test_threads_must_be_a_number(sample_index):
    from searchnews.errors import ArgumentError

    with pytest.raises(ArgumentError, match="threads is a whole number from 1, not 0"):
        create_app(sample_index, threads=0)
