"""`scrape serve` in a real browser: Debian's Chromium under Playwright, on an archive crawled
from the sample site over HTTP.

A journalist's path through the desk: type a quote, see its article first with a verified
badge; see TAMPERED once a stored byte changes; open the page as it was served and find the
archived title in the frame, with no request leaving the desk's two ports; download the WACZ
and check it with `scrape verify`. The same search also works with JavaScript turned off.

Chromium and Playwright come from ``make browsers`` (``tests/browser.py``); without them these
tests fail, they are not skipped.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

import cli
import cmdline
from desk import Desk
from tests.browser import chromium
from tests.desk_screens import take_screenshots
from tests.desk_server import running, unique_quote


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium under Playwright, for the module."""
    with chromium() as running_browser:
        yield running_browser


@pytest.fixture(scope="module")
def desk(crawled_archive: Path) -> Iterator[Desk]:
    with running(crawled_archive) as served:
        yield served


@pytest.fixture(scope="module")
def quoted(crawled_archive: Path) -> tuple[dict[str, Any], str]:
    """An article of the crawled archive and a run of its words no other article has."""
    return unique_quote(crawled_archive)


class Watched:
    """A browser context whose every request is recorded, with those its page's CSP stopped
    before they were sent; any request to another host than 127.0.0.1 is aborted (and still
    recorded), so a test can never reach out and can see if it tried."""

    def __init__(self, browser: Any, **options: Any) -> None:
        self.context = browser.new_context(accept_downloads=True, **options)
        self.requests: list[Any] = []
        self.blocked: list[Any] = []  # stopped by a Content-Security-Policy: never sent
        self.context.on("request", lambda request: self.requests.append(request))
        self.context.on("requestfailed", self._failed)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()

    def _failed(self, request: Any) -> None:
        if request.failure == "csp":
            self.blocked.append(request)

    @staticmethod
    def _route(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    def sent(self) -> list[str]:
        """The URLs of the requests that went out (not stopped by a CSP)."""
        return [r.url for r in self.requests if r not in self.blocked]

    def ports(self) -> set[tuple[str | None, int | None]]:
        """(host, port) of every request sent so far."""
        return {(urlsplit(u).hostname, urlsplit(u).port) for u in self.sent()}

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.close()


def type_quote(page: Any, desk_url: str, text: str) -> None:
    """Open the desk, type ``text`` in the search box, press the button."""
    page.goto(desk_url)
    page.get_by_role("textbox", name="Find a quote").fill(text)
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("main h1")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_typing_a_quote_shows_its_article_first_verified(
    browser: Any, desk: Desk, quoted: tuple[dict[str, Any], str], javascript: bool
) -> None:
    """Typed in the box (with JavaScript on or off), the quote's article is the first result,
    its words marked and every capture shown verified."""
    doc, text = quoted
    w = Watched(browser, java_script_enabled=javascript)
    try:
        type_quote(w.page, desk.url, f"“{text}”")
        first = w.page.locator("ol.results > li").first
        assert first.locator("h2").inner_text().strip() == doc["title"]
        marked = " ".join(first.locator("mark").all_inner_texts())
        assert re.findall(r"\w+", marked) == re.findall(r"\w+", text)
        assert first.locator(".meta .badge").inner_text() == "verified"
        badges = first.locator("table.captures .badge").all_inner_texts()
        assert badges and set(badges) == {"verified"}
        assert w.ports() == {("127.0.0.1", desk.port)}
    finally:
        w.close()


def test_a_tampered_byte_shows_tampered_on_reload(
    browser: Any, crawled_archive: Path, tmp_path: Path, quoted: tuple[dict[str, Any], str]
) -> None:
    """One byte of the article's WARC record changed while the page is open: on reload the
    result says TAMPERED for that capture and the article is no longer shown verified."""
    doc, text = quoted
    archive = tmp_path / "archive"
    shutil.copytree(crawled_archive, archive)
    with running(archive) as desk:
        w = Watched(browser)
        try:
            type_quote(w.page, desk.url, text)
            first = w.page.locator("ol.results > li").first
            assert first.locator(".meta .badge").inner_text() == "verified"
            capture = doc["capture"]
            warc = archive / "warc" / capture["warc_file"]
            data = bytearray(warc.read_bytes())
            data[capture["offset"] + capture["length"] // 2] ^= 0x20
            warc.write_bytes(bytes(data))
            w.page.reload()
            first = w.page.locator("ol.results > li").first
            assert first.locator(".meta .badge").inner_text() == "not verified"
            row = first.locator("tr", has_text=capture["record_id"])
            assert row.locator(".badge").inner_text() == "TAMPERED"
        finally:
            w.close()


def test_the_capture_frame_shows_the_archived_page_and_nothing_leaves(
    desk: Desk, watched: Watched, quoted: tuple[dict[str, Any], str], site_url: str
) -> None:
    """The capture page frames the page as served: its archived title is visible in the frame,
    and the only requests sent went to the desk's two ports on 127.0.0.1 — none to the site
    the page came from, none anywhere else: its stylesheet and images are stopped by the
    capture origin's CSP before they are sent, and its scripts never run."""
    doc, _ = quoted
    record_id = doc["capture"]["record_id"]
    watched.page.goto(f"{desk.url}capture?id={quote(record_id, safe='')}")
    frame_element = watched.page.locator("iframe.served")
    assert frame_element.get_attribute("sandbox") == ""
    frame = frame_element.element_handle().content_frame()
    assert frame is not None and urlsplit(frame.url).port == desk.capture_port
    headline = frame.locator("h1").first
    headline.wait_for(state="visible")
    assert " ".join(headline.inner_text().split()) == doc["title"]
    watched.page.wait_for_load_state("networkidle")
    assert watched.ports() == {("127.0.0.1", desk.port), ("127.0.0.1", desk.capture_port)}
    assert not [u for u in watched.sent() if u.startswith(site_url)]
    from_frame = [u for u in watched.sent() if urlsplit(u).port == desk.capture_port]
    assert len(from_frame) == 1, from_frame  # the page itself, nothing it refers to
    assert len(watched.blocked) >= 3  # its stylesheet, logo and images: asked for, never sent


def test_the_downloaded_wacz_passes_scrape_verify(
    desk: Desk, watched: Watched, quoted: tuple[dict[str, Any], str], tmp_path: Path
) -> None:
    """The article page's download button gives the article's WACZ; `scrape verify FILE`
    checks it and exits 0."""
    doc, _ = quoted
    watched.page.goto(f"{desk.url}article?url={quote(doc['url'], safe='')}")
    with watched.page.expect_download() as download:
        watched.page.get_by_role("link", name="Download the WACZ bundle").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".wacz" and saved.stat().st_size > 0
    code = cmdline.run(cli.app, ["verify", str(saved)])
    assert code == 0


def test_screenshots_of_the_search_and_article_pages(
    browser: Any, desk: Desk, quoted: tuple[dict[str, Any], str], tmp_path: Path
) -> None:
    """The README's screenshots are taken by this machinery (``make screenshots``): two PNGs
    of the desk's search and article pages, small enough to commit."""
    doc, text = quoted
    shots = take_screenshots(browser, desk.url, text, doc["url"], tmp_path)
    assert [p.name for p in shots] == ["desk-search.png", "desk-article.png"]
    for shot in shots:
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and 10_000 < len(data) < 400_000
