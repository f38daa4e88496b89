"""Listening on an address and serving the web app with uvicorn until stopped.

The socket is bound here, before uvicorn starts, so that an address in use
or a host that does not resolve is a clear error (and port 0 gives the free
port the system chose, for tests and scripts), and so that the browser
opened by ``--open`` finds the server listening.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
from collections.abc import Callable

from ..api import NewsIndex
from ..errors import ArgumentError, quoted
from . import require

__all__ = ["is_loopback", "listen", "serve", "url_of"]

log = logging.getLogger(__name__)

#: Connections waiting to be accepted (uvicorn's default).
BACKLOG = 2048
#: Seconds a stop (Ctrl-C) waits for requests in progress, such as a long export, before closing them.
GRACEFUL_SHUTDOWN = 3


def is_loopback(host: str) -> bool:
    """True when ``host`` names this machine alone (see :mod:`searchnews.web`'s terms)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` and listening; :class:`ArgumentError` (``host`` or ``port``) if it cannot."""
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ArgumentError("port", f"{{port}} is a whole number from 0 to 65535, not {quoted(port)}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise ArgumentError("host", f"{{host}} {quoted(host)} is not an address of this machine "
                                    f"({quoted(str(exc))[1:-1]})") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise ArgumentError("port", f"{{port}} {port} on {quoted(host)[1:-1]} is in use by another program; "
                                        f"choose another {{port}} (0 picks a free one)") from None
        raise ArgumentError("host", f"cannot listen on {quoted(host)[1:-1]} {{port}} {port}: {reason}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    """The ``http://`` URL of a listening socket (a wildcard address written as it is)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(index: NewsIndex | str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8001, *,
          ready: Callable[[str], None] | None = None, threads: int | None = None, log_level: str = "info") -> None:
    """Serve the web app over ``index`` on ``host``:``port`` until interrupted.

    ``ready(url)`` is called once the socket listens (before requests are
    answered). On a loopback host only loopback ``Host`` headers are
    answered; on another the app answers any, and a warning is logged: there
    is no authentication.
    """
    require()
    import uvicorn

    from .app import DEFAULT_THREADS, LOOPBACK_HOSTS, create_app

    local = is_loopback(host)
    app = create_app(index, threads=threads or DEFAULT_THREADS, allowed_hosts=LOOPBACK_HOSTS if local else None)
    try:
        sock = listen(host, port)
    except BaseException:
        app.state.site.close()
        raise
    if not local:
        log.warning("listening on %s: anyone who can reach this address can read the index (no authentication)",
                    host)
    config = uvicorn.Config(app, log_level=log_level, lifespan="on", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
                            server_header=False)
    if ready is not None:
        ready(url_of(sock))
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
