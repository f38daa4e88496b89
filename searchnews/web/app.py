"""The Starlette application: the pages, the JSON API, errors and security headers.

Routes (all GET; the app is read-only):

========================================  =============================================
``/``                                     the search page (the index's summary without ``q``)
``/articles/{id}``                        an article, its copies and similar stories
``/api/search``                           a page of hits (``SearchResults.to_dict()``)
``/api/articles/{id}``                    an article and its copies (``show --json``)
``/api/articles/{id}/similar``            similar stories (``SearchResults.to_dict()``)
``/api/timeline``                         matches per day/week/month (``Timeline.to_dict()``)
``/api/stats``                            the index (``IndexStats.to_dict()``)
``/api/export``                           every hit, CSV or JSON Lines, streamed
``/api/openapi.json``                     the API's description
``/static/…``                             the stylesheet and script, served by the package
========================================  =============================================

Terms:
    worker thread
        The library's calls run on a fixed pool of threads (``threads``,
        default :data:`DEFAULT_THREADS`), never on the event loop: a slow
        search delays no other request's reading or writing, and a slow
        client holds no thread. :class:`~searchnews.NewsIndex` keeps one
        searcher per thread, refreshed when the index changes, so a commit of
        ``searchnews index`` is seen by the next request. A fixed pool (not
        threads made and dropped on demand) keeps that number of searchers
        open, and no more.
    article id in a URL
        Ids are written percent-encoded as one path segment (an id may be a
        URL, with ``/`` in it), and read from the raw path, so
        ``/api/articles/a%2Fsimilar`` is the article ``a/similar``, and
        ``/api/articles/a/similar`` the stories similar to ``a``.
    error
        A :class:`~searchnews.errors.SearchnewsError` becomes a JSON body
        ``{"error": {...}}`` (in the API) or an error page, with status 400
        for an argument or query that cannot be read, 404 for an unknown
        article, 503 when the index itself cannot be read. The message is
        the library's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api import NewsIndex
from ..errors import ArgumentError, ArticleNotFound, QuerySyntaxError, SearchnewsError
from . import export, views
from .openapi import openapi
from .params import PAGE_SIZE, SearchRequest, parse_request

__all__ = ["DEFAULT_THREADS", "LOOPBACK_HOSTS", "SECURITY_HEADERS", "create_app"]

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
#: Worker threads that run the library's calls (see the module terms).
DEFAULT_THREADS = 8
#: Host names a browser uses for this machine: the only ``Host`` headers answered when listening on a
#: loopback address, so a web page elsewhere cannot read the index through DNS rebinding.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
#: Headers of every response: no script, style or image from elsewhere, no framing, no referrer (a
#: link to an article's site must not tell it what was searched).
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
#: The similar stories shown on an article's page.
SIMILAR_SHOWN = 5

T = TypeVar("T")


class SecurityHeaders:
    """ASGI middleware that adds :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()
                            if name.encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Site:
    """The shared state of one app: the index, the worker threads and the templates."""

    def __init__(self, index: NewsIndex, threads: int, owns_index: bool) -> None:
        self.index = index
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="searchnews-web")
        self.owns_index = owns_index
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined)
        self.templates.globals.update(article_href=views.article_href, safe_url=views.safe_url,
                                      index_name=os.path.basename(os.path.normpath(index.path)) or index.path)
        self.templates.filters["day"] = lambda iso: iso[:10] if iso else ""
        self.templates.filters["number"] = lambda n: f"{n:,}"

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` on a worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, partial(function, *args, **kwargs))

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(name).render(**context), status_code=status)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.owns_index:
            self.index.close()


def create_app(index: NewsIndex | str | os.PathLike[str], *, threads: int = DEFAULT_THREADS,
               allowed_hosts: Sequence[str] | None = LOOPBACK_HOSTS) -> Starlette:
    """The web application over ``index``: a :class:`NewsIndex`, or the folder of one to open.

    An index opened here is closed when the app shuts down; one passed in is
    the caller's to close. ``allowed_hosts`` are the ``Host`` headers answered
    (``None``: any, for a server that listens on a public address on
    purpose). Raises :class:`~searchnews.errors.IndexNotFound` when the
    folder holds no index.
    """
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        raise ArgumentError("threads", f"{{threads}} is a whole number from 1, not {threads!r}")
    owns = not isinstance(index, NewsIndex)
    site = Site(NewsIndex.open(index) if owns else index, threads, owns)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            site.close()

    routes = [
        Route("/", partial(search_page, site), methods=["GET"]),
        Route("/articles/{rest:path}", partial(article_page, site), methods=["GET"]),
        Route("/api", lambda request: RedirectResponse("/api/openapi.json"), methods=["GET"]),
        Route("/api/search", partial(api_search, site), methods=["GET"]),
        Route("/api/articles/{rest:path}", partial(api_article, site), methods=["GET"]),
        Route("/api/timeline", partial(api_timeline, site), methods=["GET"]),
        Route("/api/stats", partial(api_stats, site), methods=["GET"]),
        Route("/api/export", partial(api_export, site), methods=["GET"]),
        Route("/api/openapi.json", lambda request: JSONResponse(openapi()), methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    handlers = {SearchnewsError: partial(library_error, site), HTTPException: partial(http_error, site),
                Exception: partial(server_error, site)}
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers, lifespan=lifespan)
    app.state.site = site
    return app


# -- errors --------------------------------------------------------------------------------------


def status_of(exc: SearchnewsError) -> int:
    """The HTTP status of a library error (see the module terms)."""
    if isinstance(exc, (ArgumentError, QuerySyntaxError)):
        return 400
    if isinstance(exc, ArticleNotFound):
        return 404
    return 503


def error_body(status: int, kind: str, message: str, parameter: str | None = None,
               position: int | None = None) -> dict[str, Any]:
    """The JSON of an error response (the ``Error`` schema of the API)."""
    return {"error": {"status": status, "type": kind, "message": message, "parameter": parameter,
                      "position": position}}


def _wants_json(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def _error_response(site: Site, request: Request, status: int, kind: str, message: str, **extra: Any) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(status, kind, message, **extra), status_code=status)
    return site.render("error.html", status=status, status_code=status, message=message,
                       request=SearchRequest())


async def library_error(site: Site, request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SearchnewsError)
    status = status_of(exc)
    if status >= 500:
        log.error("%s: %s", request.url.path, exc)
    return _error_response(site, request, status, type(exc).__name__, str(exc),
                           parameter=getattr(exc, "parameter", None), position=getattr(exc, "position", None))


async def http_error(site: Site, request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "no such page", 405: "this server is read-only: only GET requests are answered"}
    response = _error_response(site, request, exc.status_code, "HTTPError",
                               messages.get(exc.status_code, str(exc.detail)))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def server_error(site: Site, request: Request, exc: Exception) -> Response:
    log.exception("%s failed", request.url.path)
    return _error_response(site, request, 500, "InternalError", "internal error; the server's log has the details")


# -- requests ------------------------------------------------------------------------------------


def _article_path(request: Request, prefix: str) -> list[str]:
    """The segments after ``prefix`` of the request's raw path, each percent-decoded (see the module terms)."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(request.url.path)
    rest = path[len(prefix):] if path.startswith(prefix) else ""
    try:
        return [unquote(segment, errors="strict") for segment in rest.split("/")]
    except UnicodeDecodeError:
        raise ArgumentError("id", "{id}: the article id in the URL is not percent-encoded UTF-8") from None


def _required_query(request: SearchRequest) -> str:
    if not request.q:
        raise ArgumentError("q", "{q} (the query) is missing")
    return request.q


async def api_search(site: Site, request: Request) -> Response:
    req = parse_request(request.query_params.multi_items(), "search")
    query = _required_query(req)
    results = await site.call(site.index.search, query, limit=req.limit, offset=req.offset, facets=req.facets,
                              **req.search_arguments())
    return JSONResponse(results.to_dict())


async def api_article(site: Site, request: Request) -> Response:
    segments = _article_path(request, "/api/articles/")
    if len(segments) == 2 and segments[1] == "similar":
        req = parse_request(request.query_params.multi_items(), "similar")
        results = await site.call(site.index.similar, segments[0], limit=req.limit, offset=req.offset,
                                  since=req.since, until=req.until, sources=req.sources, languages=req.languages,
                                  sort=req.sort, collapse=req.collapse)
        return JSONResponse(results.to_dict())
    if len(segments) != 1 or not segments[0]:
        raise HTTPException(404)
    parse_request(request.query_params.multi_items(), "article")

    def article() -> dict[str, Any]:
        found = site.index.get(segments[0])
        return {**found.to_dict(), "copies": [c.to_dict() for c in site.index.copies(segments[0])]}

    return JSONResponse(await site.call(article))


async def api_timeline(site: Site, request: Request) -> Response:
    req = parse_request(request.query_params.multi_items(), "timeline")
    timeline = await site.call(site.index.timeline, _required_query(req), req.by, **req.filters())
    return JSONResponse(timeline.to_dict())


async def api_stats(site: Site, request: Request) -> Response:
    parse_request(request.query_params.multi_items(), "stats")
    stats = await site.call(site.index.stats)
    return JSONResponse(stats.to_dict())


def _filename(query: str, extension: str) -> str:
    words = "".join(c if c.isascii() and c.isalnum() else "-" for c in query.lower()).strip("-")
    words = "-".join(part for part in words.split("-") if part)[:60] or "export"
    return f"searchnews-{words}.{extension}"


async def api_export(site: Site, request: Request) -> Response:
    req = parse_request(request.query_params.multi_items(), "export")
    query = _required_query(req)
    hits = site.index.iter_search(query, **req.search_arguments())
    chunks = export.rows(hits, req.format)
    end = object()
    # The first chunk is made before the response starts: a query that cannot be parsed is still a 400.
    try:
        first = await site.call(next, chunks, end)
    except BaseException:
        chunks.close()
        raise

    async def stream() -> AsyncIterator[str]:
        try:
            chunk = first
            while chunk is not end:
                yield chunk
                chunk = await site.call(next, chunks, end)
        finally:
            # Closes the hits' searcher, also when the client went away. A chunk still being made on a
            # worker thread cannot be closed ("generator already executing"): it is closed when dropped.
            with contextlib.suppress(ValueError):
                chunks.close()

    filename = _filename(query, req.format)
    return StreamingResponse(stream(), media_type=export.MEDIA_TYPES[req.format],
                             headers={"content-disposition": f'attachment; filename="{filename}"'})


# -- pages ---------------------------------------------------------------------------------------


async def search_page(site: Site, request: Request) -> Response:
    try:
        req = parse_request(request.query_params.multi_items(), "page")
    except ArgumentError as exc:
        return site.render("search.html", status=400, request=SearchRequest(), error=str(exc), results=None)
    if not req.q.strip():
        stats = await site.call(site.index.stats)
        return site.render("search.html", request=req, error=None, results=None, stats=stats)

    def work() -> HTMLResponse:
        try:
            results = site.index.search(req.q, limit=PAGE_SIZE, offset=req.page_offset, facets=True,
                                        **req.search_arguments())
            facets = _facets_beside_choices(site.index, req, results.facets)
            timeline = site.index.timeline(req.q, "auto", **req.filters())
        except (ArgumentError, QuerySyntaxError) as exc:
            return site.render("search.html", status=400, request=req, error=str(exc), results=None,
                               position=getattr(exc, "position", None))
        return site.render(
            "search.html", request=req, error=None, results=results.to_dict(), timeline=timeline,
            bars=views.timeline_bars(timeline, req), facets=views.facet_links(facets, req),
            pages=views.page_links(results, req), suggestion_link=req.link(q=results.suggestion)
            if results.suggestion else None, chart=(views.CHART_WIDTH, views.CHART_HEIGHT),
            export_links={name: req.api_link("/api/export", format=name) for name in export.MEDIA_TYPES},
            api_link=req.api_link("/api/search", offset=req.page_offset, limit=PAGE_SIZE))

    return await site.call(work)


def _facets_beside_choices(index: NewsIndex, req: SearchRequest, facets):
    """``facets``, with the sources (languages) counted as if none were chosen when some are.

    A search narrowed to AFP counts only AFP among its sources; its source
    facet comes from the same search without the sources filter, so that
    another source can still be clicked to add it (the sources chosen are
    OR-ed).
    """
    changed = {}
    for name in ("sources", "languages"):
        if getattr(req, name):
            wider = index.search(req.q, limit=1, highlight=False, facets=True, suggest=False,
                                 **{**req.search_arguments(), name: ()})
            changed[name] = getattr(wider.facets, name)
    return replace(facets, **changed) if changed else facets


async def article_page(site: Site, request: Request) -> Response:
    segments = _article_path(request, "/articles/")
    if len(segments) != 1 or not segments[0]:
        raise HTTPException(404)
    parse_request(request.query_params.multi_items(), "article")
    article_id = segments[0]

    def work() -> HTMLResponse:
        article = site.index.get(article_id)
        copies = site.index.copies(article_id)
        similar = site.index.similar(article_id, limit=SIMILAR_SHOWN, highlight=False)
        return site.render("article.html", request=SearchRequest(), article=article.to_dict(),
                           copies=[c.to_dict() for c in copies], similar=similar.to_dict(),
                           api_link="/api/articles/" + quote(article_id, safe=""))

    return await site.call(work)
