"""Where the published date comes from on pages the parser has not seen (datefields.py)."""

from __future__ import annotations

from scraper.parse import parse_article

URL = "https://news.example.org/culture/lighthouse-keepers-remembered"
PARAS = "".join(
    f"<p>The keepers of the northern light kept a log for {n} winters, and the log is "
    "still in the harbour office, where anyone may read it.</p>"
    for n in range(3, 9)
)


def page(head: str = "", top: str = "", tail: str = "", lang: str = "en") -> bytes:
    return (
        f'<html lang="{lang}"><head>{head}</head><body><article>'
        f"<h1>Lighthouse keepers remembered</h1>{top}{PARAS}{tail}</article></body></html>"
    ).encode()


def test_json_ld_of_any_shape_gives_the_date() -> None:
    """A datePublished on a WebPage object inside @graph (no Article object) is read."""
    head = (
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage", '
        '"datePublished": "2021-03-04T08:00:00+00:00"}, {"@type": "Person", '
        '"name": "A. Writer", "birthDate": "1970-01-01"}]}</script>'
    )
    article = parse_article(page(head), URL)
    assert article.published == "2021-03-04T08:00:00+00:00"
    assert article.evidence["published"] == "jsonld"


def test_a_comment_never_gives_the_date() -> None:
    """The only machine dates on the page are the comments': they are not the article's."""
    tail = (
        '<section class="comments"><h3>Responses</h3><div class="comment">'
        '<time datetime="2022-09-09T10:00:00+00:00">9 September 2022</time>'
        "<p>I remember the keeper of the southern light too, he was my grandfather.</p>"
        "</div></section>"
    )
    article = parse_article(page(tail=tail), URL)
    assert article.published is None
    assert "no published date found" in article.warnings


def test_a_time_element_in_the_entry_footer_counts() -> None:
    """A <time> in the article's own footer (chrome inside the article) is its date."""
    tail = '<footer class="entry-meta">Posted on <time datetime="2020-06-01">1 June</time></footer>'
    article = parse_article(page(tail=tail), URL)
    assert article.published == "2020-06-01"
    assert article.evidence["published"] == "markup-class"


def test_a_date_line_in_another_language() -> None:
    """A German date line under the headline, with a byline, is the visible date."""
    article = parse_article(page(top="<p>Von Jana Beispiel am 5. April 2017</p>", lang="de"), URL)
    assert article.published == "2017-04-05"
    assert article.evidence["published"] == "visible-text"


def test_the_shown_date_beats_a_metadata_date_of_another_day() -> None:
    """Metadata naming another day than the date line shown under the headline (a draft's
    date) loses to the date line."""
    head = '<meta property="article:published_time" content="2021-11-29T14:13:37+00:00">'
    article = parse_article(page(head, top="<p>12.01.2022</p>", lang="de"), URL)
    assert article.published == "2022-01-12"
    assert article.evidence["published"] == "visible-text"


def test_a_utc_timestamp_is_shown_in_the_pages_zone() -> None:
    """A UTC timestamp and the page's clock showing the same minute a day earlier: the same
    moment, presented in the page's offset (never shifted)."""
    head = '<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">'
    article = parse_article(page(head, top="<p>February 24, 2020 | 9:25pm</p>"), URL)
    assert article.published == "2020-02-24T21:25:54-05:00"
    assert article.evidence["published"] == "meta"


def test_a_date_in_the_url() -> None:
    """With nothing else, the date in the URL's path gives the day."""
    article = parse_article(page(), "https://blog.example.org/2019/08/02/keepers/")
    assert article.published == "2019-08-02"
    assert article.evidence["published"] == "url"


def test_a_comment_link_in_the_meta_line_hides_nothing() -> None:
    """A link to the comments inside the date line ("3 comments") does not make the line a
    comment: its date is the article's."""
    html = (
        '<html lang="de"><body><header><h1>Lighthouse keepers remembered</h1><div class="meta">'
        '28.01.22 / <span class="post-comment">3 Kommentare</span></div></header>'
        f"<article>{PARAS}</article></body></html>"
    ).encode()
    article = parse_article(html, URL)
    assert article.published == "2022-01-28"


def test_a_date_line_far_above_the_headline_does_not_overrule_the_metadata() -> None:
    """Metadata of one day and, eight lines above the headline, a line of another day (an
    item of a list the layout did not take for teasers): the metadata stays."""
    head = '<meta property="article:published_time" content="2021-03-04T08:00:00+00:00">'
    side = "".join(f"<div>Harbour note {n}</div>" for n in range(6))
    html = (
        f"<html><head>{head}</head><body><div>12 January 2022</div>{side}<article>"
        f"<h1>Lighthouse keepers remembered</h1>{PARAS}</article></body></html>"
    ).encode()
    article = parse_article(html, URL)
    assert article.published == "2021-03-04T08:00:00+00:00"


