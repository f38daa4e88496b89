"""The array codec (searchnews.index.codec) against Whoosh's own W3 codec, on the same documents.

Every term's postings, frequencies and positions, the lexicon, stored fields
and columns must be the same; merging segments must keep exactly the live
documents; field lengths are exact; and the Whoosh internals the codec
relies on must still be where it expects them.
"""

from __future__ import annotations

import datetime as dt
import pickle
import random

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query
from whoosh.codec import whoosh3
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from searchnews import NewsIndex
from searchnews.errors import IndexCorrupt
from searchnews.index import codec as C
from searchnews.index import schema as S
from searchnews.index.documents import document
from searchnews.index.workers import merge_segments
from searchnews.models import Article
from searchnews.search.searching import run_search

WORDS = ("sanctions missile launch korea japan oil prices opec tanker harbour dredging council vote budget "
         "minister inflation rates bank euro growth unemployment election ballot court appeal drought "
         "harvest wheat export port strike union wages rail ferry storm flood rescue village").split()
FRENCH = "les sanctions économiques contre le régime ont été renforcées par le conseil".split()
SOURCES = ("AFP", "Reuters", "Pacific Ledger", "Agence France-Presse", None)


def make_articles(count: int, seed: int = 5) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        french = n % 7 == 3
        vocabulary = FRENCH if french else WORDS
        paragraphs = tuple(" ".join(rng.choices(vocabulary, k=rng.randint(3, 40))).capitalize() + "."
                           for _ in range(rng.randint(1, 4)))
        captions = (" ".join(rng.choices(vocabulary, k=6)),) if n % 3 == 0 else ()
        articles.append(Article(
            headline=" ".join(rng.choices(vocabulary, k=rng.randint(2, 9))).title(),
            body=paragraphs, captions=captions, source=SOURCES[n % len(SOURCES)],
            authors=("Jane Okafor", "Li Wen") if n % 4 == 0 else (),
            date=dt.datetime(2022, 1 + n % 12, 1 + n % 28) if n % 5 else None,
            language="fr" if french else "en", id=f"a{n:04d}", path=f"/corpus/{n:04d}.txt",
            place="NAIROBI" if n % 6 == 0 else None))
    return articles


