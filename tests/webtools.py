"""Fixtures and helpers of the web app's tests: a hostile index, a real server, HTML links.

The fixtures are made available to every test module by ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit

import pytest

#: Fictional articles whose every field attacks the page that shows it (see test_web_pages.py).
HOSTILE_RECORDS = [
    {
        "id": "https://example.com/news/2023/similar",
        "headline": "<script>alert('headline')</script> Harbour strike ends",
        "body": "Dock workers at the fictional port of Eastmere ended a nine-day strike on Tuesday after the "
                "harbour board agreed to a new shift rota and a pay rise of four percent over two years, union "
                "officials said.\n\nThe strike had left more than forty container ships waiting offshore, and "
                "freight companies warned that the backlog would take weeks to clear. <img src=x "
                "onerror=alert('body')> The board said normal operations would resume on Wednesday morning.",
        "captions": ["\"><img src=x onerror=alert('caption')> Dockers leave the strike picket line at Eastmere"],
        "source": "<b onmouseover=alert('source')>Harbour Wire</b>",
        "authors": ["</ul><script>alert('author')</script>"],
        "url": "javascript:alert('url')",
        "date": "2023-03-14",
    },
    {
        "id": "../../etc/passwd?x=<y>#z",
        "headline": "=HYPERLINK(\"http://evil.example\",\"Harbour strike costs\") freight firms count losses",
        "body": "Freight forwarders at the fictional port of Eastmere said on Thursday that the nine-day strike by "
                "dock workers had cost them millions in storage fees and penalties, and called on the harbour "
                "board to compensate them.\n\nThe board rejected the demand, saying the strike was a matter "
                "between the workers and their employers. Shipping lines have added a congestion surcharge to "
                "containers bound for Eastmere until the backlog clears, they said.",
        "source": "Eastmere Courier",
        "url": "https://example.com/strike-costs\" onclick=\"alert('attr')",
        "date": "2023-03-16",
        "language": "en\"><script>alert('lang')</script>",
    },
]

#: The base address of the in-process test clients.
LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="session")
def hostile_index(tmp_path_factory) -> Path:
    """An index of :data:`HOSTILE_RECORDS`. Do not write to it."""
    from searchnews import NewsIndex

    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in HOSTILE_RECORDS), encoding="utf-8")
    with NewsIndex.create(folder / "index") as ix:
        ix.add([corpus])
    return folder / "index"


class LiveServer:
    """``python -m searchnews serve --port 0`` running in a subprocess; ``url`` is where it answers."""

    def __init__(self, index: Path, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "searchnews", "serve", "--index", str(index), "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.stderr: list[str] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        line = self.process.stdout.readline()
        match = re.search(r"at (http://\S+/) ", line)
        if not match:
            self.stop()
            raise RuntimeError(f"the server did not start: {line!r} {''.join(self.stderr)}")
        self.url = match.group(1).rstrip("/")
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def _drain_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def live_server(index: Path, *extra: str):
    """A :class:`LiveServer` over ``index`` for the duration of the block."""
    server = LiveServer(index, *extra)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def client(sample_index):
    """An in-process client of the web app over the sample index (Starlette's test client)."""
    with _test_client(sample_index) as client:
        yield client


@pytest.fixture(scope="module")
def hostile_client(hostile_index):
    """An in-process client of the web app over :func:`hostile_index`."""
    with _test_client(hostile_index) as client:
        yield client


def _test_client(index: Path):
    from starlette.testclient import TestClient

    from searchnews.web import create_app

    return TestClient(create_app(index), base_url=LOCAL)


@pytest.fixture(scope="session")
def sample_server(sample_index):
    """A real server over the sample index, for the session."""
    with live_server(sample_index) as server:
        yield server


def wait_until(condition, timeout: float = 10.0, step: float = 0.05) -> bool:
    """Poll ``condition()`` until true or ``timeout`` seconds; its last value."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > end:
            return value
        time.sleep(step)


class Links(HTMLParser):
    """Every URL-bearing attribute of a page (``href``, ``src``, ``action``…) and every tag name."""

    URL_ATTRIBUTES: ClassVar[set[str]] = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((name, value or ""))
            if name in self.URL_ATTRIBUTES:
                self.urls.append((tag, name, value or ""))

    def hrefs(self) -> list[str]:
        return [value for _tag, name, value in self.urls if name == "href"]


def params_of(url: str) -> list[tuple[str, str]]:
    """The query string pairs of ``url``, in order."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)
