"""``searchnews serve``: a local web app and HTTP API over an index, read-only.

The web app is a thin layer over :class:`searchnews.NewsIndex`, as the
command line is: every page and every API response is made from what the
library returns, and the API's JSON is the results' ``to_dict()``, the same
as the command line's ``--json``. It needs the ``serve`` extra
(``pip install "searchnews[serve]"``: Starlette, uvicorn and Jinja2).

Modules:
    params
        A request's query string → :class:`~searchnews.web.params.SearchRequest`,
        and the links (permalinks) that change one thing of it.
    views
        What the pages show, worked out from results: the timeline's bars,
        facet links, pages.
    app
        The Starlette application: routes, errors, security headers, one
        shared index read by a fixed pool of threads.
    openapi
        The OpenAPI description of the API, served at ``/api/openapi.json``.
    export
        Every hit of a search as CSV or JSON Lines, streamed.
    server
        Listening on an address and running the app with uvicorn.

Terms:
    read-only
        No route writes to the index or anywhere else; only GET (and HEAD)
        requests are answered.
    loopback
        The addresses of this machine alone (``127.0.0.1``, ``::1``,
        ``localhost``). The server listens on one by default; any other needs
        to be asked for, since the app has no authentication.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependency

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["REQUIRED", "create_app", "require"]

#: The packages of the ``serve`` extra: the import name of each.
REQUIRED = ("starlette", "uvicorn", "jinja2")


def require() -> None:
    """Raise :class:`MissingDependency` (extra ``serve``) unless the web app's packages can be imported."""
    missing = []
    for name in REQUIRED:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise MissingDependency(f"the web app needs {', '.join(missing)}: pip install 'searchnews[serve]'", "serve")


def create_app(index: Any, **options: Any) -> Starlette:
    """The web application over ``index`` (a :class:`NewsIndex` or an index folder); see :func:`.app.create_app`."""
    require()
    from .app import create_app as create

    return create(index, **options)
