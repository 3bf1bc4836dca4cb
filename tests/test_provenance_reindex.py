"""archive.rebuild (`scrape reindex`): the rebuilt index answers every query as before."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from archive import SCHEMA_VERSION, Index, QuoteQuery, find_quote, reindex, verify_archive
from archive.scan import scan_file
from core.errors import ArchiveError
from tests.provenance_archive import PEACE, QUOTE, build_archive


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The sample provenance archive."""
    build_archive(tmp_path / "archive")
    return tmp_path / "archive"


def snapshot(archive: Path, with_listing_data: bool = True) -> dict[str, Any]:
    """The answer to every query the index offers, for every URL it knows."""
    with Index.open(archive) as index:
        urls = sorted({url for _, url, _ in index.all_captures()})
        per_url = {
            url: (
                index.captures(url),
                index.versions(url),
                index.known_hash(url),
                [(v.content_hash, v.first_seen, v.last_seen, v.capture_record_id,
                  [c.record_id for c in index.version_captures(v.id)])
                 for v in index.version_rows(url)],
                index.sightings(url) if with_listing_data else None,
            )
            for url in urls
        }  # fmt: skip
        return {
            "urls": per_url,
            "latest": list(index.latest_articles()),
            "news": list(index.latest_articles(section="news", since="2024-04-25")),
            "count": index.article_count(),
            "failures": index.open_failures() if with_listing_data else None,
            "quote": [m.to_dict() for m in find_quote(archive, QuoteQuery(QUOTE))],
            "fts": [v.url for v in index.search_versions('"pipelines"', 10)],
        }


def test_rebuilt_from_warcs_alone(archive: Path) -> None:
    """Deleting the index and reindexing gives the same answers, sightings and failures too."""
    before = snapshot(archive)
    (archive / "index.sqlite").unlink()
    report = reindex(archive)
    assert (report.files, report.captures, report.articles) == (1, 8, 5)
    assert snapshot(archive) == before
    assert sorted((archive).iterdir()) == [archive / ".lock", archive / "articles",
                                           archive / "index.sqlite", archive / "warc"]  # fmt: skip


def test_reindex_over_old_index_is_identical(archive: Path) -> None:
    """Reindexing with the old index present replaces it with an identical one."""
    before = snapshot(archive)
    reindex(archive)
    assert snapshot(archive) == before


def test_corrupt_index_is_replaced(archive: Path) -> None:
    """A corrupt index cannot be opened (the error says reindex) and reindex replaces it."""
    before = snapshot(archive, with_listing_data=False)
    (archive / "index.sqlite").write_bytes(b"garbage" * 1000)
    with pytest.raises(ArchiveError, match="scrape reindex"):
        Index.open_readonly(archive)
    reindex(archive)
    assert snapshot(archive, with_listing_data=False) == before


def test_torn_end_is_rebuilt_from_the_intact_records(archive: Path) -> None:
    """A closed WARC cut short: the index is rebuilt from every whole record, the torn end is
    listed as skipped, and nothing but the lock is left beside the index."""
    [warc] = (archive / "warc").iterdir()
    records = list(scan_file(warc))
    warc.write_bytes(warc.read_bytes()[:-50])
    report = reindex(archive)
    assert report.skipped == 1 and report.records == len(records)
    [note] = report.notes
    assert note.startswith(f"skipped {warc.name}@{records[-1].offset} ") and "torn" in note
    assert [p.name for p in archive.iterdir() if p.name.startswith(".")] == [".lock"]
    [problem] = verify_archive(archive).problems  # only the cut-off record itself
    assert problem.kind == "missing" and problem.where == f"{warc.name}@{records[-1].offset}"


def test_flipped_byte_in_a_response_is_rebuilt_around(archive: Path) -> None:
    """One byte flipped in an article's response: the rebuilt index has every other record,
    still points at the damaged one, and quote says TAMPERED for that capture alone."""
    [warc] = (archive / "warc").iterdir()
    with Index.open(archive) as index:
        [(first, _kind), (second, _)] = index.captures(PEACE)[:2]
    data = bytearray(warc.read_bytes())
    data[first.offset + first.length // 2] ^= 0x01
    warc.write_bytes(bytes(data))
    before = snapshot(archive)
    report = reindex(archive)
    assert report.skipped == 1 and any(PEACE in n and "damaged" in n for n in report.notes)
    assert snapshot(archive)["latest"] == before["latest"]
    [match] = find_quote(archive, QuoteQuery(QUOTE))
    states = {c.capture.record_id: c.check.status for c in match.captures}
    assert states == {first.record_id: "tampered", second.record_id: "verified"}


def test_no_warcs(tmp_path: Path) -> None:
    """Reindexing an archive with no WARC files is a clear error."""
    with pytest.raises(ArchiveError, match="no WARC files"):
        reindex(tmp_path)


def test_v1_index_is_migrated(archive: Path) -> None:
    """An index of schema 1 is migrated on open: version_captures is filled from versions."""
    with closing(sqlite3.connect(archive / "index.sqlite")) as db:
        db.execute("DROP TABLE version_captures")
        db.execute("PRAGMA user_version = 1")
        db.commit()
    with Index.open(archive) as index:
        [v1, _v2] = index.version_rows("https://www.commonspace.eu/news/peace-talks")
        assert [c.record_id for c in index.version_captures(v1.id)] == [v1.capture_record_id]
    with closing(sqlite3.connect(archive / "index.sqlite")) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
