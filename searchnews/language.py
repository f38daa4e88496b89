"""Language identification of articles that do not declare their language.

Uses py3langid (a fast, maintained port of langid.py): about 0.1 ms an
article once its model is loaded (about a second, once per process).

Terms:
    language
        An ISO 639-1 code such as ``en``, ``fr`` or ``de``.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MIN_CHARS", "SAMPLE_CHARS", "detect_language"]

#: How much of an article is looked at.
SAMPLE_CHARS = 600
#: Texts shorter than this are too short to tell; no language is given.
MIN_CHARS = 40


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
    import py3langid  # imported here: loading it costs time that queries need not pay

    language, _score = py3langid.classify(sample)
    return language
