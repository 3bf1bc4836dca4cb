"""``scrape reindex``: rebuild ``index.sqlite`` from the WARC files alone.

The WARC files hold everything the queries need: each ``response`` record is a capture (URL,
time, status, file, offset, length, record id, payload digest) and each JSON ``metadata``
record is a crawl event (an article parsed, a listing page read, a failure, a soft 404; see
``archive.events``). Replaying the events in file order through ``apply_event`` — the same
function the crawler used — gives the same versions, sightings, failures and capture kinds as
the crawl recorded. Responses no event describes (robots.txt, redirect hops, retried attempts)
get their kind from the URL and status, exactly as the crawler assigned it.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import ArchiveError
from core.model import Capture

from .events import apply_event, capture_kind, infer_kind
from .index import Index
from .layout import closed_warcs, fsync_dir, index_path, open_warcs
from .lock import ArchiveLock
from .reader import iter_records
from .repair import repair_open_warcs, rewrite_repaired_json


@dataclass
class ReindexReport:
    """What ``reindex`` read and rebuilt; ``notes`` says what could not be recovered."""

    files: int = 0
    records: int = 0
    captures: int = 0
    articles: int = 0
    notes: list[str] = field(default_factory=list)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _remove(path: Path) -> None:
    for p in (path, *_sidecars(path)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _build(new: Index, paths: list[Path], open_files: set[Path], report: ReindexReport) -> None:
    captures: list[tuple[Capture, str]] = []
    kinds: dict[str, str] = {}
    events: list[dict[str, Any]] = []
    for path in paths:
        report.files += 1
        try:
            for rec in iter_records(path):
                report.records += 1
                if rec.rec_type == "response" and rec.target_uri:
                    cap = Capture(
                        warc_file=rec.warc_file, offset=rec.offset, length=rec.length,
                        record_id=rec.record_id, payload_digest=rec.header("WARC-Payload-Digest")
                        or "", fetched_at=rec.date or "", status=rec.http_status or 0,
                    )  # fmt: skip
                    captures.append((cap, rec.target_uri))
                elif rec.rec_type == "metadata" and "json" in (rec.content_type or ""):
                    event = _article_json(rec.body, f"{path.name}@{rec.offset}")
                    events.append(event)
                    refers, kind = rec.header("WARC-Refers-To"), capture_kind(event)
                    if refers and kind:
                        kinds[refers] = kind
        except ArchiveError as exc:
            if path not in open_files:
                raise ArchiveError(
                    str(path), f"{exc}; run `scrape verify` — the index was not replaced"
                ) from exc
            report.notes.append(f"{path.name}: read up to the damage left by a stopped crawl")
    for cap, url in captures:
        new.add_capture(cap, url, kinds.get(cap.record_id) or infer_kind(url, cap.status))
        report.captures += 1
    for event in events:
        if apply_event(new, event) is not None:
            report.articles += 1
    new.commit()


def _article_json(body: bytes, where: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ArchiveError(where, f"metadata record is not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ArchiveError(where, "metadata record is not a JSON object")
    return data


def _fold_wal(path: Path) -> None:
    """Checkpoint ``path``'s WAL into the main file and leave a single file behind."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")


def reindex(archive_dir: Path) -> ReindexReport:
    """``scrape reindex``: under the archive lock, repair leftover ``.open`` files, then rebuild
    ``archive_dir/index.sqlite`` from the WARC files and replace the old one atomically."""
    archive_dir = Path(archive_dir)
    if archive_dir.exists() and not archive_dir.is_dir():
        raise ArchiveError(str(archive_dir), "not an archive folder (it is a file)")
    if not archive_dir.is_dir():
        raise ArchiveError(str(archive_dir), "no archive here: run `scrape section` first")
    with ArchiveLock(archive_dir):
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
            _build(new, [*closed, *still_open], set(still_open), report)
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
