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


#: How the article's heading is set: its own ``<h1>``, or an ``<h2>`` under a site ``<h1>``
#: that is the logo (a link home).
HEADINGS = {
    "h1": ("", f"<h1>{TITLE}</h1>"),
    "logo": ('<h1 class="site-title"><a href="/">The Valley Courier</a></h1>', f"<h2>{TITLE}</h2>"),
}
#: How the paragraphs are held: one after another in the wrapper, each in a ``<div>`` of its
#: own, or the wrapper cut into ``<section>`` elements at each place something is inserted
#: (the boxes opening the next section, or closing the one before).
NESTINGS = ("flat", "divs", "sections", "boxed-sections")


def build(
    inside: list[list[str]],
    around: list[str],
    wrapper: str,
    after: tuple[str, ...] = (),
    rail: tuple[str, ...] = (),
    heading: str = "h1",
    nesting: str = "flat",
) -> bytes:
    """The page: site chrome, the headline, then the paragraphs inside ``wrapper`` with
    ``inside[k]`` boxes before paragraph k (the last after them all), ``around`` boxes
    between the headline and the wrapper, ``after`` boxes after the wrapper in the article,
    ``rail`` boxes beside the article; the headline and the paragraphs as ``heading`` and
    ``nesting`` say."""
    parts: list[str] = []
    cut = '</section><section class="part">'
    for k, boxes in enumerate(inside):
        if nesting == "sections" and boxes and 0 < k < len(BODY):
            parts.append(cut)
        parts += [BOXES[b] for b in boxes]
        if nesting == "boxed-sections" and boxes and 0 < k < len(BODY):
            parts.append(cut)
        if k < len(BODY):
            para = f"<p>{BODY[k]}</p>"
            parts.append(f'<div class="para">{para}</div>' if nesting == "divs" else para)
    body = "\n".join(parts)
    if nesting in ("sections", "boxed-sections"):
        body = f'<section class="part">{body}</section>'
    before = "".join(BOXES[b] for b in around)
    logo, headline = HEADINGS[heading]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{TITLE} | The Valley Courier</title></head><body>"
        f'<header class="site-header">{logo}<a class="logo" href="/">The Valley Courier</a>'
        '<nav><a href="/news">News</a> <a href="/business">Business</a></nav></header>'
        f'<main><article>{headline}{before}<div class="{wrapper}">\n{body}\n</div>'
        f"{''.join(BOXES[b] for b in after)}</article>"
        f"{''.join(BOXES[b] for b in rail)}</main>"
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


@UNSEEN
@given(
    places,
    st.lists(st.sampled_from(sorted(BOXES)), max_size=4),
    st.sampled_from(["entry-content", "story-text", "x9 c2"]),
    st.lists(st.sampled_from(sorted(BOXES)), max_size=3).map(tuple),
    st.lists(st.sampled_from(sorted(BOXES)), max_size=3).map(tuple),
    st.sampled_from(sorted(HEADINGS)),
    st.sampled_from(NESTINGS),
)
def test_the_body_survives_boxes_after_it_beside_it_and_between_its_parts(
    inside: list[list[str]],
    around: list[str],
    wrapper: str,
    after: tuple[str, ...],
    rail: tuple[str, ...],
    heading: str,
    nesting: str,
) -> None:
    """The same with boxes after the body in the article and beside the article, a headline
    under a logo ``<h1>``, and paragraphs each in an element of their own or in sections cut
    where the boxes are (a box at the head of a section is cut out, not the section): still
    exactly that body and title."""
    page = build(inside, around, wrapper, after, rail, heading, nesting)
    article = parse_page(page, URL)
    assert isinstance(article, Article)
    assert article.title == TITLE
    assert (article.lede, *article.body) == (None, *BODY)


def test_the_plain_page_reads_as_the_known_body() -> None:
    """Without anything inserted the page reads as the known body: the property above is
    about what the insertions change, not about this page."""
    article = parse_page(build([[]] * (len(BODY) + 1), [], "entry-content"), URL)
    assert isinstance(article, Article)
    assert article.body == BODY and article.evidence["body"] == "markup-class"
