"""The ``searchnews`` command: thin click commands over :class:`searchnews.NewsIndex`.

Each command calls the public API and turns :class:`SearchnewsError` into a
one-line message: exit code 1 for errors, 2 for a query that cannot be parsed
(and for click's own usage errors), 130 after Ctrl-C.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import sys
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from . import __version__
from .api import INDEX_ENV, NewsIndex, default_index_path
from .errors import ArgumentError, IndexNotFound, MissingDependency, QuerySyntaxError, SearchnewsError
from .models import Article, Copy, Facets, FileProblem, IndexReport, SearchResults
from .search.highlighting import render_ansi

if TYPE_CHECKING:
    from .ingest.learning import LearnedBoilerplate

# The cleaning pipeline is imported by the commands that use it (index, clean):
# `searchnews query` starts faster without it.

#: Problems listed one by one in the index summary before they are only counted.
MAX_LISTED_PROBLEMS = 20


class QueryError(click.ClickException):
    """A query syntax error or a filter option that cannot be read: exit code 2."""

    exit_code = 2


#: The command-line option of each library parameter, for messages.
OPTION_NAMES = {"since": "--since", "until": "--until", "sources": "--source", "languages": "--lang",
                "sort": "--sort", "recency": "--recency", "limit": "--limit", "offset": "--offset", "by": "--by",
                "query": "QUERY", "article_id": "ID", "paths": "PATH", "path": "--index", "host": "--host",
                "port": "--port"}


#: What each optional feature needs, said in the command line's words.
OPTION_NEEDS = {"plot": "--plot needs matplotlib: pip install 'searchnews[plot]'"}


@contextlib.contextmanager
def friendly_errors():
    """Turn library errors into one-line click messages, in the command line's words.

    Every message is made printable (:func:`printable`): it may quote a file
    name or a query.
    """
    try:
        yield
    except QuerySyntaxError as exc:
        message = f"invalid query: {printable(exc.reason)}"
        if exc.position is not None:
            # The caret goes under the character at fault, so the query is shown escaped up to it.
            before, after = printable(exc.query[:exc.position]), printable(exc.query[exc.position:])
            message += f"\n  {before}{after}\n  {' ' * len(before)}^"
        raise QueryError(message) from None
    except ArgumentError as exc:
        raise QueryError(printable(exc.render(OPTION_NAMES))) from None
    except IndexNotFound as exc:
        where = exc.path or "DIR"
        raise click.ClickException(printable(f"{exc}; build one with: searchnews index PATH --index {where}")
                                   ) from None
    except MissingDependency as exc:
        raise click.ClickException(OPTION_NEEDS.get(exc.extra, printable(str(exc)))) from None
    except SearchnewsError as exc:
        raise click.ClickException(printable(str(exc))) from None
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise  # our reader has gone: not an error (see _Commands)
        raise click.ClickException(printable(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))) from None


# ---------------------------------------------------------------------------
# text that reaches a terminal

#: What is never written to a terminal as it is: C0 and C1 control characters (ESC starts escape
#: sequences, BEL ends some, U+009B is a one-character CSI), DEL, the Unicode line and paragraph
#: separators, and the bidirectional controls that reorder what is shown.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_BUT_NEWLINES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f"
                                       "\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def printable(text: str | None, *, newlines: bool = False) -> str:
    """``text`` safe for a terminal: each control character written as an escape (``\\x1b``, ``\\n``).

    Every string that comes from the corpus or the user (paths, headlines,
    sources, snippets, captions, reasons, queries) goes through this before
    it is printed, so a file named ``x\\x1b]52;c;…\\x07.txt`` cannot set the
    clipboard or clear the screen, and a newline in a name cannot break the
    layout. With ``newlines`` line breaks are kept (an article's paragraphs).
    """
    if not text:
        return ""
    return (_UNPRINTABLE_BUT_NEWLINES if newlines else _UNPRINTABLE).sub(_visible, text)


#: Characters JSON allows unescaped that a terminal may still act on (C1 controls, DEL) or that
#: break lines for some readers (U+2028, U+2029); written as \\u escapes, the JSON is the same.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def json_text(data) -> str:
    """``data`` as one line of JSON, non-ASCII text as it is, every control character escaped."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False))


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _match_count(count: int) -> str:
    """``1 article matches``, ``2 articles match``."""
    return f"{count:,} article matches" if count == 1 else f"{count:,} articles match"


def _display_path(path: str | None) -> str:
    """A path as shown: relative to the working folder when close to it, and printable."""
    if not path:
        return ""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return printable(path)
    return printable(path if rel.startswith(os.pardir + os.sep + os.pardir) else rel)


index_option = click.option(
    "--index", "index_path", metavar="DIR", default=default_index_path, show_default=f"./index or ${INDEX_ENV}",
    help=f"Index folder. The environment variable {INDEX_ENV} sets the default.")


#: The exit status of a command whose reader went away (``searchnews query … | head -1``): what a
#: shell reports for a Unix tool killed by SIGPIPE (128 + 13), with no message.
BROKEN_PIPE_EXIT = 141


class _Commands(click.Group):
    """The command group; a closed output pipe ends a command quietly (see :data:`BROKEN_PIPE_EXIT`).

    Click reports a broken pipe as a failure (exit status 1); it is the
    reader's choice, not an error. The output is flushed here, inside the
    command, so that the pipe cannot break later, at exit, with a traceback.
    """

    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()
            return result
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            _broken_pipe()


class _Quiet:
    """A stand-in for a closed output stream: writes and flushes go nowhere."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _broken_pipe() -> None:
    """The reader of our output has gone: stop without a word, as Unix tools do."""
    sys.stdout = _Quiet(sys.stdout)  # nothing more to flush at exit, and no "Exception ignored" note
    sys.stderr = _Quiet(sys.stderr)
    sys.exit(BROKEN_PIPE_EXIT)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="searchnews")
def cli() -> None:
    """Full-text search for folders of scraped news.

    \b
    Build an index from a folder, then search it:
      searchnews index ./corpus
      searchnews query "ICBM sanctions"
      searchnews query 'headline:ICBM AND date:[2022-11-01 TO 2022-11-30]'

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
      searchnews index ./corpus --index ./index
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
    from .index.writing import COPIES_STAGE

    if not sys.stderr.isatty():
        return ix.add(list(paths), follow_symlinks=follow_symlinks)
    state = {"bar": None, "done": 0, "stage": None}

    def progress(done: int, total: int, path: str) -> None:
        stage = "Finding copies" if path == COPIES_STAGE else "Indexing"
        if state["stage"] != stage:  # a new stage: a new bar
            if state["bar"] is not None:
                state["bar"].__exit__(None, None, None)
                state["bar"] = None
            state["stage"], state["done"] = stage, 0
        if state["bar"] is None:
            if total == 0:
                return
            state["bar"] = click.progressbar(
                length=total, label=stage, file=sys.stderr, show_pos=True, show_eta=True,
                item_show_func=lambda p: "" if p == COPIES_STAGE else printable(os.path.basename(p or "")))
            state["bar"].__enter__()
        state["bar"].update(done - state["done"], path)
        state["done"] = done

    try:
        return ix.add(list(paths), progress=progress, follow_symlinks=follow_symlinks)
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


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
            echo(f"  {where}: {printable(problem.reason)}")
        if len(shown) < len(problems):
            reasons = Counter(p.reason.split(";")[0] for p in problems[len(shown):])
            summary = ", ".join(f"{n} × {printable(r)}" for r, n in reasons.most_common(3))
            echo(f"  … and {len(problems) - len(shown):,} more ({summary}); --verbose lists them all")
    mb = report.bytes_read / 1e6
    rate = f", {mb / report.seconds:.1f} MB/s" if report.seconds > 0 and mb >= 1 else ""
    echo(f"Index: {printable(index_path)} · took {report.seconds:.1f} s{rate}")


# ---------------------------------------------------------------------------
# query


#: What ``--fields`` may name, in the order hits show them; ``snippets`` are the highlights.
HIT_FIELDS = ("headline", "source", "date", "authors", "language", "score", "url", "snippets", "copies", "path",
              "id")
#: Aliases accepted by ``--fields``.
FIELD_NAMES = {"highlights": "snippets", "title": "headline", "author": "authors", "lang": "language"}


def parse_fields(value: str | None) -> tuple[str, ...]:
    """The hit fields named in a ``--fields`` value (comma-separated), checked; all when ``None``."""
    if value is None:
        return HIT_FIELDS
    names = []
    for raw in value.split(","):
        name = FIELD_NAMES.get(raw.strip().lower(), raw.strip().lower())
        if not name:
            continue
        if name not in HIT_FIELDS:
            raise click.BadParameter(f"{printable(raw.strip())!r} is not a field; choose from "
                                     f"{', '.join(HIT_FIELDS)}", param_hint="--fields")
        if name not in names:
            names.append(name)
    if not names:
        raise click.BadParameter(f"name at least one field: {', '.join(HIT_FIELDS)}", param_hint="--fields")
    return tuple(names)


def results_json(results: SearchResults, fields: tuple[str, ...] = HIT_FIELDS) -> dict:
    """The ``--json`` form of a results page: :meth:`SearchResults.to_dict`, each hit cut to ``fields``."""
    data = results.to_dict()
    keep = {"highlights" if name == "snippets" else name for name in fields}
    data["hits"] = [{key: value for key, value in hit.items() if key in keep} for hit in data["hits"]]
    return data


def _copies_line(copies: tuple[Copy, ...]) -> str:
    shown = []
    for c in copies[:5]:
        when = f" {c.date.date().isoformat()}" if c.date else ""
        shown.append(f"{printable(c.source) or 'unknown source'}{when} [{printable(c.id)}]")
    more = f", and {len(copies) - 5} more" if len(copies) > 5 else ""
    return f"+{_plural(len(copies), 'copy', 'copies')}: " + ", ".join(shown) + more


def _print_facets(facets: Facets, color: bool | None) -> None:
    echo = click.echo

    def line(label: str, items, limit: int, missing: str) -> None:
        shown = ", ".join(f"{printable(value) or missing} {count:,}" for value, count in items[:limit])
        more = f", and {len(items) - limit} more" if len(items) > limit else ""
        echo(click.style(f"{label:<10}", bold=True) + shown + more, color=color)

    echo(f"Facets of {_plural(facets.articles, 'article', 'articles')}:", color=color)
    line("Sources", facets.sources, 10, "(no source)")
    months = facets.months
    if len(months) > 24:  # the latest two years; the timeline command shows them all
        dated = [m for m in months if m[0]]
        months = tuple(dated[-24:]) + tuple(m for m in months if not m[0])
        echo(f"(months: the latest 24 of {len(dated)}; searchnews timeline shows them all)", color=color)
    line("Months", months, len(months), "(no date)")
    line("Languages", facets.languages, 10, "(unknown)")
    echo("", color=color)


def _marked(snippet, style: str = "\x1b[1;33m", reset: str = "\x1b[0m") -> str:
    """A snippet for the terminal: its text printable, its matches styled."""
    return render_ansi(snippet, style=style, reset=reset, escape=printable)


def _print_results(results: SearchResults, color: bool | None, fields: tuple[str, ...] = HIT_FIELDS,
                   filters: str = "") -> None:
    echo = click.echo
    if results.suggestion:
        echo(click.style("Did you mean: ", fg="yellow") + click.style(printable(results.suggestion), bold=True),
             color=color)
    if results.facets is not None:
        _print_facets(results.facets, color)
    if not results.hits:
        if results.partial:
            echo(f"The search stopped at its time limit before finding a hit (about {_match_count(results.total)});"
                 f" try more words, a phrase or filters.")
        elif results.total and results.offset:
            echo(f"No results on this page: {_match_count(results.total)}, starting at rank 1.")
        else:
            echo(f"No articles match {printable(repr(results.query))}" + (f" ({printable(filters)})." if filters
                                                                          else "."))
        return
    first, last = results.offset + 1, results.offset + len(results.hits)
    notes = []
    if results.all_words_total is not None and results.all_words_total != results.total:
        notes.append(f"{results.all_words_total:,} "
                     f"{'contains' if results.all_words_total == 1 else 'contain'} all the words")
    if results.collapsed:
        notes.append(f"{_plural(results.collapsed, 'syndicated copy', 'syndicated copies')} folded in")
    if results.sort != "relevance":
        notes.append(f"{results.sort} first")
    note = "; " + "; ".join(notes) if notes else ""
    about = "about " if results.partial else ""
    echo(f"{about}{_match_count(results.total)}{note} (showing {first}-{last}, {results.took * 1000:.0f} ms)",
         color=color)
    if results.partial:
        echo("The search stopped at its time limit: these are the best hits found by then.", color=color)
    echo("", color=color)
    width = len(str(last))
    pad = " " * (width + 2)
    for rank, hit in enumerate(results.hits, first):
        if "headline" in fields:
            headline = hit.highlights.get("headline")
            title = _marked(headline[0], style="\x1b[4m", reset="\x1b[24m") if headline else printable(hit.headline)
        else:
            title = printable(hit.id)
        echo(f"{rank:>{width}}. " + click.style(title, bold=True), color=color)
        values = {"source": hit.source, "date": hit.date.date().isoformat() if hit.date else None,
                  "authors": ", ".join(hit.authors) or None, "language": hit.language,
                  "score": f"score {hit.score:.2f}" if results.sort == "relevance" else None, "url": hit.url}
        meta = " · ".join(printable(values[name]) for name in fields if values.get(name))
        if meta:
            echo(pad + click.style(meta, fg="cyan"), color=color)
        if "snippets" in fields:
            for name in ("body", "captions"):
                for snippet in hit.highlights.get(name) or ():
                    label = "photo: " if name == "captions" else ""
                    echo(pad + label + _marked(snippet), color=color)
        if "copies" in fields and hit.copies:
            echo(pad + click.style(_copies_line(hit.copies), fg="yellow"), color=color)
        where = " ".join(x for x in (_display_path(hit.path) if "path" in fields else "",
                                     f"[{printable(hit.id)}]" if "id" in fields and "headline" in fields else "")
                         if x)
        if where:
            echo(pad + click.style(where, dim=True), color=color)
        echo("", color=color)
    if results.more:
        echo(f"More: --offset {last}", color=color)


def filter_options(command):
    """The options that restrict a search to dates, sources and languages."""
    options = [
        click.option("--since", metavar="WHEN",
                     help="Only articles published on or after WHEN: 2022-11-26, 2022-11, 2022, or a period "
                          "back from today: 7d, 2w, 3m, 1y."),
        click.option("--until", metavar="WHEN", help="Only articles published on or before WHEN (a whole "
                                                     "month for 2022-11)."),
        click.option("--source", "sources", metavar="NAME", multiple=True,
                     help="Only articles from this source (repeat for several: --source AFP --source Reuters)."),
        click.option("--lang", "languages", metavar="CODE", multiple=True,
                     help="Only articles in this language (en, fr, de...; repeatable)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


sort_option = click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance",
                           show_default=True, help="Order of the hits; newest/oldest list the articles with all "
                                                   "the words by date.")
collapse_option = click.option("--collapse/--no-collapse", default=True, show_default=True,
                               help="Fold syndicated copies of a story into one hit (+N copies).")
fields_option = click.option("--fields", metavar="LIST", callback=lambda ctx, param, value: parse_fields(value),
                             help=f"Comma-separated fields to print (text and --json): {', '.join(HIT_FIELDS)}.")
limit_option = click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
                            help="Hits per page.")
offset_option = click.option("--offset", default=0, show_default=True, type=click.IntRange(0),
                             help="Rank of the first hit to show (0 is the best); pages are stable while the "
                                  "index does not change.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object for programs.")
color_option = click.option("--color/--no-color", default=None,
                            help="Force colours on or off (default: on a terminal only).")


@cli.command("query")
@click.argument("query")
@index_option
@limit_option
@offset_option
@filter_options
@sort_option
@click.option("--recency", metavar="HALF-LIFE",
              help="Favour recent articles: a score counts double at the newest date in the index and the bonus "
                   "halves every HALF-LIFE (30d, 2w, 6m, 1y).")
@click.option("--facets", is_flag=True, help="Also count the matching articles by source, month and language.")
@collapse_option
@fields_option
@json_option
@color_option
def query_command(query: str, index_path: str, limit: int, offset: int, since: str | None, until: str | None,
                  sources: tuple[str, ...], languages: tuple[str, ...], sort: str, recency: str | None,
                  facets: bool, collapse: bool, fields: tuple[str, ...], as_json: bool, color: bool | None) -> None:
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

    \b
    Examples:
      searchnews query "ICBM sanctions" --since 2022-11 --source AFP
      searchnews query sanctions --sort newest --fields headline,date,source
      searchnews query "oil prices" --recency 30d --facets
      searchnews query missile --json --offset 2 --limit 2

    Hits are ranked by BM25F over the whole text, with a bonus for words that
    are also in the headline or a caption; articles with all the plain words of
    a short query (up to four) come first, and a longer question or a pasted
    paragraph is ranked as one list, its most informative words kept (see
    "Ranking" in the README). Copies of a syndicated story are
    shown once, with "+N copies" (--no-collapse lists them all).
    """
    with friendly_errors():
        with NewsIndex.open(index_path) as ix:
            results = ix.search(query, limit=limit, offset=offset, since=since, until=until, sources=sources,
                                languages=languages, sort=sort, recency=recency, collapse=collapse, facets=facets)
    if as_json:
        click.echo(json_text(results_json(results, fields)))
    else:
        _print_results(results, color, fields, _describe_filters(since, until, sources, languages))


def _describe_filters(since, until, sources, languages) -> str:
    """The filters given, in words, for messages ("since 2022-11-01 · source AFP")."""
    if not (since or until or sources or languages):
        return ""
    from .search.filters import Filters

    return Filters.parse(since=since, until=until, sources=sources, languages=languages).describe()


@cli.command("similar")
@click.argument("article_id")
@index_option
@limit_option
@offset_option
@filter_options
@sort_option
@collapse_option
@fields_option
@json_option
@color_option
def similar_command(article_id: str, index_path: str, limit: int, offset: int, since: str | None,
                    until: str | None, sources: tuple[str, ...], languages: tuple[str, ...], sort: str,
                    collapse: bool, fields: tuple[str, ...], as_json: bool, color: bool | None) -> None:
    """List articles on the same story as ARTICLE_ID (the id that query prints).

    The article's most distinctive words are searched for; the article and
    its syndicated copies are left out (searchnews show ARTICLE_ID lists
    the copies).

    \b
    Example:
      searchnews similar afp-2022-12-16-nk-solid-fuel --since 2022-11 --limit 5
    """
    with friendly_errors():
        with NewsIndex.open(index_path) as ix:
            results = ix.similar(article_id, limit=limit, offset=offset, since=since, until=until,
                                 sources=sources, languages=languages, sort=sort, collapse=collapse)
    if as_json:
        click.echo(json_text(results_json(results, fields)))
    else:
        _print_results(results, color, fields)


@cli.command("timeline")
@click.argument("query")
@index_option
@click.option("--by", type=click.Choice(["auto", "day", "week", "month"]), default="auto", show_default=True,
              help="Bucket size; auto picks days, weeks or months from the span of the dates.")
@filter_options
@click.option("--plot", "plot_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Also draw the chart as an image (.png, .svg, .pdf); needs matplotlib "
                   "(pip install 'searchnews[plot]').")
@click.option("--width", default=50, show_default=True, type=click.IntRange(10, 200),
              help="Width of the longest bar, in characters.")
@json_option
@color_option
def timeline_command(query: str, index_path: str, by: str, since: str | None, until: str | None,
                     sources: tuple[str, ...], languages: tuple[str, ...], plot_path: str | None, width: int,
                     as_json: bool, color: bool | None) -> None:
    """Chart how many articles match QUERY per day, week or month.

    The articles counted are those with all the words of QUERY (those with
    some, when none has them all), copies included; the same query syntax
    and filters as query apply.

    \b
    Examples:
      searchnews timeline "ICBM sanctions"
      searchnews timeline opec --by week --since 2022-10 --until 2022-12
      searchnews timeline "world cup" --json
      searchnews timeline missile --plot missile.png
    """
    with friendly_errors():
        with NewsIndex.open(index_path) as ix:
            timeline = ix.timeline(query, by, since=since, until=until, sources=sources, languages=languages)
        if plot_path:
            from .search.timeline import plot

            plot(timeline, plot_path)
    if as_json:
        click.echo(json_text(timeline.to_dict()))
    else:
        from .search.timeline import render_chart

        use_color = sys.stdout.isatty() if color is None else color
        click.echo(f"Articles matching {printable(repr(timeline.query))} per {timeline.by}:")
        click.echo(render_chart(timeline, width=width, color=use_color), color=use_color)
    if plot_path:
        click.echo(f"Chart written to {printable(plot_path)}", err=True)


# ---------------------------------------------------------------------------
# show, clean, stats


def _print_article(article: Article, copies: tuple[Copy, ...] = ()) -> None:
    echo = click.echo
    echo(click.style(printable(article.headline), bold=True))
    for label, value in (("Source", printable(article.source)), ("Authors", printable(", ".join(article.authors))),
                         ("Date", article.date.isoformat(sep=" ") if article.date else None),
                         ("Place", printable(article.place)), ("Language", printable(article.language)),
                         ("URL", printable(article.url)), ("Path", _display_path(article.path)),
                         ("Id", printable(article.id))):
        if value:
            echo(f"{label + ':':<10}{value}")
    echo("")
    for paragraph in article.body:
        echo(printable(paragraph, newlines=True) + "\n")
    for caption in article.captions:
        echo(f"[Photo] {printable(caption)}")
    if copies:
        echo("")
        echo(click.style(f"Copies of this story ({len(copies)}):", bold=True))
        for c in copies:
            when = c.date.date().isoformat() if c.date else "no date"
            echo(f"  {printable(c.source) or 'unknown source'} · {when} · {printable(c.headline)}  "
                 f"[{printable(c.id)}]")


@cli.command("show")
@click.argument("article_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
def show_command(article_id: str, index_path: str, as_json: bool) -> None:
    """Print one cleaned article from the index, by the id that query prints, with its copies.

    Copies are the other publications of the same syndicated story (near-identical
    bodies under different headlines and boilerplate), found when indexing.
    """
    with friendly_errors():
        with NewsIndex.open(index_path) as ix:
            article = ix.get(article_id)
            copies = ix.copies(article_id)
    if as_json:
        click.echo(json_text({**article.to_dict(), "copies": [c.to_dict() for c in copies]}))
    else:
        _print_article(article, copies)


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
    """Show what the cleaner makes of FILES (files or folders), without indexing them.

    Folders are read recursively, and files are accepted or rejected exactly
    as index does. Lines learned as boilerplate from the other articles of
    each file's folder are dropped, as during index (--no-learn to skip
    reading the folder).

    \b
    Example:
      searchnews clean corpus/txt/2022-11-19-kcna-icbm-launch.txt
      searchnews clean --explain corpus/txt/2022-11-19-kcna-icbm-launch.txt
      searchnews clean --json corpus/json/wire.jsonl
      searchnews clean corpus/txt
    """
    from .errors import CorpusError
    from .ingest.cleaning import read_file
    from .ingest.corpus import SourceFile, walk
    from .ingest.learning import LearnedBoilerplate

    failed = 0  # arguments that gave no article: a file that was rejected, a folder with none
    learned_by_group: dict[str, LearnedBoilerplate] = {}
    for given in files:
        try:
            found = list(walk([given]))
        except CorpusError:
            click.echo(f"Error: {printable(given)}: no such file or folder", err=True)
            failed += 1
            continue
        cleaned = 0
        for item in found:
            shown = printable(_given_path(item.path, given))
            if not isinstance(item, SourceFile):
                click.echo(f"Error: {shown}: {printable(item.reason)}", err=True)
                continue
            learned = _learned_for(item.path, learned_by_group) if learn else LearnedBoilerplate()
            if explain:
                cleaned += _explain(item, shown, learned)
                continue
            with friendly_errors():
                for article in read_file(item, learned=learned.for_path(item.path)):
                    if isinstance(article, FileProblem):
                        where = shown + (f":{article.line}" if article.line else "")
                        click.echo(f"{'Warning' if not article.skipped else 'Error'}: {where}: "
                                   f"{printable(article.reason)}", err=True)
                        continue
                    cleaned += 1
                    if as_json:
                        click.echo(json_text(_clean_json(article, _given_path(item.path, given))))
                    else:
                        click.echo(click.style(f"==> {shown}", dim=True))
                        _print_article(article)
        if not found:
            click.echo(f"Error: {printable(given)}: no files in this folder", err=True)
        failed += not cleaned
    if failed:
        sys.exit(1)


def _given_path(path: str, given: str) -> str:
    """``path`` (absolute, found under the argument ``given``) as the user wrote it: under ``given``."""
    base = os.path.abspath(given)
    if path == base:
        return given
    if path.startswith(base.rstrip(os.sep) + os.sep):
        return os.path.join(given, os.path.relpath(path, base))
    return path


def _learned_for(path: str, cache: dict[str, LearnedBoilerplate]) -> LearnedBoilerplate:
    """What is learned from the group (folder, or JSON file) of ``path``, learned once per group."""
    from .ingest.learning import group_of, learn_boilerplate

    group = group_of(path)
    if group not in cache:
        if os.path.isdir(group):  # the folder's own files, not its subfolders
            with os.scandir(group) as entries:
                members = sorted(e.path for e in entries if e.is_file() and not e.name.startswith("."))
        else:
            members = [group]
        cache[group] = learn_boilerplate(members)
    return cache[group]


def _explain(source, shown: str, learned: LearnedBoilerplate) -> int:
    """Print the decision on each line of a text file; returns 1 when it was explained, 0 when not."""
    from .errors import DocumentError
    from .ingest.cleaning import explain_text, line_key
    from .ingest.corpus import read_documents
    from .ingest.learning import group_of

    if source.format != "text":
        click.echo(f"Error: {shown}: --explain works on .txt files", err=True)
        return 0
    try:  # read as index reads it: a file index rejects is not explained
        (raw,) = list(read_documents(source))
    except DocumentError as exc:
        click.echo(f"Error: {shown}: {printable(exc.reason)}", err=True)
        return 0
    text = raw.content
    colours = {"body": None, "caption": "green", "blank": None, "continued": None, "headline": "cyan"}
    counts = learned.counts.get(group_of(source.path), {})
    name = os.path.splitext(os.path.basename(source.path))[0]
    for d in explain_text(text, learned=learned.for_path(source.path), name=name):
        if d.decision == "blank":
            continue
        if d.decision == "learned" and line_key(d.text) in counts:
            d = replace(d, reason=f"learned: in {_plural(counts[line_key(d.text)], 'article', 'articles')} of this "
                                  f"folder")
        label = f"{d.decision:<10} {d.reason}"[:48]
        click.echo(f"{d.number:>4} " + click.style(f"{label:<48}", fg=colours.get(d.decision, "red")) + " | "
                   + printable(d.text[:100]))
    return 1


@cli.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats_command(index_path: str, as_json: bool) -> None:
    """Print the article count, sources, date range and size on disk of the index."""
    with friendly_errors():
        with NewsIndex.open(index_path) as ix:
            stats = ix.stats()
    if as_json:
        click.echo(json_text(stats.to_dict()))
        return
    first = stats.first_date.date().isoformat() if stats.first_date else None
    last = stats.last_date.date().isoformat() if stats.last_date else None
    click.echo(f"Index:     {printable(stats.path)}")
    click.echo(f"Articles:  {stats.articles:,}")
    click.echo(f"Dates:     {first or '-'} to {last or '-'}")
    click.echo(f"Size:      {stats.size_bytes / 1e6:.1f} MB in {_plural(stats.segments, 'segment', 'segments')}")
    top = ", ".join(f"{printable(name)} ({n:,})" for name, n in stats.sources[:10])
    more = f", and {len(stats.sources) - 10} more" if len(stats.sources) > 10 else ""
    click.echo(f"Sources:   {top}{more}")
    click.echo("Languages: " + ", ".join(f"{printable(name)} ({n:,})" for name, n in stats.languages))
    click.echo(f"Copies:    {_plural(stats.stories, 'story', 'stories')} published more than once "
               f"({_plural(stats.copies, 'article', 'articles')})")


# ---------------------------------------------------------------------------
# serve


@cli.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any address but this machine's own (127.0.0.1, localhost, ::1) lets "
                   "others read the index: there is no authentication.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--open", "open_browser", is_flag=True, help="Open the search page in a web browser.")
def serve_command(index_path: str, host: str, port: int, open_browser: bool) -> None:
    """Serve a search page and a JSON API over the index, read-only, until Ctrl-C (exit code 0).

    The page searches with the same syntax and filters as query, charts the
    matches over time (click a bar to narrow to its period), lists facets,
    shows articles with their copies and similar stories, and exports every
    match as CSV or JSON Lines. The API (/api/search, /api/articles/ID,
    /api/timeline, /api/stats, /api/export) answers with the JSON of --json;
    /api/openapi.json describes it. A commit by a concurrent index run is
    seen by the next request.

    \b
    Needs the serve extra: pip install 'searchnews[serve]'.
    Examples (then open the address it prints):
      serve the index in ./index:       serve
      another index, another port:      serve --index ./reuters-index --port 8080
    """
    import logging
    import webbrowser

    with friendly_errors():
        from .web import require

        require()
        from .web.server import is_loopback, serve

        def ready(url: str) -> None:
            if not is_loopback(host):
                click.echo(f"Warning: listening on {printable(host)}: anyone who can reach this address can read "
                           f"the index; there is no authentication.", err=True)
            click.echo(f"Serving {printable(index_path)} at {url} (Ctrl-C to stop)")
            sys.stdout.flush()
            if open_browser:
                webbrowser.open(url)

        # The library logs the same warning: printed once, above, in the command line's words.
        logging.getLogger("searchnews.web.server").propagate = False
        try:
            serve(index_path, host, port, ready=ready)
        except KeyboardInterrupt:  # uvicorn stops cleanly on Ctrl-C, then raises it again: the normal way out
            click.echo("Stopped.", err=True)


def main() -> None:
    """Entry point of the ``searchnews`` console script."""
    try:
        cli(prog_name="searchnews")
    except KeyboardInterrupt:
        click.echo("\nInterrupted.", err=True)
        sys.exit(130)
