"""Index layouts and a brute-force oracle, for testing every search feature on every segment layout.

A Whoosh index is a list of segments, and a feature that reads per-article
values (dates, sources, languages) must line each segment's values up with
the document numbers. That broke where a segment had no value at all for a
field (issue 11): the tests had only ever run on one segment, or on
corpora where every article has a date and a source. This module builds the
same fictional articles into indexes of many layouts and computes what every
feature must answer from the articles themselves, without an index.

Terms:
    layout
        How the articles are spread over segments: one segment, a segment
        per file, a segment without dates before (or after) one with dates,
        likewise without sources, captions or syndicated copies, after
        deletions, after a compaction. :data:`LAYOUTS` lists them; each is
        built through the real :class:`searchnews.index.writing.Indexer`,
        one run per step, so the segments come out the same every time
        (one process, every file of a step in one round, or one round per
        file with ``commit_every=1``).
    oracle
        :class:`Oracle`: the expected answer of each feature (matches,
        totals, orders, facets, timeline buckets, copies, statistics)
        computed by looking at every article in turn. Its matching uses the
        index's own analysis of words (:func:`searchnews.index.analysis.term_of`),
        so it is exact for plain words; it knows nothing of segments.

Use::

    built = build_layout(LAYOUTS["undated-first"], tmp_path)
    with NewsIndex.open(built.path) as ix:
        oracle = Oracle(built.articles)
        assert ix.search("harbour", facets=True).facets == oracle.facets("harbour")
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from searchnews.index.analysis import DEFAULT_LANGUAGE, NewsAnalyzer, analysis_language, is_stop, mark_language, term_of

# ---------------------------------------------------------------------------------------------
# the articles (fictional, written for these tests)


@dataclass(frozen=True)
class Piece:
    """One article as a JSON record gives it, and the story (syndicated copies) it belongs to."""

    id: str
    headline: str
    body: tuple[str, ...]
    source: str | None = None
    date: dt.datetime | None = None
    language: str = "en"
    captions: tuple[str, ...] = ()
    story: str | None = None  # articles with the same story are copies of each other

    def record(self) -> dict:
        data: dict = {"id": self.id, "headline": self.headline, "body": list(self.body), "language": self.language}
        if self.source:
            data["source"] = self.source
        if self.date:
            data["date"] = self.date.isoformat()
        if self.captions:
            data["captions"] = list(self.captions)
        return data

    @property
    def text(self) -> str:
        return "\n\n".join((self.headline, *self.captions, *self.body))


def _d(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


_STRIKE = ("Dock workers at Kestrel harbour walked out on Tuesday after talks over night-shift pay broke down, "
           "leaving six cargo vessels waiting at anchor outside the breakwater.",
           "The union said the strike would continue until the port operator returned to the table with a "
           "written offer.")
_REPAIRS = ("After a four-hour debate the council approved a budget of twelve million for repairs to the harbour "
            "wall, the fish market roof and the old customs house, with the work to start in March.",)
_BUSES = ("The island bus company will run fewer evening services from next month because rising fuel prices "
          "have added almost a fifth to its costs, its manager told a public meeting on Wednesday.",)

#: Every article of the layouts, in the order they are first written.
ARTICLES: tuple[Piece, ...] = (
    Piece("k01", "Harbour dredging starts in Kestrel Bay",
          ("Dredgers began deepening the eastern channel of Kestrel Bay harbour on Monday, a project the port "
           "authority says will let larger container ships dock by next spring.",
           "The work is expected to last eleven weeks."),
          "Port Gazette", _d("2022-10-03T09:00"), captions=("A dredger works near the lighthouse at Kestrel Bay.",)),
    Piece("k02", "Dock workers walk out at Kestrel harbour", _STRIKE, "AFP", _d("2022-11-08T14:30"), story="strike"),
    Piece("k03", "Strike halts cargo at Kestrel port", _STRIKE, "Port Gazette", None, story="strike"),
    Piece("k04", "Kestrel dockers stop work over night pay", _STRIKE, "Reuters", _d("2022-11-09T08:00"),
          story="strike"),
    Piece("k05", "Council budget puts ferry subsidy in doubt",
          ("The city council's draft budget for next year cuts the subsidy for the harbour ferry by a third, and "
           "councillors warned fares could rise.",), "Reuters", _d("2022-11-21T11:15")),
    Piece("k06", "Storm closes ferry crossings",
          ("Gale-force winds forced the operator to cancel every ferry crossing between Kestrel and the islands "
           "on Thursday.",), None, _d("2022-12-01T07:40"),
          captions=("Waves break over the harbour wall during the storm.",)),
    Piece("k07", "Council approves harbour budget after long debate", _REPAIRS, "Kestrel Evening Post",
          _d("2022-12-14T18:05"), story="repairs"),
    Piece("k08", "Harbour repairs win council backing", _REPAIRS, "AFP", _d("2022-12-15T06:30"), story="repairs"),
    Piece("k09", "Fishing fleet stays in port as prices fall",
          ("Trawler owners kept most of the fleet tied up this week, saying the price of cod at the morning "
           "auction no longer covered the cost of fuel.",), "Port Gazette", None,
          captions=("Trawlers moored three deep in the inner basin.",)),
    Piece("k10", "Lighthouse keeper's cottage to become a museum",
          ("The cottage beside the Kestrel Point light will open as a small maritime museum next summer, the "
           "heritage trust said.",), None, _d("2023-01-10T10:00"),
          captions=("The lighthouse at Kestrel Point, built in 1871.",)),
    Piece("k11", "Grève des dockers au port de Kestrel",
          ("Les dockers du port de Kestrel ont cessé le travail mardi, faute d'accord sur la rémunération des "
           "équipes de nuit.",), "AFP", _d("2022-11-08T16:00"), "fr"),
    Piece("k12", "Le budget du conseil municipal adopté",
          ("Le conseil municipal de Kestrel a adopté jeudi un budget en hausse, qui prévoit la rénovation du quai "
           "des pêcheurs.",), None, None, "fr"),
    Piece("k13", "Sturm legt Fährverkehr lahm",
          ("Ein Sturm hat am Donnerstag den gesamten Fährverkehr zwischen Kestrel und den Inseln zum Erliegen "
           "gebracht.",), "dpa", _d("2022-12-01T12:00"), "de"),
    Piece("k14", "Budget row delays school roof repairs",
          ("Repairs to the leaking roof of Kestrel primary school will wait another year after the council "
           "budget row, parents were told.",), "Reuters", _d("2023-01-25T16:45")),
    Piece("k15", "Harbour master retires after thirty years",
          ("Kestrel's harbour master, who guided ships through the bay for three decades, retired on Friday "
           "with a final tour of the breakwater.",), None, _d("2023-02-03T15:00"),
          captions=("The harbour master on the breakwater on his last day.",)),
    Piece("k16", "Ferry operator orders two electric vessels",
          ("The ferry operator has ordered two battery-powered vessels for the island route, to be delivered "
           "the year after next.",), "AFP", _d("2021-06-30T09:30")),
    Piece("k17", "Fuel prices squeeze island bus service", _BUSES, "Island Courier", None, story="buses"),
    Piece("k18", "Island buses cut evening runs", _BUSES, None, None, story="buses"),
    Piece("k19", "Dock strike talks resume",
          ("Talks between the port operator and the dockers' union resumed on Friday, a week after the strike "
           "began at Kestrel harbour.",), "Reuters", _d("2022-11-15T13:20")),
    Piece("k20", "Market hall reopens after repairs",
          ("The covered market hall reopened on Saturday after six months of work on its roof.",),
          "Port Gazette", _d("2022-10-22T08:10")),
)

BY_ID = {piece.id: piece for piece in ARTICLES}

#: Plain-word queries the feature tests run: one word, two words some articles have both of, two
#: words no article has both of (date orders then list those with either), a word in captions, a
#: word of three languages' articles, a word in no article.
QUERIES = ("harbour", "harbour strike", "council budget", "lighthouse strike", "lighthouse", "kestrel", "ferry",
           "zeppelin")

# ---------------------------------------------------------------------------------------------
# layouts


@dataclass(frozen=True)
class Step:
    """One ``index`` run: files written (name → article ids) and files deleted before it."""

    write: dict[str, tuple[str, ...]] = field(default_factory=dict)
    delete: tuple[str, ...] = ()
    commit_every: int = 100_000  # every file of the run in one round: one segment


@dataclass(frozen=True)
class Layout:
    name: str
    steps: tuple[Step, ...]
    segments: int | None = None  # the segment count it must give (checked, so a layout cannot drift)


def _ids(pieces: Iterable[Piece]) -> tuple[str, ...]:
    return tuple(piece.id for piece in pieces)


def _split(test: Callable[[Piece], bool]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return _ids(p for p in ARTICLES if test(p)), _ids(p for p in ARTICLES if not test(p))


def _two(name: str, test: Callable[[Piece], bool]) -> tuple[Layout, Layout]:
    """Two layouts: the articles without a property in one segment, first or last."""
    without, with_ = _split(test)
    return (Layout(f"{name}-first", (Step({"a.jsonl": without}), Step({"b.jsonl": with_})), segments=2),
            Layout(f"{name}-last", (Step({"a.jsonl": with_}), Step({"b.jsonl": without})), segments=2))


def _chunks(ids: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(ids[i:i + size]) for i in range(0, len(ids), size)]


_ALL = _ids(ARTICLES)

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (
    Layout("one-segment", (Step({"all.jsonl": _ALL}),), segments=1),
    Layout("segment-per-file", (Step({f"f{i:02d}.jsonl": chunk for i, chunk in enumerate(_chunks(_ALL, 3))},
                                     commit_every=1),), segments=8),  # a file is also committed part by part
    *_two("undated", lambda p: p.date is None),
    *_two("unsourced", lambda p: p.source is None),
    *_two("uncaptioned", lambda p: not p.captions),
    *_two("no-copies", lambda p: p.story is None),
    # deletions: the deleted articles stay in their segments, marked, until a merge
    Layout("after-deletions", (
        Step({f"f{i:02d}.jsonl": chunk for i, chunk in enumerate(_chunks(_ALL[:15], 5))}, commit_every=1),
        Step({"g.jsonl": _ALL[15:]}),
        Step(delete=("f01.jsonl",)),
    ), segments=7),
    # eleven runs of two articles: past eight segments a run merges the smallest (compaction),
    # then a deletion inside a merged segment
    Layout("after-compaction", (
        *(Step({f"f{i:02d}.jsonl": chunk}) for i, chunk in enumerate(_chunks(_ALL, 2))),
        Step(delete=("f01.jsonl",)),
    ), segments=8),
)}


@dataclass(frozen=True)
class Built:
    """A layout built on disk: the index folder and the articles it holds."""

    layout: Layout
    path: Path
    articles: tuple[Piece, ...]


def build_layout(layout: Layout, folder: Path) -> Built:
    """Build ``layout`` under ``folder`` (its corpus in ``corpus/``, its index in ``index/``)."""
    from searchnews.index.writing import Indexer, create_index

    corpus, index = folder / "corpus", folder / "index"
    corpus.mkdir(parents=True)
    ix = create_index(index)
    present: dict[str, tuple[str, ...]] = {}
    for step in layout.steps:
        for name in step.delete:
            (corpus / name).unlink()
            present.pop(name)
        for name, ids in step.write.items():
            lines = [json.dumps(BY_ID[i].record(), ensure_ascii=False) for i in ids]
            (corpus / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            present[name] = ids
        Indexer(ix, str(index), commit_every=step.commit_every, workers=1).run([corpus])
    with ix.searcher() as searcher:
        segments = len(searcher.reader().leaf_readers())
    if layout.segments is not None and segments != layout.segments:
        raise AssertionError(f"layout {layout.name} gave {segments} segments, not {layout.segments}")
    kept = {i for ids in present.values() for i in ids}
    return Built(layout, index, tuple(p for p in ARTICLES if p.id in kept))


# ---------------------------------------------------------------------------------------------
# the oracle

_ANALYZER = NewsAnalyzer()
_NAME_WORD = re.compile(r"\w+")


def _name_words(name: str) -> list[str]:
    from whoosh.support.charset import accent_map

    return [w.lower().translate(accent_map) for w in _NAME_WORD.findall(name)]


@dataclass(frozen=True)
class Filter:
    """The filters of a search as the oracle applies them (the arguments of ``NewsIndex.search``)."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [f"since {self.since:%Y-%m-%d}" if self.since else "", f"until {self.until:%Y-%m-%d}" if self.until
                 else "", "+".join(self.sources), "+".join(self.languages)]
        return " ".join(p for p in parts if p) or "no filter"

    def kwargs(self) -> dict:
        return {"since": self.since, "until": self.until, "sources": list(self.sources),
                "languages": list(self.languages)}

    def allows(self, piece: Piece) -> bool:
        if (self.since or self.until) and piece.date is None:
            return False
        if self.since and piece.date < self.since:
            return False
        if self.until and piece.date > self.until:
            return False
        if self.sources and not any(_has_phrase(piece.source, name) for name in self.sources):
            return False
        return not (self.languages and piece.language not in self.languages)


