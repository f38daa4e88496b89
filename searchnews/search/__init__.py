"""Search: query text → :class:`searchnews.models.SearchResults`.

The third stage of the pipeline. :mod:`.querysyntax` checks a query and
says where it is wrong, :mod:`.searching` parses, ranks, counts and folds
copies, :mod:`.filters` reads dates, sources and languages to restrict to,
:mod:`.timeline` counts matches per period, :mod:`.suggest` proposes
corrections, and :mod:`.highlighting` turns matches into snippets.
"""
