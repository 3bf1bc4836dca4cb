"""The article's title, from its metadata and its heading together.

Metadata titles (JSON-LD ``headline``, ``og:title``, ``<title>``) often carry the site's name
("… | Site", "Site › …"), are written for search engines rather than readers, or keep HTML
entities (``doesn&#8217;t``); a page's ``<h1>`` can be the site's logo. So the two are read
together: a metadata title that agrees with the article's heading is kept (its layer is the
more trusted); a heading that is one part of the metadata title, or shares most of its words,
is the title as published (layer ``h1``); a heading that shares nothing with the metadata is
something else (a section's name) and the metadata wins.
"""

from __future__ import annotations

import html
import re

from scraper.parse.markup import norm

#: Share of the shorter title's words the other must hold for the two to be one headline.
SAME_WORDS = 0.6
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SEPARATORS = re.compile(r"\s+(?:[|–—›»·/-]+|::)\s+")
_WORD = re.compile(r"\w+")
_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})


def unescape(text: str | None) -> str | None:
    """HTML entities in a metadata value decoded (twice-escaped ones too), whitespace
    normalised; None for nothing."""
    if not text:
        return None
    for _ in range(2):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return norm(text) or None


def plain(text: str) -> str:
    """A title's comparison form: typographic quotes, dashes and ellipses plain, casefolded."""
    return text.translate(_TYPOGRAPHY).replace("…", "...").casefold()


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def one_headline(heading: str, meta: str) -> bool:
    """Whether ``heading`` and ``meta`` are the same headline: equal but for typography, the
    heading one part of the metadata title (the rest the site's name), or most words shared."""
    a, b = plain(heading), plain(meta)
    if a == b or a in (plain(p) for p in _SEPARATORS.split(meta)):
        return True
    mine, theirs = _words(heading), _words(meta)
    if not mine or not theirs:
        return False
    return len(mine & theirs) >= SAME_WORDS * min(len(mine), len(theirs))


def shown_part(title: str | None, headings: set[str]) -> str | None:
    """The part of a ``<title>``-like text that the page shows as a heading ("Site | Headline"
    → "Headline", whichever side the site's name is on); the whole text when no part is, or
    when it has no separator. ``headings``: the page's headings, as :func:`plain`."""
    if not title:
        return None
    parts = [p.strip() for p in _SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    for part in sorted(parts, key=len, reverse=True):
        if plain(part) in headings:
            return part
    return title


def choose(metadata: list[tuple[str, str | None]], heading: str | None) -> tuple[str, str] | None:
    """(layer, title) from the metadata titles (layer, value), in order of trust, and the
    article's heading."""
    found = [(layer, value) for layer, raw in metadata if (value := unescape(raw))]
    if not heading:
        return found[0] if found else None
    for layer, value in found:
        if value == heading:
            return layer, value
    if not found or one_headline(heading, found[0][1]):
        return "h1", heading
    return found[0]
