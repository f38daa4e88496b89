"""Boilerplate learned from the corpus: lines that a site repeats in every article.

The hand-written rules of :mod:`searchnews.boilerplate` cannot know every
site's promo lines. But a site's scrapes share a folder, and a line that recurs
in many different articles of one folder is the site talking, not the story.
:func:`learn_boilerplate` finds those lines before cleaning;
:func:`searchnews.cleaning.clean_text` drops them (decision ``learned``).

Terms:
    group
        The articles learned from together: the plain-text files of one folder,
        or the records of one JSON/JSONL file. Web pages are not learned from:
        trafilatura already leaves out a page's navigation and asides.
    line key
        A line with case, spacing and a final full stop folded
        (:func:`searchnews.cleaning.line_key`); lines are counted by key.
    learned line
        A line key found in at least :data:`MIN_ARTICLES` distinct articles of
        a group *and* in at least :data:`MIN_SHARE` of them. Lines longer than
        :data:`MAX_WORDS` words are never learned (a long paragraph shared by
        many files is a syndicated story, not boilerplate), nor is the first
        line of an article (its headline). Identical files count once.

Thresholds: with the defaults, a folder of 10 articles needs a line in 5 of
them, a folder of 100 in 10, a folder of 2,000 in 200. Folders of fewer than
:data:`MIN_ARTICLES` articles learn nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..errors import DocumentError
from ..models import FileProblem
from .corpus import FORMATS, RawDocument, SourceFile, read_documents

__all__ = ["MAX_WORDS", "MIN_ARTICLES", "MIN_SHARE", "GroupCounts", "LearnedBoilerplate", "count_lines", "group_of",
           "learn_boilerplate"]

#: A line must recur in at least this many distinct articles of a group.
MIN_ARTICLES = 5
#: ... and in at least this share of the group's articles.
MIN_SHARE = 0.1
#: Lines with more words than this are never learned.
MAX_WORDS = 40
#: Body fields of a JSON record whose lines are learned from.
_RECORD_BODY_KEYS = ("body", "text", "content", "article", "maintext")


@dataclass(frozen=True)
class LearnedBoilerplate:
    """The learned lines of each group; :meth:`for_path` gives those that apply to a file."""

    groups: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    #: In how many articles of its group each learned line was found (for ``--explain``).
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=lambda: MappingProxyType({}))

    def for_path(self, path: str | os.PathLike[str]) -> frozenset[str]:
        """The learned line keys for the file at ``path`` (empty when its group learned nothing)."""
        return self.groups.get(group_of(path), frozenset())

    def __len__(self) -> int:
        return sum(len(lines) for lines in self.groups.values())


def group_of(path: str | os.PathLike[str]) -> str:
    """The group a file belongs to: its folder for text and HTML, the file itself for JSON."""
    path = os.path.abspath(os.fspath(path))
    if FORMATS.get(os.path.splitext(path)[1].lower()) in ("json", "jsonl"):
        return path
    return os.path.dirname(path)


def _article_lines(raw: RawDocument) -> Iterator[str]:
    """The candidate line keys of one article: every non-empty line but the first."""
    from .cleaning import line_key, normalize_text

    if raw.kind == "text":
        text = raw.content
    elif raw.kind == "record":
        body = next((raw.content.get(k) for k in _RECORD_BODY_KEYS if raw.content.get(k)), "")
        text = "\n".join(str(b) for b in body) if isinstance(body, list) else str(body)
        text = "\n" + text  # a record's body has no headline line
    else:
        return
    lines = [line for line in normalize_text(text).split("\n")]
    first = next((i for i, line in enumerate(lines) if line), len(lines))
    for line in lines[first + 1:] if raw.kind == "text" else lines:
        if line and len(line.split()) <= MAX_WORDS:
            yield line_key(line)


def count_lines(files: Iterable[SourceFile | FileProblem | str | os.PathLike[str]]) -> GroupCounts:
    """Count the candidate lines of each group's articles (stage one of :func:`learn_boilerplate`).

    Groups are independent, so the files of different groups may be counted
    in different processes and the results put together with :meth:`GroupCounts.update`.
    """
    counts = GroupCounts()
    seen: dict[str, set[bytes]] = {}
    for item in files:
        if isinstance(item, FileProblem):
            continue
        source = item if isinstance(item, SourceFile) else _source_file(item)
        if source is None or source.format == "html":
            continue
        group = group_of(source.path)
        try:
            for raw in read_documents(source):
                if isinstance(raw, FileProblem):
                    continue
                keys = set(_article_lines(raw))
                digest = hashlib.sha1("\n".join(sorted(keys)).encode("utf-8", "surrogatepass")).digest()
                if digest in seen.setdefault(group, set()):
                    continue  # the same article twice counts once
                seen[group].add(digest)
                counts.articles[group] += 1
                counts.lines.setdefault(group, Counter()).update(keys)
        except (DocumentError, OSError, UnicodeError, ValueError):
            continue
    return counts


@dataclass
class GroupCounts:
    """Per group: how many distinct articles were counted, and in how many of them each line key was found."""

    articles: Counter[str] = field(default_factory=Counter)
    lines: dict[str, Counter[str]] = field(default_factory=dict)

    def update(self, other: GroupCounts) -> None:
        """Add the counts of other groups (counted elsewhere; a group is counted in one place)."""
        self.articles.update(other.articles)
        for group, counter in other.lines.items():
            self.lines.setdefault(group, Counter()).update(counter)

    def learned(self, min_articles: int = MIN_ARTICLES, min_share: float = MIN_SHARE) -> LearnedBoilerplate:
        """The lines that recur in enough articles of their group (stage two of :func:`learn_boilerplate`)."""
        groups: dict[str, frozenset[str]] = {}
        counts: dict[str, Mapping[str, int]] = {}
        for group, counter in self.lines.items():
            needed = max(min_articles, min_share * self.articles[group])
            learned = {key: n for key, n in counter.items() if n >= needed}
            if learned:
                groups[group] = frozenset(learned)
                counts[group] = MappingProxyType(learned)
        return LearnedBoilerplate(MappingProxyType(groups), MappingProxyType(counts))


def learn_boilerplate(
    files: Iterable[SourceFile | FileProblem | str | os.PathLike[str]],
    *,
    min_articles: int = MIN_ARTICLES,
    min_share: float = MIN_SHARE,
) -> LearnedBoilerplate:
    """Learn the lines that recur across the articles of each group (see the module docstring).

    ``files`` may be what :func:`searchnews.corpus.walk` yields (problems are
    passed over) or paths. Files that cannot be read are passed over too: the
    indexer reports them. Pure apart from reading the files; never raises for
    a bad file. (The indexer counts groups in its worker processes with
    :func:`count_lines`, and puts the counts together.)
    """
    return count_lines(files).learned(min_articles, min_share)


def _source_file(path: str | os.PathLike[str]) -> SourceFile | None:
    path = os.path.abspath(os.fspath(path))
    fmt = FORMATS.get(os.path.splitext(path)[1].lower())
    if fmt is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return SourceFile(path, fmt, st.st_size, st.st_mtime_ns, linked=os.path.islink(path))
