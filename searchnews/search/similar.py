"""More like this: the articles on the same story as a given article.

The article's text (headline, captions, body) is searched for as a long
query, through the same plan as a paragraph pasted into a search
(:func:`searchnews.search.plan.text_plan`): its most informative words,
weighted by how often the article uses them, figures left out (two earnings
tables sharing a figure are not the same story). The article and its
syndicated copies are left out of the results.
"""

from __future__ import annotations

import time

import numpy as np
from whoosh.searching import Searcher

from ..errors import ArticleNotFound
from ..index import schema as S
from ..models import SearchResults
from . import plan as plans
from .budget import Deadline
from .collect import count_folded, restrict, top
from .context import SearchContext
from .searching import MIN_BUDGET, TIME_LIMIT, SearchOptions, estimate, highlight_terms, page_hits

__all__ = ["similar_articles"]


def similar_articles(searcher: Searcher, article_id: str, options: SearchOptions | None = None, *,
                     context: SearchContext | None = None) -> SearchResults:
    """Articles on the same story as ``article_id``: its text, searched for as a long query (see the module terms).

    The article and its copies are left out; ``options`` apply (filters,
    folding, the page, ``sort``).
    """
    options = options or SearchOptions()
    context = context or SearchContext(searcher)
    started = time.perf_counter()
    docnum = searcher.document_number(**{S.ID: article_id})
    if docnum is None:
        raise ArticleNotFound(f"no article with id {article_id!r}")
    stored = searcher.stored_fields(docnum)
    text = S.PARAGRAPH_SEPARATOR.join(x for x in (stored.get(S.HEADLINE), stored.get(S.CAPTIONS),
                                                  stored.get(S.BODY)) if x)
    plan = plans.text_plan(text, searcher, context.languages)
    label = f"similar to {article_id}"
    if plan is None:
        return SearchResults(query=label, total=0, hits=(), took=time.perf_counter() - started,
                             offset=options.offset, sort=options.sort)
    own = context.story_members_of(docnum) or [docnum]
    evaluator = context.evaluator(Deadline.after(TIME_LIMIT).extended(MIN_BUDGET))
    allowed = context.allowed(options.filters)
    story = context.story if options.collapse else None
    relevance = options.sort == "relevance"
    matches = restrict(evaluator.evaluate(plan.first, scored=relevance), allowed,
                       np.unique(np.asarray(own, dtype=np.int64)))
    wanted = options.offset + options.limit
    seen = {int(story[docnum])} - {-1} if story is not None else ()
    sort_key = None if relevance else context.date_key(newest=options.sort == "newest")
    docs, scores = top(matches, wanted, sort_key=sort_key, story=story, seen=seen)
    kept = list(zip(docs.tolist(), (scores if relevance else np.zeros(len(docs))).tolist(), strict=True))
    wanted_terms = highlight_terms(plan.loose, searcher) if options.highlight else None
    hits = page_hits(kept[options.offset:wanted], searcher, wanted_terms, context, options.collapse)
    partial = evaluator.partial
    total = max(len(matches), estimate(plan.loose, searcher, allowed) if partial else 0)
    return SearchResults(query=label, total=total, hits=tuple(hits), took=time.perf_counter() - started,
                         offset=options.offset, partial=partial,
                         collapsed=0 if partial else count_folded(matches.docs, story), sort=options.sort)
