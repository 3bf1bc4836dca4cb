"""Everything read once from a page and shared by the article and listing parsers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import ParseError, UsageError
from core.urls import absolutize, canonical_link, canonicalize, is_same_site
from scraper.parse.blocks import TeaserReader
from scraper.parse.density import line_worth
from scraper.parse.dom import Page, parse_page_tree
from scraper.parse.evidence import Meta, read_meta
from scraper.parse.layout import Layout
from scraper.parse.markup import norm

_SITE_SUFFIX = re.compile(r"\s*[|–—-]\s*common\s*space(?:\.eu)?\s*$", re.I)
_SITE_PREFIX = re.compile(r"^\s*common\s*space(?:\.eu)?\s*[|–—:-]\s*", re.I)


@dataclass
class Context:
    page: Page
    meta: Meta
    raw_url: str  # the URL the page was fetched from, as given
    url: str  # the same, canonicalized
    base: str  # what relative links resolve against
    canonical: str | None  # <link rel=canonical>, absolute and canonical, same site only
    layout: Layout
    teasers: TeaserReader
    warnings: list[str]
    _sums: tuple[list[int], list[int]] | None = None

    def sums(self) -> tuple[list[int], list[int]]:
        """Prefix sums of the lines' worth and prose under the layout's mask
        (``density.line_worth``), worked out on first use."""
        if self._sums is None:
            self._sums = line_worth(self.page, self.layout.excluded_lines())
        return self._sums


def declared_url(html: bytes, base: str) -> str | None:
    """The URL a saved page names for itself — ``<link rel=canonical>``, ``og:url`` or the
    shortlink, resolved against ``base`` — or None. ``scrape parse FILE`` reads a page given
    without ``--url`` as served there."""
    try:
        meta = read_meta(parse_page_tree(html, base))
    except ParseError:
        return None
    for raw in (meta.rel("canonical"), meta.first("og:url"), meta.rel("shortlink")):
        link = canonical_link(raw, base) if raw else None
        if link:
            return link
    return None


def build_context(html: bytes, url: str) -> Context:
    """Parse ``html`` fetched from ``url``; ParseError for input that is not a page."""
    try:
        fetched = canonicalize(url)
    except UsageError as exc:
        raise ParseError(url, f"cannot parse a page without an absolute URL ({exc})") from exc
    page = parse_page_tree(html, url)
    meta = read_meta(page)
    warnings = [*page.warnings, *meta.warnings]
    base = url
    base_node = meta.base
    if base_node is not None:
        base = absolutize(base_node.attributes.get("href"), url) or url
    canonical = None
    raw = meta.rel("canonical")
    if raw:
        link = canonical_link(raw, base)
        if link and is_same_site(link, fetched):
            canonical = link
        else:
            warnings.append("rel=canonical points off the site or is not a URL; ignored")
    self_urls = {fetched}
    if canonical:
        self_urls.add(canonical)
    for extra in (meta.first("og:url"), meta.rel("shortlink")):
        link = canonical_link(extra, base) if extra else None
        if link:
            self_urls.add(link)
    layout = Layout(page, fetched, base, self_urls)
    return Context(
        page, meta, url, fetched, base, canonical, layout, TeaserReader(page, layout), warnings
    )


def strip_site_name(title: str | None, site_name: str | None = None) -> str | None:
    """A ``<title>`` / ``og:title`` without the " | commonspace.eu" suffix; None if nothing left."""
    if not title:
        return None
    text = _SITE_PREFIX.sub("", _SITE_SUFFIX.sub("", norm(title)))
    if site_name:
        for sep in (" | ", " - ", " – ", " — "):
            suffix = sep + site_name
            if text.lower().endswith(suffix.lower()):
                text = text[: -len(suffix)]
    text = text.strip()
    if not text or text.lower().replace(" ", "") in ("commonspace.eu", "commonspace"):
        return None
    return text
