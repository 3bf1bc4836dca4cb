"""The parser survives anything: it returns a page or raises ParseError, within a bounded
amount of work (counted, never timed: speed is ``make bench``'s business)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ParseError
from core.model import Article, Listing
from scraper.parse import parse_article, parse_listing, parse_page
from scraper.parse.decode import MAX_BLOCK_DEPTH
from scraper.parse.dom import MAX_ELEMENTS, MAX_SKIPPED_NODES, parse_page_tree

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


#: Hostile markup: what each input is, and the markup. Their speed is the benchmark's business
#: (``make bench``, row ``nesting``); here the work is bounded by counts.
PATHOLOGICAL = {
    "100 000 nested divs": "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000,
    "100 000 unclosed divs": "<div>" * 100_000 + "text",
    "100 000 nested spans": "<span>" * 100_000 + "deep" + "</span>" * 100_000,
    "50 000 nested sections": "<section><ul><li>" * 50_000,
    "100 000 unclosed paragraphs": "<p>para " * 100_000,
    "100 000 nested links": '<a href="/news/a-b-c">' * 100_000,
    "deep JSON-LD": '<script type="application/ld+json">' + "[" * 100_000 + "</script>",
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_markup_is_read_within_a_work_budget(name: str) -> None:
    """Deeply nested, unclosed or endless markup parses, and the reading does a bounded amount
    of work: at most MAX_ELEMENTS elements read (a text node between each two) and at most
    MAX_SKIPPED_NODES nodes looked through in what it skips."""
    data = PATHOLOGICAL[name].encode()
    assert survives(data) is not None
    page = parse_page_tree(data, URL)
    assert len(page.spans) <= MAX_ELEMENTS
    assert len(page.lines) <= MAX_ELEMENTS and len(page.links) <= MAX_ELEMENTS
    assert page.steps <= 2 * MAX_ELEMENTS + 1 + MAX_SKIPPED_NODES


def test_too_many_elements_are_not_read_and_say_so() -> None:
    """A page of 100 000 links is read up to MAX_ELEMENTS elements, with a warning naming the
    cut; the links read are the first ones, in order."""
    html = "".join(f'<a href="/news/item-number-{n}">item {n}</a>' for n in range(100_000))
    page = parse_page_tree(html.encode(), URL)
    assert MAX_ELEMENTS - 10 <= len(page.links) < MAX_ELEMENTS
    assert [link.text for link in page.links[:3]] == ["item 0", "item 1", "item 2"]
    assert any(f"more than {MAX_ELEMENTS:,} elements" in w for w in page.warnings)
    result = parse_page(html.encode(), URL)
    assert any("elements" in w for w in result.warnings)


def test_a_page_under_the_budget_is_read_whole() -> None:
    """The budget does not touch real pages: the largest fixture is read whole, no warning."""
    largest = max(FIXTURES, key=lambda p: p.stat().st_size)
    page = parse_page_tree(largest.read_bytes(), URL)
    assert page.steps < MAX_ELEMENTS
    assert not any("elements" in w for w in page.warnings)


def test_nested_divs_are_flattened_below_the_depth_limit() -> None:
    """100 000 nested divs are flattened to MAX_BLOCK_DEPTH levels before lexbor builds the
    tree (tree building is quadratic in depth), and the page says so."""
    page = parse_page_tree(PATHOLOGICAL["100 000 nested divs"].encode(), URL)
    assert len(page.spans) <= MAX_BLOCK_DEPTH + 10
    assert any("flattened" in w for w in page.warnings)
    assert [line.text for line in page.lines] == ["deep"]


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


def test_joiners_kept_inside_words() -> None:
    """Zero-width joiners and non-joiners inside a word are part of its spelling (Persian,
    Bengali, emoji sequences) and stay; a stray one between words or at a paragraph's edge goes
    (they all went before, gluing Persian words into misspellings)."""
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # an invented verb form
    family = "\U0001f469\u200d\U0001f467"
    html = (
        "<html><body><h1>Title of the joined article</h1>"
        f"<p>\u200cThe envoy wrote {persian} in her note {family} and left. \u200d</p>"
        "<p>A second paragraph of the article, long enough to be read as text.</p>"
        "</body></html>"
    ).encode()
    article = parse_article(html, URL)
    assert article.body[0] == f"The envoy wrote {persian} in her note {family} and left."


def test_a_link_styled_as_a_label_ends_where_it_ends() -> None:
    """A link the reading draws as a label (a "kicker" class) is closed with its element: the
    paragraphs after it are not counted as link text (they were, to the end of the page)."""
    html = (
        b'<html><body><a class="topic-kicker" href="/theme/diplomacy">Diplomacy</a>'
        b"<h1>A headline of some length</h1><p>The first paragraph of the article itself.</p>"
        b"<p>A second paragraph, with no link in it either.</p></body></html>"
    )
    page = parse_page_tree(html, URL)
    texts = {line.text: line for line in page.lines}
    assert texts["Diplomacy"].link_chars == len("Diplomacy")
    assert texts["The first paragraph of the article itself."].link_chars == 0
    assert texts["A second paragraph, with no link in it either."].link_chars == 0
