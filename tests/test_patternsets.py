"""Pattern sets give the answers of trying every pattern in turn, only faster; their reading of patterns.

A :class:`PatternSet` skips a pattern on a line when the pattern's first
characters, width, first three characters or required words rule the line
out. Every such shortcut must be exact: these tests compare it with trying each
pattern in order, on the labelled set, the sample corpus, generated lines and
lines built to trip Unicode case rules (``ſ`` matches ``s`` when case is
ignored, ``K`` the Kelvin sign matches ``k``, ``İ`` lower-cases to two
characters).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fuzzing import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from searchnews.ingest import linerules, pagechrome
from searchnews.ingest.cleaning import normalize_text
from searchnews.ingest.patternsets import PatternSet

GOLD = Path(__file__).resolve().parent / "cleaning_gold"
SAMPLE = Path(__file__).resolve().parent.parent / "corpus"

#: The pattern sets the cleaner uses, with the ``skip`` sets it passes.
SETS = {
    "line rules": (linerules._GATE, (frozenset(), linerules._EDGE_ONLY, linerules._ONLY_PROMO,
                                     linerules._ONLY_DISCLAIMERS)),
    "chrome": (pagechrome._CHROME, (frozenset(),)),
    "promo": (pagechrome._PROMO, (frozenset(),)),
    "metadata": (pagechrome._META, (frozenset(),)),
    "comment headers": (pagechrome._COMMENT_HEADER, (frozenset(),)),
}

TRICKY = [
    "", " ", "a", "©", "(c)", "By", "by", "Di", "AP", "ſkip to content", "SKIP TO CONTENT", "\u212aeep reading",
    "İmage caption, a crowd", "IMAGE CAPTION, a crowd", "Thiſ article was produced by Agence France-Presse and is "
    "published under licence", "THIS ARTICLE WAS PRODUCED BY X AND IS PUBLISHED UNDER LICENCE", "© 2024 AFP",
    "Copyright 2023 The Associated Press. All rights reserved.", "PAY ATTENTION: follow us", "pay attention :x",
    "Read also", "Read also: Dockers strike", "3 hours ago", "Updated 2 hours ago", "il y a 5 heures",
    "vor 3 Stunden", "Published 12:04 BST, 3 May 2024", "November 22, 2022", "2022-11-26", "26/11/2022 14:05",
    "Photo: STR / AFP", "(Photo: Getty Images)", "The harbour (Photo: Jane Doe)", "Reuters", "AFP avatar",
    "Jane Doe avatar", "(Reporting by Jane Doe; Editing by John Roe)", "Sign up for our newsletter",
    "Our weekly newsletter: sign up here", "Get the newsletter in your inbox", "Menu", "Search:", "Home",
    "We use cookies to improve your experience", "1 comment", "5 min read", "Most read", "Tags: ports, strikes",
    "Share", "Tweet", "- Share | Tweet", "• Facebook", "Source: AFP", "Quelle: dpa", "Auteurs : Marie Dupont",
    "Par Marie Dupont", "Von Hans Maier", "On December 23, 2014, at 10:07 PM, jdoe wrote:",
    "The mayor said the harbour would reopen on Monday.", "the", "Th", "TH", "Tſ", "\u0130stanbul",
    "Σ", "ΣΊΣΥΦΟΣ", "µ", "K", "k", "Ǆ", "ǅ", "ǆ", "Our weekly newsletter: ſign up here",
    "Our weekly newsletter: SIGN UP HERE", "Thomſon Reuters Truſt Principles", "The AFP photo may not be "
    "publiſhed", "Jane Doe AVATAR", "Jane Doe avatar", "The harbour (Photo credit: Jane Doe)",
    "The harbour (PHOTO: Jane Doe)", "The harbour (Foto: \u212aarl Doe)",
]


def brute_force(patterns: PatternSet, text: str, skip: frozenset[int] = frozenset()):
    """The first pattern, in order and not skipped, that matches ``text``, tried one by one."""
    for number, (pattern, entry) in enumerate(zip(patterns.patterns, patterns._entries, strict=True)):
        if number in skip:
            continue
        found = getattr(pattern, entry.mode)(text)
        if found is not None:
            return number, found.span()
    return None


def fast(patterns: PatternSet, text: str, skip: frozenset[int] = frozenset(),
         missing: frozenset[int] = frozenset()):
    found = patterns.match(text, 0, skip, missing)
    return None if found is None else (found[0], found[1].span())


def corpus_texts() -> list[str]:
    paths = sorted(GOLD.glob("*.txt")) + sorted((SAMPLE / "txt").glob("*.txt"))
    return [normalize_text(p.read_bytes().decode("utf-8", errors="replace")) for p in paths]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return corpus_texts()


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_line_of_the_labelled_set_and_sample_corpus_gets_the_answer_of_each_pattern_in_turn(name, texts):
    patterns, skips = SETS[name]
    checked = 0
    for text in texts:
        lines = text.split("\n")
        missing = patterns.missing(" ".join(lines))
        for line in {pagechrome.plain(line) for line in lines} | set(lines):
            for skip in skips:
                want = brute_force(patterns, line, skip)
                assert fast(patterns, line, skip) == want, (name, line)
                assert fast(patterns, line, skip, missing) == want, (name, line)
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize("name", sorted(SETS))
def test_lines_that_trip_unicode_case_rules_get_the_answer_of_each_pattern_in_turn(name):
    patterns, skips = SETS[name]
    for line in TRICKY:
        for skip in skips:
            assert fast(patterns, line, skip) == brute_force(patterns, line, skip), (name, line)


#: Pieces of lines: words the patterns look for (in any case), odd spaces and letters, digits and punctuation.
PIECES = ["Photo", "photo:", "credit", "(", ")", "[", "]", ":", ",", ".", " ", "  ", "\t", "Read", "also", "more",
          "By", "by", "Jane", "Doe", "and", "AFP", "afp", "AP", "Reuters", "dpa", "avatar", "newsletter", "sign up",
          "Sign up", "subscribe", "inbox", "cookies", "Cookie", "privacy policy", "©", "(c)", "Copyright", "All rights "
          "reserved", "not be", "may", "published", "This", "article", "was", "produced", "Source", "Quelle",
          "Updated", "Published", "3", "2024", "12:04", "hours", "ago", "il y a", "vor", "Stunden", "Skip", "to",
          "content", "Menu", "|", "›", "Share", "Tweet", "*", "-", "•", "1.", "wrote", "ſ", "\u212a", "\u0130", "ß",
          "é", "Σ", "ς", "x", "Image", "caption", "Légende", "Most read", "Tags", "Mis à jour"]


@fuzz_settings(400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12), st.sampled_from(sorted(SETS)),
       st.booleans())
def test_generated_lines_get_the_answer_of_each_pattern_in_turn(pieces, name, spaced):
    patterns, skips = SETS[name]
    line = (" " if spaced else "").join(pieces)
    for skip in skips:
        assert fast(patterns, line, skip) == brute_force(patterns, line, skip)


def test_a_document_missing_a_required_word_skips_the_pattern_but_not_others():
    patterns = PatternSet([re.compile(r".{0,40}\bnewsletter\b.{0,40}", re.I), re.compile(r"Menu", re.I)])
    assert patterns.missing("An article about harbours. Menu of the day.") == {0}
    assert patterns.missing("Our NEWSLETTER") == frozenset()
    # Not in ASCII and holding a character whose case rules differ (ſ): nothing is known to be missing.
    assert patterns.missing("ſ harbours") == frozenset()


def test_first_characters_widths_and_starts_are_read_from_the_pattern():
    patterns = PatternSet([re.compile(r"(?:PAY ATTENTION\s*:\s*)?Follow us on .{0,100}", re.I),
                           re.compile(r"\d+\s+comments?", re.I), re.compile(r"Skip to (main )?content", re.I)])
    follow, comments, skip = patterns._entries
    assert follow.heads == ("fol", "pay")
    assert comments.first is not None and comments.first.fullmatch("7") and not comments.first.fullmatch("x")
    assert (skip.low, skip.high) == (15, 20)
    # A line of another length or start is not tried: no candidate at all.
    assert patterns._plan("The mayor said the harbour would reopen.", frozenset()).candidates == ()


def test_a_group_repeated_at_least_n_times_keeps_the_starts_of_its_first_repetition():
    # The starts of one repetition are complete ("buz", "dig"): more repetitions only follow them, and a line made of
    # three repetitions must still be tried (a row of social networks is chrome).
    patterns = PatternSet([re.compile(r"(?:(?:Buzz up!?|Digg|Fark|Reddit)[\s|]*){3,}", re.I)])
    (entry,) = patterns._entries
    assert entry.heads == ("buz", "dig", "far", "red")
    for line in ("Buzz up! Digg Fark Reddit", "Digg | Reddit | Fark", "Digg Reddit"):
        assert fast(patterns, line) == brute_force(patterns, line), line
    assert pagechrome._CHROME.matches("Buzz up! Digg Fark Facebook Reddit Tumblr")


def test_patterns_that_cannot_join_a_gate_are_still_tried():
    # A back-reference cannot be one alternative of a combined expression: the pattern is tried on its own.
    patterns = PatternSet([re.compile(r"(\w+) and \1", re.I), re.compile(r"Menu")])
    assert fast(patterns, "salt and salt") == brute_force(patterns, "salt and salt") == (0, (0, 13))
    assert fast(patterns, "salt and pepper") is None


def test_rules_of_the_edge_are_the_stamps_and_source_lines():
    names = {linerules.RULES[linerules._RULE_OF[k]].name for k in linerules._EDGE_ONLY}
    assert names == {"source line", "relative stamp", "stamp"}


def test_the_case_traps_are_those_of_pythons_regular_expressions():
    casefix = pytest.importorskip("re._casefix")
    from searchnews.ingest.patternsets import _CASE_TRAPS_TEXT

    chars = {chr(c) for c in casefix._EXTRA_CASES} | {chr(v) for t in casefix._EXTRA_CASES.values() for v in t}
    capitals = {c.upper() for c in chars if len(c.upper()) == 1}
    assert {c for c in chars | capitals if not c.isascii()} <= set(_CASE_TRAPS_TEXT)


def test_every_pattern_of_the_tables_can_be_ruled_out():
    """Each pattern is read: it has first characters or required words (none is left to be tried everywhere)."""
    for patterns in (linerules._GATE, pagechrome._CHROME, pagechrome._PROMO, pagechrome._META,
                     pagechrome._COMMENT_HEADER):
        assert [e.pattern.pattern for e in patterns._entries if e.first is None and e.required is None] == []
    assert len(linerules._GATE) == sum(len(rule.patterns) for rule in linerules.RULES)
