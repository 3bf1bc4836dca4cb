"""Replay in a real browser: Chromium opens the evidence bundle in ReplayWeb.page and the
archive in pywb, and the archived article is there to read.

Chromium, Playwright and ReplayWeb.page come from ``make browsers`` (``tests/browser.py``);
without them these tests fail, they are not skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import Index, build_bundle, prepare_replay
from archive.cdxj import parse_cdxj_line
from tests.browser import chromium, replay_page, static_site
from tests.pywb_server import free_port, serving
from tests.samplesite import SampleSite

POLL_MS = 200
POLLS = 150  # how often a test looks for the replay frame before it reloads the page
LOADS = 4  # ReplayWeb.page's first load can stall while its service worker starts; a reader reloads


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium under Playwright, for the module."""
    with chromium() as running:
        yield running


def words(text: str) -> str:
    return " ".join(text.split())


def replay_frame(page: Any, url: str) -> Any:
    """The frame in which ReplayWeb.page shows the archived ``url`` (its ``mp_`` frame)."""
    said: list[str] = []
    page.on("console", lambda message: said.append(f"{message.type}: {message.text}"))
    for load in range(LOADS):
        if load:
            page.reload()
        for _ in range(POLLS):
            for frame in page.frames:
                if "mp_/" in frame.url and frame.url.endswith(url):
                    return frame
            page.wait_for_timeout(POLL_MS)
    raise AssertionError(
        f"ReplayWeb.page never showed {url} in {LOADS} loads; frames: {page.frames}; "
        f"console: {said[-20:]}"
    )


def assert_shows(frame: Any, article: dict[str, Any]) -> None:
    """The archived article is rendered in ``frame``: its title, its lede and its body."""
    frame.wait_for_selector("h1", timeout=60_000)
    assert words(frame.inner_text("h1")) == article["title"]
    assert article["title"] in frame.title()
    text = words(frame.inner_text("body"))
    for paragraph in [article.get("lede"), *article["body"]]:
        if paragraph:
            assert words(paragraph) in text


def latest(archive: Path, url: str) -> dict[str, Any]:
    with Index.open(archive) as index:
        return next(a for a in index.latest_articles() if a["url"] == url)


def an_article(archive: Path) -> dict[str, Any]:
    """An article of the archive with a lede and several paragraphs."""
    with Index.open(archive) as index:
        return next(a for a in index.latest_articles() if a.get("lede") and len(a["body"]) > 2)


def bundle_page(tmp_path: Path, wacz: Path, url: str, ts: str | None = None) -> Path:
    """The page (and its folder) showing ``url``, at ``ts``, from ``wacz`` in ReplayWeb.page."""
    page_file = replay_page(tmp_path / "site", wacz, url)
    if ts is not None:
        html = page_file.read_text().replace("<replay-web-page ", f"<replay-web-page ts='{ts}' ")
        page_file.write_text(html)
    return page_file


def test_replaywebpage_renders_the_bundle(
    browser: Any, crawled_archive: Path, tmp_path: Path
) -> None:
    """The WACZ of one article, opened in ReplayWeb.page: the article renders in the frame."""
    article = an_article(crawled_archive)
    wacz = build_bundle(crawled_archive, article["url"], tmp_path / "a.wacz").path
    page_file = bundle_page(tmp_path, wacz, article["url"])
    with static_site(page_file.parent) as base:
        page = browser.new_page()
        page.goto(f"{base}/index.html")
        assert_shows(replay_frame(page, article["url"]), article)
        page.close()


def test_replaywebpage_renders_a_revisit_as_the_original(
    browser: Any, daily_archive: tuple[SampleSite, Path, str], tmp_path: Path
) -> None:
    """A bundle of an article that `scrape daily` re-checked (a revisit record): ReplayWeb.page
    shows the revisit's timestamp with the original's page."""
    _site, archive, _base = daily_archive
    setup = prepare_replay(archive)
    lines = [parse_cdxj_line(line)[1:] for line in setup.cdxj.read_text().splitlines()]
    stamp, fields = next((s, f) for s, f in lines if f["mime"] == "warc/revisit")
    article = latest(archive, fields["url"])
    wacz = build_bundle(archive, fields["url"], tmp_path / "r.wacz").path
    page_file = bundle_page(tmp_path, wacz, fields["url"], ts=stamp)
    with static_site(page_file.parent) as base:
        page = browser.new_page()
        page.goto(f"{base}/index.html")
        frame = replay_frame(page, fields["url"])
        assert f"/{stamp}mp_/" in frame.url
        assert_shows(frame, article)
        page.close()


def test_pywb_renders_and_navigates(browser: Any, crawled_archive: Path) -> None:
    """pywb in Chromium: an archived listing renders, and clicking a teaser link spelt
    /index.php/… or ?PageSpeed=noscript (and a plain one) opens that article. (Every teaser
    link is followed over HTTP in test_provenance_replay.)"""
    setup = prepare_replay(crawled_archive, free_port())
    lines = [parse_cdxj_line(line) for line in setup.cdxj.read_text().splitlines()]
    stamp, listing = next(
        (s, f["url"]) for k, s, f in lines if k.endswith("/region/south-caucasus")
    )
    with serving(setup) as pywb:
        page = browser.new_page()
        page.goto(pywb.url(stamp, listing))
        teasers = page.locator("article.node--view-mode-teaser h2 a")
        hrefs = [teasers.nth(i).get_attribute("href") for i in range(teasers.count())]
        assert len(hrefs) >= 10
        spelt = [n for n, h in enumerate(hrefs) if "/index.php/" in h or "PageSpeed=" in h]
        assert spelt
        plain = next(n for n in range(len(hrefs)) if n not in spelt)
        for n in [*spelt, plain]:
            link = page.locator("article.node--view-mode-teaser h2 a").nth(n)
            title = words(link.inner_text())
            link.click()
            page.wait_for_selector("h1", timeout=60_000)
            assert words(page.inner_text("h1")) == title, hrefs[n]
            page.go_back()
        target = an_article(crawled_archive)
        page.goto(pywb.url(stamp[:8], target["url"]))
        assert_shows(page.main_frame, target)
        page.close()
