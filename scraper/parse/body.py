"""The article's own text: where it starts, where it ends, its lead, and the lines at its foot.

The body is read from the Drupal body field when there is one, else from what follows the main
heading. Either way it ends at the first ``source:`` / ``photo:`` line, block heading ("Related
articles", "Popular", "Editor's choice"), newsletter box or footer line, and it never includes
chrome (navigation, share buttons) or teaser items, wherever the markup puts them. Labels,
date lines and bylines between the heading and the first paragraph are read, not kept as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from scraper.parse import vocab
from scraper.parse.blocks import date_line
from scraper.parse.context import Context
from scraper.parse.dates import is_update_line
from scraper.parse.source import is_photo_line, is_source_line

ROOT_SELECTORS = (
    "[data-history-node-id]",
    ".node--view-mode-full",
    "[typeof='schema:Article'], [typeof='schema:NewsArticle'], [itemtype*=Article]",
    "article",
    "[class*=story], [class*=article], [class*=post-], [class*=entry]",
    "main, [role=main], #content, #main, #main-content, .main-content",
)
LEDE_SELECTOR = (
    "[class*=field--name-field-lead], [class*=field--name-field-lede], "
    "[class*=field--name-field-summary], [class*=field--name-field-intro], "
    "[class*=field--name-field-standfirst], [class*=field--name-field-subtitle], "
    ".lead, [class*=-lead], [class*=__lead], [class*=lede], [class*=standfirst], .summary"
)
MAX_FOOT_LINE = 300
_TERM_PATH = re.compile(r"^https?://[^/]+(?:/ru)?/(?:region|theme|taxonomy/term)/")
_SENTENCE_END = tuple('.!?:;…"”»)')
_BYLINE = re.compile(r"^by\s+(?P<names>[^\d:|·•]{3,120}?)\s*$", re.I)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_IN_LINE = re.compile(
    rf"\b(?:\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2})?",
    re.I,
)
_READ_TIME = re.compile(r"\b\d+\s*min(?:ute)?s?\s+read\b", re.I)


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
    type_label: str | None = None
    bylines: list[str] = field(default_factory=list)
    root: int = 0
    root_node: LexborNode | None = None


def _body_layer(node: LexborNode) -> str:
    attrs = node.attributes
    if attrs.get("property"):
        return "rdfa"
    if "field--name-body" in (attrs.get("class") or ""):
        return "drupal-field"
    return "markup-class"


def find_root(ctx: Context) -> LexborNode | None:
    """The element that holds the article: Drupal's full node view, ``<article>``, ``<main>``."""
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
    page, layout = ctx.page, ctx.layout
    lines = page.lines
    out = BodyText()
    root = find_root(ctx)
    out.root_node = root
    out.root = root.mem_id if root is not None else 0
    root_rng = page.line_range(root) if root is not None else range(len(lines))
    if root is None or root.tag in ("body", "html"):
        root_rng = range(len(lines))
    h1 = layout.h1
    field_node = layout.main_body_node
    field_rng = page.line_range(field_node) if field_node is not None else range(0)
    if field_node is not None and field_rng:
        out.layer = _body_layer(field_node)
        body_start, body_end = field_rng.start, field_rng.stop
        if h1 is not None and h1 < body_start:
            pre_start = max(h1 + 1, root_rng.start if root_rng.start <= body_start else 0)
        else:
            pre_start = min(root_rng.start, body_start)
        scan_end = max(root_rng.stop, body_end)
    else:
        out.layer = "visible-text"
        pre_start = h1 + 1 if h1 is not None and h1 in root_rng else root_rng.start
        if h1 is None and title:
            shown = _title_line(ctx, root_rng, title)
            pre_start = shown + 1 if shown is not None else pre_start
        body_start, body_end = pre_start, root_rng.stop
        scan_end = body_end
    mask = layout.excluded_lines()
    lede_rng = _lede_field(ctx, out, mask)
    bounds = {i for i, _ in layout.headings} | set(layout.stops)
    title_key = vocab.key(title) if title else None
    foot = False
    last_block = -1
    for i in range(pre_start, scan_end):
        if i in bounds:
            break
        if mask[i] or i in lede_rng:
            continue
        line = lines[i]
        text = line.text
        if i < body_start:
            _pre_body(out, text, title_key)
            continue
        # both need a colon, which most lines have not (`in` is cheaper than the regexes)
        foot_like = len(text) <= MAX_FOOT_LINE and ":" in text
        if foot_like and is_source_line(text):
            out.source_line = out.source_line or text
            foot = True
            continue
        if foot_like and is_photo_line(text):
            out.photo_line = out.photo_line or text
            foot = True
            continue
        if foot or i >= body_end:
            if foot and len(text) > MAX_FOOT_LINE:
                break
            continue
        if not out.paragraphs and _pre_body(out, text, title_key):
            continue
        if vocab.is_ui(text) or line.tag == "figcaption" or _term_links_only(ctx, i):
            continue
        if out.paragraphs and line.block == last_block and _soft_break(out.paragraphs[-1], text):
            out.paragraphs[-1] += " " + text  # a <br> in mid-sentence, not a new paragraph
            continue
        out.paragraphs.append(text)
        out.bold.append(line.bold)
        last_block = line.block
    _lede(ctx, out)
    return out


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


def _soft_break(before: str, after: str) -> bool:
    """Whether two lines split by ``<br>`` are one sentence broken in the middle."""
    return not before.endswith(_SENTENCE_END) and after[:1].islower()


def _pre_body(out: BodyText, text: str, title_key: str | None) -> bool:
    """Read a line between the heading and the first paragraph; True if it is not body text."""
    k = vocab.key(text)
    if title_key is not None and k == title_key:
        return True
    if vocab.is_flag(text) or vocab.is_ui(text):
        return True
    if vocab.is_type_label(text):
        out.type_label = out.type_label or text
        return True
    date = date_line(text)
    if date:
        if is_update_line(text):
            out.updated_line = out.updated_line or text
        else:
            out.date_line = out.date_line or text
        return True
    found = _DATE_IN_LINE.search(text) if len(text) <= 120 else None
    if found and date_line(found.group(0)):
        rest = (text[: found.start()] + " " + text[found.end() :]).strip()
        rest = _READ_TIME.sub("", rest).strip(" |·•,-–—")
        byline = _BYLINE.match(rest)
        if byline or len(rest.split()) <= 3:
            out.date_line = out.date_line or found.group(0)
            if byline:
                out.bylines.append(byline.group("names"))
            return True
    match = _BYLINE.match(text)
    if match and len(text.split()) <= 12:
        out.bylines.append(match.group("names"))
        return True
    return False


def _lede_field(ctx: Context, out: BodyText, mask: bytearray) -> range:
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


def _lede(ctx: Context, out: BodyText) -> None:
    """The lead paragraph: a lead field, a bold first paragraph, or a matching description."""
    paras = out.paragraphs
    if out.lede is not None:
        if paras and vocab.key(paras[0]) == vocab.key(out.lede):
            del paras[0], out.bold[0]
        return
    if not paras:
        return
    if out.bold[0] and len(paras[0].split()) >= 8 and len(paras) > 1:
        out.lede, out.lede_layer = paras[0], "visible-text"
        del paras[0], out.bold[0]
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
            del paras[0], out.bold[0]
            return
