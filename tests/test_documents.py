"""Articles to index documents and back (searchnews/index/documents.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from whoosh.filedb.filestore import RamStorage

from searchnews.index import documents, workers
from searchnews.index import schema as S
from searchnews.models import Article, Copy

ARTICLES = [
    Article("Harbour fees rise", ("Fees at the harbour will rise.", "The council agreed on Monday."),
            ("The harbour at dawn.", "A second caption."), "Port Gazette", ("Ana Lima", "Tom Reed"),
            dt.datetime(2022, 11, 3, 9, 30), "https://example.org/a", "en", "a1", "/corpus/a.txt", "KESTREL"),
    Article("Grève au port", ("Les dockers ont cessé le travail.",), language="fr", id="a2", path="/corpus/b.json"),
    Article("Minimal", ("One paragraph.",), id="a3"),
]


@pytest.fixture(scope="module")
def stored():
    """The stored fields of each article after a round through a real (in-memory) index."""
    ix = RamStorage().create_index(S.make_schema())
    with ix.writer() as writer:
        for article in ARTICLES:
            writer.add_document(**documents.document(article))
    with ix.searcher() as searcher:
        return {fields[S.ID]: fields for fields in searcher.all_stored_fields()}


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
def test_an_article_comes_back_as_it_went_in(stored, article):
    assert documents.article(stored[article.id]) == article


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
def test_hits_and_copies_read_the_same_fields(stored, article):
    hit = documents.hit(stored[article.id], score=1.5)
    assert (hit.id, hit.headline, hit.source, hit.authors, hit.date, hit.url, hit.path, hit.language) == (
        article.id, article.headline, article.source, article.authors, article.date, article.url, article.path,
        article.language)
    assert documents.copy(stored[article.id]) == Copy(article.id, article.headline, article.source, article.date,
                                                     article.path)


def test_the_workers_write_documents_through_the_one_mapping():
    assert workers.document is documents.document