def _has_phrase(source: str | None, name: str) -> bool:
    words, wanted = _name_words(source or ""), _name_words(name)
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


#: No filter.
NO_FILTER = Filter()

#: Filters the feature tests run with (none; dates; a source; a phrase source; a language; all at once).
FILTERS = (
    NO_FILTER,
    Filter(since=_d("2022-11-01"), until=_d("2022-12-31T23:59:59")),
    Filter(sources=("AFP",)),
    Filter(sources=("evening post", "reuters")),
    Filter(languages=("fr", "de")),
    Filter(since=_d("2022-11-09"), sources=("AFP", "Reuters"), languages=("en",)),
)


class Oracle:
    """What each feature must answer on an index of ``articles`` (see the module terms)."""

    def __init__(self, articles: Iterable[Piece]) -> None:
        self.articles = tuple(articles)
        self.by_id = {p.id: p for p in self.articles}
        self.languages = sorted({DEFAULT_LANGUAGE} | {analysis_language(p.language) for p in self.articles})
        self._terms = {p.id: set(_ANALYZER.terms(mark_language(p.text, p.language))) for p in self.articles}

    # -- matching
    def has_word(self, piece: Piece, word: str) -> bool:
        word = word.lower()
        wanted = {term_of(word, language) for language in self.languages if not is_stop(word, language)}
        return bool(wanted & self._terms[piece.id])

    def all_words(self, query: str, where: Filter = NO_FILTER) -> list[Piece]:
        words = query.split()
        return [p for p in self.articles if where.allows(p) and all(self.has_word(p, w) for w in words)]

    def any_word(self, query: str, where: Filter = NO_FILTER) -> list[Piece]:
        words = query.split()
        return [p for p in self.articles if where.allows(p) and any(self.has_word(p, w) for w in words)]

    def about(self, query: str, where: Filter = NO_FILTER) -> list[Piece]:
        """The articles a query is about: those with all its words, or with some when none has them all."""
        return self.all_words(query, where) or self.any_word(query, where)

    # -- stories
    def story_of(self, piece: Piece) -> str:
        """The story key of an article: its story, or its own id when it has no live copy."""
        if piece.story and sum(1 for p in self.articles if p.story == piece.story) > 1:
            return piece.story
        return piece.id

    def copies(self, article_id: str) -> list[str]:
        """The ids of the other articles of its story, oldest first (undated last, then by id)."""
        piece = self.by_id[article_id]
        key = self.story_of(piece)
        others = [p for p in self.articles if p.id != article_id and self.story_of(p) == key]
        return [p.id for p in sorted(others, key=lambda p: (p.date is None, p.date or dt.datetime.min, p.id))]

    def folded(self, pieces: Sequence[Piece]) -> int:
        """How many of ``pieces`` are copies of another of them (folded into its hit)."""
        return len(pieces) - len({self.story_of(p) for p in pieces})

    # -- orders
    @staticmethod
    def date_key(piece: Piece, newest: bool) -> tuple:
        """The date orders' key: dated articles by date, undated ones last."""
        if piece.date is None:
            return (1, 0)
        value = (piece.date - dt.datetime.min).total_seconds()
        return (0, -value if newest else value)

    def by_date(self, query: str, newest: bool, where: Filter = NO_FILTER, collapse: bool = True
                ) -> list[tuple[tuple, str]]:
        """``(date key, story or id)`` of the hits of a date order, in order; ties (undated) in any order.

        With ``collapse`` a story is listed once, at the key of its best member.
        """
        pieces = sorted(self.about(query, where), key=lambda p: self.date_key(p, newest))
        listed, seen = [], set()
        for piece in pieces:
            name = self.story_of(piece) if collapse else piece.id
            if name in seen:
                continue
            seen.add(name)
            listed.append((self.date_key(piece, newest), name))
        return listed

    # -- counts
    def facets(self, query: str, where: Filter = NO_FILTER) -> dict:
        pieces = self.about(query, where)

        def ordered(counter: Counter) -> tuple:
            return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0] is None, item[0] or "")))

        months = Counter(f"{p.date.year:04d}-{p.date.month:02d}" if p.date else None for p in pieces)
        return {"articles": len(pieces),
                "sources": ordered(Counter(p.source for p in pieces)),
                "months": tuple(sorted(months.items(), key=lambda item: (item[0] is None, item[0] or ""))),
                "languages": ordered(Counter(p.language for p in pieces))}

    def timeline(self, query: str, by: str, where: Filter = NO_FILTER) -> dict:
        """``{"total", "undated", "counts": {label: count}}`` for the non-empty buckets."""
        pieces = self.about(query, where)
        labels = Counter(_label(p.date, by) for p in pieces if p.date)
        return {"total": len(pieces), "undated": sum(1 for p in pieces if p.date is None), "counts": dict(labels)}

    def newest(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """The newest date not after ``now``, from which recency counts ages."""
        now = now or dt.datetime.now()
        dates = [p.date for p in self.articles if p.date and p.date <= now]
        return max(dates) if dates else None

    def stats(self) -> dict:
        dated = [p.date for p in self.articles if p.date]
        stories = Counter(self.story_of(p) for p in self.articles)
        shared = {key: n for key, n in stories.items() if n > 1}
        return {"articles": len(self.articles),
                "sources": dict(Counter(p.source or "(unknown)" for p in self.articles)),
                "languages": dict(Counter(p.language for p in self.articles)),
                "first_date": min(dated) if dated else None, "last_date": max(dated) if dated else None,
                "stories": len(shared), "copies": sum(shared.values())}


def _label(date: dt.datetime, by: str) -> str:
    if by == "week":
        year, week, _ = date.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return date.date().isoformat()
