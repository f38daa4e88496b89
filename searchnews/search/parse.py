"""Parsing and rewriting: query text → the Whoosh queries a search evaluates.

Terms:
    all-words query
        The query as typed (plain words joined by AND), parsed by Whoosh's
        query parser with searchnews' field names (:data:`searchnews.index.schema.FIELD_ALIASES`).
    any-word query
        The same constraints (fields, dates, NOT) with the plain words joined
        by OR: the second tier of a search (see :mod:`searchnews.search.searching`).
    field boosts
        Optional copies of the plain words in the headline and captions
        fields (``ANDMAYBE``), which add to the score and never change which
        articles match (:func:`with_field_boosts`).
    language expansion
        A query word replaced by its term in every analysis language of the
        index (:func:`expand_languages`), since query words are not stemmed
        when parsed: "Sanktionen" is ``sanktionen`` in English, ``sanktion``
        in German.
    expansion
        The index words a wildcard or a range of words stands for; more than
        :data:`MAX_EXPANSIONS` is refused (:func:`check_expansions`).
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator

from whoosh import qparser, query
from whoosh.query import Query
from whoosh.searching import Searcher
from whoosh.util.times import TimeError

from ..errors import QuerySyntaxError
from ..index import schema as S
from ..index.analysis import DEFAULT_LANGUAGE, analysis_language, is_stop, term_of
from ..index.codec import expanded_words
from .querysyntax import check_query

__all__ = [
    "ANALYSED_FIELDS",
    "MAX_EXPANSIONS",
    "check_expansions",
    "expand_languages",
    "has_language_filter",
    "has_operator",
    "index_languages",
    "is_plain",
    "make_parser",
    "parse_query",
    "text_leaves",
    "with_field_boosts",
]


def make_parser(schema, group=qparser.AndGroup) -> qparser.QueryParser:
    """A Whoosh parser for our syntax: plain words in the all-text field, friendly field names, dates."""
    parser = qparser.QueryParser(S.SEARCH_FIELD, schema, group=group)
    aliases: dict[str, list[str]] = {}
    for alias, field in S.FIELD_ALIASES.items():
        if alias != field:
            aliases.setdefault(field, []).append(alias)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


class _Parsers:
    """The parser for a schema, built once (building one costs more than parsing)."""

    def __init__(self, schema) -> None:
        self.strict = make_parser(schema, qparser.AndGroup)


_PARSERS: dict[int, _Parsers] = {}


def _parsers(schema) -> _Parsers:
    key = id(schema)
    if key not in _PARSERS:
        _PARSERS[key] = _Parsers(schema)
    return _PARSERS[key]


_OPERATORS = re.compile(r'"[^"]*"|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b')


def has_operator(text: str) -> bool:
    return any(not m.group().startswith('"') for m in _OPERATORS.finditer(text))


def is_plain(q: Query) -> bool:
    """True for a clause made of words or phrases looked for in the text fields only."""
    if isinstance(q, (query.Not, query.NumericRange, query.DateRange, query.AndNot)):
        return False
    if q.is_leaf():
        return q.field() == S.SEARCH_FIELD
    return all(is_plain(child) for child in q.children())


def text_leaves(q: Query) -> Iterator[Query]:
    """The leaves of ``q`` that look for words in the all-text field, outside NOT."""
    if isinstance(q, (query.Not, query.AndNot)):
        if isinstance(q, query.AndNot):
            yield from text_leaves(q.a)
        return
    if q.is_leaf():
        if q.field() == S.SEARCH_FIELD:
            yield q
        return
    for child in q.children():
        yield from text_leaves(child)


#: Queries of more plain words than this get no proximity boost (a long phrase query is slow).
MAX_PROXIMITY_WORDS = 6


def with_field_boosts(q: Query) -> Query:
    """``q``, scored higher where its words are also in the headline or captions, or near each other.

    The words' copies in :data:`searchnews.schema.BOOST_FIELDS` and the
    proximity clause (:data:`searchnews.schema.PROXIMITY_WEIGHT`) are
    optional (``ANDMAYBE``): they change the ranking, never which articles match.
    """
    boosts = []
    leaves = list(text_leaves(q))
    for leaf in leaves:
        for field, weight in S.BOOST_FIELDS.items():
            clone = copy.copy(leaf)
            clone.fieldname = field
            clone.boost = leaf.boost * weight
            boosts.append(clone)
    words = [leaf.text for leaf in leaves if isinstance(leaf, query.Term)]
    if S.PROXIMITY_WEIGHT > 0 and 2 <= len(words) <= MAX_PROXIMITY_WORDS:
        boosts.append(query.Phrase(S.SEARCH_FIELD, words, slop=S.PROXIMITY_SLOP, boost=S.PROXIMITY_WEIGHT))
    if not boosts:
        return q
    return query.AndMaybe(q, query.Or(boosts))


def parse_query(text: str, schema) -> tuple[Query, Query]:
    """Check and parse a query; returns the all-words query and the relaxed query.

    The relaxed query keeps every constraint (fields, dates, NOT) but needs
    only one of the plain words or phrases. The two are the same query when
    there is nothing to relax: a single word, or explicit operators.
    """
    checked = check_query(text)
    try:
        strict = _parsers(schema).strict.parse(checked)
    except (TimeError, ValueError, OverflowError) as exc:
        raise QuerySyntaxError(f"invalid date in the query ({exc})", text, None) from None
    except Exception as exc:  # Whoosh's parser: IndexError on "< 0", bare Exception on "?date:[/TO]"
        raise QuerySyntaxError(f"the query cannot be read ({exc or type(exc).__name__})", text, None) from None
    if has_operator(checked) or not isinstance(strict, query.And):
        return strict, strict
    plain = [q for q in strict.subqueries if is_plain(q)]
    if len(plain) < 2:
        return strict, strict
    constraints = [q for q in strict.subqueries if not is_plain(q)]
    relaxed = query.Or(plain)
    return strict, (query.And([*constraints, relaxed]) if constraints else relaxed)


#: The fields analysed per language, whose query words are expanded into each language's terms.
ANALYSED_FIELDS = frozenset(S.FIELD_WEIGHTS)


def index_languages(searcher: Searcher) -> tuple[str, ...]:
    """The analysis languages of the articles in the index (English always: the default)."""
    codes = {value.decode("utf-8") if isinstance(value, bytes) else value
             for value in searcher.reader().lexicon(S.LANGUAGE)}
    languages = {DEFAULT_LANGUAGE} | {analysis_language(code) for code in codes}
    return tuple(sorted(languages))


#: The boost of a language filter: next to nothing, but not 0 (see :func:`_language_filter`).
_FILTER_BOOST = 1e-9


def _language_filter(language: str) -> Query:
    # Matches the articles of one language, adding nothing to their score. (Whoosh's
    # ConstantScoreQuery cannot sit inside an Or: it has no boost attribute. And not boost=0:
    # Whoosh's skip_to_quality divides by the boost, a ZeroDivisionError on queries like "je".)
    return query.Term(S.LANGUAGE, language, boost=_FILTER_BOOST)


def _alternatives(field: str, words: list[str], slop: int, boost: float, languages, use_filters: bool) -> Query:
    """A word (or phrase) in each language: its terms there, or, where it is a stop word, that language.

    An English stop word standing alone is ignored, as in an English-only
    index, and so is a phrase of English stop words ("the and"; it matched
    every English article through the language filter); a French or German
    stop word ("war" is one in German) matches every article of that
    language, so it never empties an English query.
    """
    if all(is_stop(word, DEFAULT_LANGUAGE) for word in words):
        return query.NullQuery
    alternatives: list[Query] = []
    seen: set[tuple] = set()
    stopped_in = []
    for language in languages:
        terms = [term_of(w, language) for w in words if not is_stop(w, language)]
        if not terms:
            stopped_in.append(language)
            continue
        key = tuple(terms)
        if key in seen:
            continue
        seen.add(key)
        if len(terms) == 1:
            alternatives.append(query.Term(field, terms[0], boost=boost))
        else:
            alternatives.append(query.Phrase(field, terms, slop=slop, boost=boost))
    if not alternatives:
        return query.NullQuery  # stop words in every language of the index: ignored, as before
    if use_filters:
        alternatives.extend(_language_filter(language) for language in stopped_in)
    return alternatives[0] if len(alternatives) == 1 else query.Or(alternatives)


def has_language_filter(q: Query) -> bool:
    """True when ``q`` holds a language filter of :func:`_alternatives` (a stop word's language)."""
    return any(isinstance(leaf, query.Term) and leaf.fieldname == S.LANGUAGE and leaf.boost == _FILTER_BOOST
               for leaf in q.leaves())


def expand_languages(q: Query, languages, *, stop_filters: bool = True) -> Query:
    """``q`` with each word in an analysed field replaced by its terms in every language of the index.

    In query mode the analyzer leaves words unstemmed (see :mod:`searchnews.analysis`);
    "Sanktionen" becomes ``sanktionen`` (English) or ``sanktion`` (German). With
    ``stop_filters`` a word that is a stop word in a language matches all that
    language's articles (right for all-words queries); without, it matches none
    there (right for the any-word tier, where such a match would match nothing real).
    """

    def visit(node: Query) -> Query:
        if isinstance(node, query.Term) and node.fieldname in ANALYSED_FIELDS:
            return _alternatives(node.fieldname, [node.text], 1, node.boost, languages, stop_filters)
        if isinstance(node, query.Phrase) and node.fieldname in ANALYSED_FIELDS:
            return _alternatives(node.fieldname, list(node.words), node.slop, node.boost, languages, stop_filters)
        return node

    return q.accept(visit).normalize()


#: The most index words one wildcard or range may stand for: each is a posting list to merge.
MAX_EXPANSIONS = 500


def _expansion_text(leaf: Query) -> tuple[str, str, str]:
    """How a multi-word leaf reads in a message: its text, where it starts in the query, and the advice.

    Where it starts is the text of a wildcard, or either bracket of a range.
    """
    if isinstance(leaf, query.TermRange):
        start, end = leaf.start or "", leaf.end or ""
        return f"[{start} TO {end}]".replace("[ TO", "[TO").replace(" ]", "]"), "[{", "narrow the range"
    text = leaf.text + ("*" if isinstance(leaf, query.Prefix) else "")
    return text, leaf.text, "add letters to narrow it"


def check_expansions(q: Query, reader, text: str) -> None:
    """Refuse a wildcard or a range of words that matches too many words of this index (it would be slow)."""
    for leaf in q.leaves():
        if isinstance(leaf, query.MultiTerm):
            count = sum(1 for _ in itertools.islice(expanded_words(leaf, reader), MAX_EXPANSIONS + 1))
            if count > MAX_EXPANSIONS:
                shown, needle, advice = _expansion_text(leaf)
                if needle == "[{":
                    found = re.search(r"[\[{]", text)
                    position = found.start() if found else -1
                else:
                    position = text.lower().find(needle.lower())
                raise QuerySyntaxError(f"{shown!r} matches more than {MAX_EXPANSIONS} words in the index: {advice}",
                                       text, position if position >= 0 else None)
