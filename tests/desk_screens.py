"""Screenshots of the desk for the README, taken with the browser tests' machinery.

``make screenshots`` (``python -m tests.desk_screens docs``) crawls the sample site into a
temporary archive, serves the desk on it and writes ``desk-search.png`` and
``desk-article.png``; ``tests/test_desk_browser.py`` takes the same two on every run.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

VIEWPORT = {"width": 1100, "height": 760}
ARTICLE_HEIGHT = 1400  # the article page is long; the top shows fields, evidence and versions


def take_screenshots(
    browser: Any, desk_url: str, text: str, article_url: str, out_dir: Path
) -> list[Path]:
    """PNGs of the search page (results for ``text``) and of the article at ``article_url``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        search = out_dir / "desk-search.png"
        page.goto(f"{desk_url}?q={quote(text, safe='')}")
        page.screenshot(path=str(search))
        article = out_dir / "desk-article.png"
        page.goto(f"{desk_url}article?url={quote(article_url, safe='')}")
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": ARTICLE_HEIGHT}
        page.screenshot(path=str(article), full_page=True, clip=clip)
        return [search, article]
    finally:
        context.close()


def main(out_dir: Path) -> None:
    from scraper.config import CrawlConfig
    from scraper.crawl import run_section
    from tests.browser import chromium
    from tests.conftest import CRAWLED_SECTION
    from tests.desk_server import running, unique_quote
    from tests.samplesite import SampleSite, SiteConfig

    out_dir = out_dir.resolve()
    site = SampleSite(SiteConfig(seed=7, n_articles=60, per_page=10))
    with tempfile.TemporaryDirectory(prefix="desk-screens-") as tmp, site.serve() as base:
        os.chdir(tmp)  # the desk's header shows the archive as given: "my-archive"
        archive = Path("my-archive")
        run_section(CrawlConfig(archive, base, pages=2, delay=0), f"{base}/{CRAWLED_SECTION}")
        doc, text = unique_quote(archive)
        with running(archive) as desk, chromium() as browser:
            for shot in take_screenshots(browser, desk.url, text, doc["url"], out_dir):
                print(f"wrote {shot} ({shot.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
