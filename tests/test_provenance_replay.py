"""archive.replay: pywb serves an archived article back byte for byte in id_ mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from archive import ReplaySetup, iter_records, prepare_replay
from archive.cdxj import parse_cdxj_line, timestamp14
from scraper.config import CrawlConfig
from scraper.crawl import run_section
from tests.provenance_archive import PEACE, articles, build_archive, html
from tests.pywb_server import free_port, serving
from tests.samplesite import SampleSite

SECTION = "region/south-caucasus"


@pytest.fixture
def setup(tmp_path: Path) -> ReplaySetup:
    """The sample archive prepared for replay."""
    build_archive(tmp_path / "archive")
    return prepare_replay(tmp_path / "archive", free_port())


def test_prepare_writes_cdxj_and_config(setup: ReplaySetup) -> None:
    """prepare_replay writes a sorted CDXJ of every response and a pywb config."""
    lines = setup.cdxj.read_text().splitlines()
    assert len(lines) == setup.captures == 8 and lines == sorted(lines)
    assert {parse_cdxj_line(line)[2]["filename"] for line in lines} == {
        p.name for p in (setup.root.parent / "warc").iterdir()
    }
    assert '"commonspace"' in setup.config.read_text()
    assert "wayback" in setup.instructions and "127.0.0.1" in setup.instructions


@pytest.fixture
def pywb(setup: ReplaySetup) -> Iterator[ReplaySetup]:
    """pywb serving the sample archive on 127.0.0.1 (skipped when pywb is not installed)."""
    with serving(setup) as running:
        yield running


def test_pywb_replays_article_byte_for_byte(pywb: ReplaySetup) -> None:
    """Both versions of an article come back from pywb in id_ mode exactly as archived."""
    first, *_, edited = articles()
    for stamp, article in (("20240501130000", first), ("20240501170000", edited)):
        response = httpx.get(pywb.url(stamp, PEACE, "id_"), timeout=10)
        assert response.status_code == 200
        assert response.content == html(article)


def test_pywb_replays_a_crawl_of_the_sample_site(
    sample_site: SampleSite, site_url: str, tmp_path: Path
) -> None:
    """A real crawl replays in id_ mode: a gzip and a chunked article, wire bytes and decoded."""
    archive = tmp_path / "archive"
    run_section(CrawlConfig(archive, site_url, pages=1, delay=0), site_url + "/" + SECTION)
    stored = {
        rec.target_uri: rec
        for path in sorted((archive / "warc").glob("*.warc.gz"))
        for rec in iter_records(path)
        if rec.rec_type == "response"
    }
    listed = sample_site.section_articles(SECTION)[:10]
    gzipped = next(a for a in listed if a.node_id % 2 == 0)
    chunked = next(a for a in listed if a.node_id % 2 == 1)
    with serving(prepare_replay(archive, free_port())) as pywb:
        for article, framing in (
            (gzipped, "Content-Encoding"),
            (chunked, "X-Orig-Transfer-Encoding"),
        ):
            rec = stored[site_url + article.url_path]
            assert rec.http_header(framing) in ("gzip", "chunked")
            stamp = timestamp14(rec.date or "")
            with httpx.stream("GET", pywb.url(stamp, site_url + article.url_path, "id_")) as r:
                raw = b"".join(r.iter_raw())
            assert r.status_code == 200
            assert raw == rec.body  # the entity body as the site sent it (gzip stays gzip)
            assert rec.payload == sample_site.served_bodies[article.url_path][-1]
            assert r.headers.get("Content-Encoding") == rec.http_header("Content-Encoding")
            decoded = httpx.get(pywb.url(stamp, site_url + article.url_path, "id_")).content
            assert decoded == sample_site.served_bodies[article.url_path][-1]


def listing_captures(archive: Path) -> list[tuple[str, str]]:
    """(timestamp, URL) of each archived listing page."""
    setup = prepare_replay(archive)
    lines = [parse_cdxj_line(line) for line in setup.cdxj.read_text().splitlines()]
    return [(stamp, f["url"]) for key, stamp, f in lines if ")/region/" in key]


def test_every_teaser_link_of_an_archived_listing_replays(crawled_archive: Path) -> None:
    """Each teaser link of each archived listing, in pywb, answers 200 with that article: the
    /index.php/… and ?PageSpeed=noscript spellings replay the canonical capture."""
    listings = listing_captures(crawled_archive)
    assert len(listings) == 2
    followed: list[str] = []
    with serving(prepare_replay(crawled_archive, free_port())) as pywb:
        for stamp, url in listings:
            page = httpx.get(pywb.url(stamp, url), timeout=10)
            assert page.status_code == 200
            links = LexborHTMLParser(page.text).css("article.node--view-mode-teaser h2 a")
            assert len(links) >= 10
            for link in links:
                href = link.attributes.get("href") or ""
                article = httpx.get(
                    httpx.URL(pywb.url()).join(href), timeout=10, follow_redirects=True
                )
                assert article.status_code == 200, href
                h1 = LexborHTMLParser(article.text).css_first("h1")
                assert h1 is not None and " ".join(h1.text().split()) == link.text(strip=True)
                followed.append(href)
    assert any("/index.php/" in h for h in followed)
    assert any("PageSpeed=noscript" in h for h in followed)
