"""Regression tests for the ways the body of real pages of other sites was read wrong (issue
12): each builds a small invented page of an invented site that has the failure's shape."""

from __future__ import annotations

from core.model import Article
from scraper.parse import parse_page

URL = "https://www.hillside-gazette.example/2024/05/11/the-orchard-opens-its-gates/"
TITLE = "The orchard opens its gates"
BODY = (
    "The old cider orchard above the village will open to walkers every Sunday from June, the "
    "owners said after the parish meeting on Thursday evening.",
    "A path will run from the lower gate past the press house to the top field, where benches "
    "made from fallen pear trees look out over the valley.",
    "Dogs are welcome on a lead, the owners said, but the geese by the pond have the right of "
    "way and are known to defend it with some energy.",
    "Volunteers who want to help with the spring pruning can leave their names at the shop, "
    "which will also sell the first pressing of the year.",
)


def page(article: str, body_class: str = "", after: str = "") -> bytes:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{TITLE} | Hillside Gazette</title></head><body class=\"{body_class}\">"
        '<header class="site-header"><a class="logo" href="/">Hillside Gazette</a>'
        '<nav><a href="/news">News</a> <a href="/walks">Walks</a></nav></header>'
        f"<main>{article}</main>{after}"
        "<footer><p>© 2024 Hillside Gazette. All rights reserved.</p></footer>"
        "</body></html>"
    ).encode()


def paragraphs(body: tuple[str, ...] = BODY) -> str:
    return "".join(f"<p>{p}</p>" for p in body)


def read(html: bytes) -> Article:
    article = parse_page(html, URL)
    assert isinstance(article, Article)
    return article


def test_page_state_classes_on_body_and_taxonomy_classes_are_not_chrome() -> None:
    """A ``<body>`` whose class names the theme's state (``mega-menu-primary``) is not
    navigation, and a post filed under a category whose name holds a chrome word
    (``category-no-newsletter``) is not a newsletter box."""
    article = (
        '<article class="post type-post category-no-newsletter-rss tag-social-media">'
        f'<header class="entry-header"><h1>{TITLE}</h1></header>'
        f'<div class="entry-text">{paragraphs()}</div></article>'
    )
    comments = (
        '<div class="comments-area"><h3>Leave a reply</h3>'
        + "".join(
            f"<div class=\"comment\"><p>{p} I agree with every word of it.</p></div>" for p in BODY
        )
        + "</div>"
    )
    got = read(page(article, "single mega-menu-primary content-sidebar", comments))
    assert got.title == TITLE
    assert got.body == BODY


def test_the_densest_element_is_read_from_its_start_when_its_prose_is_before_the_h1() -> None:
    """A page whose only ``<h1>`` is a sidebar box's ("Quick links") after the story, in the
    same element as the story: the story is read, not what follows the box's heading."""
    story = f'<div class="news-single"><h2>{TITLE}</h2>{paragraphs()}</div>'
    box = (
        '<div class="box"><h1>Quick links</h1><div class="item"><a href="/events">Events</a>'
        '</div><p class="note">Book a room through our partner and a share goes to the club '
        "that runs the orchard walks.</p></div>"
    )
    got = read(page(f'<div class="col">{story}{box}</div>'))
    assert got.body[: len(BODY)] == BODY


def test_the_text_under_the_heading_beats_denser_text_outside_the_article() -> None:
    """A short article in its ``<article>`` with the headline, then a long sign-up box of
    sentences outside it (not a ``<form>``, no chrome class): the article's text is read."""
    signup = (
        '<div class="share-bar"><p>Share this story with your neighbours by email, by post '
        "or on the notice board at the shop, and tell them about the walks.</p></div>"
        '<div class="join-us"><h2>Join the orchard friends</h2>'
        + "".join(
            f"<div class=\"row\">Tell us your name and address (required) so that the letter "
            f"about item {k} of the programme reaches you every month of the year.</div>"
            for k in range(12)
        )
        + "</div>"
    )
    got = read(page(f"<article><h1>{TITLE}</h1>{paragraphs(BODY[:1])}</article>", after=signup))
    assert got.body == BODY[:1]


