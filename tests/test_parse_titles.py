"""Titles from metadata and the article's heading together (``scraper/parse/titles.py``)."""

from __future__ import annotations

from scraper.parse import parse_article
from scraper.parse.titles import choose, one_headline, shown_part, unescape

URL = "https://news.example.org/2024/05/harbour-cranes-return"
SENTENCE = "The harbour cranes came back to the quay on a grey morning."
BODY = "<p>" + " ".join([SENTENCE] * 4) + "</p>"


def page(head: str, body: str) -> bytes:
    return f"<html><head>{head}</head><body>{body}{BODY}</body></html>".encode()


def test_entities_in_metadata_titles_are_decoded() -> None:
    """JSON-LD and og: titles keep HTML entities on some sites; they come out decoded, also
    when escaped twice."""
    assert unescape("Harbour cranes don&#8217;t wait") == "Harbour cranes don’t wait"
    assert unescape("Tea &amp;amp; biscuits") == "Tea & biscuits"
    assert unescape("Fish & chips") == "Fish & chips"
    html = page(
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Cranes don&#8217;t wait &raquo; for tides"}</script>',
        "<h1>Cranes don’t wait » for tides</h1>",
    )
    assert parse_article(html, URL).title == "Cranes don’t wait » for tides"


def test_the_heading_wins_over_a_title_carrying_the_site_name() -> None:
    """og:title "Headline | Site" and an <h1> "Headline": the title as published, from the h1."""
    html = page(
        '<meta property="og:title" content="The cranes return | Harbour Weekly Online">',
        "<h1>The cranes return</h1>",
    )
    article = parse_article(html, URL)
    assert article.title == "The cranes return"
    assert article.evidence["title"] in ("h1", "meta")


def test_a_logo_heading_is_not_the_title() -> None:
    """An <h1> that is the site's name linking home is passed over for the article's own
    heading; a heading sharing no word with the metadata title does not beat it either."""
    html = page(
        '<meta property="og:title" content="Night shifts at the container port">',
        '<h1><a href="https://news.example.org/">Harbour Weekly</a></h1>'
        "<h2>Sections</h2><h1>Night shifts at the container port</h1>",
    )
    assert parse_article(html, URL).title == "Night shifts at the container port"
    assert choose([("meta", "Night shifts at the port")], "Harbour Weekly") == (
        "meta",
        "Night shifts at the port",
    )


def test_one_headline_and_shown_parts() -> None:
    """Typography, a site-name part or most words shared make one headline; a title's part
    that the page shows as a heading is the headline."""
    assert one_headline("Cranes don't wait", "Cranes don’t wait")
    assert one_headline("Cranes return", "Cranes return – Harbour Weekly")
    assert not one_headline("Harbour Weekly", "Night shifts at the container port")
    headings = {"night shifts at the container port"}
    assert shown_part("Harbour Weekly » Night shifts at the container port", headings) == (
        "Night shifts at the container port"
    )
    assert shown_part("No separator here", headings) == "No separator here"
