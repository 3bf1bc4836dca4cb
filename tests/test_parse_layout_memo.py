"""The layout's and the vocabulary's memos and shortcuts answer exactly as the plain definitions.

Each test checks a faster formulation against the plain one it replaced (kept here as the
reference), on the site's own vocabulary, on the fixture pages and on random input.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from core import urls
from core.errors import ParseError
from scraper.parse import vocab
from scraper.parse.context import build_context
from scraper.parse.layout import _CONTAINER_DEPTH, MAX_ITEM_LINES, Layout, _crosses
from scraper.parse.memo import MEMO_SIZE

URL = "https://www.commonspace.eu/news/some-article-slug"
PAGES = Path(__file__).parent / "fixtures" / "pages"
FIXTURES = sorted(PAGES.glob("*.html"))
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|all rights reserved", re.I)
_READ_TIME = re.compile(r"^\d+\s*(?:min|minute)s?\s*(?:read)?$", re.I)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})

LABELS = (
    vocab.TYPE_LABELS
    | vocab.FLAG_LABELS
    | vocab.DECORATION_LABELS
    | vocab.STOP_LINES
    | vocab.UI_LINES
    | set(vocab.BLOCK_HEADINGS)
)
WORDS = [*sorted(LABELS), "3 min read", "12 minutes", "© 2024 x", "Copyright 2020", "copyrighted"]
TEXTS = sorted(
    {
        variant
        for word in WORDS
        for variant in (
            word,
            word.upper(),
            word.title(),
            f"  {word}: ",
            word + "…",
            word.replace("'", "’"),
            word + " " + word,
        )
    }
)


# -- the plain definitions -----------------------------------------------------------------


def plain_key(text: str) -> str:
    if "’" in text or "‘" in text or "`" in text or "´" in text:
        text = text.translate(_APOSTROPHES)
    return text.lower().strip().rstrip(":.…").strip()


def plain_answers(text: str) -> tuple[object, ...]:
    k = plain_key(text)
    short = len(text) <= vocab.MAX_LABEL
    return (
        k,
        short and k in vocab.FLAG_LABELS,
        short and k in vocab.TYPE_LABELS,
        short
        and (k in vocab.UI_LINES or k in vocab.DECORATION_LABELS or bool(_READ_TIME.match(k))),
        (
            vocab.BLOCK_HEADINGS.get(k),
            k in vocab.AMBIGUOUS_HEADINGS,
            k in vocab.STOP_LINES
            or k.startswith(vocab.STOP_PREFIXES)
            or (len(text) < 200 and bool(_COPYRIGHT.search(text))),
        ),
    )


def answers(text: str) -> tuple[object, ...]:
    return (
        vocab.key(text),
        vocab.is_flag(text),
        vocab.is_type_label(text),
        vocab.is_ui(text),
        vocab.block_mark(text),
    )


# -- vocabulary ----------------------------------------------------------------------------


def test_remembered_answers_are_the_plain_ones() -> None:
    """Asked once (worked out) and again (remembered), every test answers as defined."""
    for text in [*TEXTS, "All rights reserved.", "İnfo"]:
        assert answers(text) == plain_answers(text), text
        assert answers(text) == plain_answers(text), text


@given(st.text(max_size=80))
def test_remembered_answers_on_any_text(text: str) -> None:
    assert answers(text) == plain_answers(text)
    assert answers(text) == plain_answers(text)


def test_memos_are_bounded() -> None:
    for n in range(MEMO_SIZE + 10):
        answers(f"line {n}")
    for memo in (vocab._KEYS, vocab._KINDS, vocab._MARKS):
        assert 0 < len(memo) <= MEMO_SIZE
    long = "x" * (vocab.MEMO_CHARS + 1)
    assert vocab.key(long) == long and long not in vocab._KEYS
    assert vocab.block_mark(long) == (None, False, False) and long not in vocab._MARKS


# -- layout --------------------------------------------------------------------------------


@given(st.lists(st.integers(0, 30)), st.integers(-1, 31), st.integers(-1, 31))
def test_crosses_is_any_bound_in_between(bounds: list[int], a: int, b: int) -> None:
    bounds.sort()
    assert _crosses(bounds, a, b) == any(a < x <= b for x in bounds)


@given(st.text(max_size=40).filter(lambda s: not s.startswith("/")))
def test_a_path_is_never_surely_off_site(rest: str) -> None:
    """Layout answers ``off_site`` at once for a link starting with a single "/"."""
    for site in ("https://www.commonspace.eu/news/x", "http://example.org:8080/a"):
        assert not urls.surely_off_site("/" + rest, site)


def fixture_layouts() -> list[Layout]:
    out = []
    for page in FIXTURES:
        spec = json.loads(page.with_name(page.stem + ".expected.json").read_text())
        try:
            out.append(build_context(page.read_bytes(), spec["input"]["url"]).layout)
        except ParseError:  # not a page: no layout
            continue
    return out


def plain_containers(layout: Layout) -> list[int]:
    """Each run's container as ``Layout._place_runs`` first worked it out (a dict per element)."""
    page, runs = layout.page, layout.runs
    under: dict[int, int] = {}
    for r, run in enumerate(runs):
        for j in run.links:
            for anc in page.links[j].path[-_CONTAINER_DEPTH:]:
                if under.setdefault(anc, r) != r:
                    under[anc] = -1
    forbidden: set[int] = set()
    marks = [i for i, _ in layout.headings] + layout.stops
    if layout.h1 is not None:
        marks.append(layout.h1)
    for i in marks:
        forbidden.add(page.lines[i].block)
        forbidden.update(page.ancestors(page.lines[i].block))
    if layout.main_body:
        forbidden.add(layout.main_body)
        forbidden.update(page.ancestors(layout.main_body))
    out = []
    for r, run in enumerate(runs):
        container = 0
        for anc in reversed(page.links[run.links[0]].path[-_CONTAINER_DEPTH:]):
            if (
                anc in forbidden
                or under.get(anc) != r
                or page.tags.get(anc) in ("html", "body", "main")
                or len(page.line_range(anc)) > MAX_ITEM_LINES
            ):
                break
            container = anc
        span = page.span(container) if container else None
        fits = span and span[2] <= run.links[0] and run.links[-1] < span[3] and span[1] > span[0]
        out.append(container if fits else 0)
    return out


def test_layout_shortcuts_on_fixture_pages() -> None:
    layouts = fixture_layouts()
    assert sum(len(layout.runs) for layout in layouts) > 20
    for layout in layouts:
        page = layout.page
        assert [run.container for run in layout.runs] == plain_containers(layout)
        for j, link in enumerate(page.links):
            assert layout.off_site(j) == urls.surely_off_site(link.href, layout.page_url)


def test_off_site_of_every_kind_of_link() -> None:
    hrefs = ["/news/a-b-c", "//example.org/x", "//www.commonspace.eu/y", "https://x.com/s", "#top"]
    html = "".join(f'<p><a href="{href}">link {n}</a></p>' for n, href in enumerate(hrefs))
    layout = build_context(f"<html><body>{html}</body></html>".encode(), URL).layout
    assert [link.href for link in layout.page.links] == hrefs
    for j, href in enumerate(hrefs):
        assert layout.off_site(j) == urls.surely_off_site(href, layout.page_url)
    assert [layout.off_site(j) for j in range(len(hrefs))] == [False, True, False, True, False]
