"""Shared fixtures: the sample site served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scraper.config import CrawlConfig
from scraper.crawl import run_section
from scraper.daily import DailyConfig, run_daily
from tests.samplesite import SampleSite, SiteConfig

CRAWLED_SECTION = "region/south-caucasus"


@pytest.fixture(scope="session")
def sample_site() -> SampleSite:
    """A small deterministic site: dozens of articles, a few listing pages per section."""
    return SampleSite(SiteConfig(seed=7, n_articles=60, per_page=10))


@pytest.fixture(scope="session")
def site_url(sample_site: SampleSite) -> Iterator[str]:
    """The sample site's base URL, served by a real threaded HTTP server for the session."""
    with sample_site.serve() as base_url:
        yield base_url


@pytest.fixture(scope="session")
def crawled_archive(site_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of two listing pages of south-caucasus and their articles, crawled over HTTP
    (read-only: tests that change an archive make their own)."""
    archive = tmp_path_factory.mktemp("crawled") / "archive"
    summary = run_section(
        CrawlConfig(archive, site_url, pages=2, delay=0), f"{site_url}/{CRAWLED_SECTION}"
    )
    assert summary.articles_new > 0 and not summary.failures
    return archive


@pytest.fixture(scope="session")
def daily_archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleSite, Path, str]:
    """Two daily runs a second apart; the second re-checks every article and gets 304s."""
    site = SampleSite(SiteConfig(seed=11, n_articles=12, per_page=10))
    archive = tmp_path_factory.mktemp("revisits") / "archive"
    now = max(a.published_dt for a in site.articles) + timedelta(days=1)
    with site.serve() as base:
        first = run_daily(DailyConfig(CrawlConfig(archive, base, delay=0), now=now))
        time.sleep(1.01 - datetime.now(UTC).microsecond / 1e6)  # distinct 14-digit timestamps
        second = run_daily(DailyConfig(CrawlConfig(archive, base, delay=0), now=now))
    assert first.crawl.articles_new and second.revisits >= 1
    assert sum(1 for _, _, status in site.request_log if status == 304) == second.revisits
    return site, archive, base


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update``: rewrite golden expectations (tests/fixtures/pages/*.expected.json)."""
    parser.addoption(
        "--update",
        action="store_true",
        default=False,
        help="rewrite the parser's golden files from the current output; review the diff",
    )
