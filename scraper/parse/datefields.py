"""The article's dates, published and modified, from every place a machine or a reader finds
them, in order of trust (``Article.evidence``):

    rdfa          ``property="schema:dateCreated" content=…`` (Drupal)
    jsonld        ``datePublished`` of the article object, else of any object on the page (a
                  ``WebPage`` in a ``@graph``, a ``Recipe``) that is not a comment or a review
    meta          ``article:published_time`` and the other names sites use for it
    drupal-field  ``field--name-created``
    markup-class  ``<time datetime>`` (or the date its text shows), ``itemprop=datePublished``,
                  ``abbr.published``
    visible-text  a date line under (or just above) the headline, in any of the languages
                  ``dates.py`` reads
    markup-class  an element whose class says "date" and whose whole text is one
    visible-text  the dateline a first paragraph opens with ("Bern, 17.08.2007 - …")
    url           a date in the URL's path (``/2019/08/02/``): a date without a time
    visible-text  last, a line of the article's own element that is a date alone

Never a date from a teaser (Related, Popular, a listing's items) or from a comment; a date in
the page's chrome counts only inside the article's own element (an entry footer).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborNode

from scraper.parse.dates import is_update_line, parse_date, same_moment_shown, shown_date
from scraper.parse.evidence import ld_text, ld_types
from scraper.parse.fields import Fields
from scraper.parse.markup import norm
from scraper.parse.prebody import comment_ids, comment_lines, dateline

Layers = list[tuple[str, Callable[[], str | None]]]

RDFA_PUBLISHED = ("schema:dateCreated", "schema:datePublished", "dc:date", "dc:created")
META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published",
    "og:published_time", "published_time", "datepublished", "datecreated", "dcterms.date",
    "dcterms.created", "dcterms.issued", "dc.date", "dc.date.issued", "dc.date.created",
    "date", "pubdate", "publish-date", "publish_date", "publishdate", "publication_date",
    "sailthru.date", "parsely-pub-date", "citation_publication_date", "citation_date",
    "release_date", "dc:date", "dc:created", "dcterms:created", "pub_date", "sw-pubdate",
    "displaydate", "prism.publicationdate", "bepress_citation_date", "vr:published-time",
    "shareaholic:article_published_time", "acquia_lift:published_date",
    "mediator_published_time", "dcsext.articlefirstpublished",
)  # fmt: skip
META_MODIFIED = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
#: JSON-LD objects whose dates are not the article's
NOT_THE_ARTICLE = frozenset({"comment", "review", "person", "answer", "question", "event"})
#: Class words of an element that shows a date (checked as words: ``classwords.py``)
DATE_WORDS = frozenset(
    {"date", "dates", "published", "pubdate", "posted", "dateline", "timestamp", "datetime"}
)
#: How many lines above the headline a date line may be to overrule the metadata's day
TRUSTED_ABOVE = 3
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])(?=/|$|[-_.])"
    r"|/(?P<y2>(?:19|20)\d{2})(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?=/|$|[-_.])"
)


class DateFields:
    """The date layers of one page (``fields``: the page's :class:`~fields.Fields`)."""

    def __init__(self, fields: Fields) -> None:
        self.fields = fields
        self.ctx = fields.ctx
        self._comments: set[int] | None = None

    def own(self, node: LexborNode) -> bool:
        """Whether a date element is the article's: not in a teaser, a block or a comment;
        in the chrome only inside the article's own element."""
        fields, page = self.fields, self.ctx.page
        if fields.own(node):
            return not fields.inside(node, self.comments())
        span = page.spans.get(node.mem_id)
        root = fields.root
        if span is None or span[0] >= span[1] or root is None or root.tag in ("body", "html"):
            return False
        layout = self.ctx.layout
        in_teaser = any(run.start <= span[0] < run.end for run in layout.runs)
        in_block = any(b.heading <= span[0] < b.end for b in layout.blocks)
        return (
            not in_teaser
            and not in_block
            and page.contains(root.mem_id, span[0])
            and not fields.inside(node, self.comments())
        )

    def comments(self) -> set[int]:
        if self._comments is None:
            self._comments = comment_ids(self.ctx)
        return self._comments

    def nodes(self, selector: str) -> list[LexborNode]:
        return [n for n in self.ctx.page.anywhere(selector) if self.own(n)]

    def rdfa(self, *props: str) -> str | None:
        selector = ", ".join(f"[property='{p}']" for p in props)
        for node in self.fields.nodes(selector):
            value = node.attributes.get("content") or node.attributes.get("datetime")
            date = parse_date(value or norm(node.text(deep=True, separator=" ")))
            if date:
                return date
        return None

    def jsonld(self, *keys: str) -> str | None:
        """The first of ``keys`` in the article's JSON-LD object, else in any object that is
        not a comment, review, person or event."""
        article = self.fields.ld
        objects = [article] if article else []
        objects += [
            obj
            for obj in self.ctx.meta.jsonld
            if obj is not article and not (ld_types(obj) & NOT_THE_ARTICLE)
        ]
        for obj in objects:
            for key in keys:
                date = parse_date(ld_text(obj.get(key)))
                if date:
                    return date
        return None

    def markup(self) -> str | None:
        """``<time datetime>``, ``itemprop=datePublished``, a ``published`` abbr
        (modification dates passed over)."""
        for node in self.nodes(
            "time, [itemprop=datePublished], [itemprop=dateCreated], "
            "abbr.published, .published[title], .entry-date[title]"
        ):
            attrs = node.attributes
            text = norm(node.text() or "")
            if text.lower().startswith(("updated", "aktualisiert", "modified")):
                continue
            if "updated" in (attrs.get("class") or "").split():
                continue
            if attrs.get("itemprop") in ("dateModified", "dateUpdated"):
                continue
            value = attrs.get("datetime") or attrs.get("content") or attrs.get("title")
            date = parse_date(value) or shown_date(text)
            if date:
                return date
        return None

    def dated_element(self) -> str | None:
        """The date an element whose class says "date" shows as its whole text."""
        page = self.ctx.page
        worded = page.worded_ids(DATE_WORDS)
        for node in page.index.nodes:
            if node.mem_id not in worded:
                continue
            span = page.spans.get(node.mem_id)
            if span is None or not 0 < span[1] - span[0] <= 2:
                continue
            text = " ".join(page.lines[i].text for i in range(span[0], span[1]))
            date = shown_date(text) if len(text) <= 60 else None
            if date is None and span[1] - span[0] == 1:
                # an inline element of a longer line ("<h1><span class=date>…</span>Title")
                text = norm(node.text() or "")
                date = shown_date(text) if len(text) <= 60 else None
            if date and self.own(node):
                return date
        return None

    def field(self, selector: str) -> str | None:
        return parse_date(self.fields.first_text(selector))

    def url(self) -> str | None:
        """A date in the path of the article's URL (``/2019/08/02/slug``)."""
        match = _URL_DATE.search(unquote(urlsplit(self.ctx.url).path))
        if match is None:
            return None
        y, m, d = match.group("y", "m", "d") if match.group("y") else match.group("y2", "m2", "d2")
        return parse_date(f"{int(y):04d}-{int(m):02d}-{int(d):02d}")

    def published(self, visible: str | None, opening: Sequence[str] = ()) -> Layers:
        """The layers of the published date; ``visible``: the date line shown by the headline,
        ``opening``: the first paragraphs (lead included), whose dateline comes after the
        article's own elements."""
        meta = self.ctx.meta
        return [
            ("rdfa", lambda: self.rdfa(*RDFA_PUBLISHED)),
            ("jsonld", lambda: self.jsonld("datePublished", "dateCreated", "uploadDate")),
            ("meta", lambda: parse_date(meta.first(*META_PUBLISHED))),
            ("drupal-field", lambda: self.field("[class*=field--name-created]")),
            ("markup-class", self.markup),
            ("visible-text", lambda: shown_date(visible, self.day_first()) if visible else None),
            ("markup-class", self.dated_element),
            ("visible-text", lambda: next(filter(None, map(dateline, opening)), None)),
            ("url", self.url),
            ("visible-text", self.any_line),
        ]

    def any_line(self) -> str | None:
        """The first short line of the article's element that is a date alone, outside its
        teasers, blocks and comments."""
        root = self.fields.root
        page = self.ctx.page
        if root is None or root.tag in ("body", "html"):
            return None  # not the article's element: its sidebars' dates are not the article's
        rng = page.line_range(root)
        layout = self.ctx.layout
        mask = layout.excluded_lines()
        comments = comment_lines(self.ctx)
        teasers = layout.teaser_lines()
        day_first = self.day_first()
        for i in rng:
            text = page.lines[i].text
            if len(text) > 60 or mask[i] or comments[i] or teasers[i]:
                continue
            date = shown_date(text, day_first)
            if date and not is_update_line(text):
                return date
        return None

    def day_first(self) -> bool:
        """Whether the page writes ``05/06/2022`` day first: it is not in English."""
        for _, get in self.fields.declared_language():
            lang = get()
            if lang:
                return lang != "en"
        return False

    def reconcile(
        self, value: str | None, layer: str | None, shown: str | None, above: int = 0
    ) -> tuple[str | None, str | None]:
        """The published date against the date line shown under the headline. Where they
        name different days (and the value is not from the site's own markup, RDFa or a
        Drupal field): the same moment on the page's clock is presented in the page's zone
        (``dates.same_moment_shown``); otherwise the page's own date line wins, because
        metadata often carries the day a draft was created, not the day it was published.
        A date line more than ``TRUSTED_ABOVE`` lines above the headline (``above``) may be
        another item's: it does not overrule the metadata."""
        if value is None or shown is None or layer in ("rdfa", "drupal-field", "visible-text"):
            return value, layer
        if above > TRUSTED_ABOVE:
            return value, layer
        day_first = self.day_first()
        seen = parse_date(shown, day_first) or shown_date(shown, day_first)
        if seen is None or seen[:10] == value[:10]:
            return value, layer
        moment = same_moment_shown(value, seen)
        if moment is not None:
            return moment, layer
        return seen, "visible-text"

    def modified(self, updated: str | None) -> Layers:
        meta = self.ctx.meta
        return [
            ("rdfa", lambda: self.rdfa("schema:dateModified", "dc:modified")),
            ("jsonld", lambda: parse_date(ld_text(self.fields.ld.get("dateModified")))),
            ("meta", lambda: parse_date(meta.first(*META_MODIFIED))),
            ("drupal-field", lambda: self.field("[class*=field--name-changed]")),
            ("visible-text", lambda: shown_date(updated) if updated else None),
        ]
