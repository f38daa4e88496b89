"""Page chrome: find the article inside a whole web page saved as text.

Much scraped text is a whole page turned into text (``get_text()``, a browser's
select-all and copy, ``lynx -dump``, an HTML-to-text converter): the article is
in there, between skip links, menus, breadcrumbs, cookie banners, share bars,
newsletter boxes, lists of other headlines and footers. This module decides,
for every line of such a text, whether it belongs to the article, with the
method jusText applies to the blocks of an HTML page, applied to lines: each
segment is first classified from its own shape, then revised from its
neighbours, in linear time.

Terms:
    chrome
        The page around the article: navigation, the site's own promotion,
        legal and social lines, lists of other articles.
    segment
        One line, or a hard-wrapped paragraph: consecutive lines that reach the
        file's wrap margin (``lynx -dump`` style) are judged as one.
    class
        jusText's classes. From a segment's own shape: *bad* (a chrome line,
        a menu or breadcrumb, prose-less text with few stop words), *short*
        (too short to judge alone), *near-good* and *good* (long, with the
        stop-word density of prose). Then from the neighbours: a short or
        near-good segment between good ones is good, between bad ones bad; a
        short heading-like line just above good text is near-good.
    article block
        The lines from the first good segment to the last.
    headline
        The headline-like line above the article block (past its byline,
        stamp, captions and share bar) with the best score: each candidate's
        score is a sum of named parts (:func:`_headline_scores`), for what
        agrees (a byline or date under it, the page's ``<title>``-style line
        ``Headline | Site`` or the file name, the article's words, standing
        nearest) and against what it looks like instead (people's names, the
        site's name, a label, a list item, a standfirst).
    stems
        Words cut to their first five letters, function words left out: a
        stemmer for any language, to tell how far two lines say the same.
    story box
        Other stories' titles with their dates inside the article, under a
        label ("Related Articles"), the article going on after them: chrome,
        not the article's end.
    metadata windows
        The lines between the headline and the article block, a few lines
        above the headline and a few after the block: the only places where
        chrome lines are read for bylines, stamps and credits.
    page
        A text is a page (and its chrome is removed) when at least
        :data:`~searchnews.ingest.boilerplate.PAGE_MIN_CHROME_LINES` lines
        outside the article and its windows are chrome by their shape (a chrome
        line, a menu or breadcrumb, a url, a short line with no final
        punctuation) and the text does not start with its headline, or when
        the first line is chrome ("Skip to content"). Prose-less lines alone (a
        table of results at the end of an article) do not make a page. The
        cleaner then checks what its line rules make of those chrome lines:
        lines they already drop (a repeated headline, a caption, a promo line)
        are no evidence of a page. Any other text is a plain article and is cleaned
        as before: the article block finder changes nothing for it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import boilerplate as bp
from .patternsets import PatternSet

__all__ = ["Layout", "find_layout", "might_be_page", "plain", "stamp_metadata"]

_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]")
_TERMINAL = (".", "!", "?", "…", "。", "！", "？", '"', "”", "»", "’", "'")
_SENTENCE = re.compile(r"[.!?。！？…]")
_QUOTES = ('"', "“", "”", "«", "»", "'", "‘", "’", "„")
#: The end of a sentence inside a paragraph: a stop and a space (not "U.S." or "1.5").
_SENTENCE_STOPS = re.compile(r"[.!?。！？…][\"”’»)]?\s+(?=\S)")
_BOLD = re.compile(r"\*\*|__")
_BRACKETS = re.compile(r"\([^()]{1,40}\)")
_DIGIT = re.compile(r"\d")
#: A sentence that ends inside a line, after a word in small letters ("... into politics. Anyone"; not "U.S. Army").
_INNER_SENTENCE_END = re.compile(r"[a-zß-ÿ]{2}\.[\"”’]?\s+[\"“‘]?[A-ZÀ-Ý]")
_SPACES_AROUND = re.compile(r"  +")
_CHROME = PatternSet(bp.CHROME_LINES)
_PROMO = PatternSet(bp.PROMO_LINES)
_META = PatternSet((bp.BYLINE, bp.AUTHORS_LINE, bp.BARE_DATE_LINE, bp.CAPTION_PREFIX, bp.CREDIT_LINE, bp.SOURCE_LINE,
                    *(pattern for _, pattern in bp.STAMP_LINES), *bp.RELATIVE_STAMPS))
_COMMENT_HEADER = PatternSet((bp.COMMENT_HEADER,))
_MENU_END = frozenset(".!?。！？…")
#: What a list item can start with (the first characters of :data:`~searchnews.ingest.boilerplate.BULLET`;
#: digits are told by ``str.isdecimal``, as ``\d`` tells them).
_BULLET_START = frozenset("*+•·▪►◦‣–-")

GOOD, NEARGOOD, SHORT, BAD = "good", "near-good", "short", "bad"
#: A photo's caption or credit: neither article text nor chrome (it weighs nothing in the article's span).
CAPTION = "caption"


@dataclass(frozen=True)
class Layout:
    """Where the article is in a text: one decision and reason per line (see the module terms).

    ``decisions`` holds, per line: ``article`` (in the article block),
    ``chrome`` (around or inside it, not the article), ``meta`` (a chrome line
    in a metadata window: read for bylines, stamps and credits),
    ``headline`` or ``blank``. ``page`` says whether the text is a whole page.
    """

    page: bool
    decisions: tuple[str, ...]
    reasons: tuple[str, ...]
    headline: int | None = None
    headline_text: str | None = None
    site: str | None = None
    url: str | None = None
    #: The lines outside the article and its windows that are chrome by their shape.
    chrome_lines: tuple[int, ...] = ()
    #: Whether the first line is chrome by its shape ("Skip to content").
    starts_with_chrome: bool = False


def plain(line: str) -> str:
    """A line without markdown heading and block-quote marks, links, bold and emphasis, and list bullets."""
    if "](" in line:
        line = bp.MARKDOWN_LINK.sub(r"\g<text>", line)
    if line[:1] == "#":
        heading = bp.MARKDOWN_HEADING.fullmatch(line)
        if heading:
            line = heading.group("text")
    elif line[:1] == ">" and (line == ">" or line[1:2] == " "):  # markdown's block quote (html2text's <blockquote>)
        line = line[2:]
    if line[:1] in _BULLET_START or line[:1].isdecimal():
        bullet = bp.BULLET.fullmatch(line)
        if bullet:
            line = bullet.group("text")
    if "**" in line or "__" in line:  # markdown's bold, also inside a line ("Jane Doe** said **today")
        line = _SPACES_AROUND.sub(" ", _BOLD.sub("", line)).strip()
    if "_" in line or "*" in line:  # markdown's emphasis: "_The Interview_ Is a Pretty Smart Movie"
        line = bp.MARKDOWN_EMPHASIS.sub(r"\g<text>", line)
    return line


@functools.lru_cache(maxsize=64)
def _stoplist(language: str | None) -> frozenset[str] | None:
    import justext

    name = bp.STOPLISTS.get(language or "")
    if not name:
        return None
    return frozenset(w.casefold() for w in justext.get_stoplist(name))


def _wrap_margin(lines: Sequence[str]) -> int | None:
    """The width a hard-wrapped text was wrapped at, or ``None`` when its lines are not wrapped."""
    lengths = [len(line) for line in lines if len(line) >= 30]
    if len(lengths) < 8:
        return None
    width = max(lengths)
    if not 40 <= width <= 100:
        return None
    near = sum(1 for n in lengths if n >= width - 12)
    return width if near >= 0.3 * len(lengths) else None


#: What a line that carries on the sentence of the line above starts with, when a renderer puts each text node on
#: a line of its own and so splits a paragraph at every link ("Say what you will about" / "Jane Doe" / ", the ...").
_CONTINUATION_MARKS = frozenset(",.;:!?)]}”’»%")
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？", ":", ";")
#: A line that starts with a small letter but begins something new: a byline ("by Jane Doe"), a stamp, a url, an
#: image's file name.
_NEW_START = re.compile(r"(?:by|par|von|por|door|di|updated|posted|published)\b|https?:|www\.|[\w.+-]+@\w"
                        r"|[\w .()-]{1,60}\.(?:jpe?g|png|gif|webp)$", re.IGNORECASE)


def _continues(line: str, following: str) -> bool:
    """Whether ``following`` carries on the sentence that ``line`` leaves unfinished: it starts with punctuation
    that cannot start a sentence, or with a small letter after a line that ends mid-sentence (one of them long
    enough to be prose: a list of tags in small letters is one item a line)."""
    if line.endswith(_SENTENCE_END):
        return False
    start = following[:1]
    if start in _CONTINUATION_MARKS:
        return True
    return (start.islower() and (line[-1:].islower() or line[-1:] in ",—–-“‘\"'") and not _NEW_START.match(following)
            and max(len(line), len(following)) >= bp.CONTINUATION_MIN_CHARS and not _stamped(following))


def _segments(lines: Sequence[str]) -> list[tuple[int, int]]:
    """``(first, last)`` line numbers of each segment: hard-wrapped lines joined, and a line joined to the next when
    the next carries on its sentence (a paragraph a renderer split at its links)."""
    margin = _wrap_margin(lines)
    segments: list[tuple[int, int]] = []
    i, n = 0, len(lines)
    while i < n:
        if not lines[i]:
            i += 1
            continue
        end = i
        while end + 1 < n and lines[end + 1] and (
                (margin is not None and len(lines[end]) >= margin - 15) or _continues(lines[end], lines[end + 1])):
            end += 1
        segments.append((i, end))
        i = end + 1
    return segments


_SHAPE_REASONS = frozenset({"site chrome (menu, social, legal or list line)", "a url",
                            "menu or breadcrumb on one line"})


@functools.lru_cache(maxsize=8192)
def _shape(text: str) -> str | None:
    """Why a segment is chrome by its shape alone (a chrome line, a url, a menu on one line), or ``None``."""
    if _CHROME.matches(text):
        return "site chrome (menu, social, legal or list line)"
    if bp.URL_LINE.fullmatch(text):
        return "a url"
    if text[-1:] not in _MENU_END and len(bp.CHROME_SEPARATORS.findall(f" {text} ")) >= bp.CHROME_MIN_SEPARATORS:
        return "menu or breadcrumb on one line"
    return None


def _forget() -> None:
    """Empty the memos of segment shapes (they spare repeated work within one page, not across pages)."""
    _shape.cache_clear()
    _headline_candidate.cache_clear()
    _about_the_story.cache_clear()
    _stamped.cache_clear()
    _title_cased.cache_clear()


def might_be_page(lines: Sequence[str], body: Sequence[bool]) -> bool:
    """Whether a text could be a whole page, from the shape of its lines (``False`` for most articles).

    ``body`` says, per line, whether the line rules keep it as body text. A text
    is a page only when its first segment is chrome by its shape, or when at
    least :data:`~searchnews.ingest.boilerplate.PAGE_MIN_CHROME_LINES` lines
    kept as body stand in segments that are chrome by their shape or short
    with no final punctuation (what :func:`find_layout` counts as evidence,
    and the cleaner then checks against the line rules). This costs a look at
    each line, not the page finder's work.
    """
    shape = _shape.__wrapped__  # (no memo: a plain article is looked at once)
    texts_by_line = [plain(line) for line in lines]
    count = 0
    for k, (a, b) in enumerate(_segments(texts_by_line)):
        text = texts_by_line[a] if a == b else " ".join(texts_by_line[a:b + 1])
        if k == 0 and shape(text):
            return True
        kept = sum(body[a:b + 1])
        if kept and ((len(text) < bp.CHROME_LENGTH_LOW and not text.endswith(_TERMINAL)) or shape(text)):
            count += kept
            if count >= bp.PAGE_MIN_CHROME_LINES:
                return True
    return False


_MEDIUM_PROSE = "medium length, with the stop words of prose"


def _context_free(text: str, stoplist: frozenset[str] | None, dense: bool) -> tuple[str, str]:
    """A segment's class and reason from its own shape."""
    shape = _shape(text)
    if shape:
        return BAD, shape
    if _PROMO.matches(text):
        return SHORT, "promo line (dropped by the line rules)"
    length = len(text) * (3 if dense else 1)
    if length < bp.CHROME_LENGTH_LOW:
        return SHORT, "short"
    if stoplist is None:
        density = 0.4 if _SENTENCE.search(text) else 0.0
    else:
        # Figures are neither stop words nor content: a market report's "0.03 percent at 27,403.54" is prose; nor
        # are the codes and credits in brackets ("Larsen and Toubro (LART.NS) adding 0.5 percent").
        words = [w for w in _WORD.findall((_BRACKETS.sub(" ", text) if "(" in text else text).casefold())
                 if not w.isdigit()]
        density = sum(w in stoplist for w in words) / len(words) if words else 0.0
    if density >= bp.CHROME_STOPWORDS_HIGH:
        if length > bp.CHROME_LENGTH_HIGH:
            return GOOD, "long, with the stop words of prose"
        return NEARGOOD, _MEDIUM_PROSE
    if density >= bp.CHROME_STOPWORDS_LOW:
        return NEARGOOD, "some stop words"
    if (density >= bp.CHROME_SENTENCE_STOPWORDS and text[:1].isupper() and text.endswith(_TERMINAL)
            and len(text.split()) >= bp.CHROME_SENTENCE_WORDS):
        return NEARGOOD, "a sentence with few stop words"
    return BAD, "few stop words: not prose"


