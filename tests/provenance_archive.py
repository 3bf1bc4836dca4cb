"""A small archive for the provenance tests, written with the real WarcWriter and Index.

Three articles; the first has two versions (a quote is removed in the second) and two captures
of its first version; the second has a quote split across paragraphs. Record ids and dates
are fixed, so every run writes the same bytes.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from archive import (
    Index,
    WarcWriter,
    failure_event,
    listing_event,
    log_event,
    write_article_json,
)
from core.model import Article, Capture, Exchange, Quote

BASE = "https://www.commonspace.eu"
PEACE = f"{BASE}/news/peace-talks"
BORDER = f"{BASE}/news/border-opening"
ANALYSIS = f"{BASE}/analysis/energy-corridor"
T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)

QUOTE = "We are close to a deal, and nobody will stop it now"
SPLIT = ("“The border will be opened", "in the spring,” said the minister.")


class FixedWriter(WarcWriter):
    """A writer with predictable record ids and a clock ticking a second per record from
    ``start``, as warcio's own writer tests use."""

    def __init__(self, *args: Any, start: datetime = T0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ids = itertools.count(1)
        self._ticks = itertools.count()
        self._start = start

    def _new_record_id(self) -> str:
        return f"<urn:uuid:00000000-0000-0000-0000-{next(self._ids):012d}>"

    def _now(self) -> datetime:
        return self._start + timedelta(seconds=next(self._ticks))


def html(article: Article) -> bytes:
    """The page an article came from (enough to be recognisable when replayed)."""
    paras = "".join(f"<p>{p}</p>" for p in article.body)
    return f"<html><head><title>{article.title}</title></head><body>{paras}</body></html>".encode()


def exchange(url: str, body: bytes, at: datetime, status: int = 200) -> Exchange:
    """An exchange as the fetcher would produce it."""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
    if 300 <= status < 400:
        headers += (("Location", url + "/"),)
    return Exchange(
        method="GET", url=url, request_headers=(("Host", "www.commonspace.eu"),),
        http_version="HTTP/1.1", status=status, reason="OK" if status == 200 else "Found",
        response_headers=headers, body=body, started_at=at,
    )  # fmt: skip


def articles() -> list[Article]:
    """The articles in capture order: (peace v1, peace v1 again, border, analysis, peace v2)."""
    peace = Article(
        url=PEACE, fetched_url=PEACE, node_id=1, section="news", type="news",
        title="Armenia and Azerbaijan resume peace talks", published="2024-05-01T10:00:00+04:00",
        lede="Negotiators met in Geneva on Monday.",
        body=("The talks resumed on Monday after a pause of six months.",
              f"“{QUOTE},” the envoy said. Both delegations declined to comment."),
        quotes=(Quote(QUOTE, "the envoy", 1),),
    )  # fmt: skip
    edited = replace(
        peace, body=(peace.body[0], "The envoy declined to comment on the talks."), quotes=()
    )
    border = Article(
        url=BORDER, fetched_url=BORDER, node_id=2, section="news", type="news",
        title="Border to reopen", published="2024-04-20T09:00:00+00:00",
        body=("Officials gave no date for months.", SPLIT[0], SPLIT[1]),
        quotes=(Quote("The border will be opened in the spring", "the minister", 1),),
    )  # fmt: skip
    analysis = Article(
        url=ANALYSIS, fetched_url=ANALYSIS, node_id=3, section="analysis", type="analysis",
        title="The energy corridor", published="2023-11-02T08:00:00+00:00",
        body=("Pipelines are politics by other means.",),
    )  # fmt: skip
    return [peace, peace, border, analysis, edited]


def build_archive(archive: Path) -> dict[str, Capture]:
    """Write the sample archive into ``archive``; return the article captures by label."""
    labels = ["peace-1", "peace-1b", "border", "analysis", "peace-2"]
    caps: dict[str, Capture] = {}
    writer = FixedWriter(archive / "warc", host="www.commonspace.eu")
    with writer, Index.open(archive) as index:
        robots = writer.write_exchange(exchange(f"{BASE}/robots.txt", b"", T0))
        index.add_capture(robots, f"{BASE}/robots.txt", "robots")
        listing = writer.write_exchange(exchange(f"{BASE}/region/south-caucasus", b"<p/>", T0))
        index.add_capture(listing, f"{BASE}/region/south-caucasus", "listing")
        seen = listing_event(f"{BASE}/region/south-caucasus", 0, [PEACE], None, "2024-05-01")
        log_event(writer, index, seen, listing)
        gone = failure_event(f"{BASE}/news/gone", "article", "HTTP 404", 404, "2024-05-01")
        log_event(writer, index, gone, None)
        for n, (label, art) in enumerate(zip(labels, articles(), strict=True)):
            at = T0 + timedelta(hours=n + 1)
            if label == "border":
                hop = writer.write_exchange(exchange(BORDER, b"", at, status=301))
                index.add_capture(hop, BORDER, "redirect")
            cap = writer.write_exchange(exchange(art.url, html(art), at))
            index.add_capture(cap, art.url, "article")
            art = replace(art, capture=cap)
            log_event(writer, index, art.to_dict(), cap)
            write_article_json(archive, art.to_dict())
            caps[label] = cap
    return caps