def test_captions_galleries_and_comments_are_not_the_body() -> None:
    """A picture's caption in a ``div`` (not a ``<figcaption>``), a gallery's counter and a
    comment section after the story are passed over; the story's paragraphs are all read."""
    gallery = (
        '<div class="photo-gallery"><div class="slide-count">Image 1 of 12</div>'
        '<div class="caption">The press house seen from the top field, with the old pear '
        "trees in blossom behind it, on a morning in April.</div></div>"
    )
    comments = (
        '<div id="comments"><div class="comment-body"><p>What a lovely idea, we will come up '
        "with the children and the dog on the first Sunday of June.</p></div>"
        '<div class="comment-body"><p>Thank you for the news, the geese are indeed the real '
        "owners of that pond and everyone in the village knows it.</p></div></div>"
    )
    article = (
        f"<article><h1>{TITLE}</h1>{gallery}{paragraphs(BODY[:2])}"
        f'<div class="wp-caption"><p>The lower gate (Credit: Parish archive)</p></div>'
        f"{paragraphs(BODY[2:])}{comments}</article>"
    )
    assert read(page(article)).body == BODY


def test_a_forum_page_of_comments_keeps_its_posts() -> None:
    """On a page that is nothing but comments (a forum thread) the posts are the text."""
    posts = "".join(f'<div class="comment"><p>{p}</p></div>' for p in BODY)
    got = read(page(f'<h1>{TITLE}</h1><div class="discussion">{posts}</div>'))
    assert got.body == BODY


def test_a_body_class_on_one_paragraph_of_many_does_not_cut_the_story() -> None:
    """A story one of whose many paragraphs alone carries a body class (``entry-content``,
    a long paragraph): the whole story is read, not that paragraph."""
    long = " ".join(BODY)
    more = tuple(p.replace("the ", "that ") for p in BODY) + tuple(p.upper() for p in BODY)
    inner = paragraphs(BODY) + f'<div class="entry-content"><p>{long}</p></div>' + paragraphs(more)
    got = read(page(f'<article><h1>{TITLE}</h1><div class="story">{inner}</div></article>'))
    assert got.body == (*BODY, long, *more)


def test_a_standfirst_set_as_a_subheading_is_the_lede() -> None:
    """A sentence-long ``<h2>`` between the headline and the body (the standfirst) is read as
    the lede; a short one ("In brief") is not, nor a subheading repeating the headline."""
    standfirst = "Walkers will be welcome every Sunday from June, but the geese stay in charge"
    for head, lede in ((standfirst, standfirst), ("In brief", None), (TITLE, None)):
        article = f"<article><h1>{TITLE}</h1><h2>{head}</h2>{paragraphs()}</article>"
        got = read(page(article))
        assert (got.lede, got.body) == (lede, BODY)


def test_related_boxes_legends_and_disclaimers_by_class_are_passed_over() -> None:
    """A box of related stories whose heading the vocabulary does not know ("Auch lesenswert")
    but whose class says ``related-news``, a picture's ``legend``, an editorial ``disclaimer``
    and a ``ratings`` box inside the story are not its text; the story goes on after them."""
    related = (
        '<div class="box related-news"><h3>Auch lesenswert</h3><p>The mill pond is cleaned '
        "for the first time in forty years by a team of volunteers from the village.</p></div>"
    )
    legend = '<div class="legend">The upper field in May, seen from the old press house.</div>'
    disclaimer = (
        '<div class="editorial-disclaimer"><p>Note: the shop mentioned in this story pays '
        "for none of our reporting and has seen none of it before it went out.</p></div>"
        '<div class="post-ratings"><p>Was this story useful to you? Tell us below.</p></div>'
    )
    inner = paragraphs(BODY[:1]) + legend + paragraphs(BODY[1:3]) + related
    inner += paragraphs(BODY[3:]) + disclaimer
    assert read(page(f"<article><h1>{TITLE}</h1>{inner}</article>")).body == BODY


def test_an_intro_paragraph_before_the_body_class_is_read_but_not_the_date_line() -> None:
    """A story whose first paragraph sits between the headline and the element its body class
    names: that paragraph is the story's too; the date line and byline there are not."""
    article = (
        f"<article><h1>{TITLE}</h1><p class=\"meta\">Published Saturday, May 11, 2024 9:15AM</p>"
        f"<p class=\"intro\">{BODY[0]}</p>"
        f'<div class="entry-content">{paragraphs(BODY[1:])}</div></article>'
    )
    got = read(page(article))
    assert got.body == BODY
    assert got.published is not None and got.published.startswith("2024-05-11")