def _short_paragraphs(classes: list[str], reasons: list[str]) -> None:
    """On a page without one long paragraph (an article of one-sentence paragraphs), the medium-length segments
    with the stop words of prose are its text (in place), when there are at least
    :data:`~searchnews.ingest.boilerplate.SHORT_PARAGRAPHS_MIN` of them: jusText's length threshold scaled down to
    the page."""
    found = [k for k, reason in enumerate(reasons) if classes[k] == NEARGOOD and reason == _MEDIUM_PROSE]
    if len(found) >= bp.SHORT_PARAGRAPHS_MIN:
        for k in found:
            classes[k], reasons[k] = GOOD, reasons[k] + " (a page of short paragraphs)"


def _heading_like(text: str) -> bool:
    words = len(text.split())
    return 0 < words <= 20 and not text.endswith((".", ",", ";", ":"))


def _neighbours(classes: Sequence[str], ignore_neargood: bool) -> tuple[list[str], list[str]]:
    """For each segment, the class of the nearest good or bad (or near-good) segment before and after it.

    Document edges count as bad, as in jusText. Two passes: linear time.
    """
    wanted = {GOOD, BAD} if ignore_neargood else {GOOD, BAD, NEARGOOD}
    n = len(classes)
    before, after = [BAD] * n, [BAD] * n
    last = BAD
    for i in range(n):
        before[i] = last
        if classes[i] in wanted:
            last = classes[i]
    last = BAD
    for i in range(n - 1, -1, -1):
        after[i] = last
        if classes[i] in wanted:
            last = classes[i]
    return before, after


