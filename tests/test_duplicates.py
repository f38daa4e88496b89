"""Syndicated copies: signatures, the story table, and how index runs keep it in step.

Every article here is fictional: a wire story about a ferry fire on a lake,
two outlets' copies of it (their own headline, dateline, promo lines, last
paragraph cut, a few words changed) and a rival outlet's own report of the
same event (the same vocabulary, written independently).
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from searchnews import IndexNotWritable, NewsIndex
from searchnews.index import stories as D
from searchnews.index.stories import STORIES_NAME, StoryTable

WIRE = [
    "A passenger ferry caught fire on Lake Orvel on Saturday evening, forcing 42 people to jump into the "
    "water before fishing boats pulled them to safety, the regional coastguard said.",
    "The blaze broke out in the engine room of the Marenna, a 30-metre vessel that links the villages of "
    "Tesk and Valmo, about twenty minutes after it left the northern jetty.",
    "Crew members tried to put out the flames with hand extinguishers but the smoke spread to the lower "
    "deck within minutes, according to a passenger who spoke to local radio.",
    "Five people were taken to hospital in Tesk with burns and breathing problems. Doctors said none of "
    "them was in a serious condition and two were expected to go home on Sunday.",
    "The operator, Orvel Lake Lines, said it had suspended its three remaining crossings while inspectors "
    "examined the engines of its fleet, which was refitted in 2019.",
    "Fishermen who reached the burning ferry first described a chaotic scene, with children being passed "
    "from hand to hand over the railings into small wooden boats.",
    "The regional transport minister, Ilse Varga, promised a full inquiry and said safety rules for older "
    "vessels on the lake would be reviewed before the summer season.",
    "It was the second fire on a lake ferry in the region in four years, after a cargo boat burned at its "
    "mooring in Valmo harbour without causing injuries.",
]

RIVAL = [
    "Dozens of passengers escaped a burning ferry on Lake Orvel late on Saturday after the engine room "
    "caught fire on the crossing from Tesk, witnesses told our reporter at the scene.",
    "Local fishermen raced to the vessel in their boats and ferried the passengers to the shore, where "
    "ambulances were waiting. Several of the rescued were treated for smoke inhalation.",
    "Residents of Valmo have long complained about the age of the boats on the route, and a petition "
    "demanding newer vessels gathered hundreds of signatures last autumn.",
    "The company that runs the crossing has halted its services until further notice. Its spokesman "
    "declined to say when the ferries would sail again or what caused the fire.",
    "The minister in charge of regional transport is due to visit the lake on Monday and meet the "
    "families of the injured passengers, her office said.",
]


def outlet_copy(*, dateline: str, promo: str, changes: dict[str, str], cut: int, insert: str | None = None
                ) -> list[str]:
    """The wire story as an outlet publishes it."""
    paragraphs = list(WIRE[:len(WIRE) - cut])
    paragraphs[0] = f"{dateline} - {paragraphs[0]}"
    for old, new in changes.items():
        paragraphs = [p.replace(old, new) for p in paragraphs]
    if insert:
        paragraphs.insert(3, insert)
    paragraphs.insert(2, promo)
    return paragraphs


COPY_A = outlet_copy(dateline="TESK (AFP)", promo="Read also: Lake ferries to get new safety checks",
                     changes={"said": "says", "about twenty": "some 20", "fishing boats": "fishermen"}, cut=1)
COPY_B = outlet_copy(dateline="ORVEL, Lakeland (AFP)", promo="Follow us on Twitter for the latest news",
                     changes={"blaze": "fire", "promised": "pledged", "examined": "checked"}, cut=2,
                     insert="The lake is a popular destination for day trippers from the capital in summer.")


def write(folder: Path, name: str, headline: str, paragraphs: list[str]) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(headline + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def later(path: Path) -> None:
    """Give a rewritten file a later modification time, so the next run sees it changed."""
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


def index_folder(folder: Path, index: Path):
    with NewsIndex.open(index, create=True) as ix:
        return ix.add([folder])


def ids_by_name(index: Path) -> dict[str, str]:
    with NewsIndex.open(index) as ix:
        return {Path(fields["path"]).name: fields["id"] for fields in ix._searcher().all_stored_fields()}


def stories(index: Path) -> list[set[str]]:
    """The stories of two or more articles, as sets of file names."""
    names = {article_id: name for name, article_id in ids_by_name(index).items()}
    with StoryTable.open(index, readonly=True) as table:
        grouped: dict[str, set[str]] = {}
        for article_id, key in table.story_map().items():
            grouped.setdefault(key, set()).add(names[article_id])
    return sorted(grouped.values(), key=sorted)


def table_rows(index: Path) -> int:
    with StoryTable.open(index, readonly=True) as table:
        return table.count()


@pytest.fixture
def news(tmp_path) -> Path:
    folder = tmp_path / "news"
    write(folder, "wire.txt", "Ferry fire on Lake Orvel forces 42 to jump into water", WIRE)
    write(folder, "outlet-a.txt", "Passengers leap from burning ferry", COPY_A)
    write(folder, "outlet-b.txt", "Lake Orvel ferry blaze: five in hospital", COPY_B)
    write(folder, "rival.txt", "Fishermen rescue dozens from ferry fire", RIVAL)
    return folder


# ---------------------------------------------------------------------------
# signatures


def test_signature_is_the_same_in_another_process():
    body = " ".join(WIRE)
    code = ("import sys; from searchnews.index.stories import signature; "
            "sys.stdout.write(signature(sys.stdin.read()).tobytes().hex())")
    other = subprocess.run([sys.executable, "-c", code], input=body, capture_output=True, text=True, check=True,
                           env=dict(os.environ, PYTHONHASHSEED="12345"))
    sig = D.signature(body)
    assert sig.dtype.name == "uint32" and sig.shape == (D.NUM_PERM,)
    assert other.stdout == sig.tobytes().hex()


def test_a_few_changed_words_keep_most_of_the_signature_and_another_text_shares_none():
    wire, copy, rival = (D.signature(" ".join(p)) for p in (WIRE, COPY_A, RIVAL))
    assert D.similarity(wire, copy) >= 0.5
    assert D.similarity(wire, rival) < 0.1


def test_short_body_has_no_signature():
    assert D.signature(" ".join(["word"] * (D.MIN_WORDS - 1))) is None
    assert D.signature("Ferry fire: " + "the crew said the passengers were safe. " * 4) is not None


def test_lsh_parameters_are_datasketchs_choice_for_the_threshold():
    from datasketch.lsh import _optimal_param

    assert _optimal_param(D.THRESHOLD, D.NUM_PERM, *D.LSH_WEIGHTS) == (D.BANDS, D.ROWS)


def test_figures_are_read_as_written_and_disagree_when_few_match():
    assert D.figures("Rates rose to 6-3/16 pct, 2,000 dlrs; 1.5 billion in 1987.") == {"6-3/16", "2000", "1.5",
                                                                                      "1987"}
    assert D.figures_agree(frozenset({"42", "2019"}), frozenset({"42", "2019", "20"}))
    assert D.figures_agree(frozenset(), frozenset({"42"}))  # no figures: nothing to disagree on
    assert not D.figures_agree(frozenset({"1.5", "6-3/16"}), frozenset({"1.5", "6-1/4"}))


# ---------------------------------------------------------------------------
# stories through index runs


def test_two_outlets_copies_are_one_story_and_a_rival_report_is_not(news, tmp_path):
    index = tmp_path / "index"
    index_folder(news, index)
    assert stories(index) == [{"outlet-a.txt", "outlet-b.txt", "wire.txt"}]
    ids = ids_by_name(index)
    with StoryTable.open(index, readonly=True) as table:
        assert table.count() == 4
        assert set(table.copies(ids["outlet-b.txt"])) == {ids["wire.txt"], ids["outlet-a.txt"]}
        assert table.copies(ids["rival.txt"]) == ()
        assert table.copies("no-such-id") == ()


def test_short_bodies_are_never_copies(tmp_path):
    folder = tmp_path / "news"
    short = ["The ferry to Valmo is cancelled on Sunday because of high winds on the lake, the operator said."]
    write(folder, "one.txt", "Ferry cancelled", short)
    write(folder, "two.txt", "Sunday ferry cancelled", short)
    index = tmp_path / "index"
    index_folder(folder, index)
    assert stories(index) == []
    assert table_rows(index) == 2


def test_templated_reports_with_other_figures_stay_apart(tmp_path):
    """The same wording every week with new figures is not one story, not even through a report with few figures."""
    template = ("The Lake Orvel water board said the reservoir stood at {level} pct of capacity on Monday, against "
                "{before} pct a week earlier, and that it would review the limits on garden watering at its next "
                "meeting. Boats may use the northern jetty while the level stays above the mark set for the season, "
                "the board added in its weekly statement to residents of the villages around the lake.")
    folder = tmp_path / "news"
    write(folder, "week1.txt", "Reservoir level", [template.format(level="61.5", before="63.0")])
    write(folder, "week2.txt", "Reservoir level", [template.format(level="58.0", before="61.5")])
    write(folder, "week3.txt", "Reservoir level", [template.format(level="55.5", before="58.0")])
    # The same statement with the week-2 level in words: it agrees with week 2 and with week 1...
    write(folder, "words.txt", "Reservoir level",
          [template.format(level="fifty-eight", before="61.5")])
    weekly = [D.signature(template.format(level=level, before=before)) for level, before in (("61.5", "63.0"),
                                                                                          ("58.0", "61.5"))]
    assert D.similarity(*weekly) >= D.THRESHOLD  # only the figures set them apart
    index = tmp_path / "index"
    index_folder(folder, index)
    assert stories(index) == [{"week2.txt", "words.txt"}]  # its closest, and not week 1 through it


def test_changed_file_that_is_no_longer_a_copy_leaves_the_story(news, tmp_path):
    index = tmp_path / "index"
    index_folder(news, index)
    write(news, "outlet-b.txt", "Lakeland weather", ["Sunny spells are expected across Lakeland this week, with "
                                                    "light winds on the lake and warm afternoons in the valleys, "
                                                    "forecasters said on Monday. Rain should return by Saturday."])
    later(news / "outlet-b.txt")
    index_folder(news, index)
    assert stories(index) == [{"outlet-a.txt", "wire.txt"}]
    assert table_rows(index) == 4


def test_changed_file_that_becomes_a_copy_joins_the_story(news, tmp_path):
    index = tmp_path / "index"
    index_folder(news, index)
    write(news, "rival.txt", "Fishermen rescue dozens from ferry fire",
          outlet_copy(dateline="VALMO (AFP)", promo="Advertisement", changes={}, cut=0))
    later(news / "rival.txt")
    index_folder(news, index)
    assert stories(index) == [{"outlet-a.txt", "outlet-b.txt", "rival.txt", "wire.txt"}]


def test_deleted_file_loses_its_row(news, tmp_path):
    index = tmp_path / "index"
    index_folder(news, index)
    (news / "outlet-a.txt").unlink()
    index_folder(news, index)
    assert stories(index) == [{"outlet-b.txt", "wire.txt"}]
    assert table_rows(index) == 3


def test_third_copy_joins_the_existing_story_key(news, tmp_path):
    index = tmp_path / "index"
    (news / "outlet-b.txt").rename(tmp_path / "outlet-b.txt")
    index_folder(news, index)
    with StoryTable.open(index, readonly=True) as table:
        before = table.story_map()
    (key,) = set(before.values())
    (tmp_path / "outlet-b.txt").rename(news / "outlet-b.txt")
    report = index_folder(news, index)
    assert report.added == 1
    ids = ids_by_name(index)
    with StoryTable.open(index, readonly=True) as table:
        after = table.story_map()
    assert after == {**before, ids["outlet-b.txt"]: key}


def test_bridging_article_merges_two_stories_and_its_removal_splits_them(tmp_path):
    folder = tmp_path / "news"
    first, second = WIRE[:4], RIVAL[:4]
    write(folder, "first.txt", "Ferry fire", first)
    write(folder, "first-copy.txt", "Ferry fire on the lake", [*first[:3], first[3].replace("said", "says")])
    write(folder, "second.txt", "Rescue", second)
    write(folder, "second-copy.txt", "Fishermen to the rescue", [*second[:3], second[3].replace("declined", "refused")])
    index = tmp_path / "index"
    index_folder(folder, index)
    assert stories(index) == [{"first-copy.txt", "first.txt"}, {"second-copy.txt", "second.txt"}]
    with StoryTable.open(index, readonly=True) as table:
        keys = set(table.story_map().values())
    write(folder, "roundup.txt", "Ferry fire and rescue", [*first, *second])  # a copy of both halves
    index_folder(folder, index)
    assert stories(index) == [{"first-copy.txt", "first.txt", "roundup.txt", "second-copy.txt", "second.txt"}]
    with StoryTable.open(index, readonly=True) as table:
        (merged,) = set(table.story_map().values())
    assert merged in keys  # one of the two keys is kept
    (folder / "roundup.txt").unlink()
    index_folder(folder, index)
    assert stories(index) == [{"first-copy.txt", "first.txt"}, {"second-copy.txt", "second.txt"}]


def test_sample_corpus_afp_story_in_two_outlets_is_one_story(sample_index):
    ids = ids_by_name(sample_index)
    txt = ids["2022-12-02-seoul-sanctions-nk-bankers.txt"]
    html = ids["2022-12-02-metrowire-seoul-sanctions-nk-bankers.html"]
    with StoryTable.open(sample_index, readonly=True) as table:
        assert table.copies(txt) == (html,)
        assert table.copies(html) == (txt,)
        rows = table.count()
    with NewsIndex.open(sample_index) as ix:
        assert rows == len(ix)


# ---------------------------------------------------------------------------
# readers


def test_readers_of_a_missing_table_see_no_copies(tmp_path):
    with StoryTable.open(tmp_path, readonly=True) as table:
        assert (table.story_map(), table.copies("abc"), table.count()) == ({}, (), 0)
    assert not (tmp_path / STORIES_NAME).exists()


def test_index_made_before_the_table_gets_one_at_the_next_run(news, tmp_path):
    index = tmp_path / "index"
    index_folder(news, index)
    (index / STORIES_NAME).unlink()  # as an index made by an earlier version
    assert stories(index) == []
    report = index_folder(news, index)
    assert report.added == report.updated == 0
    assert stories(index) == [{"outlet-a.txt", "outlet-b.txt", "wire.txt"}]


def test_damaged_table_is_unreadable_for_readers_and_made_again_by_the_next_run(news, tmp_path):
    index = tmp_path / "index"
    index_folder(news, index)
    (index / STORIES_NAME).write_bytes(b"not a database" * 100)
    with StoryTable.open(index, readonly=True) as table:
        assert table.story_map() == {}
    index_folder(news, index)
    assert stories(index) == [{"outlet-a.txt", "outlet-b.txt", "wire.txt"}]


def test_table_of_another_layout_is_made_again(news, tmp_path):
    index = tmp_path / "index"
    index_folder(news, index)
    with sqlite3.connect(index / STORIES_NAME) as db:
        db.execute("PRAGMA user_version = 99")
    with StoryTable.open(index, readonly=True) as table:
        assert table.story_map() == {}  # readers do not guess
    with StoryTable.open(index) as table:
        assert table.count() == 0
    index_folder(news, index)
    assert stories(index) == [{"outlet-a.txt", "outlet-b.txt", "wire.txt"}]


def test_reading_the_table_writes_nothing_so_a_read_only_folder_will_do(news, tmp_path):
    index = tmp_path / "index"
    index_folder(news, index)
    before = {p.name: p.stat().st_mtime_ns for p in index.iterdir()}
    assert stories(index)
    with StoryTable.open(index, readonly=True) as table:
        with pytest.raises(IndexNotWritable):
            table.forget(["x"])
    assert {p.name: p.stat().st_mtime_ns for p in index.iterdir()} == before  # no journal, no -wal, no -shm


def _as_nobody() -> None:
    os.setgid(65534)
    os.setuid(65534)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_readers_work_in_a_read_only_folder(news):
    """A real read-only folder: for another user when the tests run as root, else with chmod."""
    base = Path(tempfile.mkdtemp(prefix="searchnews-stories-"))
    index = base / "index"
    try:
        base.chmod(0o755)
        index_folder(news, index)
        for path in index.iterdir():
            path.chmod(0o444)
        index.chmod(0o555)
        kwargs = {}
        if os.geteuid() == 0:
            kwargs["preexec_fn"] = _as_nobody
            try:
                probe = subprocess.run([sys.executable, "-c", "import searchnews"], capture_output=True, **kwargs)
            except PermissionError:
                probe = None
            if probe is None or probe.returncode:
                pytest.skip("another user cannot run this Python environment, and root ignores permissions "
                            "(test_reading_the_table_writes_nothing_so_a_read_only_folder_will_do covers it)")
        code = ("import sys; from searchnews.index.stories import StoryTable\n"
                "with StoryTable.open(sys.argv[1], readonly=True) as table: print(sorted(table.story_map().values()))")
        result = subprocess.run([sys.executable, "-c", code, str(index)], capture_output=True, text=True, **kwargs)
        assert result.returncode == 0, result.stderr
        assert result.stdout.count("'") == 6  # three articles in one story
    finally:
        index.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_reader_waits_for_a_writer_instead_of_failing(news, tmp_path):
    index = tmp_path / "index"
    index_folder(news, index)
    writer = sqlite3.connect(index / STORIES_NAME, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("UPDATE articles SET story = id, shared = 0")  # every story split, until the commit
    result: dict = {}

    def read() -> None:
        started = time.perf_counter()
        with StoryTable.open(index, readonly=True) as table:
            result["map"] = table.story_map()
        result["waited"] = time.perf_counter() - started

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.5)
    writer.execute("COMMIT")
    writer.close()
    reader.join(10)
    assert result["map"] == {}
    assert result["waited"] >= 0.4


def _leave_a_hot_journal(table: Path) -> None:
    """A writer killed mid-transaction, after it wrote changed pages to the table: its journal stays behind."""
    code = ("import os, signal, sqlite3, sys\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('PRAGMA cache_size=1')\n"  # changed pages spill to the file before the commit
            "db.execute('BEGIN')\n"
            "db.execute('UPDATE articles SET story = id, shared = 0')\n"
            "db.execute('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) '\n"
            "           'INSERT INTO articles (id, story, signature) '\n"
            "           'SELECT ? || i, ?, zeroblob(4000) FROM n', ('x', 'x'))\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    result = subprocess.run([sys.executable, "-c", code, str(table)], capture_output=True, text=True)
    assert result.returncode == -9, result.stderr
    assert table.with_name(table.name + "-journal").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_reader_rolls_back_what_a_killed_writer_left_and_reads_the_table_as_it_was(news, tmp_path, caplog):
    index = tmp_path / "index"
    index_folder(news, index)
    before = stories(index)
    _leave_a_hot_journal(index / STORIES_NAME)
    with StoryTable.open(index, readonly=True) as table:
        assert table.count() == 4  # the four articles, none of the 300 rows the killed writer added
    assert stories(index) == before == [{"outlet-a.txt", "outlet-b.txt", "wire.txt"}]
    assert not (index / (STORIES_NAME + "-journal")).exists()
    assert "cannot be read" not in caplog.text


def test_a_reader_that_cannot_roll_back_a_killed_writer_says_so_and_searches_without_copies(
        news, tmp_path, caplog, monkeypatch):
    index = tmp_path / "index"
    index_folder(news, index)
    _leave_a_hot_journal(index / STORIES_NAME)
    monkeypatch.setattr(D, "_roll_back_hot_journal", lambda path: False)  # as in a folder it may not write to
    with StoryTable.open(index, readonly=True) as table:
        assert table.story_map() == {}
    assert "cannot be read (attempt to write a readonly database); no copies are known" in caplog.text
    monkeypatch.undo()
    with NewsIndex.open(index) as ix:  # the next writer (or a reader that may write) rolls it back
        assert ix.search("harbour").total >= 0
    assert stories(index) == [{"outlet-a.txt", "outlet-b.txt", "wire.txt"}]


# ---------------------------------------------------------------------------
# interruptions and failures


#: Words for made-up stories that share nothing but their vocabulary.
VOCABULARY = ("lake ferry village harbour council mayor bridge school market festival storm road museum train "
              "bakery library orchard vineyard tram square river choir stadium clinic garden theatre "
              "fishermen teachers farmers nurses students residents visitors drivers volunteers engineers "
              "opened closed repaired delayed approved rejected celebrated visited painted rebuilt").split()


def _many_articles(folder: Path, count: int) -> None:
    """``count // 2`` made-up stories of 60 words, each with a copy that drops the last sentence."""
    for number in range(count // 2):
        rnd = random.Random(number)
        sentences = [" ".join(rnd.choice(VOCABULARY) for _ in range(12)).capitalize() + "." for _ in range(5)]
        write(folder, f"s{number:02d}-a.txt", f"Story {number}", sentences)
        write(folder, f"s{number:02d}-b.txt", f"Story {number}, again", sentences[:-1])


def test_ctrl_c_in_a_sync_keeps_its_committed_batches_and_the_next_sync_completes(tmp_path, monkeypatch):
    from searchnews.index.writing import open_index

    folder, index = tmp_path / "news", tmp_path / "index"
    _many_articles(folder, 12)
    index_folder(folder, index)
    expected = stories(index)
    assert len(expected) == 6
    (index / STORIES_NAME).unlink()
    monkeypatch.setattr(D, "SYNC_BATCH", 4)

    def stop_at_ten(done: int, total: int, article_id: str) -> None:
        if done == 10:
            raise KeyboardInterrupt

    ix = open_index(index)
    with StoryTable.open(index) as table, ix.searcher() as searcher:
        with pytest.raises(KeyboardInterrupt):
            table.sync(searcher, progress=stop_at_ten)
        assert table.count() == 8  # two batches of four committed, the third rolled back
        report = table.sync(searcher)
    assert (report.computed, report.removed) == (4, 0)
    assert ix.doc_count() == 12
    assert stories(index) == expected


def test_ctrl_c_in_the_sync_of_an_index_run_keeps_the_index_and_the_next_run_completes(tmp_path, monkeypatch):
    folder, index = tmp_path / "news", tmp_path / "index"
    _many_articles(folder, 12)
    real = D.StoryTable._add
    calls = []

    def interrupted(self, *args):
        calls.append(1)
        if len(calls) == 3:  # the third batch of the sync (the signatures came from indexing)
            raise KeyboardInterrupt
        return real(self, *args)

    monkeypatch.setattr(D, "SYNC_BATCH", 2)
    monkeypatch.setattr(D.StoryTable, "_add", interrupted)
    report = index_folder(folder, index)
    assert report.interrupted and report.added == 12
    with NewsIndex.open(index) as ix:
        assert len(ix) == 12
    assert table_rows(index) < 12
    monkeypatch.setattr(D.StoryTable, "_add", real)
    report = index_folder(folder, index)
    assert not report.interrupted and report.added == 0
    assert table_rows(index) == 12
    assert len(stories(index)) == 6


def test_story_table_that_cannot_be_written_is_a_clear_error_and_the_index_keeps_its_commits(news, tmp_path,
                                                                                             monkeypatch):
    index = tmp_path / "index"

    def full(self, searcher, *, progress=None, rows=None):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.path)

    monkeypatch.setattr(StoryTable, "sync", full)
    with pytest.raises(IndexNotWritable) as caught:
        index_folder(news, index)
    assert str(caught.value) == (f"no space left for the index at {index} ({os.strerror(errno.ENOSPC)}); "
                                 f"the index was left as of its last commit")
    with NewsIndex.open(index) as ix:
        assert len(ix) == 4
    monkeypatch.undo()
    index_folder(news, index)
    assert stories(index) == [{"outlet-a.txt", "outlet-b.txt", "wire.txt"}]


