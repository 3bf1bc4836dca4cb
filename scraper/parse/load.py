"""Response bytes to a lexbor tree, by the fast road when the page allows it.

The fast road hands lexbor the bytes as they came but for the text of scripts and styles
(``decode.cut_raw_text``); its reader (``dom.Page``) then checks that every cut landed where it
was meant to and that no byte was unreadable. The careful road decodes the page (charset,
byte-order marks, broken bytes) and guards against hostile nesting first. Both give the same
reading.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.decode import (
    MAX_BLOCK_DEPTH,
    RAW_MARK,
    decode_html,
    flatten_deep_nesting,
    plain_utf8,
)
from scraper.parse.markup import FOREIGN_TAG_IDS, JSONLD_SELECTOR

#: The metadata elements ``evidence.read_meta`` reads and ``Page.anywhere`` adds (those in
#: ``<head>``) to the reading. The walk gathers them as it goes (``dom.Page.metadata``); this
#: lexbor query over the whole tree, which costs about as much, is the reference it is tested
#: against, and the answer for a page without a root.
METADATA_QUERY = f"html, meta, link[rel][href], {JSONLD_SELECTOR}, base[href]"

Metadata = list[tuple[LexborNode, str, dict[str, str | None]]]


@dataclass(slots=True)
class Loaded:
    tree: LexborHTMLParser
    encoding: str
    warnings: list[str]
    #: how many script/style texts were left out of the parse (0 on the careful road); the
    #: reader must find each one's mark (:func:`is_mark`)
    cut: int
    #: whether this is the fast road: the reader must also look for U+FFFD in what it read
    #: and check the bytes if it finds one (``decode.is_utf8``); either check failing, it
    #: loads the page again with ``fast=False``
    fast: bool


def load_tree(data: bytes, url: str, fast: bool = True) -> Loaded:
    """Parse ``data`` (fetched from ``url``); ParseError when it is not a page."""
    plain = plain_utf8(data) if fast else None
    if plain is not None:
        return Loaded(LexborHTMLParser(plain[0]), "utf-8", [], plain[1], True)
    text, encoding, warnings = decode_html(data, url)
    text, flattened = flatten_deep_nesting(text)
    if flattened:
        warnings.append(f"block elements nested deeper than {MAX_BLOCK_DEPTH} were flattened")
    # lexbor reads UTF-8: bytes that decoded as UTF-8 untouched (no BOM, nothing replaced,
    # truncated or flattened) are handed over as they are, saving an encode of the page
    same_bytes = encoding == "utf-8" and not warnings and not data.startswith(codecs.BOM_UTF8)
    return Loaded(LexborHTMLParser(data if same_bytes else text), encoding, warnings, 0, False)


def read_metadata(tree: LexborHTMLParser) -> Metadata:
    """(element, tag, attributes) of the metadata elements (``METADATA_QUERY``), in document
    order."""
    return [(node, node.tag or "", node.attributes) for node in tree.css(METADATA_QUERY)]


def is_mark(element: LexborNode) -> bool:
    """Whether a script or style element holds nothing but the mark of ``cut_raw_text``.

    A cut whose ``<script`` was no start tag (in a comment, an attribute, a ``<title>``) leaves
    its mark elsewhere, and a script's text inside ``<svg>``/``<math>`` is markup, not text:
    the reader counts these marks where it reads past scripts, then (when it found fewer than
    were cut) with :func:`count_marks`, and loads the page again, as it came, when they still
    fall short.
    """
    text = element.first_child
    return text is not None and text.next is None and text.text_content == RAW_MARK


def count_marks(tree: LexborHTMLParser) -> int:
    """How many script/style elements outside ``<svg>``/``<math>`` hold nothing but a mark."""
    return sum(1 for node in tree.css("script, style") if is_mark(node) and not _in_foreign(node))


def _in_foreign(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag_id in FOREIGN_TAG_IDS:
            return True
        parent = parent.parent
    return False