def build(folder, articles, *, stock: bool, segments: int = 1):
    """An index of ``articles`` in ``segments`` commits, with Whoosh's W3 codec or the array codec."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), S.make_schema()) if stock else \
        C.create_array_index(str(folder), S.make_schema())
    per = -(-len(articles) // segments)
    for start in range(0, len(articles), per):
        writer = ix.writer()
        for article in articles[start:start + per]:
            writer.add_document(**document(article))
        writer.commit(merge=False)
    return ix


def postings(reader, field: str):
    """Every term of a field with its documents, frequencies and positions (from Whoosh's matchers)."""
    out = {}
    fmt = reader.schema[field].format
    for term in reader.lexicon(field):
        m = reader.postings(field, term)
        rows = []
        while m.is_active():
            positions = m.value_as("positions") if fmt.supports("positions") else None
            rows.append((m.id(), m.weight(), positions))
            m.next()
        out[term] = rows
    return out


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    articles = make_articles(160)
    base = tmp_path_factory.mktemp("codec")
    return articles, build(base / "stock", articles, stock=True), build(base / "array", articles, stock=False)


INDEXED = [name for name, field in S.make_schema().items() if field.indexed]


@pytest.mark.parametrize("field", INDEXED)
def test_postings_lexicon_and_positions_equal_whoosh_w3(pair, field):
    _articles, stock, array = pair
    with stock.reader() as a, array.reader() as b:
        assert list(b.lexicon(field)) == list(a.lexicon(field))
        assert postings(b, field) == postings(a, field)
        for term in list(a.lexicon(field))[:50]:
            assert b.doc_frequency(field, term) == a.doc_frequency(field, term)
            assert b.frequency(field, term) == a.frequency(field, term)


def test_stored_fields_columns_and_field_totals_equal_whoosh_w3(pair):
    _articles, stock, array = pair
    with stock.reader() as a, array.reader() as b:
        assert list(b.all_stored_fields()) == list(a.all_stored_fields())
        for column in (S.DATE, S.SOURCE, S.LANGUAGE):
            assert list(b.column_reader(column, translate=False)) == list(a.column_reader(column, translate=False))
        for field in (S.TEXT, S.HEADLINE, S.CAPTIONS, S.SOURCE):
            assert b.field_length(field) == a.field_length(field)


def test_field_lengths_are_exact_where_w3_rounds_them(pair):
    _articles, stock, array = pair
    with array.reader() as b, stock.reader() as a:
        exact = [len(list(postings_of(b, n))) for n in range(b.doc_count_all())]
        assert [b.doc_field_length(n, S.TEXT) for n in range(b.doc_count_all())] == exact
        rounded = [a.doc_field_length(n, S.TEXT) for n in range(a.doc_count_all())]
        assert rounded != exact  # W3 keeps a one-byte approximation of long lengths


def postings_of(reader, docnum):
    """The positions of every term of the text field in one document (from the arrays)."""
    arrays = C.field_arrays(reader, S.TEXT)
    offsets = arrays.positions_offsets()
    for index in np.flatnonzero(arrays.docs == docnum):
        yield from arrays.positions[offsets[index]:offsets[index + 1]].tolist()


QUERIES = ["sanctions", "oil prices", '"oil prices"', "korea OR japan", "storm NOT flood", "harb*",
           "headline:budget", "source:afp", "author:okafor", "place:nairobi", "sanctions économiques",
           "date:2022-03", "date:[2022-02-01 TO 2022-05-31] AND wages", "rail ferry strike union"]


@pytest.mark.parametrize("text", QUERIES)
def test_searches_find_the_same_articles_as_whoosh_w3(pair, text):
    """Totals and hits agree; scores differ only by W3's rounding of field lengths."""
    _articles, stock, array = pair
    with stock.searcher(weighting=S.make_scoring()) as a, array.searcher(weighting=S.make_scoring()) as b:
        want = run_search(a, text, limit=200, highlight=False)
        got = run_search(b, text, limit=200, highlight=False)
        assert got.total == want.total and got.all_words_total == want.all_words_total
        assert {h.id for h in got.hits} == {h.id for h in want.hits}
        scores = {h.id: h.score for h in want.hits}
        for hit in got.hits:
            assert hit.score == pytest.approx(scores[hit.id], rel=0.05)


def test_merging_keeps_exactly_the_live_documents_in_order(tmp_path):
    articles = make_articles(90, seed=9)
    array = build(tmp_path / "segments", articles, stock=False, segments=3)
    doomed = {a.id for a in articles[5:70:4]}
    with array.writer() as writer:
        for article_id in doomed:
            writer.delete_by_term(S.ID, article_id)
    segments = array._segments()
    assert len(segments) == 3 and sum(s.deleted_count() for s in segments) == len(doomed)
    merged = merge_segments(array, segments)
    writer = array.writer()
    writer._close_segment()
    writer._commit_toc([merged])
    writer._finish()
    live = [a for a in articles if a.id not in doomed]
    fresh = build(tmp_path / "fresh", live, stock=False)
    with array.reader() as got, fresh.reader() as want:
        assert got.doc_count_all() == len(live) and not got.has_deletions()
        assert list(got.all_stored_fields()) == list(want.all_stored_fields())
        for field in INDEXED:
            assert postings(got, field) == postings(want, field), field
        for field in (S.TEXT, S.HEADLINE):
            assert got.field_length(field) == want.field_length(field)  # exact sums, not rounded bytes


def test_a_reader_open_before_a_merge_reads_stored_fields_after_the_merge_deleted_its_files(tmp_path):
    """A search that began before a writer merged its segments away must still read them (it opened them)."""
    articles = make_articles(60, seed=3)
    array = build(tmp_path / "ix", articles, stock=False, segments=3)
    reader = array.reader()
    try:
        before = set(tmp_path.joinpath("ix").iterdir())
        with array.writer() as writer:
            writer.add_document(**document(make_articles(1, seed=4)[0]))
            writer.optimize = True  # merges the three segments into one and deletes their files
        gone = before - set(tmp_path.joinpath("ix").iterdir())
        assert any(path.name.endswith("._stored.col") for path in gone)
        stored = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
        assert [fields[S.ID] for fields in stored] == [a.id for a in articles]
        count = reader.doc_count_all()
        dated = C.column_numbers(reader.column_reader(S.DATE, translate=False), count)
        assert int((dated != dated.max()).sum()) == sum(a.date is not None for a in articles)
        assert reader.doc_field_length(0, S.TEXT) > 0
    finally:
        reader.close()


def test_block_quality_skipping_gives_the_true_top_ten(tmp_path):
    """Whoosh's top-N collector skips blocks by their best possible score; the blocks' statistics must hold."""
    rng = random.Random(2)
    articles = [Article(headline="x", body=(" ".join(rng.choices(WORDS[:6], k=rng.randint(5, 400))),),
                        id=f"b{n}", language="en") for n in range(700)]
    array = build(tmp_path / "blocks", articles, stock=False)
    with array.searcher(weighting=S.make_scoring()) as searcher:
        for word in WORDS[:6]:
            q = query.Term(S.TEXT, word)
            everything = [round(h.score, 9) for h in searcher.search(q, limit=None)][:10]
            top = [round(h.score, 9) for h in searcher.search(q, limit=10)]
            assert top == everything


def test_matcher_skips_and_copies_like_a_whoosh_matcher(pair):
    _articles, _stock, array = pair
    with array.reader() as reader:
        term = max(reader.lexicon(S.TEXT), key=lambda t: reader.doc_frequency(S.TEXT, t))
        ids = list(reader.postings(S.TEXT, term).all_ids())
        m = reader.postings(S.TEXT, term)
        m.skip_to(ids[5] + 1)
        assert m.id() == ids[6]
        twin = m.copy()
        m.next()
        assert twin.id() == ids[6] and m.id() == ids[7]
        m.skip_to(ids[-1] + 1)
        assert not m.is_active()


def test_segments_pickle_without_their_writer_and_keep_their_layout(tmp_path):
    array = build(tmp_path / "one", make_articles(10), stock=False)
    segment = array._segments()[0]
    assert isinstance(segment, C.ArraySegment) and segment.version == C.CODEC_VERSION
    copy = pickle.loads(pickle.dumps(segment))
    assert copy.layout == segment.layout and not hasattr(copy, "_arrays_writer")
    assert any(name.endswith("/docs") for name in copy.layout)


def test_an_index_of_the_old_format_asks_to_be_rebuilt(tmp_path):
    build(tmp_path / "old", make_articles(5), stock=True)
    with pytest.raises(IndexCorrupt, match="older version of searchnews, in another storage format; rebuild"):
        NewsIndex.open(tmp_path / "old")


def test_writers_of_an_index_always_use_the_array_codec(tmp_path):
    with NewsIndex.create(tmp_path / "ix") as ix:
        writer = ix._ix.writer()
        try:
            assert isinstance(writer, C.ArraySegmentWriter)
        finally:
            writer.cancel()


def test_the_whoosh_internals_the_codec_relies_on_are_there(tmp_path):
    """The private attributes named in the codec's docstring (pinned Whoosh version)."""
    ix = C.create_array_index(str(tmp_path), S.make_schema())
    writer = SegmentWriter(ix)
    try:
        for name in ("schema", "docnum", "perdocwriter", "fieldwriter", "newsegment", "storage", "_added"):
            assert hasattr(writer, name), name
        for name in ("_check_state", "_check_fields", "write_per_doc", "_flush_segment", "_finalize_segment",
                     "_close_segment"):
            assert callable(getattr(writer, name)), name
        pdw = writer.perdocwriter
        for name in ("_storedfields", "_fieldlengths", "_doccount", "_segment"):
            assert hasattr(pdw, name), name
    finally:
        writer.cancel()
    for name in ("_tindex", "_keycoder"):
        assert name in whoosh3.W3TermsReader.__init__.__code__.co_names or hasattr(whoosh3.W3TermsReader, name)
    assert {"_terms", "_perdoc"} <= set(SegmentReader.__init__.__code__.co_names)
    assert whoosh3.W3TermInfo._struct.format in ("!BfIBBfII", b"!BfIBBfII")


def test_the_whoosh_internals_the_rest_of_searchnews_reads_through_the_codec(tmp_path):
    """What the helpers at the end of codec.py read, on the pinned Whoosh version, on a real index."""
    from whoosh import columns as whoosh_columns
    from whoosh.index import TOC
    from whoosh.query import NumericRange, Prefix

    ix = build(tmp_path / "ix", make_articles(30), stock=False, segments=2)
    with ix.writer() as writer:
        writer.delete_by_term(S.ID, "a0003")
        writer.merge = False
    assert callable(Prefix._btexts) and callable(NumericRange._compile_query)
    assert isinstance(S.make_scoring()._field_B, dict)
    assert C.read_toc(ix).generation == C.latest_generation(ix.storage) == TOC._latest_generation(ix.storage, "MAIN")
    assert [s.segment_id() for s in C.index_segments(ix)] == [s.segment_id() for s in ix._segments()]
    with ix.reader() as reader:
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        assert sum(len(C.deleted_docnums(leaf)) for leaf in leaves) == 1
        leaf = leaves[0]
        count = leaf.doc_count_all()
        numbers = C.column_numbers(leaf.column_reader(S.DATE, translate=False), count)
        assert numbers.tolist() == list(leaf.column_reader(S.DATE, translate=False))
        texts = C.column_texts(leaf.column_reader(S.SOURCE, translate=False), count)
        assert texts == [v.decode() if v else None for v in leaf.column_reader(S.SOURCE, translate=False)]
        for column in (leaf.column_reader(S.DATE, translate=False), leaf.column_reader(S.SOURCE, translate=False)):
            if isinstance(column, whoosh_columns.NumericColumn.Reader):
                assert {"_typecode", "_count", "_default", "_dbfile", "_basepos"} <= set(vars(column))
            if isinstance(column, whoosh_columns.VarBytesColumn.Reader):
                assert {"_lengths", "_dbfile", "_basepos"} <= set(vars(column))
        word = next(iter(leaf.lexicon(S.TEXT)))
        assert C.term_location(leaf, S.TEXT, word)[1] == leaf.doc_frequency(S.TEXT, word)
        assert C.term_location(leaf, S.TEXT, b"zzzzunknown") is None
