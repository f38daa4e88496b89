"""Index: articles → a Whoosh index on disk.

The second stage of the pipeline. :mod:`.schema` declares the fields and the
ranking weights, :mod:`.analysis` turns text into terms, :mod:`.writing`
creates, opens and updates an index (incremental runs, the manifest, the
lock), :mod:`.workers` indexes files into segments in parallel processes,
and :mod:`.stories` finds syndicated copies and keeps them in a table next
to the index.
"""
