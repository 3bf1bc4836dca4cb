"""``scrape reindex``: rebuild ``index.sqlite`` from the WARC files alone.

The WARC files hold everything the queries need: each ``response`` record is a capture (URL,
time, status, file, offset, length, record id, payload digest) and each JSON ``metadata``
record is a crawl event (an article parsed, a listing page read, a failure, a soft 404; see
``archive.events``). Replaying the events in file order through ``apply_event`` — the same
function the crawler used — gives the same versions, sightings, failures and capture kinds as
the crawl recorded. Responses no event describes (robots.txt, redirect hops, retried attempts)
get their kind from the URL and status, exactly as the crawler assigned it.

Damage is kept to the damaged record: the files are read by the strict reader
(``archive.scan``), which goes on after damage at the next whole record, and the index is
built from every record it can read; what it could not read is listed in the report. A record
that reads but whose bytes differ from their digest is indexed all the same (and listed), and an
article whose response is unreadable keeps its pointer to it: the index must go on pointing at
the evidence, so that ``quote``, ``show`` and ``verify`` say it is TAMPERED instead of silence.

The new index is built beside the old one and moved into place with one atomic rename, so a
failed rebuild leaves the old index untouched.

``reindex`` is the command: it holds the archive lock (``archive.lock``) like every command that
writes, repairs what a killed run left (``archive.repair``) and rebuilds. ``rebuild_index`` is
the rebuild alone, for a caller that already holds the lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import ArchiveError
from core.model import Capture

from .events import ARTICLE_KINDS, apply_event, capture_kind, infer_kind
from .index import Index
from .layout import check_folder, closed_warcs, fsync_dir, index_path, open_warcs
from .lock import ArchiveLock
from .repair import repair_open_warcs, rewrite_repaired_json
from .scan import ScannedRecord, scan_file


@dataclass
class ReindexReport:
    """What ``reindex`` read and rebuilt; ``notes`` says what could not be recovered."""

    files: int = 0
    records: int = 0
    captures: int = 0
    articles: int = 0
    skipped: int = 0  # damaged stretches no record could be read from
    notes: list[str] = field(default_factory=list)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _remove(path: Path) -> None:
    for p in (path, *_sidecars(path)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _capture(rec: ScannedRecord) -> Capture:
    return Capture(
        warc_file=rec.warc_file, offset=rec.offset, length=rec.length, record_id=rec.record_id,
        payload_digest=rec.payload_digest or "", fetched_at=rec.header("WARC-Date") or "",
        status=rec.http_status or 0,
    )  # fmt: skip


def _event(rec: ScannedRecord) -> dict[str, Any] | str:
    """The crawl event a JSON metadata record holds, or why it holds none."""
    try:
        data = json.loads(rec.block or b"")
    except ValueError as exc:
        return f"metadata record is not valid JSON ({exc})"
    return data if isinstance(data, dict) else "metadata record is not a JSON object"


def _read(path: Path, report: ReindexReport) -> Iterator[ScannedRecord]:
    """The records of ``path`` the index can be built from; the others are noted and skipped.
    A record that reads but whose bytes differ from their digest is kept (and noted): the
    index must still point at it, so that ``quote``, ``show`` and ``verify`` say TAMPERED."""
    for rec in scan_file(path):
        report.records += 1
        where = f"{rec.warc_file}@{rec.offset}"
        if not rec.problems:
            yield rec
        elif rec.record_id and rec.rec_type:
            report.notes.append(f"{where}: indexed, but {'; '.join(rec.problems)} — its bytes "
                                "differ from their digest (see `scrape verify`)")  # fmt: skip
            yield rec
        else:
            report.skipped += 1
            report.notes.append(f"skipped {where} ({rec.length} bytes): {'; '.join(rec.problems)}")


def _build(new: Index, paths: list[Path], report: ReindexReport) -> None:
    captures: list[tuple[Capture, str]] = []
    kinds: dict[str, str] = {}
    events: list[dict[str, Any]] = []
    for path in paths:
        report.files += 1
        for rec in _read(path, report):
            if rec.rec_type == "response" and rec.header("WARC-Target-URI"):
                captures.append((_capture(rec), rec.header("WARC-Target-URI") or ""))
            elif rec.rec_type == "metadata" and "json" in (rec.header("Content-Type") or ""):
                event = _event(rec)
                if isinstance(event, str):
                    report.notes.append(f"skipped {rec.warc_file}@{rec.offset}: {event}")
                    continue
                events.append(event)
                refers, kind = rec.header("WARC-Refers-To"), capture_kind(event)
                if refers and kind:
                    kinds[refers] = kind
    read = {cap.record_id for cap, _url in captures}
    for event in events:  # an article whose response was skipped keeps its pointer to it
        cap = event.get("capture") if event.get("kind", "article") in ARTICLE_KINDS else None
        if isinstance(cap, dict) and cap.get("record_id") not in read:
            with contextlib.suppress(TypeError):
                captures.append((Capture(**cap), str(event.get("fetched_url") or event["url"])))
                read.add(str(cap["record_id"]))
                report.notes.append(
                    f"{cap['warc_file']}@{cap['offset']}: the response of {event['url']} is "
                    "damaged; the index keeps where it was, so `scrape quote` and `show` say so"
                )
    for cap, url in captures:
        new.add_capture(cap, url, kinds.get(cap.record_id) or infer_kind(url, cap.status))
        report.captures += 1
    for event in events:
        if apply_event(new, event) is not None:
            report.articles += 1
    new.commit()


def _fold_wal(path: Path) -> None:
    """Checkpoint ``path``'s WAL into the main file and leave a single file behind."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")


def reindex(archive_dir: Path) -> ReindexReport:
    """``scrape reindex``: under the archive lock, repair leftover ``.open`` files, then rebuild
    ``archive_dir/index.sqlite`` from the WARC files and replace the old one atomically."""
    archive_dir = Path(archive_dir)
    check_folder(archive_dir)
    if not archive_dir.is_dir():
        raise ArchiveError(str(archive_dir), "no archive here: run `scrape section` first")
    with ArchiveLock(archive_dir, command="reindex"):
        repairs = repair_open_warcs(archive_dir)
        report = rebuild_index(archive_dir)
        rewrite_repaired_json(archive_dir, repairs)
    report.notes[:0] = [str(r) for r in repairs]
    return report


def rebuild_index(archive_dir: Path) -> ReindexReport:
    """Rebuild ``archive_dir/index.sqlite`` from its WARC files; replace the old one atomically.
    The caller holds the archive lock."""
    archive_dir = Path(archive_dir)
    closed, still_open = closed_warcs(archive_dir), open_warcs(archive_dir)
    if not closed and not still_open:
        raise ArchiveError(str(archive_dir), "no WARC files to rebuild the index from")
    target = index_path(archive_dir)
    tmp = target.with_name(f".{target.name}.rebuild-{os.getpid()}")
    _remove(tmp)
    report = ReindexReport()
    try:
        with Index.open_file(tmp) as new:
            _build(new, [*closed, *still_open], report)
        _fold_wal(tmp)
        if target.is_file():
            with contextlib.suppress(sqlite3.Error):
                _fold_wal(target)
        for sidecar in _sidecars(target):
            with contextlib.suppress(FileNotFoundError):
                sidecar.unlink()
        os.replace(tmp, target)
        fsync_dir(archive_dir)
    except sqlite3.Error as exc:
        raise ArchiveError(str(tmp), f"cannot build the new index ({exc})") from exc
    except OSError as exc:
        raise ArchiveError(str(target), f"cannot replace the index ({exc})") from exc
    finally:
        _remove(tmp)
    return report
