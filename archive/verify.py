"""``scrape verify``: is every stored byte intact, and does the index point at the right bytes?

Three layers are checked, and every problem is reported rather than the first one raised:

1. every WARC file is read to its end by the strict reader (``archive.scan``): torn or damaged
   gzip members, short records and wrong block/payload digests are problems;
2. every capture in the index must name a WARC file that exists, a record at its offset with
   its record id, and a payload digest that the stored bytes still have;
3. every revisit (in the index or in the WARCs) must be a ``revisit`` record whose
   ``WARC-Refers-To`` names an intact response with the same payload digest;
4. every version must rest on an intact capture and on a ``metadata`` record whose article
   JSON has the same content hash; metadata in the WARCs that the index lacks means the
   index is stale (``scrape reindex``).

``check_capture`` is the one-record form used by ``scrape quote`` before it says *verified*.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ArchiveError
from core.model import Capture, article_from_dict

from .events import ARTICLE_KINDS
from .index import Index
from .layout import OPEN_SUFFIX, closed_warcs, index_path, open_warcs, warc_dir
from .scan import ScannedRecord, scan_file, scan_one

VERIFIED, TAMPERED, MISSING = "verified", "tampered", "missing"


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (file, offset or record) and what."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class VerifyReport:
    """What ``verify_archive`` (or ``verify_wacz``) checked and every problem it found."""

    target: str
    files: int = 0
    records: int = 0
    captures: int = 0
    versions: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, where: str, what: str) -> None:
        self.problems.append(Problem(where, what))


@dataclass(frozen=True)
class CaptureCheck:
    """The state of one capture's stored bytes: ``verified``, ``tampered`` or ``missing``."""

    status: str
    detail: str = ""

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED


def warc_path(archive_dir: Path, warc_file: str) -> Path | None:
    """The file holding ``warc_file``: the closed file, else its ``.open`` form, else None."""
    for candidate in (warc_dir(archive_dir) / warc_file,
                      warc_dir(archive_dir) / (warc_file + OPEN_SUFFIX)):  # fmt: skip
        if candidate.is_file():
            return candidate
    return None


def _record_matches(record: ScannedRecord, capture: Capture) -> str | None:
    """Why ``record`` is not the intact response ``capture`` describes, or None if it is."""
    if record.problems:
        return "; ".join(record.problems)
    if record.record_id != capture.record_id:
        return f"the record at offset {capture.offset} is {record.record_id or 'not a record'}"
    if record.rec_type != "response":
        return f"the record at offset {capture.offset} is a {record.rec_type} record"
    if record.payload_digest != capture.payload_digest:
        return "the record's WARC-Payload-Digest differs from the index"
    if record.payload_sha1 != capture.payload_digest:
        return "the stored payload does not have the digest recorded at capture time"
    return None


def check_revisits(
    report: VerifyReport,
    by_id: dict[str, ScannedRecord],
    indexed: Iterable[tuple[Capture, str, str]],
) -> None:
    """Every revisit record must refer to a response with its payload digest; every revisit in
    the index must be such a record, at its offset, referring to what the index says."""
    for record in by_id.values():
        if record.rec_type != "revisit" or record.problems:
            continue
        where = f"{record.warc_file}@{record.offset}"
        original = by_id.get(record.header("WARC-Refers-To") or "")
        if original is None or original.rec_type != "response":
            report.add(where, "revisit of a response record that is not in the archive")
        elif original.payload_sha1 != record.payload_sha1:
            report.add(where, "revisit's payload digest differs from its original's")
    for capture, url, refers_to in indexed:
        report.captures += 1
        where = f"revisit {capture.record_id} of {url}"
        found = by_id.get(capture.record_id)
        if found is None or found.warc_file != capture.warc_file:
            report.add(where, f"no such record in {capture.warc_file}")
        elif found.offset != capture.offset or found.rec_type != "revisit":
            report.add(where, f"no revisit record at offset {capture.offset}")
        elif found.header("WARC-Refers-To") != refers_to:
            report.add(where, f"the record refers to {found.header('WARC-Refers-To')}")


