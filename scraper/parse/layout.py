"""Where things are on a page: chrome, the main heading, teaser items and the blocks they sit in.

Teasers are found by what they link to, not by class names: a *run* is a group of consecutive
links to the same article (the image link, the heading link, "Read more"); its *container* is
the largest element around it that holds no other run, no block heading and not the article's
body. Blocks ("Related articles", "Popular", "Editor's choice") are found by their heading text
and reach to the next heading, the next stop line or the end of the element around them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborNode

from core.urls import (
    SECTIONS,
    canonical_link,
    is_same_site,
    node_id_from_url,
    section_of,
    surely_off_site,
)
from scraper.parse import vocab
from scraper.parse.density import is_prose
from scraper.parse.dom import Page
from scraper.parse.reading import EMPTY_SPAN

#: Chrome: navigation, banners, footers, asides and forms by tag or role, and elements whose
#: class or id has one of CHROME_WORDS as a whole word (``classwords.py``) ...
CHROME_SELECTOR = (
    "nav, footer, aside, header, form, [role=navigation], [role=banner], [role=contentinfo], "
    "[role=complementary], [role=search], [class*=site-header], [id=header], "
    "[class*=language-switcher], [class*=skip-link]"
)
CHROME_WORDS = frozenset(
    {
        "breadcrumb", "breadcrumbs", "menu", "menus", "share", "shares", "sharing", "social",
        "newsletter", "newsletters", "cookie", "cookies", "sidebar", "sidebars", "pager",
        "footer", "footers",
    }
)  # fmt: skip
#: ... but never one that holds the main heading, more than half of the page's lines, or (if
#: more than two lines) more than half of its prose (a body wrapper called
#: ``content-with-sidebar``, ``sidebar_content``).
CHROME_MAX_PROSE = 0.5
#: Class and id words of a comment section (``comment_ids``): its dates are the comments'.
COMMENT_WORDS = frozenset(
    {"comment", "comments", "respond", "reply", "replies", "discussion", "disqus", "pingback"}
)
#: Class and id words of what sits beside the article's text without being it: a picture's
#: caption, credit or legend, a gallery, a disclaimer, a box of related links, an author's box
#: (``aside_lines``).
ASIDE_WORDS = frozenset(
    {
        "caption", "captions", "gallery", "slideshow", "credit", "credits", "legend",
        "disclaimer", "disclosure", "related", "relatedposts", "rating", "ratings", "author",
        "authors", "bio",
    }
)  # fmt: skip
#: ... unless what they leave of the page's prose is less than 1/ASIDE_LEFT of what they hold.
ASIDE_LEFT = 4
NAV_SELECTOR = "nav, [role=navigation]"
NAV_WORDS = frozenset({"menu", "menus", "breadcrumb", "breadcrumbs", "pager"})
TITLE_CLASS_SELECTOR = "[class*=title], [class*=heading], [class*=header]"
BODY_FIELD_SELECTOR = (
    "[property='schema:text'], .field--name-body, [itemprop=articleBody], [class*=article-body], "
    "[class*=article__body], [class*=story-body], [class*=entry-content], "
    "[class*=articleBody], [class*=ArticleBody], [class*=storyBody], [class*=StoryBody]"
)
MAX_ITEM_LINES = 12
#: A teaser item holds at most this much prose (its teaser paragraph): an element with more
#: is the article around a link, not an item.
MAX_ITEM_PROSE = 600
_CONTAINER_DEPTH = 16  # a teaser's container is at most this many levels above its link
_NOT_ARTICLE_FIRST = frozenset(
    {
        "region", "theme", "taxonomy", "voices", "user", "users", "search", "sites", "files",
        "contact", "about", "about-us", "newsletter", "subscribe", "rss", "feed", "admin",
        "filter", "core", "themes", "modules", "libraries", "node", "index.php", "privacy",
        "privacy-policy", "cookies", "terms", "sitemap", "tags", "tag", "category", "author",
    }
)  # fmt: skip
_FILE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|zip|mp[34]|css|js|xml)$", re.I)


@lru_cache(maxsize=8192)
def is_article_url(url: str) -> bool:
    """Whether a (canonical) URL looks like an article of the site rather than a listing/page."""
    parts = urlsplit(url)
    path = parts.path
    if _FILE_EXT.search(path):
        return False
    if path == "/index.php":
        query = parse_qs(parts.query)
        return "news_id" in query
    if node_id_from_url(url) is not None:
        return True
    segments = [s for s in path.split("/") if s]
    if segments and segments[0] in ("ru", "en"):
        segments = segments[1:]
    if not segments:
        return False
    if section_of(url) in SECTIONS:
        return len(segments) >= 2
    if len(segments) == 1 and segments[0] not in _NOT_ARTICLE_FIRST:
        return segments[0].count("-") >= 2
    return False


@dataclass
class Run:
    """Consecutive links to one article: one teaser item."""

    url: str
    links: list[int]
    first_line: int
    container: int = 0
    start: int = 0  # the item's lines: [start, end)
    end: int = 0


@dataclass
class Block:
    kind: str  # "related", "popular" or "editors"
    heading: int  # line index of its heading
    end: int  # line index where it ends (exclusive)
    runs: list[Run] = field(default_factory=list)


def _masks(page: Page, ids: set[int]) -> tuple[bytearray, bytearray]:
    """Masks of the lines and of the links that the elements ``ids`` hold."""
    lines, links = bytearray(len(page.lines)), bytearray(len(page.links))
    spans = page.spans
    for mid in ids:
        span = spans.get(mid)
        if span is not None:
            a, b, c, d = span[:4]
            if b > a:
                lines[a:b] = b"\x01" * (b - a)
            if d > c:
                links[c:d] = b"\x01" * (d - c)
    return lines, links


class Layout:
    """The regions of one page (see the module docstring)."""

    def __init__(self, page: Page, page_url: str, base: str, self_urls: set[str]) -> None:
        self.page = page
        self._excluded: bytearray | None = None
        self._teasers: bytearray | None = None
        self._comments: set[int] | None = None
        self._comment_lines: bytearray | None = None
        self._aside_lines: bytearray | None = None
        lines, links = page.lines, page.links
        n_lines = len(lines)
        self.links_on_line: dict[int, list[int]] = {}
        for j, link in enumerate(links):
            self.links_on_line.setdefault(link.line, []).append(j)
        self.origin = _origin(page_url)
        self.page_url = page_url
        hrefs = [link.href for link in links]
        self.link_urls = LinkURLs(hrefs, _resolver(base))
        # asked of every link by the teaser runs and again by the article's links
        self._off_site = [surely_off_site(href, page_url) for href in hrefs]
        spans, most = page.spans, max(n_lines, 2)
        # never an element that holds most of the page: a <body> whose class names the
        # theme's state ("mega-menu-primary", "breadcrumbs-visible") is not navigation
        nav = {
            mid
            for mid in page.shown_ids(NAV_SELECTOR) | page.worded_ids(NAV_WORDS)
            if (span := spans.get(mid)) is not None and (span[1] - span[0]) * 2 <= most
        }
        self.nav_lines, self.nav_links = _masks(page, nav)
        self.h1 = self._find_h1(self_urls)
        #: prefix sums of the prose characters of the lines (``density.is_prose``)
        self.prose = prose = [0]
        for line in lines:
            prose.append(prose[-1] + (line.chars - line.link_chars if is_prose(line) else 0))
        self.chrome = self._minor(page.shown_ids(CHROME_SELECTOR) | page.worded_ids(CHROME_WORDS))
        self.chrome_lines, self.chrome_links = _masks(page, self.chrome)
        self.main_body = self._main_body()
        title_ids = page.shown_ids(TITLE_CLASS_SELECTOR)
        self.headings: list[tuple[int, str]] = []
        self.stops: list[int] = []
        nav_lines = self.nav_lines
        for i, line in enumerate(lines):
            if nav_lines[i] or len(line.text) > 60:
                continue
            kind, flag, stop = vocab.block_mark(line.text)
            if kind and (not flag or 1 <= line.heading <= 3 or line.block in title_ids):
                self.headings.append((i, kind))
            elif stop:
                self.stops.append(i)
        self.runs = self._runs(page_url, self_urls)
        self._place_runs()
        self.blocks = self._blocks()

    def _minor(self, ids: set[int]) -> set[int]:
        """Those of the elements ``ids`` that may be left out of the article: none that holds
        the main heading, more than half of the page's lines or (if more than two lines) more
        than half of its prose."""
        spans, prose, h1 = self.page.spans, self.prose, self.h1
        most, most_prose = max(len(self.page.lines), 2), prose[-1] * CHROME_MAX_PROSE
        return {
            mid
            for mid in ids
            if (span := spans.get(mid)) is not None
            and not (h1 is not None and span[0] <= h1 < span[1])
            and (span[1] - span[0]) * 2 <= most
            and (prose[span[1]] - prose[span[0]] <= most_prose or span[1] - span[0] < 3)
        }

    # -- the main heading and body --------------------------------------------------------

    def _find_h1(self, self_urls: set[str]) -> int | None:
        """The article's ``<h1>``: the first that is not navigation and not a link away from
        the page (the site's logo or name, a section's name, all linked); a headline that
        links to the article itself counts."""
        for i, line in enumerate(self.page.lines):
            if line.heading != 1 or self.nav_lines[i]:
                continue
            if line.link_chars >= line.chars:
                urls = [self.link_urls[j] for j in self.links_on_line.get(i, [])]
                if not urls or any(u is None or u not in self_urls for u in urls):
                    continue  # a link elsewhere: the site's name, not the article's
            return i
        return None

    def _main_body(self) -> int:
        page = self.page
        spans, lines = page.spans, page.lines
        best, best_chars = 0, 0
        self.main_body_node: LexborNode | None = None
        for node in page.shown(BODY_FIELD_SELECTOR):
            a, b = spans.get(node.mem_id, EMPTY_SPAN)[:2]
            if b > a and (self.chrome_lines[a] or self.nav_lines[a]):
                continue
            chars = sum([lines[i].chars for i in range(a, b)])
            if chars > best_chars:
                best, best_chars, self.main_body_node = node.mem_id, chars, node
        a, b = spans.get(best, EMPTY_SPAN)[:2]
        if b - a >= 2 or best_chars >= 400:
            return best
        self.main_body_node = None
        return 0

    # -- teaser runs -------------------------------------------------------------------------

    def _runs(self, page_url: str, self_urls: set[str]) -> list[Run]:
        page, link_urls, origin = self.page, self.link_urls, self.origin
        links, nav, off_site = page.links, self.nav_links, self._off_site
        body_start, body_end = page.span(self.main_body)[2:4] if self.main_body else (0, 0)
        bounds = sorted([i for i, _ in self.headings] + self.stops)  # an item never spans these
        runs: list[Run] = []
        last: Run | None = None
        for j, link in enumerate(links):
            if nav[j] or off_site[j] or body_start <= j < body_end:
                continue
            # the shape first: canonicalising the URL costs more, and most links fail the shape
            if not (link.has_img or link.heading or self._owns_lines(j)):
                continue
            url = link_urls[j]
            if (
                url is None
                or url in self_urls
                or not (url.startswith(origin) or is_same_site(url, page_url))
                or not is_article_url(url)
            ):
                continue
            if (
                last is not None
                and last.url == url
                and not _crosses(bounds, links[last.links[-1]].line, link.line)
            ):
                last.links.append(j)  # the same item again (image link, title link, "Read more")
            else:
                last = Run(url, [j], link.line)
                runs.append(last)
        return runs

    def off_site(self, j: int) -> bool:
        """Whether link ``j`` surely leads off the site (decided without canonicalising it)."""
        return self._off_site[j]

    def _owns_lines(self, j: int) -> bool:
        """Whether link ``j`` makes up the whole of the lines it is on (not a link in prose)."""
        page = self.page
        link = page.links[j]
        a, b = page.span(link.path[-1])[:2]
        if b <= a or not link.text:
            return False
        return all(line.link_chars >= line.chars for line in page.lines[a:b])

    def _place_runs(self) -> None:
        page, runs = self.page, self.runs
        links, spans, tags = page.links, page.spans, page.tags
        # No item's container: an element close above the links of more than one run, or one
        # that holds a block heading, a stop line, the h1 or the article's body.
        barred: set[int] = set()
        seen: set[int] = set()
        for run in runs:
            above: set[int] = set()
            for j in run.links:
                above.update(links[j].path[-_CONTAINER_DEPTH:])
            barred.update(above.intersection(seen))
            seen.update(above)
        marks = [i for i, _ in self.headings] + self.stops
        if self.h1 is not None:
            marks.append(self.h1)
        for i in marks:
            block = page.lines[i].block
            barred.add(block)
            barred.update(page.ancestors(block))
        if self.main_body:
            barred.add(self.main_body)
            barred.update(page.ancestors(self.main_body))
        for run in runs:
            container = 0
            for anc in reversed(links[run.links[0]].path[-_CONTAINER_DEPTH:]):
                if anc in barred or tags.get(anc) in ("html", "body", "main"):
                    break
                span = spans.get(anc, EMPTY_SPAN)
                if span[1] - span[0] > MAX_ITEM_LINES:
                    break
                if self.prose[span[1]] - self.prose[span[0]] > MAX_ITEM_PROSE:
                    break  # the article's own paragraphs around a link in them
                container = anc
            span = spans.get(container, EMPTY_SPAN)
            if span[2] <= run.links[0] and run.links[-1] < span[3] and span[1] > span[0]:
                run.container, run.start, run.end = container, span[0], span[1]
            else:
                run.container = 0
        # Items without a container of their own ("flat" lists): from the first link, reaching
        # back over a flag and a type label, up to the next item.
        for run in runs:
            if run.container:
                continue
            start = run.first_line
            while start > 0 and start - 1 not in marks and _is_label(page.lines[start - 1].text):
                start -= 1
            run.start = start
        for r, run in enumerate(runs):
            if run.container:
                continue
            nxt = runs[r + 1].start if r + 1 < len(runs) else len(page.lines)
            later = [i for i in marks if i > run.first_line]
            run.end = min([nxt, *later]) if later else nxt
            # no longer than an item in a container may be: past that, what follows the link
            # is the article after a list of links (the first line is the link's own)
            first = run.first_line + 1
            most = bisect_right(self.prose, self.prose[first] + MAX_ITEM_PROSE, first) - 1
            run.end = max(min(run.end, run.first_line + MAX_ITEM_LINES, most), first)
        n_lines = len(page.lines)
        for run in runs:  # a link at the very end may point past the last line
            if run.end > n_lines:  # (every item ends after it starts)
                run.start, run.end = min(run.start, n_lines), n_lines

    # -- blocks -----------------------------------------------------------------------------

    def _blocks(self) -> list[Block]:
        page, h1 = self.page, self.h1
        blocks: list[Block] = []
        items = bytearray(len(page.lines))  # the lines of teaser items
        for run in self.runs:
            items[run.start : run.end] = b"\x01" * max(0, run.end - run.start)
        bounds = [i for i, _ in self.headings] + self.stops
        if h1 is not None:
            bounds.append(h1)
        bounds.sort()
        for i, kind in self.headings:
            k = bisect_right(bounds, i)
            end = bounds[k] if k < len(bounds) else len(page.lines)
            for anc in page.ancestors(page.lines[i].block):
                span = page.spans.get(anc)
                if span and span[1] > i + 1:
                    if not (h1 is not None and span[0] <= h1 < span[1] and h1 < i):
                        end = min(end, span[1])
                    break
            end = self._prose_after(i, end, items)
            block = Block(kind, i, end)
            block.runs = [run for run in self.runs if i < run.first_line < end]
            for run in block.runs:
                run.end = min(run.end, end)
            blocks.append(block)
        return blocks

    def _prose_after(self, i: int, end: int, items: bytearray) -> int:
        """Where a block headed at line ``i`` ends at the latest: before two lines of prose in
        a row that are no teaser item's (the article going on after a "see also" line; an
        item's teaser paragraph is one line)."""
        lines, prose = self.page.lines, self.prose
        if prose[end] - prose[i + 1] == 0:
            return end
        for j in range(i + 1, end - 1):
            if not items[j] and not items[j + 1] and is_prose(lines[j]) and is_prose(lines[j + 1]):
                return j
        return end

    def block_runs(self, *kinds: str) -> set[int]:
        """ids (``id(run)``) of runs inside blocks of the given kinds."""
        return {id(run) for b in self.blocks if b.kind in kinds for run in b.runs}

    def comment_ids(self) -> set[int]:
        """mem_ids of the elements whose class or id says they hold comments."""
        if self._comments is None:
            self._comments = self.page.worded_ids(COMMENT_WORDS)
        return self._comments

    def comment_lines(self) -> bytearray:
        """A mask of the lines inside comment sections (``comment_ids``)."""
        if self._comment_lines is None:
            self._comment_lines = _masks(self.page, self.comment_ids())[0]
        return self._comment_lines

    def aside_lines(self, prose: list[int]) -> bytearray:
        """A mask of the lines of pictures' captions and credits, galleries and comment
        sections (by their class words), which the body's reading passes over (never an
        element that holds the body field: see also ``_minor``). ``prose``: prefix sums of
        the prose the layout does not leave out (``density.line_worth``)."""
        if self._aside_lines is None:
            page, spans = self.page, self.page.spans
            keep = [self.main_body, *page.ancestors(self.main_body)] if self.main_body else []
            chosen: set[int] = set()
            # comments last: on a forum's page the posts are what the page holds
            for words in (page.worded_ids(ASIDE_WORDS), self.comment_ids()):
                ids = chosen | self._minor(words).difference(keep)
                held = end = 0
                for a, b in sorted(spans[mid][:2] for mid in ids):
                    a = max(a, end)  # the lines of nested and overlapping elements count once
                    if b > a:
                        held += prose[b] - prose[a]
                        end = b
                if (prose[-1] - held) * ASIDE_LEFT < held:
                    break  # next to nothing left outside them: they are what the page holds
                chosen = ids
            self._aside_lines = _masks(page, chosen)[0]
        return self._aside_lines

    def teaser_lines(self) -> bytearray:
        """A mask of the lines of teaser items and of Related / Popular / Editor's choice
        blocks (the chrome left out)."""
        if self._teasers is None:
            mask = bytearray(len(self.page.lines))
            for run in self.runs:
                mask[run.start : run.end] = b"\x01" * max(0, run.end - run.start)
            for block in self.blocks:
                mask[block.heading : block.end] = b"\x01" * (block.end - block.heading)
            self._teasers = mask
        return self._teasers

    def excluded_lines(
        self, kinds: tuple[str, ...] = ("related", "popular", "editors")
    ) -> bytearray:
        """A mask of lines that belong to chrome, teaser items or the given blocks (the
        default mask is computed once and shared: callers only read it)."""
        default = kinds == ("related", "popular", "editors")
        if default and self._excluded is not None:
            return self._excluded
        mask = bytearray(self.chrome_lines)
        for run in self.runs:
            mask[run.start : run.end] = b"\x01" * max(0, run.end - run.start)
        for block in self.blocks:
            if block.kind in kinds:
                mask[block.heading : block.end] = b"\x01" * (block.end - block.heading)
        if default:
            self._excluded = mask
        return mask


