"""Collecting pages from arrays of matches, against a brute-force answer."""

from __future__ import annotations

import random

import numpy as np
import pytest

from searchnews.search.collect import count_folded, restrict, top
from searchnews.search.evaluate import Matches


def brute_top(docs, scores, k, sort_key=None, story=None, seen=()):
    rows = sorted(zip(docs, scores, strict=True),
                  key=lambda r: ((sort_key[r[0]] if sort_key is not None else -r[1]), r[0]))
    kept, stories = [], set(seen)
    for doc, score in rows:
        if story is not None and story[doc] >= 0:
            if story[doc] in stories:
                continue
            stories.add(story[doc])
        kept.append((doc, score))
    return kept[:k]


@pytest.mark.parametrize("seed", range(30))
def test_top_is_the_sorted_and_folded_head_of_all_matches(seed):
    rng = random.Random(seed)
    n = rng.choice([50, 3000, 20000])
    docs = np.array(sorted(rng.sample(range(n * 2), n)), dtype=np.int64)
    # few distinct scores: many ties, which must go to the lower document number
    scores = np.array([rng.choice([1.0, 2.5, 2.5, 3.0, rng.random()]) for _ in range(n)])
    story = np.array([rng.choice([-1, -1, rng.randrange(40)]) for _ in range(n * 2)], dtype=np.int64)
    sort_key = np.array([rng.randrange(100) for _ in range(n * 2)], dtype=np.int64)
    seen = set(rng.sample(range(40), 3))
    k = rng.choice([1, 10, 300])
    for key in (None, sort_key):
        for stories, shown in ((None, ()), (story, seen)):
            got_docs, got_scores = top(Matches(docs, scores), k, sort_key=key, story=stories, seen=shown)
            want = brute_top(docs.tolist(), scores.tolist(), k, key, stories, shown)
            assert list(zip(got_docs.tolist(), got_scores.tolist(), strict=True)) == want


def test_final_scores_are_applied_before_ordering():
    docs = np.array([1, 2, 3], dtype=np.int64)
    got, scores = top(Matches(docs, np.array([3.0, 2.0, 1.0])), 3, final=lambda d, s: s + (d == 3) * 1.5)
    assert got.tolist() == [1, 3, 2] and scores.tolist() == [3.0, 2.5, 2.0]


def test_restrict_keeps_allowed_and_drops_excluded():
    docs = np.arange(10, dtype=np.int64)
    allowed = np.zeros(10, dtype=bool)
    allowed[::2] = True
    got = restrict(Matches(docs, docs * 1.0), allowed, np.array([4, 6], dtype=np.int64))
    assert got.docs.tolist() == [0, 2, 8] and got.scores.tolist() == [0.0, 2.0, 8.0]


def test_count_folded_counts_copies_beyond_the_first_of_each_story():
    story = np.array([-1, 5, 5, 5, 7, 7, -1], dtype=np.int64)
    assert count_folded(np.array([0, 1, 2, 3, 4, 5, 6]), story) == 3
    assert count_folded(np.array([0, 1, 2, 3, 4, 6]), story) == 2
    assert count_folded(np.array([0, 6]), story) == 0
    assert count_folded(np.array([1, 4]), None) == 0
