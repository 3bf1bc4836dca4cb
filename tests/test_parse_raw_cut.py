"""The fast road from bytes to a page (``load.py``): script and style texts are cut out before
lexbor parses it (``decode.cut_raw_text``) and the bytes go to lexbor unchecked. Nothing the
parser reads may change because of either."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.chrome import pad
from scraper.parse import dom, load
from scraper.parse.decode import RAW_MARK, cut_raw_text, plain_utf8

PAGES = Path(__file__).parent / "fixtures" / "pages"
URL = "https://www.commonspace.eu/news/a-b"
MARK = RAW_MARK.encode()


def reading(page: dom.Page) -> dict[str, object]:
    """Everything the parser takes from a Page, without lexbor's memory addresses."""
    return {
        "lines": [(x.text, x.tag, x.bold, x.heading, x.link_chars, x.chars) for x in page.lines],
        "links": [
            (a.href, a.text, a.line, a.heading, a.has_img, a.img_alt, len(a.path))
            for a in page.links
        ],
        "images": [(i.attrs, i.line, i.link) for i in page.images],
        "metadata": [(tag, attrs) for _, tag, attrs in page.metadata()],
        "hidden": [(at, node.tag) for at, node in page.hidden_roots],
        "elements": page.index.tags,
        "warnings": page.warnings,
        "encoding": page.encoding,
    }


def uncut(data: bytes, monkeypatch: pytest.MonkeyPatch) -> dom.Page:
    with monkeypatch.context() as patch:
        patch.setattr(load, "plain_utf8", lambda _data: None)
        return dom.Page(data, URL)


@pytest.mark.parametrize(
    ("html", "cut"),
    [
        (b"<script>var a = 1 < 2;</script><style>p{}</style>", 2),
        (b"<script src=x.js></script>", 0),  # nothing to cut
        (b'<script type="application/ld+json">{}</script>', 0),
        (b'<script type="Application/LD+JSON">{}</script>', 0),
        # the outer script is left (a "<!--" in it); the scan passes over what follows up to
        # "-->" as a comment, so the inner "<script" is not taken for a tag
        (b"<script><!-- document.write('<script>x</script>') --></script>", 0),
        (b"<!--[if lt IE 9]><script>shim()</script><![endif]--><script>a</script>", 1),
        (b"<!--> <script>a</script>", 1),  # "<!-->" is a whole (empty) comment
        (b"<!-- never closed <script>a</script>", 0),
        (b"<script>a</SCRIPT><script>b</script>", 2),  # the end tag in any case
        (b"<style>a</STYLE ><p>b</p><style>c</style>", 2),
        (b"<svg><script>a<b</script></svg>", 0),  # in SVG a script's text is markup
        (b"<svg><style>a</style></svg><style>b</style>", 1),  # after the SVG: cut
        (b"<SVG><script>a<b</script></SVG>", 1),  # (the parsed tree is checked for these)
        (b"<script>a</scripts></script>", 1),  # "</scripts>" is text
        (b"<script>" + b"a<b;" * 70 + b"</script>", 0),  # too many "<" to look at
        (b'<script data-x="a>b">c</script>', 0),  # the ">" of the tag is not the first one
        (b"<SCRIPT>a</SCRIPT>", 0),
        (b"<script/>a</script>", 1),  # as in a browser, "/>" does not close a script
    ],
)
def test_what_is_cut(html: bytes, cut: int) -> None:
    out, n = cut_raw_text(html)
    assert n == cut
    assert out.count(MARK) == cut
    assert (out == html) == (cut == 0)


def test_only_the_text_goes() -> None:
    out, n = cut_raw_text(b'<head><script async src="a.js">x()</script></head><p>y</p>')
    assert (out, n) == (b'<head><script async src="a.js">' + MARK + b"</script></head><p>y</p>", 1)


