"""Query plans: how the words of a query become the Whoosh queries that match, rank and count articles.

A plan is made once per search from the parsed query and the index's
statistics; :mod:`searchnews.search.searching` runs it (stage 1½, between
parsing and evaluating). Every ranking
technique here is a rewrite into a Whoosh query tree (terms with boosts,
``Or``, ``AndMaybe``, phrases with slop), so any evaluator of such trees runs
the same plan.

Terms:
    word
        A plain word of the query: looked for in the text, not inside quotes,
        not a field value, not after NOT. Stop words (in every language of the
        index) are not words here: they match nothing.
    document frequency (df)
        How many articles hold a word, summed over its terms in the index's
        languages; ``N`` is the number of articles.
    query-word weight
        How much a word counts in the ranking: a word written ``n`` times in
        the query counts ``n`` times (query term frequency, as SQLite FTS5 and
        Lucene do with a repeated word), saturated by :data:`QUERY_TF_K3`
        (BM25's ``k3``): ``(k3 + 1) n / (k3 + n)``.
    informativeness
        A word's weight times its IDF (BM25's, see :class:`searchnews.index.schema.NewsBM25F`):
        the words of a pasted paragraph that it repeats and that few
        articles hold come first.
    scored words
        The words that decide which articles match: the most informative
        ones, at most :data:`MAX_SCORED_WORDS`, with at most
        :data:`MAX_POSTINGS` postings in all (one posting is one article
        holding a word: the work of a search grows with them). The most
        informative word is always scored. This is the cost guard: a query
        of any length is answered, and its cost is bounded by these two
        numbers, not by how many words it has.
    dropped words
        The other words: left out of the search, the all-words tier included
        (the least informative, so the ranking barely changes).
        ``Plan.dropped`` lists them.
    short query
        A query of at most :data:`SHORT_WORDS` words (phrases count as
        words). Ranked in tiers: the articles with all the words first (the
        all-words tier), then those with some. A two-word query is best
        served so, and an article missing a word never outranks one that has
        them all.
    long query
        A longer one: a question, a sentence, a pasted paragraph. Few
        articles hold all of its words, so tiers would rank by whatever few
        articles happen to; it is ranked as one list, every article with a
        scored word by BM25F with the query-word weights.
    proximity
        For a long query, pairs of scored words next to each other in the
        query (stop words aside) found within :data:`PROXIMITY_SLOP`
        positions of each other in an article add :data:`PROXIMITY_WEIGHT`
        times their score (optional: they change the ranking, never which
        articles match); the most informative pairs, within
        :data:`MAX_PROXIMITY_PAIRS` and :data:`MAX_PROXIMITY_POSTINGS`.
    request words
        Words of a long query that ask for articles rather than say what
        about (:data:`REQUEST_WORDS`: "news", "articles", "find"…): left out,
        as stop words are.
    question
        A query that asks (a ``?``, or a first word such as "what", "how",
        "describe": :data:`QUESTION_WORDS`) rather than states.
    feedback
        Pseudo-relevance feedback: terms of the top documents of a first
        ranking added to the query (RM3, or Whoosh's Bo1). Measured and off
        (:data:`FEEDBACK_DOCS` is 0): it helps topical questions and costs
        known items and time (see the README's "Ranking quality").
    pasted text
        A query of more than :data:`PASTED_WORDS` words, without operators,
        that is not valid query syntax (pasted prose often holds ``<``, a
        colon after a word, an unbalanced quote) is searched as its words; a
        shorter one, or one with operators, gets the syntax error, since
        someone typed it.
    question mark
        A ``?`` that ends a word is punctuation ("what is inflation?"), not
        the one-letter wildcard it is inside a word (``colo?r``).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import logging
import math
import re
import weakref
from collections import Counter
from collections.abc import Iterator

from whoosh import query
from whoosh.query import Query

from ..errors import QuerySyntaxError
from ..index import schema as S
from ..index.analysis import WORD, is_stop, term_of
from .parse import expand_languages, has_operator, is_plain, parse_query, with_field_boosts

__all__ = [
    "FEEDBACK_DOCS",
    "MAX_POSTINGS",
    "MAX_PROXIMITY_PAIRS",
    "MAX_PROXIMITY_POSTINGS",
    "MAX_SCORED_WORDS",
    "PASTED_WORDS",
    "PROXIMITY_SLOP",
    "PROXIMITY_WEIGHT",
    "QUERY_TF_K3",
    "QUESTION_WORDS",
    "REQUEST_WORDS",
    "SHORT_WORDS",
    "Plan",
    "is_question",
    "make_plan",
    "parse",
    "text_plan",
    "with_feedback",
]

log = logging.getLogger(__name__)

#: The most words of one query that decide which articles match (see "scored words").
MAX_SCORED_WORDS = 24
#: The most postings the scored words may have in all; the most informative word is scored even past it.
#: Whoosh ranks about 100,000 postings a second here (BM25F with the headline and caption boosts): 0.4 s
#: of the 0.8 s time limit.
MAX_POSTINGS = 40_000
#: Queries of more words than this are long: ranked in one list instead of tiers.
SHORT_WORDS = 4
#: BM25's ``k3``: how fast a repeated query word's weight saturates (``math.inf``: it does not;
#: 0: a repeated word counts once).
QUERY_TF_K3 = math.inf
#: Proximity bonus of a long query: weight and slop of each pair of consecutive scored words (0: none).
PROXIMITY_WEIGHT = 0.25
PROXIMITY_SLOP = 3
#: The most pairs of words given a proximity bonus, and the most postings their rarer words may have in
#: all (each pair is a phrase to check in the articles that hold both words).
MAX_PROXIMITY_PAIRS = 8
MAX_PROXIMITY_POSTINGS = 10_000
#: Words of a long query that ask for articles rather than say what about ("I am looking for news
#: about…", "what articles deal with…"): left out of a long query, as stop words are.
REQUEST_WORDS = frozenset("article articles news story stories paper papers document documents "
                          "interested looking find want tell describe discuss exist please".split())
#: Queries of more words than this that are not valid syntax are searched as their words.
PASTED_WORDS = 12

_QUESTION_MARK = re.compile(r"(?<=\w)\?+(?=[\s\"')\]}.,;:!]|$)")


@dataclasses.dataclass(frozen=True)
class Plan:
    """The queries a search runs, all expanded into the index's languages.

    ``strict``: the articles with all the scored words (counted as ``all_words_total``,
    listed first by date sorts, counted by facets and timelines). ``loose``:
    the articles that match at all (with some scored word). ``first``: the
    scored query ranked first (the all-words tier, or the whole ranking of a
    long query); ``rest``: the scored query ranked after it, the articles of
    ``first`` left out (``None`` for a long query or one with nothing to
    relax). ``dropped``: the words left out by the cost guard; ``long``:
    whether the query was ranked as a long one.
    """

    strict: Query
    loose: Query
    first: Query
    rest: Query | None
    long: bool = False
    question: bool = False
    dropped: tuple[str, ...] = ()
    weight: float = 0.0  # the sum of the scored words' weights

    @property
    def tiered(self) -> bool:
        """True when ``loose`` matches more than ``strict`` (plain words to relax)."""
        return self.loose != self.strict


def parse(text: str, schema) -> tuple[Query, Query]:
    """:func:`searchnews.search.parse.parse_query`, with the reading of pasted text and question marks.

    See "pasted text" and "question mark" in the module terms.
    """
    text = _QUESTION_MARK.sub(" ", text)
    try:
        return parse_query(text, schema)
    except QuerySyntaxError:
        words = WORD.findall(text)
        if len(words) <= PASTED_WORDS or has_operator(text):
            raise
        log.debug("query of %d words is not valid syntax: searched as its words", len(words))
        return parse_query(" ".join(w.lower() for w in words), schema)


def query_tf_weight(count: int) -> float:
    """The weight of a word written ``count`` times in the query (see "query-word weight")."""
    if math.isinf(QUERY_TF_K3):
        return float(count)
    return (QUERY_TF_K3 + 1) * count / (QUERY_TF_K3 + count)


@dataclasses.dataclass(frozen=True)
class _Word:
    text: str
    df: int
    weight: float
    idf: float

    @property
    def informativeness(self) -> float:
        return self.weight * self.idf


def _plain_clauses(strict: Query) -> tuple[list[Query], list[Query]]:
    """The plain-word clauses (words, phrases) of an all-words query, and its other clauses."""
    clauses = strict.subqueries if isinstance(strict, query.And) else [strict]
    plain = [q for q in clauses if is_plain(q)]
    return plain, [q for q in clauses if not is_plain(q)]


def _words(terms: list[query.Term], counts: Counter[str], reader, languages) -> list[_Word]:
    n = max(reader.doc_count_all(), 1)
    words = []
    for leaf in terms:
        analysed = [term_of(leaf.text, language) for language in languages if not is_stop(leaf.text, language)]
        if not analysed:
            continue  # a stop word everywhere: matches nothing
        df = sum(_doc_frequency(reader, term) for term in set(analysed))
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        words.append(_Word(leaf.text, df, query_tf_weight(max(counts.get(leaf.text, 1), 1)), idf))
    return words


#: Per reader (one version of the index): document frequencies of the text field's terms already looked up.
_DF_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: A reader's cache is emptied when it holds this many terms.
DF_CACHE_SIZE = 200_000


def _doc_frequency(reader, term: str) -> int:
    """``reader.doc_frequency`` of a term of the text field, remembered for the reader (a lookup per segment)."""
    cache = _DF_CACHE.get(reader)
    if cache is None or len(cache) >= DF_CACHE_SIZE:
        cache = _DF_CACHE[reader] = {}
    df = cache.get(term)
    if df is None:
        df = cache[term] = reader.doc_frequency(S.SEARCH_FIELD, term)
    return df


def _guard(words: list[_Word]) -> tuple[list[_Word], list[_Word]]:
    """The scored words (most informative first) and the dropped ones (see the module terms)."""
    ordered = sorted(words, key=lambda w: (-w.informativeness, w.df, w.text))
    scored, dropped, postings = [], [], 0
    for word in ordered:
        if scored and (len(scored) >= MAX_SCORED_WORDS or postings + word.df > MAX_POSTINGS):
            dropped.append(word)
            continue
        scored.append(word)
        postings += word.df
    return scored, dropped


def _in_query_order(words: list[_Word], terms: list[query.Term]) -> list[_Word]:
    order = {leaf.text: i for i, leaf in enumerate(terms)}
    return sorted(words, key=lambda w: order[w.text])


def _proximity(scored: list[_Word], sequence: list[str]) -> Iterator[Query]:
    """Phrases with slop for the pairs of scored words next to each other in the query (stop words aside)."""
    if PROXIMITY_WEIGHT <= 0:
        return
    by_text = {w.text: w for w in scored}
    sequence = [w for w in sequence if not is_stop(w)]
    pairs = {(a, b) for a, b in itertools.pairwise(sequence) if a in by_text and b in by_text and a != b}
    ranked = sorted(pairs, key=lambda p: (-(by_text[p[0]].informativeness + by_text[p[1]].informativeness), p))
    postings = 0
    for a, b in ranked[:MAX_PROXIMITY_PAIRS]:
        cost = min(by_text[a].df, by_text[b].df)
        if postings + cost > MAX_PROXIMITY_POSTINGS:
            continue
        postings += cost
        yield query.Phrase(S.SEARCH_FIELD, [a, b], slop=PROXIMITY_SLOP, boost=PROXIMITY_WEIGHT)


def make_plan(text: str, strict_parsed: Query, loose_parsed: Query, reader, languages,
              long: bool | None = None) -> Plan:
    """The plan of a parsed query (``text`` as typed, for its repeated words), for an index's reader and languages.

    Stages:
        1. a query with nothing to relax (one word, operators) is ranked as it is;
        2. its plain words, with their document frequencies and weights;
        3. the cost guard: the scored words and the dropped ones;
        4. a short query: tiers; a long one: one ranking, with proximity.

    ``long`` overrides the choice between the two (see the module terms).
    """
    # 1. nothing to relax
    if loose_parsed == strict_parsed:
        strict = expand_languages(strict_parsed, languages)
        scored = expand_languages(with_field_boosts(strict_parsed), languages)
        return Plan(strict=strict, loose=strict, first=scored, rest=None)
    # 2. the words
    plain, constraints = _plain_clauses(strict_parsed)
    terms = [q for q in plain if isinstance(q, query.Term)]
    phrases = len(plain) - len(terms)
    sequence = list(reader.schema[S.SEARCH_FIELD].process_text(text, mode="query"))  # as the parser reads words
    words = _words(terms, Counter(sequence), reader, languages)
    if long is None:
        long = len(words) + phrases > SHORT_WORDS
    if long and REQUEST_WORDS:
        subject = [w for w in words if w.text not in REQUEST_WORDS]
        words = subject if subject else words
    # 3. the cost guard
    scored, dropped = _guard(words)
    scored = _in_query_order(scored, terms)
    weights = {w.text: w.weight for w in scored}
    if not weights:  # stop words only: they match nothing, as before
        weights = {t.text: 1.0 for t in terms}
    clauses = _weighted(plain, weights)
    matching: Query = query.Or(clauses) if len(clauses) > 1 else clauses[0]
    if constraints:
        matching = query.And([*constraints, matching])
    plain_ids = {id(q) for q in plain}
    all_words = _weighted(strict_parsed.subqueries, weights, keep=lambda q: id(q) not in plain_ids)
    strict_kept: Query = query.And(all_words) if len(all_words) > 1 else all_words[0]
    strict = expand_languages(strict_kept, languages)
    loose = expand_languages(matching, languages, stop_filters=False)
    if dropped:
        log.debug("query words left out by the cost guard: %s", " ".join(w.text for w in dropped))
    dropped_words = tuple(w.text for w in dropped)
    # 4. short: tiers; long: one ranking
    if not long:
        first = expand_languages(with_field_boosts(strict_kept), languages)
        rest = expand_languages(with_field_boosts(matching), languages, stop_filters=False)
        return Plan(strict=strict, loose=loose, first=first, rest=rest, dropped=dropped_words)
    ranking = with_field_boosts(matching)
    bonus = list(_proximity(scored, sequence))
    if bonus:
        ranking = query.AndMaybe(ranking, query.Or(bonus))
    first = expand_languages(ranking, languages, stop_filters=False)
    return Plan(strict=strict, loose=loose, first=first, rest=None, long=True, dropped=dropped_words,
                weight=sum(w.weight for w in scored), question=is_question(text))


def _weighted(clauses, weights: dict[str, float], keep=lambda q: False) -> list[Query]:
    """``clauses`` in their order, the words not in ``weights`` left out (unless ``keep``), the others boosted."""
    out = []
    for clause in clauses:
        if isinstance(clause, query.Term) and not keep(clause):
            if clause.text not in weights:
                continue
            if weights[clause.text] != 1:
                clause = copy.copy(clause)
                clause.boost *= weights[clause.text]
        out.append(clause)
    return out


def text_plan(text: str, searcher, languages) -> Plan | None:
    """The plan of an article's text searched as a long query (similar articles); ``None`` without words.

    Its words of three letters or more, figures left out: figures are rare,
    so they would rank high, but two earnings tables sharing a figure are not
    the same story.
    """
    field = searcher.schema[S.SEARCH_FIELD]
    words = [w for w in field.process_text(text, mode="query") if len(w) >= 3 and w.isalpha()]
    if not words:
        return None
    terms = [query.Term(S.SEARCH_FIELD, w) for w in dict.fromkeys(words)]
    strict, loose = (query.And(terms), query.Or(terms)) if len(terms) > 1 else (terms[0], terms[0])
    return make_plan(" ".join(words), strict, loose, searcher.reader(), languages, long=True)


#: Pseudo-relevance feedback of a long query: the top documents read (0: none), the terms added, and
#: their share of the query's weight (RM3's lambda).
FEEDBACK_DOCS = 0
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 0.3
#: "rm3" (term probabilities in the top documents, weighted by their scores) or "bo1" (Whoosh's Bo1).
FEEDBACK_MODEL = "rm3"
#: Feedback only for questions (see :func:`is_question`).
FEEDBACK_QUESTIONS_ONLY = True
#: Words that open a question or a request for articles on a subject.
QUESTION_WORDS = frozenset("what which who whom whose why when where how is are was were do does did can could "
                           "should would will has have describe explain find give list tell show".split())


def is_question(text: str) -> bool:
    """True for a question or a request ("what did…", "how…?", "describe…"), not a statement pasted from an article."""
    words = WORD.findall(text)
    return "?" in text or (bool(words) and words[0].lower() in QUESTION_WORDS)


def _doc_terms(searcher, docnum: int) -> Counter[str]:
    from ..index.analysis import NewsAnalyzer, mark_language

    stored = searcher.stored_fields(docnum)
    text = S.PARAGRAPH_SEPARATOR.join(x for x in (stored.get(S.HEADLINE), stored.get(S.CAPTIONS),
                                                  stored.get(S.BODY)) if x)
    return Counter(NewsAnalyzer().terms(mark_language(text, stored.get(S.LANGUAGE))))


def _is_word(term: str) -> bool:
    return len(term) >= 3 and term.isalpha()


def feedback_terms(searcher, top: list[tuple[int, float]]) -> list[tuple[str, float]]:
    """Expansion terms from the top documents ``(docnum, score)``, with weights summing to 1."""
    reader = searcher.reader()
    n = max(reader.doc_count_all(), 1)
    docs = [(_doc_terms(searcher, docnum), score) for docnum, score in top]
    if FEEDBACK_MODEL == "bo1":
        from whoosh import classify

        expander = classify.Expander(reader, S.SEARCH_FIELD, model=classify.Bo1Model)
        for counts, _ in docs:
            expander.add(counts.items())
        found = [(t, w) for t, w in expander.expanded_terms(FEEDBACK_TERMS * 3) if _is_word(t)]
    else:
        total_score = sum(score for _, score in docs) or 1.0
        weights: Counter[str] = Counter()
        for counts, score in docs:
            length = sum(counts.values()) or 1
            for term, count in counts.items():
                weights[term] += count / length * score / total_score
        found = [(t, w) for t, w in weights.most_common(FEEDBACK_TERMS * 5)
                 if _is_word(t) and 2 <= reader.doc_frequency(S.SEARCH_FIELD, t) <= n / 10]
    found = found[:FEEDBACK_TERMS]
    total = sum(w for _, w in found) or 1.0
    return [(t, w / total) for t, w in found]


def with_feedback(plan: Plan, searcher, evaluator, allowed=None) -> Plan:
    """``plan`` with its ranking widened by the feedback terms of its top documents (rank only, never match).

    Only for a long query, and a question when :data:`FEEDBACK_QUESTIONS_ONLY`;
    off while :data:`FEEDBACK_DOCS` is 0 (see the README's "Ranking quality").
    ``evaluator`` evaluates the first pass (:mod:`searchnews.search.evaluate`);
    ``allowed`` is the search's filters (:mod:`searchnews.search.collect`).
    """
    if not (FEEDBACK_DOCS and plan.long and (plan.question or not FEEDBACK_QUESTIONS_ONLY)):
        return plan
    from .collect import restrict, top

    docs, scores = top(restrict(evaluator.evaluate(plan.first), allowed), FEEDBACK_DOCS)
    found = feedback_terms(searcher, list(zip(docs.tolist(), scores.tolist(), strict=True)))
    if not found:
        return plan
    share = plan.weight * FEEDBACK_WEIGHT / (1 - FEEDBACK_WEIGHT)
    extra = query.Or([query.Term(S.SEARCH_FIELD, t, boost=share * w) for t, w in found])
    return dataclasses.replace(plan, first=query.AndMaybe(plan.first, extra))