def _closing_sentence(text: str) -> bool:
    """Whether a short segment right after the article's last paragraph is its closing sentence ("The lesson, as
    always: you are what you search."): a sentence of a few words, not the site's promotion or the writer's blurb."""
    return (text.lstrip("\"“‘«'")[:1].isupper() and text.endswith((".", "!", "?", "…", "”", '"', "»"))
            and len(text.split()) >= bp.CLOSING_MIN_WORDS and not _blurb_or_promo(text) and not _PROMO.matches(text))


def _revise(classes: list[str], reasons: list[str], texts: Sequence[str]) -> None:
    """jusText's context-sensitive pass, in linear time (in place)."""
    n = len(classes)
    # Short segments take the class of their neighbours.
    before, after = _neighbours(classes, True)
    before_any, after_any = _neighbours(classes, False)
    updates = {}
    for i in range(n):
        if classes[i] != SHORT:
            continue
        if before[i] == GOOD and after[i] == GOOD:
            updates[i] = (GOOD, "short, between article text")
        elif before[i] == BAD and after[i] == BAD:
            updates[i] = (BAD, "short, between chrome")
        elif before[i] == BAD and before_any[i] == NEARGOOD:
            updates[i] = (GOOD, "short, next to article text")
        elif after[i] == BAD and after_any[i] == NEARGOOD:
            updates[i] = (GOOD, "short, next to article text")
        elif (before[i] == GOOD and i > 0 and updates.get(i - 1, (classes[i - 1],))[0] in (GOOD, NEARGOOD)
              and _closing_sentence(texts[i])):
            updates[i] = (GOOD, "a short sentence that ends the article")
        else:
            updates[i] = (BAD, "short, at the edge of the article")
    for i, (cls, reason) in updates.items():
        classes[i], reasons[i] = cls, reason
    # Near-good segments: bad only between bad ones.
    before, after = _neighbours(classes, True)
    for i in range(n):
        if classes[i] == NEARGOOD:
            if before[i] == BAD and after[i] == BAD:
                classes[i], reasons[i] = BAD, reasons[i] + ", but between chrome"
            else:
                classes[i], reasons[i] = GOOD, reasons[i] + ", next to article text"


def _repeated(classes: list[str], reasons: list[str], texts: Sequence[str], stoplist: frozenset[str] | None) -> None:
    """Segments whose text the page repeats (a section label over every teaser, "Reply" under every comment,
    a gallery's title on each slide) are chrome (in place); not the small words a renderer puts on lines of their
    own ("and", "by" between links), nor a label that introduces what follows ("What she said:")."""
    counts: dict[str, int] = {}
    keys = [text.casefold() for text in texts]
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    for k, key in enumerate(keys):
        if (counts[key] >= bp.CHROME_REPEATS and len(key) <= bp.CHROME_LENGTH_HIGH and not key.endswith(":")
                and _content_words(key, stoplist)):
            classes[k], reasons[k] = BAD, f"repeated {counts[key]} times on the page"


def _title_lists(classes: list[str], reasons: list[str], texts: Sequence[str]) -> None:
    """Runs of at least :data:`~searchnews.ingest.boilerplate.TITLE_LIST_MIN_ITEMS` other stories' headlines in title
    case, one a line (a menu of stories; section labels of a word or two may stand between), are chrome (in
    place): jusText's link density, told from the lines' shape."""
    k, n = 0, len(texts)
    while k < n:
        run: list[int] = []
        j = k
        while j < n and classes[j] != GOOD and (_title_cased(texts[j]) or (run and len(texts[j].split()) <= 2)):
            if _title_cased(texts[j]):
                if any(_about_the_story(texts[d]) for d in (j + 1, j + 2) if d < n):
                    break  # a headline with its byline or date: the page's own story starts here
                run.append(j)
            j += 1
        if len(run) >= bp.TITLE_LIST_MIN_ITEMS:
            for i in run:
                classes[i], reasons[i] = BAD, "other stories' headlines, one a line"
        k = max(j, k + 1)


def _captions(classes: list[str], reasons: list[str], texts: Sequence[str]) -> None:
    """A photo credit ("Photo by Jane Doe/Getty Images", "Credit: AFP") and the line just above it (the photo's
    caption) are captions (in place)."""
    for k, text in enumerate(texts):
        if len(text) <= bp.PHOTO_CREDIT_MAX_CHARS and (bp.PHOTO_CREDIT.fullmatch(text)
                                                      or bp.CREDIT_LINE.fullmatch(text)):
            classes[k], reasons[k] = CAPTION, "photo credit"
            above = texts[k - 1] if k > 0 else ""
            if (above and classes[k - 1] != BAD and len(above.split()) <= bp.CAPTION_MAX_WORDS
                    and len(_SENTENCE_STOPS.findall(above)) < bp.CAPTION_MAX_SENTENCES):
                classes[k - 1], reasons[k - 1] = CAPTION, "photo caption (a credit follows)"


