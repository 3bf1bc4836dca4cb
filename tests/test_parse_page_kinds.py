"""Pages of other sites that the reading of one site's URLs and markup would take for
something else: a home page that lists nothing and is one text, an article served at
``/?p=123``, a body that is only in ``<noscript>``, text written without spaces between words.
Each page here is invented (an invented site), each class of failure was seen on real pages."""

from __future__ import annotations

from core.model import Article, Listing
from scraper.parse import parse_page

PARAGRAPHS = (
    "The cooperative bakery on Mill Lane opened its doors in the spring of the year the old "
    "flour mill closed, with two ovens, one delivery bicycle and eleven members.",
    "Today it bakes for four villages, and every member still works one early shift a month, "
    "whatever else they do for a living.",
    "We sell rye, spelt and a white loaf, and on Fridays a cake that changes with what the "
    "orchards along the river have to give.",
    "Orders for weddings and parties are taken at the counter until noon, at least a week "
    "before the day.",
)


def _page(body: str, title: str = "Mill Lane Bakery") -> bytes:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>"
        '<header><a class="logo" href="/">Mill Lane Bakery</a>'
        '<nav><a href="/about">About</a> <a href="/contact">Contact</a></nav></header>'
        f"{body}<footer><p>Mill Lane 4, Eastgate</p></footer></body></html>"
    ).encode()


def _text() -> str:
    return "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def test_a_home_page_of_one_text_is_an_article() -> None:
    """A site's home page that lists no teasers and holds a text is that text, not a listing
    of nothing."""
    page = parse_page(_page(f"<main><h1>Welcome to the bakery</h1>{_text()}</main>"),
                      "https://bakery.example/")  # fmt: skip
    assert isinstance(page, Article)
    assert page.body == PARAGRAPHS


def test_an_article_at_a_query_url_is_an_article() -> None:
    """``/?p=31`` (a blog's article by its number) is no front page for having an empty
    path."""
    page = parse_page(_page(f"<div class='post'><h2>Rye again</h2>{_text()}</div>"),
                      "https://bakery.example/?p=31")  # fmt: skip
    assert isinstance(page, Article)
    assert page.body == PARAGRAPHS


def test_a_home_page_of_teasers_is_still_a_listing() -> None:
    """The home page that lists articles stays a listing, whatever text is beside them."""
    teasers = "".join(
        f'<div class="teaser"><h2><a href="/news/2024/0{k}/loaf-{k}">Loaf number {k}</a></h2>'
        f"<p>A short line about loaf {k}.</p></div>"
        for k in range(1, 6)
    )
    page = parse_page(_page(f"<main><h1>Bakery news</h1>{teasers}</main>"),
                      "https://bakery.example/")  # fmt: skip
    assert isinstance(page, Listing)
    assert len(page.items) == 5


def test_an_empty_home_page_is_a_listing_of_nothing() -> None:
    """A home page with neither teasers nor text is still a listing (with nothing in it)."""
    page = parse_page(_page("<main><h1>Bakery</h1><p>Closed.</p></main>"),
                      "https://bakery.example/")  # fmt: skip
    assert isinstance(page, Listing)


UNSPACED = (
    "駅前のパン屋は毎朝六時に店を開けて、近所の人たちに焼きたてのパンを売っています。",
    "店主の話では、冬になると朝早く来るお客さんが増えて、食パンがすぐに売り切れるそうです。",
    "来月からは川の向こうの村にも自転車で配達を始める予定だということです。",
)


def test_text_without_spaces_between_words_is_prose() -> None:
    """Lines in a script written without spaces (Japanese, Chinese, Thai) are prose by their
    letters, not by their spaces: the body is read, not left empty."""
    paragraphs = "".join(f"<p>{p}</p>" for p in UNSPACED)
    page = parse_page(
        _page(f"<article><h1>パン屋の配達</h1><div class='honbun'>{paragraphs}</div></article>"),
        "https://bakery.example/news/2024/05/delivery.html",
    )
    assert isinstance(page, Article)
    assert page.body == UNSPACED


def test_a_body_only_in_noscript_is_read() -> None:
    """A page its scripts draw, with the article in ``<noscript>`` for readers without
    them (and a copy for the scripts in a template), reads as that article."""
    page = parse_page(
        _page(
            "<div id='app'><script type='text/template'><p>copy for the script</p></script>"
            f"<noscript><div class='post'><h1>Rye again</h1>{_text()}</div></noscript></div>"
        ),
        "https://bakery.example/2024/05/rye-again.html",
    )
    assert isinstance(page, Article)
    assert page.title == "Rye again"
    assert page.body == PARAGRAPHS