def test_sqlite_failures_become_the_os_errors_indexing_reports():
    def failure(code: int) -> sqlite3.OperationalError:
        exc = sqlite3.OperationalError("failed")
        exc.sqlite_errorcode = code
        return exc

    assert D._os_error(failure(13), "t").errno == errno.ENOSPC  # SQLITE_FULL
    assert D._os_error(failure(778), "t").errno == errno.ENOSPC  # SQLITE_IOERR_WRITE: a file-size limit, a quota
    assert D._os_error(failure(8), "t").errno == errno.EACCES  # SQLITE_READONLY
    assert D._os_error(failure(5), "t").errno == errno.EBUSY  # SQLITE_BUSY


# ---------------------------------------------------------------------------
# real data (skipped when ../shared/corpora is absent)


#: Pairs of Reuters-21578 items that are one story sent twice (rewritten, re-titled or repeated).
REUTERS_COPIES = [("12601", "12607"), ("9591", "9630"), ("5179", "5270"), ("2614", "2631"), ("1482", "1516"),
                  ("3128", "3133"), ("12650", "12653")]
#: The Fed's daily report, the same wording with the day's figures.
FED_HEADLINE = "FED ADDS RESERVES VIA CUSTOMER REPURCHASES"


def _reuters(shared_corpora: Path) -> list[dict]:
    spec = importlib.util.spec_from_file_location(
        "bench_corpora", Path(__file__).resolve().parent.parent / "benchmarks" / "corpora.py")
    corpora = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpora)
    return list(corpora.reuters_records(shared_corpora / "reuters21578"))


