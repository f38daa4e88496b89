"""Per-article columns lined up with document numbers, whatever the segments hold."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest
from layouts import LAYOUTS, Oracle, build_layout

from searchnews.index import schema as S
from searchnews.index.writing import open_index
from searchnews.search.columns import NO_CODE, NO_DATE, Columns, columns_of, date_value, month_numbers, value_date


@pytest.fixture(scope="module", params=["undated-first", "unsourced-last", "after-deletions", "after-compaction"])
def built(request, tmp_path_factory):
    return build_layout(LAYOUTS[request.param], tmp_path_factory.mktemp(request.param))


def test_every_document_gets_its_own_values(built):
    ix = open_index(built.path)
    with ix.searcher() as searcher:
        columns = Columns.read(searcher.reader())
        assert len(columns) == searcher.doc_count_all()
        by_id = {piece.id: piece for piece in built.articles}
        for docnum in searcher.reader().all_doc_ids():
            piece = by_id[searcher.stored_fields(docnum)[S.ID]]
            assert columns.date_of(docnum) == piece.date
            assert columns.source_of(docnum) == piece.source
            assert columns.language_of(docnum) == piece.language
            assert columns.live[docnum]
        assert int(columns.live.sum()) == len(built.articles)


def test_whoosh_multi_reader_columns_are_what_this_module_replaces(tmp_path):
    """The cause of issue 11.1: Whoosh leaves out segments without a column file (a test that
    fails the day Whoosh fixes it, so the workaround can go)."""
    built = build_layout(LAYOUTS["undated-first"], tmp_path)
    ix = open_index(built.path)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert [leaf.has_column(S.DATE) for leaf, _ in reader.leaf_readers()] == [False, True]
        whoosh_column = reader.column_reader(S.DATE, translate=False)
        mine = Columns.read(reader)
        no_value = S.make_schema()[S.DATE].default

        def whoosh_says(docnum):
            try:
                value = whoosh_column[docnum]
            except Exception:  # IndexError or struct.error, as users met it
                return "error"
            return NO_DATE if value == no_value else value

        assert any(whoosh_says(d) != mine.dates[d] for d in reader.all_doc_ids())


def test_stats_and_facet_helpers(built):
    ix = open_index(built.path)
    oracle = Oracle(built.articles)
    with ix.searcher() as searcher:
        columns = columns_of(searcher.reader())
        assert columns_of(searcher.reader()) is columns  # read once per reader
        expected = oracle.stats()
        assert dict(columns.counts(columns.sources, columns.source_names)) == {
            (None if name == "(unknown)" else name): n for name, n in expected["sources"].items()}
        assert columns.date_range() == (expected["first_date"], expected["last_date"])
        live = np.flatnonzero(columns.live)
        months = Counter(f"{p.date:%Y-%m}" if p.date else None for p in built.articles)
        assert columns.months(live) == sorted(months.items(), key=lambda item: (item[0] is None, item[0] or ""))
        assert columns.newest(dt.datetime(2022, 12, 31)) == date_value(max(
            p.date for p in built.articles if p.date and p.date <= dt.datetime(2022, 12, 31)))
        assert columns.source_code(None) == NO_CODE
        assert columns.source_code("Nobody at all") is None
        assert columns.source_names[columns.source_code("Reuters")] == "Reuters"


def test_counts_put_equal_counts_in_name_order_and_none_last():
    columns = Columns(dates=np.array([NO_DATE] * 5), sources=np.array([2, 1, 0, 2, 1], dtype=np.int32),
                      source_names=(None, "b", "a"), languages=np.zeros(5, dtype=np.int32),
                      language_names=(None,), live=np.ones(5, dtype=bool))
    assert columns.counts(columns.sources, columns.source_names) == [("a", 2), ("b", 2), (None, 1)]
    assert columns.counts(columns.sources, columns.source_names, np.array([0, 2])) == [("a", 1), (None, 1)]


@pytest.mark.parametrize("when", [dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59),
                                  dt.datetime(1969, 12, 31), dt.datetime(2022, 11, 30, 23, 59)])
def test_date_values_and_months_at_the_edges(when):
    value = date_value(when)
    assert value >= 0 and value != NO_DATE
    assert value_date(value) == when
    year, month = divmod(int(month_numbers(np.array([value]))[0]), 12)
    assert (year + 1, month + 1) == (when.year, when.month)


def test_reading_a_column_in_one_piece_gives_whoosh_s_own_values(built, monkeypatch):
    """The fast path reads Whoosh's column files directly: it must agree with Whoosh's per-document reads."""
    from searchnews.search import columns as module

    ix = open_index(built.path)
    with ix.searcher() as searcher:
        fast = Columns.read(searcher.reader())
        monkeypatch.setattr(module, "column_numbers", lambda reader, count: np.fromiter(
            (int(value) for value in reader), dtype=np.uint64, count=count))
        monkeypatch.setattr(module, "column_texts", lambda reader, count: [
            value.decode("utf-8") if value else None for value in reader])
        slow = Columns.read(searcher.reader())
    assert np.array_equal(fast.dates, slow.dates)
    assert np.array_equal(fast.sources, slow.sources) and fast.source_names == slow.source_names
    assert np.array_equal(fast.languages, slow.languages) and fast.language_names == slow.language_names
