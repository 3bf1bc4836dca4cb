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


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x20
    path.write_bytes(bytes(data))


def test_flipped_byte_in_payload(archive: Path) -> None:
    """A byte changed inside a gzip member is reported (gzip CRC or digest)."""
    path = warc(archive)
    flip(path, path.stat().st_size // 2)
    assert not verify_archive(archive).ok


@pytest.mark.parametrize("rec_type", ["response", "request", "metadata", "warcinfo"])
def test_one_flipped_byte_is_one_problem(archive: Path, rec_type: str) -> None:
    """One byte flipped in any record: exactly one problem, TAMPERED, at that record's offset,
    saying what the index knew it held; every record after it is still read and checked."""
    path = warc(archive)
    records = list(scan_file(path))
    target = [r for r in records if r.rec_type == rec_type][-1 if rec_type != "warcinfo" else 0]
    flip(path, target.offset + target.length // 2)
    report = verify_archive(archive)
    [problem] = report.problems
    assert problem.kind == "tampered" and problem.where == f"{path.name}@{target.offset}"
    if rec_type in ("response", "metadata"):
        url = target.header("WARC-Target-URI")
        held = "the response of" if rec_type == "response" else "the article JSON of"
        assert f"it held {held} {url}" in problem.what
    assert report.records == len(records)  # the damaged one is one "record": nothing lost


def test_cut_in_the_middle_costs_only_the_cut_records(archive: Path) -> None:
    """Bytes cut out of the middle of a file: the stretch up to the next whole record is one
    problem (bytes missing... and so differing from their CRC); later records still verify."""
    path = warc(archive)
    records = list(scan_file(path))
    hit = records[len(records) // 2]
    raw = path.read_bytes()
    cut = hit.offset + 10
    path.write_bytes(raw[:cut] + raw[cut + 20 :])
    report = verify_archive(archive)
    damaged = [p for p in report.problems if p.kind != "index"]
    assert [p.where for p in damaged] == [f"{path.name}@{hit.offset}"]
    later = [r for r in scan_file(path) if r.offset > hit.offset]
    assert later and all(not r.problems for r in later)
    assert [p.kind for p in report.problems] == ["index", "tampered"]  # later offsets moved


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
    report = verify_archive(archive)
    [tampered] = [p for p in report.problems if p.kind == "tampered"]
    assert tampered.what.startswith(
        "WARC-Block-Digest does not match the stored block; "
        "WARC-Payload-Digest does not match the stored payload — it held the response of "
    )
    # The member is a byte shorter: later records moved, which is what the index must learn.
    [moved] = [p for p in report.problems if p is not tampered]
    assert moved.kind == "index" and moved.what == (
        "5 captures from here on are 1 byte later in the file than the index says "
        "(bytes before them were cut or added)"
    )


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
    [problem] = verify_archive(archive).problems
    assert problem.kind == "index" and problem.what == "article missing from the index"


def test_empty_archive(tmp_path: Path) -> None:
    """An archive with nothing in it is an ArchiveError, not an empty success."""
    with pytest.raises(ArchiveError, match="empty"):
        verify_archive(tmp_path)


def test_unfinished_open_file_is_a_note(archive: Path) -> None:
    """A `.open` file whose last record is unfinished (a crawl writing it, or one killed) is
    noted, not reported as damage; its whole records are all checked."""
    path = warc(archive)
    size = path.stat().st_size
    open_file = path.with_name(path.name + ".open")
    path.rename(open_file)
    with open_file.open("r+b") as fh:
        fh.truncate(size - 30)
    report = verify_archive(archive)
    assert all(p.kind != "tampered" for p in report.problems)
    [note] = report.notes
    assert note.startswith(f"{open_file.name}: being written")


def test_a_member_inflating_past_the_cap_is_one_damaged_record(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gzip member that inflates past the cap is not read on (memory stays bounded): it is
    one damaged record and the scan resumes at the next one."""
    path = warc(archive)
    raw = path.read_bytes()
    size = {r.offset: len(zlib.decompress(raw[r.offset : r.offset + r.length], wbits=31))
            for r in scan_file(path)}  # fmt: skip
    monkeypatch.setattr("archive.scan.MAX_MEMBER_BYTES", 1000)
    rescanned = list(scan_file(path))
    damaged = [r for r in rescanned if r.problems]
    assert damaged and all("inflating past" in r.problems[0] for r in damaged)
    assert {r.offset for r in rescanned if not r.problems} == {
        offset for offset, n in size.items() if n <= 1000}  # fmt: skip


def test_checking_a_capture_reads_its_record_only(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-verifying a capture (every search of the desk does, for each capture it shows) reads
    its record's bytes as indexed, not a megabyte from its offset; the answer is the same,
    and a wrong length in the index costs more reads, not a wrong answer."""
    import builtins
    from dataclasses import replace

    import archive.scan as scan
    from archive import Index
    from archive.verify import check_capture

    read: list[int] = []

    class Counting:
        def __init__(self, fh):  # type: ignore[no-untyped-def]
            self._fh = fh

        def read(self, n: int = -1) -> bytes:
            out = self._fh.read(n)
            read.append(len(out))
            return out

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(self._fh, name)

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc: object) -> None:
            self._fh.close()

    def counting_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        return Counting(builtins.open(*args, **kwargs))  # closed by Counting.__exit__

    monkeypatch.setattr(scan, "open", counting_open, raising=False)
    from tests.provenance_archive import PEACE

    with Index.open_readonly(archive) as index:
        [row, *_] = index.version_rows(PEACE)
        [capture, *_] = index.version_captures(row.id)
    assert check_capture(archive, capture).verified
    assert sum(read) <= capture.length
    read.clear()
    assert check_capture(archive, replace(capture, length=100)).verified  # index says less
    assert sum(read) > 100
