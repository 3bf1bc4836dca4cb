"""Child process of the parse row: ``python -m bench.parse_ours MANIFEST [--seconds S]``.

Pins itself to one CPU, reads the pages listed in MANIFEST (a JSON list of ``[file, url]``),
parses each once to warm up, then times one pass of ``parse_article`` over all of them and
prints ``{"pages": n, "seconds": s, "pages_per_s": r}``. With ``--seconds`` it loops for that
long instead (for the profiler).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from scraper.parse import parse_article


def main(argv: list[str]) -> int:
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})
    manifest = json.loads(Path(argv[0]).read_text())
    pages = [(Path(f).read_bytes(), url) for f, url in manifest]
    for html, url in pages[:10]:
        parse_article(html, url)
    loop_for = float(argv[2]) if len(argv) > 2 and argv[1] == "--seconds" else 0.0
    t0 = time.perf_counter()
    n = 0
    while True:
        for html, url in pages:
            parse_article(html, url)
        n += len(pages)
        if time.perf_counter() - t0 >= loop_for:
            break
    dt = time.perf_counter() - t0
    print(json.dumps({"pages": n, "seconds": dt, "pages_per_s": n / dt}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
