"""The vectorized evaluator against Whoosh's own matchers, on every query form, over several index layouts.

Whoosh's matcher path over the same index is the reference: the same
documents must match, with the same scores (to rounding: sums may be added
in another order).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from whoosh import query

from searchnews.index import schema as S
from searchnews.index.codec import create_array_index
from searchnews.index.documents import document
from searchnews.models import Article
from searchnews.search.evaluate import Evaluator, MatcherEvaluator, supports
from searchnews.search.parse import expand_languages, index_languages, parse_query, with_field_boosts

WORDS = ("sanctions missile launch korea japan oil prices opec tanker harbour dredging council vote budget "
         "minister inflation rates interest bank euro growth unemployment election ballot court appeal "
         "drought harvest wheat export port strike union wages rail ferry storm flood rescue village").split()
FRENCH = "les sanctions économiques contre le régime ont été renforcées par le conseil des ministres".split()


def articles(count: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        french = n % 9 == 4
        vocabulary = FRENCH if french else WORDS
        body = tuple(" ".join(rng.choices(vocabulary, k=rng.randint(2, 60))) + "." for _ in range(rng.randint(1, 3)))
        if n % 5 == 0:
            body += ("Interest rates rose as the central bank raised interest rates again.",)
        out.append(Article(
            headline=" ".join(rng.choices(vocabulary, k=rng.randint(2, 8))).capitalize(), body=body,
            captions=(" ".join(rng.choices(vocabulary, k=5)),) if n % 4 == 0 else (),
            source=("AFP", "Reuters", "Pacific Ledger", None)[n % 4],
            date=dt.datetime(2021 + n % 3, 1 + n % 12, 1 + n % 27) if n % 6 else None,
            language="fr" if french else "en", id=f"e{seed}-{n}", path=f"/c/{seed}/{n}.txt"))
    return out


@pytest.fixture(scope="module", params=["one segment", "five segments with deletions"])
def searcher(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("evaluate")
    ix = create_array_index(str(folder), S.make_schema())
    docs = articles(400, seed=11)
    parts = 1 if request.param == "one segment" else 5
    per = -(-len(docs) // parts)
    for start in range(0, len(docs), per):
        with ix.writer() as writer:
            for article in docs[start:start + per]:
                writer.add_document(**document(article))
            writer.merge = False
    if parts > 1:
        with ix.writer() as writer:
            for article in docs[3::7]:
                writer.delete_by_term(S.ID, article.id)
            writer.merge = False
    with ix.searcher(weighting=S.make_scoring()) as s:
        assert len(s.reader().leaf_readers()) == parts
        yield s


def reference(searcher, q, scored=True):
    """Whoosh's answer: every matching live document and its score.

    (Whoosh's ``InverseMatcher``, behind ``NOT`` at the top of a query, lets
    some deleted documents through on a multi-segment index; those are not
    answers, so they are left out here.)
    """
    reader = searcher.reader()
    if not scored:
        return sorted(d for d in searcher.docs_for_query(q) if not reader.is_deleted(d))
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None, scored=True)
            if not reader.is_deleted(hit.docnum)}


def check(searcher, q):
    evaluator = Evaluator(searcher)
    got = evaluator.evaluate(q)
    want = reference(searcher, q)
    assert got.docs.tolist() == sorted(want), q
    for docnum, score in zip(got.docs.tolist(), got.scores.tolist(), strict=True):
        assert score == pytest.approx(want[docnum], rel=1e-9, abs=1e-12), (q, docnum)
    unscored = evaluator.evaluate(q, scored=False)
    assert unscored.scores is None and unscored.docs.tolist() == reference(searcher, q, scored=False)
    read = MatcherEvaluator(searcher).evaluate(q)
    assert read.docs.tolist() == got.docs.tolist()
    assert read.scores.tolist() == pytest.approx(got.scores.tolist(), rel=1e-9, abs=1e-12)


SEARCHES = ["sanctions", "oil prices", "interest rates central bank", '"interest rates"', '"rates interest"',
            '"central bank raised interest rates"', "korea OR japan", "storm NOT flood", "NOT storm",
            "harb*", "ra?l", "headline:budget", "source:afp", "source:\"pacific ledger\"",
            "sanctions économiques", "les sanctions", "date:2022-03", "date:[2021-02-01 TO 2021-05-31] AND wages",
            "(oil OR wheat) AND NOT (storm OR flood)", "caption:village", "rail ferry strike union",
            "budget ANDMAYBE minister", "lang:fr", "zzzunknown", "oil zzzunknown"]


@pytest.mark.parametrize("text", SEARCHES)
def test_parsed_searches_match_whoosh(searcher, text):
    """The trees run_search builds: the all-words query with headline/caption boosts, and the any-word query."""
    languages = index_languages(searcher)
    strict, loose = parse_query(text, searcher.schema)
    for q in (expand_languages(with_field_boosts(strict), languages),
              expand_languages(with_field_boosts(loose), languages, stop_filters=False),
              expand_languages(strict, languages)):
        check(searcher, q)


T = S.TEXT
HAND_MADE = [
    query.Term(T, "oil", boost=2.5),
    query.And([query.Term(T, "oil"), query.Not(query.Term(T, "storm"))]),
    query.Or([query.Term(T, "wheat"), query.Not(query.Term(T, "oil"))]),
    query.Not(query.Term(T, "oil")),
    query.Every(),
    query.Every(boost=3.0),
    query.Phrase(T, ["interest", "rate"]),
    query.Phrase(T, ["rate", "rate"]),
    query.Phrase(T, ["interest", "rate"], slop=3),
    query.Phrase(S.HEADLINE, ["oil", "price"], boost=0.25),
    query.Prefix(T, "ra"),
    query.Prefix(T, "unemploy", boost=2.0),
    query.Wildcard(T, "*ain"),
    query.FuzzyTerm(T, "harvst"),
    query.TermRange(T, "ra", "rb"),
    query.DateRange(S.DATE, dt.datetime(2021, 3, 1), dt.datetime(2022, 6, 30)),
    query.ConstantScoreQuery(query.Term(T, "oil"), 4.0),
    query.Require(query.Term(T, "oil"), query.Term(T, "price")),
    query.AndMaybe(query.Term(T, "oil"), query.Or([query.Term(S.HEADLINE, "oil", boost=0.25)])),
    query.AndNot(query.Or([query.Term(T, "oil"), query.Term(T, "wheat")]), query.Term(T, "storm")),
    query.DisjunctionMax([query.Term(T, "oil"), query.Term(S.HEADLINE, "oil")]),
    query.Ordered([query.Term(T, "interest"), query.Term(T, "rate")]),
    query.Or([query.Term(T, "oil"), query.Term(T, "wheat"), query.Term(T, "rail")], boost=1.5),
    query.And([query.Or([query.Term(T, w) for w in WORDS[:12]]), query.Term(T, "bank")]),
    query.Term(S.LANGUAGE, "fr", boost=1e-9),
    query.Term(S.ID, "e11-5"),
    query.NullQuery,
]


@pytest.mark.parametrize("q", HAND_MADE, ids=[repr(q)[:60] for q in HAND_MADE])
def test_every_query_form_matches_whoosh(searcher, q):
    check(searcher, q)


def test_the_evaluator_stands_in_only_for_bm25f_over_the_array_codec(searcher):
    from whoosh import scoring
    from whoosh.searching import Searcher

    assert supports(searcher)
    assert not supports(Searcher(searcher.reader(), weighting=scoring.TF_IDF(), closereader=False))


def test_the_reference_path_stops_at_its_deadline(searcher):
    from searchnews.search.budget import Deadline

    reference_path = MatcherEvaluator(searcher, deadline=Deadline(-1.0, -1.0))
    found = reference_path.evaluate(query.Every())
    assert reference_path.partial and len(found) < searcher.doc_count()
