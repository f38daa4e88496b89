"""The ``searchnews`` command: thin click commands over :class:`searchnews.NewsIndex`.

Each command calls the public API and turns :class:`SearchnewsError` into a
one-line message: exit code 1 for errors, 2 for a query that cannot be parsed
(and for click's own usage errors), 130 after Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from . import __version__
from .api import INDEX_ENV, NewsIndex, default_index_path
from .errors import QuerySyntaxError, SearchnewsError
from .highlighting import render_ansi, render_html
from .models import Article, FileProblem, Hit, IndexReport, SearchResults

if TYPE_CHECKING:
    from .learning import LearnedBoilerplate

# The cleaning pipeline is imported by the commands that use it (index, clean):
# `searchnews query` starts faster without it.

#: Problems listed one by one in the index summary before they are only counted.
MAX_LISTED_PROBLEMS = 20


class QueryError(click.ClickException):
    """A query syntax error: exit code 2, with a caret under the problem."""

    exit_code = 2


@contextlib.contextmanager
def friendly_errors():
    """Turn library errors into click messages."""
    try:
        yield
    except QuerySyntaxError as exc:
        message = f"invalid query: {exc}"
        if exc.position is not None:
            message += "\n  " + exc.pointer().replace("\n", "\n  ")
        raise QueryError(message) from None
    except SearchnewsError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None


def _display_path(path: str | None) -> str:
    if not path:
        return ""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith(os.pardir + os.sep + os.pardir) else rel


index_option = click.option(
    "--index", "index_path", metavar="DIR", default=default_index_path, show_default=f"./index or ${INDEX_ENV}",
    help=f"Index folder. The environment variable {INDEX_ENV} sets the default.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="searchnews")
def cli() -> None:
    """Full-text search for folders of scraped news.

    \b
    Build an index from a folder, then search it:
      searchnews index ./corpus
      searchnews query "ICBM sanctions"
      searchnews query 'headline:missile AND date:[2022-11-01 TO 2022-11-30]'

    Run "searchnews COMMAND --help" for the options of each command.
    """


# ---------------------------------------------------------------------------
# index


@cli.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@index_option
@click.option("--rebuild", is_flag=True, help="Delete the existing index and build it again from scratch.")
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symbolic links that point outside the corpus folders.")
@click.option("-v", "--verbose", is_flag=True, help="List every skipped file, not just the first ones.")
def index_command(paths: tuple[str, ...], index_path: str, rebuild: bool, follow_symlinks: bool,
                  verbose: bool) -> None:
    """Index the news articles in PATHS (folders are read recursively).

    \b
    Formats: .txt (first line is the headline), .html/.htm (saved pages),
    .json (one article or a list), .jsonl/.ndjson (one article per line).
    Running it again updates the index: new and changed files are read,
    deleted files are removed, unchanged files are skipped.

    \b
    Example:
      searchnews index ./corpus ~/scrapes/2022 --index ./index
    """
    with friendly_errors():
        ix = NewsIndex.create(index_path) if rebuild else NewsIndex.open(index_path, create=True)
        with ix:
            report = _run_with_progress(ix, paths, follow_symlinks)
    _print_report(report, index_path, verbose)
    if report.interrupted:
        click.echo("Interrupted: everything indexed before Ctrl-C was kept; run the same command again "
                   "to finish.", err=True)
        sys.exit(130)
    if report.files_indexed == 0 and report.files_unchanged == 0 and report.rejected:
        raise click.ClickException("no file could be indexed (reasons above)")


def _run_with_progress(ix: NewsIndex, paths, follow_symlinks: bool) -> IndexReport:
    if not sys.stderr.isatty():
        return ix.add(list(paths), follow_symlinks=follow_symlinks)
    bar = None
    state = {"done": 0}

    def progress(done: int, total: int, path: str) -> None:
        nonlocal bar
        if bar is None:
            if total == 0:
                return
            bar = click.progressbar(length=total, label="Indexing", file=sys.stderr, show_pos=True,
                                    show_eta=True, item_show_func=lambda p: os.path.basename(p or ""))
            bar.__enter__()
        bar.update(done - state["done"], path)
        state["done"] = done

    try:
        return ix.add(list(paths), progress=progress, follow_symlinks=follow_symlinks)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _print_report(report: IndexReport, index_path: str, verbose: bool) -> None:
    echo = click.echo
    echo(f"Files seen: {report.files_seen:,} ({report.files_indexed:,} read, "
         f"{report.files_unchanged:,} unchanged, {len({p.path for p in report.rejected if p.line is None}):,} "
         f"rejected)")
    echo(f"Articles: {report.added:,} added, {report.updated:,} updated, {report.deleted:,} deleted, "
         f"{report.unchanged:,} unchanged")
    for title, problems in (("Rejected", report.rejected), ("Repaired", report.warnings)):
        if not problems:
            continue
        echo(f"{title} ({len(problems):,}):")
        shown = problems if verbose else problems[:MAX_LISTED_PROBLEMS]
        for problem in shown:
            where = _display_path(problem.path) + (f":{problem.line}" if problem.line else "")
            echo(f"  {where}: {problem.reason}")
        if len(shown) < len(problems):
            reasons = Counter(p.reason.split(";")[0] for p in problems[len(shown):])
            summary = ", ".join(f"{n} × {r}" for r, n in reasons.most_common(3))
            echo(f"  … and {len(problems) - len(shown):,} more ({summary}); --verbose lists them all")
    mb = report.bytes_read / 1e6
    rate = f", {mb / report.seconds:.1f} MB/s" if report.seconds > 0 and mb >= 1 else ""
    echo(f"Index: {index_path} · took {report.seconds:.1f} s{rate}")


# ---------------------------------------------------------------------------
# query


def _hit_json(hit: Hit) -> dict:
    def field(name: str) -> str | None:
        snippets = hit.highlights.get(name) or ()
        return " ".join(render_html(s) for s in snippets) if snippets else None

    return {
        "id": hit.id,
        "score": round(hit.score, 4),
        "headline": hit.headline,
        "source": hit.source,
        "authors": list(hit.authors),
        "date": hit.date.isoformat() if hit.date else None,
        "url": hit.url,
        "path": hit.path,
        "highlights": {"headline": field("headline"), "body": field("body"), "captions": field("captions")},
    }


def results_json(results: SearchResults) -> dict:
    """The ``--json`` form of a results page."""
    return {
        "query": results.query,
        "total": results.total,
        "took_ms": round(results.took * 1000, 2),
        "partial": results.partial,
        "offset": results.offset,
        "hits": [_hit_json(h) for h in results.hits],
    }


def _print_results(results: SearchResults, color: bool | None) -> None:
    echo = click.echo
    if not results.hits:
        if results.total and results.offset:
            echo(f"No results on this page: {results.total:,} articles match, starting at rank 1.")
        else:
            echo(f"No articles match {results.query!r}.")
        return
    first, last = results.offset + 1, results.offset + len(results.hits)
    note = ""
    if results.all_words_total is not None:
        note = f"; {results.all_words_total:,} contain all the words"
    about = "about " if results.partial else ""
    echo(f"{about}{results.total:,} articles match{note} (showing {first}-{last}, {results.took * 1000:.0f} ms)",
         color=color)
    if results.partial:
        echo("The search stopped at its time limit: these are the best hits found by then.", color=color)
    echo("", color=color)
    width = len(str(last))
    for rank, hit in enumerate(results.hits, first):
        headline = hit.highlights.get("headline")
        title = render_ansi(headline[0], style="\x1b[4m", reset="\x1b[24m") if headline else hit.headline
        echo(f"{rank:>{width}}. " + click.style(title, bold=True), color=color)
        meta = " · ".join(x for x in (hit.source, hit.date.date().isoformat() if hit.date else None,
                                       ", ".join(hit.authors) or None) if x)
        pad = " " * (width + 2)
        if meta:
            echo(pad + click.style(meta, fg="cyan"), color=color)
        for name in ("body", "captions"):
            for snippet in hit.highlights.get(name) or ():
                label = "photo: " if name == "captions" else ""
                echo(pad + label + render_ansi(snippet), color=color)
        echo(pad + click.style(f"{_display_path(hit.path)}  [{hit.id}]", dim=True), color=color)
        echo("", color=color)
    if results.total > last:
        echo(f"More: --offset {last}", color=color)


@cli.command("query")
@click.argument("query")
@index_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="Hits per page.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0),
              help="Rank of the first hit to show (0 is the best).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for programs.")
@click.option("--color/--no-color", default=None, help="Force colours on or off (default: on a terminal only).")
def query_command(query: str, index_path: str, limit: int, offset: int, as_json: bool, color: bool | None) -> None:
    """Search the index and print the best articles for QUERY.

    \b
    Syntax (see the README for more):
      ICBM sanctions             articles with all the words rank first
      "nuclear test"             a phrase
      oil AND (opec OR saudi)    operators, in capitals
      missile NOT japan          exclude a word
      headline:ceasefire         fields: headline, body, caption, source,
      source:AFP author:doe        author, place, lang, url, date
      date:2022-11               a month (or 2022, or 2022-11-26)
      date:[2022-11-01 TO 2022-11-30]   a range; date:>2022-11-01 also works
      sanction*                  wildcards: * and ?

    Hits are ranked by BM25F over the whole text, with a bonus for words that
    are also in the headline or a caption; articles with all the plain words
    come first (see "Ranking" in the README).
    """
    with friendly_errors():
        with NewsIndex.open(index_path) as ix:
            results = ix.search(query, limit=limit, offset=offset)
    if as_json:
        click.echo(json.dumps(results_json(results), ensure_ascii=False))
    else:
        _print_results(results, color)


# ---------------------------------------------------------------------------
# show, clean, stats


def _print_article(article: Article) -> None:
    echo = click.echo
    echo(click.style(article.headline, bold=True))
    for label, value in (("Source", article.source), ("Authors", ", ".join(article.authors)),
                         ("Date", article.date.isoformat(sep=" ") if article.date else None),
                         ("Place", article.place), ("Language", article.language), ("URL", article.url),
                         ("Path", _display_path(article.path)), ("Id", article.id)):
        if value:
            echo(f"{label + ':':<10}{value}")
    echo("")
    for paragraph in article.body:
        echo(paragraph + "\n")
    for caption in article.captions:
        echo(f"[Photo] {caption}")


@cli.command("show")
@click.argument("article_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
def show_command(article_id: str, index_path: str, as_json: bool) -> None:
    """Print one cleaned article from the index, by the id that query prints."""
    with friendly_errors():
        with NewsIndex.open(index_path) as ix:
            article = ix.get(article_id)
    if as_json:
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False))
    else:
        _print_article(article)


def _clean_json(article: Article, path: str) -> dict:
    data = article.to_dict()
    return {"file": path, **{k: data[k] for k in ("headline", "body", "captions", "source", "authors", "date",
                                                  "url", "language")}}


@cli.command("clean")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article per line.")
@click.option("--explain", is_flag=True, help="Show every line of a .txt file with the decision taken and why.")
@click.option("--learn/--no-learn", default=True, show_default=True,
              help="Drop lines that recur across the articles of each file's folder, as index does.")
def clean_command(files: tuple[str, ...], as_json: bool, explain: bool, learn: bool) -> None:
    """Show what the cleaner makes of FILES, without indexing them.

    Lines learned as boilerplate from the other articles of each file's folder
    are dropped, as during index (--no-learn to skip reading the folder).

    \b
    Example:
      searchnews clean corpus/txt/2022-11-19-kcna-icbm-launch.txt
      searchnews clean --explain corpus/txt/2022-11-19-kcna-icbm-launch.txt
      searchnews clean --json corpus/json/wire.jsonl | jq .headline
    """
    from .cleaning import read_file
    from .learning import LearnedBoilerplate

    failed = 0
    learned_by_group: dict[str, LearnedBoilerplate] = {}
    for path in files:
        if not os.path.isfile(path):
            click.echo(f"Error: {path}: no such file", err=True)
            failed += 1
            continue
        learned = _learned_for(path, learned_by_group) if learn else LearnedBoilerplate()
        if explain:
            failed += _explain(path, learned)
            continue
        found = False
        with friendly_errors():
            for item in read_file(path, learned=learned.for_path(path)):
                if isinstance(item, FileProblem):
                    where = path + (f":{item.line}" if item.line else "")
                    click.echo(f"{'Warning' if not item.skipped else 'Error'}: {where}: {item.reason}", err=True)
                    continue
                found = True
                if as_json:
                    click.echo(json.dumps(_clean_json(item, path), ensure_ascii=False))
                else:
                    click.echo(click.style(f"==> {path}", dim=True))
                    _print_article(item)
        failed += not found
    if failed:
        sys.exit(1)


def _learned_for(path: str, cache: dict[str, LearnedBoilerplate]) -> LearnedBoilerplate:
    """What is learned from the group (folder, or JSON file) of ``path``, learned once per group."""
    from .learning import group_of, learn_boilerplate

    group = group_of(path)
    if group not in cache:
        if os.path.isdir(group):  # the folder's own files, not its subfolders
            with os.scandir(group) as entries:
                members = sorted(e.path for e in entries if e.is_file() and not e.name.startswith("."))
        else:
            members = [group]
        cache[group] = learn_boilerplate(members)
    return cache[group]


def _explain(path: str, learned: LearnedBoilerplate) -> int:
    from .cleaning import explain_text, line_key
    from .corpus import FORMATS, decode
    from .learning import group_of

    if FORMATS.get(os.path.splitext(path)[1].lower()) != "text":
        click.echo(f"Error: {path}: --explain works on .txt files", err=True)
        return 1

    with open(path, "rb") as handle:
        data = handle.read()
    with friendly_errors():
        text, _ = decode(data)
    colours = {"body": None, "caption": "green", "blank": None, "continued": None}
    counts = learned.counts.get(group_of(path), {})
    for d in explain_text(text, learned=learned.for_path(path)):
        if d.decision == "blank":
            continue
        if d.decision == "learned" and line_key(d.text) in counts:
            d = replace(d, reason=f"learned: in {counts[line_key(d.text)]} articles of this folder")
        label = f"{d.decision:<10} {d.reason}"[:48]
        click.echo(f"{d.number:>4} " + click.style(f"{label:<48}", fg=colours.get(d.decision, "red")) + " | "
                   + d.text[:100])
    return 0


@cli.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats_command(index_path: str, as_json: bool) -> None:
    """Print the article count, sources, date range and size on disk of the index."""
    with friendly_errors():
        with NewsIndex.open(index_path) as ix:
            stats = ix.stats()
    first = stats.first_date.date().isoformat() if stats.first_date else None
    last = stats.last_date.date().isoformat() if stats.last_date else None
    if as_json:
        click.echo(json.dumps({"path": stats.path, "articles": stats.articles, "sources": dict(stats.sources),
                               "languages": dict(stats.languages), "first_date": first, "last_date": last,
                               "size_bytes": stats.size_bytes, "segments": stats.segments}))
        return
    click.echo(f"Index:     {stats.path}")
    click.echo(f"Articles:  {stats.articles:,}")
    click.echo(f"Dates:     {first or '-'} to {last or '-'}")
    click.echo(f"Size:      {stats.size_bytes / 1e6:.1f} MB in {stats.segments} segment(s)")
    top = ", ".join(f"{name} ({n:,})" for name, n in stats.sources[:10])
    more = f", and {len(stats.sources) - 10} more" if len(stats.sources) > 10 else ""
    click.echo(f"Sources:   {top}{more}")
    click.echo("Languages: " + ", ".join(f"{name} ({n:,})" for name, n in stats.languages))


def main() -> None:
    """Entry point of the ``searchnews`` console script."""
    try:
        cli(prog_name="searchnews")
    except KeyboardInterrupt:
        click.echo("\nInterrupted.", err=True)
        sys.exit(130)
