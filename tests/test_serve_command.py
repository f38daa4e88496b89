"""``searchnews serve``: starting, refusing to start, stopping, and answering many clients at once."""

from __future__ import annotations

import json
import signal
import socket
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner
from webtools import live_server

from searchnews.cli import cli

pytest.importorskip("starlette", reason="the web app's tests need the serve extra: pip install '.[serve]'")


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def test_the_extra_missing_is_a_clear_message(sample_index, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn raises ImportError
    result = CliRunner().invoke(cli, ["serve", "--index", str(sample_index)])
    assert result.exit_code == 1
    assert result.output == "Error: the web app needs uvicorn: pip install 'searchnews[serve]'\n"


def test_no_index_is_a_clear_message(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output == (f"Error: no searchnews index at {tmp_path / 'none'}; build one with: searchnews index "
                             f"PATH --index {tmp_path / 'none'}\n")


def test_a_port_in_use_is_a_clear_message(sample_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--index", str(sample_index), "--port", str(port)])
    assert result.exit_code == 2
    assert result.output == (f"Error: --port {port} on 127.0.0.1 is in use by another program; choose another "
                             f"--port (0 picks a free one)\n")


def test_a_host_that_is_not_here_is_a_clear_message(sample_index):
    result = CliRunner().invoke(cli, ["serve", "--index", str(sample_index), "--host", "no-such-host.invalid"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: --host 'no-such-host.invalid' is not an address of this machine (")


def test_open_opens_the_page_in_a_browser(sample_index, monkeypatch):
    import webbrowser

    import searchnews.web.server as server

    opened = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    monkeypatch.setattr(server, "serve", lambda index, host, port, ready: ready(f"http://{host}:{port}/"))
    result = CliRunner().invoke(cli, ["serve", "--index", str(sample_index), "--port", "8123", "--open"])
    assert result.exit_code == 0, result.output
    assert opened == ["http://127.0.0.1:8123/"]
    assert result.output == f"Serving {sample_index} at http://127.0.0.1:8123/ (Ctrl-C to stop)\n"


def test_the_server_answers_on_loopback(sample_server):
    status, body = get(sample_server.url + "/?q=sanctions")
    assert status == 200 and b"<mark>sanctions</mark>" in body
    assert sample_server.url.startswith("http://127.0.0.1:")


def test_another_host_needs_asking_and_is_warned_about(sample_index):
    with live_server(sample_index, "--host", "0.0.0.0") as server:
        port = server.url.rsplit(":", 1)[1]
        status, body = get(f"http://127.0.0.1:{port}/api/stats")
        assert status == 200 and json.loads(body)["articles"] == 45
        assert "Warning: listening on 0.0.0.0: anyone who can reach this address can read the index; there is no " \
               "authentication.\n" in server.stderr


def test_ctrl_c_stops_the_server(sample_index):
    with live_server(sample_index) as server:
        assert get(server.url + "/api/stats")[0] == 200
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=15) == 0
        time.sleep(0.2)
        assert server.stderr[-1] == "Stopped.\n"
        assert not [line for line in server.stderr if "Traceback" in line or "Error" in line], server.stderr


def test_slow_clients_and_50_concurrent_requests_do_not_stall_the_others(sample_server):
    """A client that sends half a request, and one that does not read its export, hold no worker."""
    host, port = sample_server.url.removeprefix("http://").split(":")
    half = socket.create_connection((host, int(port)))
    half.sendall(b"GET /api/search?q=sanc")  # and never the rest
    stalled = socket.create_connection((host, int(port)))
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.sendall(b"GET /api/export?q=said&format=jsonl HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")  # never read
    try:
        queries = ["sanctions", "oil prices", "world cup", "missile", "said", "nuclaer", '"north korea"',
                   "opec", "election", "strike"]
        urls = [f"{sample_server.url}/api/search?q={urllib.request.quote(queries[i % len(queries)])}&facets=1"
                for i in range(40)] + [f"{sample_server.url}/?q=said&page=2"] * 5 + \
               [f"{sample_server.url}/api/timeline?q=sanctions"] * 5
        with ThreadPoolExecutor(max_workers=50) as pool:
            started = time.monotonic()
            answers = list(pool.map(lambda url: get(url, timeout=60), urls))
            elapsed = time.monotonic() - started
        assert [status for status, _ in answers] == [200] * 50
        assert all(json.loads(body)["query"] for status, body in answers[:40])
        assert elapsed < 60
    finally:
        half.close()
        stalled.close()


def test_a_client_that_goes_away_mid_export_leaves_the_server_well(sample_server):
    host, port = sample_server.url.removeprefix("http://").split(":")
    for _ in range(3):
        with socket.create_connection((host, int(port))) as conn:
            conn.sendall(b"GET /api/export?q=said HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            conn.recv(100)
    done = threading.Event()
    status = []

    def ask():
        status.append(get(sample_server.url + "/api/stats")[0])
        done.set()

    threading.Thread(target=ask, daemon=True).start()
    assert done.wait(30) and status == [200]
    assert sample_server.process.poll() is None
