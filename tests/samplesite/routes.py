"""How the sample site answers a request: URL normalisation, routing, soft 404s, 304s.

``handle`` maps a request-target and headers to a ``Response`` (status, headers, the decoded
body, and whether the server should gzip and/or chunk it). The page bytes come from the
``SampleSite``; this module only decides which page, and how it goes over the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from . import render
from .truth import LISTINGS, TERMS_BY_TID, ArticleTruth, Listing, Term

if TYPE_CHECKING:
    from .site import SampleSite


class Headers(Protocol):
    """Request headers: a dict, or the ``email.message.Message`` http.server hands over."""

    def get(self, name: str, /) -> str | None: ...


@dataclass
class Response:
    """What the site answers, before content coding and framing."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=UTF-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    gzip: bool = False  # gzip it when the client accepts gzip
    chunked: bool = False  # send with Transfer-Encoding: chunked (HTTP/1.1 clients)


def handle(site: SampleSite, method: str, target: str, headers: Headers) -> Response:
    """Answer one request (``target`` is the request-target, e.g. ``/news/x?page=2``)."""
    split = urlsplit(target)
    path = unquote(split.path) or "/"
    query = [(k, v) for k, v in parse_qsl(split.query, keep_blank_values=True) if k != "PageSpeed"]
    params = dict(query)
    if path == "/index.php" and ("m" in params or "news_id" in params):
        return _soft404(site)
    if path.startswith("/index.php/"):
        path = path[len("/index.php") :]
    elif path == "/index.php":
        path = "/"
    if path == "/ru" or path.startswith("/ru/"):
        path = path[3:] or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    page = max(0, _int(params.get("page")))
    filters = [(k, v) for k, v in query if k in ("created[min]", "created[max]")]

    if path == "/robots.txt":
        return Response(
            200, render.robots(site.config.crawl_delay).encode(), "text/plain; charset=UTF-8"
        )
    if path == "/":
        return _listing_response(site, LISTINGS["front"], page, filters, chunked=True)
    if path == "/rss.xml":
        return _feed_response(site, None)
    parts = path.strip("/").split("/")
    if parts[0] in ("admin", "user") or path.startswith("/node/add"):
        return Response(403, render.access_denied(site.base_url).encode())
    if parts[0] == "node":
        if len(parts) == 1:
            return _listing_response(site, LISTINGS["node"], page, filters)
        node = site.find_node(_int(parts[1], -1)) if len(parts) == 2 else None
        if node is not None:
            return _article_response(site, node, headers)
    if parts[0] == "taxonomy" and len(parts) >= 3 and parts[1] == "term":
        tid = _int(parts[2], -1)
        term = TERMS_BY_TID.get(tid)
        if term is not None and len(parts) == 3:
            return _listing_response(site, LISTINGS[f"taxonomy/term/{tid}"], page, filters)
        if term is not None and len(parts) == 4 and parts[3] == "feed":
            return _feed_response(site, term)
    key = path.strip("/")
    if key in LISTINGS and key not in ("front", "node"):
        return _listing_response(site, LISTINGS[key], page, filters)
    article = site.find_path(path)
    if article is not None:
        return _article_response(site, article, headers)
    return _soft404(site)


def _soft404(site: SampleSite) -> Response:
    """Unknown and stale URLs answer 200 with the front page, as the real site does."""
    return _listing_response(site, LISTINGS["front"], 0, [], chunked=True)


def _listing_response(
    site: SampleSite, lst: Listing, page: int, filters: list[tuple[str, str]], chunked: bool = False
) -> Response:
    body = site.listing_html(lst, page, filters)
    return Response(
        200,
        body,
        headers=[("Cache-Control", "max-age=300, public")],
        gzip=True,
        chunked=chunked,
    )


def _feed_response(site: SampleSite, term: Term | None) -> Response:
    return Response(200, site.feed_xml(term), "application/rss+xml; charset=utf-8", chunked=True)


def _article_response(site: SampleSite, a: ArticleTruth, headers: Headers) -> Response:
    before, after, etag = site.article_parts(a)
    modified = a.modified_dt
    meta = [
        ("ETag", etag),
        ("Last-Modified", format_datetime(modified.astimezone(UTC), usegmt=True)),
        ("Cache-Control", "max-age=0, public"),
        (
            "Link",
            f'<{site.base_url}{a.url_path}>; rel="canonical", '
            f'<{site.base_url}/node/{a.node_id}>; rel="shortlink"',
        ),
        ("X-Generator", "Drupal 9 (https://www.drupal.org)"),
        ("Content-Language", "en"),
    ]
    if _not_modified(headers, etag, modified):
        return Response(304, b"", headers=meta)
    counter = site.next_counter()
    body = (before + site.page_blocks(a, counter) + after).encode()
    return Response(200, body, headers=meta, gzip=a.node_id % 2 == 0, chunked=a.node_id % 2 == 1)


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _not_modified(headers: Headers, etag: str, modified: datetime) -> bool:
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return modified.replace(microsecond=0) <= since
    return False
