"""Exports for researchers: the latest version of every article as JSON lines or CSV.

CSV cells that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are prefixed with a single quote.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from scraper.errors import ArchiveError, UsageError

from .index import Index

CSV_COLUMNS = (
    "url", "node_id", "section", "type", "title", "published", "modified", "authors", "lede",
    "body", "source", "source_outlets", "source_agencies", "photo_caption", "photo_credit",
    "regions", "themes", "language", "content_hash", "warc_file", "record_id", "fetched_at",
)
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A CSV cell that spreadsheets will show as text, never evaluate."""
    return "'" + value if value.startswith(_FORMULA_LEAD) else value


def csv_row(article: dict[str, Any]) -> list[str]:
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


def iter_latest(archive_dir: Path) -> Iterator[dict[str, Any]]:
    """The latest version of each article in the archive, newest publication first."""
    if not (archive_dir / "index.sqlite").is_file():
        if not archive_dir.exists():
            raise ArchiveError(str(archive_dir), "no archive here: run `scrape section` first")
        raise ArchiveError(str(archive_dir), "no index.sqlite here: run `scrape section` first")
    with Index.open(archive_dir) as index:
        yield from index.latest_articles()


def export_articles(archive_dir: Path, out: TextIO, fmt: str = "jsonl") -> int:
    """Write every article to ``out`` as ``jsonl`` or ``csv``; return how many were written."""
    if fmt not in ("jsonl", "csv"):
        raise UsageError(f"unknown export format {fmt!r}: choose jsonl or csv")
    count = 0
    writer = None
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
    for article in iter_latest(archive_dir):
        if writer is not None:
            writer.writerow(csv_row(article))
        else:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
        count += 1
    return count
