"""Rows ``crawl`` and ``memory``: crawl + archive a section, against wget and Scrapy.

``crawl``: a 2 000-article section (the front-page listing of a 2 000-article site: 201
listing pages, 2 000 articles) crawled by ``scrape section front --delay 0 --concurrency 8``,
by ``wget --recursive --warc-file`` and by Scrapy + scrapy-webarchive (WACZ), each from the
front page, in interleaved rounds against one warmed server. Per tool: wall time, CPU seconds
(the child's own rusage) per article page it fetched (counted by the server), peak RSS.

``memory``: peak RSS of ``scrape section front`` and of ``scrape export`` at 200, 2 000 and
20 000 articles (times ``BENCH_SCALE``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .measure import (
    BENCH,
    PYSPY,
    SCRAPE,
    Run,
    Server,
    format_profile,
    log,
    median,
    peers_python,
    profile,
    serve,
    summarize,
    wget_path,
)
from .measure import run as run_child

# What a recursive wget/Scrapy must not follow to stay on the front listing and its articles,
# as `scrape section front` does: other listings, assets, the Russian mirror, static pages.
DENY = (
    r"/(region|theme|taxonomy|voices|node|ru|sites|themes|about-us|contact|privacy-policy"
    r"|rss\.xml|search|newsletter|user|admin)(/|$|\?)"
)
MEMORY_GOAL_MB = 150.0


def ours_cmd(base: str, archive: Path, section: str = "front") -> list[str | Path]:
    return [SCRAPE, "section", section, "--base-url", base, "--archive", archive,
            "--delay", "0", "--concurrency", "8"]  # fmt: skip


def wget_cmd(wget: str, base: str, folder: Path) -> list[str | Path]:
    return [wget, "--recursive", "--level=inf", "--no-verbose", "-o", folder / "wget.log",
            f"--warc-file={folder / 'crawl'}", "-P", folder / "files",
            f"--reject-regex={DENY}", base + "/"]  # fmt: skip


def scrapy_cmd(peers_py: Path, base: str, folder: Path) -> list[str | Path]:
    return [peers_py, BENCH / "peers" / "scrapy_crawl.py", base, folder, DENY]


def _measured(srv: Server, cmd: list[str | Path], cwd: Path, ok: tuple[int, ...]) -> dict:
    before, server_cpu = srv.stats(), srv.cpu()
    r: Run = run_child(cmd, cwd=cwd, ok=ok)
    after = srv.stats()
    delta = {k: after[k] - before[k] for k in ("requests", "article", "listing", "404")}
    pages = max(1, delta["article"])
    return {
        "wall_s": r.wall, "cpu_s": r.cpu, "maxrss_mb": r.maxrss_mb,
        "cpu_ms_per_article": 1000 * r.cpu / pages, "articles": delta["article"],
        "requests": delta["requests"], "listing": delta["listing"], "not_found": delta["404"],
        "server_cpu_share": (srv.cpu() - server_cpu) / r.wall, "exit": r.code,
    }  # fmt: skip


def _rounded(run: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in run.items()}


def server_capacity(srv: Server, folder: Path, paths: list[str]) -> dict[str, float]:
    """Article pages/s the server delivers to wget doing nothing but download (gzip on)."""
    wget = wget_path()
    if wget is None:
        return {}
    urls = folder / "urls.txt"
    urls.write_text("".join(srv.base + p + "\n" for p in paths))
    cpu0 = srv.cpu()
    r = run_child([wget, "-q", "--header=Accept-Encoding: gzip", "-i", urls, "-O", "/dev/null"])
    return {"pages_per_s": round(len(paths) / r.wall), "server_cpu_ms_per_page":
            round(1000 * (srv.cpu() - cpu0) / len(paths), 3)}  # fmt: skip


def _row(n: int, results: dict[str, list[dict]], capacity: dict, unavailable: dict) -> dict:
    """The crawl row from every tool's runs: medians, ratios, goal."""

    def med(tool: str, key: str) -> float:
        return median([r[key] for r in results[tool]])

    ours_cpu, ours_wall = med("ours", "cpu_ms_per_article"), med("ours", "wall_s")
    peers = {t: {"cpu_ms_per_article": round(med(t, "cpu_ms_per_article"), 2),
                 "wall_s": round(med(t, "wall_s"), 2)} for t in results if t != "ours"}  # fmt: skip
    ratio = {t: {"cpu_per_article": round(ours_cpu / v["cpu_ms_per_article"], 2),
                 "wall": round(ours_wall / v["wall_s"], 2)} for t, v in peers.items()}  # fmt: skip
    cpu_met = "scrapy" in ratio and ratio["scrapy"]["cpu_per_article"] < 1.0
    wall_met = "wget" in ratio and ratio["wget"]["wall"] <= 2.0
    row: dict[str, Any] = {
        "what": f"crawl + archive a {n}-article section, --delay 0 --concurrency 8",
        "unit": "CPU ms per article page; wall s",
        "ours": {"cpu_ms_per_article": round(ours_cpu, 2), "wall_s": round(ours_wall, 2)},
        "peers": peers,
        "ratio": ratio,
        "ratio_means": "ours ÷ peer (lower is better)",
        "goal": "CPU per page below the Python peers' (Scrapy); wall ≤ 2× wget's",
        "met": bool(cpu_met and wall_met),
        "met_parts": {"cpu_vs_scrapy": cpu_met, "wall_vs_wget": wall_met},
        "runs": {t: [_rounded(r) for r in rs] for t, rs in results.items()},
        "server": capacity,
    }
    if unavailable:
        row["unavailable"] = unavailable
    misses = []
    if "wget" in ratio and not wall_met:
        misses.append(f"wall {ratio['wget']['wall']:.2f}× wget's (goal ≤ 2×)")
    if "scrapy" in ratio and not cpu_met:
        cpu_ratio = ratio["scrapy"]["cpu_per_article"]
        misses.append(f"CPU per page {cpu_ratio:.2f}× Scrapy's (goal < 1×)")
    if misses:
        row["miss"] = "; ".join(misses)
    return row


