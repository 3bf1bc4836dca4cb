"""HTML, RSS and robots.txt for the sample site, in Drupal 8/9 "Classy" markup.

Pure string building: each function takes ground truth (``ArticleTruth``) plus the base URL
the site is served under and returns ``str``. The structure mirrors what is known of
commonspace.eu (see ``/work/shared/site/ANATOMY.md``); the chrome around it (menus, share
buttons, newsletter, footer) is invented so that parsers have to find the boundaries.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from email.utils import format_datetime
from random import Random
from urllib.parse import urlencode

from .truth import (
    ACCOUNTS,
    LEGACY_ACCOUNT,
    REGIONS,
    TERMS,
    THEMES,
    ArticleTruth,
    brussels,
    drupal_date,
    local_iso,
)

SITE_NAME = "commonspace.eu"
PLACEHOLDER_IMAGE = "/sites/default/files/default_images/commonspace-placeholder.jpg"
TITLE_CLASS = "field field--name-title field--type-string field--label-hidden"
BODY_CLASS = (
    "clearfix text-formatted field field--name-body field--type-text-with-summary "
    "field--label-hidden field__item"
)
_TERM_BY_NAME = {t.name: t for t in TERMS}


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def bundle(a: ArticleTruth) -> str:
    return (a.section or "article").replace("-", "_")


def uid(a: ArticleTruth) -> int:
    name = a.authors[0] if a.authors else LEGACY_ACCOUNT[0]
    return ACCOUNTS.get(name, LEGACY_ACCOUNT[1])


# --------------------------------------------------------------------------------------------
# Page chrome


def _nav() -> str:
    regions = "".join(
        f'<li class="menu-item"><a href="{t.path}" data-drupal-link-system-path="taxonomy/term/'
        f'{t.tid}">{esc(t.name)}</a></li>'
        for t in REGIONS
    )
    themes = "".join(
        f'<li class="menu-item"><a href="{t.path}">{esc(t.name)}</a></li>' for t in THEMES
    )
    return (
        '<header role="banner" class="site-header">\n'
        '<div class="site-branding"><a href="/" title="Home" rel="home" class="site-logo">'
        '<img src="/themes/custom/commonspace/logo.svg" alt="Home"></a>'
        f'<div class="site-name"><a href="/" rel="home">{SITE_NAME}</a></div></div>\n'
        '<nav role="navigation" aria-labelledby="block-mainnavigation-menu" '
        'id="block-mainnavigation" class="block block-menu navigation menu--main">\n'
        '<h2 class="visually-hidden" id="block-mainnavigation-menu">Main navigation</h2>\n'
        '<ul class="menu">'
        f'<li class="menu-item menu-item--expanded"><span>Region</span><ul class="menu">{regions}'
        "</ul></li>"
        f'<li class="menu-item menu-item--expanded"><span>Theme</span><ul class="menu">{themes}'
        "</ul></li>"
        '<li class="menu-item"><a href="/voices">Voices</a></li>'
        '<li class="menu-item"><a href="/node">Archive</a></li>'
        '<li class="menu-item"><a href="/ru" hreflang="ru">RU</a></li>'
        "</ul></nav>\n"
        '<form action="/search/node" method="get" id="search-block-form" class="search-form">'
        '<input type="search" name="keys" placeholder="Search"><input type="submit" '
        'value="Search"></form>\n'
        "</header>\n"
    )


_NEWSLETTER = (
    '<div id="block-newsletter" class="block block-simplenews block-newsletter">\n'
    '<h2 class="block__title">Subscribe to our newsletter</h2>\n'
    "<p>One email a week with our picks from the South Caucasus, Central Asia and the wider "
    "neighbourhood of Europe.</p>\n"
    '<form action="/newsletter/subscribe" method="post"><input type="email" name="mail" '
    'placeholder="Your email address"><input type="submit" value="Subscribe"></form>\n'
    "</div>\n"
)

_FOOTER = (
    '<footer role="contentinfo" class="site-footer">\n'
    '<div class="block block-footer-about"><p>commonspace.eu is an online platform for news and '
    "comment, run by an independent foundation in The Hague. Views expressed in opinion pieces "
    "are those of their authors.</p></div>\n"
    '<nav class="menu--footer"><ul class="menu">'
    '<li class="menu-item"><a href="/about-us">About us</a></li>'
    '<li class="menu-item"><a href="/contact">Contact</a></li>'
    '<li class="menu-item"><a href="/privacy-policy">Privacy policy</a></li>'
    '<li class="menu-item"><a href="/rss.xml">RSS</a></li></ul></nav>\n'
    '<div class="copyright">© 2025 commonspace.eu — all rights reserved</div>\n'
    "</footer>\n"
)


def page_open(
    base: str, *, title: str, canonical: str, body_class: str, head_extra: str, lang: str = "en"
) -> str:
    """Everything up to and including the opening of ``<main>``."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="ltr" prefix="content: '
        "http://purl.org/rss/1.0/modules/content/  dc: http://purl.org/dc/terms/  foaf: "
        "http://xmlns.com/foaf/0.1/  og: http://ogp.me/ns#  schema: http://schema.org/  sioc: "
        'http://rdfs.org/sioc/ns#">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="Generator" content="Drupal 9 (https://www.drupal.org)" />\n'
        '<meta name="MobileOptimized" content="width" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
        f"<title>{esc(title)} | {SITE_NAME}</title>\n"
        f'<link rel="canonical" href="{attr(base + canonical)}" />\n'
        f"{head_extra}"
        '<link rel="icon" href="/themes/custom/commonspace/favicon.ico" '
        'type="image/vnd.microsoft.icon" />\n'
        '<link rel="stylesheet" media="all" href="/sites/default/files/css/css_q3Xb1.css" />\n'
        '<script src="/sites/default/files/js/js_8bT0c.js"></script>\n'
        f'</head>\n<body class="{body_class}">\n'
        '<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main '
        'content</a>\n<div class="dialog-off-canvas-main-canvas" '
        'data-off-canvas-main-canvas>\n<div class="layout-container">\n'
        f"{_nav()}"
        '<main role="main"><a id="main-content" tabindex="-1"></a>\n'
    )