def test_block_headings_and_stop_lines_in_other_languages() -> None:
    """A German page: "Lesen Sie auch" opens a Related box the story goes on after, and
    "Über den Autor" ends the story (the author's note is not its text)."""
    related = (
        "<div><h3>Lesen Sie auch</h3><ul><li><a href=\"/2024/05/02/die-muehle-am-teich-wird-"
        'saniert/">Die Mühle am Teich wird saniert</a></li></ul></div>'
    )
    author = (
        '<div class="box"><h3>Über den Autor</h3><p>He has written about the valley and '
        "its orchards for the paper since the spring of 1998.</p></div>"
    )
    inner = paragraphs(BODY[:2]) + related + paragraphs(BODY[2:])
    got = read(page(f'<article><h1>{TITLE}</h1><div class="txt">{inner}</div>{author}</article>'))
    assert got.body == BODY


def test_the_text_of_an_article_that_begins_under_the_heading_beats_denser_text_after_it() -> None:
    """The headline sits just above the ``<article>`` (a byline between them), a long box of
    sentences follows outside it: the article's text is read."""
    signup = (
        '<div class="share-bar">'
        + "<p>Share this story with your neighbours by email, by post or on the notice board "
        "at the shop, and tell them about the walks.</p>" * 6
        + "</div>"
        '<div class="more-news">'
        + "".join(
            f"<div><p>Item {k}: the parish hall will hold its monthly market of local crafts "
            "and produce on the first Saturday, from nine in the morning.</p></div>"
            for k in range(12)
        )
        + "</div>"
    )
    article = f'<h1>{TITLE}</h1><p>By Ann Walker</p><article>{paragraphs(BODY[:2])}</article>'
    assert read(page(article, after=signup)).body == BODY[:2]


def test_top_video_and_more_news_from_end_the_story() -> None:
    """A "Top Video" box and a "More news from the valley" list at the end of the story's
    element are not its text."""
    after = (
        '<div class="box"><h3>Top Video</h3><p>Watch the geese chase the parish council off '
        "the pond, filmed by a reader on Sunday afternoon last week.</p></div>"
        '<div class="box"><h3>More news from the valley</h3><p>The bakery on the square '
        "opens a second shop by the station, with longer hours in summer.</p></div>"
    )
    article = f'<article><h1>{TITLE}</h1><div class="txt">{paragraphs()}{after}</div></article>'
    assert read(page(article)).body == BODY


def test_an_intro_shown_again_inside_the_body_class_is_read_once() -> None:
    """The intro shown above the body class's element and again as its first paragraph is
    read once."""
    article = (
        f'<article><h1>{TITLE}</h1><p class="teaser">{BODY[0]}</p>'
        f'<div class="entry-content">{paragraphs()}</div></article>'
    )
    assert read(page(article)).body == BODY


def test_an_authors_box_at_the_end_of_the_story_is_not_its_text() -> None:
    """The author's box at the end of the story's element (a bio, class ``author-box``) is
    not story text."""
    bio = (
        '<div class="author-box"><p>Ann Walker grew up on a farm above the valley and has '
        "written about its orchards, roads and ferries for the paper since 1998.</p></div>"
    )
    article = f'<article><h1>{TITLE}</h1><div class="txt">{paragraphs()}{bio}</div></article>'
    assert read(page(article)).body == BODY


def test_ruby_annotations_are_not_read_into_the_text() -> None:
    """Pages in Japanese print a word's reading over its characters (``<ruby>`` with ``<rt>``,
    ``<rp>`` parentheses for browsers without ruby): the text is the characters alone."""
    ruby = (
        "The owners named the path <ruby>果樹園<rp>(</rp><rt>かじゅえん</rt><rp>)</rp></ruby> "
        "after the orchard it climbs through, from the lower gate to the top field."
    )
    article = read(page(f"<article><h1>{TITLE}</h1>{paragraphs((*BODY[:2], ruby, *BODY[2:]))}"
                        "</article>"))  # fmt: skip
    assert article.body[2] == (
        "The owners named the path 果樹園 after the orchard it climbs through, from the lower "
        "gate to the top field."
    )
    assert "かじゅえん" not in " ".join(article.body)


def test_text_is_in_composed_form_whatever_form_the_page_writes() -> None:
    """A page that writes a letter and its accent as two characters (decomposed, NFD) gives the
    same text as one that writes the accented letter (NFC), as snippets and quotes are typed."""
    decomposed = "The cafe\u0301 by the pre\u0301 sells the first pressing of the year."
    article = read(page(f"<article><h1>{TITLE}</h1>{paragraphs((*BODY, decomposed))}</article>"))
    assert article.body[-1] == "The caf\u00e9 by the pr\u00e9 sells the first pressing of the year."
