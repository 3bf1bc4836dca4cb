"""The article's own text: where it starts, where it ends, and the lines at its foot.

Three layers, in order of trust (``BodyText.layer``, then ``Article.evidence["body"]``):

1. the body field: Drupal's ``schema:text`` / ``field--name-body``, else a common body class
   (``itemprop=articleBody``, ``entry-content`` …: ``markup-class``). A body class is not
   proof: lines of prose between the headline and its element are the story's first
   paragraphs, and an element holding under a third of the root's prose (one paragraph of
   many) gives way to the reading around it when that holds it and much more;
2. what follows the main heading inside the article's element (``visible-text``);
3. the generic content layer (``generic``): the densest element of the page (``density.py``),
   used when the layers above find nothing, or text that the densest element disagrees with
   — unless the root holds the heading (or begins right under it) and the densest element
   lies outside it: text under the headline beats a denser sign-up form or teaser list.

Every reading skips what the layout knows is not the article (chrome, teaser items, Related /
Popular blocks) before it judges anything else, and passes over captions, credits, galleries,
legends, disclaimers, rating and related-classed boxes and comment sections
(``Layout.aside_lines``). A stop line or block heading ends the body only
once the body has begun, and only when the text after it does not carry on in the element the
body's paragraphs are in: an inline "Related" or newsletter box is cut out and the reading goes
on after it. In the same way a ``source:`` / ``photo:`` line is the foot of the article only
when no paragraph of the body follows it; near the top it is a caption or credit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from scraper.parse import vocab
from scraper.parse.context import Context
from scraper.parse.density import densest, is_prose
from scraper.parse.dom import Page
from scraper.parse.prebody import BodyText, date_near, lede, lede_field, pre_body
from scraper.parse.reading import Line
from scraper.parse.source import is_photo_line, is_source_line

ROOT_SELECTORS = (
    "[data-history-node-id]",
    ".node--view-mode-full",
    "[typeof='schema:Article'], [typeof='schema:NewsArticle'], [itemtype*=Article]",
    "article",
    "main, [role=main], #content, #main, #main-content, .main-content",
)
MAX_FOOT_LINE = 300
#: A line of the body that is mostly link text and shorter than this is not the article's text.
MAX_LINK_LINE = 200
#: A short line in the body that reads as a date line or a byline is read as one.
MAX_META_LINE = 80
#: A subheading before the body with at least this many words is its standfirst.
STANDFIRST_WORDS = 8
#: Lines looked at after a stop line or a foot line for the body going on.
LOOKAHEAD = 40
#: The reading after the heading is trusted when it and the densest element share this much
#: of each other's text.
AGREEMENT = 0.6
#: A body class's element (not Drupal's field) is the body outright when its reading holds at
#: least 1/FIELD_SHARE of the prose of the root after the heading.
FIELD_SHARE = 3
_CAPTIONS = frozenset({"figure", "figcaption", "aside"})
_TERM_PATH = re.compile(r"^https?://[^/]+(?:/ru)?/(?:region|theme|taxonomy/term)/")
_SENTENCE_END = tuple('.!?:;…"”»)')


@dataclass(frozen=True, slots=True)
class _Span:
    """Where one reading looks: ``[pre, scan)``, the body proper being ``[start, end)``."""

    pre: int  # first line after the heading
    start: int  # first line that can be body text (lines before it are read as labels)
    end: int  # lines from here on can only be foot lines
    scan: int
    field: bool  # reading a body field: a box inside it is cut out, whatever follows
    #: a body class's reading: a line of prose between the heading and the field (an intro
    #: paragraph outside the element the class names) is body text; other lines are labels
    lead_in: bool = False
    dense: bool = False  # reading the densest element (``density.py``)


def _body_layer(node: LexborNode) -> str:
    attrs = node.attributes
    if attrs.get("property"):
        return "rdfa"
    if "field--name-body" in (attrs.get("class") or ""):
        return "drupal-field"
    return "markup-class"


def find_root(ctx: Context) -> LexborNode | None:
    """The element that holds the article: Drupal's full node view, ``<article>``, ``<main>``
    (the one holding the body field, else the heading, else the most text)."""
    page, layout = ctx.page, ctx.layout
    mask = layout.excluded_lines()
    body = layout.main_body
    body_ancestors = set(page.ancestors(body)) if body else set()
    h1 = layout.h1
    for selector in ROOT_SELECTORS:
        best: LexborNode | None = None
        best_score = 0
        for node in page.shown(selector):
            rng = page.line_range(node)
            score = sum(page.lines[i].chars for i in rng if not mask[i])
            if score and (node.mem_id == body or node.mem_id in body_ancestors):
                score += 10**9
            elif score and h1 is not None and h1 in rng:
                score += 10**8
            if score > best_score:
                best, best_score = node, score
        if best is not None:
            return best
    return page.tree.body


def read_body(ctx: Context, title: str | None) -> BodyText:
    """Body paragraphs, lead, foot lines and pre-body labels of the article on the page."""
    out = _read_body(ctx, title)
    heading = ctx.layout.h1
    if heading is None and title:
        heading = _title_line(ctx, range(len(ctx.page.lines)), title)
    if heading is None and out.lines:
        heading = out.lines[0]
    if heading is not None:
        date_near(ctx, out, heading)
    return out


def _read_body(ctx: Context, title: str | None) -> BodyText:
    page, layout = ctx.page, ctx.layout
    n = len(page.lines)
    reader = _Reader(ctx, title)
    root = find_root(ctx)
    root_rng = page.line_range(root) if root is not None else range(n)
    if root is None or root.tag in ("body", "html"):
        root_rng = range(n)
    h1 = layout.h1
    field_node = layout.main_body_node
    field_rng = page.line_range(field_node) if field_node is not None else range(0)
    if field_node is not None and field_rng:
        start, end = field_rng.start, field_rng.stop
        if h1 is not None and h1 < start:
            pre = max(h1 + 1, root_rng.start if root_rng.start <= start else 0)
        else:
            pre = min(root_rng.start, start)
        layer = _body_layer(field_node)
        lead_in = layer == "markup-class"
        out = reader.read(root, _Span(pre, start, end, max(root_rng.stop, end), True, lead_in))
        out.layer = layer
        if out.layer != "markup-class":
            if out.paragraphs:
                return out  # (a field of no text, a sidebar's under a body class: read on)
            return _read_around(ctx, reader, root, root_rng, title)
        prose = reader.prose
        held = sum(len(t) for i, t in zip(out.lines, out.paragraphs, strict=True) if i >= start)
        if out.paragraphs and held * FIELD_SHARE >= prose[root_rng.stop] - prose[pre]:
            return out
        if out.paragraphs:
            # a body class on one paragraph of many (a paywall's teaser, a block of the
            # story): the reading around it, when that holds it and much more
            around = _read_around(ctx, reader, root, root_rng, title)
            if around.chars() > 2 * out.chars() and out.lines[0] in around.lines:
                return around
            return out
    return _read_around(ctx, reader, root, root_rng, title)


def _read_around(
    ctx: Context, reader: _Reader, root: LexborNode | None, root_rng: range, title: str | None
) -> BodyText:
    """The body read without a body field: what follows the heading in the root, or the
    densest element when that says otherwise."""
    page, h1 = ctx.page, ctx.layout.h1
    pre = h1 + 1 if h1 is not None and h1 in root_rng else root_rng.start
    if h1 is None and title:
        shown = _title_line(ctx, root_rng, title)
        pre = shown + 1 if shown is not None else pre
    prose = reader.prose
    # the root holds the article's heading, or begins right under it (no prose between)
    headed = pre > root_rng.start or (
        h1 is not None and h1 < root_rng.start and prose[root_rng.start] == prose[h1 + 1]
    )
    site = reader.read(root, _Span(pre, pre, root_rng.stop, root_rng.stop, False))
    site.layer = "visible-text"
    dense = densest(page, reader.worth, reader.prose)
    if dense is None or _agrees(site, dense.lines, dense.prose):
        return site
    rng = dense.lines
    if headed and site.paragraphs and (rng.stop <= root_rng.start or rng.start >= root_rng.stop):
        return site  # text under the heading beats denser text elsewhere (a form, a teaser list)
    node = page.index.nodes[page.index.position[dense.mid]]
    if h1 is not None and h1 in rng:
        pre = h1 + 1
    elif headed and site.lines and rng.start <= site.lines[0] < rng.stop:
        pre = min(pre, site.lines[0]) if pre in rng else rng.start
    else:
        pre = rng.start
    if prose[pre] - prose[rng.start] > prose[rng.stop] - prose[pre]:
        if h1 is not None and pre == h1 + 1:
            rng = range(rng.start, h1)  # the <h1> is a box's heading: the text ends there
        pre = rng.start  # most of the element's prose is before that line: read it all
    generic = reader.read(node, _Span(pre, pre, rng.stop, rng.stop, False, dense=True))
    generic.layer = "generic"
    if dense.prose < site.chars():
        return site  # (the densest element holds less prose than the reading: no better)
    return generic if generic.chars() > site.chars() * 0.5 else site


def _agrees(site: BodyText, rng: range, prose: int) -> bool:
    """Whether a reading and the densest element (its lines, its prose) say the same: most of
    the reading lies in the element and most of the element's prose is in the reading."""
    if not site.paragraphs:
        return False
    inside = total = 0
    for i, text in zip(site.lines, site.paragraphs, strict=True):
        total += len(text)
        if i in rng:
            inside += len(text)
    return inside >= AGREEMENT * total and inside >= AGREEMENT * prose


