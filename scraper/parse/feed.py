"""RSS 2.0 feeds (``/taxonomy/term/N/feed``) as listings.

Each ``<item>`` becomes a teaser: its title, its link (canonical), the first paragraph of the
rendered HTML in ``<description>`` as the teaser, ``pubDate`` (RFC 822) as the date and
``dc:creator`` (the CMS account name) as the username. The ``guid`` (``13348 at https://…``)
carries the node id; :func:`node_id_from_guid` reads it.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import ParseError as XMLParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from selectolax.lexbor import LexborHTMLParser

from core.errors import ParseError
from core.model import Listing, Teaser
from core.urls import canonical_link
from scraper.parse.dates import parse_date
from scraper.parse.decode import MAX_BYTES
from scraper.parse.markup import norm

_GUID = re.compile(r"^\s*(\d+)\s+at\s+\S+\s*$")
_DC = "{http://purl.org/dc/elements/1.1/}"


def looks_like_feed(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<rss") or (head.startswith(b"<?xml") and b"<rss" in head)


def node_id_from_guid(guid: str | None) -> int | None:
    """The node id in a Drupal RSS guid (``13348 at https://www.commonspace.eu``)."""
    match = _GUID.match(guid or "")
    return int(match.group(1)) if match else None


def _text(element: Any, tag: str) -> str | None:
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return norm(child.text) or None


def _teaser(description: str | None) -> str | None:
    if not description:
        return None
    tree = LexborHTMLParser(description)
    for node in tree.css("p"):
        text = norm(node.text(deep=True, separator=""))
        if text:
            return text
    return norm(tree.text(deep=True, separator=" ")) or None


def parse_feed(data: bytes, url: str) -> Listing:
    """The items of an RSS 2.0 feed; ParseError when it is not well-formed XML."""
    try:
        root = fromstring(data[:MAX_BYTES])
    except (XMLParseError, DefusedXmlException, ValueError) as exc:
        raise ParseError(url, f"not a well-formed RSS feed: {exc}") from exc
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ParseError(url, f"not an RSS 2.0 feed (root element <{root.tag}>)")
    items: list[Teaser] = []
    warnings: list[str] = []
    for item in channel.findall("item"):
        title = _text(item, "title")
        link = canonical_link(_text(item, "link"), url)
        if not title or not link:
            warnings.append("feed item without title or link skipped")
            continue
        description = item.find("description")
        items.append(
            Teaser(
                title=title,
                url=link,
                teaser=_teaser(description.text if description is not None else None),
                username=_text(item, f"{_DC}creator"),
                date=parse_date(_text(item, "pubDate")),
            )
        )
    if not items:
        warnings.append("no listing items found")
    return Listing(
        url=canonical_link(url, url) or url,
        title=_text(channel, "title"),
        kind="feed",
        items=tuple(items),
        next_url=None,
        warnings=tuple(warnings),
    )