def _profiles(srv: Server, tmp: Path) -> str:
    """Two py-spy runs of our crawl: Python CPU (GIL holder) and the main thread's wall time."""
    out = []
    for flags, title, thread, own in (
        (["--gil"], "py-spy --gil, scrape section front: Python CPU time, all threads", None,
         "where the CPU is"),
        (["--threads", "--idle"], "py-spy --idle, main thread (it stores every page): wall time",
         "MainThread", "where the main thread's wall time is; Condition.wait = waiting for "
         "the fetch+parse workers"),
    ):  # fmt: skip
        folder = tmp / "crawl-profile"
        raw = profile(ours_cmd(srv.base, folder), tmp / "crawl.pyspy.txt", rate=100, flags=flags)
        out.append(format_profile(title, summarize(raw, thread=thread), own))
        shutil.rmtree(folder, ignore_errors=True)
    return "\n".join(out)


def crawl(tmp: Path, n: int, rounds: int, want_profile: bool) -> tuple[dict[str, Any], dict]:
    """The crawl row, plus what the memory row reuses (peak RSS at ``n``, an export)."""
    from tests.samplesite import SampleSite, SiteConfig

    site = SampleSite(SiteConfig(seed=7, n_articles=n, record_bodies=False))
    paths = [a.url_path for a in site.articles]
    wget, peers_py = wget_path(), peers_python()
    tools = ["ours"] + (["wget"] if wget else []) + (["scrapy"] if peers_py else [])
    unavailable = {} if wget else {"wget": "wget not installed (apt-get install -y wget)"}
    if peers_py is None:
        unavailable["scrapy"] = "bench/.venv-peers missing"
    results: dict[str, list[dict]] = {t: [] for t in tools}
    log(f"crawl: {n} articles, tools {tools}, {rounds} rounds")
    with serve(n, warm=["front"]) as srv:
        capacity = {**server_capacity(srv, tmp, paths), "warm_s": srv.info.get("warm_seconds")}
        last_archive = tmp / "crawl-ours-0"
        for i in range(rounds):
            for tool in list(tools):
                folder = tmp / f"crawl-{tool}-{i}"
                folder.mkdir()
                try:
                    if tool == "ours":
                        cmd, ok = ours_cmd(srv.base, folder), (0,)
                        last_archive = folder
                    elif tool == "wget":
                        assert wget is not None
                        cmd, ok = wget_cmd(wget, srv.base, folder), (0, 8)  # 8: saw a 404
                    else:
                        assert peers_py is not None
                        cmd, ok = scrapy_cmd(peers_py, srv.base, folder), (0,)
                    results[tool].append(_measured(srv, cmd, folder, ok))
                except RuntimeError as exc:
                    unavailable[tool] = str(exc).splitlines()[-1][:200]
                    tools.remove(tool)
                    results.pop(tool)
                if tool != "ours" or i < rounds - 1:
                    shutil.rmtree(folder, ignore_errors=True)
                log(f"crawl round {i + 1} {tool}: {results.get(tool, [{}])[-1:]} ")
        row = _row(n, results, capacity, unavailable)
        if want_profile and not row["met"] and PYSPY.exists():
            row["profile"] = _profiles(srv, tmp)
    export = run_child([SCRAPE, "export", "--archive", last_archive, "--out",
                        last_archive / "all.jsonl"])  # fmt: skip

    reuse = {
        "crawl_maxrss_mb": [r["maxrss_mb"] for r in results["ours"]],
        "crawl_wall_s": results["ours"][-1]["wall_s"] if results["ours"] else None,
        "export_maxrss_mb": export.maxrss_mb,
        "peers_maxrss_mb": {
            t: round(median([r["maxrss_mb"] for r in rs]), 1)
            for t, rs in results.items()
            if t != "ours"
        },
    }
    shutil.rmtree(last_archive, ignore_errors=True)
    return row, reuse