def _comments_start(texts: Sequence[str], classes: Sequence[str]) -> int:
    """The first segment of the readers' comments (the end of the texts when there are none).

    Comments are prose too; what tells them is their headers ("... wrote:",
    "jdoe • 2 weeks ago"): with two of them after some good text, the comments
    start at the first, or at the "Comments" heading just above it. Without
    headers (a renderer split them), two "Reply" links under a "Comments"
    heading tell them too, and so do the comment system's own controls ("Post
    comment", "Newest | Oldest", "Powered by Livefyre") under such a heading.
    """
    seen_good = next((k for k, cls in enumerate(classes) if cls == GOOD), len(texts))
    headers = [k for k, text in enumerate(texts) if k > seen_good and _COMMENT_HEADER.matches(text)]
    markers = [k for k, text in enumerate(texts) if k > seen_good and bp.COMMENT_MARKER.fullmatch(text)]
    found = headers if len(headers) >= 2 else markers if len(markers) >= 2 else None
    if found is None:
        return _comment_system(texts, seen_good)
    cut = found[0] if found is headers else None
    for k in range(found[0] - 1, max(seen_good, found[0] - 12), -1):
        if bp.COMMENTS_START.fullmatch(texts[k]):
            cut = k
    return cut if cut is not None else len(texts)


def _comment_system(texts: Sequence[str], seen_good: int) -> int:
    """The first "Comments" heading after the article's first paragraph with at least
    :data:`~searchnews.ingest.boilerplate.COMMENT_CONTROLS_MIN` of the comment system's controls just under it ("4
    comments" / "Sign in" / "Post comment" / "Newest | Oldest"), or the end of the texts."""
    for k in range(seen_good + 1, len(texts)):
        if len(texts[k]) <= bp.CHROME_LENGTH_LOW and bp.COMMENTS_START.fullmatch(texts[k]):
            controls = sum(1 for text in texts[k + 1:k + 1 + bp.COMMENT_CONTROLS_WINDOW]
                           if bp.COMMENT_CONTROLS.fullmatch(text))
            if controls >= bp.COMMENT_CONTROLS_MIN:
                return k
    return len(texts)


def _story_starts(first: int, last: int, texts: Sequence[str]) -> list[int]:
    """The segments in ``first..last`` where another story starts: a headline-like line with a byline or a
    date just under it (a list of other articles, each with its title, byline or date and a teaser)."""
    starts: list[int] = []
    for k in range(first, last + 1):
        if starts and k <= starts[-1] + 2:
            continue  # the same story's title, standfirst and byline
        if (_headline_candidate(texts[k]) and any(_about_the_story(texts[k + d]) for d in (1, 2) if k + d <= last)
                and not (k + 1 <= last and _quote_attribution(texts[k + 1]))):
            starts.append(k)
    return starts


def _item_end(k: int, last: int, texts: Sequence[str]) -> int:
    """The last segment of the story item whose title is segment ``k``: its byline or date."""
    return next((j for j in (k + 2, k + 1) if j <= last and _about_the_story(texts[j])), k)


def _goes_on(k: int, last: int, classes: Sequence[str], texts: Sequence[str]) -> bool:
    """Whether the article goes on at segment ``k``, right after a list of other stories: a long paragraph of it
    there, and at least :data:`~searchnews.ingest.boilerplate.ARTICLE_GOES_ON` of them in all (a box of other
    stories inside the article, not a list that ends it)."""
    if k > last or classes[k] != GOOD or len(texts[k]) < bp.CHROME_LENGTH_HIGH:
        return False
    return sum(1 for j in range(k, last + 1) if classes[j] == GOOD
               and len(texts[j]) >= bp.CHROME_LENGTH_HIGH) >= bp.ARTICLE_GOES_ON


def _story_box(first: int, last: int, classes: Sequence[str], texts: Sequence[str]) -> range:
    """The segments of a box of other stories inside the article (titles with their dates under a label such as
    "Related Articles", the article going on after it), or an empty range. Titles with dates and no label are
    kept: a list of events with their dates is article text."""
    starts = _story_starts(first + 1, last, texts)
    if len(starts) < bp.TEASER_MIN_STARTS:
        return range(0)
    label = next((j for j in (starts[0] - 1, starts[0] - 2) if j >= first and (
        _shape(texts[j]) or bp.RELATED_MARKER.fullmatch(texts[j]))), None)
    if label is None:
        return range(0)
    end = _item_end(starts[-1], last, texts)
    return range(label, end + 1) if _goes_on(end + 1, last, classes, texts) else range(0)


def _quote_attribution(text: str) -> bool:
    """Whether a line signs a quote or an embedded post ("— Jane Doe (@jdoe)"): the date under it is the post's, not
    another story's."""
    return text[:1] in "—–-" and len(text.split()) <= bp.DATED_MAX_WORDS * 2


def _teaser_run(first: int, last: int, classes: Sequence[str], texts: Sequence[str]) -> int | None:
    """Where a list of other stories starts in ``first..last``: a title (a headline, or "VIDEO: ..."), then a
    one-sentence teaser, at least :data:`~searchnews.ingest.boilerplate.TEASER_MIN_ITEMS` times, with at most a few
    chrome lines (a label, an advertisement) between two of them, running to the end of the block."""

    def title(k: int) -> bool:
        text = texts[k]
        return ((_headline_candidate(text) or bool(bp.MEDIA_TITLE.fullmatch(text)))
                and not text.endswith(("?", *_QUOTES)))

    def teaser(k: int) -> bool:
        text = texts[k]
        return (classes[k] == GOOD and bp.TEASER_MIN_CHARS <= len(text) <= bp.TEASER_MAX_CHARS
                and (text.endswith((*_SENTENCE_END, *_QUOTES)) or text[-1:].isalpha()) and text[:1] not in _QUOTES
                and not _INNER_SENTENCE_END.search(text))

    k = first + 1
    while k < last:
        start, items, j, skipped = None, 0, k, 0
        while j < last:
            if title(j) and teaser(j + 1):
                start = j if start is None else start
                items, j, skipped = items + 1, j + 2, 0
            elif start is not None and classes[j] == BAD and skipped < bp.TEASER_MAX_GAP:
                j, skipped = j + 1, skipped + 1
            else:
                break
        # A list inside an article is followed by more of the article; a list of other stories ends the block
        # (but for an advertisement or two).
        if start is not None and items >= bp.TEASER_MIN_ITEMS and j >= last - bp.TEASER_TAIL:
            return start
        k = max(k + 1, j - skipped)
    return None


