"""A parsed page (the tree comes from ``load.py``) and one flat reading of it.

Everything downstream works on :class:`Page`: the lexbor tree (for CSS queries on metadata) and
a *reading* of the page made in one depth-first walk, the way a reader sees it: ``lines`` (each
block of text, ``<br>`` splitting blocks), ``links`` and ``images`` in document order, and for
every element the range of lines, links and images it holds (``spans``). Regions of the page
(the article, a "Related articles" block, a teaser) are then just index ranges.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from core.errors import ParseError
from scraper.parse.classwords import words_of
from scraper.parse.decode import is_utf8
from scraper.parse.load import (
    Loaded,
    Metadata,
    count_marks,
    is_mark,
    load_tree,
    read_metadata,
)
from scraper.parse.markup import (
    BLOCK,
    BOLD,
    BR,
    HEADING,
    HEADINGS,
    HIDDEN_SELECTOR,
    IMG,
    INVISIBLE_CHARS,
    JSONLD,
    JSONLD_SELECTOR,
    LABEL_SELECTOR,
    METADATA_TAG_IDS,
    RAW_TAG_IDS,
    SKIP,
    STANDARD_TAG_IDS,
    TEXT_ONLY,
    TEXT_TAG_ID,
    UNREAD_SELECTOR,
    norm,
    tag_kind,
)
from scraper.parse.memo import remember
from scraper.parse.reading import EMPTY_SPAN, Img, Line, Link, Span
from scraper.parse.select import Index, matcher, matches

#: Ancestors remembered for each link (enough to find the teaser that holds it).
LINK_PATH_DEPTH = 48
#: Elements the reading reads at most (the largest of 1 171 real news pages had 9 600), and
#: nodes it looks through for metadata in what it skips: what a page holds beyond these is not
#: read (with a warning), so that no markup, however hostile, costs more than this much work.
MAX_ELEMENTS = 20_000
MAX_SKIPPED_NODES = 200_000
#: ``<noscript>`` elements holding this many characters of text, more than the rest of the
#: page outside links, are read (``Page._text_in_noscript``).
NOSCRIPT_TEXT = 200

#: Attributes the selectors above look at, and what they said about each combination seen:
#: (tag, those attributes) → _HIDDEN | _UNREAD (neither is read) | _LABEL. Pages of one site
#: repeat the same few hundred combinations; the memo is bounded and holds only that pure
#: function.
_VERDICT_ATTRS = frozenset({"class", "role", "style", "hidden", "aria-hidden"})
_VERDICTS: dict[object, int] = {}
_LABEL, _UNREAD, _HIDDEN = 1, 2, 4
_REPLACEMENT = "\ufffd"
#: tag_id → (tag name, what the walk does with it): standard tags (below STANDARD_TAG_IDS) for
#: good, custom ones per walk
_KINDS: dict[int, tuple[str, int]] = {}


class Page:
    """A decoded, parsed page and one reading of it (see the module docstring)."""

    def __init__(self, data: bytes, url: str) -> None:
        self.url = url
        loaded = load_tree(data, url)
        self._read(loaded)
        if loaded.fast and (self._cut_astray(loaded.cut) or self._unreadable(data)):
            loaded = load_tree(data, url, fast=False)
            self._read(loaded)  # read the page as it came
        if self._text_in_noscript():
            self._read(loaded, noscript=True)

    def _read(self, loaded: Loaded, noscript: bool = False) -> None:
        self.tree, self.encoding = loaded.tree, loaded.encoding
        self.warnings = list(loaded.warnings)
        #: the ``<noscript>`` elements the walk passed over (with ``noscript``, it reads them)
        self.noscripts: list[LexborNode] = []
        #: how many script/style texts were left out of the parse (``decode.cut_raw_text``)
        self.cut = loaded.cut
        self.fast = loaded.fast  # read from the bytes as they came (``load.py``)
        self._marks = 0  # how many of their marks the walk found
        self._metadata: Metadata | None = None
        self.lines: list[Line] = []
        self.links: list[Link] = []
        self.images: list[Img] = []
        self.spans: dict[int, Span] = {}
        self.tags: dict[int, str] = {}
        self.parents: dict[int, int] = {}
        self.index = Index()
        #: hidden elements the reading skips (Drupal keeps the author and date in one), each
        #: with the reading position it was met at
        self.hidden_roots: list[tuple[int, LexborNode]] = []
        self._unshown: tuple[Index, list[int]] | None = None
        self._value_words: list[tuple[frozenset[str], list[int]]] | None = None
        self._worded: dict[frozenset[str], set[int]] = {}
        #: nodes the walk took in hand: read (elements and texts) or looked through (the
        #: work the reading did, bounded by MAX_ELEMENTS and MAX_SKIPPED_NODES)
        self.steps = 0
        self._walk(self.tree.root, bool(loaded.cut), noscript)

    def _text_in_noscript(self) -> bool:
        """Whether the page's text is in ``<noscript>``: a page its scripts draw, with its text
        there for readers without them (NOSCRIPT_TEXT characters at least, and more than the
        reading holds outside links). Most pages' ``<noscript>`` hold a tracking pixel or a
        line asking for JavaScript: those are not read."""
        if not self.noscripts:
            return False
        held = sum(len(word) for node in self.noscripts for word in node.text().split())
        if held < NOSCRIPT_TEXT:
            return False
        return held > sum(line.chars - line.link_chars for line in self.lines)

    def _cut_astray(self, cut: int) -> bool:
        """Whether a script/style text cut before parsing left its mark anywhere but as the
        whole text of a script or style (marks the walk did not pass, in navigation, hidden
        blocks or SVG, are looked for in the tree)."""
        return self._marks != cut and count_marks(self.tree) != cut

    def _unreadable(self, data: bytes) -> bool:
        """Whether bytes that are not UTF-8 (turned into U+FFFD) are in what was read: the
        text, the links and the metadata. (Elsewhere they change nothing.)"""
        replaced = (
            any(_REPLACEMENT in line.text for line in self.lines)
            or any(_REPLACEMENT in link.text or _REPLACEMENT in link.href for link in self.links)
            or any(
                value and _REPLACEMENT in value
                for _, _, attrs in self.metadata()
                for value in attrs.values()
            )
        )
        return replaced and not is_utf8(data)

    # -- queries ---------------------------------------------------------------------------

    def css(self, selector: str) -> list[LexborNode]:
        return self.tree.css(selector)

    def metadata(self) -> Metadata:
        """(element, tag, attributes) of the page's metadata elements (``METADATA_QUERY``), in
        document order."""
        if self._metadata is None:  # (the walk gathers it; a page without a root has none)
            self._metadata = read_metadata(self.tree)
        return self._metadata

    def anywhere(self, selector: str) -> list[LexborNode]:
        """Elements matching ``selector`` wherever a page keeps metadata: those the reading
        holds, hidden ones and the metadata elements of ``<head>``, in document order
        (navigation, the site footer and scripts are left out). Answered from indexes; a tree
        search only for selectors the index does not understand."""
        compiled = matcher(selector)
        if compiled is None:
            return self.tree.css(selector)
        nodes = self.index.nodes
        positions = self.index.select(compiled)
        found = [nodes[p] for p in positions]
        extra, at = self._unshown_index()
        hits = extra.select(compiled) if extra.nodes else []
        if not hits:
            return found
        # what the reading skipped at position p comes before the element read there
        order = [(p, 1, i) for i, p in enumerate(positions)] + [(at[q], 0, q) for q in hits]
        return [found[i] if late else extra.nodes[i] for _, late, i in sorted(order)]

    def ids(self, selector: str) -> set[int]:
        """mem_ids of :meth:`anywhere` elements."""
        return {n.mem_id for n in self.anywhere(selector)}

    def _unshown_index(self) -> tuple[Index, list[int]]:
        """The metadata elements of ``<head>`` and the elements under :attr:`hidden_roots`,
        indexed, with the reading position each was met at (built on first use)."""
        if self._unshown is None:
            records: list[tuple[LexborNode, int, str, dict[str, str | None], int]] = []
            head = self.tree.head
            if head is not None:
                in_head = {n.mem_id for n in head.iter(include_text=False)}
                for node, tag, attrs in self.metadata():
                    mid = node.mem_id
                    if mid in in_head:
                        records.append((node, mid, tag, attrs, 1))  # after <html>
            names: dict[int, str] = {}
            for pos, root in self.hidden_roots:
                for node in root.traverse(include_text=False):  # root first, document order
                    tag = names.get(node.tag_id) or names.setdefault(node.tag_id, node.tag or "-")
                    if tag[0] != "-":  # not a comment
                        records.append((node, node.mem_id, tag, node.attributes, pos))
            index, at = Index(), []
            if records:
                nodes, mids, tags, attr_rows, positions = zip(*records, strict=True)
                index.nodes, index.mids = list(nodes), list(mids)
                index.tags, index.attrs, at = list(tags), list(attr_rows), list(positions)
                index.ends = list(range(1, len(records) + 1))
            self._unshown = index, at
        return self._unshown

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

    def worded_ids(self, vocabulary: frozenset[str]) -> set[int]:
        """mem_ids of the elements the reading holds whose ``class`` or ``id`` has a word of
        ``vocabulary`` (``classwords.py``). The words of each value are worked out once a
        page, and each vocabulary's answer kept (callers only read it)."""
        found = self._worded.get(vocabulary)
        if found is not None:
            return found
        if self._value_words is None:
            index = self.index
            self._value_words = [
                (words_of(value), positions)
                for name in ("class", "id")
                for value, positions in index.values(name).items()
                if value
            ]
        mids = self.index.mids
        found = set()
        for words, positions in self._value_words:
            if not vocabulary.isdisjoint(words):
                found.update(mids[p] for p in positions)
        self._worded[vocabulary] = found
        return found

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

    def _walk(self, root: LexborNode | None, find_marks: bool, noscript: bool = False) -> None:
        """Read the page, gathering its metadata elements on the way; with ``find_marks``,
        count the marks of ``cut_raw_text`` in the script and style elements read past (in
        ``<head>`` and the reading's skipped tags); with ``noscript``, read what
        ``<noscript>`` elements hold as blocks of the page."""
        if root is None:
            return
        index = self.index
        ends = index.ends
        # one tuple per element read; split into the index's lists once at the end
        records: list[tuple[LexborNode, int, str, dict[str, str | None], int]] = []
        verdicts, verdict_attrs = _VERDICTS, _VERDICT_ATTRS
        hidden_sel = matcher(HIDDEN_SELECTOR)
        unread_sel = matcher(UNREAD_SELECTOR)
        label_sel = matcher(LABEL_SELECTOR)
        assert hidden_sel is not None and unread_sel is not None and label_sel is not None
        trio = (hidden_sel, unread_sel, label_sel)
        hidden_roots, noscripts = self.hidden_roots, self.noscripts
        lines, links, images, spans = self.lines, self.links, self.images, self.spans
        buf: list[str] = []
        has_text = False
        chars = bold_chars = link_chars = 0
        line_block, line_tag, line_heading = 0, "", 0
        blocks: list[tuple[int, str]] = [(0, "")]
        path: list[int] = []
        headings: list[int] = [0]
        bold = 0
        open_links: list[int] = []
        # nodes to read, and a marker where an element ends; what the end needs is on `opened`
        stack: list[LexborNode | None] = [root]
        opened: list[tuple[int, int, int, int, int, int]] = []
        n_lines = n_links = n_images = n_elements = 0  # lengths kept by hand (hot loop)
        marks = 0

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

        # the metadata elements (``METADATA_QUERY``), in document order: those read, and those
        # in what the reading skips (<head>, hidden blocks, navigation)
        found_meta: Metadata = []
        meta_ids, tree = METADATA_TAG_IDS, self.tree

        def gather_one(node: LexborNode, tag: str, attrs: dict[str, str | None]) -> None:
            if (
                tag == "meta"
                or tag == "html"
                or (tag == "link" and "rel" in attrs and "href" in attrs)
                or (tag == "base" and "href" in attrs)
                or (tag == "script" and _is_jsonld(tree, node, attrs.get("type")))
            ):
                found_meta.append((node, tag, attrs))

        looked = 0  # nodes gather() went through

        def gather(root: LexborNode, with_marks: bool) -> int:
            """Gather the metadata elements under ``root`` (and count marks, if asked)."""
            nonlocal looked
            n_marks = 0
            for node in root.traverse(include_text=False):
                looked += 1
                if looked > MAX_SKIPPED_NODES:
                    break
                tag_id = node.tag_id
                if tag_id in meta_ids:
                    gather_one(node, meta_ids[tag_id], node.attributes)
                if with_marks and tag_id in raw_ids:
                    n_marks += is_mark(node)
            return n_marks

        pop, push, buf_add = stack.pop, stack.append, buf.append
        open_, close = opened.append, opened.pop
        # module constants as locals: the loop below runs for every node of the page
        text_tag, block, heading, bold_kind = TEXT_TAG_ID, BLOCK, HEADING, BOLD
        skip, br, img, hidden, unread = SKIP, BR, IMG, _HIDDEN, _UNREAD
        invisible, raw_ids, text_only = INVISIBLE_CHARS, RAW_TAG_IDS, TEXT_ONLY
        # tag_id → (tag name, kind): standard tags for good, custom ones for this walk only
        kinds = _KINDS
        custom: dict[int, tuple[str, int]] = {}
        full = False  # read MAX_ELEMENTS: the rest is passed over, open elements closed
        n_texts = 0
        while stack:
            node = pop()
            if node is None:  # leaving an element
                mid, kind, l0, a0, i0, pos = close()
                ends[pos] = n_elements
                if kind >= block:
                    if has_text:
                        flush()
                    blocks.pop()
                    if kind == heading:
                        headings.pop()
                elif kind == bold_kind:
                    bold -= 1
                # the link this element opened (links inside it have closed already), whatever
                # its kind: a link styled as a label reads as a block but is still a link
                if open_links and open_links[-1] == a0:
                    open_links.pop()
                path.pop()
                spans[mid] = (l0, n_lines + has_text, a0, n_links, i0, n_images)
                continue
            if full:
                continue
            tag_id = node.tag_id
            if tag_id == text_tag:
                n_texts += 1
                if not has_text and node.is_empty_text_node:
                    continue  # markup indentation between elements (lexbor tells without a copy)
                chunk: str = node.text_content  # type: ignore[assignment]
                stripped = chunk.strip()
                n = len(stripped)
                if n and stripped[0] in invisible and not norm(stripped):
                    n = 0  # only invisible characters: no text, no line (and no span past it)
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
                elif not has_text:
                    continue  # whitespace before any text of the line: nothing to keep
                buf_add(chunk)
                if open_links:
                    links[open_links[-1]].parts.append(chunk)
                continue
            known = kinds.get(tag_id) or custom.get(tag_id)
            if known is None:
                name = node.tag or "-"
                known = (name, tag_kind(name))
                (kinds if tag_id < STANDARD_TAG_IDS else custom)[tag_id] = known
            tag, kind = known
            if kind == skip:
                if tag_id in raw_ids:  # a script or style: no elements inside
                    if find_marks:
                        marks += is_mark(node)
                    if tag == "script":
                        gather_one(node, tag, node.attributes)
                    continue
                if tag == "noscript" and noscript:
                    kind = block
                elif tag not in text_only and node.first_child is not None:
                    if tag == "noscript":
                        noscripts.append(node)
                    # (the marks in <head> are counted too; those in SVG must not be)
                    marks += gather(node, find_marks and tag == "head")
                    continue
                else:
                    continue
            attrs = node.attributes
            if not attrs or verdict_attrs.isdisjoint(attrs):
                key: object = tag
            elif len(attrs) == 1 and "class" in attrs:
                key = (tag, attrs["class"])
            else:
                relevant = verdict_attrs.intersection(attrs)
                if len(relevant) == 1 and "class" in relevant:
                    key = (tag, attrs["class"])
                else:
                    key = (tag, *sorted((name, attrs[name] or "") for name in relevant))
            verdict = verdicts.get(key)
            if verdict is None:
                hit = matches(trio, tag, attrs)  # hidden 1, unread 2, label 4
                verdict = _HIDDEN if hit & 1 else (_UNREAD if hit & 2 else 0)
                if hit & 4:
                    verdict |= _LABEL
                remember(verdicts, key, verdict)
            if verdict:
                if verdict & (hidden | unread):
                    gather(node, False)
                    if verdict & hidden:
                        hidden_roots.append((n_elements, node))
                    continue
                kind = heading if tag in HEADINGS else block  # a label reads as a block
            if tag_id in meta_ids:
                gather_one(node, tag, attrs)
            if n_elements >= MAX_ELEMENTS:
                full = True
                self.warnings.append(
                    f"page has more than {MAX_ELEMENTS:,} elements: only the first were read"
                )
                continue
            mid = node.mem_id
            pos = n_elements
            n_elements += 1
            records.append((node, mid, tag, attrs, path[-1] if path else 0))
            ends.append(n_elements)
            if kind >= block:
                if has_text:
                    flush()
                blocks.append((mid, tag))
                if kind == heading:
                    headings.append(HEADINGS[tag])
            elif kind == br:
                if has_text:
                    flush()
                continue
            elif kind == bold_kind:
                bold += 1
            elif kind == img:
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
            open_((mid, kind, n_lines, a0, n_images, pos))
            push(None)
            child = node.last_child
            while child is not None:
                push(child)
                child = child.prev
        if has_text:
            flush()
        self.steps = n_elements + n_texts + looked
        self._marks = marks
        self._metadata = found_meta
        for link in links:
            link.text = norm("".join(link.parts))
        if records:
            nodes, mids, tag_list, attr_list, parent_list = zip(*records, strict=True)
            index.nodes, index.mids = list(nodes), list(mids)
            index.tags, index.attrs = list(tag_list), list(attr_list)
            index.position = dict(zip(mids, range(n_elements), strict=True))
            self.tags = dict(zip(mids, tag_list, strict=True))
            self.parents = dict(zip(mids, parent_list, strict=True))


def _is_jsonld(tree: LexborHTMLParser, script: LexborNode, kind: str | None) -> bool:
    """``script[type="application/ld+json"]`` as lexbor matches it (the value in any case for
    HTML elements, exactly for SVG and MathML ones: lexbor is asked when the case differs)."""
    if kind == JSONLD:
        return True
    if kind is None or kind.lower() != JSONLD:
        return False
    return script.mem_id in {node.mem_id for node in tree.css(JSONLD_SELECTOR)}


def parse_page_tree(data: bytes, url: str) -> Page:
    """Decode and parse ``data``; ParseError (never anything else) when it is not a page."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ParseError(url, f"expected bytes, got {type(data).__name__}")
    return Page(bytes(data), url)
