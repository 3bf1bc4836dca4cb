"""archive.verify: every byte of every WARC and every index pointer, checked strictly."""

from __future__ import annotations

import gzip
import sqlite3
import zlib
from contextlib import closing
from pathlib import Path

import pytest

from archive import verify_archive
from archive.scan import scan_file
from core.errors import ArchiveError
from tests.provenance_archive import build_archive


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The sample provenance archive."""
    build_archive(tmp_path / "archive")
    return tmp_path / "archive"


def warc(archive: Path) -> Path:
    """The one WARC file of the sample archive."""
    [path] = (archive / "warc").iterdir()
    return path


def whats(archive: Path) -> list[str]:
    """The problem texts verify_archive reports."""
    return [p.what for p in verify_archive(archive).problems]


def test_intact_archive_passes(archive: Path) -> None:
    """A freshly written archive has no problems and every part was counted."""
    report = verify_archive(archive)
    assert report.ok, report.problems
    assert (report.files, report.records, report.captures, report.versions) == (1, 24, 8, 4)


def test_flipped_byte_in_payload(archive: Path) -> None:
    """A byte changed inside a gzip member is reported (gzip CRC or digest)."""
    path = warc(archive)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))
    assert not verify_archive(archive).ok


def test_recompressed_edit_fails_digest(archive: Path) -> None:
    """An edit made by hand and recompressed cleanly is caught by the payload digest."""
    path = warc(archive)
    records, key = list(scan_file(path)), "warc-target-uri"
    target = next(r for r in records if r.rec_type == "response" and "peace" in r.headers[key])
    raw = path.read_bytes()
    member = zlib.decompress(raw[target.offset : target.offset + target.length], wbits=31)
    edited = member.replace(b"close to a deal", b"close to a meal")
    assert edited != member
    new = raw[: target.offset] + gzip.compress(edited) + raw[target.offset + target.length :]
    path.write_bytes(new)
    problems = whats(archive)
    assert "WARC-Block-Digest does not match the stored block" in problems
    assert "WARC-Payload-Digest does not match the stored payload" in problems
    assert any(p.startswith("WARC-Block-Digest") and "Payload" in p for p in problems)  # capture


def test_truncated_file(archive: Path) -> None:
    """A file cut short in the middle of a gzip member is a torn member."""
    path = warc(archive)
    path.write_bytes(path.read_bytes()[:-100])
    assert any("torn gzip member" in w for w in whats(archive))


def test_record_shorter_than_content_length(archive: Path) -> None:
    """A complete gzip member whose record lacks bytes is caught (warcio may pass it)."""
    path = warc(archive)
    raw = path.read_bytes()
    last = list(scan_file(path))[-1]
    member = zlib.decompress(raw[last.offset :], wbits=31)
    path.write_bytes(raw[: last.offset] + gzip.compress(member[:-40]))
    assert any("shorter than its Content-Length" in w for w in whats(archive))


def test_missing_warc_file(archive: Path) -> None:
    """A WARC file the index points at but that is gone is reported for every capture."""
    warc(archive).unlink()
    problems = whats(archive)
    assert len(problems) >= 8 and all("missing" in p or "not in any" in p for p in problems)


def test_index_edited_by_hand(archive: Path) -> None:
    """A digest or offset changed in the index no longer matches the stored record."""
    with closing(sqlite3.connect(archive / "index.sqlite")) as db:
        db.execute("UPDATE captures SET payload_digest = 'sha1:AAAA' WHERE kind = 'robots'")
        db.execute("UPDATE versions SET json = replace(json, 'Geneva', 'Vienna')")
        db.commit()
    problems = whats(archive)
    assert "the record's WARC-Payload-Digest differs from the index" in problems
    assert "the article JSON in the index does not match its content hash" in problems


def test_stale_index_is_reported(archive: Path) -> None:
    """Article metadata in the WARCs that the index lacks says to run scrape reindex."""
    with closing(sqlite3.connect(archive / "index.sqlite")) as db:
        db.execute("DELETE FROM versions WHERE url LIKE '%energy%'")
        db.commit()
    assert any("scrape reindex" in w for w in whats(archive))


def test_empty_archive(tmp_path: Path) -> None:
    """An archive with nothing in it is an ArchiveError, not an empty success."""
    with pytest.raises(ArchiveError, match="empty"):
        verify_archive(tmp_path)