@pytest.mark.parametrize(
    "html",
    [
        b"<!-- <script>a</script> --><p>x</p>",  # a commented-out script
        b"<title>T <script>a</script></title><p>x</p>",
        b"<textarea><script>a</script></textarea><p>x</p>",
        b'<p title="<script>">a</script>"</p>',
        b"<iframe><style>a</style></iframe><p>x</p>",
        b"<svg><script>if (a<b) {}</script></svg><p>x</p>",  # text in SVG is markup: "<b"
        b"<math><style>x<p>y</style></math>",
        b"<script><!-- document.write('<script>x</script>') --></script><p>y</p>",
        b"<template><script>t()</script></template><p>x</p>",  # not in the document's tree
    ],
)
def test_a_script_that_was_none_means_reading_the_page_as_it_came(
    html: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cuts that did not land in a script or style element are found and undone."""
    page = dom.Page(html, URL)
    assert page.cut == 0
    assert reading(page) == reading(uncut(html, monkeypatch))


def test_a_script_in_a_comment_is_left_and_the_next_one_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What looks like a script inside a comment (an old IE conditional comment) is comment
    text and is not cut; the real script after it is, and the page reads as it would uncut
    (no second reading needed)."""
    html = b"<!-- <script> -->x<script>y</script><p>z</p>"
    page = dom.Page(html, URL)
    assert page.cut == 1 and page.fast
    assert reading(page) == reading(uncut(html, monkeypatch))


def test_pages_read_the_same_cut_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fixture page, as it is and padded with a real site's chrome (inline CSS, the
    settings JSON, a tag manager, an SVG sprite, a trailing script), reads the same with its
    scripts and styles cut as without."""
    cut_pages = 0
    for key, path in enumerate(sorted(PAGES.glob("*.html"))):
        data = path.read_bytes()
        try:
            padded = pad(data.decode("utf-8"), key).encode()
        except UnicodeDecodeError:
            padded = data
        for html in (data, padded):
            try:
                page = dom.Page(html, URL)
            except Exception:  # pages the parser rejects
                continue
            cut_pages += page.cut > 0
            assert reading(page) == reading(uncut(html, monkeypatch)), path.name
    assert cut_pages >= 25  # the fast path is taken


@pytest.mark.parametrize(
    "html",
    [
        b'<p>a</p><footer role="contentinfo"><script>w()</script></footer>',
        b'<nav><style>x{}</style><a href="/news/a">A</a></nav><p>b</p>',
        b'<div class="visually-hidden"><script>x()</script></div><p>c</p>',
        b"<noscript><style>p{}</style></noscript><p>d</p>",
    ],
)
def test_scripts_where_the_reading_does_not_go_keep_the_fast_path(
    html: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = dom.Page(html, URL)
    assert page.cut == html.count(b"</s")
    assert reading(page) == reading(uncut(html, monkeypatch))


def test_ordinary_page_takes_the_fast_path() -> None:
    html = (
        b"<html><head><style>body{margin:0}</style><script>window.x=1</script>"
        b'<script type="application/ld+json">{"headline": "H"}</script></head>'
        b"<body><p>Text.</p><script>track()</script></body></html>"
    )
    plain = plain_utf8(html)
    assert plain is not None and plain[1] == 3
    page = dom.Page(html, URL)
    assert page.cut == 3
    assert [tag for _, tag, _ in page.metadata()] == ["html", "script"]  # JSON-LD kept


TOKENS = st.sampled_from(
    [
        "<script>", "</script>", "<SCRIPT>", "</SCRIPT>", "<script src=a.js>", "<script/>",
        '<script type="application/ld+json">', "<style>", "</style>", "<STYLE>", "<style/>",
        "<svg>", "</svg>", "<svg/>", "<math>", "</math>", "<!--", "-->", "<!-- c -->",
        "<title>", "</title>", "<textarea>", "</textarea>", "<iframe>", "</iframe>",
        "<noscript>", "</noscript>", "<template>", "</template>", "<xmp>", "<plaintext>",
        '<p title="', '">', '"', "'", "<p>", "</p>", "<div>", "</div>", "<h1>", "</h1>",
        '<a href="/news/x">', "</a>", "<b>", "</b>", "<br>", "<head>", "</head>", "<body>",
        '<meta name="description" content="', '<link rel="canonical" href="/c">', "<table>",
        "<select>", "a<b", "x > y", "if (a < b) {}", "Words here.", " ", "\n", "</scri", "pt>",
        "<foreignObject>", "</foreignObject>", "<desc>", "<![CDATA[", "]]>", "<!x>", "<?x ",
        "</script >", "</script/", "<Script>", "</Style>", "<b<script>", "<scr", "ipt>",
        "<annotation-xml encoding='text/html'>", "<frameset>", "&lt;script&gt;",
    ]
)  # fmt: skip
#: whole elements with awkward text, so that many documents have something to cut
RAW_TEXT = st.lists(
    st.sampled_from(["x", "a<b", "<!--", "-->", "</SCRIPT>", "</style>", "<svg>", "<p>", "'", '"']),
    max_size=4,
).map("".join)
ELEMENTS = st.builds(
    "<{0}{1}>{2}</{0}>".format,
    st.sampled_from(["script", "style"]),
    st.sampled_from(["", " async", ' type="text/x-template"', ' title="a>b"', "/"]),
    RAW_TEXT,
)
PIECES = st.one_of(TOKENS, ELEMENTS)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40))
def test_random_markup_reads_the_same_cut_or_not(tokens: list[str]) -> None:
    data = "".join(tokens).encode()
    if not data.strip():
        return
    with pytest.MonkeyPatch.context() as patch:
        fast = dom.Page(data, URL)
        patch.setattr(load, "plain_utf8", lambda _data: None)
        slow = dom.Page(data, URL)
    assert reading(fast) == reading(slow)


def test_a_padded_page_loses_most_of_its_bytes_before_lexbor() -> None:
    html = pad(sorted(PAGES.glob("drupal_*.html"))[0].read_text("utf-8"), 11).encode()
    out, n = cut_raw_text(html)
    assert n >= 4  # the CSS, the settings JSON and two scripts; not the SVG sprite
    assert len(out) < len(html) * 0.7


def test_unreadable_bytes_in_the_text_mean_the_careful_road(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    html = b"<html><body><p>Bad \x80\x85 bytes</p><script>x()</script></body></html>"
    page = dom.Page(html, URL)
    assert not page.fast
    assert page.warnings == ["bytes that are not valid UTF-8 were replaced with U+FFFD"]
    assert reading(page) == reading(uncut(html, monkeypatch))


def test_unreadable_bytes_in_metadata_mean_the_careful_road() -> None:
    html = b'<html><head><meta name="description" content="a \x80 b"></head><p>x</p></html>'
    page = dom.Page(html, URL)
    assert not page.fast and page.warnings


def test_unreadable_bytes_where_nothing_is_read_change_nothing() -> None:
    """Decided: bytes that are not UTF-8 in markup the parser never reads (navigation, script
    text) neither slow the page down nor add a warning."""
    html = "<nav><a href='/a'>\xff</a></nav><p>Café “quoted”.</p><script>'\xfe'</script>"
    page = dom.Page(html.encode("utf-8").replace(b"\xc3\xbf", b"\xff"), URL)
    assert page.fast and not page.warnings
    assert [line.text for line in page.lines] == ["Café “quoted”."]


def test_a_replacement_character_the_page_really_has_is_kept() -> None:
    page = dom.Page("<p>A \ufffd sign.</p><script>x()</script>".encode(), URL)
    assert page.fast and page.cut == 1 and not page.warnings
    assert page.lines[0].text == "A \ufffd sign."
