"""Shared fixtures: the sample site served over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.samplesite import SampleSite, SiteConfig


@pytest.fixture(scope="session")
def sample_site() -> SampleSite:
    """A small deterministic site: dozens of articles, a few listing pages per section."""
    return SampleSite(SiteConfig(seed=7, n_articles=60, per_page=10))


@pytest.fixture(scope="session")
def site_url(sample_site: SampleSite) -> Iterator[str]:
    """The sample site's base URL, served by a real threaded HTTP server for the session."""
    with sample_site.serve() as base_url:
        yield base_url


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update``: rewrite golden expectations (tests/fixtures/pages/*.expected.json)."""
    parser.addoption(
        "--update",
        action="store_true",
        default=False,
        help="rewrite the parser's golden files from the current output; review the diff",
    )
