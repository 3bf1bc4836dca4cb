"""Exports for researchers: articles as JSON lines, CSV or Parquet.

The latest version of each article by default, every version with ``all_versions``; filtered
by section, type and publication date (``ExportOptions``). CSV cells that a spreadsheet would
run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) are prefixed with
a single quote. Parquet needs the optional ``pyarrow`` (``pip install '…[parquet]'``) and has
the CSV columns, unescaped and typed.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from core.errors import ArchiveError, UsageError
from core.sanitize import safe_json

from .index import Index

CSV_COLUMNS = (
    "url",
    "node_id",
    "section",
    "type",
    "title",
    "published",
    "modified",
    "authors",
    "lede",
    "body",
    "source",
    "source_outlets",
    "source_agencies",
    "photo_caption",
    "photo_credit",
    "regions",
    "themes",
    "language",
    "content_hash",
    "warc_file",
    "record_id",
    "fetched_at",
)
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("jsonl", "csv", "parquet")


@dataclass(frozen=True)
class ExportOptions:
    """Which articles to export: filters, and whether every version or only the latest."""

    all_versions: bool = False
    section: str | None = None
    type: str | None = None
    since: str | None = None  # YYYY-MM-DD or an ISO datetime: published on or after

    def __post_init__(self) -> None:
        if self.since is not None:
            try:
                (date if len(self.since) == 10 else datetime).fromisoformat(self.since)
            except ValueError:
                raise UsageError(f"--since {self.since!r}: expected YYYY-MM-DD") from None


def safe_cell(value: str) -> str:
    """A CSV cell that spreadsheets will show as text, never evaluate."""
    return "'" + value if value.startswith(_FORMULA_LEAD) else value


def flat(article: dict[str, Any]) -> dict[str, Any]:
    """One article flattened to the ``CSV_COLUMNS``: lists joined, nested objects spread."""
    src = article.get("source") or {}
    photo = article.get("photo") or {}
    cap = article.get("capture") or {}
    outlets = "; ".join(
        o["name"] + (f" ({o['place']})" if o.get("place") else "") for o in src.get("outlets", [])
    )
    values: dict[str, Any] = {
        **article,
        "authors": "; ".join(article.get("authors") or []),
        "body": "\n\n".join(article.get("body") or []),
        "source": src.get("text"),
        "source_outlets": outlets,
        "source_agencies": src.get("agencies") if src else None,
        "photo_caption": photo.get("caption"),
        "photo_credit": photo.get("credit"),
        "regions": "; ".join(article.get("regions") or []),
        "themes": "; ".join(article.get("themes") or []),
        "warc_file": cap.get("warc_file"),
        "record_id": cap.get("record_id"),
        "fetched_at": cap.get("fetched_at"),
    }
    return {col: values.get(col) for col in CSV_COLUMNS}


def csv_row(article: dict[str, Any]) -> list[str]:
    """One article as a CSV row of ``CSV_COLUMNS``, safe against formula injection."""
    values = flat(article)
    row = []
    for col in CSV_COLUMNS:
        v = values.get(col)
        if v is None:
            row.append("")
        elif isinstance(v, bool):
            row.append("true" if v else "false")
        else:
            row.append(safe_cell(str(v)))
    return row


def iter_articles(
    archive_dir: Path, options: ExportOptions | None = None
) -> Iterator[dict[str, Any]]:
    """The articles ``options`` select, newest publication first."""
    opts = options or ExportOptions()
    if not (archive_dir / "index.sqlite").is_file():
        if not archive_dir.exists():
            raise ArchiveError(str(archive_dir), "no archive here: run `scrape section` first")
        raise ArchiveError(str(archive_dir), "no index.sqlite here: run `scrape section` first")
    with Index.open(archive_dir) as index:
        if opts.all_versions:
            for version in index.iter_versions(opts.section, opts.type, opts.since):
                yield version.json
        else:
            yield from index.latest_articles(opts.section, opts.type, opts.since)


def iter_latest(archive_dir: Path) -> Iterator[dict[str, Any]]:
    """The latest version of each article in the archive, newest publication first."""
    return iter_articles(archive_dir)


def export_articles(
    archive_dir: Path, out: TextIO, fmt: str = "jsonl", options: ExportOptions | None = None
) -> int:
    """Write the selected articles to ``out`` as ``jsonl`` or ``csv``; return how many."""
    if fmt not in ("jsonl", "csv"):
        raise UsageError(f"unknown export format {fmt!r}: choose jsonl or csv")
    count = 0
    writer = None
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
    for article in iter_articles(archive_dir, options):
        if writer is not None:
            writer.writerow(csv_row(article))
        else:
            out.write(safe_json(article) + "\n")
        count += 1
    return count


def export_parquet(archive_dir: Path, path: Path, options: ExportOptions | None = None) -> int:
    """Write the selected articles to the Parquet file ``path`` (atomically); return how many."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(
            "--format parquet needs pyarrow: pip install 'commonspace-scraper[parquet]'"
        ) from None
    types = {"node_id": pa.int64(), "source_agencies": pa.bool_()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in CSV_COLUMNS])
    rows = []
    for article in iter_articles(archive_dir, options):
        row = flat(article)
        rows.append({k: v if k in types or v is None else str(v) for k, v in row.items()})
    tmp = path.with_name(path.name + ".part")
    try:
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return len(rows)