def test_a_noscript_notice_beside_the_article_is_not_read() -> None:
    """``<noscript>`` asking for JavaScript, or holding a tracking pixel, beside an article
    the page shows, is not read."""
    notice = (
        "<noscript><p>Please turn on JavaScript in your browser to see the map of our "
        "delivery rounds and the opening hours of the shop.</p>"
        "<img src='https://pixel.example/p.gif' width='1' height='1'></noscript>"
    )
    page = parse_page(
        _page(f"<article><h1>Rye again</h1>{notice}{_text()}{notice}</article>"),
        "https://bakery.example/2024/05/rye-again.html",
    )
    assert isinstance(page, Article)
    assert page.body == PARAGRAPHS


def test_a_body_field_of_no_text_gives_way_to_the_page_text() -> None:
    """A Drupal body field that holds no text of the article (a sidebar's donation links
    under the body class) is no body: the reading goes on to the text after the heading."""
    sidebar = (
        "<div class='block'><div class='field field--name-body'>"
        "<p><a href='/give'>Give to the bakery</a></p>"
        "<p><a href='/give/monthly'>Give every month</a></p></div></div>"
    )
    page = parse_page(
        _page(f"{sidebar}<main><h1>Rye again</h1><div class='text'>{_text()}</div></main>"),
        "https://bakery.example/news/rye-again",
    )
    assert isinstance(page, Article)
    assert page.body == PARAGRAPHS
    assert page.evidence["body"] in ("visible-text", "generic")


def test_a_flat_list_of_links_before_the_body_does_not_swallow_it() -> None:
    """One link repeated in several boxes (a section's name over each "most read" story) is
    one teaser item with no element of its own; it is at most an item long, and the article's
    paragraphs after the boxes are not taken for its teaser."""
    boxes = "".join(
        "<div class='card'><h3><a href='/news-from-the-village'>Village</a></h3>"
        f"<h2>Another story {k}</h2><div>{k}</div></div>"
        for k in range(1, 5)
    )
    page = parse_page(
        _page(f"<h1>Rye again</h1><div class='page'><div>{boxes}{_text()}</div></div>"),
        "https://bakery.example/news/2024/05/rye-again",
    )
    assert isinstance(page, Article)
    assert page.body == PARAGRAPHS


def _newest(n: int, teaser: str = "") -> str:
    return (
        "<div class='newest'><h4>Newest</h4><ul>"
        + "".join(
            f"<li><a href='/news/2024/04/0{k}/a-story-of-the-week-{k}'>A story of the week {k}</a>"
            f"{teaser}</li>"
            for k in range(1, n + 1)
        )
        + "</ul></div>"
    )


def test_one_paragraph_under_the_heading_and_a_box_of_links_is_an_article() -> None:
    """A short article (one paragraph under its heading, longer than all the teasers on the
    page) with a box of the newest stories after it is an article, not a listing."""
    page = parse_page(
        _page(f"<main><h1>Rye again</h1><p>{PARAGRAPHS[0]}</p>{_newest(2)}</main>"),
        "https://bakery.example/news/2024/05/rye-again",
    )
    assert isinstance(page, Article)
    assert page.body[0] == PARAGRAPHS[0]


def test_a_listing_with_a_description_under_its_heading_is_a_listing() -> None:
    """A listing whose heading is followed by a paragraph describing it, then its teasers
    (more text than the paragraph), stays a listing."""
    teaser = "<p>What the week brought to the bakery and the villages around it, in brief.</p>"
    page = parse_page(
        _page(f"<main><h1>Bakery news</h1><p>{PARAGRAPHS[1]}</p>{_newest(6, teaser)}</main>"),
        "https://bakery.example/news/2024/05/rye-again",
    )
    assert isinstance(page, Listing)
    assert len(page.items) == 6