def _ticker(headline: str) -> str | None:
    found = re.search(r"<([A-Z.]+)>", headline)
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def reuters_index(shared_corpora, tmp_path_factory):
    """A few hundred Reuters items: known copies, the Fed's daily reports, earnings reports, a run of others."""
    records = _reuters(shared_corpora)
    wanted = {f"reuters/{n}" for pair in REUTERS_COPIES for n in pair}
    chosen = [r for r in records if r["id"] in wanted or r["headline"] == FED_HEADLINE
              or 12550 <= int(r["id"].split("/")[1]) <= 12700]
    earnings = [r for r in records if "earn" in r["topics"] and _ticker(r["headline"])][:200]
    chosen += [r for r in earnings if r not in chosen]
    folder = tmp_path_factory.mktemp("reuters")
    lines = [json.dumps({"id": r["id"], "title": r["headline"], "text": r["body"], "date": r["date"],
                         "source": "Reuters"}) for r in chosen]
    (folder / "reuters.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index = folder / "index"
    report = index_folder(folder, index)
    assert report.added == len(chosen)
    with StoryTable.open(index, readonly=True) as table:
        story_map = table.story_map()
    return {r["id"]: r for r in chosen}, story_map


def test_reuters_stories_sent_twice_are_found(reuters_index):
    _records, story_map = reuters_index
    for first, second in REUTERS_COPIES:
        assert story_map.get(f"reuters/{first}") == story_map.get(f"reuters/{second}") is not None, (first, second)


def test_reuters_earnings_reports_of_other_companies_are_not_one_story(reuters_index):
    """Corrected and repeated earnings reports are stories of one company each, but for one known template."""
    records, story_map = reuters_index

    def company(article_id: str) -> tuple[str, str]:  # the ticker without its exchange, the first word
        headline = records[article_id]["headline"]
        return _ticker(headline).split(".")[0], headline.split()[0]

    members: dict[str, list[str]] = {}
    for article_id, key in story_map.items():
        if "earn" in records[article_id]["topics"] and _ticker(records[article_id]["headline"]):
            members.setdefault(key, []).append(article_id)
    mixed = {frozenset(found) for found in members.values()
             if all(len({company(i)[part] for i in found}) > 1 for part in (0, 1))}
    assert len(members) >= 3  # reports sent twice (S-K-I, Margaux Controls, Royal Resources) are found
    # Two companies' initial dividends: the same sentence, the same amount and record date.
    assert mixed <= {frozenset({"reuters/405", "reuters/407"})}


def test_reuters_daily_reports_with_other_figures_are_not_chained_into_one_story(reuters_index):
    """Templated reports with the same figures may pair up; a story never holds two whose figures disagree."""
    records, story_map = reuters_index
    members: dict[str, list[frozenset[str]]] = {}
    for article_id, key in story_map.items():
        members.setdefault(key, []).append(D.figures(records[article_id]["body"]))
    for found in members.values():
        assert all(D.figures_agree(a, b) for a in found for b in found)
    fed = [article_id for article_id, record in records.items() if record["headline"] == FED_HEADLINE]
    fed_stories = {story_map.get(article_id, article_id) for article_id in fed}
    assert len(fed) >= 10 and len(fed_stories) >= len(fed) // 3


@pytest.mark.parametrize("sort", [True, False])
def test_band_lookups_find_what_a_brute_force_finds_as_articles_are_added(sort):
    """The LSH index answers like a scan of every key, through its sorted main part, runs and merges."""
    import numpy as np

    rng = np.random.default_rng(4)
    keys = rng.integers(0, 50, size=(300, D.BANDS), dtype=np.int64)  # few distinct keys: many matches
    numbers = np.arange(300, dtype=np.int64)
    bands = D._Bands(numbers[:40], keys[:40], sort=sort)
    known = list(range(40))
    for start in range(40, 300, 13):
        batch = list(range(start, min(300, start + 13)))
        looked = keys[batch]
        found = bands.lookup(looked)
        for row, article in enumerate(batch):
            # (band keys carry their band in them, so any key shared is a band shared)
            want = {n for n in known if set(keys[n].tolist()) & set(looked[row].tolist())}
            assert found[row] == want, (start, article)
        bands.add(looked, batch)
        known += batch
