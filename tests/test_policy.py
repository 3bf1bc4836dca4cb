"""Site policy, sections, robots rules, sanitising and config validation."""

from __future__ import annotations

import pytest

from core.errors import OffSiteError, UsageError
from core.sanitize import for_terminal, strip_controls
from scraper.config import CrawlConfig
from scraper.robots import RobotsRules
from scraper.sections import resolve_section
from scraper.sitepolicy import SitePolicy

BASE = "https://www.commonspace.eu"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://www.commonspace.eu/news/a", True),
        ("http://commonspace.eu/news/a", True),
        ("https://evil.example/news/a", False),
        ("https://commonspace.eu.evil.example/", False),
        ("ftp://www.commonspace.eu/x", False),
        ("http://127.0.0.1/x", False),
    ],
)
def test_real_site_policy(url: str, ok: bool) -> None:
    """Only the site's host and its www twin are allowed."""
    assert SitePolicy(BASE).allows(url) is ok


def test_loopback_base_allows_only_itself() -> None:
    """A loopback base URL allows that host and port only."""
    policy = SitePolicy("http://127.0.0.1:8123")
    assert policy.allows("http://127.0.0.1:8123/news/a")
    assert not policy.allows("http://127.0.0.1:9999/news/a")
    assert not policy.allows("http://localhost:8123/news/a")
    with pytest.raises(OffSiteError, match=r"10\.0\.0\.1"):
        policy.check("http://10.0.0.1:8123/")


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ("south-caucasus", "/region/south-caucasus"),
        ("region/central-asia", "/region/central-asia"),
        ("theme/diplomacy", "/theme/diplomacy"),
        ("voices", "/voices"),
        ("https://www.commonspace.eu/region/russia?page=2", "/region/russia?page=2"),
    ],
)
def test_resolve_section(spec: str, path: str) -> None:
    """Every documented SECTION form maps to its listing URL."""
    assert resolve_section(spec, BASE) == BASE + path


@pytest.mark.parametrize("spec", ["atlantis", "https://example.org/region/x", "", "../etc"])
def test_resolve_section_rejects_unknown(spec: str) -> None:
    """Unknown sections and other sites are a usage error that says what to do."""
    with pytest.raises(UsageError):
        resolve_section(spec, BASE)


def test_robots_rules() -> None:
    """robots.txt rules and Crawl-delay are obeyed; 4xx allows, 5xx denies."""
    body = b"User-agent: *\nDisallow: /admin/\nCrawl-delay: 3\n"
    rules = RobotsRules.from_response(200, body, "commonspace-scraper/0.1")
    assert not rules.allowed(BASE + "/admin/x")
    assert rules.allowed(BASE + "/news/x")
    assert rules.crawl_delay == 3.0
    assert RobotsRules.from_response(404, b"", "ua").allowed(BASE + "/admin/x")
    assert not RobotsRules.from_response(503, b"", "ua").allowed(BASE + "/news/x")
    assert not RobotsRules.from_response(None, b"", "ua").allowed(BASE + "/news/x")


def test_sanitise_strips_escapes_and_markup() -> None:
    """Terminal escapes, C1/bidi controls and rich markup never survive."""
    nasty = (
        "Title\x1b[31mred\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07 "
        "\u202eevil \x9b2J [bold]b[/bold]"
    )
    clean = for_terminal(nasty)
    assert "\x1b" not in clean and "\x9b" not in clean and "\u202e" not in clean
    assert "\\[bold]" in clean
    assert strip_controls("a\x07b\nc") == "ab\nc"


@pytest.mark.parametrize(
    "kwargs",
    [{"delay": -1}, {"concurrency": 0}, {"pages": 0}, {"base_url": "commonspace.eu"}],
)
def test_config_rejects_bad_values(kwargs: dict[str, object]) -> None:
    """Bad option values are usage errors, not crashes later."""
    with pytest.raises(UsageError):
        CrawlConfig(**kwargs)  # type: ignore[arg-type]


def test_json_output_cannot_drive_a_terminal() -> None:
    """JSON printed by the CLI escapes C0/C1 and bidi controls, and decodes to the same data."""
    import json

    from core.sanitize import safe_json

    data = {"title": "Ереван \x1b[2J\x9b31m \u202eevil\u2066 ok", "body": ["line\u2028two"]}
    text = safe_json(data, indent=2)
    assert not any(c in text for c in "\x1b\x9b\u202e\u2066\u2028")
    assert "Ереван" in text
    assert json.loads(text) == data
