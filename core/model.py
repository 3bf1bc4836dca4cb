"""The data the scraper produces: frozen dataclasses in, frozen dataclasses out.

Everything here is plain data with a ``to_dict`` that gives the JSON form documented in the
README. ``Exchange`` is what went over the wire for one HTTP request; ``Capture`` is where the
archive stored the response; ``Article`` and ``Listing`` are what the parser made of a page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SCHEMA_VERSION = 1

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, exactly as they went over the wire.

    ``body`` is the entity body as received: any ``Content-Encoding`` (gzip) is still applied,
    ``Transfer-Encoding`` (chunking) has been removed. ``truncated`` names why the body is
    incomplete (``"length"``, ``"time"``, ``"disconnect"``) and becomes ``WARC-Truncated``.
    """

    method: str
    url: str
    request_headers: Headers
    http_version: str
    status: int
    reason: str
    response_headers: Headers
    body: bytes
    started_at: datetime
    truncated: str | None = None
    ip_address: str | None = None

    def header(self, name: str) -> str | None:
        """The first response header called ``name`` (case-insensitive), or None."""
        low = name.lower()
        for key, value in self.response_headers:
            if key.lower() == low:
                return value
        return None


@dataclass(frozen=True)
class Capture:
    """Where the bytes of one response are stored: enough to re-read and re-verify them."""

    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_digest: str
    fetched_at: str
    status: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "warc_file": self.warc_file,
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
            "payload_digest": self.payload_digest,
            "fetched_at": self.fetched_at,
            "status": self.status,
        }


@dataclass(frozen=True)
class Outlet:
    name: str
    place: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "place": self.place}


@dataclass(frozen=True)
class Source:
    """The ``source:`` line: its raw text, the outlets it names, and whether agencies are cited."""

    text: str
    outlets: tuple[Outlet, ...]
    agencies: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "outlets": [o.to_dict() for o in self.outlets],
            "agencies": self.agencies,
        }


@dataclass(frozen=True)
class Photo:
    caption: str | None
    credit: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"caption": self.caption, "credit": self.credit}


@dataclass(frozen=True)
class Image:
    url: str
    alt: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "alt": self.alt}


@dataclass(frozen=True)
class Quote:
    """A direct quote; ``paragraph`` is its index in ``Article.body`` (where it starts)."""

    text: str
    speaker: str | None
    paragraph: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "speaker": self.speaker, "paragraph": self.paragraph}


@dataclass(frozen=True)
class LiveEntry:
    """One timestamped entry of a live blog (``16.30 GMT: …``)."""

    time: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "text": self.text}


@dataclass(frozen=True)
class Teaser:
    """An item as listings, "Related articles" and "Popular" show it."""

    title: str
    url: str
    type: str | None = None
    editors_choice: bool = False
    teaser: str | None = None
    featured: bool = False
    username: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The short form used inside an article's ``related`` and ``popular``."""
        return {
            "title": self.title,
            "url": self.url,
            "type": self.type,
            "editors_choice": self.editors_choice,
            "teaser": self.teaser,
        }

    def to_listing_dict(self) -> dict[str, Any]:
        """The full form used for listing items."""
        d = self.to_dict()
        d.update({"featured": self.featured, "username": self.username, "date": self.date})
        return d


@dataclass(frozen=True)
class Listing:
    """A section page: its items in page order and the link to the next page."""

    url: str
    title: str | None
    kind: str | None
    items: tuple[Teaser, ...]
    next_url: str | None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "listing",
            "url": self.url,
            "title": self.title,
            "listing_kind": self.kind,
            "items": [i.to_listing_dict() for i in self.items],
            "next_url": self.next_url,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class SoftNotFound:
    """A page served at an article's URL that is a listing: a stale article URL answering
    with the front page or a section page (status 200), a *soft 404*. The listing it showed
    is kept."""

    url: str
    listing: Listing

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "soft404",
            "url": self.url,
            "reason": "an article URL answered with a listing page",
            "listing": self.listing.to_dict(),
        }


