"""`scrape parse`: a saved page to JSON, judged as the crawler judges it (soft 404s)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from core.model import Article, Listing, SoftNotFound
from scraper.parse import parse_served

PAGES = Path(__file__).parent / "fixtures" / "pages"
FRONT = PAGES / "soft404_frontpage.html"
ARTICLE_URL = "https://www.commonspace.eu/news/an-article-that-is-gone"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def test_a_listing_at_an_article_url_is_a_soft_404() -> None:
    """--url of an article and a listing page: kind soft404, the listing kept inside, exit 1
    (as `scrape article` exits for a soft 404)."""
    code, out = run("parse", str(FRONT), "--url", ARTICLE_URL)
    assert code == 1
    doc = json.loads(out)
    assert doc["kind"] == "soft404" and doc["url"] == ARTICLE_URL
    assert doc["listing"]["kind"] == "listing" and doc["listing"]["items"]


def test_a_listing_at_a_listing_url_is_a_listing() -> None:
    """The same page at the front page's URL is the listing it is, exit 0."""
    code, out = run("parse", str(FRONT), "--url", "https://www.commonspace.eu/")
    assert code == 0
    assert json.loads(out)["kind"] == "listing"


def test_parse_served_keeps_articles_and_listings() -> None:
    """The library function the command calls: a SoftNotFound only for an article URL."""
    front = FRONT.read_bytes()
    assert isinstance(parse_served(front, ARTICLE_URL), SoftNotFound)
    assert isinstance(parse_served(front, "https://www.commonspace.eu/region/russia"), Listing)
    article = (PAGES / "drupal_news_seedlike.html").read_bytes()
    assert isinstance(parse_served(article, ARTICLE_URL), Article)
