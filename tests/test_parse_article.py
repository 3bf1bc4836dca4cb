"""Article pages: the seed's structure, body boundaries, evidence and page kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ParseError
from core.model import Article, Listing, Outlet, Photo
from scraper.parse import parse_article, parse_listing, parse_page

PAGES = Path(__file__).parent / "fixtures" / "pages"
SEEDLIKE = PAGES / "drupal_news_seedlike.html"
SEEDLIKE_URL = (
    "https://www.commonspace.eu/news/kazakhstan-and-uzbekistan-agree-joint-plan-syr-darya-waters"
)


def seedlike() -> Article:
    return parse_article(SEEDLIKE.read_bytes(), SEEDLIKE_URL)


def test_seedlike_source_line() -> None:
    """The seed's source line: commonspace.eu, two Moscow outlets, and agencies."""
    source = seedlike().source
    assert source is not None
    assert source.outlets == (
        Outlet("commonspace.eu"),
        Outlet("Nezavisimaya Gazeta", "Moscow"),
        Outlet("TASS", "Moscow"),
    )
    assert source.agencies is True


def test_seedlike_blocks_stay_out_of_the_body() -> None:
    """Related and Popular items are read as teasers, and none of their text is in the body."""
    article = seedlike()
    assert [(t.type, t.editors_choice) for t in article.related] == [("News", True)]
    assert [(t.type, t.editors_choice) for t in article.popular] == [("Interview", True)]
    body = "\n".join(article.body)
    for item in (*article.related, *article.popular):
        assert item.title not in body
        assert item.teaser is not None and item.teaser[:40] not in body
    for furniture in ("Related articles", "Popular", "Editor's choice", "newsletter", "Share"):
        assert furniture not in body
    assert not any(p.startswith("source:") for p in article.body)


def test_seedlike_quotes_follow_the_expert() -> None:
    """The expert's later quotes ("…," the expert added) resolve to the expert named before."""
    speakers = [q.speaker for q in seedlike().quotes]
    assert speakers == ["Dmitry Orlov"] * 3


def test_related_block_does_not_change_content_hash() -> None:
    """A different "Related articles" block is not a change to the article."""
    html = SEEDLIKE.read_bytes()
    changed = html.replace(b"Ferry link between Baku", b"Bus link between Baku")
    first, second = seedlike(), parse_article(changed, SEEDLIKE_URL)
    assert first.related != second.related
    assert first.content_hash == second.content_hash


def test_listing_type_is_the_last_resort_for_type() -> None:
    """With no label on the page, the listing's label is used and says so in evidence."""
    page = (PAGES / "legacy_2016_news.html").read_bytes()
    url = "http://www.commonspace.eu/index.php?m=23&news_id=4411"
    article = parse_article(page, url, listing_type="News")
    assert (article.type, article.evidence["type"]) == ("News", "listing")
    bare = parse_article(page, url)
    assert bare.type is None and "no type label found" in bare.warnings


def test_every_fixture_body_is_free_of_blocks() -> None:
    """In every article fixture, no teaser title or block heading leaks into the body."""
    for path in sorted(PAGES.glob("*.html")):
        result = parse_page(path.read_bytes(), "https://www.commonspace.eu/news/fixture-page-x")
        if not isinstance(result, Article):
            continue
        body = "\n".join(result.body)
        for item in (*result.related, *result.popular):
            assert item.title not in body, path.name
        assert "Related articles" not in body, path.name


def test_parse_page_tells_listings_from_articles() -> None:
    """Region listings and a front page at an article URL are listings; articles are not."""
    front = (PAGES / "soft404_frontpage.html").read_bytes()
    assert isinstance(parse_page(front, "https://www.commonspace.eu/news/gone"), Listing)
    region = (PAGES / "listing_region_current.html").read_bytes()
    assert isinstance(
        parse_page(region, "https://www.commonspace.eu/region/south-caucasus"), Listing
    )
    assert isinstance(parse_page(SEEDLIKE.read_bytes(), SEEDLIKE_URL), Article)


def test_parse_listing_on_an_article_page_finds_its_blocks_only() -> None:
    """parse_listing on an article gives no items from Related/Popular, and says so."""
    listing = parse_listing(SEEDLIKE.read_bytes(), SEEDLIKE_URL)
    assert listing.items == ()
    assert "no listing items found" in listing.warnings


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\x1f\x8b\x08\x00\x00\x00", "gzip"),
        (b"abc\x00\x00\x00def", "binary"),
    ],
)
def test_not_a_page_is_a_parse_error(data: bytes, message: str) -> None:
    """Empty and binary bodies raise ParseError with a one-line message naming the URL."""
    with pytest.raises(ParseError) as info:
        parse_page(data, "https://www.commonspace.eu/news/x")
    text = str(info.value)
    assert message in text and "\n" not in text and "commonspace.eu/news/x" in text


