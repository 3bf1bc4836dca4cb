"""``scrape export --format parquet``: the article JSON as one typed, nested Parquet schema.

The rows are the export records of ``archive.export`` (the article JSON with its dates in
UTC), written with pyarrow in batches. Nothing is flattened or joined: lists are lists,
objects are structs, ``evidence`` (field → kind of evidence) is a map, dates are
``timestamp[us, tz=UTC]``, and a missing value is null. ``SCHEMA`` is the one schema; the README
documents it and ``tests/test_export_tools.py`` pins it. pyarrow is optional
(``pip install 'commonspace-scraper[parquet]'``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.errors import UsageError

from .export import ExportOptions, export_record, iter_articles, utc_datetime

BATCH_ROWS = 1000  # rows held in memory before a row group is written

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:  # the [parquet] extra is not installed: export_parquet says so
    pa = None

_TEASER = ("title", "url", "type", "editors_choice", "teaser")


def schema() -> Any:
    """The export's pyarrow schema (``pyarrow.Schema``)."""
    text, int32, int64, ts = pa.string(), pa.int32(), pa.int64(), pa.timestamp("us", tz="UTC")
    strings = pa.list_(text)
    teaser = pa.struct(
        [("title", text), ("url", text), ("type", text), ("editors_choice", pa.bool_()),
         ("teaser", text)]
    )  # fmt: skip
    outlet = pa.struct([("name", text), ("place", text)])
    return pa.schema([
        ("schema_version", int32),
        ("kind", text),
        ("url", text),
        ("fetched_url", text),
        ("node_id", int64),
        ("section", text),
        ("type", text),
        ("title", text),
        ("published", ts),
        ("modified", ts),
        ("authors", strings),
        ("lede", text),
        ("body", strings),
        ("source", pa.struct(
            [("text", text), ("outlets", pa.list_(outlet)), ("agencies", pa.bool_())]
        )),
        ("photo", pa.struct([("caption", text), ("credit", text)])),
        ("images", pa.list_(pa.struct([("url", text), ("alt", text)]))),
        ("regions", strings),
        ("themes", strings),
        ("quotes", pa.list_(pa.struct(
            [("text", text), ("speaker", text), ("paragraph", int32)]
        ))),
        ("related", pa.list_(teaser)),
        ("popular", pa.list_(teaser)),
        ("language", text),
        ("entries", pa.list_(pa.struct([("time", text), ("text", text)]))),
        ("content_hash", text),
        ("evidence", pa.map_(text, text)),
        ("warnings", strings),
        ("capture", pa.struct([
            ("warc_file", text), ("offset", int64), ("length", int64), ("record_id", text),
            ("payload_digest", text), ("fetched_at", ts), ("status", int32),
        ])),
    ])  # fmt: skip


def parquet_row(article: dict[str, Any]) -> dict[str, Any]:
    """One article JSON as a row of ``schema()``: its export record, dates as datetimes."""
    row = export_record(article)
    for key in ("published", "modified"):
        row[key] = utc_datetime(row.get(key))
    for key in ("related", "popular"):
        row[key] = [{k: t.get(k) for k in _TEASER} for t in row.get(key) or ()]
    if row.get("capture"):
        cap = row["capture"]
        row["capture"] = {**cap, "fetched_at": utc_datetime(cap.get("fetched_at"))}
    return row


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def export_parquet(archive_dir: Path, path: Path, options: ExportOptions | None = None) -> int:
    """Write the selected articles to the Parquet file ``path`` (atomically); return how many."""
    if pa is None:
        raise UsageError(
            "--format parquet needs pyarrow: pip install 'commonspace-scraper[parquet]'"
        )
    table_schema = schema()
    rows = (parquet_row(a) for a in iter_articles(archive_dir, options))
    tmp = path.with_name(path.name + ".part")
    count = 0
    try:
        with pq.ParquetWriter(tmp, table_schema) as writer:
            for batch in _batches(rows):
                writer.write_table(pa.Table.from_pylist(batch, schema=table_schema))
                count += len(batch)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count
