"""``make demo``: start the sample site and show its URL.

Placeholder: the lead wires the real demo (crawl the site into a WARC archive, show the
summary) once the scraper and archive packages land.
"""

from __future__ import annotations

from .site import SampleSite, SiteConfig


def main() -> int:
    site = SampleSite(SiteConfig(seed=7, n_articles=60))
    with site.serve() as base:
        print(f"sample site serving {len(site.articles)} articles at {base}")
        print(f"listings: {', '.join(site.listing_slugs())}")
        # TODO(lead): crawl `base` into ./demo-archive and print the summary here.
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
