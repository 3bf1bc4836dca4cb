"""Scrapy + scrapy-webarchive over the bench site: the Python peer of ``scrape section``.

``scrapy_crawl.py BASE_URL OUT_DIR DENY_REGEX`` (run with the peers venv's Python, cwd OUT_DIR)
crawls from the front page like ``wget --recursive`` does, following every link not matching
DENY_REGEX, with 8 requests in flight and no delay, obeying robots.txt. Every response goes
into a WARC (then a WACZ) through scrapy-webarchive's ``WaczExporter``; each article page
yields an item (title, date, body paragraphs: a light parse, lighter than ours) written as
JSON lines. Prints one JSON line of Scrapy's stats at the end.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


def main() -> int:
    base, out, deny = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    host = base.split("//", 1)[1].split(":")[0]

    class Site(CrawlSpider):
        name = "bench"
        allowed_domains = [host]  # noqa: RUF012 (Scrapy's own idiom)
        start_urls = [base + "/"]  # noqa: RUF012
        rules = (Rule(LinkExtractor(deny=deny), callback="parse_page", follow=True),)

        def parse_start_url(self, response, **kwargs):  # type: ignore[no-untyped-def]
            return self.parse_page(response)

        def parse_page(self, response):  # type: ignore[no-untyped-def]
            node = response.css("article[data-history-node-id]")
            if not node or "path-node" not in (response.css("body::attr(class)").get() or ""):
                return
            yield {
                "url": response.url,
                "node_id": node.attrib.get("data-history-node-id"),
                "title": " ".join(response.css("h1 ::text").getall()).strip(),
                "published": response.css(
                    'meta[property="article:published_time"]::attr(content)'
                ).get(),
                "body": [
                    " ".join(p.css("::text").getall()).strip()
                    for p in response.css(".field--name-body p")
                ],
            }

    process = CrawlerProcess(
        settings={
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": 8,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
            "EXTENSIONS": {"scrapy_webarchive.extensions.WaczExporter": 543},
            "SW_EXPORT_URI": out.resolve().as_uri() + "/",
            "FEEDS": {str(out / "items.jsonl"): {"format": "jsonlines"}},
        }
    )
    crawler = process.create_crawler(Site)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    keep = ("downloader/request_count", "item_scraped_count", "response_received_count",
            "webarchive/exporter/response_written")  # fmt: skip
    print(json.dumps({k: stats.get(k) for k in keep}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
