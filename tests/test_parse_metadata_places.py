"""Where the field layers look for metadata: what a reader sees, hidden blocks and <head>,
but not decoration (``aria-hidden``) or navigation."""

from __future__ import annotations

from scraper.parse import parse_article

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
