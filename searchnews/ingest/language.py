"""Language identification of articles that do not declare their language.

Uses py3langid (a maintained port of langid.py), which costs about 2 ms for a
paragraph and a second to load its model. Most news is in a handful of
languages whose commonest words give them away, so a vote of those words
(:data:`COMMON_WORDS`) decides first when it is clear-cut; py3langid decides
the rest.

Terms:
    language
        An ISO 639-1 code such as ``en``, ``fr`` or ``de``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

__all__ = ["MIN_CHARS", "SAMPLE_CHARS", "detect_language", "language_code"]


def language_code(value: str | None) -> str | None:
    """The ISO 639 code of a declared language: ``en-US``, ``en_GB`` and ``EN`` give ``en``; ``None`` if not a code."""
    if not value:
        return None
    code = str(value).strip().replace("_", "-").split("-")[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None

#: How much of an article is looked at.
SAMPLE_CHARS = 600
#: py3langid's answers below this probability are not taken (see :func:`detect_language`).
MIN_PROBABILITY = 0.8
#: Texts shorter than this are too short to tell; no language is given.
MIN_CHARS = 40


#: The commonest words of frequent news languages: a clear majority decides without py3langid.
COMMON_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for on with was said by as at from it has his are be have he "
                    "but not an this which were its had their they will who been after".split()),
    "fr": frozenset("le la les de des du et un une est que qui dans pour par sur au aux pas il elle ont ce se "
                    "avec plus son sa ses leur été cette".split()),
    "de": frozenset("der die das und den von zu mit ist des im dem nicht ein eine auf für sich auch es als "
                    "bei wird sind hat nach wie einer oder".split()),
}
#: Words looked at by the vote, the share of them that must be common words of
#: the winning language, and how many times the runner-up's count it must have.
VOTE_WORDS = 80
VOTE_SHARE = 0.2
VOTE_MARGIN = 3
_WORDS = re.compile(r"\w+")
#: ASCII characters that are not word characters (``\w``), to spaces: an ASCII text is split into the
#: same words as ``\w+`` finds, several times faster.
_ASCII_NON_WORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}


def _first_words(sample: str) -> list[str]:
    """The first :data:`VOTE_WORDS` words (``\\w+``) of ``sample``, in lower case."""
    if sample.isascii():
        return sample.lower().translate(_ASCII_NON_WORD).split()[:VOTE_WORDS]
    return list(map(str.lower, _WORDS.findall(sample)[:VOTE_WORDS]))


def _vote(sample: str) -> str | None:
    words = _first_words(sample)
    if not words:
        return None
    counts = sorted(((sum(map(common.__contains__, words)), lang) for lang, common in COMMON_WORDS.items()),
                    reverse=True)
    (best, lang), (second, _) = counts[0], counts[1]
    if best >= VOTE_SHARE * len(words) and best >= VOTE_MARGIN * max(second, 1):
        return lang
    return None


def detect_language(headline: str, body: Sequence[str]) -> str | None:
    """The language of an article from its headline and first paragraphs, or ``None`` if too short."""
    sample = headline
    for paragraph in body:
        if len(sample) >= SAMPLE_CHARS:
            break
        sample += "\n" + paragraph
    sample = sample[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return None
    voted = _vote(sample)
    if voted:
        return voted
    language, probability = _identifier().classify(sample)
    # Tables of figures ("Shr 1.20 dlrs vs 1.10") get confident-looking labels from nothing:
    # below this probability the language is unknown (and the article is analysed as English).
    if probability < MIN_PROBABILITY or language == "zxx":
        return None
    return language


@functools.cache
def _identifier():
    # Imported and loaded on first use: that costs about a second, which queries need not pay.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