def _blurb_or_promo(text: str) -> bool:
    """Whether a paragraph is the writer's blurb, an investment disclosure or the site's promotion, from its shape
    (see the boilerplate)."""
    return bool(bp.WRITER_BLURB.match(text) or bp.SITE_PROMO.match(text) or bp.FOLLOW_ME.search(text)
                or bp.DISCLOSURE.match(text) or bp.CALL_TO_ACTION.search(text))


def _end_of_article(first: int, last: int, classes: Sequence[str], texts: Sequence[str]) -> int:
    """The last segment of the article that starts at ``first``: before a list of other stories (two or more
    titles with a byline or date, or three titles with a one-sentence teaser each) and before a closing writer's
    blurb, disclosure or promotion (and its title)."""
    starts = _story_starts(first + 1, last, texts)
    if len(starts) >= bp.TEASER_MIN_STARTS and not _goes_on(_item_end(starts[-1], last, texts) + 1, last, classes,
                                                              texts):
        last = starts[0] - 1
    run = _teaser_run(first, last, classes, texts)
    if run is not None:
        last = run - 1
    while True:
        end = last
        while end > first and (classes[end] != GOOD or _blurb_or_promo(texts[end])):
            if classes[end] == GOOD and _headline_candidate(texts[end - 1]) and _heading_like(texts[end - 1]):
                end -= 1  # (the promotion's title)
            end -= 1
        titles = end
        while titles > first and (classes[titles] != GOOD or _title_cased(texts[titles])):
            titles -= 1
        if sum(1 for k in range(titles + 1, last + 1) if _title_cased(texts[k])) >= bp.TEASER_MIN_ITEMS:
            end = titles  # the headlines of other stories, one a line
        if end == last:
            return last
        last = end


@functools.lru_cache(maxsize=8192)
def _title_cased(text: str) -> bool:
    """Whether a line is a headline in title case ("Why I Am Optimistic About the Future"): another story's (not a
    row of figures, "HTML 57Kb 59Kb +4%")."""
    words = [w for w in text.split() if w[:1].isalpha()]
    if len(words) < bp.HEADLINE_MIN_WORDS:
        return False
    words = [w for w in words if w.casefold() not in bp.TITLE_SMALL_WORDS]
    return (bool(words) and sum(w[:1].isupper() for w in words) >= bp.TITLE_CASE_SHARE * len(words)
            and _headline_candidate(text))


def _article_span(classes: Sequence[str], texts: Sequence[str]) -> tuple[int, int] | None:
    """The first and last segment of the article block: the span richest in good text.

    Good segments weigh their length, bad ones minus theirs (at least
    :data:`~searchnews.ingest.boilerplate.CHROME_MIN_PENALTY`): the span of
    largest total (Kadane's maximum subarray, linear) keeps a paragraph of
    promotion far down the page, or a teaser among the menus, out of the article.
    """
    best, best_span = 0, None
    total, start = 0, 0
    for k, cls in enumerate(classes):
        weight = len(texts[k]) if cls == GOOD else 0 if cls == CAPTION else -max(len(texts[k]), bp.CHROME_MIN_PENALTY)
        if total <= 0:
            total, start = 0, k
        total += weight
        if cls == GOOD and total > best:
            best, best_span = total, (start, k)
    if best_span is None:
        return None
    first, last = best_span
    while classes[first] != GOOD:
        first += 1
    return first, last


def _is_meta(text: str) -> bool:
    return _META.matches(text)


def _content_words(text: str, stoplist: frozenset[str] | None) -> set[str]:
    """The words of ``text`` that say what it is about: not stop words, not numbers."""
    return {w for w in _WORD.findall(text.casefold())
            if len(w) > 2 and not w.isdigit() and (stoplist is None or w not in stoplist)}


def _stems(text: str) -> set[str]:
    """The words of ``text`` but function words and numbers, cut to their first letters (a stemmer for any language:
    "Argentina's" and "Argentine", "tensions" and "tension" agree)."""
    return {w[:bp.STEM_LETTERS] for w in _content_words(text, bp.FUNCTION_WORDS)}


def _agreement(stems: set[str], other: set[str]) -> float:
    """How far two lines say the same (F1 of their stems), 0 below
    :data:`~searchnews.ingest.boilerplate.HEADLINE_TITLE_AGREEMENT`; 1 for the same words."""
    common = len(stems & other)
    if not common:
        return 0.0
    f1 = 2 * common / (len(stems) + len(other))
    return f1 if f1 >= bp.HEADLINE_TITLE_AGREEMENT else 0.0


def _slug_words(name: str | None) -> set[str]:
    if not name:
        return set()
    return {w for w in _WORD.findall(name.casefold().replace("_", " ")) if len(w) > 2 and not w.isdigit()}


_NAME_JOINS = frozenset({"and", "und", "et", "y", "e"})


@functools.lru_cache(maxsize=8192)
def _headline_candidate(text: str) -> bool:
    words = text.split()
    if not bp.HEADLINE_MIN_WORDS <= len(words) <= bp.HEADLINE_MAX_WORDS or not _LETTERS.search(text):
        return False
    if text.endswith((".", ",", ";", ":")) and not text.endswith(("...", "…")):
        return False
    if bp.NOT_HEADLINE.search(text) or len(bp.CHROME_SEPARATORS.findall(f" {text} ")) >= 1:
        return False
    return not (_CHROME.matches(text) or _PROMO.matches(text) or _is_meta(text) or _about_the_story(text)
                or bp.URL_LINE.fullmatch(text) or bp.RELATED_MARKER.fullmatch(text) or bp.PHOTO_CREDIT.fullmatch(text))


