"""The generic content layer: where a page's prose is, judged by text density alone.

Every line of the reading gets a value: a line of prose (enough words, little of it link text)
is worth its characters that are not link text; link text anywhere costs its characters; what
the layout already knows is not the article (chrome, teaser items, Related/Popular blocks)
costs all of its characters; other short lines (headings, captions, labels) are neutral. The
*densest element* is the element whose lines are worth most together: it holds the prose and
as little else as it can. A body wrapper under a misleading class, a header ``div`` whose
class says "article", a comment's ``<article>``: none of that enters the sum, only the text.

Every element's worth is a difference of two prefix sums over the lines (its lines are one
range), so the whole page is judged in one pass over its lines and one over its elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.parse.dom import Page
from scraper.parse.reading import Line

#: Tags that can hold an article's text as a whole (not a paragraph, a list item, a link).
CONTAINER_TAGS = frozenset(
    {"div", "article", "main", "section", "td", "body", "span", "font", "center", "form"}
)
#: A line is prose when it has at least this many words ...
PROSE_WORDS = 7
#: ... or this many and ends a sentence.
SHORT_PROSE_WORDS = 3
#: A heading this long is prose.
HEADING_PROSE_WORDS = 16
_SENTENCE_END = tuple('.!?:;…"”»)。！？」』）')
#: Letters of scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao,
#: Khmer, Myanmar), and how many of them make a word, roughly.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
UNSPACED_PER_WORD = 2
#: A line with fewer spaces than one in this many characters may be in such a script.
_SPACED = 12


def word_count(text: str) -> int:
    """Words in ``text``: its spaces, and in scripts without spaces, its letters by pairs.
    (Only a line with few spaces for its length and letters beyond ASCII is searched.)"""
    words = text.count(" ") + 1
    if words * _SPACED < len(text) and not text.isascii():
        words += len(_UNSPACED.findall(text)) // UNSPACED_PER_WORD
    return words


def is_prose(line: Line) -> bool:
    """Whether a line reads as running text: enough words, at most a third of it link text;
    a heading only when it runs to a sentence or two (a standfirst set as a heading)."""
    chars, links = line.chars, line.link_chars
    if links * 3 > chars:
        return False
    words = word_count(line.text)
    if line.heading:
        return words >= HEADING_PROSE_WORDS
    return words >= PROSE_WORDS or (
        words >= SHORT_PROSE_WORDS and line.text.endswith(_SENTENCE_END)
    )


@dataclass(frozen=True, slots=True)
class Densest:
    """The densest element of a page: its mem_id, its lines, and their prose characters."""

    mid: int
    lines: range
    prose: int  # characters of prose lines inside it (not link text)
    worth: int  # prose less what it costs (see the module docstring)


def line_worth(page: Page, mask: bytearray) -> tuple[list[int], list[int]]:
    """Prefix sums over the lines: of each line's worth, and of its prose characters (``mask``:
    the lines the layout knows are not the article)."""
    worth, prose = [0], [0]
    w = p = 0
    for i, line in enumerate(page.lines):
        if mask[i]:
            w -= line.chars
        elif is_prose(line):
            gain = line.chars - line.link_chars
            w += gain - line.link_chars
            p += gain
        else:
            w -= line.link_chars
        worth.append(w)
        prose.append(p)
    return worth, prose


def densest(page: Page, worth: list[int], prose: list[int]) -> Densest | None:
    """The element whose lines are worth most (the innermost on a tie); None without prose
    (``worth``, ``prose``: what :func:`line_worth` gives)."""
    if prose[-1] == 0:
        return None
    best: tuple[int, int, int] | None = None  # (worth, -lines, mid)
    tags, spans = page.tags, page.spans
    for mid, tag in tags.items():
        if tag not in CONTAINER_TAGS:
            continue
        span = spans.get(mid)
        if span is None or span[1] <= span[0]:
            continue
        a, b = span[0], span[1]
        key = (worth[b] - worth[a], a - b, mid)
        if best is None or key > best:
            best = key
    if best is None or best[0] <= 0:
        return None
    mid = best[2]
    a, b = spans[mid][0], spans[mid][1]
    return Densest(mid, range(a, b), prose[b] - prose[a], best[0])
