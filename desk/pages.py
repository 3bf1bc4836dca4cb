"""What the templates need beyond plain data: highlights, badges, safe links, file names.

Pure functions, no I/O. Every string they return is still plain text: the templates escape
it (Jinja's autoescape is on for every template), so scraped text never becomes markup.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

PARAGRAPH = " ¶ "  # how ``archive.quotes`` joins the pieces of a quote split across paragraphs

# status of a re-check → (the word shown, the badge's CSS class). TAMPERED is the only word
# for stored bytes that differ from their digest; anything else is named as it is.
BADGES = {
    "verified": ("verified", "ok"),
    "tampered": ("TAMPERED", "bad"),
    "missing": ("MISSING", "bad"),
    "index": ("index out of date", "warn"),
    "unchecked": ("not checked", "warn"),
}


def badge(status: str) -> tuple[str, str]:
    """The word and CSS class for a capture check's ``status``."""
    return BADGES.get(status, (status, "warn"))


def marked(sentence: str, text: str) -> list[list[tuple[str, bool]]]:
    """``sentence`` as paragraphs of (piece, is part of the match) runs.

    A match split across paragraphs comes as pieces joined by `` ¶ ``; each piece is marked in
    the paragraph of the sentence that holds it, in order."""
    parts = [p for p in text.split(PARAGRAPH) if p]
    out = []
    for para in sentence.split(PARAGRAPH):
        runs: list[tuple[str, bool]] = []
        at = 0
        while parts:
            found = para.find(parts[0], at)
            if found < 0:
                break
            if found > at:
                runs.append((para[at:found], False))
            runs.append((parts[0], True))
            at = found + len(parts.pop(0))
        if at < len(para):
            runs.append((para[at:], False))
        out.append(runs)
    return out


def safe_href(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL (safe to put in an ``href``), else None: an
    archived ``javascript:`` or ``data:`` link is shown as text, never made a link."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def query(name: str, value: str) -> str:
    """``?name=value`` with ``value`` percent-encoded (record ids and URLs in desk links)."""
    return f"?{name}={quote(value, safe='')}"


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(url: str, suffix: str) -> str:
    """A download's file name from an article URL: ``peace-talks.wacz``."""
    path = urlsplit(url).path.rstrip("/")
    stem = _UNSAFE_NAME.sub("-", path.rsplit("/", 1)[-1]).strip("-.")[:80]
    return (stem or "article") + suffix


def record_name(record_id: str, suffix: str) -> str:
    """A download's file name from a record id: ``urn-uuid-….warc.gz``."""
    stem = _UNSAFE_NAME.sub("-", record_id.strip("<>")).strip("-.")[:80]
    return (stem or "record") + suffix


def outlets(source: Any) -> list[tuple[str, str | None]]:
    """(name, place) of each outlet an article's ``source`` line names."""
    if not isinstance(source, dict):
        return []
    found = []
    for outlet in source.get("outlets") or ():
        if isinstance(outlet, dict) and outlet.get("name"):
            found.append((str(outlet["name"]), outlet.get("place")))
    return found


def teasers(doc: Any, key: str) -> list[tuple[str, str]]:
    """(title, url) of each item in an article's ``related`` or ``popular`` block."""
    if not isinstance(doc, dict):
        return []
    items = []
    for item in doc.get(key) or ():
        if isinstance(item, dict):
            items.append((str(item.get("title") or item.get("url") or ""), str(item.get("url"))))
    return items
