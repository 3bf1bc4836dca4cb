"""`scrape daily` against its own sample site over real HTTP: backfill, nothing new, new
articles, edits, revisits, drift. The tests run in order and share one archive."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive import Index, iter_records, reindex, verify_archive
from archive.history import article_history, changes_since
from cli import app
from core.errors import EXIT_DRIFT
from scraper.config import CrawlConfig
from scraper.crawl import run_articles
from scraper.daily import DailyConfig, DailySummary, run_daily
from scraper.sections import ALL_SECTIONS
from tests.samplesite import SampleSite, SiteConfig
from tests.samplesite.faults import Body

FEEDS = sum(1 for s in ALL_SECTIONS if s.term_id is not None)
NOTHING_NEW = 1 + len(ALL_SECTIONS) + FEEDS  # robots.txt, page 0 of each listing, each feed


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return SampleSite(SiteConfig(seed=11, n_articles=30, per_page=10))


@pytest.fixture(scope="module")
def base(site: SampleSite) -> Iterator[str]:
    with site.serve() as url:
        yield url


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("daily") / "archive"


def daily(site: SampleSite, base: str, archive: Path, *extra: str) -> tuple[int, str, list]:
    before = len(site.request_log)
    result = CliRunner().invoke(
        app, ["daily", "--base-url", base, "--archive", str(archive), "--delay", "0", *extra]
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output, site.request_log[before:]


def lib_daily(site: SampleSite, base: str, archive: Path) -> tuple[DailySummary, list]:
    """A run whose "now" is a day after the newest article, so re-checks are due."""
    newest = max(a.published_dt for a in site.articles)
    config = DailyConfig(CrawlConfig(archive, base, delay=0), now=newest + timedelta(days=1))
    before = len(site.request_log)
    return run_daily(config), site.request_log[before:]


def urls(archive: Path) -> list[str]:
    with Index.open(archive) as index:
        return [a["url"] for a in index.latest_articles()]


def test_first_run_backfills_everything(site: SampleSite, base: str, archive: Path) -> None:
    """The first run on an empty archive stores every article any listing shows, once."""
    code, output, _ = daily(site, base, archive)
    assert code == 0, output
    listed = {a.url_path for slug in site.listing_slugs() for a in site.section_articles(slug)}
    stored = [u.removeprefix(base) for u in urls(archive)]
    assert sorted(stored) == sorted(set(stored)) and set(stored) >= listed
    assert output.startswith(f"new={len(stored)} updated=0 unchanged=0 failed=0 requests=")


def test_nothing_new_costs_one_request_per_listing(
    site: SampleSite, base: str, archive: Path
) -> None:
    """Two runs with nothing new: robots.txt plus page 0 of each listing and feed, nothing else."""
    for _ in range(2):
        code, output, log = daily(site, base, archive, "--json")
        assert code == 0, output
        assert len(log) == NOTHING_NEW, log
        assert all("page=" not in path for _, path, _ in log)
        summary = json.loads(output)
        assert (summary["new"], summary["requests"], summary["failed"]) == (0, NOTHING_NEW, 0)


def test_new_articles_cost_one_request_each(site: SampleSite, base: str, archive: Path) -> None:
    """Articles published between runs are fetched once each, and nothing more is fetched."""
    added = [site.add_article(title=f"Daily test article number {i}") for i in range(2)]
    code, output, log = daily(site, base, archive)
    assert code == 0, output
    assert output.startswith("new=2 updated=0 ")
    assert len(log) == NOTHING_NEW + 2
    assert {a.url_path for a in added} <= {path for _, path, _ in log}


def test_unchanged_recent_article_is_stored_as_revisit(
    site: SampleSite, base: str, archive: Path
) -> None:
    """A due re-check of an unedited article sends If-None-Match, gets 304, writes a revisit."""
    summary, log = lib_daily(site, base, archive)
    assert summary.rechecked >= 1 and summary.revisits == summary.rechecked
    assert summary.crawl.articles_updated == 0
    assert sum(1 for _, _, status in log if status == 304) == summary.revisits
    revisits = [
        r for p in sorted((archive / "warc").iterdir()) for r in iter_records(p)
        if r.rec_type == "revisit"
    ]  # fmt: skip
    assert len(revisits) == summary.revisits
    rec = revisits[-1]
    profile = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    assert rec.header("WARC-Profile") == profile
    assert rec.header("WARC-Refers-To-Target-URI") == rec.header("WARC-Target-URI")
    assert rec.header("WARC-Refers-To-Date") and rec.header("WARC-Refers-To")
    history = article_history(archive, rec.header("WARC-Target-URI") or "")
    assert len(history.versions) == 1 and history.revisits


def test_edited_article_gets_a_new_version_and_a_diff(
    site: SampleSite, base: str, archive: Path
) -> None:
    """An article edited between runs becomes version 2; history classifies the change."""
    target = site.articles[0]
    body = ["Correction: an earlier version of this article gave the wrong date.", *target.body]
    site.edit_article(target.node_id, body=body, title=target.title + " amended")
    summary, _ = lib_daily(site, base, archive)
    assert summary.crawl.articles_updated == 1
    history = article_history(archive, base + target.url_path)
    assert len(history.versions) == 2
    (edit,) = changes_since(archive, "2000-01-01")
    kinds = {c.kind for c in edit.changes}
    assert {"headline", "correction note"} <= kinds
    code = CliRunner().invoke(app, ["history", base + target.url_path, "--archive", str(archive)])
    assert code.exit_code == 0 and "version 1 → 2" in code.output and "amended" in code.output


def test_related_block_change_is_not_a_version(site: SampleSite, base: str, archive: Path) -> None:
    """Fetched again with different Related/Popular blocks, an article keeps one version."""
    target = site.articles[3]
    config = CrawlConfig(archive, base, delay=0)
    summary = run_articles(config, [base + target.url_path])
    bodies = site.served_bodies[target.url_path]
    assert len(bodies) >= 2 and bodies[-1] != bodies[0]  # the page did change
    assert summary.articles_unchanged == 1
    assert len(article_history(archive, base + target.url_path).versions) == 1


def test_archive_verifies_after_daily_runs(archive: Path) -> None:
    """Everything the daily runs wrote, revisits included, passes `scrape verify`."""
    report = verify_archive(archive)
    assert report.ok, report.problems


def test_missing_fields_raise_the_drift_alarm(site: SampleSite, base: str, archive: Path) -> None:
    """New articles whose pages lost their metadata: exit 5, and the missing fields are named."""
    page = (
        "<html><head><title>{t}</title></head><body><h1>{t}</h1><p>A first paragraph that is"
        " long enough to be body text for the parser.</p><p>And a second one, also long enough"
        " to count.</p></body></html>"
    )
    for i in range(3):
        a = site.add_article(title=f"Drifting layout story {i}")
        site.inject(a.url_path, Body(page.format(t=a.title).encode()))
    try:
        code, output, _ = daily(site, base, archive)
    finally:
        site.clear_faults()
    assert code == EXIT_DRIFT, output
    assert "layout drift" in output and "published" in output


def test_sections_narrow_the_run(site: SampleSite, base: str, archive: Path) -> None:
    """--section limits the run to that listing (and its feed)."""
    code, output, log = daily(site, base, archive, "--section", "south-caucasus")
    assert code == 0, output
    assert [p for _, p, _ in log] == ["/robots.txt", "/taxonomy/term/24/feed",
                                      "/region/south-caucasus"]  # fmt: skip


def test_config_file_narrows_and_checks(site: SampleSite, base: str, archive: Path) -> None:
    """A TOML config narrows the run; an unknown key is a usage error naming it."""
    good = archive.parent / "daily.toml"
    good.write_text('sections = ["voices"]\nfeeds = false\n[recheck]\nevery_run_days = 1\n')
    code, output, log = daily(site, base, archive, "--config", str(good))
    assert code == 0, output
    assert [p for _, p, _ in log] == ["/robots.txt", "/voices"]
    bad = archive.parent / "bad.toml"
    bad.write_text("sectoins = []\n")
    code, output, log = daily(site, base, archive, "--config", str(bad))
    assert code == 2 and "sectoins" in output and log == []


def test_daily_config_is_frozen() -> None:
    """DailyConfig is one frozen settings object."""
    config = DailyConfig(CrawlConfig())
    with pytest.raises(AttributeError):
        config.feeds = False  # type: ignore[misc]
    assert replace(config, feeds=False).feed_urls() == []


def test_reindex_rebuilds_walks_and_revisits(site: SampleSite, base: str, archive: Path) -> None:
    """Walks and revisits come from WARC events: a rebuilt index has them all again."""
    with Index.open(archive) as index:
        listings = DailyConfig(CrawlConfig(archive, base)).listing_urls()
        revisits = {u: index.revisits(u) for u in urls(archive)}
    reindex(archive)
    with Index.open(archive) as index:
        assert all(index.walk_complete(u) for u in listings)
        assert {u: index.revisits(u) for u in urls(archive)} == revisits
    code, output, log = daily(site, base, archive)
    assert code == 0 and len(log) == NOTHING_NEW, output
