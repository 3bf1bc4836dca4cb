"""The parser's public API is pinned: changing it must be a decision, not an accident."""

from __future__ import annotations

import core.urls
import scraper.parse


def test_parse_exports() -> None:
    """scraper.parse exports exactly the documented functions."""
    assert sorted(scraper.parse.__all__) == [
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
    for name in scraper.parse.__all__:
        assert callable(getattr(scraper.parse, name))


def test_urls_exports() -> None:
    """core.urls exports the URL helpers the crawler and archive use."""
    assert sorted(core.urls.__all__) == [
        "SECTIONS",
        "SITE_ROOT",
        "absolutize",
        "canonical_link",
        "canonicalize",
        "is_same_site",
        "node_id_from_url",
        "section_of",
        "urljoin",
    ]


def test_guid_node_id() -> None:
    """A Drupal RSS guid carries the node id."""
    assert scraper.parse.node_id_from_guid("13348 at https://www.commonspace.eu") == 13348
    assert scraper.parse.node_id_from_guid("https://www.commonspace.eu/node/1") is None
