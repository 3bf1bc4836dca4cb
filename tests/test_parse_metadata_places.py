"""Where the field layers look for metadata: what a reader sees, hidden blocks and <head>,
but not decoration (``aria-hidden``) or navigation; and the walk that gathers the metadata
elements against lexbor's query for them."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.chrome import pad
from core.errors import ParseError
from scraper.parse import dom, parse_article
from scraper.parse.load import read_metadata

URL = "https://www.commonspace.eu/news/a-b-c"
BODY = "<p>" + "Words of the article that make a paragraph long enough to count. " * 3 + "</p>"


def _page(meta_block: str) -> bytes:
    return (
        "<html lang=en><head><title>T</title></head><body><main><article>"
        f"<h1>A title of the article</h1>{meta_block}{BODY}</article></main></body></html>"
    ).encode()


def test_rdfa_date_in_a_visually_hidden_block_counts() -> None:
    """Drupal keeps a node's author and date in a visually hidden block."""
    html = _page(
        '<div class="node__meta visually-hidden">'
        '<span property="schema:dateCreated" content="2021-07-14T07:12:45+00:00"></span></div>'
    )
    article = parse_article(html, URL)
    assert article.published == "2021-07-14T07:12:45+00:00"
    assert article.evidence["published"] == "rdfa"


def test_rdfa_date_in_decoration_or_navigation_does_not_count() -> None:
    for block in (
        '<div aria-hidden="true"><span property="schema:dateCreated" '
        'content="2021-07-14T07:12:45+00:00"></span></div>',
        '<nav><span property="schema:dateCreated" '
        'content="2021-07-14T07:12:45+00:00"></span></nav>',
    ):
        article = parse_article(_page(block), URL)
        assert article.published is None, block
        assert "no published date found" in article.warnings


# -- the walk gathers the metadata elements; lexbor's query is the reference -------------------

PAGES = Path(__file__).parent / "fixtures" / "pages"


def _both(html: bytes) -> tuple[list[object], list[object]]:
    page = dom.Page(html, URL)
    walked = [(node.mem_id, tag, attrs) for node, tag, attrs in page.metadata()]
    queried = [(node.mem_id, tag, attrs) for node, tag, attrs in read_metadata(page.tree)]
    return walked, queried


def test_the_walk_finds_the_metadata_lexbor_finds_on_every_fixture_page() -> None:
    checked = 0
    for key, path in enumerate(sorted(PAGES.glob("*.html"))):
        data = path.read_bytes()
        variants = [data]
        if path.stem != "broken_bytes_no_charset":
            variants.append(pad(data.decode("utf-8", "replace"), key).encode())
        for html in variants:
            try:
                walked, queried = _both(html)
            except ParseError:
                continue
            assert walked == queried, path.name
            checked += bool(queried)
    assert checked >= 40


META_TOKENS = st.sampled_from(
    [
        "<head>", "</head>", "<body>", '<meta name="a" content="b">', "<meta charset=utf-8>",
        '<link rel="canonical" href="/c">', "<link rel=icon>", '<link href="/x">',
        '<script type="application/ld+json">{}</script>', '<script type="APPLICATION/LD+JSON">',
        "</script>", "<script>x()</script>", '<base href="/">', "<base>", "<nav>", "</nav>",
        '<div class="visually-hidden">', '<div aria-hidden="true">', "</div>", "<svg>",
        "</svg>", "<noscript>", "</noscript>", "<template>", "</template>", "<title>",
        "</title>", "<p>", "text", "<html lang=en>", "<select>", "<button>",
        '<footer role=contentinfo>',
        "<!-- <meta name=c> -->", "<textarea>", "</textarea>", "<span hidden>", "</span>",
        "<math>", "<foreignObject>", '<LINK REL=a HREF=b>', "<object>", "</object>", "<table>",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(META_TOKENS, max_size=30))
def test_the_walk_finds_the_metadata_lexbor_finds_in_any_markup(tokens: list[str]) -> None:
    walked, queried = _both("".join(tokens).encode() or b"<p>x</p>")
    assert walked == queried