def check_capture(archive_dir: Path, capture: Capture) -> CaptureCheck:
    """Re-read one capture's record from its WARC file and recompute its digests."""
    path = warc_path(archive_dir, capture.warc_file)
    if path is None:
        return CaptureCheck(MISSING, f"WARC file {capture.warc_file} is missing")
    why = _record_matches(scan_one(path, capture.offset), capture)
    return CaptureCheck(TAMPERED, why) if why else CaptureCheck(VERIFIED)


def scan_records(report: VerifyReport, paths: Iterable[Path]) -> dict[str, ScannedRecord]:
    """Scan every file into ``report``; return every record by record id."""
    by_id: dict[str, ScannedRecord] = {}
    for path in paths:
        report.files += 1
        try:
            for record in scan_file(path):
                report.records += 1
                for what in record.problems:
                    report.add(f"{path.name}@{record.offset}", what)
                if record.record_id:
                    by_id[record.record_id] = record
        except ArchiveError as exc:
            report.add(path.name, str(exc))
    return by_id


def _metadata_hashes(records: Iterable[ScannedRecord]) -> dict[str, set[str]]:
    """Content hashes of the article JSON in metadata records, by the record they refer to."""
    hashes: dict[str, set[str]] = {}
    for rec in records:
        refers = rec.header("WARC-Refers-To")
        if rec.rec_type != "metadata" or rec.block is None or not refers or rec.problems:
            continue
        try:
            data = json.loads(rec.block)
            if data.get("kind", "article") not in ARTICLE_KINDS:
                continue
            chash = article_from_dict(data).content_hash
        except (ValueError, KeyError, TypeError):
            continue
        hashes.setdefault(refers, set()).add(chash)
    return hashes


def _check_index(report: VerifyReport, index: Index, by_id: dict[str, ScannedRecord]) -> None:
    archive_files = {r.warc_file for r in by_id.values()}
    for capture, url, _kind in index.all_captures():
        report.captures += 1
        where = f"capture {capture.record_id} of {url}"
        record = by_id.get(capture.record_id)
        if record is None or record.warc_file != capture.warc_file:
            missing = capture.warc_file not in archive_files
            report.add(where, f"WARC file {capture.warc_file} is missing" if missing else
                       f"no such record in {capture.warc_file}")  # fmt: skip
            continue
        if record.offset != capture.offset:
            report.add(where, f"index says offset {capture.offset}, record is at {record.offset}")
            continue
        why = _record_matches(record, capture)
        if why:
            report.add(where, why)
    meta = _metadata_hashes(by_id.values())
    indexed: set[str] = set()
    for version in index.all_versions():
        report.versions += 1
        where = f"version {version.content_hash[:19]}… of {version.url}"
        try:
            recomputed = article_from_dict(version.json).content_hash
        except (KeyError, TypeError, ValueError):
            recomputed = ""
        if recomputed != version.content_hash:
            report.add(where, "the article JSON in the index does not match its content hash")
        indexed.add(version.content_hash)
        rid = version.capture_record_id
        if rid is None:
            continue
        if rid not in by_id:
            report.add(where, f"its capture {rid} is not in any WARC file")
        elif version.content_hash not in meta.get(rid, set()):
            report.add(where, "no metadata record in the WARCs has this content")
    for rid, chashes in meta.items():
        if not chashes <= indexed:
            report.add(
                f"metadata for {rid}", "article missing from the index: run `scrape reindex`"
            )


def verify_archive(archive_dir: Path) -> VerifyReport:
    """Check every WARC file of ``archive_dir`` and every pointer of its index."""
    archive_dir = Path(archive_dir)
    report = VerifyReport(str(archive_dir))
    paths = [*closed_warcs(archive_dir), *open_warcs(archive_dir)]
    if not paths and not index_path(archive_dir).is_file():
        raise ArchiveError(str(archive_dir), "the archive is empty: run `scrape section` first")
    by_id = scan_records(report, paths)
    if not index_path(archive_dir).is_file():
        report.add(str(index_path(archive_dir)), "the index is missing: run `scrape reindex`")
        return report
    with Index.open_readonly(archive_dir) as index:
        _check_index(report, index, by_id)
        check_revisits(report, by_id, index.all_revisits())
    return report
