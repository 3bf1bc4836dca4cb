"""quote and show --json on an archive made by a real crawl of the sample site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from scraper.config import CrawlConfig
from scraper.crawl import run_section
from tests.samplesite import ArticleTruth, SampleSite

SECTION = "region/south-caucasus"


@pytest.fixture(scope="module")
def crawled(site_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first listing page of one section and its articles, crawled into an archive."""
    archive = tmp_path_factory.mktemp("crawled") / "archive"
    run_section(CrawlConfig(archive, site_url, pages=1, delay=0), f"{site_url}/{SECTION}")
    return archive


def run(*args: str | Path) -> tuple[int, str]:
    """(exit code, stdout) of ``scrape ARGS``."""
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout


def quoted(site: SampleSite) -> tuple[ArticleTruth, str, str]:
    """An article on the crawled page with an attributed quote of six words or more."""
    for article in site.section_articles(SECTION)[:10]:
        for text, speaker in article.quotes:
            if speaker and len(text.split()) >= 6:
                return article, text, speaker
    raise AssertionError("the sample site has no attributed quote on that page")


def test_quote_finds_a_crawled_quote_and_its_variants(
    sample_site: SampleSite, site_url: str, crawled: Path
) -> None:
    """A quote from the site's truth: right article and speaker, verified; variants still match."""
    article, text, speaker = quoted(sample_site)
    code, out = run("quote", text, "--archive", crawled, "--json")
    assert code == 0, out
    best = json.loads(out)[0]
    assert best["url"] == site_url + article.url_path and best["speaker"] == speaker
    assert best["captures"] and all(c["verified"] for c in best["captures"])
    words = text.replace("'", "’").split()
    words[len(words) // 2] = "zebras"
    variants = [f"\u201c{text.replace(chr(39), chr(0x2019))}\u201d", f'"{text}"', " ".join(words)]
    for variant in variants:
        code, out = run("quote", variant, "--archive", crawled, "--json")
        assert code == 0 and json.loads(out)[0]["url"] == best["url"], variant


def test_show_json_on_a_crawled_article(
    sample_site: SampleSite, site_url: str, crawled: Path
) -> None:
    """show --json: the article's fields, its one version, its captures verified true."""
    article, _, _ = quoted(sample_site)
    code, out = run("show", site_url + article.url_path, "--archive", crawled, "--json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["fields"]["title"] == article.title and doc["intact"] is True
    assert [v["number"] for v in doc["versions"]] == [1]
    assert doc["captures"] and all(c["verified"] is True for c in doc["captures"])
    assert doc["versions"][0]["captures"][0] in {c["record_id"] for c in doc["captures"]}
