"""``scrape reindex``: rebuild ``index.sqlite`` from the WARC files alone.

The WARC files hold everything the queries need: each ``response`` record is a capture (URL,
time, status, file, offset, length, record id, payload digest) and each JSON ``metadata``
record holds the article as parsed, with the ``capture`` it came from. Replaying the metadata
records in file order through ``Index.record_article`` gives the same versions, first/last
seen times and latest versions as the crawl recorded.

Three things are not in the WARC files: where an article was listed (sightings), fetch
failures, and the kind of a capture that is not an article. When the old index is still
readable these are carried over from it; otherwise the kind is inferred from the URL and the
status (``CAPTURE_KINDS``) and sightings and failures start empty, which the report says.

The new index is built beside the old one and moved into place with one atomic rename, so a
failed rebuild leaves the old index untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scraper.errors import ArchiveError
from scraper.model import Capture, article_from_dict

from .index import Index
from .layout import closed_warcs, fsync_dir, index_path, open_warcs
from .reader import iter_records

_LISTING_ROOTS = frozenset({"region", "theme", "voices", "front", "taxonomy"})


@dataclass
class ReindexReport:
    """What ``reindex`` read and rebuilt; ``notes`` says what could not be recovered."""

    files: int = 0
    records: int = 0
    captures: int = 0
    articles: int = 0
    carried: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def infer_kind(url: str, status: int) -> str:
    """The capture kind of a non-article response, from its URL and status alone."""
    path = urlsplit(url).path
    parts = [p for p in path.split("/") if p]
    if 300 <= status < 400:
        return "redirect"
    if path == "/robots.txt":
        return "robots"
    if parts and parts[-1] in ("feed", "rss.xml"):
        return "feed"
    if not parts or parts[0] in _LISTING_ROOTS:
        return "listing"
    return "other"


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _remove(path: Path) -> None:
    for p in (path, *_sidecars(path)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _build(new: Index, paths: list[Path], open_files: set[Path], report: ReindexReport) -> None:
    captures: list[tuple[Capture, str]] = []
    articles: list[dict[str, Any]] = []
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
                    articles.append(_article_json(rec.body, f"{path.name}@{rec.offset}"))
        except ArchiveError as exc:
            if path not in open_files:
                raise ArchiveError(
                    str(path), f"{exc}; run `scrape verify` — the index was not replaced"
                ) from exc
            report.notes.append(f"{path.name}: read up to the damage left by a stopped crawl")
    article_ids = {
        a["capture"]["record_id"] for a in articles if isinstance(a.get("capture"), dict)
    }
    for cap, url in captures:
        kind = "article" if cap.record_id in article_ids else infer_kind(url, cap.status)
        new.add_capture(cap, url, kind)
        report.captures += 1
    for data in articles:
        if data.get("kind", "article") == "listing" or not isinstance(data.get("capture"), dict):
            continue
        article = article_from_dict(data)
        assert article.capture is not None
        new.record_article(article, article.capture.fetched_at)
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
    """Rebuild ``archive_dir/index.sqlite`` from its WARC files; replace the old one atomically."""
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
            if target.is_file():
                try:
                    report.carried = new.carry_over(target)
                except ArchiveError as exc:
                    report.notes.append(f"old index unreadable, nothing carried over ({exc})")
            else:
                report.notes.append("no old index: sightings and failures start empty")
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
