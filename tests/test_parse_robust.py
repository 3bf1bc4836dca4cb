"""The parser survives anything: it returns a page or raises ParseError, quickly."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ParseError
from core.model import Article, Listing
from scraper.parse import parse_article, parse_listing, parse_page
from scraper.parse.dom import parse_page_tree

URL = "https://www.commonspace.eu/news/some-article-slug"
PAGES = Path(__file__).parent / "fixtures" / "pages"
FIXTURES = sorted(PAGES.glob("*.html"))
ROBUST = settings(
    max_examples=int(os.environ.get("PARSE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def survives(data: bytes) -> Article | Listing | None:
    """parse_page's result, or None when it raised ParseError (the only error allowed)."""
    try:
        return parse_page(data, URL)
    except ParseError as exc:
        assert "\n" not in str(exc)
        return None


@ROBUST
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    """Arbitrary bytes give a page or a ParseError, never another exception."""
    survives(data)


TAGS = ["div", "p", "span", "a", "h1", "h2", "li", "ul", "b", "br", "article", "main", "img"]
token = st.one_of(
    st.sampled_from([f"<{t}>" for t in TAGS] + [f"</{t}>" for t in TAGS]),
    st.sampled_from(
        [
            '<a href="/news/a-b-c">',
            '<a href="javascript:void(0)">',
            '<a href="http://[::1">',
            '<a href="http://x:99999/">',
            "<img src=data:,>",
            "source: with agencies",
            "Related articles",
            "Popular",
            "Editor's choice",
            '"quoted words here," he said.',
            "“open quote",
            "16.30 GMT: entry",
            "Fri, 06/09/2023 - 11:21",
            '<meta charset="x-unknown">',
            '<link rel="canonical" href="//evil.example/">',
            '<script type="application/ld+json">[[[[</script>',
        ]
    ),
    st.text(max_size=20),
)


@ROBUST
@given(st.lists(token, max_size=80))
def test_random_markup(tokens: list[str]) -> None:
    """Tag soup built from the site's own vocabulary never breaks the parser."""
    result = survives("".join(tokens).encode("utf-8", "surrogatepass"))
    assert result is None or isinstance(result, Article | Listing)


@ROBUST
@given(st.sampled_from(FIXTURES), st.floats(0, 1))
def test_truncated_fixture_pages(page: Path, fraction: float) -> None:
    """A fixture cut off anywhere (a truncated download) still parses or raises ParseError."""
    data = page.read_bytes()
    survives(data[: int(len(data) * fraction)])


@ROBUST
@given(st.sampled_from(FIXTURES), st.sampled_from(["cp1251", "latin-1", "utf-16", "cp1252"]))
def test_other_encodings(page: Path, encoding: str) -> None:
    """Pages re-encoded in other charsets (with or without a BOM) never break the parser."""
    text = page.read_bytes().decode("utf-8", "replace")
    survives(text.encode(encoding, "replace"))


@pytest.mark.parametrize(
    ("name", "html"),
    [
        ("100 000 nested divs", "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000),
        ("100 000 unclosed divs", "<div>" * 100_000 + "text"),
        ("100 000 nested spans", "<span>" * 100_000 + "deep" + "</span>" * 100_000),
        ("50 000 nested sections", "<section><ul><li>" * 50_000),
        ("100 000 unclosed paragraphs", "<p>para " * 100_000),
        ("100 000 nested links", '<a href="/news/a-b-c">' * 100_000),
        ("deep JSON-LD", '<script type="application/ld+json">' + "[" * 100_000 + "</script>"),
    ],
)
def test_pathological_nesting_finishes_quickly(name: str, html: str) -> None:
    """Deeply nested or unclosed markup is parsed (and flattened if needed) in well under 2 s."""
    start = time.perf_counter()
    result = survives(html.encode())
    assert time.perf_counter() - start < 2.0, name
    assert result is not None


def test_huge_input_is_truncated_with_a_warning() -> None:
    """Input beyond 20 MB is cut, parsed, and the cut is named in the warnings."""
    data = b"<html><body><h1>Big</h1>" + b"<p>" + b"word " * 4_300_000 + b"</p></body></html>"
    result = parse_page(data, URL)
    assert any("truncated" in w for w in result.warnings)


@pytest.mark.parametrize("data", [b"\xff\xfe<\x00p\x00>\x00", b"\xef\xbb\xbf<p>BOM</p>"])
def test_byte_order_marks(data: bytes) -> None:
    """UTF-16 and UTF-8 byte-order marks decide the encoding."""
    result = parse_article(data, URL)
    assert isinstance(result, Article)


def test_windows_1251_without_declaration() -> None:
    """Undeclared windows-1251 bytes are recognised as Cyrillic, not replaced."""
    text = "<h1>Новости</h1><p>Армения и Грузия открывают новый мост через реку Дебед.</p>"
    article = parse_article(text.encode("cp1251"), URL)
    assert article.title == "Новости"
    assert article.language == "ru"


def test_listing_parser_survives_an_article() -> None:
    """parse_listing on non-listing input returns an empty listing with a warning."""
    listing = parse_listing(b"<p>just a paragraph</p>", URL)
    assert listing.items == () and listing.warnings


def test_a_100kb_article_is_read_whole() -> None:
    """A ~100 KB article (a paragraph repeated 360 times) comes out with every paragraph. (How
    fast is the benchmark's business: ``make bench``, row ``parse``; not a timed test.)"""
    page = (PAGES / "drupal_news_seedlike.html").read_text(encoding="utf-8")
    marker = "<p>The agreement follows"
    para = page[page.index(marker) : page.index("</p>", page.index(marker)) + 4]
    data = page.replace(para, para * 360).encode()
    assert len(data) > 90_000
    once = parse_article(page.encode(), URL)
    whole = parse_article(data, URL)
    repeated = para.removeprefix("<p>").removesuffix("</p>")
    assert sum(1 for text in once.body if text.startswith(repeated[:20])) == 1
    assert sum(1 for text in whole.body if text.startswith(repeated[:20])) == 360
    assert whole.title == once.title and whole.source == once.source


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff\u00ad", " \u2060 "])
def test_element_of_invisible_characters_at_the_end(invisible: str) -> None:
    """An element holding only invisible characters makes no line, so no element's span reaches
    past the last line (it used to, and the body search then raised IndexError)."""
    html = (
        "<html><body><h1>Title of the article</h1><p>Some text of the article.</p>"
        f'<span class="field--name-body">{invisible}</span></body></html>'
    ).encode()
    result = survives(html)
    assert result is not None
    page = parse_page_tree(html, "https://www.commonspace.eu/news/a-b-c")
    assert all(end <= len(page.lines) for _, end, *_ in page.spans.values())
