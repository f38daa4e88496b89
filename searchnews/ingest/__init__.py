"""Ingest: files on disk → :class:`searchnews.models.Article`.

The first stage of the pipeline. :mod:`.corpus` walks folders, recognises
formats and decodes bytes; :mod:`.cleaning` turns a raw document into an
article (headline, body, captions, metadata), with :mod:`.htmlmeta` for web
pages, :mod:`.dates` and :mod:`.language` for stamps and languages,
:mod:`.learning` for boilerplate learned from a folder, and
:mod:`.boilerplate` holding the patterns as data.
"""