def test_the_generic_layer_reads_from_its_element_when_no_heading_says_where() -> None:
    """A page without a heading whose only ``<article>`` is a sign-up form after the text: the
    densest element holds the text, and with no heading to start after, the generic reading
    starts at its top, not where the form begins."""
    form = (
        "<article><h3>Choose a day and leave your address</h3>"
        "<p>Yes, I would like to hear about the baking classes on Saturday mornings.</p>"
        "<p>I agree that the bakery may write to me now and then about its classes, and I "
        "can take this back at any time by writing to the address at the foot of the page.</p>"
        "</article>"
    )
    page = parse_page(
        _page(f"<div class='wrap'><div class='col'>{_text()}</div>{form}</div>", "About us"),
        "https://bakery.example/about-the-bakery/",
    )
    assert isinstance(page, Article)
    assert page.body[: len(PARAGRAPHS)] == PARAGRAPHS
    assert page.evidence["body"] == "generic"


def test_a_form_amid_the_text_is_not_where_the_generic_reading_starts() -> None:
    """The same form between two parts of the text, more of it after the form: the generic
    reading still starts at the top of the densest element, not where the form begins."""
    form = (
        "<article><h3>Choose a day</h3>"
        "<p>Yes, I would like to hear about the baking classes on Saturday mornings.</p>"
        "</article>"
    )
    first, rest = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:1]), _text()
    page = parse_page(
        _page(f"<div class='wrap'>{first}{form}{rest}</div>", "About us"),
        "https://bakery.example/about-the-bakery/",
    )
    assert isinstance(page, Article)
    assert page.body[0] == PARAGRAPHS[0]


def test_an_h1_after_the_text_is_a_box_heading() -> None:
    """The first ``<h1>`` of a page that sets its boxes' headings as ``<h1>`` and its
    headline as ``<h2>``, after the article's text in the same column: the text before it is
    the body, not the box after it."""
    boxes = (
        "<h1>Quick links</h1><div>Opening hours</div><p><a href='/hours'>» See</a></p>"
        "<h1>Our partners</h1><table><tr><td>The mill</td><td>The orchards</td></tr></table>"
    )
    page = parse_page(
        _page(f"<div id='content'><h2>Rye again</h2>{_text()}{boxes}</div>"),
        "https://bakery.example/news/index.php?id=5793",
    )
    assert isinstance(page, Article)
    assert page.body == PARAGRAPHS


def test_the_title_shown_again_low_on_the_page_is_not_where_the_text_starts() -> None:
    """No ``<h1>``; the title is shown only on a recipe card after the text: the text above
    the card is the body, read from the top of the element that holds both."""
    card = (
        "<div class='card'><h2>Rye again</h2><div>Prep time 20</div><div>Bake time 50</div>"
        "<p>A dark loaf that keeps for a week, best sliced thin and eaten with butter.</p>"
        "<ul><li>500 g rye flour</li><li>10 g salt</li></ul></div>"
    )
    page = parse_page(
        _page(f"<main><div class='intro'>Recipes</div>{_text()}{card}</main>", "Rye again"),
        "https://bakery.example/rye-again-recipe/",
    )
    assert isinstance(page, Article)
    assert page.body[: len(PARAGRAPHS)] == PARAGRAPHS


def test_a_short_post_is_not_traded_for_a_denser_footer_line() -> None:
    """A post of three short lines (no element holds them alone: the share bar is beside
    them) is kept: the densest element of the page, a licence line, holds less prose than
    the post."""
    post = (
        "<div class='post'><p>14 May 2024 at 06:10</p>"
        "<p>“The oven is warm, shall I put the rye in now?” he asked.</p>"
        "<p>– “Not yet.”</p><p>– “Ok.”</p>"
        "<div class='share-bar'><h3>Share this:</h3><ul>"
        + "".join(
            f"<li><a href='https://x.example/s{k}'>Share it here, {k}</a></li>" for k in range(6)
        )
        + "</ul></div></div>"
    )
    licence = "<div class='licence'>The texts of this bakery are free to copy, with the name.</div>"
    page = parse_page(
        _page(f"<div id='main'>{post}</div><div id='side'>{licence}</div>", "Not yet"),
        "https://bakery.example/2024/05/14/not-yet/",
    )
    assert isinstance(page, Article)
    assert "“The oven is warm, shall I put the rye in now?” he asked." in page.body


def test_a_home_page_with_only_a_notice_is_a_listing_of_nothing() -> None:
    """A home page without teasers whose only text is a one-line notice is not an article:
    a front page served for a stale article URL while the site is being rebuilt stays a
    soft 404 for the crawler."""
    notice = "<p>The shop is closed for the holidays, we open again on Monday.</p>"
    page = parse_page(_page(f"<main><h1>Bakery</h1>{notice}</main>"), "https://bakery.example/")
    assert isinstance(page, Listing)
