"""The HTML pages of ``searchnews serve`` (without a browser): hostile text, links that narrow, permalinks, errors."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

pytest.importorskip("starlette", reason="the web app's tests need the serve extra: pip install '.[serve]'")
from webtools import Links, params_of

from searchnews.web.params import SearchRequest, parse_request

ROOT = Path(__file__).resolve().parent.parent


def page(client, path: str = "/", **params) -> tuple[str, Links]:
    got = client.get(path, params=params)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "text/html; charset=utf-8"
    return got.text, Links(got.text)


# -- hostile article text -------------------------------------------------------------------------


def hostile_pages(hostile_client) -> list[str]:
    from webtools import HOSTILE_RECORDS

    pages = [hostile_client.get("/", params={"q": "strike"}).text,
             hostile_client.get("/", params={"q": "dockers picket"}).text,  # the caption matches
             hostile_client.get("/", params={"q": "strike", "collapse": "0", "sort": "newest"}).text]
    for record in HOSTILE_RECORDS:
        pages.append(hostile_client.get("/articles/" + quote(record["id"], safe="")).text)
    return pages


def test_hostile_text_is_shown_as_text(hostile_client):
    pages = hostile_pages(hostile_client)
    for text in pages:
        links = Links(text)
        scripts = [url for tag, name, url in links.urls if tag == "script"]
        assert scripts == ["/static/app.js"], "only the app's own script"
        assert not [name for name, _ in links.attributes if name.startswith("on")], "no event handler attribute"
        assert "img" not in links.tags and "b" not in links.tags
    article = pages[3]
    assert "&lt;script&gt;alert(&#39;headline&#39;)&lt;/script&gt; Harbour strike ends" in article
    assert "&lt;b onmouseover=alert(&#39;source&#39;)&gt;Harbour Wire&lt;/b&gt;" in article
    assert "&lt;/ul&gt;&lt;script&gt;alert(&#39;author&#39;)&lt;/script&gt;" in article
    assert "&#34;&gt;&lt;img src=x onerror=alert(&#39;caption&#39;)&gt; Dockers leave" in article


def test_no_link_runs_script_or_leaves_for_a_scheme_other_than_http(hostile_client):
    for text in hostile_pages(hostile_client):
        for _tag, _name, url in Links(text).urls:
            scheme = urlsplit(url).scheme
            assert scheme in ("", "http", "https"), url
            assert not url.lower().lstrip().startswith(("javascript:", "data:")), url


def test_a_javascript_url_is_shown_as_text(hostile_client):
    text = hostile_client.get("/articles/" + quote("https://example.com/news/2023/similar", safe="")).text
    assert "javascript:alert(&#39;url&#39;)" in text
    assert 'href="javascript:' not in text


def test_an_attribute_breaking_url_stays_inside_its_attribute(hostile_client):
    _text, links = page(hostile_client, "/articles/" + quote("../../etc/passwd?x=<y>#z", safe=""))
    hrefs = [url for url in links.hrefs() if url.startswith("https://example.com/")]
    assert hrefs == ["https://example.com/strike-costs\" onclick=\"alert('attr')"]
    assert not [name for name, _ in links.attributes if name == "onclick"]


def test_crafted_ids_make_links_that_lead_back_to_them(hostile_client):
    _text, links = page(hostile_client, q="strike")
    articles = [url for url in links.hrefs() if url.startswith("/articles/")]
    assert sorted(articles) == sorted("/articles/" + quote(r, safe="") for r in
                                      ("https://example.com/news/2023/similar", "../../etc/passwd?x=<y>#z"))
    for url in articles:
        assert hostile_client.get(url).status_code == 200


def test_a_hostile_language_code_is_text(hostile_client):
    text = hostile_client.get("/", params={"q": "freight"}).text
    assert "<script>alert('lang')" not in text


# -- the search page --------------------------------------------------------------------------------


def test_home_page_summarises_the_index(client):
    text, _ = page(client)
    assert "Search <strong>45</strong> articles" in text


def test_results_show_highlights_copies_and_the_total(client):
    text, _links = page(client, q="bankers")
    assert "<mark>bankers</mark>" in text
    assert "<summary>+1 copy</summary>" in text
    assert "articles match" in text or "article matches" in text


def test_facets_are_links_that_add_a_filter(client):
    _text, links = page(client, q="sanctions")
    facet_links = [url for url in links.hrefs() if ("sources", "AFP") in params_of(url)]
    assert facet_links, "a link adds the source AFP"
    narrowed = client.get(facet_links[0]).text
    assert "source: AFP" in narrowed
    results = client.get("/api/search", params=params_of(facet_links[0])).json()
    assert results["hits"] and {hit["source"] for hit in results["hits"]} == {"AFP"}


def test_a_second_source_is_added_to_the_first(client):
    _, links = page(client, q="said", sources="AFP")
    both = [url for url in links.hrefs() if params_of(url).count(("sources", "AFP")) == 1
            and ("sources", "Reuters") in params_of(url)]
    assert both


def test_month_and_language_facets(client):
    _, links = page(client, q="sanctions")
    month = [url for url in links.hrefs() if ("since", "2022-11") in params_of(url)
             and ("until", "2022-11") in params_of(url)]
    language = [url for url in links.hrefs() if ("languages", "en") in params_of(url)]
    assert month and language


def test_active_filters_are_shown_and_removable(client):
    text, links = page(client, q="sanctions", since="2022-11", sources="AFP", languages="en", sort="newest")
    for label in ("since: 2022-11", "source: AFP", "language: en", "sort: newest"):
        assert label in text
    removals = [url for url in links.hrefs() if ("q", "sanctions") in params_of(url)]
    without_since = [url for url in removals if ("since", "2022-11") not in params_of(url)
                     and ("sources", "AFP") in params_of(url) and ("sort", "newest") in params_of(url)]
    assert without_since


def test_timeline_bars_narrow_the_search_to_their_period(client):
    text, links = page(client, q="sanctions")
    assert "<svg" in text and 'class="bar"' in text
    bars = [url for url in links.hrefs() if "since=" in url and "until=" in url]
    week = [url for url in bars if ("since", "2022-11-21") in params_of(url)]
    assert week, bars
    assert ("until", "2022-11-27") in params_of(week[0])  # the ISO week, Monday to Sunday
    narrowed = client.get("/api/search", params=params_of(week[0])).json()
    assert narrowed["hits"] and all("2022-11-21" <= hit["date"][:10] <= "2022-11-27" for hit in narrowed["hits"])


def test_pages_link_forward_and_back(client):
    text, links = page(client, q="said")
    forward = [url for url in links.hrefs() if ("page", "2") in params_of(url)]
    assert forward and "page 1 of 2" in text
    second, second_links = page(client, q="said", page="2")
    assert "page 2 of 2" in second and "showing 21–" in second
    assert [url for url in second_links.hrefs() if url == "/?q=said"], "back to the first page"


def test_did_you_mean_is_a_link(client):
    text, links = page(client, q="nuclaer sanctons")
    assert "Did you mean" in text
    assert [url for url in links.hrefs() if params_of(url) == [("q", "nuclear sanctions")]]


def test_export_links_carry_the_search(client):
    _, links = page(client, q="sanctions", sources="AFP", page="1")
    exports = [url for url in links.hrefs() if url.startswith("/api/export")]
    assert sorted(params_of(url)[-1] for url in exports) == [("format", "csv"), ("format", "jsonl")]
    for url in exports:
        assert client.get(url).status_code == 200
    assert all(("sources", "AFP") in params_of(url) and ("q", "sanctions") in params_of(url) for url in exports)


def test_bad_filters_are_a_400_page_with_the_message(client):
    got = client.get("/", params={"q": "sanctions", "since": "2022-13"})
    assert got.status_code == 400
    assert "since: cannot read &#39;2022-13&#39;" in got.text
    assert 'value="2022-13"' in got.text, "the form keeps what was typed"


def test_a_query_syntax_error_points_at_its_position(client):
    got = client.get("/", params={"q": "missile AND (launch"})
    assert got.status_code == 400
    assert "missile AND (launch\n            ^</pre>" in got.text


def test_an_unknown_parameter_is_a_400_page(client):
    got = client.get("/", params={"q": "x", "source": "AFP"})
    assert got.status_code == 400 and "&#39;source&#39; is not a parameter here" in got.text


def test_an_unknown_article_is_a_404_page(client):
    got = client.get("/articles/no-such-id")
    assert got.status_code == 404 and "no article with id &#39;no-such-id&#39;" in got.text


def test_article_page_shows_its_copies_and_similar_stories(client):
    hit = client.get("/api/search", params={"q": "bankers"}).json()["hits"][0]
    text, links = page(client, "/articles/" + hit["id"])
    assert "Copies of this story (1)" in text and "Similar stories" in text
    assert "/articles/" + hit["copies"][0]["id"] in links.hrefs()
    similar = client.get(f"/api/articles/{hit['id']}/similar", params={"limit": 5}).json()["hits"]
    for other in similar:
        assert "/articles/" + quote(other["id"], safe="") in links.hrefs()


# -- permalinks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("request_", [
    SearchRequest(q="oil"),
    SearchRequest(q="ICBM sanctions", since="2022-11", until="2022-12-15", sources=("AFP", "Reuters"),
                  languages=("en",), sort="newest", collapse=False, page=3),
    SearchRequest(q="a & b = c?", recency="30d", sources=("Agence France-Presse",)),
])
def test_a_permalink_reads_back_as_the_same_search(request_):
    link = request_.link()
    assert parse_request(params_of(link), "page") == request_


def test_the_api_link_of_a_page_gives_its_hits(client):
    _, links = page(client, q="said", page="2", sources="AFP")
    api = [url for url in links.hrefs() if url.startswith("/api/search")]
    assert params_of(api[0]) == [("q", "said"), ("sources", "AFP"), ("offset", "20"), ("limit", "20")]
    assert client.get(api[0]).status_code == 200


def test_a_search_has_one_permalink():
    assert SearchRequest(q="oil", sort="relevance", collapse=True, page=1).link() == "/?q=oil"


def test_a_link_that_changes_the_search_starts_at_page_one():
    assert SearchRequest(q="oil", page=4).link(sources=("AFP",)) == "/?q=oil&sources=AFP"
    assert SearchRequest(q="oil", page=4).link(page=5) == "/?q=oil&page=5"


def test_empty_form_fields_are_no_filter():
    assert parse_request([("q", "oil"), ("since", ""), ("until", " "), ("recency", "")], "page") == \
        SearchRequest(q="oil")


# -- packaging ------------------------------------------------------------------------------------


def test_templates_and_static_files_are_package_data():
    """A non-editable install ships every template and static file (pyproject's package-data globs)."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in Python 3.11 and later")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["searchnews"]
    package = ROOT / "searchnews"
    files = [p.relative_to(package).as_posix() for folder in ("web/templates", "web/static")
             for p in (package / folder).rglob("*") if p.is_file()]
    assert files
    for name in files:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in globs), name
