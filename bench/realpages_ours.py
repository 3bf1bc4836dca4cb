"""Child process of ``make realpages``: ``python -m bench.realpages_ours MODE MANIFEST [OUT]``.

MANIFEST is a JSON list of ``[file, url, gzipped]``. Pinned to one CPU, the pages are read
(and un-gzipped) before anything is timed.

- ``quality MANIFEST OUT``: parse each page with ``parse_article`` (the counterpart of
  trafilatura's ``extract()``: the article on this page) and write, per page, what was found
  (title, published, the body's text as lede and paragraphs, which layer gave the body, and
  whether ``parse_page`` would take the page for a listing, as the crawler does, or the error)
  to OUT as a JSON list.
- ``speed MANIFEST``: a warm-up, then one timed pass of ``parse_article`` and the JSON the
  crawler stores (``json.dumps(to_dict())``: the same kind of work as trafilatura's JSON
  output with metadata); prints ``{"pages", "cpu_s", "wall_s"}``.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from scraper.parse import page_kind, parse_article
from scraper.parse.article import article_from
from scraper.parse.context import build_context


def pages(manifest: str) -> list[tuple[bytes, str]]:
    out = []
    for path, url, gzipped in json.loads(Path(manifest).read_text()):
        data = Path(path).read_bytes()
        out.append((gzip.decompress(data) if gzipped else data, url))
    return out


def found(html: bytes, url: str) -> dict[str, Any]:
    try:
        ctx = build_context(html, url)
        listing = page_kind(ctx) == "listing"
        result = article_from(ctx)
    except Exception as exc:  # a crash is a result here: counted, named, not fatal
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}
    text = "\n".join([*([result.lede] if result.lede else []), *result.body])
    return {
        "kind": "listing" if listing else result.kind,
        "title": result.title,
        "published": result.published,
        "text": text,
        "layer": result.evidence.get("body"),
        "title_layer": result.evidence.get("title"),
        "date_layer": result.evidence.get("published"),
    }


def main(argv: list[str]) -> int:
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})
    mode, manifest = argv[0], argv[1]
    todo = pages(manifest)
    if mode == "quality":
        Path(argv[2]).write_text(json.dumps([found(h, u) for h, u in todo], ensure_ascii=False))
        return 0
    for html, url in todo[:20]:  # warm-up: imports, memos, lexbor
        _work(html, url)
    c0, t0 = time.process_time(), time.perf_counter()
    for html, url in todo:
        _work(html, url)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    print(json.dumps({"pages": len(todo), "cpu_s": cpu, "wall_s": wall}))
    return 0


def _work(html: bytes, url: str) -> None:
    with contextlib.suppress(Exception):  # counted by the quality pass; the timing goes on
        json.dumps(parse_article(html, url).to_dict(), ensure_ascii=False)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