class _Reader:
    """Reads the body out of one page's lines (what every reading of the page shares)."""

    def __init__(self, ctx: Context, title: str | None) -> None:
        self.ctx = ctx
        layout = ctx.layout
        self.mask = layout.excluded_lines()
        self.heads = dict(layout.headings)
        self.bounds = set(self.heads) | set(layout.stops)
        self.title_key = vocab.key(title) if title else None
        #: prefix sums over the lines of their worth and of their prose (``density.py``)
        self.worth, self.prose = ctx.sums()
        self.asides = layout.aside_lines(self.prose)

    def read(self, root: LexborNode | None, span: _Span) -> BodyText:
        """One reading of the lines ``span`` names (see the module docstring)."""
        ctx, mask, bounds, title_key = self.ctx, self.mask, self.bounds, self.title_key
        asides = self.asides
        lines = ctx.page.lines
        out = BodyText(root_node=root, root=root.mem_id if root is not None else 0)
        lede_rng = lede_field(ctx, out, mask)
        foot = False
        last_block = -1
        i = span.pre
        while i < span.scan:
            line = lines[i]
            if i in bounds and out.paragraphs and i >= span.start:
                inside = span.field and i < span.end
                if not inside and (i >= span.end or not self._goes_on(out, i, span)):
                    break
                i = max(i + 1, self._box_end(out, i))
                continue
            if mask[i] or i in lede_rng or i in bounds:
                i += 1
                continue
            text = line.text
            i += 1
            if i - 1 < span.start:
                label = pre_body(out, text, title_key)
                if label or not (span.lead_in and is_prose(line)):
                    if not label and _standfirst(out, line):
                        out.lede, out.lede_layer = text, "visible-text"
                    continue
            # both need a colon, which most lines have not (`in` is cheaper than the regexes)
            foot_like = len(text) <= MAX_FOOT_LINE and ":" in text
            if foot_like and (is_source_line(text) or is_photo_line(text)):
                if not out.paragraphs or (i - 1 < span.end and self._caption(out, i - 1, span)):
                    continue  # near the top, or with the body going on after it: a caption
                if is_source_line(text):
                    out.source_line = out.source_line or text
                else:
                    out.photo_line = out.photo_line or text
                foot = True
                continue
            if foot or i - 1 >= span.end:
                if foot and len(text) > MAX_FOOT_LINE:
                    break
                continue
            if not out.paragraphs and (pre_body(out, text, title_key) or not is_prose(line)):
                if _standfirst(out, line) and vocab.key(text) != title_key:
                    out.lede, out.lede_layer = text, "visible-text"
                continue  # the body begins with a line of prose
            short = len(text) <= MAX_META_LINE and not is_prose(line)
            if short and pre_body(BodyText(), text, None):
                continue  # a date line or a byline in the body: not text (nor the article's date)
            if not out.paragraphs and line.heading and out.lede is None:
                out.lede, out.lede_layer = text, "visible-text"  # a standfirst set as a heading
                continue
            if line.tag in _CAPTIONS or asides[i - 1] or vocab.is_ui(text):
                continue  # a caption, a credit, a gallery, a comment
            if _term_links_only(ctx, i - 1):
                continue
            if line.link_chars * 2 > line.chars and len(text) < MAX_LINK_LINE:
                continue  # mostly a link: "Read more: …", a tag list, an inline teaser
            if line.block == last_block and _soft_break(out.paragraphs[-1], text):
                out.paragraphs[-1] += " " + text  # a <br> in mid-sentence, not a new paragraph
                continue
            out.paragraphs.append(text)
            out.bold.append(line.bold)
            out.lines.append(i - 1)
            last_block = line.block
        if not span.field:
            self._trim_tail(out)
        elif span.lead_in:
            _drop_repeats(out, span.start)
        lede(ctx, out)
        return out

    def _trim_tail(self, out: BodyText) -> None:
        """Drop what was read after the element holding most of the body ended, unless it is
        in an element just like it: an author's note, comments, a box of teasers the layout did
        not see (in a body field the field's end is the end already)."""
        page = self.ctx.page
        if len(out.lines) < 3:
            return
        sizes: dict[int, int] = {}
        for i, text in zip(out.lines, out.paragraphs, strict=True):
            c = _container(page, i)
            sizes[c] = sizes.get(c, 0) + len(text)
        main = max(sizes, key=lambda c: sizes[c])
        end = page.span(main)[1]
        look = _look(page, main)
        keep = len(out.lines)
        while keep > 0 and out.lines[keep - 1] >= end:
            c = _container(page, out.lines[keep - 1])
            if _look(page, c) == look:
                break
            keep -= 1
        del out.paragraphs[keep:], out.bold[keep:], out.lines[keep:]

    def _box_end(self, out: BodyText, i: int) -> int:
        """Where the box that line ``i`` opens ends: its block's end for a block heading, else
        the end of the largest element around line ``i`` that holds none of the body read so
        far and is not just like the element of its last paragraph (the next section of a
        body cut into sections); just the line, for a line that is neither."""
        layout, page = self.ctx.layout, self.ctx.page
        if i in self.heads:
            for block in layout.blocks:
                if block.heading == i:
                    return block.end
        if i not in self.bounds:
            return i + 1
        last = out.lines[-1] if out.lines else -1
        body_look: tuple[str | None, str | None] | None = None
        if last >= 0:
            body_look = _look(page, _container(page, last))
            if body_look[1] is None:
                body_look = None  # (an element without a class says nothing of its kind)
        end = i + 1
        for mid in [page.lines[i].block, *page.ancestors(page.lines[i].block)]:
            a, b = page.span(mid)[:2]
            if a <= last < b or _look(page, mid) == body_look:
                break  # (an element just like the body's: the next section of the body)
            end = max(end, b)
        return end

    def _caption(self, out: BodyText, i: int, span: _Span) -> bool:
        """Whether a ``source:`` / ``photo:`` line at ``i``, after the body has begun, is a
        caption or credit rather than the article's foot: more of the body's prose follows it
        than was read before it, or the body goes on right after it."""
        if self.prose[span.end] - self.prose[i + 1] > out.chars():
            return True
        return self._goes_on(out, i, span)

    def _goes_on(self, out: BodyText, i: int, span: _Span) -> bool:
        """Whether the body carries on after the box or line at ``i``: in the densest element,
        when more of its prose follows than was read; anywhere, when the first line of prose
        after it (within LOOKAHEAD lines, captions and foot lines passed over) is in the
        element of the body's last paragraph, or in one just like it (the same tag and
        classes: a body cut into sections)."""
        if not out.lines:
            return False
        start = self._box_end(out, i)
        if span.dense and self.prose[span.end] - self.prose[start] > out.chars():
            return True
        page = self.ctx.page
        container = _container(page, out.lines[-1])
        lines, tags, mask = page.lines, page.tags, self.mask
        for j in range(start, min(span.scan, start + LOOKAHEAD)):
            line = lines[j]
            if mask[j] or not is_prose(line):
                continue
            if ":" in line.text and (is_source_line(line.text) or is_photo_line(line.text)):
                continue
            if page.contains(container, j):
                return True
            if any(tags.get(a) in _CAPTIONS for a in page.ancestors(line.block)[:8]):
                continue
            return _look(page, _container(page, j)) == _look(page, container)
        return False