def memory_point(tmp: Path, n: int, keep: bool) -> tuple[dict[str, Any], Path | None]:
    """Crawl + export at ``n`` articles; peak RSS of each, and how long it took."""
    folder = tmp / f"memory-{n}"
    with serve(n, warm=["front"] if n <= 5000 else [], cache_mb=256) as srv:
        crawl_run = run_child(ours_cmd(srv.base, folder))
        stats = srv.stats()
    export = run_child([SCRAPE, "export", "--archive", folder, "--out", folder / "all.jsonl"])
    point = {
        "articles": stats["article"],
        "crawl_maxrss_mb": round(crawl_run.maxrss_mb, 1),
        "export_maxrss_mb": round(export.maxrss_mb, 1),
        "crawl_wall_s": round(crawl_run.wall, 1),
        "export_wall_s": round(export.wall, 1),
    }
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
        return point, None
    return point, folder


def memory(
    tmp: Path, sizes: list[int], reuse: dict | None, crawl_n: int
) -> tuple[dict, Path | None]:
    """The memory row; also returns the largest crawled archive, kept for the quote row."""
    points: dict[str, Any] = {}
    largest = max(sizes)
    kept: Path | None = None
    for n in sizes:
        if reuse is not None and n == crawl_n:
            points[str(n)] = {
                "articles": n,
                "crawl_maxrss_mb": round(max(reuse["crawl_maxrss_mb"]), 1),
                "export_maxrss_mb": round(reuse["export_maxrss_mb"], 1),
                "crawl_wall_s": round(reuse["crawl_wall_s"], 1),
                "note": "from the crawl row's runs",
            }
            continue
        log(f"memory: crawl + export at {n} articles")
        point, folder = memory_point(tmp, n, keep=n == largest)
        points[str(n)] = point
        kept = folder or kept
        log(f"memory {n}: {json.dumps(point)}")
    peaks = {n: max(p["crawl_maxrss_mb"], p["export_maxrss_mb"]) for n, p in points.items()}
    worst = max(peaks.values())
    smallest = peaks[str(min(sizes))]
    row: dict[str, Any] = {
        "what": "peak RSS of crawl (scrape section) and export (scrape export)",
        "unit": "MB",
        "ours": {n: round(v, 1) for n, v in peaks.items()},
        "peers": (
            {f"{t} (crawl row, {crawl_n})": v for t, v in reuse["peers_maxrss_mb"].items()}
            if reuse
            else {}
        ),
        "ratio": {"largest ÷ smallest": round(worst / smallest, 2)},
        "goal": f"flat: under {MEMORY_GOAL_MB:g} MB at every size",
        "met": worst < MEMORY_GOAL_MB,
        "points": points,
    }
    if not row["met"]:
        row["miss"] = f"peak {worst:.0f} MB, {worst - MEMORY_GOAL_MB:.0f} MB over the goal"
    return row, kept
