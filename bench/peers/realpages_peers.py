"""Child process of ``make realpages`` in the peers venv:
``realpages_peers.py MODE MANIFEST [OUT]`` (same protocol as ``bench/realpages_ours.py``).

- ``quality MANIFEST OUT``: trafilatura ``extract(html, url=…, with_metadata=True,
  output_format="json")`` on each page; its title, date and text per page to OUT.
- ``speed-json MANIFEST``: that same call, timed (the same kind of work as ours: metadata and
  JSON out);
- ``speed-plain MANIFEST``: ``extract(html, url=…)``, trafilatura's defaults, timed.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import sys
import time
import warnings
from pathlib import Path


def main(argv: list[str]) -> int:
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})
    warnings.simplefilter("ignore")
    import logging

    logging.disable(logging.CRITICAL)
    import trafilatura

    mode, manifest = argv[0], argv[1]
    todo = []
    for path, url, gzipped in json.loads(Path(manifest).read_text()):
        data = Path(path).read_bytes()
        todo.append((gzip.decompress(data) if gzipped else data, url))

    def as_json(html: bytes, url: str) -> str | None:
        return trafilatura.extract(html, url=url, with_metadata=True, output_format="json")

    def plain(html: bytes, url: str) -> str | None:
        return trafilatura.extract(html, url=url)

    if mode == "quality":
        out = []
        for html, url in todo:
            try:
                raw = as_json(html, url)
            except Exception as exc:
                out.append({"error": f"{type(exc).__name__}: {exc}"[:300]})
                continue
            got = json.loads(raw) if raw else {}
            out.append({"title": got.get("title"), "published": got.get("date"),
                        "text": got.get("text") or ""})  # fmt: skip
        Path(argv[2]).write_text(json.dumps(out, ensure_ascii=False))
        return 0
    work = as_json if mode == "speed-json" else plain
    for html, url in todo[:20]:  # warm-up
        _safe(work, html, url)
    c0, t0 = time.process_time(), time.perf_counter()
    for html, url in todo:
        _safe(work, html, url)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    print(json.dumps({"pages": len(todo), "cpu_s": cpu, "wall_s": wall}))
    return 0


def _safe(work, html, url):  # type: ignore[no-untyped-def]
    with contextlib.suppress(Exception):  # the quality pass counts failures
        work(html, url)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
