"""archive.export: filters, every version, and Parquet."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from archive import ExportOptions, export_articles, export_parquet
from core.errors import UsageError
from tests.provenance_archive import ANALYSIS, BORDER, PEACE, build_archive


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
    """Parquet export has the CSV columns, typed, unescaped, one row per version."""
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "articles.parquet"
    assert export_parquet(archive, out, ExportOptions(all_versions=True)) == 4
    table = pq.read_table(out)
    rows = table.to_pylist()
    assert [r["url"] for r in rows] == [PEACE, PEACE, BORDER, ANALYSIS]
    assert rows[0]["node_id"] == 1 and str(table.schema.field("node_id").type) == "int64"
    assert rows[0]["body"].startswith("The talks resumed") and "“We are close" in rows[0]["body"]
    assert not (tmp_path / "articles.parquet.part").exists()
