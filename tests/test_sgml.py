"""Reuters SGML files (.sgm): one article per <REUTERS> story, read alike by clean and index."""

from __future__ import annotations

import json

from click.testing import CliRunner

from searchnews import NewsIndex
from searchnews.cli import cli
from searchnews.ingest.cleaning import read_file
from searchnews.ingest.corpus import article_id
from searchnews.models import Article, FileProblem

SGML = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" NEWID="1">
<DATE> 3-MAR-1987 09:15:02.11</DATE>
<TOPICS><D>grain</D></TOPICS>
<TEXT>&#2;
<TITLE>WESTHAVEN GRAIN HARBOUR REOPENS AFTER &lt;STORM&gt; REPAIRS</TITLE>
<AUTHOR>    By Mara Lind, Reuters</AUTHOR>
<DATELINE>    WESTHAVEN, March 3 - </DATELINE><BODY>The grain harbour of Westhaven reopened on Tuesday
after three weeks of repairs to the quays that a storm damaged in February,
the port authority said.
    Shipments of wheat and barley will resume on Thursday, it said.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="2">
<DATE> 3-MAR-1987 09:20:45.90</DATE>
<TEXT TYPE="UNPROC">&#2;
Northport ferry operators agreed on Tuesday to run an extra evening crossing
from April, the ferry office said.
 Reuter
&#3;</TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="3">
<DATE> 3-MAR-1987 09:22:10.04</DATE>
<TEXT TYPE="BRIEF">&#2;
******<TITLE>Eastbay port index up 1.2 pct in early trade
</TITLE>Blah blah blah.
&#3;</TEXT>
</REUTERS>
"""


def write(tmp_path, text=SGML, name="reut-sample.sgm"):
    path = tmp_path / name
    path.write_text(text, encoding="latin-1")
    return path


def test_reuters_stories_are_records(tmp_path):
    path = write(tmp_path)
    items = list(read_file(path))
    first, second = [item for item in items if isinstance(item, Article)]
    assert first.headline == "WESTHAVEN GRAIN HARBOUR REOPENS AFTER <STORM> REPAIRS"
    assert first.body[0].startswith("WESTHAVEN, March 3 - The grain harbour of Westhaven reopened on Tuesday after")
    assert "Reuter" not in " ".join(first.body)
    assert (first.source, first.authors, first.date.isoformat()) == ("Reuters", ("Mara Lind",),
                                                                      "1987-03-03T09:15:02")
    assert first.id == article_id(str(path), 1)
    assert second.body[0].startswith("Northport ferry operators agreed on Tuesday")
    assert second.id == article_id(str(path), 2)
    (brief,) = [item for item in items if isinstance(item, FileProblem)]
    assert (brief.line, brief.reason) == (23, "record has no article text")  # a headline-only story


def test_sgml_without_reuters_stories_is_rejected_by_clean_and_index(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    write(folder, "<!DOCTYPE memo>\n<MEMO><P>Some other markup with a few words in it.</P></MEMO>\n", "memo.sgm")
    write(folder)
    reason = "no <REUTERS> records: searchnews reads .sgm files of Reuters news stories"
    result = CliRunner().invoke(cli, ["clean", "--json", str(folder)])
    assert f"Error: {folder / 'memo.sgm'}: {reason}" in result.stderr
    assert len(result.stdout.splitlines()) == 2
    assert json.loads(result.stdout.splitlines()[0])["headline"].startswith("WESTHAVEN GRAIN")
    with NewsIndex.create(tmp_path / "index") as ix:
        report = ix.add([folder])
        assert report.added == 2
        assert (str(folder / "memo.sgm"), reason) in {(p.path, p.reason) for p in report.rejected}
        assert ix.search("barley").total == 1


def test_real_reuters_file(shared_corpora):
    path = shared_corpora / "reuters21578" / "reut2-000.sgm"
    items = list(read_file(path))
    found = [item for item in items if isinstance(item, Article)]
    briefs = [item for item in items if isinstance(item, FileProblem)]
    assert len(found) + len(briefs) == 1000
    assert len(found) > 900
    assert found[0].headline == "BAHIA COCOA REVIEW" and found[0].date.year == 1987
