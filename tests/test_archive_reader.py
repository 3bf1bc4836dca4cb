"""archive.reader: records come back with their headers, stored body and decoded payload."""

from __future__ import annotations

import gzip
import hashlib
import json
from base64 import b32encode
from pathlib import Path

import pytest

from archive import iter_metadata, iter_records, payload_digest_of, read_record
from core.errors import ArchiveError
from tests.test_archive_warc import (
    HTML,
    FixedWriter,
    chunked_exchange,
    gzip_exchange,
    make_exchange,
)


def test_payload_digest_of_is_sha1_base32() -> None:
    """payload_digest_of gives the ``sha1:BASE32`` form used in WARC headers."""
    expected = "sha1:" + b32encode(hashlib.sha1(b"abc").digest()).decode()
    assert payload_digest_of(b"abc") == expected
    assert payload_digest_of(b"") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"


def test_iter_records_reads_everything(tmp_path: Path) -> None:
    """iter_records yields each record with type, ids, status, body and decoded payload."""
    with FixedWriter(tmp_path, host="h") as writer:
        caps = [writer.write_exchange(ex) for ex in (gzip_exchange(), chunked_exchange())]
    recs = list(iter_records(tmp_path / caps[0].warc_file))
    assert [r.rec_type for r in recs] == ["warcinfo", "response", "request", "response", "request"]
    gz, chunked = recs[1], recs[3]
    assert gz.record_id == caps[0].record_id
    assert (gz.offset, gz.length) == (caps[0].offset, caps[0].length)
    assert gz.http_status == 200
    assert gz.body == gzip.compress(HTML, mtime=0)
    assert gz.payload == HTML
    assert chunked.http_header("x-orig-transfer-encoding") == "chunked"
    assert chunked.payload == HTML
    assert recs[2].http_status is None
    assert recs[2].http_header("Cookie") is None
    assert recs[0].header("WARC-Filename") == caps[0].warc_file


def test_read_record_at_capture_offset(tmp_path: Path) -> None:
    """read_record(path, capture.offset) returns that capture's response."""
    with FixedWriter(tmp_path, host="h") as writer:
        writer.write_exchange(make_exchange(url="https://x.test/a"))
        cap = writer.write_exchange(gzip_exchange())
    rec = read_record(tmp_path / cap.warc_file, cap.offset)
    assert rec.rec_type == "response"
    assert rec.record_id == cap.record_id
    assert rec.target_uri == "https://www.commonspace.eu/news/gzipped"
    assert rec.date == cap.fetched_at
    assert rec.payload == HTML
    assert payload_digest_of(rec.body) == cap.payload_digest


def test_iter_metadata_in_time_order(tmp_path: Path) -> None:
    """iter_metadata walks closed files oldest first and skips .open files."""
    warc = tmp_path / "warc"
    for n in range(3):
        with FixedWriter(warc, host="h") as writer:
            cap = writer.write_exchange(make_exchange(url=f"https://x.test/{n}"))
            writer.write_metadata(cap, f"https://x.test/{n}", json.dumps({"n": n}).encode())
    (warc / "commonspace-29990101000000000000-00099-h.warc.gz.open").write_bytes(b"junk")
    found = list(iter_metadata(tmp_path))
    assert [data["n"] for _, data in found] == [0, 1, 2]
    assert all(rec.header("WARC-Refers-To") for rec, _ in found)


def test_iter_metadata_rejects_bad_json(tmp_path: Path) -> None:
    """A metadata record that is not JSON raises ArchiveError naming file and offset."""
    with FixedWriter(tmp_path / "warc", host="h") as writer:
        cap = writer.write_exchange(make_exchange())
        writer.write_metadata(cap, "https://x.test/", b"{not json")
    with pytest.raises(ArchiveError, match="not valid JSON"):
        list(iter_metadata(tmp_path))


def test_damaged_file_raises_archive_error(tmp_path: Path) -> None:
    """A file that is not a WARC raises ArchiveError suggesting `scrape verify`, naming its
    path once and quoting none of its bytes."""
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(gzip.compress(b"this is not a WARC record\r\n\r\n"))
    with pytest.raises(ArchiveError, match="scrape verify") as info:
        list(iter_records(bad))
    assert str(info.value).count(str(bad)) == 1 and "this is not" not in str(info.value)
    with pytest.raises(ArchiveError):
        list(iter_records(tmp_path / "missing.warc.gz"))


@pytest.mark.parametrize("cut", [-12, -40, -200, -500])
def test_cut_off_file_is_reported(tmp_path: Path, cut: int) -> None:
    """A file cut short (a killed process) is reported, never silently shortened."""
    with FixedWriter(tmp_path, host="h") as writer:
        cap = writer.write_exchange(make_exchange())
    path = tmp_path / cap.warc_file
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(ArchiveError, match="scrape verify"):
        list(iter_records(path))
