"""NewsIndex: the one object the command-line interface and other applications use.

Example::

    from searchnews import NewsIndex

    with NewsIndex.create("./index") as ix:
        report = ix.add(["./corpus"])
        for hit in ix.search("ICBM sanctions", limit=5):
            print(hit.score, hit.headline)

Terms:
    searcher
        A Whoosh searcher: a read-only view of the index as of its last
        commit. ``NewsIndex`` keeps one per thread, refreshes it when the
        index has changed, and closes them all in :meth:`NewsIndex.close`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Union

from .errors import ArgumentError, ArticleNotFound, IndexNotFound, SearchnewsError, quoted
from .index import documents
from .index import schema as S
from .index.writing import Indexer, Progress, create_index, index_exists, open_index, retry_on_commit
from .models import Article, Copy, Hit, IndexReport, IndexStats, SearchResults
from .search.context import SearchContext
from .search.searching import MAX_LIMIT, SearchOptions, all_hits, matching_dates, run_search
from .search.similar import similar_articles

if TYPE_CHECKING:
    import datetime as dt

    from .search.timeline import Timeline

#: A date or period as the filters take it: a datetime or date, or text such as
#: ``2022-11-26``, ``2022-11``, ``2022`` or ``7d`` (see :func:`searchnews.filters.parse_when`).
When = Union[str, "dt.date", "dt.datetime", None]

__all__ = ["DEFAULT_INDEX", "INDEX_ENV", "NewsIndex"]

#: Where the index lives when no path is given.
DEFAULT_INDEX = "index"
#: The environment variable that overrides :data:`DEFAULT_INDEX`.
INDEX_ENV = "SEARCHNEWS_INDEX"


def default_index_path() -> str:
    """``$SEARCHNEWS_INDEX`` if set, else ``./index``."""
    return os.environ.get(INDEX_ENV) or DEFAULT_INDEX


class NewsIndex:
    """A searchnews index on disk. Use :meth:`create` or :meth:`open`; close it, or use ``with``."""

    def __init__(self, ix, path: str, engine: str | None = None) -> None:
        self._ix = ix
        self.path = path
        self.engine = _engine(engine)
        self._local = threading.local()
        self._searchers: list = []
        self._lock = threading.Lock()
        self._closed = False

    # -- opening ---------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike[str] | None = None) -> NewsIndex:
        """Create a new, empty index at ``path``, replacing any index there.

        Raises :class:`~searchnews.errors.IndexLocked` (and changes nothing)
        while another process writes to the index, and
        :class:`~searchnews.errors.IndexNotWritable` for a folder that holds
        files other than an index's (see :func:`searchnews.index.writing.create_index`).
        """
        path = _index_path(path)
        return cls(create_index(path), path)

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, create: bool = False,
             engine: str | None = None) -> NewsIndex:
        """Open the index at ``path``; with ``create=True`` make one if there is none.

        ``engine`` chooses how queries are evaluated: ``"vectorized"`` (the
        default, or ``$SEARCHNEWS_ENGINE``) or ``"whoosh"``, Whoosh's own
        matchers (see :mod:`searchnews.search.context`). Raises
        :class:`IndexNotFound` (with the folder as ``path``) when there is
        none and ``create`` is false.
        """
        path = _index_path(path)
        if not index_exists(path):
            if create:
                index = cls.create(path)
                index.engine = _engine(engine)
                return index
            raise IndexNotFound(f"no searchnews index at {path}", path)
        return cls(open_index(path), path, engine)

    @staticmethod
    def exists(path: str | os.PathLike[str] | None = None) -> bool:
        """True when ``path`` holds an index."""
        return index_exists(_index_path(path))

    def __enter__(self) -> NewsIndex:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close every searcher opened by this object."""
        with self._lock:
            for _thread, searcher in self._searchers:
                searcher.close()
            self._searchers.clear()
            self._closed = True
        self._local = threading.local()

    def _check_open(self) -> None:
        if self._closed:
            raise SearchnewsError("this NewsIndex is closed")

    # -- writing ---------------------------------------------------------------
    def add(self, paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *,
            progress: Progress | None = None, follow_symlinks: bool = False) -> IndexReport:
        """Index the files under ``paths``: new and changed files are (re)read, vanished ones deleted.

        ``progress(done, total, path)`` is called as files are read; then, while the run
        looks for syndicated copies, with ``path`` set to
        :data:`searchnews.indexing.COPIES_STAGE` and counts of articles.
        """
        self._check_open()
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        try:
            paths = [os.fspath(p) for p in paths]
        except TypeError:
            raise ArgumentError("paths", f"{{paths}} is a file or folder, or a list of them, not {quoted(paths)}"
                                ) from None
        if progress is not None and not callable(progress):
            raise ArgumentError("progress", f"{{progress}} is a function or None, not {quoted(progress)}")
        return Indexer(self._ix, self.path).run(paths, progress=progress, follow_symlinks=bool(follow_symlinks))

    # -- reading ---------------------------------------------------------------
    def _searcher(self):
        self._check_open()
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = retry_on_commit(lambda: self._ix.searcher(weighting=S.make_scoring()))
            with self._lock:
                self._close_orphans()
                self._searchers.append((threading.current_thread(), searcher))
        elif not searcher.up_to_date():
            # A new searcher, not searcher.refresh(): Whoosh's refresh adds the old reader's segments
            # back after a merge (every merged article counted twice), retries a race with a commit
            # using readers it already closed (ReaderClosed), and fails on an empty index.
            fresh = retry_on_commit(lambda: self._ix.searcher(weighting=S.make_scoring()))
            with contextlib.suppress(Exception):
                searcher.close()
            with self._lock:
                if fresh is not searcher:
                    self._searchers = [(thread, s) for thread, s in self._searchers if s is not searcher]
                    self._searchers.append((threading.current_thread(), fresh))
            searcher = fresh
        self._local.searcher = searcher
        return searcher

    def _close_orphans(self) -> None:
        """Close the searchers of threads that have ended (a server's thread pool drops idle threads).

        Hold ``self._lock``.
        """
        alive = []
        for thread, searcher in self._searchers:
            if thread.is_alive():
                alive.append((thread, searcher))
            else:
                with contextlib.suppress(Exception):
                    searcher.close()
        self._searchers = alive

    def _context(self) -> SearchContext:
        """The search context of this thread's searcher (made again when the searcher is)."""
        searcher = self._searcher()
        context = getattr(self._local, "context", None)
        if context is None or context.searcher is not searcher:
            context = SearchContext(searcher, self.path, self.engine)
            self._local.context = context
        return context

    def search(self, query: str, limit: int = 10, offset: int = 0, *, highlight: bool = True,
               since: When = None, until: When = None, sources: Iterable[str] = (),
               languages: Iterable[str] = (), sort: str = "relevance", recency: str | dt.timedelta | None = None,
               collapse: bool = True, facets: bool = False, suggest: bool = True) -> SearchResults:
        """Search; see :mod:`searchnews.searching` for the syntax and the ranking.

        ``since``/``until`` (dates or periods such as ``"2022-11"`` or ``"7d"``),
        ``sources`` and ``languages`` restrict the articles; ``sort`` is
        ``"relevance"``, ``"newest"`` or ``"oldest"``; ``recency`` (a half-life,
        ``"30d"``) favours recent articles in relevance ranking; ``collapse``
        folds the copies of a syndicated story into one hit (``Hit.copies``);
        ``facets`` fills ``SearchResults.facets``; ``suggest`` fills
        ``SearchResults.suggestion`` when the query finds little.

        Raises :class:`searchnews.errors.QuerySyntaxError` for a query that
        cannot be parsed and :class:`searchnews.errors.FilterError` for a
        filter that cannot be read. Safe to call from several threads at once.
        """
        _check_text("query", query)
        options = SearchOptions(limit=limit, offset=offset, highlight=highlight,
                                filters=_filters(since, until, sources, languages), sort=sort,
                                recency=_half_life(recency), collapse=collapse, facets=facets, suggest=suggest)
        context = self._context()
        return run_search(context.searcher, query, options, context=context)

    def iter_search(self, query: str, *, since: When = None, until: When = None, sources: Iterable[str] = (),
                    languages: Iterable[str] = (), sort: str = "relevance",
                    recency: str | dt.timedelta | None = None, collapse: bool = True, highlight: bool = False,
                    page_size: int = 1000) -> Iterator[Hit]:
        """Every hit of ``query``, in the order of :meth:`search`'s pages, fetched ``page_size`` at a time.

        The hits are those that :meth:`search` with the same arguments gives
        page after page, all read from one view of the index (its own
        searcher, opened at the first hit and closed when the iterator is
        exhausted or closed), so a commit made meanwhile cannot list an article
        twice or skip one. Only one page is held in memory. ``highlight`` is
        off by default (an export seldom wants snippets, and they cost time).

        Arguments are checked when this is called; a query that cannot be
        parsed raises :class:`searchnews.errors.QuerySyntaxError` at the first
        ``next()``. A page that reaches the search time limit raises
        :class:`SearchnewsError`: past that point the order is a guess, and a
        list that silently stopped short would read as complete.
        """
        _check_text("query", query)
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= MAX_LIMIT:
            raise ArgumentError("page_size", f"{{page_size}} is the number of hits read at a time, a whole number "
                                             f"from 1 to {MAX_LIMIT}, not {quoted(page_size)}")
        options = SearchOptions(limit=page_size, offset=0, highlight=highlight,
                                filters=_filters(since, until, sources, languages), sort=sort,
                                recency=_half_life(recency), collapse=collapse, facets=False, suggest=False)
        self._check_open()
        return self._all_hits(query, options, page_size)

    def _all_hits(self, query: str, options: SearchOptions, page_size: int) -> Iterator[Hit]:
        searcher = retry_on_commit(lambda: self._ix.searcher(weighting=S.make_scoring()))
        try:
            context = SearchContext(searcher, self.path, self.engine)
            yield from all_hits(searcher, query, options, context=context, page_size=page_size)
        finally:
            searcher.close()

    def similar(self, article_id: str, limit: int = 10, offset: int = 0, *, since: When = None,
                until: When = None, sources: Iterable[str] = (), languages: Iterable[str] = (),
                sort: str = "relevance", collapse: bool = True, highlight: bool = True) -> SearchResults:
        """Articles on the same story as ``article_id`` (more like this); it and its copies are left out.

        Raises :class:`ArticleNotFound` when no article has this id.
        """
        _check_text("article_id", article_id)
        options = SearchOptions(limit=limit, offset=offset, highlight=highlight,
                                filters=_filters(since, until, sources, languages), sort=sort, collapse=collapse)
        context = self._context()
        try:
            return similar_articles(context.searcher, article_id, options, context=context)
        except ArticleNotFound:
            raise ArticleNotFound(f"no article with id {article_id!r} in {self.path}") from None

    def timeline(self, query: str, by: str = "auto", *, since: When = None, until: When = None,
                 sources: Iterable[str] = (), languages: Iterable[str] = ()) -> Timeline:
        """How many articles match ``query`` per day, week or month (``by``; ``"auto"`` picks from the span).

        The articles counted are those with all the words of a plain-words
        query (those with some, when none has them all).
        """
        from .search.timeline import BUCKET_SIZES, build_timeline

        _check_text("query", query)
        if not isinstance(by, str) or (by != "auto" and by not in BUCKET_SIZES):
            raise ArgumentError("by", f"{{by}} is a bucket size: auto, {', '.join(BUCKET_SIZES)}, not {quoted(by)}")
        context = self._context()
        dates, _partial = matching_dates(context.searcher, query, _filters(since, until, sources, languages),
                                         context=context)
        return build_timeline(query, dates, by)

    def copies(self, article_id: str) -> tuple[Copy, ...]:
        """The other publications of the story of ``article_id`` (syndicated copies), oldest first."""
        self.get(article_id)
        return self._context().copies(article_id)

    def get(self, article_id: str) -> Article:
        """The stored article with this id; raises :class:`ArticleNotFound`."""
        _check_text("article_id", article_id)
        fields = self._searcher().document(**{S.ID: article_id})
        if fields is None:
            raise ArticleNotFound(f"no article with id {article_id!r} in {self.path}")
        return documents.article(fields)

    def __len__(self) -> int:
        return self._searcher().doc_count()

    def stats(self) -> IndexStats:
        """Article count, sources, languages, date range and size on disk."""
        context = self._context()
        searcher = context.searcher
        columns = context.columns
        dates = columns.date_range()
        sources = [(name or "(unknown)", n) for name, n in columns.counts(columns.sources, columns.source_names)]
        languages = [(code or "(unknown)", n)
                     for code, n in columns.counts(columns.languages, columns.language_names)]
        first, last = dates if dates else (None, None)
        size = sum(os.path.getsize(os.path.join(self.path, f)) for f in os.listdir(self.path)
                   if os.path.isfile(os.path.join(self.path, f)))
        return IndexStats(
            path=self.path,
            articles=searcher.doc_count(),
            sources=tuple(sources),
            languages=tuple(languages),
            first_date=first,
            last_date=last,
            size_bytes=size,
            segments=len(searcher.reader().leaf_readers()) if searcher.doc_count_all() else 0,
            stories=len({key for key in self._context().story_docs.values()}),
            copies=len(self._context().story_docs),
        )


def _engine(engine: str | None) -> str:
    from .search.context import ENGINES, default_engine

    if engine is None:
        return default_engine()
    if engine not in ENGINES:
        raise ArgumentError("engine", f"{{engine}} is one of {', '.join(ENGINES)}, not {quoted(engine)}")
    return engine


def _index_path(path) -> str:
    try:
        return os.fspath(path or default_index_path())
    except TypeError:
        raise ArgumentError("path", f"{{path}} is the index folder, not {quoted(path)}") from None


def _check_text(parameter: str, value) -> None:
    if not isinstance(value, str):
        raise ArgumentError(parameter, f"{{{parameter}}} is text, not {quoted(value)}")


def _filters(since: When, until: When, sources: Iterable[str] | str, languages: Iterable[str] | str):
    from .search.filters import Filters

    return Filters.parse(since=since, until=until, sources=sources, languages=languages)


def _half_life(value: str | dt.timedelta | None):
    if value is None or not isinstance(value, str):
        return value  # a timedelta, or what SearchOptions refuses with its message
    from .search.filters import parse_half_life

    return parse_half_life(value)
