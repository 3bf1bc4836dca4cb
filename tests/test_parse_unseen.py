"""The body of an article in markup the parser has not seen survives whatever is put around it
and inside it: inline Related and newsletter boxes, stop lines, share bars, navigation, photo
credits. The failure classes of real pages each have a golden fixture too
(``fixtures/pages/unseen_*.html``, invented pages of an invented site)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.model import Article
from scraper.parse import parse_page

URL = "https://www.valleycourier.example/news/2024/04/02/the-ferry-gets-a-second-deck"
TITLE = "The ferry gets a second deck"
BODY = (
    "The old car ferry between the two banks of the bay will be lengthened this summer and "
    "given a second deck, the harbour board said on Tuesday.",
    "Work will take eight weeks at the yard in Eastgate, during which a smaller boat borrowed "
    "from the lake service will carry foot passengers and bicycles only.",
    "The board says the longer ferry will take forty cars instead of twenty-six, which should "
    "end the queues that stretch up the hill on summer weekends.",
    "Drivers of lorries will still have to use the road round the bay, because the ramps at "
    "the village landing cannot take more than seven tonnes.",
    "The first crossing with the new deck is planned for the last week of August, in time for "
    "the regatta and the wine market.",
)
#: What can be put between the paragraphs, before them or after them: each its own kind.
BOXES = {
    "related": (
        '<div class="related-links"><h3>Related</h3><ul>'
        '<li><a href="/news/2024/03/02/ferry-fares-stay-the-same">Ferry fares stay the same'
        "</a></li>"
        '<li><a href="/news/2024/02/21/new-landing-for-the-village">New landing for the village</a>'
        "</li></ul></div>"
    ),
    "newsletter": (
        '<div class="newsletter-signup"><h3>Sign up for our newsletter</h3>'
        "<p>The week in the valley, in your inbox every Friday morning.</p></div>"
    ),
    "share": (
        '<div class="share-bar"><a href="https://social.example/share?u=x">Share on Facebook</a>'
        ' <a href="#comments">Comments</a></div>'
    ),
    "stop": "<p>SUBSCRIBE</p>",
    "comments": "<p>Leave a comment</p>",
    "popular": (
        '<div class="box"><h4>Most Popular</h4><ul><li><a href="/news/2024/03/30/'
        'the-bridge-reopens-at-last">The bridge reopens at last</a></li></ul></div>'
    ),
    "nav": (
        '<nav><a href="/news">News</a> <a href="/sport">Sport</a> '
        '<a href="/culture">Culture</a></nav>'
    ),
    "credit": "<p>Photo: Harbour Board</p>",
    "aside": (
        '<aside class="rail"><h3>Most read</h3><ul><li><a href="/news/2024/03/29/'
        'swans-return-to-the-mill-pond">Swans return to the mill pond</a></li></ul></aside>'
    ),
}
UNSEEN = settings(
    max_examples=int(os.environ.get("PARSE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
#: boxes at each of the len(BODY) + 1 places between, before and after the paragraphs
places = st.lists(
    st.lists(st.sampled_from(sorted(BOXES)), max_size=3),
    min_size=len(BODY) + 1,
    max_size=len(BODY) + 1,
)


def build(inside: list[list[str]], around: list[str], wrapper: str) -> bytes:
    """The page: site chrome, the headline, then the paragraphs inside ``wrapper`` with
    ``inside[k]`` boxes before paragraph k (the last after them all), ``around`` boxes
    between the headline and the wrapper."""
    parts: list[str] = []
    for k, boxes in enumerate(inside):
        parts += [BOXES[b] for b in boxes]
        if k < len(BODY):
            parts.append(f"<p>{BODY[k]}</p>")
    body = "\n".join(parts)
    before = "".join(BOXES[b] for b in around)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{TITLE} | The Valley Courier</title></head><body>"
        '<header class="site-header"><a class="logo" href="/">The Valley Courier</a>'
        '<nav><a href="/news">News</a> <a href="/business">Business</a></nav></header>'
        f'<main><article><h1>{TITLE}</h1>{before}<div class="{wrapper}">\n{body}\n</div>'
        "</article></main>"
        "<footer><p>© 2024 Valley Media Cooperative. All rights reserved.</p></footer>"
        "</body></html>"
    ).encode()


@UNSEEN
@given(
    places,
    st.lists(st.sampled_from(sorted(BOXES)), max_size=4),
    st.sampled_from(["entry-content", "story-text", "x9 c2"]),
)
def test_the_body_survives_boxes_stop_lines_and_chrome(
    inside: list[list[str]], around: list[str], wrapper: str
) -> None:
    """Any number of inline boxes, stop lines and chrome blocks inserted around and inside a
    known article body leave exactly that body (and the same title)."""
    article = parse_page(build(inside, around, wrapper), URL)
    assert isinstance(article, Article)
    assert article.title == TITLE
    assert (article.lede, *article.body) == (None, *BODY)


def test_the_plain_page_reads_as_the_known_body() -> None:
    """Without anything inserted the page reads as the known body: the property above is
    about what the insertions change, not about this page."""
    article = parse_page(build([[]] * (len(BODY) + 1), [], "entry-content"), URL)
    assert isinstance(article, Article)
    assert article.body == BODY and article.evidence["body"] == "markup-class"
