"""What surrounds the article's paragraphs: the lines between the heading and the first
paragraph (labels, date lines, bylines: read, not kept as text) and the lead paragraph."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from scraper.parse import vocab
from scraper.parse.context import Context
from scraper.parse.dates import DIGIT, LINE_PARTS, MONTH_NAME, is_update_line, shown_date
from scraper.parse.reading import Line

LEDE_SELECTOR = (
    "[class*=field--name-field-lead], [class*=field--name-field-lede], "
    "[class*=field--name-field-summary], [class*=field--name-field-intro], "
    "[class*=field--name-field-standfirst], [class*=field--name-field-subtitle], "
    ".lead, [class*=-lead], [class*=__lead], [class*=lede], [class*=standfirst], .summary"
)
_BYLINE = re.compile(
    r"^(?:by|von|par|por|di|door|от|автор)\s+(?P<names>[^\d:|·•]{3,120}?)\s*$", re.I
)
#: The longest line a date is looked for inside (``pre_body``)
_DATE_LINE_CHARS = 120
#: A date line may hold this many other words (a byline, "published on", a place)
DATE_LINE_WORDS = 5
_DATE_IN_LINE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\.\s*|\s+)(?:de\s+)?(?:{MONTH_NAME})\.?,?\s+(?:de\s+)?\d{{4}}"
    rf"|(?:{MONTH_NAME})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2}(?!\d)))"
    r"(?:,?\s+(?:at\s+|um\s+|à\s+|[-|]\s+)?\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?\s?m\.?)?)?(?!\w)",
    re.I,
)
#: A paragraph that opens with its dateline: "29.11.2022 – The ministers …", "(5 May 2022)
#: The ministers …", "Karlsruhe, 5. Mai 2022. The …" (an optional place, then the date)
_DATELINE_HEAD = re.compile(r"^(?:[^\W\d_][\w .'/-]{1,30},\s*)?\(?")
_DATELINE_TAIL = re.compile(r"^(?:\)\.?|\.)?\s*(?:[-–—:|]\s*)?(?=\S)")
_READ_TIME = re.compile(r"\b\d+\s*min(?:ute)?s?\s+read\b", re.I)


def _date_in(text: str) -> re.Match[str] | None:
    """The first date ``_DATE_IN_LINE`` finds in ``text`` (every form of it has digits: a line
    without any is not searched, the month names' alternation is slow on long lines)."""
    return _DATE_IN_LINE.search(text) if DIGIT.search(text) else None


@dataclass
class BodyText:
    paragraphs: list[str] = field(default_factory=list)
    bold: list[bool] = field(default_factory=list)
    layer: str | None = None
    lede: str | None = None
    lede_layer: str | None = None
    source_line: str | None = None
    photo_line: str | None = None
    date_line: str | None = None  # raw text of a visible date line before the body
    updated_line: str | None = None
    #: how many lines from the headline ``date_near`` found the date line (None: under it)
    date_distance: int | None = None
    type_label: str | None = None
    bylines: list[str] = field(default_factory=list)
    root: int = 0
    root_node: LexborNode | None = None
    #: the lines the paragraphs were read from (a paragraph joined over a <br> counts its first)
    lines: list[int] = field(default_factory=list)

    def chars(self) -> int:
        return sum(map(len, self.paragraphs)) + len(self.lede or "")


def dateline(paragraph: str | None) -> str | None:
    """The date a paragraph opens with, its dateline ("29.11.2022 – The ministers …")."""
    if not paragraph:
        return None
    head = _DATELINE_HEAD.match(paragraph)
    start = head.end() if head else 0
    found = _DATE_IN_LINE.match(paragraph, start)
    if found is None or found.end() == len(paragraph):
        return None
    rest = paragraph[found.end() :]
    tail = _DATELINE_TAIL.match(rest)
    if tail is None or not tail.group(0).strip():
        return None  # a sentence that begins with a date, no dateline
    if head is not None and head.group(0).endswith("(") != rest.startswith(")"):
        return None
    return shown_date(found.group(0))


def _same_day(a: str, b: str) -> bool:
    """Whether two dates as written name the same day."""
    day_a, day_b = shown_date(a), shown_date(b)
    return day_a is not None and day_b is not None and day_a[:10] == day_b[:10]


def pre_body(out: BodyText, text: str, title_key: str | None) -> bool:
    """Read a line between the heading and the first paragraph; True if it is not body text."""
    k = vocab.key(text)
    if title_key is not None and k == title_key:
        return True
    if vocab.is_flag(text) or vocab.is_ui(text):
        return True
    if vocab.is_type_label(text):
        out.type_label = out.type_label or text
        return True
    date = shown_date(text)
    if date:
        if is_update_line(text):
            out.updated_line = out.updated_line or text
        else:
            out.date_line = out.date_line or text
        return True
    found = _date_in(text) if len(text) <= _DATE_LINE_CHARS else None
    if found and (shown_date(found.group(0)) or shown_date(found.group(0), True)):
        rest = (text[: found.start()] + " " + text[found.end() :]).strip()
        rest = _READ_TIME.sub("", rest).strip(" |·•,-–—")
        byline = _BYLINE.match(rest)
        # a line naming two days is no date line (stamps run together, "updated …, created …")
        other = _date_in(rest)
        two_days = other is not None and not _same_day(other.group(0), found.group(0))
        if not two_days and (byline or (len(rest.split()) <= DATE_LINE_WORDS and len(text) <= 80)):
            out.date_line = out.date_line or found.group(0)
            if byline:
                out.bylines.append(byline.group("names"))
            return True
    match = _BYLINE.match(text)
    if match and len(text.split()) <= 12:
        out.bylines.append(match.group("names"))
        return True
    return _dated_part(out, text)


#: The parts of a line ("… | 5. Mai 2022 | …") that may hold the date line are in its first
#: ``MAX_PARTED_LINE`` characters; a line longer than ``MAX_PARTED_META`` is body text that
#: opens with its date line (kept as text)
MAX_PARTED_LINE, MAX_PARTED_META = 300, 120


def _dated_part(out: BodyText, text: str) -> bool:
    """A line split into parts (``|``, ``·``, ``/``), one of which is a date with a few words
    ("Press release of 5 May 2022 | Berlin – The ministers …"): that part is the date line.
    True (not body text) if the line is as short as a meta line."""
    head = text[:MAX_PARTED_LINE]
    if not LINE_PARTS.search(head):
        return False
    for part in LINE_PARTS.split(head):
        found = _date_in(part) if len(part) <= 80 else None
        if found is None or not shown_date(found.group(0)) or is_update_line(part):
            continue
        if len(part.split()) - len(found.group(0).split()) <= DATE_LINE_WORDS:
            out.date_line = out.date_line or found.group(0)
            return len(text) <= MAX_PARTED_META
    return False


#: How far from the headline a date line is looked for (lines above, lines below).
DATE_ABOVE, DATE_BELOW = 8, 12


#: Elements that sit inside a line: one of them worded "comment" is a link to the comments or
#: their count in a meta line ("28.01.22 / 3 comments"), not a comment section.
INLINE_TAGS = frozenset({"a", "span", "small", "em", "i", "b", "strong", "time", "abbr"})


def comment_ids(ctx: Context) -> set[int]:
    """The comment sections (``Layout.comment_ids``) less the one-line inline elements (the
    link to the comments in a meta line, whose line is the article's date line)."""
    page = ctx.page
    tags, spans = page.tags, page.spans
    out: set[int] = set()
    for mid in ctx.layout.comment_ids():
        span = spans.get(mid)
        if span is not None and span[1] - span[0] <= 1 and tags.get(mid) in INLINE_TAGS:
            continue
        out.add(mid)
    return out


def comment_lines(ctx: Context) -> bytearray:
    """A mask of the lines inside comment sections (``comment_ids``)."""
    mask = bytearray(len(ctx.page.lines))
    spans = ctx.page.spans
    for mid in comment_ids(ctx):
        span = spans.get(mid)
        if span is not None and span[1] > span[0]:
            mask[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
    return mask


def date_near(ctx: Context, out: BodyText, heading: int) -> None:
    """The date line nearest to the headline, a few lines above or below, in the chrome too
    (an entry header's meta row) but never in a teaser, a block or a comment. It replaces the
    date line the reading found under the headline when that one is in a comment (a member's
    "joined" date) or further from the headline (a teaser's date the layout did not see)."""
    lines = ctx.page.lines
    heading = _nearest_repeat(lines, heading, out.lines[0] if out.lines else heading)
    teasers, comments = ctx.layout.teaser_lines(), comment_lines(ctx)
    read = None
    if out.date_line is not None:
        read = _line_of(lines, out.date_line, heading)
        if read is None:
            return  # read before the headline (a kicker line): kept
        if comments[read]:
            out.date_line, read = None, None
    reach = DATE_BELOW if read is None else read - heading - 1
    order = sorted(
        range(max(0, heading - DATE_ABOVE), min(len(lines), heading + reach + 1)),
        key=lambda i: abs(i - heading),
    )
    for i in order:
        text = lines[i].text
        if i == heading or teasers[i] or comments[i]:
            continue
        if read is not None and abs(i - heading) >= read - heading:
            return
        if shown_date(text) or (len(text) <= _DATE_LINE_CHARS and _date_in(text)):
            probe = BodyText()
            pre_body(probe, text, None)
            if probe.date_line:
                out.date_line = probe.date_line
                out.date_distance = i - heading
                return


def _nearest_repeat(lines: Sequence[Line], heading: int, first: int) -> int:
    """The headline's line, or its repeat nearest above the body's first paragraph ``first``
    (a forum thread's title over its first post, a breadcrumb's last item above the title)."""
    text = lines[heading].text
    for i in range(first - 1, heading, -1):
        if lines[i].text == text:
            return i
    return heading


#: How far below the headline the reading's date line is looked for (``_line_of``)
_READ_REACH = 40


def _line_of(lines: Sequence[Line], text: str, heading: int) -> int | None:
    """The line under the headline the reading took the date line ``text`` from."""
    for i in range(heading + 1, min(len(lines), heading + _READ_REACH)):
        if text in lines[i].text:
            return i
    return None


def lede_field(ctx: Context, out: BodyText, mask: bytearray) -> range:
    page = ctx.page
    body = ctx.layout.main_body
    for node in page.shown(LEDE_SELECTOR, out.root_node):
        rng = page.line_range(node)
        if not rng or mask[rng.start] or len(rng) > 3:
            continue
        if body and (node.mem_id == body or page.contains(node.mem_id, page.span(body)[0])):
            continue
        text = " ".join(page.lines[i].text for i in rng)
        if len(text.split()) < 6:
            continue
        out.lede = text
        cls = node.attributes.get("class") or ""
        out.lede_layer = "drupal-field" if "field--name-field" in cls else "markup-class"
        return rng
    return range(0)


def lede(ctx: Context, out: BodyText) -> None:
    """The lead paragraph: a lead field, a bold first paragraph, or a matching description."""
    paras = out.paragraphs
    if out.lede is not None:
        if paras and vocab.key(paras[0]) == vocab.key(out.lede):
            del paras[0], out.bold[0], out.lines[0]
        return
    if not paras:
        return
    if out.bold[0] and len(paras[0].split()) >= 8 and len(paras) > 1:
        out.lede, out.lede_layer = paras[0], "visible-text"
        del paras[0], out.bold[0], out.lines[0]
        return
    if ctx.layout.main_body:
        # Drupal's og:description defaults to the body summary, which is the first paragraph
        # whenever that is short: there a match says nothing about a lead.
        return
    ld = ctx.meta.article_ld()
    candidates = [
        ("meta", ctx.meta.first("og:description")),
        ("meta", ctx.meta.first("description")),
        (
            "jsonld",
            ld.get("description") if ld and isinstance(ld.get("description"), str) else None,
        ),
    ]
    first = vocab.key(paras[0])
    for layer, text in candidates:
        if text and vocab.key(" ".join(text.split())) == first and len(paras) > 1:
            out.lede, out.lede_layer = paras[0], layer
            del paras[0], out.bold[0], out.lines[0]
            return
