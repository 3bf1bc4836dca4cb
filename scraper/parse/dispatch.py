"""Which kind of page this is: an article (or live blog), a listing, or a feed.

A listing is a page of teaser items with no article of its own. Stale article URLs, legacy
``?m=`` URLs and even image URLs answer with the front page, so a page is judged by what it
holds, not by its URL: structured article metadata, a ``source:`` line, a date line under the
title or paragraphs of free text under the heading make an article; several teasers and
nothing else make a listing (the crawler calls that a soft 404 when it asked for an article;
:func:`parse_served` says so the same way). The front page (the root URL, or markup saying
so) is a listing only when it lists something or holds no text at all: the home page of
another site that is one text, or an article served at ``/?p=123``, is an article.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from core.errors import ParseError, UsageError
from core.model import Article, Listing, SoftNotFound
from core.urls import canonicalize, section_of
from scraper.parse.article import article_from
from scraper.parse.blocks import date_line
from scraper.parse.context import Context, build_context
from scraper.parse.density import densest, is_prose
from scraper.parse.evidence import ARTICLE_TYPES, ld_types
from scraper.parse.feed import looks_like_feed, parse_feed
from scraper.parse.layout import Run, is_article_url
from scraper.parse.listing import listing_from
from scraper.parse.source import is_source_line

ARTICLE_PROSE = 800
ARTICLE_PROSE_LINES = 3
#: A home page without teasers holding this much prose is one text (an article); with less
#: (a notice: "Closed for the holidays."), a listing of nothing.
HOME_TEXT = 200
LISTING_PATHS = frozenset({"region", "theme", "voices", "taxonomy"})
ARTICLE_MARKERS = "[data-history-node-id], .node--view-mode-full"


def _strong_article(ctx: Context) -> bool:
    meta = ctx.meta
    if any(ld_types(obj) & ARTICLE_TYPES for obj in meta.jsonld):
        return True
    if (meta.first("og:type") or "").lower() == "article":
        return True
    if meta.first("article:published_time"):
        return True
    shortlink = meta.rel("shortlink") or ""
    if "/node/" in shortlink:
        return True
    return bool(ctx.page.css(ARTICLE_MARKERS))


def _segments(ctx: Context) -> list[str]:
    segments = [s for s in urlsplit(ctx.url).path.split("/") if s]
    if segments and segments[0] in ("ru", "en"):
        segments = segments[1:]
    return segments


def _listing_path(ctx: Context) -> bool:
    """The site's listing paths: regions, themes, Voices, taxonomy terms, the archive view."""
    segments = _segments(ctx)
    if segments and segments[0] == "node" and len(segments) == 1:
        return True
    return bool(segments) and segments[0] in LISTING_PATHS


def _home_url(ctx: Context) -> bool:
    return not _segments(ctx)


def _has_prose(ctx: Context) -> bool:
    """Whether an element of the page holds HOME_TEXT characters of prose or more, outside
    what the layout knows is not the article (``density.densest``): a text, not a notice."""
    worth, prose = ctx.sums()
    dense = densest(ctx.page, worth, prose)
    return dense is not None and dense.prose >= HOME_TEXT


def _front_page(ctx: Context) -> bool:
    if "path-frontpage" in ctx.meta.body_classes:
        return True
    return bool(ctx.canonical and urlsplit(ctx.canonical).path in ("", "/"))


