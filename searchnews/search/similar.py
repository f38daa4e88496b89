"""More like this: the articles on the same story as a given article.

Terms:
    key terms
        The words that best tell an article apart from the rest of the index,
        chosen by Whoosh's Bo1 query-expansion model over the all-text field
        (:data:`SIMILAR_MODEL`), figures left out: two earnings tables sharing
        a figure are not the same story. The :data:`SIMILAR_TERMS` best are
        searched for, each weighted by its Bo1 score.
"""

from __future__ import annotations

import time

import numpy as np
from whoosh import classify, query
from whoosh.query import Query
from whoosh.searching import Searcher

from ..errors import ArticleNotFound
from ..index import schema as S
from ..index.analysis import mark_language
from ..models import SearchResults
from .budget import Deadline
from .collect import count_folded, restrict, top
from .context import SearchContext
from .highlighting import Wanted
from .searching import MIN_BUDGET, SNIPPETS, TIME_LIMIT, SearchOptions, estimate, page_hits

__all__ = ["SIMILAR_MODEL", "SIMILAR_TERMS", "key_terms", "similar_articles"]

#: Key terms of an article that "similar" searches for.
SIMILAR_TERMS = 25
#: The expansion model that picks them (see whoosh.classify).
SIMILAR_MODEL = classify.Bo1Model


def _is_word_term(term: str) -> bool:
    """True for an index term made of letters (after any language marker), at least three."""
    word = term.rsplit("\x1d", 1)[-1]
    return len(word) >= 3 and word.isalpha()


def key_terms(searcher: Searcher, stored: dict) -> list[tuple[str, float]]:
    """The key terms of a stored article (see the module terms), best first, with their weights."""
    text = S.PARAGRAPH_SEPARATOR.join(x for x in (stored.get(S.HEADLINE), stored.get(S.CAPTIONS),
                                                  stored.get(S.BODY)) if x)
    candidates = searcher.key_terms_from_text(S.TEXT, mark_language(text, stored.get(S.LANGUAGE)),
                                              numterms=SIMILAR_TERMS * 3, model=SIMILAR_MODEL)
    return [(term, weight) for term, weight in candidates if _is_word_term(term)][:SIMILAR_TERMS]


def similar_articles(searcher: Searcher, article_id: str, options: SearchOptions | None = None, *,
                     context: SearchContext | None = None) -> SearchResults:
    """Articles on the same story as ``article_id``: its key terms, searched for.

    The article and its copies are left out; ``options`` apply (filters,
    folding, the page, ``sort``).
    """
    options = options or SearchOptions()
    context = context or SearchContext(searcher)
    started = time.perf_counter()
    docnum = searcher.document_number(**{S.ID: article_id})
    if docnum is None:
        raise ArticleNotFound(f"no article with id {article_id!r}")
    terms = key_terms(searcher, searcher.stored_fields(docnum))
    label = f"similar to {article_id}"
    if not terms:
        return SearchResults(query=label, total=0, hits=(), took=time.perf_counter() - started,
                             offset=options.offset, sort=options.sort)
    q: Query = query.Or([query.Term(S.TEXT, term, boost=weight) for term, weight in terms])
    own = context.story_members_of(docnum) or [docnum]
    evaluator = context.evaluator(Deadline.after(TIME_LIMIT).extended(MIN_BUDGET))
    allowed = context.allowed(options.filters)
    story = context.story if options.collapse else None
    relevance = options.sort == "relevance"
    matches = restrict(evaluator.evaluate(q, scored=relevance), allowed, np.unique(np.asarray(own, dtype=np.int64)))
    wanted = options.offset + options.limit
    seen = {context.story_number(article_id)} - {None} if story is not None else ()
    sort_key = None if relevance else context.date_key(newest=options.sort == "newest")
    docs, scores = top(matches, wanted, sort_key=sort_key, story=story, seen=seen)
    kept = list(zip(docs.tolist(), (scores if relevance else np.zeros(len(docs))).tolist(), strict=True))
    wanted_terms = dict.fromkeys(SNIPPETS, Wanted(frozenset(term for term, _ in terms))) if options.highlight \
        else None
    hits = page_hits(kept[options.offset:wanted], searcher, wanted_terms, context, options.collapse)
    partial = evaluator.partial
    total = max(len(matches), estimate(q, searcher, allowed) if partial else 0)
    return SearchResults(query=label, total=total, hits=tuple(hits), took=time.perf_counter() - started,
                         offset=options.offset, partial=partial,
                         collapsed=0 if partial else count_folded(matches.docs, story), sort=options.sort)
