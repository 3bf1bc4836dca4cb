"""Quote lookup on 20 000 synthetic article versions: ``python -m bench.quote_synthetic [N]``.

Not a test (timings depend on the machine): it builds an index of N synthetic articles
(8 paragraphs of 40 words each, words drawn Zipf-like from a 5 000-word vocabulary), then
times ``find_quote`` for an exact quote, a quote with one word changed, and one split across
paragraphs. Captures are verified against WARC files only in the small test archives, so
lookups here run with ``verify=False``; re-verifying one capture costs a single record read.

A quick check while working on ``archive.quotes``; ``make bench``'s quote row
(``bench/row_quote.py``) measures on a real crawled archive instead, with verification on.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from archive import Index, QuoteQuery, find_quote
from core.model import Article, Capture


def build(archive: Path, n: int, rng: random.Random) -> list[Article]:
    """Write ``n`` synthetic articles into the index of ``archive``."""
    vocab = [f"w{i}{'abcdefgh'[i % 8]}" for i in range(5000)]
    weights = [1 / (r + 1) for r in range(len(vocab))]
    made = []
    with Index.open(archive) as index:
        for i in range(n):
            body = tuple(" ".join(rng.choices(vocab, weights, k=40)) + "." for _ in range(8))
            url = f"https://www.commonspace.eu/news/a{i}"
            cap = Capture("bench.warc.gz", i * 1000, 900, f"<urn:uuid:{i:036d}>",
                          "sha1:X", "2024-05-01T12:00:00.000000Z", 200)  # fmt: skip
            art = Article(url=url, fetched_url=url, title=f"Article {i}", body=body, capture=cap,
                          published=f"2024-{1 + i % 12:02d}-01")  # fmt: skip
            index.add_capture(cap, url, "article")
            index.record_article(art, cap.fetched_at)
            made.append(art)
    return made


def timed(archive: Path, text: str, runs: int = 20) -> tuple[float, str]:
    """Median milliseconds of find_quote(text), and the URL of the best match."""
    times, best = [], ""
    for _ in range(runs):
        t0 = time.perf_counter()
        matches = find_quote(archive, QuoteQuery(text, verify=False))
        times.append((time.perf_counter() - t0) * 1000)
        best = matches[0].url if matches else "-"
    return sorted(times)[len(times) // 2], best


def main(n: int = 20_000) -> None:
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp)
        t0 = time.perf_counter()
        arts = build(archive, n, rng)
        print(f"built {n} versions in {time.perf_counter() - t0:.1f} s")
        target = arts[n // 2]
        exact = " ".join(target.body[3].split()[10:25])
        words = exact.split()
        near = " ".join([*words[:6], "changed", *words[7:]])
        split = " ".join(target.body[4].split()[-6:] + target.body[5].split()[:6])
        for label, text in (("exact", exact), ("near", near), ("split", split)):
            ms, url = timed(archive, text)
            print(f"{label:6} {ms:7.1f} ms median  found {url == target.url}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
