"""``make realpages CORPUS=DIR[:DIR…]``: the parser on real pages, side by side with trafilatura.

Reads one or both public corpora from where they lie (``bench/corpora.py``: trafilatura's
evaluation set, scrapinghub's article-extraction-benchmark), runs our parser and trafilatura
2.3.1 (from ``bench/.venv-peers``, as ``make bench`` installs it) over the same pages in the
same run, and prints, per corpus and per half (A: looked at while developing; B: only
measured): body precision / recall / F1, empty bodies, title and date accuracy, crashes; then
pages per CPU-second of each tool on one core (rounds interleaved, medians). Writes
``bench/realpages.json`` (figures and the worst pages' URLs; never page text).

Environment: ``REALPAGES_ROUNDS`` (speed rounds, 3; 0 skips the speed pass),
``REALPAGES_HALF`` (A or B: only that half), ``REALPAGES_OUT`` (where the JSON goes); for
development only: ``REALPAGES_DUMP=FILE`` (every page's scores) and
``REALPAGES_PEER_CACHE=FILE`` (trafilatura's output kept from an earlier run and read back: its
figures are then not of the same run, and the table says so).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .corpora import WHERE, Page, folders, kind_of, load, manifest
from .measure import BENCH, OUR_PY, log, median, peers_python
from .measure import run as run_child
from .realscore import Scored, badness, score, summary

PEER = "trafilatura"
HALVES = ("A", "B", "all")


def usage(problem: str) -> str:
    return (
        f"realpages: {problem}\n"
        "CORPUS names one or more folders (separated by ':') holding a corpus:\n"
        f"  trafilatura's evaluation set: {WHERE['trafilatura']}\n"
        f"  the article-extraction-benchmark: {WHERE['aeb']}\n"
        "e.g. make realpages CORPUS=~/src/trafilatura/tests:~/src/article-extraction-benchmark"
    )


def find_pages(spec: str) -> tuple[list[Page], list[str]] | str:
    """Every page of every corpus in ``spec``, or what is wrong with it."""
    if not spec.strip():
        return usage("no corpus given (CORPUS is empty)")
    pages: list[Page] = []
    kinds: list[str] = []
    for folder in folders(spec):
        if not folder.is_dir():
            return usage(f"{folder}: no such folder")
        if kind_of(folder) is None:
            return usage(f"{folder}: holds neither corpus")
        kind, found = load(folder)
        if not found:
            return usage(f"{folder}: no pages found")
        kinds.append(kind)
        pages += found
    return pages, kinds


def quality(pages: list[Page], tmp: Path) -> tuple[dict[str, list[Scored]], dict[str, str]]:
    """Each tool's scored output on every page; the tools that could not run, and why."""
    man = tmp / "manifest.json"
    man.write_text(json.dumps(manifest(pages)))
    cmds: dict[str, list[str | Path]] = {
        "ours": [OUR_PY, "-m", "bench.realpages_ours", "quality", man, tmp / "ours.json"]
    }
    unavailable: dict[str, str] = {}
    peers_py = peers_python()
    if peers_py is None:
        unavailable[PEER] = "bench/.venv-peers missing (make bench installs it)"
    else:
        cmds[PEER] = [peers_py, BENCH / "peers" / "realpages_peers.py", "quality", man,
                      tmp / f"{PEER}.json"]  # fmt: skip
    scored: dict[str, list[Scored]] = {}
    cache = os.environ.get("REALPAGES_PEER_CACHE")
    for tool, cmd in cmds.items():
        t0 = time.perf_counter()
        reuse = tool != "ours" and cache and Path(cache).is_file()
        try:
            if reuse:
                outs = json.loads(Path(cache).read_text())  # type: ignore[arg-type]
                assert len(outs) == len(pages), f"{cache} is of other pages"
            else:
                run_child(cmd, cwd=BENCH.parent)
        except RuntimeError as exc:
            unavailable[tool] = str(exc).splitlines()[-1][:200]
            continue
        if not reuse:
            outs = json.loads(Path(cmd[-1]).read_text())
            if tool != "ours" and cache:
                Path(cache).write_text(json.dumps(outs, ensure_ascii=False))
        scored[tool] = [score(p, o) for p, o in zip(pages, outs, strict=True)]
        log(f"realpages: {tool} read {len(pages)} pages in {time.perf_counter() - t0:.0f} s")
    return scored, unavailable


