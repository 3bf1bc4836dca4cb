"""``make demo``: scrape one section into ``./demo-archive`` — of commonspace.eu when the site
can be reached, otherwise of the bundled sample site served on 127.0.0.1.

Runs the real ``scrape`` command either way, so what the user sees is exactly what
``scrape section`` prints. ``DEMO_SITE=sample`` or ``DEMO_SITE=real`` skips the check;
``DEMO_ARCHIVE`` names another folder.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from scraper.config import DEFAULT_BASE_URL

from .site import SampleSite, SiteConfig

SECTION = "south-caucasus"


def site_reachable(base_url: str = DEFAULT_BASE_URL, timeout: float = 3.0) -> bool:
    """Whether a TCP connection to the real site opens within ``timeout`` seconds."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def scrape(args: list[str]) -> int:
    """Run ``scrape ARGS`` as the user would, echoing the command line first."""
    print("$ " + shlex.join(["scrape", *args]), flush=True)
    return subprocess.call([str(Path(sys.executable).with_name("scrape")), *args])


def main() -> int:
    archive = Path(os.environ.get("DEMO_ARCHIVE", "demo-archive"))
    choice = os.environ.get("DEMO_SITE", "")
    real = choice == "real" or (choice != "sample" and site_reachable())
    if real:
        # The real site, politely: the default 1 s delay, robots.txt obeyed, two listing pages.
        print(f"{DEFAULT_BASE_URL} is reachable: scraping two pages of {SECTION} there")
        code = scrape(["section", SECTION, "--archive", str(archive), "--pages", "2"])
    else:
        site = SampleSite(SiteConfig(seed=7, n_articles=120))
        with site.serve() as base:
            print(f"offline: the sample site, {len(site.articles)} articles at {base}")
            code = scrape(
                ["section", SECTION, "--base-url", base, "--archive", str(archive),
                 "--delay", "0.05"]
            )  # fmt: skip
    print(f"\nJSON: {archive}/articles/   WARC: {archive}/warc/   index: {archive}/index.sqlite")
    print(f"next: .venv/bin/scrape export --archive {archive} | head -c 600")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
