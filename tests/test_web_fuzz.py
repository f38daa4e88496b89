"""Fuzzing the query parameters of every route: a 200, a 400 or a 404 with a message, never a 500."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from fuzzing import fuzz_settings
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

pytest.importorskip("starlette", reason="the web app's tests need the serve extra: pip install '.[serve]'")

from searchnews.web.params import API_PARAMETERS

NAMES = sorted({name for names in API_PARAMETERS.values() for name in names} | {"page"})
ROUTES = ["/", "/api/search", "/api/timeline", "/api/export", "/api/stats", "/api/articles/{id}",
          "/api/articles/{id}/similar", "/articles/{id}"]

#: Values that look like what each parameter takes, and then some.
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "0", "1", "-1", "20", "1000", "1001", "99999999999999999999", "1e3", "0x10", "true",
                     "no", "2022", "2022-11", "2022-13", "2022-02-30", "0000-01-01", "9999-12-31", "7d", "0d",
                     "999999y", "30d", "12h", "newest", "oldest", "relevance", "auto", "day", "week", "month",
                     "csv", "jsonl", "en", "fr", "AFP", "Reuters", "sanctions", '"', "(", "*", "date:[", "a OR",
                     "NOT", "\x00", "\u202e", "%FF", "../", "source:AFP", "date:2022-11"]),
    st.integers(min_value=-(10 ** 25), max_value=10 ** 25).map(str),
)
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(NAMES), st.text(max_size=8)), values), max_size=6)
ids = st.one_of(st.text(max_size=20), st.sampled_from(["", "%", "%FF", "a/b", "..", "similar"]))


@fuzz_settings(300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(ROUTES), params=pairs, article_id=ids)
def test_no_request_fails_the_server(client, route, params, article_id):
    path = route.replace("{id}", quote(article_id, safe="") or "x")
    got = client.get(path, params=params)
    assert got.status_code in (200, 400, 404), (path, params, got.status_code, got.text[:500])
    assert "Traceback" not in got.text
    if path.startswith("/api/"):
        if got.status_code == 200 and path.startswith("/api/export"):
            return
        body = json.loads(got.text)
        if got.status_code != 200:
            assert body["error"]["message"].strip()
