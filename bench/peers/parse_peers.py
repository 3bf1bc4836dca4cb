"""Child process of the parse row, in the peers venv: ``parse_peers.py TOOL MANIFEST``.

TOOL is ``trafilatura`` (``extract(html, url=..., with_metadata=True, output_format="json")``)
or ``newspaper4k`` (``Article(url, fetch_images=False); a.download(input_html=html);
a.parse()``). Same protocol as ``bench/parse_ours.py``: pinned to one CPU, warm-up, one timed
pass over every page, one JSON line out.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path


def main(argv: list[str]) -> int:
    tool, manifest_path = argv[0], argv[1]
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[-1]})
    warnings.simplefilter("ignore")
    manifest = json.loads(Path(manifest_path).read_text())
    pages = [(Path(f).read_bytes(), url) for f, url in manifest]
    if tool == "trafilatura":
        import trafilatura

        def parse(html: bytes, url: str) -> object:
            return trafilatura.extract(html, url=url, with_metadata=True, output_format="json")
    elif tool == "newspaper4k":
        from newspaper import Article

        def parse(html: bytes, url: str) -> object:
            # fetch_images=False: by default parse() downloads the top image to check its
            # size, which is network I/O, not parsing.
            article = Article(url, fetch_images=False)
            article.download(input_html=html.decode("utf-8"))
            article.parse()
            return article.title
    else:
        raise SystemExit(f"unknown tool {tool}")
    for html, url in pages[:5]:
        parse(html, url)
    t0 = time.perf_counter()
    got = sum(1 for html, url in pages if parse(html, url))
    dt = time.perf_counter() - t0
    print(json.dumps({"pages": len(pages), "extracted": got, "seconds": dt,
                      "pages_per_s": len(pages) / dt}))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