#: A byline glued to the writer's name above it (a link, then the byline): "Jane Doe, The Harbour Gazette By Jane
#: Doe, The Harbour Gazette".
_NAME_BY_NAME = re.compile(r"(?P<name>[^\W\d_][^\n]{2,80}?)\s+(?:By|by|BY)\s+(?P=name)(?:\W.{0,80})?")
#: People's names (2 to 4 capitalised words each, maybe ", Their Title"): an author's line, not a headline.
_NAME_WORD = r"[A-Z](?:[a-zß-ÿ]+(?:['’-][A-Za-zß-ÿ]+)*\.?|\.)"
_NAME = rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}"
_NAME_LIKE = re.compile(rf"{_NAME}(?:(?:,| and| &) {_NAME})*(?:, [\w .&'’-]{{2,40}})?")
#: A byline as pages write it, in any case ("by Jane Doe", "BY JANE DOE", "By Jane Doe on Dec 29"), and after a
#: credit's label, only names: "Story: Jane Doe" (not "Story: The Real Risk of Pension Plans").
_ANY_BYLINE = re.compile(r"(?i:by|par|von|por|door|di)\s+[^\W\d_][\w.'’-]+(?:\s+[^\W\d_][\w.'’-]+){0,3}\b.{0,80}"
                         r"|(?i:Curated|Curator|Written|Words|Text|Story|Reported|Interview)\s*(?i:by)?\s*:?\s+"
                         rf"{_NAME}(?:(?:,| and| &) {_NAME})*(?:, [\w .&'’-]{{2,40}})?")
#: A line that dates something: a month's name or a time of day, and a year or a day's number.
_DATED = re.compile(
    r"(?=.*\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre"
    r"|novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember)\b\.?|.*\b\d{1,2}:\d{2}\b)"
    r"(?=.*\b(?:19|20)\d\d\b|.*\b\d{1,2}\b).{4,80}", re.IGNORECASE)
#: The metadata patterns that tell a story's start: bylines and stamps (not captions and credits).
_STORY_META = PatternSet((bp.BYLINE, bp.AUTHORS_LINE, bp.BARE_DATE_LINE, *(pattern for _, pattern in bp.STAMP_LINES),
                          *bp.RELATIVE_STAMPS))


@functools.lru_cache(maxsize=8192)
def _about_the_story(text: str) -> bool:
    """Whether a segment is a byline or a date: what stands next to a headline (not a quote's attribution:
    "— Jane Doe (@jdoe) 3 May 2024")."""
    if text[:1] in "—–-":
        return False
    if len(text.split()) > bp.DATED_MAX_WORDS * 2:
        return _stamped(text)
    return bool(_STORY_META.matches(text) or _ANY_BYLINE.fullmatch(text) or _NAME_BY_NAME.fullmatch(text)
                or (len(text.split()) <= bp.DATED_MAX_WORDS and _DATED.fullmatch(text)) or _stamped(text))


@functools.lru_cache(maxsize=8192)
def _stamped(text: str) -> bool:
    """Whether a line is a stamp by its shape: a date with its year or time, and besides its dates nothing but
    people's names and a stamp's words ("Jane Doe By Jane Doe on December 24, 2014 at 8:17 AM, updated ...")."""
    if _DIGIT.search(text) is None or not bp.STAMP_DATE.search(text):
        return False
    words = _WORD.findall(bp.STAMP_DATE.sub(" ", text))
    return len(words) <= bp.STAMP_MAX_WORDS and all(
        w[:1].isupper() or w.isdigit() or w.casefold() in bp.STAMP_WORDS for w in words)


def stamp_metadata(text: str) -> tuple[list[str], str | None]:
    """The writer's name and the first date (with its year) of a byline or stamp line that the line rules do not
    read ("Jane Doe By Jane Doe on December 24, 2014 at 8:17 AM, updated ..."): ``([], None)`` for other lines."""
    names: list[str] = []
    byline = _NAME_BY_NAME.fullmatch(text)
    if byline:
        name = re.split(r"[,|]", byline.group("name"))[0].strip()
        if _is_name(name):
            names.append(name)
    date = None
    if _stamped(text) or byline:
        date = next((m.group(0) for m in bp.STAMP_DATE.finditer(text) if re.search(r"(?:19|20)\d\d", m.group(0))),
                    None)
    return names, date


def _is_byline(text: str) -> bool:
    """Whether a line names the writer: "By Jane Doe", "BY JANE DOE", "Author: Jane Doe", "Jane Doe By Jane Doe"."""
    return bool(bp.BYLINE.fullmatch(text) or bp.AUTHORS_LINE.fullmatch(text) or _ANY_BYLINE.fullmatch(text)
                or _NAME_BY_NAME.fullmatch(text))


def _is_name(text: str) -> bool:
    """Whether a line is people's names ("Jane Doe and Ali Hassan", "Jane Doe, The Harbour Gazette"): capitalised
    words without a function word before the first comma (a headline in title case has one: "Talks Go On in Oslo")."""
    return bool(_NAME_LIKE.fullmatch(text)) and not any(
        w in bp.FUNCTION_WORDS and w not in _NAME_JOINS for w in _WORD.findall(text.split(",")[0].casefold()))


def _byline_under(k: int, texts: Sequence[str]) -> int | None:
    """How far under headline-like segment ``k`` a byline or a date stands (counting only lines that are not
    chrome or a name), or ``None``: not within three, or another title stands between (a standfirst does not
    count: a long sentence under the headline)."""
    words = len(texts[k].split())
    distance = 0
    for j in range(k + 1, min(len(texts), k + 8)):
        text = texts[j]
        if _about_the_story(text):
            return distance + 1
        if _shape(text) or _PROMO.matches(text) or _is_name(text) or len(text.split()) <= 2:
            continue  # "Print", "Share", a tag, the writer's name
        distance += 1
        if distance >= 3 or (_headline_candidate(text)
                             and len(text.split()) < max(bp.HEADLINE_LONG_WORDS, words + 3)):
            return None
    return None


def _bulleted(line: str) -> bool:
    """Whether a line is a list item ("* Politics", "+ Photo Galleries", "• Reply")."""
    return line[:1] in _BULLET_START and bool(bp.BULLET.fullmatch(line))


