"""Faults: Ctrl-C, SIGKILL, stale and contended locks, concurrent readers, full disks, missing permissions.

Each test drives real processes (``python -m searchnews index``) or real
operating-system failures where it can, and checks the index afterwards: it
opens, answers queries, holds no duplicate, and the next run completes it.

Terms:
    kill point
        The n-th file operation (create, open, close, rename, delete, fsync,
        replace) of an ``index`` run. A small hook script, run in the child
        process in place of ``python -m searchnews``, counts them and sends
        the process SIGKILL (or SIGINT) at one of them, so a crash can be put
        exactly inside a commit, between a commit and the manifest, and so on.
"""

from __future__ import annotations

import concurrent.futures
import errno
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from searchnews import IndexNotWritable, NewsIndex
from searchnews.index.writing import COMMIT_EVERY_ENV, MANIFEST_NAME, PARALLEL_MIN_BYTES_ENV

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and locks")

PYTHON = sys.executable
WORDS = ("harbour ferry council budget minister river bridge school hospital election vote market price "
         "grain storm flood police court museum tram").split()
#: Every generated article holds this word, so a query for it counts the whole index.
COMMON = "quayside"
TIMEOUT = 120


# ---------------------------------------------------------------------------
# helpers


def make_corpus(folder: Path, texts: int = 80, feeds: int = 2, per_feed: int = 20) -> int:
    """A corpus of small distinct articles (.txt files and .jsonl feeds); returns the article count."""
    (folder / "txt").mkdir(parents=True, exist_ok=True)
    (folder / "json").mkdir(parents=True, exist_ok=True)
    for i in range(texts):
        w = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(6)]
        (folder / "txt" / f"a{i:04d}.txt").write_text(
            f"Story {i} about the {w[0]} and the {w[1]}\n\n"
            f"The {w[2]} met on Tuesday to discuss the {w[3]} plan number {i} for the {COMMON}.\n\n"
            f"Marker{i} residents welcomed the {w[4]} news, officials said.\n", encoding="utf-8")
    for f in range(feeds):
        lines = [json.dumps({"id": f"r{f}-{j}", "title": f"Record {f} {j} on the {WORDS[j % len(WORDS)]}",
                             "text": f"The {COMMON} record {j} says the {WORDS[(j + 3) % len(WORDS)]} rose."})
                 for j in range(per_feed)]
        (folder / "json" / f"feed{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return texts + feeds * per_feed


def env(**extra: str) -> dict[str, str]:
    out = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
    out.pop("SEARCHNEWS_INDEX", None)
    out.update(extra)
    return out


def searchnews(*args, check_exit: int | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``python -m searchnews ARGS`` to the end."""
    kwargs.setdefault("env", env())
    result = subprocess.run([PYTHON, "-m", "searchnews", *map(str, args)], capture_output=True, text=True,
                            timeout=TIMEOUT, **kwargs)
    if check_exit is not None:
        assert result.returncode == check_exit, result.stdout + result.stderr
    return result


def index_of_json_part(folder: Path, index: Path) -> Path:
    """An index holding the corpus' JSON files only: the rest is left for the run under test."""
    with NewsIndex.create(index) as ix:
        ix.add([folder / "json"])
    return index


def stored_ids(index: Path) -> list[str]:
    """The id of every live article in the index (duplicates included)."""
    with NewsIndex.open(index) as ix:
        searcher = ix._searcher()
        return [fields["id"] for fields in searcher.all_stored_fields()]


def assert_complete(index: Path, expected: set[str]) -> None:
    """The index opens, holds exactly ``expected`` with no duplicate, and a query finds them all."""
    ids = stored_ids(index)
    assert len(ids) == len(set(ids)), "duplicate articles in the index"
    assert set(ids) == expected
    with NewsIndex.open(index) as ix:
        assert len(ix) == len(expected)
        assert ix.search(COMMON, limit=1).total == len(expected)


def assert_usable(index: Path, at_most: set[str]) -> int:
    """The index opens and answers queries, with no duplicate and nothing it should not hold."""
    ids = stored_ids(index)
    assert len(ids) == len(set(ids)), "duplicate articles in the index"
    assert set(ids) <= at_most
    with NewsIndex.open(index) as ix:
        assert ix.search(COMMON, limit=3).total == len(ids)
        assert ix.search("marker1 OR record", limit=3).total <= len(ids)
    return len(ids)


def wait_for(predicate, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def manifest_files(index: Path) -> int:
    try:
        return len(json.loads((index / MANIFEST_NAME).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError):
        return 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, set[str]]:
    """A generated corpus and the ids a complete index of it holds."""
    folder = tmp_path_factory.mktemp("faults") / "news"
    count = make_corpus(folder)
    reference = tmp_path_factory.mktemp("reference") / "index"
    with NewsIndex.create(reference) as ix:
        report = ix.add([folder])
    assert report.added == count
    ids = set(stored_ids(reference))
    assert len(ids) == count
    return folder, ids


# The child process for kill points: counts file operations and kills itself at the n-th one.
HOOK = textwrap.dedent("""
    import atexit, os, signal, sys
    from whoosh.filedb import filestore, structfile

    mode, target = sys.argv[1], int(sys.argv[2])
    sys.argv = ["searchnews", *sys.argv[3:]]
    count = 0

    def tick():
        global count
        count += 1
        if count == target:
            os.kill(os.getpid(), signal.SIGKILL if mode == "kill" else signal.SIGINT)

    def hooked(owner, name):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            tick()
            result = original(*args, **kwargs)
            tick()
            return result

        setattr(owner, name, wrapper)

    for name in ("create_file", "open_file", "rename_file", "delete_file"):
        hooked(filestore.FileStorage, name)
    hooked(structfile.StructFile, "close")
    hooked(os, "replace")
    hooked(os, "fsync")
    if mode == "count":
        atexit.register(lambda: print(f"EVENTS {count}", file=sys.stderr))

    from searchnews.cli import main
    main()
""")


def hooked_index(mode: str, target: int, corpus: Path, index: Path, commit_every: int = 10):
    return subprocess.run([PYTHON, "-c", HOOK, mode, str(target), "index", str(corpus), "--index", str(index)],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env=env(**{COMMIT_EVERY_ENV: str(commit_every)}))


# ---------------------------------------------------------------------------
# Ctrl-C


def test_ctrl_c_stops_cleanly_and_keeps_what_was_committed(corpus, tmp_path):
    folder, expected = corpus
    index = tmp_path / "index"
    # Committing after every article makes the run long enough to interrupt after a few commits.
    proc = subprocess.Popen([PYTHON, "-m", "searchnews", "index", str(folder), "--index", str(index)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(**{COMMIT_EVERY_ENV: "1"}), start_new_session=True)
    try:
        wait_for(lambda: manifest_files(index) >= 3 or proc.poll() is not None, what="three commits")
        assert proc.poll() is None, "the run finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C on a terminal does: the whole process group
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err
    assert "Interrupted: everything indexed before Ctrl-C was kept; run the same command again to finish." in err
    assert "Articles: " in out
    kept = assert_usable(index, expected)
    assert 3 <= kept < len(expected)
    rerun = searchnews("index", folder, "--index", index, check_exit=0)
    # Ctrl-C may land between a commit and its manifest: that file is then read again, as "added".
    added, unchanged = (int(n) for n in re.search(r"Articles: (\d+) added, 0 updated, 0 deleted, (\d+) unchanged",
                                                    rerun.stdout).groups())
    assert added + unchanged == len(expected) and unchanged in (kept - 1, kept)
    assert_complete(index, expected)


@pytest.mark.parametrize("fraction", [0.05, 0.35, 0.6, 0.9])
def test_ctrl_c_at_any_file_operation_keeps_a_sound_index(corpus, tmp_path, fraction):
    """SIGINT delivered inside a commit, a rename or the manifest write still ends cleanly."""
    folder, expected = corpus
    events = event_count(corpus, tmp_path)
    index = tmp_path / "index"
    result = hooked_index("int", max(1, int(events * fraction)), folder, index)
    assert result.returncode == 130, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Interrupted" in result.stderr
    assert_usable(index, expected)
    searchnews("index", folder, "--index", index, check_exit=0)
    assert_complete(index, expected)


# ---------------------------------------------------------------------------
# SIGKILL

_EVENTS: dict[tuple[Path, bool], int] = {}


def event_count(corpus, tmp_path, update: bool = False) -> int:
    """File operations in a full run over the corpus, from nothing or over an index of its JSON part (measured once)."""
    folder, expected = corpus
    key = (folder, update)
    if key not in _EVENTS:
        counted = tmp_path / ("counted-update" if update else "counted")
        if update:
            index_of_json_part(folder, counted)
        result = hooked_index("count", 0, folder, counted)
        assert result.returncode == 0, result.stderr
        _EVENTS[key] = int(result.stderr.split("EVENTS ")[1])
        assert_complete(counted, expected)
        shutil.rmtree(counted)
    return _EVENTS[key]


# Kill points spread over a whole run, plus the very first operations (opening, locking, the first writer).
KILL_FRACTIONS = [0.0, 0.02, 0.08, 0.15, 0.23, 0.31, 0.4, 0.48, 0.57, 0.66, 0.74, 0.83, 0.91, 0.98]


def test_sigkill_at_fourteen_points_then_rerun_completes_exactly(corpus, tmp_path):
    folder, expected = corpus
    runs = []
    for update in (False, True):  # runs that build an index from nothing, and runs that update one
        events = event_count(corpus, tmp_path, update)
        assert events > 100, "too few file operations to spread kill points over"
        fractions = KILL_FRACTIONS[update::2]
        runs += [(update, target) for target in sorted({max(1, int(events * f)) for f in fractions} | {1, 2, 3})]
    for update, target in runs:
        index = tmp_path / f"index-{target}-{update}"
        if update:
            index_of_json_part(folder, index)
        result = hooked_index("kill", target, folder, index)
        assert result.returncode == -signal.SIGKILL, f"kill point {target}: {result.stdout}{result.stderr}"
        if NewsIndex.exists(index):
            assert_usable(index, expected)
        searchnews("index", folder, "--index", index, check_exit=0)
        assert_complete(index, expected)
        shutil.rmtree(index)


def test_sigkill_at_random_times_of_a_real_run(corpus, tmp_path):
    """The same with an outside kill -9 at wall-clock moments, chained over one index."""
    folder, expected = corpus
    index = tmp_path / "index"
    for delay in (0.3, 0.6, 0.9):
        proc = subprocess.Popen([PYTHON, "-m", "searchnews", "index", str(folder), "--index", str(index)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env(**{COMMIT_EVERY_ENV: "3"}), start_new_session=True)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
        if NewsIndex.exists(index):
            assert_usable(index, expected)
    searchnews("index", folder, "--index", index, check_exit=0)
    assert_complete(index, expected)


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux), or an empty list."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(") ", 1)[1][0] not in "ZX"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads the process tree from /proc")
def test_sigkill_of_a_run_with_the_default_workers_then_index_again_at_once(corpus, tmp_path):
    """kill -9 of the parent alone (as the OOM killer does): its workers end, and the next run starts at once."""
    folder, expected = corpus
    index = tmp_path / "index"
    environment = env(**{COMMIT_EVERY_ENV: "10", PARALLEL_MIN_BYTES_ENV: "0"})
    environment.pop("SEARCHNEWS_WORKERS", None)  # the default worker count
    killed_with_workers = 0
    for delay in (0.0, 0.05, 0.1, 0.2, 0.3, 0.5):  # after the workers started
        proc = subprocess.Popen([PYTHON, "-m", "searchnews", "index", str(folder), "--index", str(index)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
        workers: list[int] = []
        while not workers and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.005)
        time.sleep(delay)
        workers = _children(proc.pid) or workers
        proc.send_signal(signal.SIGKILL)  # the parent alone, not its process group
        proc.wait(timeout=TIMEOUT)
        if proc.returncode != -signal.SIGKILL:
            continue  # it finished first
        killed_with_workers += bool(workers)
        again = searchnews("index", folder, "--index", index, env=environment)  # at once: no wait
        assert again.returncode == 0, again.stdout + again.stderr
        assert "another searchnews process" not in again.stderr
        assert_complete(index, expected)
        wait_for(lambda pids=tuple(workers): not any(_running(pid) for pid in pids), timeout=10,
                 what="orphaned workers to end")
        shutil.rmtree(index)
    assert killed_with_workers >= 3, "too few kills landed while workers were running"


# ---------------------------------------------------------------------------
# locks

HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from searchnews import NewsIndex
    ix = NewsIndex.open(sys.argv[1])
    writer = ix._ix.writer()
    print("locked", flush=True)
    time.sleep(600)
""")


def test_lock_of_a_killed_writer_is_released_and_a_live_one_is_reported(corpus, tmp_path):
    folder, expected = corpus
    index = index_of_json_part(folder, tmp_path / "index")
    holder = subprocess.Popen([PYTHON, "-c", HOLD_LOCK, str(index)], stdout=subprocess.PIPE, text=True, env=env())
    try:
        assert holder.stdout.readline().strip() == "locked"
        blocked = searchnews("index", folder, "--index", index, check_exit=1)
        assert blocked.stderr.strip() == (f"Error: another searchnews process is writing to {index}; "
                                          f"wait for it to finish and run this again")
        assert "Traceback" not in blocked.stderr
        holder.kill()  # SIGKILL: the writer never releases its lock itself
        holder.wait(timeout=TIMEOUT)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.stdout.close()
    assert (index / "MAIN_WRITELOCK").exists(), "the lock file stays behind; the kernel released the lock on it"
    searchnews("index", folder, "--index", index, check_exit=0)
    assert_complete(index, expected)


def test_two_index_runs_at_once_never_corrupt(corpus, tmp_path):
    folder, expected = corpus
    index = index_of_json_part(folder, tmp_path / "index")
    command = [PYTHON, "-m", "searchnews", "index", str(folder), "--index", str(index)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env(**{COMMIT_EVERY_ENV: "5"})) for _ in range(2)]
    outputs = [run.communicate(timeout=TIMEOUT) for run in runs]
    codes = [run.returncode for run in runs]
    assert 0 in codes, outputs
    for code, (_out, err) in zip(codes, outputs, strict=True):
        assert "Traceback" not in err
        if code:
            assert code == 1
            assert f"another searchnews process is writing to {index}" in err
    assert_usable(index, expected)
    searchnews("index", folder, "--index", index, check_exit=0)
    assert_complete(index, expected)


def test_lock_is_held_between_commits_so_no_other_writer_slips_in(corpus, tmp_path, monkeypatch):
    """A run holds the lock from its start to its end: between two commits no other writer can take it."""
    from whoosh.util.filelock import FileLock

    from searchnews.index.commit import Transaction
    from searchnews.index.writing import Indexer

    folder, expected = corpus
    index = tmp_path / "index"
    attempts = []
    original = Transaction.commit

    def commit_then_try_the_lock(self):
        generation = original(self)
        outsider = FileLock(str(index / "MAIN_WRITELOCK"))  # a second flock: as another process would take it
        attempts.append(outsider.acquire(blocking=False))
        if attempts[-1]:
            outsider.release()
        return generation

    monkeypatch.setattr(Transaction, "commit", commit_then_try_the_lock)
    with NewsIndex.create(index) as ix:
        report = Indexer(ix._ix, ix.path, commit_every=10).run([folder])
    monkeypatch.undo()
    assert len(attempts) > 5 and not any(attempts), attempts
    assert report.added == len(expected)
    assert_complete(index, expected)
    outsider = FileLock(str(index / "MAIN_WRITELOCK"))
    assert outsider.acquire(blocking=False), "the run released the lock at its end"
    outsider.release()


def test_run_that_waited_for_the_lock_sees_what_the_other_committed(corpus, tmp_path, monkeypatch):
    """A run plans its work only once it holds the lock, so another run's commits are not added twice."""
    from searchnews.index import writing

    folder, expected = corpus
    index = tmp_path / "index"
    NewsIndex.create(index).close()
    original = writing._take_lock
    state = {"first": True}

    def other_run_commits_first(path):
        if state.pop("first", False):
            with NewsIndex.open(index) as other:
                other.add([folder])
        return original(path)

    monkeypatch.setattr(writing, "_take_lock", other_run_commits_first)
    with NewsIndex.open(index) as ix:
        report = ix.add([folder])
    monkeypatch.undo()
    assert (report.added, report.unchanged) == (0, len(expected))
    assert_complete(index, expected)


# ---------------------------------------------------------------------------
# readers during a run


READER = textwrap.dedent("""
    import sys, time
    from searchnews import NewsIndex
    index, word, stop = sys.argv[1], sys.argv[2], sys.argv[3]
    import os
    while not os.path.exists(stop):
        with NewsIndex.open(index) as ix:
            print(ix.search(word, limit=1).total, len(ix), flush=True)
        time.sleep(0.02)
""")


def test_queries_from_threads_and_processes_during_commits(corpus, tmp_path):
    folder, expected = corpus
    index = index_of_json_part(folder, tmp_path / "index")
    start = len(stored_ids(index))
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([PYTHON, "-c", READER, str(index), COMMON, str(stop)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env()) for _ in range(2)]
    writer = subprocess.Popen([PYTHON, "-m", "searchnews", "index", str(folder), "--index", str(index)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env(**{COMMIT_EVERY_ENV: "2"}))
    done = threading.Event()

    def query_loop() -> list[int]:
        seen = []
        while not done.is_set():
            results = shared.search(COMMON, limit=5)
            assert len({h.id for h in results.hits}) == len(results.hits) == min(5, results.total)
            assert all(COMMON in shared.get(h.id).text for h in results.hits[:1])
            seen.append(results.total)
        return seen

    with NewsIndex.open(index) as shared, concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(query_loop) for _ in range(4)]
        try:
            _writer_out, writer_err = writer.communicate(timeout=TIMEOUT)
        finally:
            done.set()
            stop.touch()
        per_thread = [f.result(timeout=TIMEOUT) for f in futures]
        assert shared.search(COMMON).total == len(expected)
    assert writer.returncode == 0, writer_err
    for seen in per_thread:
        assert seen == sorted(seen), "a thread saw the article count go down"
        assert start <= seen[0] and seen[-1] <= len(expected)
    assert len({n for seen in per_thread for n in seen}) > 2, "no commit was seen while querying"
    for reader in readers:
        out, err = reader.communicate(timeout=TIMEOUT)
        assert reader.returncode == 0, err
        pairs = [tuple(map(int, line.split())) for line in out.splitlines()]
        assert pairs, "the reader process made no query"
        totals = [total for total, _ in pairs]
        assert totals == sorted(totals)
        # the count is read after the query, and articles are only added in this run
        assert all(total <= count <= len(expected) for total, count in pairs)
    assert_complete(index, expected)


# ---------------------------------------------------------------------------
# full disk, read-only folder, permissions


def _limit_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write past the limit fails with EFBIG
    return apply


def test_full_disk_is_a_clear_error_and_the_index_is_untouched(corpus, tmp_path):
    folder, expected = corpus
    index = tmp_path / "index"
    small = tmp_path / "small"
    shutil.copytree(folder / "json", small)
    searchnews("index", small, "--index", index, check_exit=0)
    before = sorted(stored_ids(index))
    # No file the run writes may grow past 4 KB: the new segment cannot be written.
    result = subprocess.run([PYTHON, "-m", "searchnews", "index", str(folder), "--index", str(index)],
                            capture_output=True, text=True, timeout=TIMEOUT, env=env(),
                            preexec_fn=_limit_file_size(4096))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith(f"Error: no space left for the index at {index}")
    assert result.stderr.rstrip().endswith("the index was left as of its last commit")
    assert "Traceback" not in result.stderr
    assert sorted(stored_ids(index)) == before
    searchnews("index", folder, "--index", index, check_exit=0)
    assert_complete(index, expected)


class _FullDisk:
    """A file whose writes fail with ENOSPC once ``budget`` bytes were written (shared by all files)."""

    def __init__(self, real, budget: list[int]) -> None:
        self._real = real
        self._budget = budget

    def write(self, data) -> int:
        self._budget[0] -= len(data)
        if self._budget[0] < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._real.write(data)

    def __getattr__(self, name):
        return getattr(self._real, name)


@pytest.mark.parametrize("budget", [2000, 20000])
def test_no_space_left_during_commit_is_a_clear_error(corpus, tmp_path, monkeypatch, budget):
    from whoosh.filedb.filestore import FileStorage

    folder, expected = corpus
    index = index_of_json_part(folder, tmp_path / "index")
    before = sorted(stored_ids(index))
    remaining = [budget]
    original = FileStorage.create_file

    def create_file(self, name, *args, **kwargs):
        handle = original(self, name, *args, **kwargs)
        handle.file = _FullDisk(handle.file, remaining)
        return handle

    monkeypatch.setattr(FileStorage, "create_file", create_file)
    with NewsIndex.open(index) as ix:
        with pytest.raises(IndexNotWritable, match=f"^no space left for the index at {index}"):
            ix.add([folder])
    monkeypatch.undo()
    assert sorted(stored_ids(index)) == before
    with NewsIndex.open(index) as ix:
        ix.add([folder])
    assert_complete(index, expected)


def _as_nobody() -> None:
    os.setgid(65534)
    os.setuid(65534)


@pytest.fixture
def open_folder():
    """A folder that another user can reach (pytest's own tmp_path is private to the user)."""
    base = Path(tempfile.mkdtemp(prefix="searchnews-perm-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_index_folder_without_write_permission(corpus, open_folder):
    """A real permission error: as another user when the tests run as root, else with chmod."""
    folder, _expected = corpus
    base = open_folder
    corpus_copy = base / "news"
    shutil.copytree(folder / "txt", corpus_copy)
    index = base / "index"
    searchnews("index", folder / "json", "--index", index, check_exit=0)
    before = sorted(stored_ids(index))
    for path in [corpus_copy, *corpus_copy.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    kwargs = {}
    if os.geteuid() == 0:
        kwargs["preexec_fn"] = _as_nobody
        try:
            probe = subprocess.run([PYTHON, "-c", "import searchnews"], capture_output=True, preexec_fn=_as_nobody)
        except PermissionError:
            probe = None
        if probe is None or probe.returncode:
            pytest.skip("another user cannot run this Python environment, and root ignores permissions")
    else:
        index.chmod(0o555)
    try:
        result = searchnews("index", corpus_copy, "--index", index, **kwargs)
        query = searchnews("query", COMMON, "--index", index, "--json", **kwargs)
    finally:
        index.chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.strip() == (f"Error: cannot write to {index}: Permission denied; "
                                     f"choose another folder with --index")
    assert query.returncode == 0, query.stderr  # reading needs no write permission
    assert json.loads(query.stdout)["total"] == len(before)
    assert sorted(stored_ids(index)) == before


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_read_only_or_forbidden_index_folder_is_a_clear_error(corpus, tmp_path, monkeypatch, code):
    """EROFS needs a mount and root ignores permissions: every file the index creates fails instead."""
    from click.testing import CliRunner
    from whoosh.filedb.filestore import FileStorage
    from whoosh.util.filelock import FcntlLock

    from searchnews.cli import cli

    folder, _expected = corpus
    index = index_of_json_part(folder, tmp_path / "index")
    before = sorted(stored_ids(index))

    def refuse(self, name, *args, **kwargs):
        raise OSError(code, os.strerror(code), os.path.join(self.folder, name))

    def refuse_lock(self, *args, **kwargs):  # the lock file is opened for writing, so it fails first
        raise OSError(code, os.strerror(code), self.filename)

    monkeypatch.setattr(FileStorage, "create_file", refuse)
    monkeypatch.setattr(FcntlLock, "acquire", refuse_lock)
    message = f"cannot write to {index}: {os.strerror(code)}; choose another folder with --index"
    with NewsIndex.open(index) as ix:
        with pytest.raises(IndexNotWritable) as caught:
            ix.add([folder])
    assert str(caught.value) == message
    result = CliRunner().invoke(cli, ["index", str(folder), "--index", str(index)])
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"
    monkeypatch.undo()
    assert sorted(stored_ids(index)) == before


def test_searcher_follows_commits_without_counting_merged_articles_twice(tmp_path):
    """Whoosh's searcher.refresh() counts merged segments twice; NewsIndex opens a new searcher instead."""
    folder = tmp_path / "news"
    folder.mkdir()
    with NewsIndex.create(tmp_path / "index") as ix:
        assert ix.search(COMMON).total == 0
        assert ix.search(COMMON).total == 0  # an empty index, searched twice
        for i in range(25):
            (folder / f"s{i}.txt").write_text(f"Story {i}\n\nThe {COMMON} story number {i} was told.\n")
            ix.add([folder])
            assert (ix.search(COMMON).total, len(ix)) == (i + 1, i + 1)