_SIMPLE_PATH = re.compile(r"^/(?!/|index\.php)[A-Za-z0-9\-._~/]*$")


def _origin(url: str) -> str:
    """``scheme://host[:port]/`` of ``url`` in canonical form."""
    split = urlsplit(canonical_link(url, url) or url)
    return f"{split.scheme}://{split.netloc}/"


class LinkURLs:
    """The canonical URL of each link of a page (None if not a web link), worked out when first
    asked for: links off the site, such as share buttons carrying the page's address in their
    query, are seldom asked about and cost the most to normalise."""

    def __init__(self, hrefs: list[str], resolve: Callable[[str], str | None]) -> None:
        self._hrefs = hrefs
        self._resolve = resolve
        self._urls: dict[int, str | None] = {}

    def __getitem__(self, j: int) -> str | None:
        if j in self._urls:
            return self._urls[j]
        url = self._urls[j] = self._resolve(self._hrefs[j])
        return url

    def __len__(self) -> int:
        return len(self._hrefs)


def _resolver(base: str) -> Callable[[str], str | None]:
    """``canonical_link`` against ``base``, remembered per href, with a fast path for the
    common ``/section/slug`` form (pages repeat the same links many times)."""
    origin = _origin(base).rstrip("/")
    cache: dict[str, str | None] = {}

    def resolve(href: str) -> str | None:
        if href in cache:
            return cache[href]
        if _SIMPLE_PATH.match(href):
            value: str | None = origin + (href.rstrip("/") or "/")
        else:
            value = canonical_link(href, base)
        cache[href] = value
        return value

    return resolve


def _crosses(bounds: list[int], a: int, b: int) -> bool:
    """Whether a line index in the sorted ``bounds`` lies in ``(a, b]``."""
    k = bisect_right(bounds, a)
    return k < len(bounds) and bounds[k] <= b


def _is_label(text: str) -> bool:
    return vocab.is_flag(text) or vocab.is_type_label(text) or vocab.key(text) == "trending"
