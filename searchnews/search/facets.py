"""Facets: how the articles a search matched divide by source, month and language.

Terms:
    facet
        Counts of the matching articles by one property (see
        :class:`searchnews.models.Facets`): every match is counted, not only
        the page shown, copies included (each outlet published one).
"""

from __future__ import annotations

import numpy as np

from ..models import Facets
from .columns import Columns

__all__ = ["count_facets"]


def count_facets(docs: np.ndarray, columns: Columns) -> Facets:
    """The facets of the documents ``docs`` (document numbers), read from the index's columns."""
    return Facets(articles=len(docs),
                  sources=tuple(columns.counts(columns.sources, columns.source_names, docs)),
                  months=tuple(columns.months(docs)),
                  languages=tuple(columns.counts(columns.languages, columns.language_names, docs)))
