"""Property tests: cleaning and query checking never fail in unexpected ways."""

from __future__ import annotations

import os
import tempfile

import pytest
from fuzzing import fuzz_settings
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

from searchnews.errors import QuerySyntaxError, SearchnewsError
from searchnews.ingest.cleaning import clean_string, clean_text, read_file
from searchnews.ingest.corpus import decode
from searchnews.models import Article, FileProblem
from searchnews.search.querysyntax import check_query

SETTINGS = fuzz_settings(200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Bytes that look a little like scraped text now and then, not only noise.
SCRAPE_BYTES = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=400).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=400).map(lambda s: s.encode("latin-1")),
    st.text(max_size=200).map(lambda s: s.encode("utf-16", "surrogatepass")),
    st.lists(st.sampled_from([
        b"Headline of the day\n", b"\n", b"Source: AFP\n", b"Read also\n", b"Advertisement\n",
        b"By Jane Doe and John Roe\n", b"Photo: STR / AFP/File\n", b"Updated: 19 November 2022, 09:42\n",
        b"(Reporting by Ana Lee;\n", b"Editing by Bo Chen)\n", b"\xef\xbb\xbf", b"\r\n", b"\xa0", b"\x00",
        b"The council met on Tuesday and voted for the plan.\n", b"\x93quoted\x94 text\n",
    ]), max_size=30).map(b"".join),
)


@SETTINGS
@given(SCRAPE_BYTES, st.sampled_from(["text", "html", "json"]))
@example(b"[1, 2]", "json")  # valid JSON that is not an article record
@example(b"\x00\x01\x02binary", "text")
def test_clean_string_on_arbitrary_bytes_raises_only_searchnews_errors(data, fmt):
    try:
        text, _notes = decode(data)
    except SearchnewsError:
        return
    try:
        article = clean_string(text, fmt)
    except SearchnewsError:
        return
    assert isinstance(article, Article)


@SETTINGS
@given(SCRAPE_BYTES, st.sampled_from([".txt", ".html", ".json", ".jsonl"]))
def test_read_file_on_arbitrary_bytes_yields_articles_or_problems(data, suffix):
    handle, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        try:
            items = list(read_file(path))
        except SearchnewsError:
            return
        assert all(isinstance(i, (Article, FileProblem)) for i in items)
    finally:
        os.unlink(path)


QUERY_TEXT = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from([
        "ICBM", "sanctions", "AND", "OR", "NOT", "ANDNOT", "(", ")", '"', "[", "]", "{", "}", "TO", "*", "?",
        "sanct*", "date:", "date:2022", "date:2022-13", "source:", "headline:", "foo:", ":", "-", ">=", " ",
        "2022-11-26", "date:[", "\x00", "\t",
    ]), max_size=20).map("".join),
    st.lists(st.sampled_from(["ICBM", "AND", "OR", "NOT", "(", ")", '"', "date:[2022 TO 2023]"]),
             max_size=12).map(" ".join),
)


@SETTINGS
@given(QUERY_TEXT)
def test_check_query_returns_or_raises_query_syntax_error(query):
    try:
        result = check_query(query)
    except QuerySyntaxError as error:
        assert error.position is None or 0 <= error.position <= len(query)
        return
    assert isinstance(result, str) and result


WORDS = ["council", "harbour", "ferry", "missile", "sanctions", "minister", "said", "on", "Tuesday", "the",
         "and", "of", "a", "new", "plan", "Seoul", "AFP", "Reuters", "vote", "oil", "price", "fell", "record",
         "Source:", "Read", "also", "By", "Photo:", "Updated:", "2022", "(AP)", "—", "NAIROBI,", "“quoted”",
         "Advertisement", "Related:", "caption", "Sources", "close", "to", "Reading", "statement,"]

SENTENCE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=30).map(" ".join)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=3).map(lambda s: ". ".join(s) + ".")
HEADLINE = st.lists(st.sampled_from(WORDS), min_size=2, max_size=10).map(" ".join)


@SETTINGS
@given(HEADLINE, st.lists(PARAGRAPH, min_size=1, max_size=6))
def test_clean_text_is_idempotent(headline, paragraphs):
    first = clean_text(headline + "\n\n" + "\n\n".join(paragraphs))
    again = clean_text(first.headline + "\n\n" + "\n\n".join(first.body))
    assert again.headline == first.headline
    assert again.body == first.body


@st.composite
def wrapped_paragraph(draw) -> str:
    """A paragraph hard-wrapped at random places, as scrapes wrapped at a fixed width are."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
    out = words[0]
    for word in words[1:]:
        out += draw(st.sampled_from([" "] * 6 + ["\n"])) + word
    return out + draw(st.sampled_from(["", "."]))


@SETTINGS
@given(HEADLINE, st.lists(wrapped_paragraph(), min_size=1, max_size=6))
@example(  # the repeated headline, wrapped over two lines in a scrape hard-wrapped at 72 columns
    "Harbour County commissioners approve ferry subsidy after marathon overnight session",
    ["Harbour County commissioners approve ferry subsidy after marathon\novernight session",
     "The board voted 4-1 early on Wednesday to\nextend the subsidy for three years."],
)
def test_clean_text_is_idempotent_on_hard_wrapped_text(headline, paragraphs):
    first = clean_text(headline + "\n\n" + "\n\n".join(paragraphs))
    again = clean_text(first.headline + "\n\n" + "\n\n".join(first.body))
    assert again.headline == first.headline
    assert again.body == first.body


@pytest.mark.xfail(strict=True, reason=(
    "known limitation, found by the long fuzz profile: 'at the edge' (where Source: lines and stamps are "
    "metadata) is counted in the text's non-blank lines, dropped ones included, so once cleaning has dropped "
    "lines below a Source: line, cleaning its output again finds that line at the edge and takes it as metadata"))
def test_a_source_line_kept_as_text_stays_text_when_cleaned_again():
    # Below the Source: line: a sign-off (metadata), one paragraph and the headline repeated (dropped), so the
    # line is fifth from the bottom, out of the bottom window of four; in the cleaned text it is second.
    first = clean_text("council council\n\ncouncil\n\ncouncil\n\ncouncil\n\ncouncil\nRelated: council council\n"
                       "Source: council statistics office\nAFP\n\ncouncil\n\ncouncil\ncouncil")
    assert "Source: council statistics office" in first.body
    again = clean_text(first.headline + "\n\n" + "\n\n".join(first.body))
    assert again.body == first.body