def speed(pages: list[Page], tmp: Path, rounds: int) -> dict[str, Any]:
    """Pages per CPU-second on one core: ours, trafilatura with metadata as JSON, and
    trafilatura's plain ``extract()``; rounds interleaved, so a busy neighbour hits all."""
    man = tmp / "manifest.json"
    man.write_text(json.dumps(manifest(pages)))
    cmds: dict[str, list[str | Path]] = {"ours": [OUR_PY, "-m", "bench.realpages_ours",
                                                  "speed", man]}  # fmt: skip
    peers_py = peers_python()
    if peers_py is not None:
        for mode in ("json", "plain"):
            cmds[f"{PEER}-{mode}"] = [peers_py, BENCH / "peers" / "realpages_peers.py",
                                      f"speed-{mode}", man]  # fmt: skip
    rates: dict[str, list[float]] = {tool: [] for tool in cmds}
    walls: dict[str, list[float]] = {tool: [] for tool in cmds}
    for k in range(rounds):
        for tool, cmd in cmds.items():
            got = run_child(cmd, cwd=BENCH.parent).json()
            rates[tool].append(float(got["pages"]) / float(got["cpu_s"]))  # type: ignore[arg-type]
            walls[tool].append(float(got["pages"]) / float(got["wall_s"]))  # type: ignore[arg-type]
        log(f"realpages: speed round {k + 1}/{rounds}: "
            + ", ".join(f"{t} {r[-1]:.1f}/s" for t, r in rates.items()))  # fmt: skip
    out: dict[str, Any] = {
        "pages": len(pages),
        "rounds": rounds,
        "unit": "pages per CPU-second, one core",
        "median": {t: round(median(r), 1) for t, r in rates.items()},
        "runs": {t: [round(x, 1) for x in r] for t, r in rates.items()},
        "wall_median": {t: round(median(r), 1) for t, r in walls.items()},
    }
    ours = out["median"]["ours"]
    out["ratio"] = {t: round(ours / v, 2) for t, v in out["median"].items() if t != "ours"}
    return out


ROWS = (  # (key, label, format)
    ("bow_f1_mean", "body F1, bag of words, mean", "{:.3f}"),
    ("bow_f1_median", "body F1, bag of words, median", "{:.3f}"),
    ("bow_precision_mean", "body precision, mean", "{:.3f}"),
    ("bow_recall_mean", "body recall, mean", "{:.3f}"),
    ("bow_f1_below_0_5", "pages with body F1 < 0.5", "{}"),
    ("bow_precision_below_0_8", "pages with precision < 0.8", "{}"),
    ("snippet_precision", "body snippets, precision", "{:.3f}"),
    ("snippet_recall", "body snippets, recall", "{:.3f}"),
    ("snippet_f1", "body snippets, F1", "{:.3f}"),
    ("empty_bodies", "empty bodies", "{}"),
    ("empty_where_peer_has_text", "empty where the other finds text", "{}"),
    ("title_exact_pct", "title exact, %", "{}"),
    ("date_correct_pct", "date correct, %", "{}"),
    ("date_found_pct", "date found, %", "{}"),
    ("crashes", "crashes", "{}"),
    ("taken_for_listing", "parse_page takes it for a listing", "{}"),
)


