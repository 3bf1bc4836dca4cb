"""Listing pages: regions, themes, Voices, the archive view and the front page.

A listing's items come in page order, featured items flagged; an item shown both as featured
and in the list is kept once, at its list position. The next page is whatever the page offers
as "next" (``rel=next``, Drupal's ``pager__item--next``, a link reading "next" or "›").
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from core.model import Listing, Teaser
from core.urls import canonical_link, is_same_site
from scraper.parse import vocab
from scraper.parse.context import Context, build_context, strip_site_name

FEATURED_SELECTOR = (
    "[class*=featured], [class*=hero], [class*=spotlight], [class*=top-story], "
    "[class*=highlight], [class*=lead-story]"
)
NEXT_SELECTOR = (
    "a[rel~=next], .pager__item--next a, .pager-next a, li.next a, .next a, a.next, "
    "a[class*=pager-next], a[title*='next page' i], a[aria-label*='next' i]"
)
_NEXT_TEXTS = frozenset({"next", "next ›", "next »", "next page", "›", "»", "next>", ">", ">>"})
_PATH_KINDS = {"region": "region", "theme": "theme", "voices": "voices", "node": "archive"}


def listing_kind(ctx: Context) -> str | None:
    """What sort of listing: region, theme, voices, archive, front (or None if unsaid)."""
    page, layout = ctx.page, ctx.layout
    if layout.h1 is not None and layout.h1 > 0:
        word = vocab.key(page.lines[layout.h1 - 1].text)
        if word in ("region", "theme"):
            return word
    if "path-frontpage" in ctx.meta.body_classes:
        return "front"
    if ctx.canonical and urlsplit(ctx.canonical).path in ("", "/"):
        return "front"
    segments = [s for s in urlsplit(ctx.url).path.split("/") if s]
    if segments and segments[0] in ("ru", "en"):
        segments = segments[1:]
    if not segments:
        return "front"
    if segments[0] == "taxonomy":
        return None
    if segments[0] == "node" and len(segments) == 1:
        return "archive"
    return _PATH_KINDS.get(segments[0]) if len(segments) <= 2 else None


def listing_title(ctx: Context) -> str | None:
    layout = ctx.layout
    if layout.h1 is not None and not layout.chrome_lines[layout.h1]:
        return ctx.page.lines[layout.h1].text
    site = ctx.meta.first("og:site_name")
    title = strip_site_name(ctx.meta.first("og:title"), site)
    if title:
        return title
    node = ctx.page.tree.css_first("title")
    return strip_site_name(node.text() if node is not None else None, site)


def next_url(ctx: Context) -> str | None:
    """The absolute, canonical URL of the next page, if the page links one."""
    candidates: list[str | None] = [ctx.meta.rel("next")]
    candidates += [n.attributes.get("href") for n in ctx.page.css(NEXT_SELECTOR)]
    for node in ctx.page.css("a[href]"):
        text = node.text(deep=True, separator="")
        if len(text) < 20 and vocab.key(" ".join(text.split())) in _NEXT_TEXTS:
            candidates.append(node.attributes.get("href"))
    for href in candidates:
        url = canonical_link(href, ctx.base) if href else None
        if url and url != ctx.url and is_same_site(url, ctx.url):
            return url
    return None


def listing_items(ctx: Context) -> list[Teaser]:
    """Items in page order; featured ones flagged and not counted twice."""
    page, layout = ctx.page, ctx.layout
    skip = layout.block_runs("related", "popular")
    featured_ids = page.shown_ids(FEATURED_SELECTOR)
    featured_lines = bytearray(len(page.lines))
    for mid in featured_ids:
        a, b = page.span(mid)[:2]
        featured_lines[a:b] = b"\x01" * (b - a)
    filter_line = next(
        (i for i in layout.stops if vocab.key(page.lines[i].text) == "filter archive"), None
    )
    editors = layout.block_runs("editors")
    items: list[Teaser] = []
    for run in layout.runs:
        if id(run) in skip or layout.chrome_links[run.links[0]]:
            continue
        item = ctx.teasers.read(run)
        if item is None:
            continue
        featured = (
            bool(featured_lines[run.start] if run.start < len(featured_lines) else 0)
            or (filter_line is not None and run.first_line < filter_line)
            or id(run) in editors
        )
        chosen = item.editors_choice or id(run) in editors
        items.append(replace(item, featured=featured, editors_choice=chosen))
    featured_urls = {item.url for item in items if item.featured}
    listed_urls = {item.url for item in items if not item.featured}
    out: list[Teaser] = []
    seen: set[str] = set()
    for item in items:
        if item.featured and item.url in listed_urls:
            continue  # shown again in the list: that place is kept
        if item.url in seen:
            continue
        seen.add(item.url)
        out.append(replace(item, featured=item.url in featured_urls))
    return out


def listing_from(ctx: Context) -> Listing:
    items = listing_items(ctx)
    warnings = list(ctx.warnings)
    if not items:
        warnings.append("no listing items found")
    return Listing(
        url=ctx.url,
        title=listing_title(ctx),
        kind=listing_kind(ctx),
        items=tuple(items),
        next_url=next_url(ctx),
        warnings=tuple(warnings),
    )


def parse_listing(html: bytes, url: str) -> Listing:
    """Parse a listing page fetched from ``url``."""
    return listing_from(build_context(html, url))
