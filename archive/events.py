"""Crawl events kept in the WARC files as JSON ``metadata`` records.

Everything the index knows comes from one of these events. The crawler writes each event to
the WARC (``log_event``) and applies the very same JSON to the index (``apply_event``);
``scrape reindex`` replays the records in file order through ``apply_event``. That is why a
rebuilt index answers every query exactly as the original did, sightings and failures included.

    {"kind": "article" | "live_blog", ...}      the article JSON (with its ``capture``)
    {"kind": "listing", "url", "page", "items": [url, ...], "next_url", "seen_at"}
    {"kind": "failure", "url", "failure_kind", "error", "status", "at"}
    {"kind": "soft404", "url", "at"}
    {"kind": "walk", "url", "pages", "at"}                   a listing walked to its end
    {"kind": "walk_cut", "url", "page", "at"}    a walk of a walked listing cut short at page
    {"kind": "walk_resumed", "url", "at"}        … and a later walk read on past that page
    {"kind": "revisit", "url", "refers_to", "capture"}     a revisit record (304 / same bytes)
        + "not_modified": {"status", "reason", "headers"}   after a 304: the 304 as received
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from core.model import Capture, Exchange, article_from_dict

from .index import CAPTURE_KINDS, Index
from .warc import WarcWriter, response_headers_for_warc

ARTICLE_KINDS = frozenset({"article", "live_blog"})
SOFT404_ERROR = "a listing page answered instead of an article"
_LISTING_ROOTS = frozenset({"region", "theme", "voices", "front", "taxonomy", "node"})

Event = dict[str, Any]


def listing_event(
    url: str, page: int, items: Sequence[str], next_url: str | None, seen_at: str
) -> Event:
    return {
        "kind": "listing", "url": url, "page": page, "items": list(items),
        "next_url": next_url, "seen_at": seen_at,
    }  # fmt: skip


def failure_event(url: str, failure_kind: str, error: str, status: int | None, at: str) -> Event:
    return {
        "kind": "failure", "url": url, "failure_kind": failure_kind, "error": error,
        "status": status, "at": at,
    }  # fmt: skip


def soft404_event(url: str, at: str) -> Event:
    return {"kind": "soft404", "url": url, "at": at}


def walk_event(url: str, pages: int, at: str) -> Event:
    return {"kind": "walk", "url": url, "pages": pages, "at": at}


def walk_cut_event(url: str, page: int, at: str) -> Event:
    return {"kind": "walk_cut", "url": url, "page": page, "at": at}


def walk_resumed_event(url: str, at: str) -> Event:
    return {"kind": "walk_resumed", "url": url, "at": at}


def revisit_event(
    url: str, refers_to: str, capture: Capture, received: Exchange | None = None
) -> Event:
    """A revisit; after a 304, with the 304's status and headers verbatim (the revisit record
    itself holds the response the 304 validated, see ``archive.warc``)."""
    event: Event = {"kind": "revisit", "url": url, "refers_to": refers_to}
    event["capture"] = capture.to_dict()
    if received is not None and received.status == 304:
        event["not_modified"] = {
            "status": received.status, "reason": received.reason,
            "headers": [list(kv) for kv in response_headers_for_warc(received.response_headers)],
        }  # fmt: skip
    return event


def infer_kind(url: str, status: int) -> str:
    """The capture kind of a response no event describes, from its URL and status alone."""
    path = urlsplit(url).path
    parts = [p for p in path.split("/") if p]
    if 300 <= status < 400:
        return "redirect"
    if path == "/robots.txt":
        return "robots"
    if parts and parts[-1] in ("feed", "rss.xml"):
        return "feed"
    if not parts or parts[0] in _LISTING_ROOTS:
        return "listing"
    return "other"


def capture_kind(event: Event) -> str | None:
    """The kind of the response an event refers to, if the event says."""
    kind = event.get("kind", "article")
    if kind in ARTICLE_KINDS:
        return "article"
    if kind in ("listing", "soft404"):
        return str(kind)
    if kind == "failure":
        fk = str(event.get("failure_kind"))
        return fk if fk in CAPTURE_KINDS else "other"
    return None


def apply_event(index: Index, event: Event) -> str | None:
    """Apply one event to the index; for an article, return "new", "updated" or "unchanged"."""
    kind = event.get("kind", "article")
    if kind in ARTICLE_KINDS:
        if not isinstance(event.get("capture"), dict):
            return None
        article = article_from_dict(event)
        assert article.capture is not None
        status = index.record_article(article, article.capture.fetched_at)
        index.resolve_failure(article.fetched_url)
        return status
    url = str(event["url"])
    if kind == "listing":
        for position, item in enumerate(event.get("items") or ()):
            index.record_sighting(str(item), url, int(event["page"]), position, event["seen_at"])
        index.resolve_failure(url)
    elif kind == "failure":
        index.record_failure(
            url, str(event["failure_kind"]), str(event["error"]), event.get("status"),
            at=event["at"],
        )  # fmt: skip
    elif kind == "soft404":
        index.record_failure(url, "soft404", SOFT404_ERROR, 200, at=event["at"])
    elif kind == "walk":
        index.record_walk(url, int(event["pages"]), str(event["at"]))
    elif kind == "walk_cut":
        index.record_walk_cut(url, int(event["page"]))
    elif kind == "walk_resumed":
        index.clear_walk_cut(url)
    elif kind == "revisit":
        index.record_revisit(Capture(**event["capture"]), url, str(event["refers_to"]))
    return None


def log_event(
    warc: WarcWriter, index: Index, event: Event, refers_to: Capture | None
) -> str | None:
    """Write ``event`` to the WARC as a metadata record, then apply it to the index."""
    target = str(event.get("url") or (refers_to and refers_to.record_id) or "urn:event")
    payload = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    warc.write_metadata(refers_to, target, payload)
    return apply_event(index, event)
