"""Row ``parse``: article pages per second on one core, ours against trafilatura and newspaper4k.

The pages are the sample site's article pages padded with realistic chrome (``bench.chrome``,
60–120 KB). Each tool runs in its own child process pinned to one CPU (``parse_ours.py`` in our
venv, ``peers/parse_peers.py`` in the peers venv), one timed pass over all pages per round,
rounds interleaved so that a noisy neighbour hits every tool alike; the figure is the median.
"""

from __future__ import annotations

import json
import statistics
import zlib
from pathlib import Path
from typing import Any

from scraper.parse import parse_article
from tests.samplesite import SampleSite, SiteConfig

from .chrome import pad
from .measure import (
    BENCH,
    OUR_PY,
    PYSPY,
    format_profile,
    log,
    median,
    peers_python,
    profile,
    summarize,
)
from .measure import run as run_child

BASE = "https://www.commonspace.eu"
GOAL_RATIO = 10.0


def write_pages(folder: Path, n: int) -> tuple[Path, dict[str, Any]]:
    """Write ``n`` padded article pages and a manifest; check the chrome changes no field."""
    site = SampleSite(SiteConfig(seed=7, n_articles=max(n, 200), record_bodies=False))
    site.base_url = BASE
    articles = site.articles
    step = len(articles) / n
    picked = [articles[int(i * step)] for i in range(n)]
    folder.mkdir(parents=True, exist_ok=True)
    manifest, sizes, changed = [], [], 0
    for a in picked:
        raw = site.render_article(a.node_id, counter=a.node_id)
        html = pad(raw.decode(), zlib.crc32(a.url_path.encode())).encode()
        url = BASE + a.url_path
        if parse_article(raw, url).to_dict() != parse_article(html, url).to_dict():
            changed += 1
        path = folder / f"{a.node_id}.html"
        path.write_bytes(html)
        manifest.append((str(path), url))
        sizes.append(len(html))
    out = folder / "manifest.json"
    out.write_text(json.dumps(manifest))
    info = {
        "pages": n,
        "kb_min": round(min(sizes) / 1000, 1),
        "kb_median": round(statistics.median(sizes) / 1000, 1),
        "kb_max": round(max(sizes) / 1000, 1),
        "unpadded_kb_median": round(
            statistics.median(len(site.render_article(a.node_id, a.node_id)) for a in picked)
            / 1000,
            1,
        ),
        "pages_whose_parse_changed_with_chrome": changed,
    }
    return out, info


def measure(tmp: Path, pages: int = 100, rounds: int = 5, want_profile: bool = True) -> dict:
    manifest, info = write_pages(tmp / "pages", pages)
    log(f"parse: {pages} pages, median {info['kb_median']} KB; {rounds} interleaved rounds")
    peers_py = peers_python()
    tools: dict[str, list[str | Path]] = {"ours": [OUR_PY, "-m", "bench.parse_ours", manifest]}
    for peer in ("trafilatura", "newspaper4k"):
        if peers_py is not None:
            tools[peer] = [peers_py, BENCH / "peers" / "parse_peers.py", peer, manifest]
    rates: dict[str, list[float]] = {tool: [] for tool in tools}
    unavailable: dict[str, str] = {}
    if peers_py is None:
        unavailable = {p: "bench/.venv-peers missing" for p in ("trafilatura", "newspaper4k")}
    for _ in range(rounds):
        for tool, cmd in list(tools.items()):
            try:
                rates[tool].append(float(run_child(cmd).json()["pages_per_s"]))
            except RuntimeError as exc:
                unavailable[tool] = str(exc).splitlines()[-1][:200]
                del tools[tool]
    ours = median(rates["ours"])
    peers = {p: round(median(r), 1) for p, r in rates.items() if p != "ours" and r}
    ratio = {p: round(ours / v, 2) for p, v in peers.items()}
    met = ratio.get("trafilatura", 0.0) >= GOAL_RATIO if "trafilatura" in ratio else False
    row: dict[str, Any] = {
        "what": "article pages parsed per second, one core",
        "unit": "pages/s",
        "ours": round(ours, 1),
        "peers": peers,
        "ratio": ratio,
        "ratio_means": "ours ÷ peer (higher is better)",
        "goal": f"≥ {GOAL_RATIO:g}× trafilatura",
        "met": met,
        "runs": {tool: [round(r, 1) for r in v] for tool, v in rates.items()},
        "pages": info,
    }
    if unavailable:
        row["unavailable"] = unavailable
    if not met and "trafilatura" in ratio:
        row["miss"] = (
            f"{ratio['trafilatura']:.1f}× trafilatura instead of {GOAL_RATIO:g}×: "
            f"{GOAL_RATIO / ratio['trafilatura']:.1f}× too slow "
            f"(would need {GOAL_RATIO * peers['trafilatura']:.0f} pages/s)"
        )
    if want_profile and not met and PYSPY.exists():
        raw = profile([OUR_PY, "-m", "bench.parse_ours", manifest, "--seconds", "8"],
                      tmp / "parse.pyspy.txt", cwd=BENCH.parent)  # fmt: skip
        row["profile"] = format_profile("py-spy, parse_article loop", summarize(raw))
    return row
