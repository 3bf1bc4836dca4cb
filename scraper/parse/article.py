"""Article pages: every field from its most trusted evidence, and a note of which that was."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from core.model import Article, Image, Teaser
from core.urls import canonical_link, section_of
from scraper.parse.blocks import dedupe_items
from scraper.parse.body import read_body
from scraper.parse.context import Context, build_context
from scraper.parse.datefields import DateFields
from scraper.parse.evidence import Evidence, ld_types
from scraper.parse.fields import Fields
from scraper.parse.live import live_entries
from scraper.parse.memo import remember
from scraper.parse.quotes import find_quotes
from scraper.parse.source import parse_photo_line, parse_source_line

IMAGE_FIELD_SELECTOR = "[class*=field--name-field-image], [class*=field--name-field-media]"
REGION_FIELD_SELECTOR = "[class*=field--name-field-region]"
THEME_FIELD_SELECTOR = "[class*=field--name-field-theme], [class*=field--name-field-tags]"
#: Taxonomy term ids whose vocabulary is known (ANATOMY.md): True for a region.
KNOWN_TERMS = {24: True, 27: True, 47: True, 20: False}
#: How many of the first paragraphs may open with the article's dateline ("29.11.2022 – …")
DATELINE_PARAGRAPHS = 3
_NOT_CONTENT = r"logo|icon|avatar|sprite|spacer|pixel|badge|flag-|brand"
_NOT_CONTENT_IMAGE = re.compile(_NOT_CONTENT, re.I)
# The same on lowercased ASCII text (exact there), without re.I's slow scan: ten times faster.
_NOT_CONTENT_LOWER = re.compile(_NOT_CONTENT)
_TERM = re.compile(
    r"^/(?:ru/)?(?P<kind>region|theme)/(?P<slug>[^/]+)/?$|^/taxonomy/term/(?P<id>\d+)/?$"
)
# Runs of the characters *not* counted: re's search is slow over text where a match may start
# at every character, fast when it can swallow long runs.
_ASCII = re.compile(r"[\x00-\x7f]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]+")
_ASCII_NOT_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())


def _images(
    ctx: Context, root: LexborNode | None, body_field: int, foreign: set[int]
) -> tuple[Image, ...]:
    """Content images of the article; ``foreign`` are the elements of teasers and chrome."""
    page, layout = ctx.page, ctx.layout
    holders = page.shown_ids(IMAGE_FIELD_SELECTOR)
    if root is not None and root.tag not in ("body", "html"):
        holders.add(root.mem_id)
    if body_field:
        holders.add(body_field)
    mask = layout.excluded_lines()
    whole_page = root is None or root.tag in ("body", "html")
    out: list[Image] = []
    for img in page.images:
        if not foreign.isdisjoint(img.path):
            continue
        if not whole_page and holders.isdisjoint(img.path):
            continue
        if whole_page and img.line < len(mask) and mask[img.line]:
            continue
        attrs = img.attrs
        src = attrs.get("src") or ""
        if not src or src.startswith("data:"):
            srcset = attrs.get("data-srcset") or attrs.get("srcset") or ""
            src = (
                attrs.get("data-src")
                or attrs.get("data-lazy-src")
                or attrs.get("data-original")
                or (srcset.split(",")[0].split()[0] if srcset.strip() else "")
            )
        hints = " ".join(filter(None, (src, attrs.get("class"), attrs.get("alt"), attrs.get("id"))))
        if hints.isascii():
            not_content = _NOT_CONTENT_LOWER.search(hints.lower())
        else:
            not_content = _NOT_CONTENT_IMAGE.search(hints)
        if not_content or _tiny(attrs):
            continue
        if img.link is not None:
            target = layout.link_urls[img.link]
            if target is not None and urlsplit(target).path in ("", "/"):
                continue  # the site's logo, linking home
        url = canonical_link(src, ctx.base) if src else None
        if url is None or any(i.url == url for i in out):
            continue
        alt = " ".join((attrs.get("alt") or "").split()) or None
        out.append(Image(url=url, alt=alt))
    return tuple(out)


def _tiny(attrs: dict[str, str | None]) -> bool:
    for key in ("width", "height"):
        value = (attrs.get(key) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= 2:
            return True
    return False


def _taxonomy(
    ctx: Context, root: LexborNode | None, foreign: set[int]
) -> tuple[list[str], list[str], str | None]:
    """Region and theme names the article is filed under (its own term links, never the menu);
    ``foreign`` are the elements of teasers and chrome."""
    page, layout = ctx.page, ctx.layout
    region_fields = page.shown_ids(REGION_FIELD_SELECTOR)
    theme_fields = page.shown_ids(THEME_FIELD_SELECTOR)
    root_id = root.mem_id if root is not None and root.tag not in ("body", "html") else 0
    regions: list[str] = []
    themes: list[str] = []
    layer: str | None = None
    for j, link in enumerate(page.links):
        if layout.nav_links[j]:
            continue
        term = _term_link(ctx, j)
        if term is None:
            continue
        kind, slug, term_id = term
        in_region = not region_fields.isdisjoint(link.path)
        in_theme = not theme_fields.isdisjoint(link.path)
        if in_region or in_theme:
            is_region: bool | None = in_region
            layer = layer or "drupal-field"
        else:
            if not foreign.isdisjoint(link.path) or (root_id and root_id not in link.path):
                continue
            if not root_id and layout.chrome_links[j]:
                continue
            if kind:
                is_region = kind == "region"
            else:
                is_region = KNOWN_TERMS.get(int(term_id)) if term_id else None
            if is_region is None:
                continue
            layer = layer or "taxonomy-link"
        name = link.text or (slug or "").replace("-", " ").title()
        target = regions if is_region else themes
        if name and name not in target:
            target.append(name)
    return regions, themes, layer


#: (href, base, page URL) → what _term_link says of such a link. Pages repeat most of their
#: links; bounded, and the answer is a pure function of the key.
_TERM_LINKS: dict[tuple[str, str, str], tuple[str | None, str | None, str | None] | None] = {}


def _term_link(ctx: Context, j: int) -> tuple[str | None, str | None, str | None] | None:
    """``_TERM``'s kind, slug and id for link ``j`` of the page; None unless it is a region,
    theme or taxonomy term link on the site."""
    layout = ctx.layout
    href = ctx.page.links[j].href
    if "region" not in href and "theme" not in href and "taxonomy" not in href:
        return None  # (what _TERM needs in the path: most links are ruled out without a URL)
    key = (href, ctx.base, layout.page_url)
    try:
        return _TERM_LINKS[key]
    except KeyError:  # (not `in`: another thread may clear the memo in between)
        pass
    term: tuple[str | None, str | None, str | None] | None = None
    url = None if layout.off_site(j) else layout.link_urls[j]
    match = _TERM.match(urlsplit(url).path) if url is not None else None
    if match:
        term = (match.group("kind"), match.group("slug"), match.group("id"))
    return remember(_TERM_LINKS, key, term)


def _cyrillic_share(texts: list[str]) -> float | None:
    sample = " ".join(texts)[:4000]
    # ASCII letters counted by bytes.translate, the rest (usually a few quotation marks and
    # dashes, or all of a Russian text) by regex: the same counts, a tenth of the time.
    letters = len(sample.encode("ascii", "ignore").translate(None, _ASCII_NOT_LETTERS))
    other = "" if sample.isascii() else _ASCII.sub("", sample)  # the non-ASCII characters
    if other:
        letters += len(other) - len(_LETTERS.sub("", other))
    if letters < 40:
        return None
    return (len(other) - len(_CYRILLIC.sub("", other)) if other else 0) / letters


def article_from(ctx: Context, listing_type: str | None = None) -> Article:
    ev = Evidence()
    fields = Fields(ctx, None)
    chosen = fields.title()
    title = chosen[1] if chosen else None
    if chosen:
        ev.note("title", chosen[0])
    else:
        ev.warn("no title found")
    body = read_body(ctx, title)
    fields.root = body.root_node
    url = ev.pick("url", fields.canonical_url()) or ctx.url
    section = section_of(url)
    if section is not None:
        ev.note("section", ev.layers["url"])
    elif section_of(ctx.url) is not None:
        section = section_of(ctx.url)
        ev.note("section", "url")
    node_id = ev.pick("node_id", fields.node_id(ctx.canonical), "no node id found")
    dates = DateFields(fields)
    opening = ([body.lede] if body.lede else []) + body.paragraphs[:DATELINE_PARAGRAPHS]
    published = ev.pick(
        "published", dates.published(body.date_line, opening), "no published date found"
    )
    above = -(body.date_distance or 0)
    published, layer = dates.reconcile(published, ev.layers.get("published"), body.date_line, above)
    if layer is not None:
        ev.note("published", layer)
    modified = ev.pick("modified", dates.modified(body.updated_line))
    type_label = ev.pick(
        "type", fields.type_label(body.type_label, listing_type), "no type label found"
    )
    authors = ev.pick("authors", fields.authors(body.bylines, body.lede), "no author found")
    if body.lede:
        ev.note("lede", body.lede_layer or "visible-text")
    if body.paragraphs:
        ev.note("body", body.layer or "visible-text")
    else:
        ev.warn("no body text found")
    source = parse_source_line(body.source_line)
    photo = parse_photo_line(body.photo_line)
    if source:
        ev.note("source", "visible-text")
    if photo:
        ev.note("photo", "visible-text")
    images = _images(ctx, body.root_node, ctx.layout.main_body, fields.foreign)
    if images:
        ev.note("images", "markup")
    regions, themes, taxonomy_layer = _taxonomy(ctx, body.root_node, fields.foreign)
    for name, values in (("regions", regions), ("themes", themes)):
        if values and taxonomy_layer:
            ev.note(name, taxonomy_layer)
    quotes = find_quotes(body.paragraphs, body.bold, title, body.lede)
    related: list[Teaser] = []
    popular: list[Teaser] = []
    for block in ctx.layout.blocks:
        items = ctx.teasers.read_all(block.runs)
        if block.kind == "editors":
            items = [replace(item, editors_choice=True) for item in items]
        (popular if block.kind == "popular" else related).extend(items)
        if items:
            ev.note("popular" if block.kind == "popular" else "related", "heading")
    language = ev.pick("language", fields.declared_language())
    share = _cyrillic_share([title or "", body.lede or "", *body.paragraphs])
    if share is not None:
        if language == "ru" and share < 0.15:
            language = "en"
            ev.note("language", "text")
        elif language != "ru" and share > 0.5:
            language = "ru"
            ev.note("language", "text")
    if language is None:
        ev.warn("no language found")
    ld = fields.ld  # ctx.meta.article_ld(), or {} for none
    entries = live_entries(body.paragraphs)
    is_live = section == "live-blog" or bool(ld and "liveblogposting" in ld_types(ld))
    kind = "live_blog" if is_live or len(entries) >= 3 else "article"
    if kind == "live_blog":
        if entries:
            ev.note("entries", "visible-text")
        else:
            ev.warn("live blog without timestamped entries")
    return Article(
        url=url,
        fetched_url=ctx.raw_url,
        node_id=node_id,
        section=section,
        type=type_label,
        title=title,
        published=published,
        modified=modified,
        authors=authors or (),
        lede=body.lede,
        body=tuple(body.paragraphs),
        source=source,
        photo=photo,
        images=images,
        regions=tuple(regions),
        themes=tuple(themes),
        quotes=tuple(quotes),
        related=tuple(dedupe_items(related)),
        popular=tuple(dedupe_items(popular)),
        language=language,
        entries=tuple(entries) if kind == "live_blog" else (),
        evidence=ev.layers,
        warnings=tuple(dict.fromkeys([*ctx.warnings, *ev.warnings])),
        kind=kind,
    )


def parse_article(html: bytes, url: str, *, listing_type: str | None = None) -> Article:
    """Parse an article page fetched from ``url``.

    ``listing_type`` is the type label the listing showed for this article ("News",
    "Opinion", …); it is used when the page itself shows none (evidence ``"listing"``).
    """
    return article_from(build_context(html, url), listing_type)