def tables(results: dict[str, Any]) -> str:
    lines: list[str] = []
    for corpus, by_half in results["quality"].items():
        n = {h: by_half[h]["ours"]["pages"] for h in HALVES if h in by_half}
        lines += ["", f"{corpus}: {n.get('all')} pages (half A {n.get('A')}, B {n.get('B')})"]
        tools = [t for t in ("ours", PEER) if t in by_half["all"]]
        head = f"{'measure':<34}" + "".join(f"{t[:6] + ' ' + h:>13}" for h in HALVES
                                              for t in tools if h in by_half)  # fmt: skip
        lines += [head, "-" * len(head)]
        for key, label, fmt in ROWS:
            if key not in by_half["all"]["ours"]:
                continue
            cells = []
            for h in HALVES:
                for t in tools:
                    value = by_half.get(h, {}).get(t, {}).get(key)
                    cells.append(f"{fmt.format(value) if value is not None else '-':>13}")
            lines.append(f"{label:<34}" + "".join(cells))
        layers = by_half["all"]["ours"].get("body_layers")
        if layers:
            lines.append("ours, body from: " + ", ".join(f"{k} {v}" for k, v in layers.items()))
        worst = results["worst"].get(corpus, [])
        if worst:
            lines += ["", f"worst ten of ours on {corpus} (how wrong, 0–1; half; body layer):"]
            lines += [f"  {w['badness']:.2f} {w['half']} {w['layer'] or '-':<13} {w['url'][:96]}"
                      for w in worst]  # fmt: skip
    sp = results.get("speed")
    if sp:
        lines += ["", f"speed, real pages ({sp['pages']} pages; {sp['unit']}; median of "
                  f"{sp['rounds']} interleaved rounds; range in brackets):"]  # fmt: skip
        for tool, value in sp["median"].items():
            runs = sp["runs"][tool]
            lines.append(f"  {tool:<18} {value:>8.1f}   [{min(runs):.1f}–{max(runs):.1f}]")
        lines.append("  ours ÷ " + ", ".join(f"{t}: {v:.2f}×" for t, v in sp["ratio"].items()))
    if results.get("peer_cache"):
        lines.append(f"NOTE: {PEER}'s output read back from {results['peer_cache']}: not this run")
    for tool, why in results.get("unavailable", {}).items():
        lines.append(f"unavailable: {tool}: {why}")
    return "\n".join(lines).lstrip("\n")


def main(argv: list[str]) -> int:
    found = find_pages(os.environ.get("CORPUS", ""))
    if isinstance(found, str):
        print(found, file=sys.stderr)
        return 2
    pages, kinds = found
    if argv[:1] == ["--check"]:  # (the Makefile asks before it sets up the peers)
        return 0
    half = os.environ.get("REALPAGES_HALF", "")
    if half:
        pages = [p for p in pages if p.half == half]
    rounds = int(os.environ.get("REALPAGES_ROUNDS", "3"))
    log(f"realpages: {len(pages)} pages from {', '.join(kinds)}")
    results: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                               "half": half or "both", "quality": {}, "worst": {}}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="realpages-") as tmp_name:
        tmp = Path(tmp_name)
        scored, unavailable = quality(pages, tmp)
        if "ours" not in scored:
            print(f"realpages: our parser did not run: {unavailable.get('ours')}", file=sys.stderr)
            return 1
        results["unavailable"] = unavailable
        if os.environ.get("REALPAGES_PEER_CACHE"):
            results["peer_cache"] = os.environ["REALPAGES_PEER_CACHE"]
        for corpus in dict.fromkeys(p.corpus for p in pages):
            idx = [i for i, p in enumerate(pages) if p.corpus == corpus]
            by_half: dict[str, Any] = {}
            for h in HALVES:
                sel = [i for i in idx if h == "all" or pages[i].half == h]
                if not sel:
                    continue
                by_half[h] = {}
                for tool, rows in scored.items():
                    other = scored.get(PEER if tool == "ours" else "ours")
                    by_half[h][tool] = summary(
                        [rows[i] for i in sel], [other[i] for i in sel] if other else None
                    )
            results["quality"][corpus] = by_half
            ours = [scored["ours"][i] for i in idx]
            results["worst"][corpus] = [
                {"url": r.page.url, "half": r.page.half, "badness": round(badness(r), 3),
                 "layer": r.layer, "error": r.error}
                for r in sorted(ours, key=badness, reverse=True)[:10]
            ]  # fmt: skip
        dump = os.environ.get("REALPAGES_DUMP")
        if dump:
            Path(dump).write_text(json.dumps(
                [{"tool": t, "corpus": r.page.corpus, "key": r.page.key, "url": r.page.url,
                  "half": r.page.half, "f1": r.f1, "precision": r.precision, "recall": r.recall,
                  "counts": r.counts, "title_ok": r.title_ok, "date_ok": r.date_ok,
                  "layer": r.layer, "kind": r.kind, "error": r.error, "chars": len(r.text)}
                 for t, rows in scored.items() for r in rows], indent=0))  # fmt: skip
        if rounds > 0:
            results["speed"] = speed(pages, tmp, rounds)
    print(tables(results))
    out = Path(os.environ.get("REALPAGES_OUT", BENCH / "realpages.json"))
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
