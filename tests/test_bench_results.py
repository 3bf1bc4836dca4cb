"""``make bench`` with ``BENCH_ROWS``: a partial run keeps the other rows of the results file."""

from __future__ import annotations

import json
from pathlib import Path

from bench.run import merged, table


def _results(date: str, scale: float, **rows: dict) -> dict:
    return {"date": date, "scale": scale, "duration_s": 1.0, "machine": {}, **rows}


def test_partial_run_keeps_earlier_rows_with_their_dates(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    old_parse = {"ours": 1.4, "unit": "ms", "goal": "g", "met": True}
    old_quote = {"ours": 250.0, "unit": "ms", "met": False}
    path.write_text(json.dumps(_results("2026-11-27T07:58:08", 1, parse=old_parse,
                                        quote=old_quote, notes="kept")))  # fmt: skip
    now = _results("2026-12-04T06:40:00", 1, quote={"ours": 80.0, "measured": "2026-12-04"})
    out = merged(now, path)
    assert out["quote"]["ours"] == 80.0  # the row measured now wins
    assert out["parse"] == {"measured": "2026-11-27T07:58:08", **old_parse}
    assert out["notes"] == "kept"
    assert "parse (2026-11-27)" in table(out)


def test_other_scale_or_no_file_is_not_merged(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    now = _results("2026-12-04T06:40:00", 1, quote={"ours": 80.0})
    assert merged(now, path) == now
    path.write_text(json.dumps(_results("2026-11-27", 0.1, parse={"ours": 1.0})))
    assert "parse" not in merged(now, path)
    path.write_text("{not json")
    assert merged(now, path) == now
