"""The parser: page bytes in, frozen dataclasses out. Pure functions, no I/O.

    parse_page(html, url)     an Article (kind "article" / "live_blog") or a Listing
    parse_served(html, url)   the same, but an article URL that served a listing is a
                              SoftNotFound (kind "soft404"), as the crawler judges it
    parse_article(html, url)  an article page, whatever it looks like
    parse_listing(html, url)  a listing page (region, theme, Voices, archive, front page)
    parse_feed(xml, url)      an RSS 2.0 feed as a Listing
    declared_url(html, base)  the URL a saved page names for itself (canonical link, og:url)

Every field is read from several kinds of evidence in order of trust (see ``evidence.py``);
``Article.evidence`` names the one used and ``warnings`` the fields no evidence gave. Input that
is not a page at all (empty, binary, not an absolute URL) raises :class:`ParseError`; nothing
else is raised.
"""

from scraper.parse.article import parse_article
from scraper.parse.context import declared_url
from scraper.parse.dates import parse_date
from scraper.parse.dispatch import page_kind, parse_page, parse_served
from scraper.parse.feed import node_id_from_guid, parse_feed
from scraper.parse.listing import parse_listing
from scraper.parse.source import parse_photo_line, parse_source_line

__all__ = [
    "declared_url",
    "node_id_from_guid",
    "page_kind",
    "parse_article",
    "parse_date",
    "parse_feed",
    "parse_listing",
    "parse_page",
    "parse_photo_line",
    "parse_served",
    "parse_source_line",
]
