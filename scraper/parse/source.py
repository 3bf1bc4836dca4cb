"""The ``source:`` and ``photo:`` lines at the foot of an article.

Source lines name outlets, each perhaps with its city in brackets, separated by commas, "and",
"with" or nothing but the bracket group, and may end by citing agencies::

    source: commonspace.eu with Nezavisimaya Gazeta (Moscow) TASS (Moscow) and agencies.
    → commonspace.eu, Nezavisimaya Gazeta (Moscow), TASS (Moscow); agencies

When a text rendering lost the link text ("source: with agencies"), no outlet is invented.

Photo lines: ``photo: <caption>`` keeps everything after the colon as the caption, including a
trailing "(archive picture)"; ``Photo: <caption>; <credit>`` splits at the last semicolon.
"""

from __future__ import annotations

import re

from core.model import Outlet, Photo, Source
from scraper.parse.markup import norm
from scraper.parse.memo import remember

SOURCE_LINE = re.compile(r"^\s*(?:sources?|источники?)\s*:\s*(?P<rest>.*)$", re.I | re.S)
PHOTO_LINE = re.compile(r"^\s*(?:photos?|pictures?|фото)\s*:\s*(?P<rest>.*)$", re.I | re.S)
# "agencies" as a generic credit; a named outlet such as "Anadolu Agency" keeps its name.
_AGENCIES = re.compile(
    r"(?:^|[\s,;]+)(?:(?:with|and|&|plus|и)\s+)?(?:(?:other|various|news|international)\s+)*"
    r"(?:agencies|агентства|агентств)\b",
    re.I,
)
_SEPARATORS = re.compile(r"\s*(?:[,;&+]|\band\b|\bwith\b|\bи\b)\s*", re.I)
_GROUP = re.compile(r"\s*([^()]+?)\s*(?:\(([^()]*)\)|$)")
_TRIM = " \t.,;:-–—\"'“”‘’"


def is_source_line(text: str) -> bool:
    return SOURCE_LINE.match(text) is not None


def is_photo_line(text: str) -> bool:
    return PHOTO_LINE.match(text) is not None


def _outlets(rest: str) -> list[Outlet]:
    outlets: list[Outlet] = []
    for chunk in _SEPARATORS.split(rest):
        chunk = chunk.strip(_TRIM)
        if not chunk:
            continue
        if "(" not in chunk:
            outlets.append(Outlet(chunk))
            continue
        for match in _GROUP.finditer(chunk):
            name = match.group(1).strip(_TRIM)
            place = (match.group(2) or "").strip(_TRIM) or None
            if name:
                outlets.append(Outlet(name, place))
    unique: list[Outlet] = []
    for outlet in outlets:
        if outlet not in unique:
            unique.append(outlet)
    return unique


#: text → parse_source_line(text): most articles end with one of a few source lines. Bounded,
#: and the Sources it holds are frozen.
_SOURCES: dict[str, Source | None] = {}


def parse_source_line(text: str | None) -> Source | None:
    """The outlets and agencies a ``source:`` line names; None when ``text`` is not one."""
    if not text:
        return None
    try:
        return _SOURCES[text]
    except KeyError:  # (not `in`: another thread may clear the memo in between)
        pass
    return remember(_SOURCES, text, _parse_source_line(text), size=1024)


def _parse_source_line(text: str) -> Source | None:
    match = SOURCE_LINE.match(text)
    if not match:
        return None
    raw = norm(text)
    rest = norm(match.group("rest")).rstrip(" .")
    agencies = False
    if _AGENCIES.search(rest):
        agencies = True
        rest = _AGENCIES.sub(" ", rest)
    return Source(text=raw, outlets=tuple(_outlets(rest)), agencies=agencies)


def parse_photo_line(text: str | None) -> Photo | None:
    """Caption and credit of a ``photo:`` line; None when ``text`` is not one or says nothing."""
    if not text:
        return None
    match = PHOTO_LINE.match(text)
    if not match:
        return None
    rest = norm(match.group("rest"))
    if not rest:
        return None
    caption, sep, credit = rest.rpartition(";")
    if not sep:
        return Photo(caption=rest, credit=None)
    return Photo(caption=caption.strip() or None, credit=credit.strip() or None)
