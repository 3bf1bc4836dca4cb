"""Row ``daily``: a daily run over 30 sections when nothing is new — how many requests?

The 30 sections are every listing of the sample site but ``/node``: the 14 terms under both
their ``region/…``/``theme/…`` path and their ``taxonomy/term/N`` path, the old Türkiye slug,
Voices and the front page. A first run archives everything; the second, measured, run finds
nothing new. Requests are counted by the server.

Ours is ``scrape daily --section URL …`` (30 times ``--section``) when the command exists. If
it does not (or fails), the stand-in is what a cron job would do without it: ``scrape section``
once per section, into one archive; the row then says ``"stand_in"``. The peer is
``wget --mirror --adjust-extension`` run twice over the same site. (``--adjust-extension``
because without it wget cannot store both ``/node`` and ``/node/123`` and the re-run stops
with an I/O error; with it, wget no longer finds its earlier files under the URL's name and
re-requests every page unconditionally.)
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.samplesite.truth import LISTINGS

from .measure import SCRAPE, Server, log, serve, wget_path
from .measure import run as run_child
from .row_crawl import ours_cmd

ASSETS = r"/(sites|themes)/"
KINDS = ("requests", "article", "listing", "robots", "feed", "304", "other")


def sections() -> list[str]:
    return [key for key in LISTINGS if key != "node"]


def _url(srv: Server, slug: str) -> str:
    return srv.base + "/" + ("" if slug == "front" else slug)


def has_daily() -> bool:
    return run_child([SCRAPE, "daily", "--help"], ok=(0, 1, 2)).code == 0


def _counted(srv: Server, before: dict[str, int]) -> dict[str, int]:
    after = srv.stats()
    return {k: after[k] - before.get(k, 0) for k in KINDS}


def _daily(srv: Server, archive: Path, slugs: list[str]) -> dict[str, Any]:
    """One ``scrape daily`` run over ``slugs``."""
    before = srv.stats()
    cmd: list[str | Path] = [SCRAPE, "daily", "--archive", archive, "--base-url", srv.base,
                             "--delay", "0", "--concurrency", "8", "--json"]  # fmt: skip
    for slug in slugs:
        cmd += ["--section", _url(srv, slug)]
    r = run_child(cmd, ok=(0, 1, 5))
    return {**_counted(srv, before), "wall_s": round(r.wall, 1), "cpu_s": round(r.cpu, 1),
            "exit": r.code}  # fmt: skip


def _sections(srv: Server, archive: Path, slugs: list[str]) -> dict[str, Any]:
    """The stand-in: one ``scrape section`` run per section."""
    before = srv.stats()
    per_section, wall, cpu = [], 0.0, 0.0
    for slug in slugs:
        start = srv.stats()["requests"]
        r = run_child(ours_cmd(srv.base, archive, _url(srv, slug)), ok=(0, 1))
        wall += r.wall
        cpu += r.cpu
        per_section.append(srv.stats()["requests"] - start)  # stats requests are not counted
    return {**_counted(srv, before), "per_section": per_section, "wall_s": round(wall, 1),
            "cpu_s": round(cpu, 1)}  # fmt: skip


def _wget_mirror(srv: Server, wget: str, folder: Path) -> dict[str, Any]:
    before = srv.stats()
    cmd = [wget, "--mirror", "--adjust-extension", "--no-verbose", "-o", folder / "wget.log",
           "-P", folder / "files", f"--reject-regex={ASSETS}", srv.base + "/"]  # fmt: skip
    r = run_child(cmd, ok=(0, 8))
    return {**_counted(srv, before), "wall_s": round(r.wall, 1), "cpu_s": round(r.cpu, 1)}


def measure(tmp: Path, n: int) -> dict[str, Any]:
    slugs = sections()
    archive = tmp / "daily-ours"
    daily = has_daily()
    how = "scrape daily" if daily else "scrape section × 30 (stand-in)"
    log(f"daily: {n}-article site, {len(slugs)} sections, {how}: first run, then the measured")
    peers: dict[str, Any] = {}
    unavailable: dict[str, str] = {}
    stand_in_reason = None if daily else "no `scrape daily` command"
    with serve(n, warm=slugs, cache_mb=1024) as srv:
        if daily:
            try:
                first = _daily(srv, archive, slugs)
                second = _daily(srv, archive, slugs)
            except RuntimeError as exc:
                stand_in_reason = f"`scrape daily` failed: {str(exc).splitlines()[-1][:160]}"
                shutil.rmtree(archive, ignore_errors=True)
        if stand_in_reason:
            first = _sections(srv, archive, slugs)
            second = _sections(srv, archive, slugs)
        log(f"daily: first run {first['requests']} requests, second {second['requests']}")
        wget = wget_path()
        if wget is None:
            unavailable["wget --mirror"] = "wget not installed (apt-get install -y wget)"
        else:
            folder = tmp / "daily-wget"
            folder.mkdir()
            wget_first = _wget_mirror(srv, wget, folder)
            wget_second = _wget_mirror(srv, wget, folder)
            peers["wget --mirror"] = {"first_run": wget_first, "re_run": wget_second}
            shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(archive, ignore_errors=True)
    ours = second["requests"]
    # `scrape daily` covers the RSS feed of every listed term as a section of its own (issue 5:
    # "sections to cover: all regions and themes, /voices, and the RSS feeds"), so the goal
    # counts each feed read as one more section.
    feeds = second["feed"] if not stand_in_reason else 0
    goal = len(slugs) + feeds + 1
    row: dict[str, Any] = {
        "what": f"daily run, nothing new, {len(slugs)} sections ({n}-article site): requests",
        "unit": "requests",
        "ours": ours,
        "command": "scrape daily" if not stand_in_reason else "scrape section (stand-in)",
        "peers": {k: v["re_run"]["requests"] for k, v in peers.items()},
        "ratio": {k: round(ours / v["re_run"]["requests"], 3) for k, v in peers.items()},
        "ratio_means": "ours ÷ peer (lower is better)",
        "goal": (
            f"≤ 1 request per section ({len(slugs)} listings + {feeds} RSS feeds) "
            f"+ robots.txt = {goal}"
        ),
        "met": ours <= goal,
        "ours_detail": {"first_run": first, "second_run": second},
        "peer_detail": peers,
    }
    if stand_in_reason:
        row["stand_in"] = (
            f"{stand_in_reason}: measured a second `scrape section` run over the "
            f"{len(slugs)} sections (one process each, one archive)"
        )
    if unavailable:
        row["unavailable"] = unavailable
    if ours > goal:
        row["miss"] = (
            f"{ours} requests instead of ≤ {goal} ({ours / goal:.1f}×): {second['article']} "
            f"article, {second['listing']} listing, {second['robots']} robots.txt, "
            f"{second['feed']} feed, {second['other']} other requests"
        )
    return row
