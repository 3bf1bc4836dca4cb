"""``scrape verify``: is every stored byte intact, and does the index point at the right bytes?

Four layers are checked, and every problem is reported rather than the first one raised:

1. every WARC file is read to its end by the strict reader (``archive.scan``): torn or damaged
   gzip members, short records and wrong block/payload digests are problems; the reader goes
   on at the next whole record after damage, so the records after it are checked too;
2. every capture in the index must name a WARC file that exists, a record at its offset with
   its record id, and a payload digest that the stored bytes still have;
3. every revisit (in the index or in the WARCs) must be a ``revisit`` record whose
   ``WARC-Refers-To`` names an intact response with the same payload digest;
4. every version must rest on an intact capture and on a ``metadata`` record whose article
   JSON has the same content hash; metadata in the WARCs that the index lacks means the
   index is stale (``scrape reindex``).

Each problem says what kind it is, and only one kind is called tampering:

    tampered   stored bytes differ from their digest (gzip CRC, WARC block or payload digest)
    missing    bytes are gone: a WARC file, or the end of one cut off
    index      the index disagrees with intact WARC files: "index out of date: run `scrape
               reindex`" (a missing index, an index behind after a full disk, a hand edit)
    invalid    anything else that is not as this scraper writes it (a malformed bundle)

A damaged record is reported once, with what the index says it held (the response of an
article, its article JSON), instead of once more for each index entry that points into it.

``check_capture`` is the one-record form used by ``scrape quote`` before it says *verified*.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ArchiveError
from core.model import Capture, article_from_dict
from core.words import plural

from .events import ARTICLE_KINDS
from .index import Index
from .layout import OPEN_SUFFIX, check_folder, closed_warcs, index_path, open_warcs, warc_dir
from .scan import MISSING, TAMPERED, TORN, ScannedRecord, problem_kind, scan_file, scan_one

VERIFIED = "verified"
INDEX, INVALID = "index", "invalid"  # with scan's TAMPERED and MISSING: the kinds of problem
KINDS = (TAMPERED, MISSING, INDEX, INVALID)


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (file, offset or record), what, and its kind (``KINDS``)."""

    where: str
    what: str
    kind: str = INVALID

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

    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, where: str, what: str, kind: str = INVALID) -> None:
        self.problems.append(Problem(where, what, kind))

    def add_scanned(self, where: str, record: ScannedRecord, held: Iterable[str] = ()) -> None:
        """The problems of one damaged record as one problem, with what the index says it
        held; tampered if any of its bytes differ from a digest."""
        kinds = {problem_kind(p) for p in record.problems}
        what = "; ".join(record.problems)
        if held := list(held):
            what += " — it held " + ", ".join(held)
        self.add(where, what, TAMPERED if TAMPERED in kinds else MISSING)

    def count(self, kind: str) -> int:
        return sum(p.kind == kind for p in self.problems)


@dataclass(frozen=True)
class CaptureCheck:
    """The state of one capture's stored bytes: ``verified``, ``tampered`` (bytes differ from
    their digest), ``missing`` (bytes gone) or ``index`` (the index is out of date)."""

    status: str
    detail: str = ""

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED


def warc_path(archive_dir: Path, warc_file: str) -> Path | None:
    """The file holding ``warc_file``: the closed file, else its ``.open`` form, else None.
    Only a plain file name in ``warc/`` is looked for: a name with a folder in it (an index
    edited by hand) is never followed out of the archive."""
    if not warc_file or Path(warc_file).name != warc_file or warc_file.startswith("."):
        return None
    for candidate in (warc_dir(archive_dir) / warc_file,
                      warc_dir(archive_dir) / (warc_file + OPEN_SUFFIX)):  # fmt: skip
        if candidate.is_file():
            return candidate
    return None


