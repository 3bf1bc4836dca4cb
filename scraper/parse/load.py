"""Response bytes to a lexbor tree, by the fast road when the page allows it.

The fast road hands lexbor the bytes as they came but for the text of scripts and styles
(``decode.cut_raw_text``), then checks in the tree that every cut landed where it was meant to;
the careful road decodes the page (charset, byte-order marks, broken bytes) and guards against
hostile nesting first. Both give the same tree to everything that reads it.
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

#: The one lexbor query for metadata elements (each full-tree query costs about as much as
#: reading the page's attributes in Python): ``evidence.read_meta`` splits its answer by tag,
#: and ``Page.anywhere`` adds those in ``<head>`` to the reading.
METADATA_QUERY = 'html, meta, link[rel][href], script[type="application/ld+json"], base[href]'
_JSONLD = "application/ld+json"
#: The same, with the elements whose text ``cut_raw_text`` cuts (to count its marks).
_METADATA_AND_RAW_QUERY = f'{METADATA_QUERY}, script:not([type="{_JSONLD}"]), style'
#: lexbor's tag_ids of ``<svg>`` and ``<math>``, where a script's text is markup.
_FOREIGN_TAG_IDS = frozenset(
    node.tag_id for node in LexborHTMLParser("<svg></svg><math>").css("svg, math")
)

Metadata = list[tuple[LexborNode, str, dict[str, str | None]]]


@dataclass(slots=True)
class Loaded:
    tree: LexborHTMLParser
    encoding: str
    warnings: list[str]
    #: how many script/style texts were left out of the parse (0: the careful road)
    cut: int
    #: the tree's metadata elements, when the fast road's check already gathered them
    metadata: Metadata | None


def load_tree(data: bytes, url: str) -> Loaded:
    """Parse ``data`` (fetched from ``url``); ParseError when it is not a page."""
    plain = plain_utf8(data)
    if plain is not None:
        tree = LexborHTMLParser(plain[0])
        metadata, marks = read_metadata(tree)
        if marks == plain[1]:
            return Loaded(tree, "utf-8", [], plain[1], metadata)
        # something cut was not a script's or style's text: read the page as it came
    text, encoding, warnings = decode_html(data, url)
    text, flattened = flatten_deep_nesting(text)
    if flattened:
        warnings.append(f"block elements nested deeper than {MAX_BLOCK_DEPTH} were flattened")
    # lexbor reads UTF-8: bytes that decoded as UTF-8 untouched (no BOM, nothing replaced,
    # truncated or flattened) are handed over as they are, saving an encode of the page
    same_bytes = encoding == "utf-8" and not warnings and not data.startswith(codecs.BOM_UTF8)
    return Loaded(LexborHTMLParser(data if same_bytes else text), encoding, warnings, 0, None)


def read_metadata(tree: LexborHTMLParser) -> tuple[Metadata, int]:
    """(element, tag, attributes) of the metadata elements (``METADATA_QUERY``) in document
    order, and how many script/style elements outside SVG and MathML hold nothing but a mark
    of ``cut_raw_text`` (the same query finds both)."""
    found: Metadata = []
    marks = 0
    for node in tree.css(_METADATA_AND_RAW_QUERY):
        tag, attrs = node.tag or "", node.attributes
        if tag == "style" or (tag == "script" and (attrs.get("type") or "").lower() != _JSONLD):
            text = node.first_child
            if (
                text is not None
                and text.next is None
                and text.text_content == RAW_MARK
                and not _in_foreign(node)
            ):
                marks += 1
        else:
            found.append((node, tag, attrs))
    return found, marks


def _in_foreign(node: LexborNode) -> bool:
    """Whether ``node`` is inside an ``<svg>`` or ``<math>`` element."""
    parent = node.parent
    while parent is not None:
        if parent.tag_id in _FOREIGN_TAG_IDS:
            return True
        parent = parent.parent
    return False