def content_hash(
    title: str | None, lede: str | None, body: tuple[str, ...], source: Source | None
) -> str:
    """Hash of what makes an article *this* article: title, lede, body and source line only.

    Related/Popular, capture details and parse evidence are left out on purpose, so that a new
    "Related articles" block is never mistaken for an edit.
    """
    canon = json.dumps(
        [title, lede, list(body), source.text if source else None],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "sha256:" + hashlib.sha256(canon.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Article:
    """An article page, parsed. Field meanings are documented in the README."""

    url: str
    fetched_url: str
    node_id: int | None = None
    section: str | None = None
    type: str | None = None
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: tuple[str, ...] = ()
    lede: str | None = None
    body: tuple[str, ...] = ()
    source: Source | None = None
    photo: Photo | None = None
    images: tuple[Image, ...] = ()
    regions: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    related: tuple[Teaser, ...] = ()
    popular: tuple[Teaser, ...] = ()
    language: str | None = None
    entries: tuple[LiveEntry, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    capture: Capture | None = None
    kind: str = "article"

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.lede, self.body, self.source)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "url": self.url,
            "fetched_url": self.fetched_url,
            "node_id": self.node_id,
            "section": self.section,
            "type": self.type,
            "title": self.title,
            "published": self.published,
            "modified": self.modified,
            "authors": list(self.authors),
            "lede": self.lede,
            "body": list(self.body),
            "source": self.source.to_dict() if self.source else None,
            "photo": self.photo.to_dict() if self.photo else None,
            "images": [i.to_dict() for i in self.images],
            "regions": list(self.regions),
            "themes": list(self.themes),
            "quotes": [q.to_dict() for q in self.quotes],
            "related": [t.to_dict() for t in self.related],
            "popular": [t.to_dict() for t in self.popular],
            "language": self.language,
            "entries": [e.to_dict() for e in self.entries],
            "content_hash": self.content_hash,
            "evidence": dict(self.evidence),
            "warnings": list(self.warnings),
            "capture": self.capture.to_dict() if self.capture else None,
        }


def article_from_dict(d: dict[str, Any]) -> Article:
    """Rebuild an ``Article`` from its JSON form (as stored in WARC metadata records)."""
    src = d.get("source")
    photo = d.get("photo")
    cap = d.get("capture")

    def teasers(items: list[dict[str, Any]] | None) -> tuple[Teaser, ...]:
        return tuple(
            Teaser(
                title=t["title"],
                url=t["url"],
                type=t.get("type"),
                editors_choice=bool(t.get("editors_choice")),
                teaser=t.get("teaser"),
            )
            for t in items or ()
        )

    return Article(
        url=d["url"],
        fetched_url=d.get("fetched_url") or d["url"],
        node_id=d.get("node_id"),
        section=d.get("section"),
        type=d.get("type"),
        title=d.get("title"),
        published=d.get("published"),
        modified=d.get("modified"),
        authors=tuple(d.get("authors") or ()),
        lede=d.get("lede"),
        body=tuple(d.get("body") or ()),
        source=Source(
            text=src["text"],
            outlets=tuple(Outlet(o["name"], o.get("place")) for o in src.get("outlets") or ()),
            agencies=bool(src.get("agencies")),
        )
        if src
        else None,
        photo=Photo(photo.get("caption"), photo.get("credit")) if photo else None,
        images=tuple(Image(i["url"], i.get("alt")) for i in d.get("images") or ()),
        regions=tuple(d.get("regions") or ()),
        themes=tuple(d.get("themes") or ()),
        quotes=tuple(
            Quote(q["text"], q.get("speaker"), int(q.get("paragraph", 0)))
            for q in d.get("quotes") or ()
        ),
        related=teasers(d.get("related")),
        popular=teasers(d.get("popular")),
        language=d.get("language"),
        entries=tuple(LiveEntry(e["time"], e["text"]) for e in d.get("entries") or ()),
        evidence=dict(d.get("evidence") or {}),
        warnings=tuple(d.get("warnings") or ()),
        capture=Capture(**cap) if cap else None,
        kind=d.get("kind", "article"),
    )
