"""Hypothesis settings for the property and fuzz tests, reduced in CI and long by hand.

Terms:
    examples
        How many inputs Hypothesis generates for a test. Each test names its
        CI count; a profile loaded with ``--hypothesis-profile`` that asks for
        more (``searchnews-long``: 20,000, registered in ``conftest.py``) wins,
        so ``python -m pytest tests/test_fuzz.py --hypothesis-profile=searchnews-long``
        is the long run of those tests.
"""

from __future__ import annotations

from hypothesis import settings


def fuzz_settings(examples: int, **kwargs) -> settings:
    """Settings with ``examples`` inputs, or the loaded profile's count when larger; no deadline unless given."""
    kwargs.setdefault("deadline", None)
    return settings(max_examples=max(examples, settings.default.max_examples), **kwargs)
