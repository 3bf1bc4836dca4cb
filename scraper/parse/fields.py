"""Article fields read from metadata, each as a list of layers in order of trust.

Every function here returns ``(layer, thunk)`` pairs for :meth:`Evidence.pick`; a thunk gives the
value that layer holds or None. Elements inside teaser items, blocks or chrome never count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice
from typing import TypeVar

from selectolax.lexbor import LexborNode

from core.urls import canonical_link, is_same_site, node_id_from_url
from scraper.parse import vocab
from scraper.parse.context import Context, strip_site_name
from scraper.parse.evidence import ld_names, ld_text
from scraper.parse.markup import norm
from scraper.parse.titles import choose, plain, shown_part, unescape

T = TypeVar("T")
Layers = list[tuple[str, Callable[[], T | None]]]

_LANG_SUBTAG = re.compile(r"[-_]")
_NODE_HREF = re.compile(r"/node/(\d+)/?$")
_PAGE_NODE = re.compile(r"^page-node-(\d+)$")
_LEDE_VERBS = (
    "writes", "argues", "says", "explains", "notes", "suggests", "reflects", "considers",
    "discusses", "asks",
)  # fmt: skip
_LEDE_AUTHOR = re.compile(
    rf"\b(?:{'|'.join(_LEDE_VERBS)})\s+"
    r"(?:(?:the\s+)?[a-z][\w-]*(?:\s+[a-z][\w-]*){0,4}\s+)?"
    r"(?P<name>(?:Dr\.?\s+|Prof\.?\s+)?[A-ZÀ-ÖØ-Þ][\w'’.-]+(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’.-]+|al|de|van|von|bin|der)){1,4})"
    r"(?:,[^,]{1,150},)?\s+in\s+(?:this|an|a|his|her)\s+"
    r"(?:op-ed|oped|opinion|article|commentary|analysis|piece|editorial|essay|blog|column)",
)
_LEDE_AUTHOR_FRONT = re.compile(
    r"^In\s+(?:this|an|a)\s+(?:op-ed|opinion|article|commentary|analysis|piece|essay)"
    r"(?:\s+for\s+commonspace\.eu)?,\s+"
    r"(?P<name>[A-ZÀ-ÖØ-Þ][\w'’.-]+(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’.-]+|al|de|van|von|bin|der)){1,4})"
    r"(?:,[^,]{1,150},)?\s+(?:writes|argues|says|explains|suggests)"
)
_BY_VERBS = ("conducted", "written", "compiled", "interview")
_LEDE_AUTHOR_BY = re.compile(
    r"\b(?:conducted|written|compiled|interview(?:ed)?)\s+by\s+"
    r"(?P<name>[A-ZÀ-ÖØ-Þ][\w'’.-]+(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’.-]+|al|de|van|von|bin|der)){1,4})"
)
_NAME_SEPARATOR = re.compile(r"\s*(?:,|\band\b|&)\s*")
_BY = re.compile(r"^by\s+", re.I)
_AUTHOR_SELECTOR = "[rel=author], [class*=byline], [class*=author-name], [itemprop=author]"
_RDFA_TITLE = "[property='schema:name'], [property='dc:title'], [property='schema:headline']"


class Fields:
    """Field layers of one page; ``foreign`` elements (teasers, blocks, chrome) are ignored."""

    def __init__(self, ctx: Context, root: LexborNode | None) -> None:
        self.ctx = ctx
        self.root = root
        self.mask = ctx.layout.excluded_lines()
        layout = ctx.layout
        self.foreign = {run.container for run in layout.runs if run.container} | layout.chrome
        self.ld = ctx.meta.article_ld() or {}
        self._persons: set[int] | None = None
        self._above_root: tuple[int, ...] | None = None

    # -- helpers ---------------------------------------------------------------------------

    def own(self, node: LexborNode) -> bool:
        """Whether ``node`` belongs to the article, not to a teaser, a block or the chrome."""
        span = self.ctx.page.spans.get(node.mem_id)
        if span is not None and span[0] < span[1]:
            return not self.mask[span[0]]
        return not self.inside(node, self.foreign)

    def inside(self, node: LexborNode, ids: set[int], limit: int = 600) -> bool:
        """Whether ``node`` or one of its ancestors is in ``ids``, climbing the elements the
        reading walked by their mem_ids (``Page.parents``) instead of asking lexbor for a new
        node object at every step."""
        parents = self.ctx.page.parents
        current: LexborNode | None = node
        mid = 0
        while current is not None and limit > 0:
            mid = current.mem_id
            if mid in parents:
                break
            if mid in ids:
                return True
            current = current.parent
            limit -= 1
        if current is None or limit <= 0:
            return False
        while mid and limit > 0:  # the walk's root (html) has parent 0
            if mid in ids:
                return True
            mid = parents[mid]
            limit -= 1
        return limit > 0 and not ids.isdisjoint(self._root_ancestors()[:limit])

    def _root_ancestors(self) -> tuple[int, ...]:
        """mem_ids of what lies above the walk's root (the document node)."""
        if self._above_root is None:
            out: list[int] = []
            node = self.ctx.page.tree.root
            parent = node.parent if node is not None else None
            while parent is not None:
                out.append(parent.mem_id)
                parent = parent.parent
            self._above_root = tuple(out)
        return self._above_root

    def nodes(self, selector: str) -> Iterator[LexborNode]:
        """The article's own elements matching ``selector``, in document order (lazily: most
        callers stop at the first that has a value)."""
        own = self.own
        return (n for n in self.ctx.page.anywhere(selector) if own(n))

    def first_text(self, selector: str, attr: str | None = None) -> str | None:
        for node in self.nodes(selector):
            value = node.attributes.get(attr) if attr else None
            text = norm(value if value else node.text(deep=True, separator=" "))
            if text:
                return text
        return None

    # -- title -------------------------------------------------------------------------------

    def title(self) -> tuple[str, str] | None:
        """(layer, title): RDFa first (the site's own markup), then the metadata titles and
        the article's heading weighed together (``titles.choose``), then ``<title>``, then the
        first ``<h2>``/``<h3>`` of a page without any."""
        meta, page = self.ctx.meta, self.ctx.page
        site = meta.first("og:site_name")
        for node in self.ctx.page.anywhere(_RDFA_TITLE):
            # the cheap test first; own() is pure, so the order does not matter
            if node.tag == "meta" or not self.own(node):
                continue
            if self.inside(node, self._person_ids()):
                continue
            text = norm(node.attributes.get("content") or node.text(deep=True, separator=""))
            if text:
                return "rdfa", text
        h = self.ctx.layout.h1
        title_node = page.tree.css_first("title")
        headings = {plain(line.text) for line in page.lines if 1 <= line.heading <= 3}
        og = strip_site_name(unescape(meta.first("og:title", "twitter:title")), site)
        metadata = [
            ("jsonld", ld_text(self.ld.get("headline") or self.ld.get("name"))),
            ("meta", shown_part(og, headings)),
            ("drupal-field", self.first_text("[class*=field--name-title]")),
        ]
        chosen = choose(metadata, page.lines[h].text if h is not None else None)
        if chosen is not None:
            return chosen
        raw = title_node.text() if title_node is not None else None
        tag = unescape(strip_site_name(raw, site))
        if tag:
            return "title-tag", shown_part(tag, headings) or tag
        heading = self._first_heading()
        return ("heading", heading) if heading else None

    def _first_heading(self) -> str | None:
        """On pages without an ``<h1>``, the first ``<h2>``/``<h3>`` of the content."""
        layout = self.ctx.layout
        marks = {i for i, _ in layout.headings} | set(layout.stops)
        for i, line in enumerate(self.ctx.page.lines):
            usable = line.heading in (2, 3) and not self.mask[i] and i not in marks
            if usable and len(line.text.split()) >= 3:
                return line.text
        return None

    def _person_ids(self) -> set[int]:
        if self._persons is None:
            self._persons = self.ctx.page.ids(
                "[rel='schema:author'], [typeof='schema:Person'], [rel=author]"
            )
        return self._persons

    # -- identity ----------------------------------------------------------------------------

    def node_id(self, canonical: str | None) -> Layers[int]:
        ctx = self.ctx

        def shortlink() -> int | None:
            href = ctx.meta.rel("shortlink")
            match = _NODE_HREF.search(href.split("?")[0].split("#")[0]) if href else None
            return int(match.group(1)) if match else None

        def about() -> int | None:
            for node in self.nodes("[about^='/node/'], [about*='/node/']"):
                match = _NODE_HREF.search(node.attributes.get("about") or "")
                if match and node.tag in ("article", "div", "main", "section"):
                    return int(match.group(1))
            return None

        def history() -> int | None:
            for node in self.nodes("[data-history-node-id]"):
                value = (node.attributes.get("data-history-node-id") or "").strip()
                if value.isdigit():
                    return int(value)
            return None

        def body_class() -> int | None:
            for cls in ctx.meta.body_classes:
                match = _PAGE_NODE.match(cls)
                if match:
                    return int(match.group(1))
            return None

        return [
            ("shortlink", shortlink),
            ("rdfa", about),
            ("drupal-attr", history),
            ("drupal-class", body_class),
            ("canonical", lambda: node_id_from_url(canonical) if canonical else None),
            ("url", lambda: node_id_from_url(ctx.url)),
        ]

    def canonical_url(self) -> Layers[str]:
        ctx = self.ctx

        def og_url() -> str | None:
            link = canonical_link(ctx.meta.first("og:url"), ctx.base)
            return link if link and is_same_site(link, ctx.url) else None

        return [("canonical", lambda: ctx.canonical), ("meta", og_url), ("url", lambda: ctx.url)]

    # -- type, authors, language --------------------------------------------------------------

    def type_label(self, visible: str | None, listing_type: str | None) -> Layers[str]:
        meta = self.ctx.meta

        def field() -> str | None:
            text = self.first_text(
                "[class*=field--name-field-type], [class*=field--name-type], "
                "[class*=field--name-field-category], [class*=field--name-field-content-type]"
            )
            return text if text and len(text.split()) <= 3 else None

        def known(value: str | None) -> str | None:
            return value if value and vocab.is_type_label(value) else None

        return [
            ("drupal-field", field),
            ("jsonld", lambda: known(ld_text(self.ld.get("articleSection")))),
            ("meta", lambda: known(meta.first("article:section"))),
            ("visible-text", lambda: visible or self._label_near_h1()),
            ("listing", lambda: listing_type or None),
        ]

    def _label_near_h1(self) -> str | None:
        h1 = self.ctx.layout.h1
        if h1 is None:
            return None
        for i in range(max(0, h1 - 3), h1):
            label = vocab.type_in_labels(self.ctx.page.lines[i].text)
            if not self.mask[i] and label:
                return label
        return None

    def authors(self, bylines: list[str], lede: str | None) -> Layers[tuple[str, ...]]:
        meta = self.ctx.meta

        def people(names: list[str]) -> tuple[str, ...]:
            out: list[str] = []
            for name in names:
                for part in _NAME_SEPARATOR.split(name):
                    part = _BY.sub("", norm(part))
                    if part and "://" not in part and part not in out and len(part) < 80:
                        out.append(part)
            return tuple(out)

        def meta_authors() -> tuple[str, ...]:
            names = [*meta.props.get("author", []), *meta.props.get("article:author", [])]
            return people([n for n in names if not n.startswith(("http", "/"))])

        def markup() -> tuple[str, ...]:
            texts = (t for n in self.nodes(_AUTHOR_SELECTOR) if (t := norm(n.text() or "")))
            return people(list(islice(texts, 3)))

        def from_lede() -> tuple[str, ...]:
            if not lede:
                return ()
            # each pattern needs one of its verbs: `in` rules most ledes out faster than re
            match = None
            if any(verb in lede for verb in _LEDE_VERBS):
                match = _LEDE_AUTHOR.search(lede)
            match = match or _LEDE_AUTHOR_FRONT.search(lede)
            if not match and any(verb in lede for verb in _BY_VERBS):
                match = _LEDE_AUTHOR_BY.search(lede)
            return (match.group("name"),) if match else ()

        def account(selector: str) -> tuple[str, ...]:
            texts = (t for n in self.nodes(selector) if (t := norm(n.text() or "")))
            return people(list(islice(texts, 1)))

        return [
            ("jsonld", lambda: people(ld_names(self.ld.get("author")))),
            ("meta", meta_authors),
            ("markup-class", markup),
            ("visible-text", lambda: people(bylines)),
            ("lede", from_lede),
            ("rdfa", lambda: account("[rel='schema:author']")),
            ("drupal-field", lambda: account("[class*=field--name-uid]")),
        ]

    def declared_language(self) -> Layers[str]:
        meta = self.ctx.meta
        return [
            ("html-lang", lambda: _lang(meta.html_lang)),
            ("meta", lambda: _lang(meta.first("og:locale", "content-language", "language"))),
            ("jsonld", lambda: _lang(ld_text(self.ld.get("inLanguage")))),
        ]


def _lang(value: str | None) -> str | None:
    if not value:
        return None
    primary = _LANG_SUBTAG.split(value.strip().lower(), maxsplit=1)[0]
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 and primary != "und" else None