def _record_matches(record: ScannedRecord, capture: Capture) -> tuple[str, str] | None:
    """(kind, why) ``record`` is not the intact response ``capture`` describes, or None."""
    if record.problems:
        kinds = {problem_kind(p) for p in record.problems}
        return TAMPERED if TAMPERED in kinds else MISSING, "; ".join(record.problems)
    if record.record_id != capture.record_id:
        return INDEX, f"the record at offset {capture.offset} is {record.record_id or 'unnamed'}"
    if record.rec_type != "response":
        return INDEX, f"the record at offset {capture.offset} is a {record.rec_type} record"
    if record.payload_digest != capture.payload_digest:
        return INDEX, "the record's WARC-Payload-Digest differs from the index"
    if record.payload_sha1 != capture.payload_digest:
        return TAMPERED, "the stored payload does not have the digest recorded at capture time"
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
            report.add(where, "revisit of a response record that is not in the archive", MISSING)
        elif original.payload_sha1 != record.payload_sha1:
            report.add(where, "revisit's payload digest differs from its original's", TAMPERED)
    for capture, url, refers_to in indexed:
        report.captures += 1
        where = f"revisit {capture.record_id} of {url}"
        found = by_id.get(capture.record_id)
        if found is None or found.warc_file != capture.warc_file:
            report.add(where, f"no such record in {capture.warc_file}", INDEX)
        elif found.offset != capture.offset or found.rec_type != "revisit":
            report.add(where, f"no revisit record at offset {capture.offset}", INDEX)
        elif found.header("WARC-Refers-To") != refers_to:
            report.add(where, f"the record refers to {found.header('WARC-Refers-To')}", INDEX)


def check_capture(archive_dir: Path, capture: Capture) -> CaptureCheck:
    """Re-read one capture's record from its WARC file and recompute its digests."""
    path = warc_path(archive_dir, capture.warc_file)
    if path is None:
        return CaptureCheck(MISSING, f"WARC file {capture.warc_file} is missing")
    found = _record_matches(scan_one(path, capture.offset, capture.length), capture)
    return CaptureCheck(*found) if found else CaptureCheck(VERIFIED)


def scan_records(report: VerifyReport, paths: Iterable[Path]) -> Scanned:
    """Scan every file into ``report``'s counts; return every record by id, and the damaged
    ones (reported by the caller, who knows what they held)."""
    scanned = Scanned()
    for path in paths:
        report.files += 1
        size = path.stat().st_size
        try:
            for record in scan_file(path):
                report.records += 1
                if _being_written(path, record, size):
                    report.notes.append(
                        f"{path.name}: being written by a running crawl, or left by a stopped "
                        f"one; its records up to offset {record.offset} were checked, the rest "
                        "is unfinished (the next command that writes repairs such a file)"
                    )
                elif record.problems:
                    scanned.damaged.append(record)
                if record.record_id:
                    scanned.by_id[record.record_id] = record
                    scanned.at[(record.warc_file, record.offset)] = record
        except ArchiveError as exc:
            report.add(path.name, str(exc), MISSING)
    return scanned


def _being_written(path: Path, record: ScannedRecord, size: int) -> bool:
    """Whether ``record`` is the unfinished end of an ``.open`` file (not damage)."""
    end = record.offset + record.length == size
    return path.name.endswith(OPEN_SUFFIX) and end and record.problems == (TORN,)


@dataclass
class Scanned:
    """What the strict reader found: every record by id, the damaged ones, and what the
    index says each damaged one held (by its file and offset)."""

    by_id: dict[str, ScannedRecord] = field(default_factory=dict)
    at: dict[tuple[str, int], ScannedRecord] = field(default_factory=dict)  # by (file, offset)
    damaged: list[ScannedRecord] = field(default_factory=list)
    held: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def after_exchange(self, capture: Capture) -> int:
        """Where the records written after ``capture``'s response end: past its response and
        the records concurrent to it (its request), where its metadata record begins."""
        end = capture.offset + capture.length
        while (rec := self.at.get((capture.warc_file, end))) is not None and (
            rec.header("WARC-Concurrent-To") == capture.record_id and rec.rec_type != "metadata"
        ):
            end = rec.offset + rec.length
        return end

    def damage_at(self, warc_file: str, offset: int) -> ScannedRecord | None:
        """The damaged record (or stretch of bytes) of ``warc_file`` covering ``offset``."""
        for rec in self.damaged:
            if rec.warc_file == warc_file and rec.offset <= offset < rec.offset + rec.length:
                return rec
        return None

    def explain(self, warc_file: str, offset: int, what: str) -> bool:
        """Note that the damaged bytes at ``offset`` held ``what``; False if none are there."""
        rec = self.damage_at(warc_file, offset)
        if rec is None:
            return False
        self.held.setdefault((rec.warc_file, rec.offset), []).append(what)
        return True

    def report(self, report: VerifyReport) -> None:
        """Add each damaged record to ``report`` as one problem."""
        for rec in self.damaged:
            held = self.held.get((rec.warc_file, rec.offset)) or [
                "the file's warcinfo record" if rec.offset == 0 else
                "no record the index points at (a request record or a crawl event)"
            ]  # fmt: skip
            report.add_scanned(f"{rec.warc_file}@{rec.offset}", rec, held)


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


