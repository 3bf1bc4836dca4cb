"""The desk served for tests: a real uvicorn server on 127.0.0.1 in a thread, an archive with
hostile strings in every field the desk shows, and a quote only one crawled article has."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from archive import Index, log_event
from core.model import Article, Outlet, Quote, Source, Teaser
from desk import Desk, DeskConfig
from tests.provenance_archive import BASE, T0, FixedWriter, exchange

HOSTILE = f"{BASE}/news/hostile"
HOSTILE_TITLE = '<script>alert("title")</script>Talks & <b>“deals”</b>'
HOSTILE_QUOTE = "The border stays <em>closed</em> until the talks end"


@contextmanager
def running(archive: Path, **options: object) -> Iterator[Desk]:
    """``scrape serve`` on ``archive`` (desk and capture origin on free ports) until the block
    ends."""
    desk = Desk(DeskConfig(archive, port=0, **options))  # type: ignore[arg-type]
    server = desk.server()
    thread = threading.Thread(target=server.run, kwargs={"sockets": desk.sockets}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the desk did not start"
        time.sleep(0.01)
    try:
        yield desk
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        desk.close()


def hostile_page(canary: str) -> bytes:
    """An archived page that tries everything: scripts, beacons, styles, images, a refresh,
    a frame, a form and a link, each aimed at ``canary`` (a URL a test watches)."""
    return (
        "<!doctype html><html><head><title>Archived: peace talks</title>"
        f'<meta http-equiv="refresh" content="0;url={canary}/refresh">'
        f'<link rel="stylesheet" href="{canary}/style.css">'
        f'<script src="{canary}/script.js"></script>'
        f"<script>fetch('{canary}/fetch'); document.title = 'SCRIPT RAN';"
        f"navigator.sendBeacon('{canary}/beacon'); top.location = '{canary}/top';</script>"
        "<style>body { font-family: serif }</style></head><body>"
        f'<h1 id="headline">Archived: peace talks</h1><img src="{canary}/image.png" alt="">'
        f'<iframe src="{canary}/frame"></iframe><form action="{canary}/form"></form>'
        f'<p>{HOSTILE_QUOTE}</p><img src="x" onerror="fetch(\'{canary}/onerror\')">'
        "</body></html>"
    ).encode()


def build_hostile(archive: Path, canary: str = "http://127.0.0.1:9") -> Article:
    """An archive of one article whose every shown string is markup, and whose page is
    ``hostile_page(canary)``."""
    art = Article(
        url=HOSTILE, fetched_url=HOSTILE, node_id=9, section='news"><script>x()</script>',
        type="news", title=HOSTILE_TITLE, published="2024-05-02T10:00:00+00:00",
        authors=("<img src=x onerror=alert(1)>",), lede="<i>Lede</i> & more",
        body=(f"“{HOSTILE_QUOTE},” said <u>the envoy</u>.", "</textarea><script>y()</script>"),
        quotes=(Quote(HOSTILE_QUOTE, "<b>the envoy</b>", 0),),
        source=Source("<script>s()</script> Reuters", (Outlet("<i>Reuters</i>", "<b>x</b>"),),
                      True),
        related=(Teaser("<script>r()</script>", "javascript:alert(1)"),
                 Teaser("Data link", "data:text/html,<script>alert(1)</script>")),
        popular=(Teaser("<b>Popular</b>", f"{BASE}/news/popular?a=1&b=<2>"),),
    )  # fmt: skip
    writer = FixedWriter(archive / "warc", host="www.commonspace.eu")
    with writer, Index.open(archive) as index:
        cap = writer.write_exchange(exchange(HOSTILE, hostile_page(canary), T0 + timedelta(1)))
        index.add_capture(cap, HOSTILE, "article")
        art = replace(art, capture=cap)
        log_event(writer, index, art.to_dict(), cap)
    return art


_WORD = re.compile(r"\w+")


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def unique_quote(
    archive: Path, words: int = 12, besides: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], str]:
    """(article, a run of ``words`` words of one of its body paragraphs found in no other
    article): the sample site's articles share stock sentences, a test's quote must not.
    Articles whose URL is in ``besides`` are not chosen."""
    with Index.open_readonly(archive) as index:
        docs = [d for d in index.latest_articles() if d.get("kind", "article") == "article"]
    texts = [_norm(" ".join([d.get("title") or "", d.get("lede") or "", *d["body"]]))
             for d in docs]  # fmt: skip
    for doc in (d for d in docs if d["url"] not in besides):
        for para in doc["body"]:
            run = para.split()
            for start in range(0, max(0, len(run) - words), 3):
                text = " ".join(run[start : start + words])
                if sum(1 for t in texts if _norm(text) in t) == 1:
                    return doc, text
    raise AssertionError(f"no article of {archive} has a {words}-word run of its own")
