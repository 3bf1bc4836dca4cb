"""Exports in the tools researchers load them with: DuckDB and pandas, JSON lines and Parquet.

The archive is a crawl of the sample site (articles with source lines, outlets, quotes, Brussels
offsets in ``modified``). The same DuckDB queries give the same answers on both formats, and
pandas reads every date column without options.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from archive import ExportOptions, export_articles, export_parquet
from archive.parquet import schema

# The Parquet schema as pyarrow reads it back from the file, documented in the README.
SCHEMA = {
    "schema_version": "int32",
    "kind": "string",
    "url": "string",
    "fetched_url": "string",
    "node_id": "int64",
    "section": "string",
    "type": "string",
    "title": "string",
    "published": "timestamp[us, tz=UTC]",
    "modified": "timestamp[us, tz=UTC]",
    "authors": "list<element: string>",
    "lede": "string",
    "body": "list<element: string>",
    "source": "struct<text: string, outlets: list<element: struct<name: string, place: string>>, "
    "agencies: bool>",
    "photo": "struct<caption: string, credit: string>",
    "images": "list<element: struct<url: string, alt: string>>",
    "regions": "list<element: string>",
    "themes": "list<element: string>",
    "quotes": "list<element: struct<text: string, speaker: string, paragraph: int32>>",
    "related": "list<element: struct<title: string, url: string, type: string, "
    "editors_choice: bool, teaser: string>>",
    "popular": "list<element: struct<title: string, url: string, type: string, "
    "editors_choice: bool, teaser: string>>",
    "language": "string",
    "entries": "list<element: struct<time: string, text: string>>",
    "content_hash": "string",
    "evidence": "map<string, string ('evidence')>",
    "warnings": "list<element: string>",
    "capture": "struct<warc_file: string, offset: int64, length: int64, record_id: string, "
    "payload_digest: string, fetched_at: timestamp[us, tz=UTC], status: int32>",
}

QUERIES = {
    "top outlets": """
        SELECT o.name, o.place, count(*) AS n
        FROM (SELECT unnest(source.outlets) AS o FROM t) GROUP BY ALL ORDER BY n DESC, 1, 2
    """,
    "quotes per speaker": """
        SELECT q.speaker, count(*) AS n
        FROM (SELECT unnest(quotes) AS q FROM t) GROUP BY ALL ORDER BY n DESC, 1 NULLS FIRST
    """,
    "articles per month per section": """
        SELECT section, strftime(published, '%Y-%m') AS month, count(*) AS n
        FROM t GROUP BY ALL ORDER BY ALL
    """,
    "hours from publication to last edit": """
        SELECT date_diff('hour', published, modified) AS hours, count(*) AS n
        FROM t GROUP BY ALL ORDER BY ALL
    """,
    "authors and regions": """
        SELECT unnest(authors) AS author, len(regions) AS regions FROM t ORDER BY ALL
    """,
    "evidence of the title": """
        SELECT evidence['title'] AS how, count(*) AS n FROM t GROUP BY ALL ORDER BY ALL
    """,
    "captures per status and day": """
        SELECT capture.status, strftime(capture.fetched_at, '%Y-%m-%d') AS day, count(*) AS n,
               sum(capture.length) AS bytes
        FROM t GROUP BY ALL ORDER BY ALL
    """,
    "teasers beside the articles": """
        SELECT r.type, r.editors_choice, count(*) AS n
        FROM (SELECT unnest(related) AS r FROM t) GROUP BY ALL ORDER BY ALL
    """,
}


@pytest.fixture(scope="module")
def exports(crawled_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The crawl exported as JSON lines, CSV and Parquet."""
    out = tmp_path_factory.mktemp("exports")
    paths = {fmt: out / f"all.{fmt}" for fmt in ("jsonl", "csv", "parquet")}
    for fmt in ("jsonl", "csv"):
        with paths[fmt].open("w", encoding="utf-8", newline="") as fh:
            export_articles(crawled_archive, fh, fmt, ExportOptions())
    assert export_parquet(crawled_archive, paths["parquet"]) > 10
    return paths


def test_parquet_schema_is_pinned(exports: dict[str, Path]) -> None:
    """The file's schema is the documented one, field for field."""
    written = pq.read_schema(exports["parquet"])
    assert {f.name: str(f.type) for f in written} == SCHEMA
    assert schema().names == list(SCHEMA)


def duck(sql: str, source: str) -> list[tuple[object, ...]]:
    """Rows of ``sql`` run on ``source`` (read_json_auto or read_parquet) as table ``t``."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rows = con.execute(f"WITH t AS (SELECT * FROM {source}) {sql}").fetchall()
    con.close()
    return rows


@pytest.mark.parametrize("name", QUERIES)
def test_duckdb_gives_the_same_answers_on_jsonl_and_parquet(
    exports: dict[str, Path], name: str
) -> None:
    """A query over nested fields answers the same on the JSON lines and the Parquet file."""
    jsonl = duck(QUERIES[name], f"read_json_auto('{exports['jsonl']}')")
    parquet = duck(QUERIES[name], f"read_parquet('{exports['parquet']}')")
    assert jsonl == parquet
    assert jsonl, f"{name}: no rows, the comparison would prove nothing"


def test_duckdb_reads_dates_as_timestamps(exports: dict[str, Path]) -> None:
    """DuckDB types published, modified and capture.fetched_at as timestamps in both formats."""
    for source in (
        f"read_json_auto('{exports['jsonl']}')",
        f"read_parquet('{exports['parquet']}')",
    ):
        types = dict(duck("SELECT column_name, column_type FROM (DESCRIBE t)", source))  # type: ignore[arg-type]
        assert types["published"] == types["modified"] == "TIMESTAMP WITH TIME ZONE"
        assert "fetched_at TIMESTAMP WITH TIME ZONE" in str(types["capture"])


def test_pandas_reads_dates_without_options(exports: dict[str, Path]) -> None:
    """pandas turns every exported date into datetime64 in UTC: JSON lines, CSV and Parquet."""
    frames = {
        "jsonl": pd.read_json(exports["jsonl"], lines=True),
        "csv": pd.read_csv(exports["csv"]),
        "parquet": pd.read_parquet(exports["parquet"]),
    }
    for fmt, df in frames.items():
        for column in ("published", "modified"):
            dates = pd.to_datetime(df[column])
            assert str(dates.dt.tz) == "UTC", (fmt, column)
            assert dates.notna().sum() > 10, (fmt, column)
    published = [pd.to_datetime(frames[f]["published"]).tolist() for f in frames]
    assert published[0] == published[1] == published[2]
    outlets = frames["parquet"]["source"].dropna().map(lambda s: len(s["outlets"]))
    assert outlets.sum() > 0
