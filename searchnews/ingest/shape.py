"""The shape of a plain-text file: is it written like an article, or is it a list or data?

Folders of news hold files that are plainly not articles but have an
article's extension: a ``labels.txt`` of one word per line, a list of
category or place names, a file of Prolog facts, a table of figures. They
would each become an "article" with a one-word headline. What sets them
apart is their shape, not their words: an article is mostly sentences, a
list is mostly lines of one or two words or of code.

Terms:
    word
        A run of letters (any script) of at least :data:`MIN_WORD_LETTERS`.
        In scripts written without spaces (Chinese, Japanese, Thai, …),
        every :data:`CHARS_PER_WORD` letters count as one word.
    prose line
        A line of at least :data:`MIN_PROSE_WORDS` words, at least half of
        whose tokens (runs of non-space characters), and at least
        :data:`MIN_PLAIN_TOKENS`, are plain: hold one or two words.
        ``pred_type("Population","countries").`` is one token holding four
        words glued by punctuation, so it is not prose.
    prose share
        The words in prose lines, out of all the words of the file.

A text is an article when it has a prose line and its prose share is at
least :data:`MIN_PROSE_SHARE`. Every BBC article and every sample-corpus
file passes (``tests/test_shape.py``); the label lists, category lists and
fact files of the real corpora do not.
"""

from __future__ import annotations

import re

__all__ = ["CHARS_PER_WORD", "MIN_PROSE_SHARE", "MIN_PROSE_WORDS", "MIN_WORD_LETTERS", "not_an_article"]

#: A word is a run of at least this many letters (single letters: initials, variables, list markers).
MIN_WORD_LETTERS = 2
#: A prose line has at least this many words.
MIN_PROSE_WORDS = 4
#: A prose line has at least this many tokens of one or two words, and they are at least half its tokens.
MIN_PLAIN_TOKENS = 2
#: At least this share of a file's words must be in prose lines.
MIN_PROSE_SHARE = 0.5
#: In scripts written without spaces, this many letters count as a word.
CHARS_PER_WORD = 2

_WORD = re.compile(rf"[^\W\d_]{{{MIN_WORD_LETTERS},}}")
#: Scripts written without spaces between words: CJK, kana, Thai, Lao, Khmer, Myanmar, Tibetan.
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1780-\u17ff"
                       "\u1000-\u109f\u0f00-\u0fff]")


def _line_words(line: str) -> tuple[int, bool]:
    """The words of a line, and whether it is a prose line."""
    unspaced = len(_UNSPACED.findall(line))
    words = len(_WORD.findall(_UNSPACED.sub(" ", line))) if unspaced else len(_WORD.findall(line))
    words += unspaced // CHARS_PER_WORD
    if words < MIN_PROSE_WORDS:
        return words, False
    if unspaced >= 2 * MIN_PROSE_WORDS:
        return words, True
    tokens = line.split()
    # plain tokens hold a word or two: not several words glued by punctuation (code, data)
    plain = sum(1 for token in tokens if 1 <= len(_WORD.findall(token)) <= 2)
    return words, plain >= max(MIN_PLAIN_TOKENS, len(tokens) / 2)


def not_an_article(text: str) -> str | None:
    """Why ``text`` (a plain-text file's content) is not an article, or ``None`` when it reads like one."""
    total = prose = 0
    lines = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        lines += 1
        words, is_prose = _line_words(line)
        total += words
        if is_prose:
            prose += words
    if total == 0:
        return "no words: not an article"
    if prose == 0:
        return (f"looks like a list, not an article: none of its {lines:,} lines is a sentence "
                f"(of {MIN_PROSE_WORDS} words or more)")
    if prose < MIN_PROSE_SHARE * total:
        return (f"looks like a list or data, not an article: only {prose / total:.0%} of its words are in "
                f"sentences")
    return None
