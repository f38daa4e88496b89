"""The story table is checked before its "synced" mark is trusted: a dropped or altered table is made again."""

from __future__ import annotations

import sqlite3

import pytest

from searchnews import NewsIndex
from searchnews.index.stories import STORIES_NAME, StoryTable


@pytest.fixture
def built(tmp_path, sample_corpus):
    index = tmp_path / "index"
    with NewsIndex.create(index) as ix:
        ix.add([sample_corpus])
    with StoryTable.open(index, readonly=True) as table:
        stories = table.story_map()
        assert stories, "the sample corpus has syndicated copies"
    return index, stories


def tamper(index, *statements):
    db = sqlite3.connect(index / STORIES_NAME)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


@pytest.mark.parametrize("statements", [
    ["DROP TABLE articles"],
    ["DELETE FROM articles"],
    ["UPDATE articles SET story = 'nobody' WHERE shared"],
    ["UPDATE articles SET shared = 0"],
    ["UPDATE articles SET shared = 1 WHERE NOT shared"],
    ["UPDATE articles SET signature = x'0102' WHERE signature IS NOT NULL"],
    ["INSERT INTO articles (id, story, signature, shared) VALUES ('ghost', 'ghost', NULL, 0)"],
    ["DELETE FROM shared_docs"],
], ids=["dropped", "emptied", "story keys", "shared off", "shared on", "signatures", "extra row", "docnums"])
def test_an_altered_table_is_made_again_by_the_next_run(built, sample_corpus, statements):
    index, stories = built
    tamper(index, *statements)
    with NewsIndex.open(index) as ix:
        report = ix.add([sample_corpus])  # nothing to index: the table is still checked
        assert report.added == 0
        assert len(ix.copies(next(iter(stories)))) >= 1
    with StoryTable.open(index, readonly=True) as table:
        assert table.story_map() == stories
        assert table.verify() is None
        assert table.count() == 45


def test_a_sound_table_is_not_made_again(built, sample_corpus, caplog):
    index, _stories = built
    with NewsIndex.open(index) as ix:
        ix.add([sample_corpus])
    assert "inconsistent" not in caplog.text