def page_kind(ctx: Context) -> str:
    """ "article" or "listing" (a live blog is an article)."""
    if section_of(ctx.url) == "live-blog" or _strong_article(ctx):
        return "article"
    page, layout = ctx.page, ctx.layout
    items = [
        run
        for run in layout.runs
        if id(run) not in layout.block_runs("related", "popular")
        and not layout.chrome_links[run.links[0]]
    ]
    if _listing_path(ctx):
        return "listing"
    if _home_url(ctx) or _front_page(ctx):
        # a home page that lists nothing and holds text is one text: a site of one page, an
        # article at ``/?p=123``; with nothing at all on it, it is a listing of nothing
        return "listing" if len(items) >= 2 or not _has_prose(ctx) else "article"
    mask = layout.excluded_lines()
    lines = page.lines
    if any(
        not mask[i] and len(line.text) < 300 and is_source_line(line.text)
        for i, line in enumerate(lines)
    ):
        return "article"
    h1 = layout.h1
    start = h1 + 1 if h1 is not None else 0
    following = [i for i in range(start, min(len(lines), start + 40)) if not mask[i]][:20]
    if h1 is not None and any(date_line(lines[i].text) for i in following[:3]):
        return "article"
    paragraphs = [lines[i].text for i in following if len(lines[i].text.split()) >= 12]
    free_words = sum(len(p.split()) for p in paragraphs)
    if len(paragraphs) >= 2 and free_words >= 60 and (h1 is not None or len(items) < 3):
        return "article"
    # a paragraph right under the heading, longer than all the teasers together: the page's
    # own text (a short article, the teaser of a longer one), its teasers a box beside it
    lead = lines[following[0]] if h1 is not None and following else None
    if lead is not None and len(lead.text.split()) >= 12 and lead.chars > _teaser_chars(ctx, items):
        return "article"
    if len(items) >= 2 and not _prose_beside_items(ctx, items):
        return "listing"
    return "article"


def _prose_beside_items(ctx: Context, items: list[Run]) -> bool:
    """Whether the page holds an article among its teasers: an element with more prose than
    all the teasers together (teasers are not prose: the layout masks them), in at least
    ARTICLE_PROSE_LINES lines and ARTICLE_PROSE characters. (An article whose only ``<h1>``
    is the site's logo, with a column of teasers beside it.)"""
    page = ctx.page
    worth, prose = ctx.sums()
    dense = densest(page, worth, prose)
    if dense is None or dense.prose < ARTICLE_PROSE:
        return False
    mask = ctx.layout.excluded_lines()
    lines = page.lines
    if sum(1 for i in dense.lines if not mask[i] and is_prose(lines[i])) < ARTICLE_PROSE_LINES:
        return False
    return dense.prose > _teaser_chars(ctx, items)


def _teaser_chars(ctx: Context, items: list[Run]) -> int:
    """Characters of the lines of the teaser items ``items``."""
    lines = ctx.page.lines
    return sum(lines[i].chars for run in items for i in range(run.start, run.end))


def parse_served(
    html: bytes, url: str, *, listing_type: str | None = None
) -> Article | Listing | SoftNotFound:
    """:func:`parse_page` for a page served at ``url``, judged as the crawler judges it: when
    ``url`` is an article's URL and the page is a listing, a :class:`SoftNotFound` holding
    the listing (a soft 404)."""
    result = parse_page(html, url, listing_type=listing_type)
    if isinstance(result, Listing) and result.kind != "feed":
        try:
            wanted = canonicalize(url)
        except UsageError:
            return result
        if is_article_url(wanted):
            return SoftNotFound(url=wanted, listing=result)
    return result


def parse_page(html: bytes, url: str, *, listing_type: str | None = None) -> Article | Listing:
    """Parse any page of the site: an :class:`Article` (``kind`` "article" or "live_blog"),
    or a :class:`Listing` (listing pages, the front page a stale URL answers with, RSS feeds).

    A fault of the parser itself on one page is a :class:`ParseError` naming the URL, as bad
    bytes are: the crawler then archives that page, records the failure for a later run and
    goes on with the others (``SCRAPE_DEBUG=1`` lets the original exception through)."""
    try:
        return _parse_page(html, url, listing_type)
    except ParseError:
        raise
    except Exception as exc:
        if os.environ.get("SCRAPE_DEBUG"):
            raise
        what = f"{type(exc).__name__}: {exc}"[:160]
        raise ParseError(url, f"the parser failed on this page ({what}); this is a bug in "
                              "scrape, SCRAPE_DEBUG=1 shows the traceback") from exc  # fmt: skip


def _parse_page(html: bytes, url: str, listing_type: str | None) -> Article | Listing:
    if isinstance(html, bytes) and looks_like_feed(html):
        return parse_feed(html, url)
    ctx = build_context(html, url)
    if page_kind(ctx) == "listing":
        return listing_from(ctx)
    return article_from(ctx, listing_type)