def _container(page: Page, i: int) -> int:
    """The element that holds line ``i`` (the parent of its block)."""
    block = page.lines[i].block
    return page.parents.get(block, 0) or block


def _look(page: Page, mid: int) -> tuple[str | None, str | None]:
    """An element's tag and class attribute."""
    index = page.index
    pos = index.position.get(mid)
    if pos is None:
        return None, None
    return index.tags[pos], index.attrs[pos].get("class")


def _title_line(ctx: Context, rng: range, title: str) -> int | None:
    """The line that shows the title, on pages without an ``<h1>``."""
    wanted = vocab.key(title)
    for i in rng:
        if vocab.key(ctx.page.lines[i].text) == wanted and not ctx.layout.chrome_lines[i]:
            return i
    return None


def _term_links_only(ctx: Context, i: int) -> bool:
    """Whether line ``i`` is nothing but links to region/theme pages (a tag list)."""
    line = ctx.page.lines[i]
    if line.link_chars < line.chars:
        return False
    urls = [ctx.layout.link_urls[j] for j in ctx.layout.links_on_line.get(i, [])]
    return bool(urls) and all(u is not None and _TERM_PATH.search(u) for u in urls)


def _drop_repeats(out: BodyText, start: int) -> None:
    """Drop the paragraphs read before line ``start`` (an intro beside a body class's
    element) that the element shows again."""
    inside = {t for i, t in zip(out.lines, out.paragraphs, strict=True) if i >= start}
    keep = [
        k
        for k, (i, t) in enumerate(zip(out.lines, out.paragraphs, strict=True))
        if i >= start or t not in inside
    ]
    if len(keep) < len(out.lines):
        out.paragraphs[:] = [out.paragraphs[k] for k in keep]
        out.bold[:] = [out.bold[k] for k in keep]
        out.lines[:] = [out.lines[k] for k in keep]


def _standfirst(out: BodyText, line: Line) -> bool:
    """Whether a line before the body's first paragraph is a standfirst set as a subheading:
    a sentence's worth of words in an ``<h2>``–``<h4>``, not a link, before any lede."""
    return (
        out.lede is None
        and not out.paragraphs
        and 2 <= line.heading <= 4
        and line.text.count(" ") + 1 >= STANDFIRST_WORDS
        and line.link_chars * 3 <= line.chars
    )


def _soft_break(before: str, after: str) -> bool:
    """Whether two lines split by ``<br>`` are one sentence broken in the middle."""
    return not before.endswith(_SENTENCE_END) and after[:1].islower()
