"""The desk's markup: every page readable by assistive technology and usable without
JavaScript — a language, landmarks, one top heading and no skipped levels, a label for every
field, captions and header cells on tables, a title on every frame, nothing that needs a
script (no script elements, no inline handlers, links and forms that are plain GETs)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from urllib.parse import quote

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from desk import Desk
from tests.desk_server import running
from tests.provenance_archive import PEACE, QUOTE, build_archive


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The HTML of every kind of desk page, by name."""
    archive = tmp_path_factory.mktemp("markup") / "archive"
    caps = build_archive(archive)
    desk: Desk
    with running(archive) as desk, httpx.Client(base_url=desk.url, timeout=30) as client:
        rid = quote(caps["peace-1"].record_id, safe="")
        paths = {
            "start": "/",
            "results": f"/?q={quote(QUOTE)}",
            "no match": "/?q=zebras+cross+the+frozen+lake",
            "bad query": "/?q=a",
            "article": f"/article?url={quote(PEACE, safe='')}",
            "capture": f"/capture?id={rid}",
            "not found": "/article?url=https%3A%2F%2Fexample.org%2Fnope",
        }
        yield {name: client.get(path).text for name, path in paths.items()}


NAMES = ("start", "results", "no match", "bad query", "article", "capture", "not found")


@pytest.mark.parametrize("name", NAMES)
def test_landmarks_language_and_headings(pages: dict[str, str], name: str) -> None:
    """A language, a banner with a search landmark, one main, a footer, a skip link; exactly
    one h1, and heading levels that never skip (h2 → h4)."""
    tree = HTMLParser(pages[name])
    assert tree.css_first("html").attributes.get("lang") == "en"
    assert len(tree.css("header")) == 1 and len(tree.css("main#main")) == 1
    assert len(tree.css("footer")) == 1 and tree.css_first('form[role="search"]') is not None
    assert tree.css_first('a.skip[href="#main"]') is not None
    levels = [int(h.tag[1]) for h in tree.css("h1, h2, h3, h4, h5, h6")]
    assert levels.count(1) == 1 and levels[0] == 1, levels
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
    assert tree.css_first("title").text().strip()


@pytest.mark.parametrize("name", NAMES)
def test_every_field_is_labelled_and_tables_have_headers(pages: dict[str, str], name: str) -> None:
    """Each textarea, input and select has a <label for> (or an aria-label); each table has a
    caption and header cells with a scope; each frame has a title."""
    tree = HTMLParser(pages[name])
    labels = {node.attributes.get("for") for node in tree.css("label")}
    for field in tree.css("textarea, input, select"):
        attrs = field.attributes
        assert (
            attrs.get("type") == "hidden" or attrs.get("id") in labels or attrs.get("aria-label")
        ), field.html
    for table in tree.css("table"):
        assert table.css_first("caption") is not None, table.html[:80]
        assert all(th.attributes.get("scope") for th in table.css("thead th"))
    for frame in tree.css("iframe"):
        assert (frame.attributes.get("title") or "").strip()


@pytest.mark.parametrize("name", NAMES)
def test_nothing_needs_javascript(pages: dict[str, str], name: str) -> None:
    """No script, no inline event handler, no javascript: link; every form is a GET to the
    desk, so search works as a plain form submission."""
    tree = HTMLParser(pages[name])
    assert tree.css("script") == []
    for node in tree.css("*"):
        assert not [a for a in node.attributes if a.lower().startswith("on")], node.tag
    for link in tree.css("a[href]"):
        assert not (link.attributes.get("href") or "").strip().lower().startswith("javascript:")
    for form in tree.css("form"):
        assert form.attributes.get("method") == "get" and form.attributes.get("action") == "/"


def test_the_results_page_is_ordered_and_the_badges_are_words(pages: dict[str, str]) -> None:
    """Results are an ordered list (rank matters); a badge is a word, not a colour alone."""
    tree = HTMLParser(pages["results"])
    assert tree.css("ol.results > li")
    assert {b.text() for b in tree.css(".badge")} == {"verified"}