def _headline_scores(texts: Sequence[str], lines: Sequence[str], segments: Sequence[tuple[int, int]], first: int,
                     good: Sequence[int], titles: Sequence[tuple[str, str]], stoplist: frozenset[str] | None,
                     name: str | None) -> list[tuple[int, dict[str, float]]]:
    """Each headline candidate above the article block (nearest first) with what counts for and against it: the
    page's ``<title>``-style line repeats it, a byline or date follows it, the article's first paragraphs use its
    words, it stands nearest the article (see the module terms). Its score is the sum of the values."""
    # The page's <title>-style lines ("Headline | Site"), and a first line that may be the <title> a page was saved
    # with (or the site's name, or a menu: weaker evidence).
    title_stems = [(_stems(t), bp.HEADLINE_TITLE_BONUS) for t, _ in titles]
    if _headline_candidate(texts[0]):
        title_stems.append((_stems(texts[0]), bp.HEADLINE_TITLE_BONUS / 2))
    title_heads = {t.casefold() for t, _ in titles}
    if len(title_stems) > len(titles):
        title_heads.add(texts[0].casefold())
    sites = {site.casefold() for _, site in titles} | {
        m.group("site").strip().casefold() for t in texts[-12:] if (m := bp.COPYRIGHT_SITE.fullmatch(t))}
    slug = _slug_words(name)
    article_stems = _stems(" ".join(texts[k] for k in good[:6]))
    found: list[tuple[int, dict[str, float]]] = []
    seen = 0
    ahead = first
    while ahead + 1 < len(texts) and ahead < first + 8 and len(texts[ahead]) < bp.CHROME_LENGTH_HIGH:
        ahead += 1
    nearest = True
    counts: dict[str, int] = {}
    for text in texts:
        key = text.casefold()
        counts[key] = counts.get(key, 0) + 1
    # Past the block's first long paragraph (a promotion, a teaser above the headline), only a headline-like line
    # with a byline right under it is looked at (a date alone under a title is what a list of other stories has).
    below = [k for k in range(min(len(texts) - 3, first + bp.HEADLINE_BELOW_LINES), ahead, -1)
             if _headline_candidate(texts[k]) and (_is_byline(texts[k + 1]) or (
                 _is_byline(texts[k + 2]) and len(texts[k + 1]) >= bp.CHROME_LENGTH_LOW))]  # (past a standfirst)
    for k in (*below, *range(ahead, -1, -1)):
        text = texts[k]
        if k < first and not (_shape(text) or counts[text.casefold()] >= bp.CHROME_REPEATS):
            seen += 1  # (lines of chrome by their shape, a gallery's pager, do not count)
        # Far above the article (menus in between), only a line the page's title repeats is looked at.
        if seen > bp.HEADLINE_SEARCH_LINES and text.casefold() not in title_heads:
            continue
        if not _headline_candidate(text) or (len(text.split()) > bp.HEADLINE_LONG_WORDS
                                             and _INNER_SENTENCE_END.search(text)):
            continue  # (two sentences: a paragraph, "... into politics. Anyone whose career ...")
        parts = {"candidate": 1.0, "distance": -0.02 * min(seen, bp.HEADLINE_SEARCH_LINES)}
        folded = text.casefold()
        stems = _stems(text)
        if k > 0 and stems:
            agreement = max((bonus * _agreement(stems, title) for title, bonus in title_stems), default=0.0)
            if agreement:
                parts["agrees with the title line"] = agreement
        if folded in sites:
            parts["the site's name"] = -bp.HEADLINE_TITLE_BONUS
        if _is_name(text):
            parts["a name"] = -bp.HEADLINE_BYLINE_BONUS  # a person's name over a date is a byline, not a headline
        last_word = _WORD.findall(folded)[-1:]
        if last_word and last_word[0] in bp.FUNCTION_WORDS:
            parts["ends with a function word"] = -1  # "Say what you will about": a sentence cut at a link
        words = _content_words(text, stoplist)
        if slug and words and len(slug & words) >= 2 and len(slug & words) / len(words) >= 0.5:
            parts["the file name"] = 2
        if stems:  # (the fewer its words, the weaker the evidence: "Why It Matters" is one word)
            parts["words the article uses"] = (bp.HEADLINE_ARTICLE_BONUS * len(stems & article_stems) / len(stems)
                                               * min(1.0, len(stems) / bp.HEADLINE_MIN_WORDS))
        if lines[segments[k][0]].startswith("# "):  # markdown's first-level heading: the page's <h1>
            parts["markdown h1"] = 2
        # A byline or a date right under it (or right above it).
        after = _byline_under(k, texts)
        if after is not None:
            parts["byline or date under it"] = bp.HEADLINE_BYLINE_BONUS - 0.5 * (after - 1)
        elif k > 0 and _about_the_story(texts[k - 1]):
            parts["byline or date above it"] = bp.HEADLINE_BYLINE_BONUS / 2
        if k < first and nearest:
            parts["nearest the article"] = 1
            nearest = False
        if _bulleted(lines[segments[k][0]]) and any(
                0 <= j < len(segments) and _bulleted(lines[segments[j][0]]) for j in (k - 1, k + 1)):
            parts["in a list"] = -1  # a menu's item, a story's highlights
        if text.isupper() and len(words) >= 4 and not any(w in bp.FUNCTION_WORDS for w in _WORD.findall(folded)):
            parts["labels in capitals"] = -2  # "HOTELS ITALY SPAS TRAVEL": the story's tags
        if counts[folded] == 2 or (counts[folded] > 2 and len(text.split()) > bp.LABEL_MAX_WORDS):
            parts["repeated on the page"] = 1  # the page's headline and its breadcrumb, share box or gallery
        elif counts[folded] > 2:  # a name the page repeats everywhere: the site's, a section's
            parts["a label the page repeats"] = -1
        # A standfirst is a long sentence under the headline: a headline is rarely longer than a dozen words.
        parts["long"] = -0.1 * max(0, len(text.split()) - bp.HEADLINE_LONG_WORDS)
        found.append((k, parts))
    return found


def _choose_headline(texts: Sequence[str], lines: Sequence[str], segments: Sequence[tuple[int, int]], first: int,
                     good: Sequence[int], titles: Sequence[tuple[str, str]], stoplist: frozenset[str] | None,
                     name: str | None) -> tuple[float, int] | None:
    """The score and segment of the headline: the best scored of :func:`_headline_scores` (the nearest of equals)."""
    best: tuple[float, int] | None = None
    for k, parts in _headline_scores(texts, lines, segments, first, good, titles, stoplist, name):
        score = sum(parts.values())
        if best is None or score > best[0]:
            best = (score, k)
    return best


def _join_title_runs(segments: list[tuple[int, int]], texts: list[str]) -> tuple[list[tuple[int, int]], list[str]]:
    """The segments with each run of short ones that together say the page's title made one segment: a headline
    that a renderer split at each of its links ("Jane Doe" / "Explains Her Move to" / "Port Avel")."""
    heads = {_fold_spaces(m.group("headline")).casefold() for t in texts[:12] + texts[-12:]
             if (m := bp.TITLE_LINE.fullmatch(t))}
    if texts and _headline_candidate(texts[0]):
        heads.add(_fold_spaces(texts[0]).casefold())
    if not heads:
        return segments, texts
    out_segments: list[tuple[int, int]] = []
    out_texts: list[str] = []
    k = 0
    while k < len(texts):
        joined, end = _fold_spaces(texts[k]).casefold(), k
        if 0 < len(joined) < bp.CHROME_LENGTH_LOW and any(h.startswith(joined + " ") for h in heads):
            while joined not in heads and end + 1 < len(texts):
                longer = f"{joined} {_fold_spaces(texts[end + 1]).casefold()}"
                if not any(h.startswith(longer) for h in heads):
                    break
                joined, end = longer, end + 1
        if end > k and joined in heads:
            out_segments.append((segments[k][0], segments[end][1]))
            out_texts.append(" ".join(_fold_spaces(t) for t in texts[k:end + 1]))
            k = end + 1
            continue
        out_segments.append(segments[k])
        out_texts.append(texts[k])
        k += 1
    return out_segments, out_texts