def test_relative_url_is_a_parse_error() -> None:
    """The page URL must be absolute: it is what links resolve against."""
    with pytest.raises(ParseError):
        parse_page(SEEDLIKE.read_bytes(), "/news/x")


def test_evidence_names_only_known_layers() -> None:
    """Evidence values come from the documented vocabulary."""
    layers = {
        "rdfa", "jsonld", "meta", "canonical", "shortlink", "html-lang", "drupal-field",
        "drupal-attr", "drupal-class", "markup-class", "markup", "h1", "heading", "title-tag",
        "visible-text", "text", "lede", "url", "listing", "taxonomy-link", "generic",
    }  # fmt: skip
    for path in sorted(PAGES.glob("*.html")):
        result = parse_page(path.read_bytes(), "https://www.commonspace.eu/news/fixture-page-x")
        if isinstance(result, Article):
            assert set(result.evidence.values()) <= layers, path.name


def drupal_page(node: str, after: str = "") -> bytes:
    """A minimal Drupal full-node page around ``node`` (the article element's inside)."""
    return (
        '<html lang="en"><head><link rel="shortlink" href="/node/77"></head><body>'
        '<nav><a href="/region/global">Global</a></nav><main>'
        '<h1><span class="field field--name-title">Ferries return to the Caspian</span></h1>'
        f'<article class="node node--view-mode-full" data-history-node-id="77">{node}</article>'
        f"{after}</main><footer><p>© 2025 LINKS Europe</p></footer></body></html>"
    ).encode()


BODY = (
    '<div class="field field--name-body"><p>Ferries between Baku and Aktau run again after a '
    "winter pause, the operator said on Monday.</p><p>Timetables will be published weekly "
    "from now on, and tickets can be bought in both ports.</p></div>"
)


def test_lede_field_is_not_repeated_in_the_body() -> None:
    """A lead field that the body repeats as its first paragraph appears once, as the lede."""
    lede = (
        "Ferries between Baku and Aktau run again after a winter pause, "
        "the operator said on Monday."
    )
    html = drupal_page(f'<div class="field field--name-field-lead"><p>{lede}</p></div>{BODY}')
    article = parse_article(html, "https://www.commonspace.eu/news/ferries-return")
    assert article.lede == lede and article.evidence["lede"] == "drupal-field"
    assert article.body == (
        "Timetables will be published weekly from now on, and tickets can be bought in both ports.",
    )


def test_source_and_photo_in_fields_after_the_body() -> None:
    """source:/photo: lines outside the body field are still read, and never become body."""
    html = drupal_page(
        BODY + '<div class="field field--name-field-source">SOURCE: commonspace.eu with '
        "agencies<br>PHOTO: The ferry at Aktau; port authority</div>"
    )
    article = parse_article(html, "https://www.commonspace.eu/news/ferries-return")
    assert article.source is not None and article.source.agencies
    assert article.photo == Photo("The ferry at Aktau", "port authority")
    assert len(article.body) == 2


def test_flags_share_buttons_and_read_more_are_not_body() -> None:
    """A flag above the text, share buttons and "Read more" stay out of the body."""
    html = drupal_page(
        '<div class="flag">Editor\'s choice</div>' + BODY + '<div class="share">'
        '<a href="https://x.com/s">Share on X</a></div><p><a href="/news/other-story-here">'
        "Read more</a></p>"
    )
    article = parse_article(html, "https://www.commonspace.eu/news/ferries-return")
    assert len(article.body) == 2
    assert article.node_id == 77 and article.evidence["node_id"] == "shortlink"


def test_br_lines_and_lists_become_paragraphs() -> None:
    """<br>-separated lines and list items are paragraphs; a mid-sentence <br> is joined."""
    html = drupal_page(
        '<div class="field field--name-body"><p>First line of the text.<br>Second line of '
        "the<br>\ntext and its end.</p><ul><li>one item</li><li>another item</li></ul>"
        "<p>&nbsp;</p><p><span><span>\u00a0</span></span></p></div>"
    )
    article = parse_article(html, "https://www.commonspace.eu/news/ferries-return")
    assert article.body == (
        "First line of the text.",
        "Second line of the text and its end.",
        "one item",
        "another item",
    )
