"""``make demo``: serve the sample site on 127.0.0.1 and scrape one section of it.

Runs the real ``scrape`` command against the local site, into ``./demo-archive``, so that what
the user sees is exactly what ``scrape section`` prints against commonspace.eu.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from .site import SampleSite, SiteConfig

SECTION = "south-caucasus"


def main() -> int:
    archive = Path(os.environ.get("DEMO_ARCHIVE", "demo-archive"))
    site = SampleSite(SiteConfig(seed=7, n_articles=120))
    scrape = Path(sys.executable).with_name("scrape")
    with site.serve() as base:
        print(f"sample site: {len(site.articles)} articles at {base}")
        cmd = [
            str(scrape),
            "section",
            SECTION,
            "--base-url",
            base,
            "--archive",
            str(archive),
            "--delay",
            "0.05",
        ]
        print("$ " + shlex.join(["scrape", *cmd[1:]]), flush=True)
        code = subprocess.call(cmd)
    print(f"\nJSON: {archive}/articles/   WARC: {archive}/warc/   index: {archive}/index.sqlite")
    print(f"next: scrape export --archive {archive} | head -c 600")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
