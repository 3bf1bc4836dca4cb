"""Repairing what a killed run left behind: ``*.warc.gz.open`` files.

A run killed with SIGKILL (or a power cut) leaves its current WARC file under its ``.open`` name,
possibly with a torn gzip member at the end. Such a file is never appended to. At the start of
the next run it is either

* **repaired**: cut back to the end of its last whole record (every record before it intact)
  and renamed to its closed name — the records are exactly those written durably; or
* **set aside** into ``ARCHIVE/aside/`` when it cannot be trusted that way (no whole warcinfo
  record, damage followed by more records, or a closed file of the same name already exists).

Only call this while holding the archive lock (``archive.lock``): an ``.open`` file may
otherwise be another run's file being written. Every command that writes does so first
(``archive.writing``, ``scrape reindex``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import ArchiveError
from core.words import plural

from .articles import write_article_json
from .events import ARTICLE_KINDS
from .index import Index
from .layout import OPEN_SUFFIX, fsync_dir, open_warcs
from .scan import scan_file

ASIDE_DIR = "aside"


@dataclass(frozen=True)
class Repair:
    """What was done to one leftover ``.open`` file."""

    path: str  # the file as found
    action: str  # "repaired" | "set aside"
    result: str  # the closed file, or where it was put aside
    records: int  # whole records kept
    cut_bytes: int  # bytes cut off the end (a torn record)
    reason: str = ""

    def __str__(self) -> str:
        if self.action == "repaired":
            cut = f", cut {plural(self.cut_bytes, 'torn byte')}" if self.cut_bytes else ""
            kept = plural(self.records, "whole record")
            return f"repaired {Path(self.path).name}: {kept} kept{cut}"
        return f"set aside {Path(self.path).name} to {self.result}: {self.reason}"


def _whole_prefix(path: Path) -> tuple[int, int, str]:
    """(records, end offset of the last whole record, why not whole) of a leftover file."""
    records, end = 0, 0
    for rec in scan_file(path):
        if rec.problems:
            return records, end, "; ".join(rec.problems)
        records, end = records + 1, rec.offset + rec.length
    return records, end, ""


def _set_aside(archive_dir: Path, path: Path, reason: str) -> Repair:
    aside = archive_dir / ASIDE_DIR
    try:
        aside.mkdir(exist_ok=True)
        target = aside / path.name
        n = 0
        while target.exists():
            n += 1
            target = aside / f"{path.name}.{n}"
        path.rename(target)
    except OSError as exc:
        raise ArchiveError(str(path), f"cannot set aside a damaged WARC file: {exc}") from exc
    fsync_dir(path.parent)
    fsync_dir(aside)
    return Repair(str(path), "set aside", str(target), 0, 0, reason)


def repair_one(archive_dir: Path, path: Path) -> Repair:
    """Repair or set aside the leftover ``.open`` file ``path``."""
    size = path.stat().st_size
    records, end, why = _whole_prefix(path)
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    if records == 0:
        return _set_aside(archive_dir, path, why or "empty: not even a warcinfo record")
    if final.exists():
        return _set_aside(archive_dir, path, f"{final.name} already exists")
    if why and not why.startswith("torn"):  # a kill tears only the last member
        return _set_aside(archive_dir, path, f"damaged record at offset {end}: {why}")
    try:
        with open(path, "r+b") as fh:
            fh.truncate(end)
            fh.flush()
            os.fsync(fh.fileno())
        path.rename(final)
    except OSError as exc:
        raise ArchiveError(str(path), f"cannot repair a leftover WARC file: {exc}") from exc
    fsync_dir(path.parent)
    return Repair(str(path), "repaired", str(final), records, size - end)


def repair_open_warcs(archive_dir: Path) -> list[Repair]:
    """Repair or set aside every ``.open`` WARC file of ``archive_dir`` (hold the lock!)."""
    return [repair_one(Path(archive_dir), p) for p in open_warcs(archive_dir)]


def rewrite_repaired_json(archive_dir: Path, repairs: list[Repair]) -> int:
    """Write again the article JSON files of the articles in repaired files, from the index
    (rebuilt since): a killed run may have stopped between the WARC record and the JSON file.
    Return how many were written."""
    urls: set[str] = set()
    for r in repairs:
        if r.action != "repaired":
            continue
        for rec in scan_file(Path(r.result)):
            if rec.rec_type != "metadata" or rec.block is None or rec.problems:
                continue
            try:
                doc = json.loads(rec.block)
            except ValueError:
                continue
            url = doc.get("url") if isinstance(doc, dict) else None
            if url and doc.get("kind", "article") in ARTICLE_KINDS:
                urls.add(str(url))
    if not urls:
        return 0
    with Index.open(archive_dir) as index:
        for url in sorted(urls):
            versions = index.versions(url)
            if versions:
                write_article_json(archive_dir, versions[-1])
    return len(urls)