def _check_captures(report: VerifyReport, index: Index, scanned: Scanned) -> dict[str, Capture]:
    """Every capture must point at its intact response; return the captures by record id."""
    by_id, files = scanned.by_id, {r.warc_file for r in scanned.by_id.values()}
    files.update(r.warc_file for r in scanned.damaged)
    captures = {}
    moved: dict[tuple[str, int], list[int]] = {}  # (file, shift): index offsets of moved records
    for capture, url, _kind in index.all_captures():
        report.captures += 1
        captures[capture.record_id] = capture
        where = f"capture {capture.record_id} of {url}"
        if scanned.explain(capture.warc_file, capture.offset, f"the response of {url}"):
            continue
        record = by_id.get(capture.record_id)
        if capture.warc_file not in files:
            report.add(where, f"WARC file {capture.warc_file} is missing", MISSING)
        elif record is None or record.warc_file != capture.warc_file:
            report.add(where, f"no such record in {capture.warc_file}", INDEX)
        elif record.offset != capture.offset:
            moved.setdefault((capture.warc_file, record.offset - capture.offset), []).append(
                capture.offset
            )
        elif found := _record_matches(record, capture):
            kind, why = found
            report.add(where, why, kind)
    for (warc_file, shift), offsets in moved.items():  # one problem per cut or insertion
        way = "earlier" if shift < 0 else "later"
        what = f"{plural(len(offsets), 'capture')} from here on are {plural(abs(shift), 'byte')}"
        what += f" {way} in the file than the index says (bytes before them were cut or added)"
        report.add(f"{warc_file}@{min(offsets)}", what, INDEX)
    return captures


def _check_versions(
    report: VerifyReport, index: Index, scanned: Scanned, captures: dict[str, Capture]
) -> None:
    """Every version must rest on a capture and on a metadata record with its content; every
    article in the metadata records must be in the index."""
    meta = _metadata_hashes(scanned.by_id.values())
    indexed: set[str] = set()
    for version in index.all_versions():
        report.versions += 1
        where = f"version {version.content_hash[:19]}… of {version.url}"
        try:
            recomputed = article_from_dict(version.json).content_hash
        except (KeyError, TypeError, ValueError):
            recomputed = ""
        if recomputed != version.content_hash:
            what = "the article JSON in the index does not match its content hash"
            report.add(where, what, INDEX)
        indexed.add(version.content_hash)
        rid = version.capture_record_id
        if rid is None or version.content_hash in meta.get(rid, set()):
            continue
        capture = captures.get(rid)
        if capture is not None:  # its metadata record follows its exchange in the same file
            after = scanned.after_exchange(capture)
            if scanned.explain(capture.warc_file, after, f"the article JSON of {version.url}"):
                continue
            if scanned.damage_at(capture.warc_file, capture.offset) or rid not in scanned.by_id:
                continue  # the capture's own problem says it
            report.add(where, "no metadata record in the WARCs has this content", MISSING)
        elif rid not in scanned.by_id:
            report.add(where, f"its capture {rid} is in no WARC file and not in the index", INDEX)
        else:
            report.add(where, "no metadata record in the WARCs has this content", MISSING)
    for rid, chashes in meta.items():
        if not chashes <= indexed:
            report.add(f"metadata for {rid}", "article missing from the index", INDEX)


def verify_archive(archive_dir: Path) -> VerifyReport:
    """Check every WARC file of ``archive_dir`` and every pointer of its index."""
    archive_dir = Path(archive_dir)
    check_folder(archive_dir)
    report = VerifyReport(str(archive_dir))
    paths = [*closed_warcs(archive_dir), *open_warcs(archive_dir)]
    if not paths and not index_path(archive_dir).is_file():
        raise ArchiveError(str(archive_dir), "the archive is empty: run `scrape section` first")
    scanned = scan_records(report, paths)
    if not index_path(archive_dir).is_file():
        scanned.report(report)
        report.add(str(index_path(archive_dir)), "the index is missing", INDEX)
        return report
    with Index.open_readonly(archive_dir) as index:
        captures = _check_captures(report, index, scanned)
        _check_versions(report, index, scanned, captures)
        check_revisits(report, scanned.by_id, index.all_revisits())
    scanned.report(report)
    return report
