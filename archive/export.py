"""Exports for researchers: articles as JSON lines, CSV or Parquet (``archive.parquet``).

The latest version of each article by default, every version with ``all_versions``; filtered
by section, type and publication date (``ExportOptions``).

Dates: an export record is the article JSON with ``published`` and ``modified`` in UTC
(``export_record``), so that a column holds one time zone and pandas, DuckDB and spreadsheets
read it without options; the article JSON (``articles/…json``, the WARC metadata records)
keeps the offset the site gave. A date without a time (legacy pages) becomes midnight UTC of
that date in exports.

CSV is the flat form (``CSV_COLUMNS``): lists joined with ``; ``, the body's paragraphs with
blank lines, nested objects spread into columns or left out (quotes, related, popular, images,
entries, evidence, warnings). Cells that a spreadsheet would run as a formula (leading ``=``,
``+``, ``-``, ``@``, tab or carriage return) are prefixed with a single quote.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from core.errors import UsageError
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
DATE_FIELDS = ("published", "modified")
_SITE_TZ = ZoneInfo("Europe/Brussels")  # as the parser reads a time without an offset


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


def utc_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 date or datetime of the article JSON as an aware UTC datetime.

    ``2024-05-01T10:00:00+04:00`` → 06:00 UTC; a bare date → midnight UTC of that date; a
    time without an offset is the site's (Brussels). None, and anything unreadable, is None.
    """
    if not value:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_SITE_TZ)
    return moment.astimezone(UTC)


def utc_iso(value: str | None) -> str | None:
    """``utc_datetime`` written back as ISO 8601: ``2024-05-01T06:00:00Z``."""
    moment = utc_datetime(value)
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def export_record(article: dict[str, Any]) -> dict[str, Any]:
    """The article JSON as exports carry it: ``published`` and ``modified`` in UTC."""
    return {**article, **{k: utc_iso(article.get(k)) for k in DATE_FIELDS if k in article}}


def safe_cell(value: str) -> str:
    """A CSV cell that spreadsheets will show as text, never evaluate."""
    return "'" + value if value.startswith(_FORMULA_LEAD) else value


def flat(article: dict[str, Any]) -> dict[str, Any]:
    """One article flattened to the ``CSV_COLUMNS``: lists joined, nested objects spread."""
    article = export_record(article)
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
    with Index.open_readonly(archive_dir) as index:
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
            out.write(safe_json(export_record(article)) + "\n")
        count += 1
    return count


def count_articles(archive_dir: Path, options: ExportOptions | None = None) -> int:
    """How many articles ``options`` select (an ``--all-versions`` export has more rows)."""
    opts = options or ExportOptions()
    with Index.open_readonly(archive_dir) as index:
        return index.article_count(opts.section, opts.type, opts.since)
