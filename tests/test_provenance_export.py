"""archive.export: filters, every version, and Parquet."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive import ExportOptions, export_articles, export_parquet
from archive.export import utc_iso
from core.errors import UsageError
from tests.provenance_archive import ANALYSIS, BORDER, PEACE, QUOTE, build_archive


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The sample provenance archive."""
    build_archive(tmp_path / "archive")
    return tmp_path / "archive"


def urls(archive: Path, **options: object) -> list[str]:
    """The URLs export_articles writes as JSON lines with these options."""
    buf = io.StringIO()
    export_articles(archive, buf, "jsonl", ExportOptions(**options))  # type: ignore[arg-type]
    return [json.loads(line)["url"] for line in buf.getvalue().splitlines()]


def test_filters(archive: Path) -> None:
    """--section, --type and --since select articles; newest publication first."""
    assert urls(archive) == [PEACE, BORDER, ANALYSIS]
    assert urls(archive, section="analysis") == [ANALYSIS]
    assert urls(archive, type="news") == [PEACE, BORDER]
    assert urls(archive, since="2024-04-25") == [PEACE]
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        ExportOptions(since="last week")


def test_all_versions(archive: Path) -> None:
    """--all-versions writes every version, oldest first within an article."""
    assert urls(archive, all_versions=True) == [PEACE, PEACE, BORDER, ANALYSIS]
    assert urls(archive, all_versions=True, section="analysis") == [ANALYSIS]


def test_parquet(archive: Path, tmp_path: Path) -> None:
    """Parquet export: one row per version, nested and typed as the JSON, dates in UTC."""
    import pyarrow.parquet as pq

    out = tmp_path / "articles.parquet"
    assert export_parquet(archive, out, ExportOptions(all_versions=True)) == 4
    table = pq.read_table(out)
    rows = table.to_pylist()
    assert [r["url"] for r in rows] == [PEACE, PEACE, BORDER, ANALYSIS]
    assert rows[0]["node_id"] == 1 and str(table.schema.field("node_id").type) == "int64"
    assert rows[0]["body"][0] == "The talks resumed on Monday after a pause of six months."
    assert rows[0]["quotes"] == [{"text": QUOTE, "speaker": "the envoy", "paragraph": 1}]
    assert rows[0]["published"] == datetime(2024, 5, 1, 6, 0, tzinfo=UTC)  # 10:00+04:00
    assert rows[0]["capture"]["fetched_at"] == datetime(2024, 5, 1, 13, 0, tzinfo=UTC)
    assert not (tmp_path / "articles.parquet.part").exists()


def test_exports_carry_dates_in_utc(archive: Path) -> None:
    """JSON lines and CSV give published in UTC; the article JSON keeps the site's offset."""
    buf = io.StringIO()
    export_articles(archive, buf, "jsonl", ExportOptions(section="news"))
    assert [json.loads(line)["published"] for line in buf.getvalue().splitlines()] == [
        "2024-05-01T06:00:00Z", "2024-04-20T09:00:00Z",
    ]  # fmt: skip
    buf = io.StringIO()
    export_articles(archive, buf, "csv", ExportOptions(section="news"))
    assert "2024-05-01T06:00:00Z" in buf.getvalue()
    kept = json.loads((archive / "articles" / "news" / "peace-talks.json").read_text())
    assert kept["published"] == "2024-05-01T10:00:00+04:00"


@pytest.mark.parametrize(
    ("given", "utc"),
    [
        ("2023-06-09T11:21:00+02:00", "2023-06-09T09:21:00Z"),
        ("2023-01-09T11:21:00+01:00", "2023-01-09T10:21:00Z"),
        ("2025-08-23T06:34:08+00:00", "2025-08-23T06:34:08Z"),
        ("2016-04-27", "2016-04-27T00:00:00Z"),  # a date line without a time
        ("2023-06-09T11:21:00", "2023-06-09T09:21:00Z"),  # no offset: the site's time
        ("2024-05-01T12:00:00.250000Z", "2024-05-01T12:00:00.250000Z"),
        ("not a date", None),
        (None, None),
    ],
)
def test_utc_iso(given: str | None, utc: str | None) -> None:
    """The export date rule: every offset to UTC, a bare date to midnight UTC."""
    assert utc_iso(given) == utc
