"""The OpenAPI 3.1 description of the HTTP API, served at ``/api/openapi.json``.

The response schemas describe the ``to_dict()`` of the library's results
(:mod:`searchnews.models`), which is also what ``searchnews … --json``
prints: one schema for both. ``tests/test_web_api.py`` checks real responses
against them, with no property left undescribed.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from .params import API_PARAMETERS, EXPORT_FORMATS

__all__ = ["PARAMETERS", "openapi"]


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_TEXTS = {"type": "array", "items": {"type": "string"}}
_COUNTS = {"type": "array", "items": _ref("FacetValue")}

SCHEMAS: dict[str, Any] = {
    "Copy": _object({"id": {"type": "string"}, "headline": {"type": "string"}, "source": _nullable("string"),
                     "date": _nullable("string", format="date-time"), "path": _nullable("string")},
                    "Another publication of the same story (a syndicated copy)."),
    "Hit": _object({
        "id": {"type": "string"}, "score": {"type": "number"}, "headline": {"type": "string"},
        "source": _nullable("string"), "authors": _TEXTS, "date": _nullable("string", format="date-time"),
        "url": _nullable("string"), "path": _nullable("string"), "language": _nullable("string"),
        "highlights": _object({name: _nullable("string") for name in ("headline", "body", "captions")},
                              "HTML: the article text escaped, the matches in <mark>; null where nothing matched."),
        "copies": {"type": "array", "items": _ref("Copy")},
    }, "One search result."),
    "FacetValue": _object({"value": _nullable("string"), "count": {"type": "integer"}}),
    "Facets": _object({"articles": {"type": "integer"}, "sources": _COUNTS, "months": _COUNTS,
                       "languages": _COUNTS}, "Counts of the matching articles by source, month and language."),
    "SearchResults": _object({
        "query": {"type": "string"}, "total": {"type": "integer"}, "all_words_total": _nullable("integer"),
        "took": {"type": "number"}, "partial": {"type": "boolean"}, "offset": {"type": "integer"},
        "sort": {"type": "string"}, "collapsed": {"type": "integer"}, "more": {"type": "boolean"},
        "suggestion": _nullable("string"), "facets": {"oneOf": [_ref("Facets"), {"type": "null"}]},
        "hits": {"type": "array", "items": _ref("Hit")},
    }, "A page of hits, the shape of `searchnews query --json`."),
    "Bucket": _object({"start": {"type": "string", "format": "date"}, "label": {"type": "string"},
                       "count": {"type": "integer"}}),
    "Timeline": _object({"query": {"type": "string"}, "by": {"type": "string", "enum": ["day", "week", "month"]},
                         "total": {"type": "integer"}, "undated": {"type": "integer"},
                         "buckets": {"type": "array", "items": _ref("Bucket")}},
                        "Matching articles per day, week or month: the shape of `searchnews timeline --json`."),
    "Article": _object({
        "headline": {"type": "string"}, "body": _TEXTS, "captions": _TEXTS, "source": _nullable("string"),
        "authors": _TEXTS, "date": _nullable("string", format="date-time"), "url": _nullable("string"),
        "language": _nullable("string"), "id": {"type": "string"}, "path": _nullable("string"),
        "place": _nullable("string"), "notes": _TEXTS, "copies": {"type": "array", "items": _ref("Copy")},
    }, "A cleaned article and its copies: the shape of `searchnews show --json`."),
    "IndexStats": _object({
        "path": {"type": "string"}, "articles": {"type": "integer"},
        "sources": {"type": "object", "additionalProperties": {"type": "integer"}},
        "languages": {"type": "object", "additionalProperties": {"type": "integer"}},
        "first_date": _nullable("string", format="date-time"), "last_date": _nullable("string", format="date-time"),
        "size_bytes": {"type": "integer"}, "segments": {"type": "integer"},
        "syndicated_stories": {"type": "integer"}, "syndicated_articles": {"type": "integer"},
    }, "A summary of the index: the shape of `searchnews stats --json`."),
    "Error": _object({"error": _object({
        "status": {"type": "integer"}, "type": {"type": "string"}, "message": {"type": "string"},
        "parameter": _nullable("string"), "position": _nullable("integer")})},
        "What went wrong, in the library's words; `parameter` names the query parameter at fault, `position` "
        "the offset in `q` of a syntax error."),
}

_DATE_FORMS = "a day (2022-11-26), a month (2022-11), a year (2022) or a period back from today (7d, 2w, 3m, 1y)"

#: Every query parameter of the API, described once.
PARAMETERS: dict[str, dict[str, Any]] = {
    "q": {"description": "The query, in searchnews' query syntax (words, \"phrases\", AND/OR/NOT, field:value, "
                         "date ranges).", "schema": {"type": "string"}},
    "since": {"description": f"Only articles published in or after this period: {_DATE_FORMS}.",
              "schema": {"type": "string"}},
    "until": {"description": f"Only articles published in or before this period: {_DATE_FORMS}.",
              "schema": {"type": "string"}},
    "sources": {"description": "Only articles from this source (a name matched as a phrase of words); repeat "
                               "the parameter for several.",
                "schema": {"type": "array", "items": {"type": "string"}}, "explode": True},
    "languages": {"description": "Only articles in this language (en, fr, de…); repeat it for several.",
                  "schema": {"type": "array", "items": {"type": "string"}}, "explode": True},
    "sort": {"description": "The order of the hits.",
             "schema": {"type": "string", "enum": ["relevance", "newest", "oldest"], "default": "relevance"}},
    "recency": {"description": "Favour recent articles in relevance ranking: the half-life of the date bonus "
                               "(30d, 2w, 6m, 1y).", "schema": {"type": "string"}},
    "collapse": {"description": "Fold the syndicated copies of a story into one hit (1) or list them (0).",
                 "schema": {"type": "boolean", "default": True}},
    "limit": {"description": "Hits on the page, 1 to 1000.",
              "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10}},
    "offset": {"description": "The rank (from 0) of the page's first hit.",
               "schema": {"type": "integer", "minimum": 0, "default": 0}},
    "facets": {"description": "Count the matching articles by source, month and language (1).",
               "schema": {"type": "boolean", "default": False}},
    "by": {"description": "Bucket size; auto picks days, weeks or months from the span of the dates.",
           "schema": {"type": "string", "enum": ["auto", "day", "week", "month"], "default": "auto"}},
    "format": {"description": "; ".join(f"{name}: {what}" for name, what in EXPORT_FORMATS.items()) + ".",
               "schema": {"type": "string", "enum": list(EXPORT_FORMATS), "default": "csv"}},
}

_REQUIRED = {"q"}


def _parameters(kind: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "query", "required": name in _REQUIRED, **PARAMETERS[name]}
            for name in API_PARAMETERS[kind]]


_ID = {"name": "id", "in": "path", "required": True, "description": "An article id, percent-encoded (`/` as %2F).",
       "schema": {"type": "string"}}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_ERRORS = {"400": _json("Error", "A parameter, filter or query that cannot be read.")}
_NOT_FOUND = {"404": _json("Error", "No article has this id.")}


def openapi() -> dict[str, Any]:
    """The OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "searchnews", "version": __version__,
                 "description": "Read-only search over a searchnews index: the JSON is the same as the command "
                                "line's --json. Errors are JSON with a 4xx status."},
        "paths": {
            "/api/search": {"get": {"summary": "A page of hits for a query", "operationId": "search",
                                    "parameters": _parameters("search"),
                                    "responses": {"200": _json("SearchResults", "The page."), **_ERRORS}}},
            "/api/articles/{id}": {"get": {"summary": "One article and its copies", "operationId": "article",
                                           "parameters": [_ID],
                                           "responses": {"200": _json("Article", "The article."), **_NOT_FOUND}}},
            "/api/articles/{id}/similar": {"get": {
                "summary": "Articles on the same story (the article and its copies left out)",
                "operationId": "similar", "parameters": [_ID, *_parameters("similar")],
                "responses": {"200": _json("SearchResults", "The page."), **_ERRORS, **_NOT_FOUND}}},
            "/api/timeline": {"get": {"summary": "Matching articles per day, week or month",
                                      "operationId": "timeline", "parameters": _parameters("timeline"),
                                      "responses": {"200": _json("Timeline", "The timeline."), **_ERRORS}}},
            "/api/stats": {"get": {"summary": "The index: articles, sources, languages, dates, size",
                                   "operationId": "stats",
                                   "responses": {"200": _json("IndexStats", "The statistics.")}}},
            "/api/export": {"get": {
                "summary": "Every hit of a search (not one page), streamed",
                "description": "The hits in the order of /api/search's pages, from one view of the index. JSON "
                               "Lines rows are Hit objects (highlights null); CSV cells that a spreadsheet would "
                               "take for a formula start with '.",
                "operationId": "export", "parameters": _parameters("export"),
                "responses": {"200": {"description": "The hits.", "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": _ref("Hit")}}}, **_ERRORS}}},
        },
        "components": {"schemas": SCHEMAS},
    }