def test_the_date_line_nearest_the_headline_wins() -> None:
    """A date line the reading took further down (in a comment, a list of teasers the layout
    did not see) gives way to the date line right under the headline."""
    from scraper.parse.context import build_context
    from scraper.parse.prebody import BodyText, date_near

    html = (
        "<html><body><h1>Lighthouse keepers remembered</h1><div>by Ann Sample</div>"
        "<div>Started 27 September 2018</div><div>Read also</div><div>1 November 2023</div>"
        '<div class="comment"><div>Member since</div><div>28 June 2014</div></div>'
        f"{PARAS}</body></html>"
    ).encode()
    ctx = build_context(html, URL)
    heading = next(i for i, line in enumerate(ctx.page.lines) if line.text.startswith("Light"))
    for taken in ("1 November 2023", "28 June 2014"):
        out = BodyText(date_line=taken)
        date_near(ctx, out, heading)
        assert out.date_line == "Started 27 September 2018"


def test_a_time_element_without_datetime_is_read_by_its_text() -> None:
    """<time> holding only the words of a date ("Published on …") is read by its text."""
    top = '<time class="stamp">Published on March 3, 2015</time>'
    article = parse_article(page(top=top), URL)
    assert article.published == "2015-03-03"
    assert article.evidence["published"] == "markup-class"


def test_a_paragraph_opening_with_its_dateline() -> None:
    """With no date line or metadata, the dateline the first paragraph opens with is the
    date ("Harbourtown, 3.3.2015 – …"); a paragraph that merely begins with a date is not."""
    top = "<p>Harbourtown, 3.3.2015 – The keepers met again this spring.</p>"
    article = parse_article(page(top=top, lang="de"), URL)
    assert article.published == "2015-03-03"
    assert article.evidence["published"] == "visible-text"
    plain = "<p>3 March 2015 was the day the keepers met again, and all of them came.</p>"
    assert parse_article(page(top=plain), URL).published is None


def test_a_date_alone_further_down_the_article() -> None:
    """The last resort: a line of the article's element that is a date alone, however far
    from the headline, outside the article's element never."""
    tail = "<div>3 March 2015</div>"
    article = parse_article(page(tail=tail), URL)
    assert article.published == "2015-03-03"
    html = (
        "<html><body><div><h1>Lighthouse keepers remembered</h1>"
        f"{PARAS}{PARAS}</div><aside><div>Created 3 March 2015</div></aside></body></html>"
    ).encode()
    assert parse_article(html, URL).published is None


def test_a_dated_part_of_a_line_under_the_headline() -> None:
    """A line split into parts, one a date with a few words, gives the date; a long one is
    still the body's first paragraph, a short one is a meta line."""
    first = (
        "Press release of 5 May 2022 | Harbourtown – The keepers of the northern light met "
        "again this spring, for the first time since the lamp was automated, and they talked "
        "about the winters they had spent on the rock with nothing but the log for company."
    )
    article = parse_article(page(top=f"<p>{first}</p>"), URL)
    assert article.published == "2022-05-05"
    assert article.body[0].startswith("Press release of 5 May 2022")
    meta = "<div>By Ann Sample, harbour desk | 5 May 2022 | 4 min read | 3 comments</div>"
    article = parse_article(page(top=meta), URL)
    assert article.published == "2022-05-05"
    assert not any("4 min read" in p for p in article.body)


def test_a_date_element_inside_the_headline_line() -> None:
    """An element whose class says "date", inline in a longer line (a topline in the
    headline), is read by its own text."""
    html = (
        '<html lang="de"><body><article><h1><span class="topline"><span class="date">'
        "03.03.2015</span></span>Lighthouse keepers remembered</h1>"
        f"{PARAS}</article></body></html>"
    ).encode()
    article = parse_article(html, URL)
    assert article.published == "2015-03-03"


def test_a_forum_post_line_with_a_day_first_slashed_date() -> None:
    """ "von Ann am 26/10/13, 03:48 pm" under the headline of a German page: the day first."""
    article = parse_article(page(top="<div>von Ann am 26/10/13, 03:48 pm</div>", lang="de"), URL)
    assert article.published == "2013-10-26T15:48:00+02:00"


def test_the_headline_repeated_over_the_first_post_is_the_one_read_from() -> None:
    """A title shown twice (a breadcrumb, then over the text): the date line is looked for
    by the repeat nearest the body's first paragraph, not by the first."""
    from scraper.parse.context import build_context
    from scraper.parse.prebody import BodyText, date_near

    nav = "".join(f"<div>Section {n}</div>" for n in range(12))
    html = (
        "<html><body><div>Old keepers' log</div><div>Started 5 May 2011</div>"
        f"<div>Lighthouse keepers remembered</div>{nav}<div>Lighthouse keepers remembered</div>"
        f"<div>by Ann on 26 October 2013</div>{PARAS}</body></html>"
    ).encode()
    ctx = build_context(html, URL)
    lines = ctx.page.lines
    first = next(i for i, line in enumerate(lines) if line.text == "Lighthouse keepers remembered")
    body_start = next(i for i, line in enumerate(lines) if line.text.startswith("The keepers"))
    out = BodyText(lines=[body_start])
    date_near(ctx, out, first)
    assert out.date_line == "26 October 2013"
