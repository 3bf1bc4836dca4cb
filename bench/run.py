"""``make bench``: every row measured in one run, one table, ``bench/results.json``.

    python -m bench.run            # all rows (about 15 minutes on 2 cores)
    BENCH_ROWS=parse,quote python -m bench.run
    BENCH_SCALE=0.1 python -m bench.run    # every article count × 0.1 (a quick look)

Rows: ``parse``, ``crawl``, ``memory``, ``daily``, ``quote``, ``serve`` (see ``bench/README.md``
for the method). ``BENCH_PROFILE=0`` skips the py-spy profiles taken for missed goals. The table and
the profiles are also written between the markers of ``bench/README.md``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from . import row_crawl, row_daily, row_parse, row_quote, row_serve
from .measure import BENCH, log, peers_python, wget_path
from .measure import run as run_child

ROWS = ("parse", "crawl", "memory", "daily", "quote", "serve")
START, END = "<!-- bench:results -->", "<!-- /bench:results -->"


def machine() -> dict[str, Any]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor())  # fmt: skip
    mem = next(
        (int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal")), 0)  # fmt: skip
    ours = {name: _version(name) for name in
            ("commonspace-scraper", "selectolax", "warcio", "httpx", "typer")}  # fmt: skip
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_mb": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "ours": ours,
    }
    peers_py = peers_python()
    if peers_py is not None:
        code = (
            "import json,platform; from importlib import metadata as m\n"
            "def v(n):\n try: return m.version(n)\n except m.PackageNotFoundError: return None\n"
            "print(json.dumps({'python': platform.python_version(), **{n: v(n) for n in "
            "('trafilatura','newspaper4k','Scrapy','scrapy-webarchive','lxml','w3lib',"
            "'Twisted','py-spy')}}))"
        )
        info["peers"] = run_child([peers_py, "-c", code]).json()
    wget = wget_path()
    if wget is not None:
        info["wget"] = run_child([wget, "--version"]).stdout.splitlines()[0]
    return info


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _fmt(value: Any) -> str:
    return f"{value:,.1f}" if isinstance(value, float) else str(value)


def cells(name: str, row: dict[str, Any]) -> list[str]:
    """One table line: row, ours, peers, ours ÷ peer, goal, met."""
    ours, peers, ratio = row.get("ours"), row.get("peers", {}), row.get("ratio", {})
    if name == "parse":
        o = f"{ours:,.0f} pages/s"
        p = ", ".join(f"{k} {v:,.0f}" for k, v in peers.items())
        r = ", ".join(f"{v:.1f}× {k}" for k, v in ratio.items())
    elif name == "crawl":
        o = f"{ours['cpu_ms_per_article']:.1f} CPU ms/article, {ours['wall_s']:.1f} s wall"
        p = "; ".join(f"{k} {v['cpu_ms_per_article']:.1f} ms, {v['wall_s']:.1f} s"
                      for k, v in peers.items())  # fmt: skip
        r = "; ".join(f"{k}: CPU {v['cpu_per_article']:.2f}×, wall {v['wall']:.2f}×"
                      for k, v in ratio.items())  # fmt: skip
    elif name == "memory":
        o = ", ".join(f"{int(n):,}: {v:.0f} MB" for n, v in ours.items())
        p = ", ".join(f"{k} {v:.0f} MB" for k, v in peers.items())
        r = ", ".join(f"{k} {v:.2f}" for k, v in ratio.items())
    elif name == "daily":
        o = f"{ours:,} requests ({row.get('command')})"
        p = ", ".join(f"{k} {v:,}" for k, v in peers.items())
        r = ", ".join(f"{v:.3f}× {k}" for k, v in ratio.items())
    elif name == "serve":
        o = f"p95 {ours:.0f} ms (median {row.get('ours_median_ms', 0):.0f} ms)"
        p = ", ".join(f"{k} p95 {v:.0f} ms" for k, v in peers.items())
        r = ", ".join(f"{v:.2f}×" for v in ratio.values())
    else:
        o = f"{ours:.0f} ms (lookup alone {row.get('ours_lookup_ms', 0):.0f} ms)"
        p = ", ".join(f"{k} {v:.0f} ms" for k, v in peers.items())
        r = ", ".join(f"{v:.1f}×" for v in ratio.values())
    if row.get("unavailable"):
        p += ("; " if p else "") + "unavailable: " + ", ".join(row["unavailable"])
    met = "**yes**" if row.get("met") else "no"
    when = str(row.get("measured", ""))[:10]
    return [f"{name} ({when})" if when else name, o, p or "—", r or "—", row.get("goal", ""), met]


def table(results: dict[str, Any]) -> str:
    head = ["row", "ours", "peers (same run)", "ours ÷ peer", "goal", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in ROWS:
        if name in results:
            lines.append("| " + " | ".join(cells(name, results[name])) + " |")
    return "\n".join(lines)


def report(results: dict[str, Any]) -> str:
    """The markdown that goes between the README markers: table, misses, profiles."""
    m = results["machine"]
    peers = m.get("peers", {})
    dates = {str(results[n].get("measured", results["date"])) for n in ROWS if n in results}
    older = bool(dates - {results["date"]})
    out = [
        f"Run of {results['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_mb']:,} MB, "
        f"Python {m['python']}; scale {results['scale']:g}; took {results['duration_s'] / 60:.1f}"
        f" min. Peers: "
        + ", ".join(f"{k} {v}" for k, v in peers.items() if k != "python" and v)
        + (f", {m['wget'].rstrip('.')}" if m.get("wget") else "")
        + (". A row measured in an earlier run (`BENCH_ROWS`) gives its date after its name."
           if older else ""),
        "",
        table(results),
        "",
    ]
    for name in ROWS:
        row = results.get(name)
        if not row:
            continue
        if row.get("miss"):
            out.append(f"- **{name}** missed: {row['miss']}")
        if row.get("note"):
            out.append(f"- **{name}** note: {row['note']}")
        if row.get("stand_in"):
            out.append(f"- **{name}** stand-in: {row['stand_in']}")
        if row.get("unavailable"):
            out.append(f"- **{name}** unavailable: " + "; ".join(
                f"{k}: {v}" for k, v in row["unavailable"].items()))  # fmt: skip
    for name in ROWS:
        row = results.get(name) or {}
        if row.get("profile"):
            out += ["", f"Where the time goes, **{name}**:", "", "```text", row["profile"], "```"]
    return "\n".join(out).rstrip() + "\n"


def update_readme(text: str) -> None:
    readme = BENCH / "README.md"
    if not readme.exists():
        return
    body = readme.read_text(encoding="utf-8")
    if START not in body or END not in body:
        return
    head, rest = body.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{text}{END}{tail}", encoding="utf-8")


def merged(results: dict[str, Any], path: Path) -> dict[str, Any]:
    """``results`` with the rows an earlier run of the same scale measured and this one did not
    (``BENCH_ROWS=serve`` keeps the other rows); each row keeps the date it was measured."""
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return results
    if earlier.get("scale") != results["scale"]:
        return results
    out = dict(results)
    for name in ROWS:
        if name not in out and isinstance(earlier.get(name), dict):
            out[name] = {"measured": earlier.get("date"), **earlier[name]}
    if "notes" in earlier and "notes" not in out:
        out["notes"] = earlier["notes"]
    head = [k for k in results if k not in ROWS]
    return {k: out[k] for k in (*head, *(n for n in ROWS if n in out),
                                *(k for k in out if k not in head and k not in ROWS))}  # fmt: skip


def main() -> int:
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    rows = [r for r in os.environ.get("BENCH_ROWS", ",".join(ROWS)).split(",") if r]
    want_profile = os.environ.get("BENCH_PROFILE", "1") != "0"
    crawl_rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    unknown = set(rows) - set(ROWS)
    if unknown:
        print(f"unknown rows {sorted(unknown)}; choose from {ROWS}", file=sys.stderr)
        return 2

    def size(n: int) -> int:
        return max(20, round(n * scale))

    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": scale,
        "machine": machine(),
    }
    durations: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="scrape-bench-") as tmp_name:
        tmp = Path(tmp_name)
        reuse, largest = None, None
        for name in ROWS:
            needs_archive = "quote" in rows or "serve" in rows  # the memory row's largest
            if name not in rows and not (name == "memory" and needs_archive):
                continue
            t0 = time.perf_counter()
            if name == "parse":
                results[name] = row_parse.measure(tmp, want_profile=want_profile)
            elif name == "crawl":
                results[name], reuse = row_crawl.crawl(tmp, size(2000), crawl_rounds, want_profile)
            elif name == "memory":
                sizes = [size(200), size(2000), size(20_000)] if name in rows else [size(20_000)]
                row, largest = row_crawl.memory(tmp, sizes, reuse, size(2000))
                if name in rows:
                    results[name] = row
            elif name == "daily":
                results[name] = row_daily.measure(tmp, size(2000))
            elif name == "quote":
                assert largest is not None
                results[name] = row_quote.measure(tmp, largest, want_profile)
            elif name == "serve":
                assert largest is not None
                results[name] = row_serve.measure(largest)
            durations[name] = round(time.perf_counter() - t0, 1)
            if name in results:
                results[name]["measured"] = results["date"]
            log(f"{name}: done in {durations[name]:.0f} s")
        if largest is not None:
            shutil.rmtree(largest, ignore_errors=True)
    results["duration_s"] = round(time.perf_counter() - started, 1)
    results["row_durations_s"] = durations
    ordered = {k: results[k] for k in ("date", "scale", "duration_s", "row_durations_s",
                                       "machine")}  # fmt: skip
    ordered.update({name: results[name] for name in ROWS if name in results})
    ordered = merged(ordered, BENCH / "results.json")
    (BENCH / "results.json").write_text(
        json.dumps(ordered, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    text = report(ordered)
    if scale == 1 and all(name in ordered for name in ROWS):
        update_readme(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
