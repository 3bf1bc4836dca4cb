"""Bytes to a parsed page: decoding, guards against hostile input, and one flat reading of it.

Everything downstream works on :class:`Page`: the lexbor tree (for CSS queries on metadata) and
a *reading* of the page made in one depth-first walk, the way a reader sees it: ``lines`` (each
block of text, ``<br>`` splitting blocks), ``links`` and ``images`` in document order, and for
every element the range of lines, links and images it holds (``spans``). Regions of the page
(the article, a "Related articles" block, a teaser) are then just index ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.errors import ParseError
from scraper.parse.decode import (
    MAX_BLOCK_DEPTH,
    decode_html,
    flatten_deep_nesting,
)
from scraper.parse.select import INDEXED_ATTRS, MEMO_SIZE, Index, matcher

#: Ancestors remembered for each link (enough to find the teaser that holds it).
LINK_PATH_DEPTH = 48

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "select",
        "textarea",
        "canvas",
        "video",
        "audio",
        "map",
        "button",
        "input",
    ]
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
#: Inline elements drawn as separate labels (a type "kicker", an "Editor's choice" badge).
LABEL_SELECTOR = "[class*=kicker], [class*=badge], [class*=eyebrow], [class*=flag]"
#: Site navigation and the site footer: never article text, never teasers, and often half of a
#: page's elements, so the reading skips them (menus, pagers and the like are read by CSS).
UNREAD_SELECTOR = "nav, [role=navigation], [role=contentinfo], [role=search]"
HIDDEN_SELECTOR = (
    "[hidden], [aria-hidden=true], .visually-hidden, .element-invisible, .sr-only, "
    ".screen-reader-text, [style*='display:none'], [style*='display: none']"
)

#: Attributes the two selectors above look at, and what they said about each combination
#: seen: (tag, those attributes) → 2 (not read) | 1 (a label). Pages of one site repeat the
#: same few hundred combinations; the memo is bounded and holds only that pure function.
_VERDICT_ATTRS = frozenset({"class", "role", "style", "hidden", "aria-hidden"})
_VERDICTS: dict[object, int] = {}
#: lexbor's tag_id of text nodes (``LXB_TAG__TEXT``).
TEXT_TAG_ID = 2
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\xad]")


def norm(text: str) -> str:
    """Whitespace collapsed (``&nbsp;`` included), invisible characters removed, ends stripped."""
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


@dataclass(slots=True)
class Line:
    """One block of visible text: a paragraph, a heading, a list item, a ``<br>``-split line."""

    text: str
    tag: str  # tag of the block element that holds it
    block: int  # mem_id of that element
    bold: bool  # (nearly) all of it inside <strong>/<b>
    heading: int  # 1–6 inside <h1>–<h6>, else 0
    link_chars: int  # how much of it is link text
    chars: int


@dataclass(slots=True)
class Link:
    href: str
    path: tuple[int, ...]  # mem_ids of its ancestors and itself, outermost first (at most 49)
    line: int  # index of the line its text starts in
    heading: int
    parts: list[str] = field(default_factory=list)
    img_alt: str | None = None
    has_img: bool = False
    text: str = ""


@dataclass(slots=True)
class Img:
    attrs: dict[str, str | None]
    line: int
    link: int | None  # index of the link that wraps it
    path: tuple[int, ...]  # like Link.path


Span = tuple[int, int, int, int, int, int]  # lines, links and images an element holds: [a, b)
EMPTY_SPAN: Span = (0, 0, 0, 0, 0, 0)


class Page:
    """A decoded, parsed page and one reading of it (see the module docstring)."""

    def __init__(self, data: bytes, url: str) -> None:
        text, self.encoding, warnings = decode_html(data, url)
        text, flattened = flatten_deep_nesting(text)
        if flattened:
            warnings.append(f"block elements nested deeper than {MAX_BLOCK_DEPTH} were flattened")
        self.url = url
        self.warnings = warnings
        self.text = text
        self.tree = LexborHTMLParser(text)
        self.lines: list[Line] = []
        self.links: list[Link] = []
        self.images: list[Img] = []
        self.spans: dict[int, Span] = {}
        self.tags: dict[int, str] = {}
        self.parents: dict[int, int] = {}
        self.index = Index()
        self._walk(self.tree.root)

    # -- queries ---------------------------------------------------------------------------

    def css(self, selector: str) -> list[LexborNode]:
        return self.tree.css(selector)

    def ids(self, selector: str) -> set[int]:
        return {n.mem_id for n in self.tree.css(selector)}

    def shown(self, selector: str, within: LexborNode | None = None) -> list[LexborNode]:
        """Elements matching ``selector`` among those the reading holds (not hidden, not
        navigation, not metadata), in document order; only descendants of ``within`` if given.

        Answered from the walk's attribute index (``select.py``), not by a tree search.
        """
        compiled = matcher(selector)
        index = self.index
        scope: int | None = None
        if within is not None:
            scope = index.position.get(within.mem_id)
            if scope is None:
                return []
        if compiled is None:
            pool = within.css(selector) if within is not None else self.tree.css(selector)
            return [n for n in pool if n.mem_id in index.position]
        return [index.nodes[p] for p in index.select(compiled, scope)]

    def shown_ids(self, selector: str) -> set[int]:
        """mem_ids of :meth:`shown` elements."""
        compiled = matcher(selector)
        if compiled is None:
            return {n.mem_id for n in self.shown(selector)}
        mids = self.index.mids
        return {mids[p] for p in self.index.select(compiled)}

    def span(self, node: LexborNode | int) -> Span:
        key = node if isinstance(node, int) else node.mem_id
        return self.spans.get(key, EMPTY_SPAN)

    def line_range(self, node: LexborNode | int) -> range:
        span = self.span(node)
        return range(span[0], span[1])

    def ancestors(self, mid: int) -> list[int]:
        """mem_ids of the ancestors of element ``mid``, innermost first."""
        out: list[int] = []
        parent = self.parents.get(mid, 0)
        while parent and len(out) < 4096:
            out.append(parent)
            parent = self.parents.get(parent, 0)
        return out

    def contains(self, outer: int, line: int) -> bool:
        """Whether element ``outer`` holds line number ``line``."""
        span = self.spans.get(outer, EMPTY_SPAN)
        return span[0] <= line < span[1]

    # -- the walk --------------------------------------------------------------------------

    def _walk(self, root: LexborNode | None) -> None:
        if root is None:
            return
        index = self.index
        ix_nodes, ix_mids, ix_tags, ix_attrs, ends = (
            index.nodes,
            index.mids,
            index.tags,
            index.attrs,
            index.ends,
        )
        position, by_tag, by_attr, indexed = (
            index.position,
            index.by_tag,
            index.by_attr,
            INDEXED_ATTRS,
        )
        n_elements = 0
        verdicts, verdict_attrs = _VERDICTS, _VERDICT_ATTRS
        unread_sel = matcher(f"{HIDDEN_SELECTOR}, {UNREAD_SELECTOR}")
        label_sel = matcher(LABEL_SELECTOR)
        assert unread_sel is not None and label_sel is not None
        labels: set[int] = set()
        lines, links, images, spans, tags, parents = (
            self.lines,
            self.links,
            self.images,
            self.spans,
            self.tags,
            self.parents,
        )
        buf: list[str] = []
        has_text = False
        chars = bold_chars = link_chars = 0
        line_block, line_tag, line_heading = 0, "", 0
        blocks: list[tuple[int, str]] = [(0, "")]
        path: list[int] = []
        headings: list[int] = [0]
        bold = 0
        open_links: list[int] = []
        stack: list[LexborNode | tuple[int, str, int, int, int, int]] = [root]

        n_lines = n_links = n_images = 0  # len() of the three lists, kept by hand (hot loop)

        def flush() -> None:
            nonlocal has_text, chars, bold_chars, link_chars, n_lines
            text = norm("".join(buf))
            if text:
                n_lines += 1
                lines.append(
                    Line(
                        text,
                        line_tag,
                        line_block,
                        bold_chars * 10 >= chars * 9,
                        line_heading,
                        link_chars,
                        chars,
                    )
                )
            buf.clear()
            has_text = False
            chars = bold_chars = link_chars = 0

        pop, push = stack.pop, stack.append
        names: dict[int, str] = {}  # tag_id → tag name (ids of custom tags are per document)
        block_tags, skip_tags, headings_of = BLOCK_TAGS, SKIP_TAGS, HEADINGS
        while stack:
            item = pop()
            if type(item) is tuple:  # leaving an element
                mid, tag, l0, a0, i0, pos = item
                ends[pos] = len(ends)
                if tag in block_tags or mid in labels:
                    if has_text:
                        flush()
                    blocks.pop()
                    if tag in headings_of:
                        headings.pop()
                elif tag == "b" or tag == "strong":
                    bold -= 1
                elif tag == "a" and open_links and open_links[-1] == a0:
                    open_links.pop()
                path.pop()
                spans[mid] = (l0, n_lines + has_text, a0, n_links, i0, n_images)
                continue
            node: LexborNode = item  # type: ignore[assignment]
            tag_id = node.tag_id
            if tag_id == TEXT_TAG_ID:
                chunk: str = node.text_content  # type: ignore[assignment]
                n = len(chunk.strip())
                if not n and not has_text:
                    continue  # whitespace before any text of the line: nothing to keep
                buf.append(chunk)
                if open_links:
                    links[open_links[-1]].parts.append(chunk)
                if n:
                    if not has_text:
                        has_text = True
                        line_block, line_tag = blocks[-1]
                        line_heading = headings[-1]
                    chars += n
                    if bold:
                        bold_chars += n
                    if open_links:
                        link_chars += n
                continue
            tag = names.get(tag_id, "")
            if not tag:
                tag = names[tag_id] = node.tag or "-"
            if tag in skip_tags or tag[0] == "-":
                continue
            mid = node.mem_id
            attrs = node.attributes
            relevant = verdict_attrs.intersection(attrs) if attrs else ()
            if not relevant:
                key: object = tag
            elif len(relevant) == 1 and "class" in relevant:
                key = (tag, attrs["class"])
            else:
                key = (tag, *sorted((name, attrs[name] or "") for name in relevant))
            verdict = verdicts.get(key)
            if verdict is None:
                verdict = (2 if unread_sel.element(tag, attrs) else 0) | (
                    1 if label_sel.element(tag, attrs) else 0
                )
                if len(verdicts) >= MEMO_SIZE:
                    verdicts.clear()
                verdicts[key] = verdict
            if verdict & 2:
                continue
            if verdict:
                labels.add(mid)
            # fill the attribute index (select.Index) for this element, inline: the hot loop
            pos = n_elements
            n_elements += 1
            ix_nodes.append(node)
            ix_mids.append(mid)
            ix_tags.append(tag)
            ix_attrs.append(attrs)
            ends.append(n_elements)
            position[mid] = pos
            tag_list = by_tag.get(tag)
            if tag_list is None:
                by_tag[tag] = [pos]
            else:
                tag_list.append(pos)
            if attrs:
                for name in indexed.intersection(attrs):
                    value = attrs[name]
                    values = by_attr[name]
                    if value in values:
                        values[value].append(pos)
                    else:
                        values[value] = [pos]
            tags[mid] = tag
            parents[mid] = path[-1] if path else 0
            if tag in block_tags or mid in labels:
                if has_text:
                    flush()
                blocks.append((mid, tag))
                if tag in headings_of:
                    headings.append(headings_of[tag])
            elif tag == "br":
                if has_text:
                    flush()
                continue
            elif tag == "b" or tag == "strong":
                bold += 1
            elif tag == "img":
                n_images += 1
                images.append(
                    Img(
                        attrs,
                        n_lines,
                        open_links[-1] if open_links else None,
                        tuple(path[-LINK_PATH_DEPTH:]),
                    )
                )
                if open_links:
                    link = links[open_links[-1]]
                    link.has_img = True
                    link.img_alt = link.img_alt or norm(attrs.get("alt") or "") or None
                continue
            a0 = n_links
            if tag == "a":
                href = attrs.get("href")
                if href:
                    links.append(
                        Link(
                            href,
                            (*path[-LINK_PATH_DEPTH:], mid),
                            n_lines,
                            headings[-1],
                        )
                    )
                    open_links.append(a0)
                    n_links += 1
            path.append(mid)
            push((mid, tag, n_lines, a0, n_images, pos))
            child = node.last_child
            while child is not None:
                push(child)
                child = child.prev
        if has_text:
            flush()
        for link in links:
            link.text = norm("".join(link.parts))


def parse_page_tree(data: bytes, url: str) -> Page:
    """Decode and parse ``data``; ParseError (never anything else) when it is not a page."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ParseError(url, f"expected bytes, got {type(data).__name__}")
    return Page(bytes(data), url)