def _fold_spaces(text: str) -> str:
    return " ".join(text.split())


def _title_lines(texts: Sequence[str]) -> list[tuple[str, str]]:
    """``(headline, site)`` of each ``<title>``-style line."""
    found = []
    for text in texts:
        match = bp.TITLE_LINE.fullmatch(text)
        if match and len(match.group("site").split()) <= 6:
            found.append((match.group("headline").strip(), match.group("site").strip()))
    return found


def find_layout(lines: Sequence[str], *, language: str | None = None, name: str | None = None) -> Layout:
    """Decide for each (normalised) line whether it is the article, chrome or metadata.

    ``language`` is the text's ISO code (for its stop words; detected when not
    given); ``name`` the file name, compared with headline candidates.
    """
    _forget()
    n = len(lines)
    texts_by_line = [plain(line) for line in lines]
    segments = _segments(texts_by_line)
    if not segments:
        return Layout(False, ("blank",) * n, ("",) * n)
    texts = [" ".join(texts_by_line[a:b + 1]) for a, b in segments]
    segments, texts = _join_title_runs(segments, texts)
    if language is None:
        from .language import detect_language

        language = detect_language("", sorted(texts, key=len, reverse=True)[:20])
    stoplist = _stoplist(language)
    dense = language in bp.CHROME_NO_SPACES
    classes, reasons = [], []
    for text in texts:
        cls, reason = _context_free(text, stoplist, dense)
        classes.append(cls)
        reasons.append(reason)
    shapes = list(reasons)
    starts_with_chrome = classes[0] == BAD and reasons[0] in _SHAPE_REASONS
    if GOOD not in classes:
        _short_paragraphs(classes, reasons)
    _repeated(classes, reasons, texts, stoplist)
    _captions(classes, reasons, texts)
    _title_lists(classes, reasons, texts)
    _revise(classes, reasons, texts)
    cut = _comments_start(texts, classes)
    span = _article_span(classes[:cut], texts[:cut])
    if span is None:
        return Layout(False, tuple("blank" if not line else "article" for line in lines), ("",) * n)
    first, last = span
    good = [k for k in range(first, last + 1) if classes[k] == GOOD]

    # The headline: the best headline-like line above the article block.
    titles = _title_lines(texts[:12] + texts[-12:])
    best = _choose_headline(texts, lines, segments, first, good, titles, stoplist, name)
    headline_seg = best[1] if best else None
    if headline_seg is not None and headline_seg >= first:
        # A teaser above the headline is not the article: it starts after the headline.
        first = next((k for k in range(headline_seg + 1, last + 1) if classes[k] == GOOD), first)
    # The article ends before a list of other stories and before its writer's blurb and the site's promotion.
    end = _end_of_article(first, last, classes, texts)
    ended_early = end < last
    last = end
    box = _story_box(first, last, classes, texts)
    headline_text = texts[headline_seg] if headline_seg is not None else (titles[0][0] if titles else None)
    site = next((site for head, site in titles if headline_text and head.casefold() == headline_text.casefold()),
                None) or next((m.group("site").strip() for t in texts[-12:] if (m := bp.COPYRIGHT_SITE.fullmatch(t))),
                              None)
    url = next((m.group("url") for t in texts[:12] + texts[-12:] if (m := bp.URL_LINE.fullmatch(t))), None)
    if url and url.startswith("//"):
        url = "https:" + url

    # Per-line decisions.
    decisions = ["blank"] * n
    line_reasons = [""] * n
    top = headline_seg if headline_seg is not None else first
    window_start = max(0, top - 3)
    # (Under a list of other stories, their bylines and dates are not the article's.)
    footer_end = last if ended_early else min(len(segments) - 1, last + bp.META_WINDOW_LINES)
    chrome_lines: list[int] = []
    # The article's top, before its first long paragraph: where its byline and stamp may stand inside the block.
    top_end = first
    while top_end < last and len(texts[top_end]) < bp.CHROME_LENGTH_HIGH:
        top_end += 1
    for k, (a, b) in enumerate(segments):
        if k == headline_seg:
            decision, reason = "headline", "headline-like line above the article"
        elif first <= k < top_end and _about_the_story(texts[k]):
            decision, reason = "meta", "a byline or a stamp at the top of the article"
        elif k in box:
            decision, reason = "chrome", "a box of other stories inside the article"
        elif first <= k <= last:
            decision = "article" if classes[k] == GOOD else "caption" if classes[k] == CAPTION else "chrome"
            reason = reasons[k]
        else:
            if window_start <= k < first or last < k <= footer_end:
                decision, reason = "meta", reasons[k] + " (near the article: read for metadata)"
            else:
                decision, reason = "chrome", reasons[k]
            # Chrome lines count as evidence of a page; near the article, only those chrome by pattern
            # (a match preview's "Ewood Park" / "2000 GMT" under its headline is no menu).
            if shapes[k] in _SHAPE_REASONS or (decision == "chrome" and shapes[k] == "short"
                                               and not texts[k].endswith(_TERMINAL)):
                chrome_lines.extend(range(a, b + 1))
        for j in range(a, b + 1):
            decisions[j] = decision
            line_reasons[j] = reason
    # A text that starts with its headline is an article, whatever lists it ends with.
    starts_with_headline = headline_seg == 0 or (
        headline_text is not None and texts[0].casefold() == headline_text.casefold() and headline_seg is None)
    page = starts_with_chrome or (len(chrome_lines) >= bp.PAGE_MIN_CHROME_LINES and not starts_with_headline)
    return Layout(
        page=page,
        decisions=tuple(decisions),
        reasons=tuple(line_reasons),
        headline=segments[headline_seg][0] if headline_seg is not None else None,
        headline_text=headline_text,
        site=site,
        url=url,
        chrome_lines=tuple(chrome_lines),
        starts_with_chrome=starts_with_chrome,
    )