def page_close() -> str:
    return f"</main>\n{_NEWSLETTER}{_FOOTER}</div>\n</div>\n</body>\n</html>\n"


# --------------------------------------------------------------------------------------------
# Shared field markup


def title_span(title: str) -> str:
    return f'<span property="schema:name" class="{TITLE_CLASS}">{esc(title)}</span>'


def author_span(a: ArticleTruth) -> str:
    name = a.authors[0] if a.authors else LEGACY_ACCOUNT[0]
    return (
        '<span rel="schema:author" class="field field--name-uid field--type-entity-reference '
        f'field--label-hidden"><span lang="" about="/user/{uid(a)}" typeof="schema:Person" '
        f'property="schema:name" datatype="">{esc(name)}</span></span>'
    )


def created_span(a: ArticleTruth) -> str:
    return (
        f'<span property="schema:dateCreated" content="{a.published}" class="field '
        f'field--name-created field--type-created field--label-hidden">'
        f"{drupal_date(a.published_dt)}</span>"
    )


def _wrap_spans(inner: str, depth: int) -> str:
    return "<span>" * depth + inner + "</span>" * depth


def body_field(a: ArticleTruth, base: str, rng: Random) -> str:
    """The body field as Drupal stores it: lede, paragraphs, then source and photo lines."""
    parts: list[str] = []
    if a.lede is not None:
        tag = "strong" if rng.random() < 0.7 else "b"
        parts.append(f"<p><{tag}>{esc(a.lede)}</{tag}></p>")
    labelled = a.section in ("interview", "live-blog")
    for para in a.body:
        label, sep, rest = para.partition(": ")
        if labelled and sep and len(label) < 60:
            inner = f"<strong>{esc(label)}:</strong> {esc(rest)}"
        else:
            inner = esc(para)
        roll = rng.random()
        if roll < 0.12 and " " in inner:  # stray whitespace the parser must normalise
            cut = inner.index(" ", len(inner) // 2) if " " in inner[len(inner) // 2 :] else -1
            if cut > 0:
                inner = inner[:cut] + (" \n" if roll < 0.06 else "  ") + inner[cut + 1 :]
        if rng.random() < 0.25:
            inner = _wrap_spans(inner, rng.randint(2, 4))
        parts.append(f"<p>{inner}</p>")
    if (a.source_text or a.photo_text) and rng.random() < 0.5:
        parts.append("<p>&nbsp;</p>")
    if a.source_text:
        src = esc(a.source_text)
        if "commonspace.eu" in src and rng.random() < 0.6:
            src = src.replace("commonspace.eu", f'<a href="{attr(base)}/">commonspace.eu</a>', 1)
        parts.append(f"<p>{src}</p>")
    if a.photo_text:
        parts.append(f"<p>{esc(a.photo_text)}</p>")
    return f'<div property="schema:text" class="{BODY_CLASS}">' + "\n".join(parts) + "</div>"


def _term_field(kind: str, names: Sequence[str]) -> str:
    if not names:
        return ""
    items = "".join(
        f'<div class="field__item"><a href="{_TERM_BY_NAME[n].path}" hreflang="en">{esc(n)}</a>'
        "</div>"
        if n in _TERM_BY_NAME
        else f'<div class="field__item">{esc(n)}</div>'
        for n in names
    )
    return (
        f'<div class="field field--name-field-{kind.lower()} field--type-entity-reference '
        f'field--label-above"><div class="field__label">{kind}</div>'
        f'<div class="field__items">{items}</div></div>\n'
    )


def _type_field(label: str | None) -> str:
    if not label:
        return ""
    return (
        '<div class="field field--name-field-type field--type-entity-reference '
        f'field--label-hidden field__item">{esc(label)}</div>\n'
    )


def _share(base: str, path: str) -> str:
    from urllib.parse import quote

    u = quote(base + path, safe="")
    return (
        '<div class="share-buttons"><span class="share-buttons__label">Share</span>'
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={u}" class="share--facebook">'
        "Facebook</a>"
        f'<a href="https://twitter.com/intent/tweet?url={u}" class="share--twitter">X</a>'
        f'<a href="https://www.linkedin.com/shareArticle?mini=true&amp;url={u}" '
        'class="share--linkedin">LinkedIn</a>'
        f'<a href="mailto:?body={u}" class="share--email">Email</a></div>\n'
    )


# --------------------------------------------------------------------------------------------
# Article page


def article_parts(a: ArticleTruth, base: str, seed: int) -> tuple[str, str]:
    """The article page split around the per-request blocks: (before, after).

    Everything that belongs to the article is in ``before``; "Related articles" and "Popular"
    go between the two halves and change on every request.
    """
    rng = Random(f"{seed}:render:{a.node_id}")
    canonical = a.url_path
    shown = a.title.strip()
    teaser = a.teaser if len(a.teaser) < 300 else a.teaser[:297].rsplit(" ", 1)[0] + "…"
    head = (
        f'<meta name="description" content="{attr(teaser)}" />\n'
        f'<link rel="shortlink" href="{attr(base)}/node/{a.node_id}" />\n'
        f'<meta property="og:site_name" content="{SITE_NAME}" />\n'
        '<meta property="og:type" content="article" />\n'
        f'<meta property="og:url" content="{attr(base + canonical)}" />\n'
        f'<meta property="og:title" content="{attr(shown)}" />\n'
        f'<meta property="og:description" content="{attr(teaser)}" />\n'
        + (
            f'<meta property="og:image" content="{attr(base + a.images[0])}" />\n'
            if a.images
            else ""
        )
        + f'<meta property="article:published_time" content="{local_iso(a.published_dt)}" />\n'
        f'<meta property="article:modified_time" content="{local_iso(a.modified_dt)}" />\n'
    )
    body_class = f"path-node page-node-type-{bundle(a)}" + (
        " node-legacy-import" if a.legacy else ""
    )
    image = ""
    if a.images:
        alt = a.photo_caption or shown
        image = (
            '<div class="field field--name-field-image field--type-image field--label-hidden '
            f'field__item"><img src="{attr(a.images[0])}" alt="{attr(alt)}" '
            'typeof="foaf:Image" class="image-style-article-full" /></div>\n'
        )
    before = (
        page_open(base, title=shown, canonical=canonical, body_class=body_class, head_extra=head)
        + '<div class="region region-content">\n'
        '<div id="block-commonspace-page-title" class="block block-core '
        'block-page-title-block">\n'
        f'<h1 class="page-title">{title_span(a.title)}</h1>\n</div>\n'
        '<div id="block-commonspace-content" class="block block-system '
        'block-system-main-block">\n'
        f'<article data-history-node-id="{a.node_id}" role="article" about="{attr(canonical)}" '
        f'typeof="schema:Article" class="node node--type-{bundle(a)} node--promoted '
        'node--view-mode-full">\n'
        f'<span property="schema:name" content="{attr(a.title)}" class="rdf-meta hidden">'
        "</span>\n"
        f'<div class="node__meta visually-hidden">{author_span(a)}\n{created_span(a)}</div>\n'
        + _type_field(a.type)
        + '<div class="node__content clearfix">\n'
        + image
        + body_field(a, base, rng)
        + "\n"
        + _term_field("Region", a.regions)
        + _term_field("Theme", a.themes)
        + _share(base, canonical)
        + "</div>\n</article>\n</div>\n</div>\n"
    )
    return before, page_close()


def teaser(a: ArticleTruth, href: str, *, featured: bool = False) -> str:
    """One item as listings, "Related articles" and "Popular" show it (title given twice)."""
    img = a.images[0] if a.images else PLACEHOLDER_IMAGE
    cls = f"node node--type-{bundle(a)} node--view-mode-teaser"
    if a.editors_choice:
        cls += " node--editors-choice"
    if featured:
        cls += " node--featured"
    flag = (
        '<div class="field field--name-field-editors-choice field--type-boolean '
        "field--label-hidden field__item\">Editor's choice</div>\n"
        if a.editors_choice
        else ""
    )
    h = attr(href)
    return (
        f'<div class="views-row">\n<article role="article" about="{attr(a.url_path)}" '
        f'class="{cls}">\n{flag}{_type_field(None if a.legacy else a.type)}'
        '<div class="field field--name-field-image field--type-image field--label-hidden '
        f'field__item"><a href="{h}" hreflang="en"><img src="{attr(img)}" alt="" '
        f'loading="lazy" typeof="foaf:Image" /><span class="teaser__image-title">'
        f"{esc(a.title)}</span></a></div>\n"
        f'<h2 class="node__title"><a href="{h}" rel="bookmark">{title_span(a.title)}</a></h2>\n'
        f'<div class="node__content"><div property="schema:text" class="{BODY_CLASS}">'
        f"<p>{esc(a.teaser)}</p></div></div>\n</article>\n</div>\n"
    )


def block(block_id: str, heading: str, rows: Iterable[str]) -> str:
    return (
        f'<div id="block-{block_id}" class="block block-views block-views-block{block_id}">\n'
        f'<h2 class="block__title">{esc(heading)}</h2>\n<div class="view view-{block_id}">'
        f'<div class="view-content">\n{"".join(rows)}</div></div>\n</div>\n'
    )


def dynamic_blocks(
    related: Sequence[tuple[ArticleTruth, str]], popular: Sequence[tuple[ArticleTruth, str]]
) -> str:
    return (
        '<div class="region region-content-bottom">\n'
        + block("related-articles", "Related articles", (teaser(a, h) for a, h in related))
        + block("popular", "Popular", (teaser(a, h) for a, h in popular))
        + "</div>\n"
    )


# --------------------------------------------------------------------------------------------
# Listings


def pager(page: int, extra: Sequence[tuple[str, str]]) -> str:
    def href(n: int) -> str:
        return attr("?" + urlencode([*extra, ("page", str(n))]))

    prev = (
        f'<li class="pager__item pager__item--previous"><a href="{href(page - 1)}" '
        'title="Go to previous page" rel="prev"><span class="visually-hidden">Previous page'
        '</span><span aria-hidden="true">‹‹</span></a></li>'
        if page > 0
        else ""
    )
    return (
        '<nav class="pager" role="navigation" aria-labelledby="pagination-heading">\n'
        '<h4 id="pagination-heading" class="visually-hidden">Pagination</h4>\n'
        f'<ul class="pager__items js-pager__items">{prev}'
        f'<li class="pager__item is-active">Page {page + 1}</li>'
        f'<li class="pager__item pager__item--next"><a href="{href(page + 1)}" '
        'title="Go to next page" rel="next"><span class="visually-hidden">Next page</span>'
        '<span aria-hidden="true">››</span></a></li></ul>\n</nav>\n'
    )


def _filter_box(path: str) -> str:
    return (
        '<div class="view-filters"><form action="' + attr(path) + '" method="get" '
        'class="views-exposed-form" id="views-exposed-form-archive">\n'
        '<h2 class="block__title">Filter archive</h2>\n'
        '<fieldset class="form-item"><legend>Publication date</legend>'
        '<input type="date" name="created[min]"> <input type="date" name="created[max]">'
        '</fieldset>\n<input type="submit" value="Apply" class="button"></form></div>\n'
    )


def listing_page(
    base: str,
    *,
    path: str,
    canonical: str,
    kind: str | None,
    name: str,
    description: str | None,
    featured: Sequence[tuple[ArticleTruth, str]],
    items: Sequence[tuple[ArticleTruth, str]],
    page: int,
    extra: Sequence[tuple[str, str]],
    body_class: str,
) -> str:
    """A section page: header, featured items, "Filter archive" box, items, pager."""
    head = (
        f'<meta property="og:site_name" content="{SITE_NAME}" />\n'
        '<meta property="og:type" content="website" />\n'
        f'<meta property="og:url" content="{attr(base + canonical)}" />\n'
        f'<meta property="og:title" content="{attr(name)}" />\n'
    )
    header = '<div class="term-header">\n'
    if kind:
        header += f'<div class="term-header__kind">{esc(kind)}</div>\n'
    header += f'<h1 class="page-title">{esc(name)}</h1>\n'
    if description:
        header += f'<div class="term-header__description"><p>{esc(description)}</p></div>\n'
    header += "</div>\n"
    feat = "".join(teaser(a, h, featured=True) for a, h in featured)
    rows = "".join(teaser(a, h) for a, h in items) or (
        '<div class="view-empty"><p>No content has been published here yet.</p></div>\n'
    )
    return (
        page_open(base, title=name, canonical=canonical, body_class=body_class, head_extra=head)
        + '<div class="region region-content">\n'
        + header
        + '<div class="view view-taxonomy-term view-id-taxonomy_term">\n'
        + (f'<div class="view-header"><div class="featured">\n{feat}</div></div>\n' if feat else "")
        + _filter_box(path)
        + f'<div class="view-content">\n{rows}</div>\n'
        + pager(page, extra)
        + "</div>\n</div>\n"
        + page_close()
    )


def archive_page(
    base: str,
    *,
    items: Sequence[tuple[ArticleTruth, str]],
    page: int,
    extra: Sequence[tuple[str, str]],
) -> str:
    """The older list style (``/node``): title, teaser, then ``<username> <date>``."""
    rows = []
    for a, href in items:
        rows.append(
            f'<div class="views-row">\n<article role="article" about="{attr(a.url_path)}" '
            f'class="node node--type-{bundle(a)} node--view-mode-teaser">\n'
            f'<h2 class="node__title"><a href="{attr(href)}" rel="bookmark">'
            f"{title_span(a.title)}</a></h2>\n"
            f'<div class="node__content"><div property="schema:text" class="{BODY_CLASS}">'
            f"<p>{esc(a.teaser)}</p></div></div>\n"
            f'<footer class="node__meta"><div class="node__submitted">{author_span(a)} '
            f"{created_span(a)}</div></footer>\n</article>\n</div>\n"
        )
    canonical = "/node" + (f"?page={page}" if page else "")
    return (
        page_open(base, title="Archive", canonical=canonical, body_class="path-node", head_extra="")
        + '<div class="region region-content">\n<h1 class="page-title">Archive</h1>\n'
        + '<div class="view view-frontpage view-id-frontpage">\n'
        + _filter_box("/node")
        + f'<div class="view-content">\n{"".join(rows)}</div>\n'
        + pager(page, extra)
        + "</div>\n</div>\n"
        + page_close()
    )


# --------------------------------------------------------------------------------------------
# RSS and robots


def rss_node(a: ArticleTruth, base: str, seed: int) -> str:
    """The node in Drupal's RSS view mode (what a feed item's ``<description>`` carries)."""
    return (
        f"{title_span(a.title)}\n{author_span(a)}\n{created_span(a)}\n"
        + body_field(a, base, Random(f"{seed}:render:{a.node_id}"))
        + "\n"
    )


def rss_date(a: ArticleTruth) -> str:
    """RFC 822 date in the site's time zone, as Drupal prints it (``+0200`` in summer)."""
    from datetime import timedelta, timezone

    _, off = brussels(a.published_dt)
    return format_datetime(a.published_dt.astimezone(timezone(timedelta(hours=off))))


def rss(
    base: str,
    *,
    title: str,
    link: str,
    description: str,
    self_path: str,
    items: Sequence[ArticleTruth],
    seed: int,
) -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<rss version="2.0" xml:base="{attr(base)}/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>{esc(title)}</title>\n<link>{esc(base + link)}</link>\n"
        f"<description>{esc(description)}</description>\n<language>en</language>\n"
        f'<atom:link href="{attr(base + self_path)}" rel="self" '
        'type="application/rss+xml" />\n'
    ]
    for a in items:
        out.append(
            f"<item>\n<title>{esc(a.title)}</title>\n<link>{esc(base + a.url_path)}</link>\n"
            f"<description>{esc(rss_node(a, base, seed))}</description>\n"
            f"<pubDate>{rss_date(a)}</pubDate>\n"
            f"<dc:creator>{esc(a.authors[0] if a.authors else LEGACY_ACCOUNT[0])}</dc:creator>\n"
            f'<guid isPermaLink="false">{a.node_id} at {esc(base)}</guid>\n</item>\n'
        )
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def robots(crawl_delay: float | None) -> str:
    lines = [
        "#",
        "# robots.txt",
        "#",
        "# This file is to prevent the crawling and indexing of certain parts",
        "# of your site by web crawlers and spiders run by sites like Yahoo!",
        "# and Google.",
        "#",
        "User-agent: *",
    ]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    lines += [
        "# CSS, JS, Images",
        "Allow: /core/*.css$",
        "Allow: /core/*.js$",
        "Allow: /core/*.gif",
        "Allow: /core/*.jpg",
        "Allow: /core/*.png",
        "Allow: /profiles/*.css$",
        "# Directories",
        "Disallow: /core/",
        "Disallow: /profiles/",
        "# Files",
        "Disallow: /README.txt",
        "Disallow: /web.config",
        "# Paths (clean URLs)",
        "Disallow: /admin/",
        "Disallow: /comment/reply/",
        "Disallow: /filter/tips",
        "Disallow: /node/add/",
        "Disallow: /search/",
        "Disallow: /user/register",
        "Disallow: /user/password",
        "Disallow: /user/login",
        "Disallow: /user/logout",
        "# Paths (no clean URLs)",
        "Disallow: /index.php/admin/",
        "Disallow: /index.php/comment/reply/",
        "Disallow: /index.php/filter/tips",
        "Disallow: /index.php/node/add/",
        "Disallow: /index.php/search/",
        "Disallow: /index.php/user/password",
        "Disallow: /index.php/user/register",
        "Disallow: /index.php/user/login",
        "Disallow: /index.php/user/logout",
    ]
    return "\n".join(lines) + "\n"


def access_denied(base: str) -> str:
    return (
        page_open(
            base, title="Access denied", canonical="/", body_class="path-system", head_extra=""
        )
        + '<h1 class="page-title">Access denied</h1>\n<p>You are not authorized to access '
        "this page.</p>\n" + page_close()
    )
