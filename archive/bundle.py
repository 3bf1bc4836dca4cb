"""``scrape bundle``: one article as a self-contained evidence package (WACZ 1.1).

The WACZ is a ZIP file written directly to the spec (https://specs.webrecorder.net/wacz/1.1.1/)::

    archive/data.warc.gz       the article's records, copied byte for byte (gzip members intact)
    indexes/index.cdxj         where each response and revisit is inside data.warc.gz
    pages/pages.jsonl          the captures of the article, for ReplayWeb.page's page list
    article/article.json       the latest version of the article JSON
    datapackage.json           every file above with its size and SHA-256
    datapackage-digest.json    the SHA-256 of datapackage.json

``article/`` is one of the spec's "other directories": listed in the datapackage, outside the
ones WACZ reserves, and not at the zip's root, where py-wacz's ``wacz validate`` looks for the
package files only (bundles of earlier versions, with ``article.json`` at the root, still
verify).

Records are copied, not rewritten, so every WARC digest in the bundle is the one written at
capture time. The records are: the ``warcinfo`` of each source file, each capture of the
article (response), each revisit of it (``scrape daily`` re-checks), their requests and the
metadata records that refer to them.
``verify_wacz`` checks a bundle: the digests of the package, every record, every CDXJ line.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from core.errors import ArchiveError, UsageError
from core.model import article_from_dict

from .cdxj import INDEXED_TYPES, CdxjEntry, cdxj_text, parse_cdxj_line
from .events import ARTICLE_KINDS
from .index import Index
from .layout import iso_utc
from .reader import read_record
from .scan import MISSING, TAMPERED, ScannedRecord, scan_file, scan_stream
from .verify import VerifyReport, check_revisits, warc_path

WACZ_VERSION = "1.1.1"
DATA_WARC = "archive/data.warc.gz"
ARTICLE_JSON = "article/article.json"
_OLD_ARTICLE_JSON = "article.json"  # where bundles before WACZ validation kept it
_SPECIAL = ("datapackage.json", "datapackage-digest.json")


def sha256_hex(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class BundleReport:
    """What went into a bundle: the file, the article and each packaged file's digest."""

    path: Path
    url: str
    records: int
    captures: int
    resources: tuple[tuple[str, int, str], ...]  # (path in zip, bytes, sha256)


def _wanted(index: Index, url: str) -> set[str]:
    ids = {cap.record_id for cap, _kind in index.captures(url)}
    ids.update(cap.record_id for cap, _refers_to in index.revisits(url))
    for version in index.version_rows(url):
        ids.update(c.record_id for c in index.version_captures(version.id))
        if version.capture_record_id:
            ids.add(version.capture_record_id)
    return ids


def _select(path: Path, ids: set[str]) -> list[ScannedRecord]:
    """The warcinfo of ``path`` and every record of ``ids`` or linked to one of them.

    Damage elsewhere in the file does not stop the bundle; damage that may be one of these
    records does: a record of ``ids`` missing, or damaged bytes next to a chosen record (the
    records of one capture are written one after another)."""
    chosen, damaged = [], []
    for rec in scan_file(path):
        if rec.problems:
            damaged.append(rec)
            continue
        linked = rec.header("WARC-Concurrent-To") in ids or rec.header("WARC-Refers-To") in ids
        if rec.rec_type == "warcinfo" or rec.record_id in ids or linked:
            chosen.append(rec)
    if not any(r.rec_type != "warcinfo" for r in chosen):
        return []
    edges = {r.offset for r in chosen} | {r.offset + r.length for r in chosen}
    for rec in damaged:
        if rec.offset in edges or rec.offset + rec.length in edges:
            raise ArchiveError(
                f"{path}@{rec.offset}", f"{'; '.join(rec.problems)}: run `scrape verify`"
            )
    return chosen


def _copy_records(archive_dir: Path, ids: set[str], files: list[str]) -> tuple[bytes, list[Any]]:
    data = bytearray()
    entries: list[CdxjEntry] = []
    for name in files:
        path = warc_path(archive_dir, name)
        if path is None:
            raise ArchiveError(name, "WARC file is missing: run `scrape verify`")
        with open(path, "rb") as fh:
            for rec in _select(path, ids):
                fh.seek(rec.offset)
                member = fh.read(rec.length)
                if rec.rec_type in INDEXED_TYPES:
                    entries.append(
                        CdxjEntry.of(read_record(path, rec.offset), "data.warc.gz", len(data))
                    )
                data += member
    return bytes(data), entries


def _iso14(timestamp: str) -> str:
    """A 14-digit CDXJ timestamp as RFC 3339 (UTC), the form pages and the package use."""
    return iso_utc(datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC))


def _pages(entries: list[CdxjEntry], url: str, title: str | None) -> bytes:
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    for n, e in enumerate(e for e in entries if e.url == url and e.status == 200):
        lines.append(
            {"id": f"page-{n}", "url": e.url, "ts": _iso14(e.timestamp), "title": title or url}
        )
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def build_bundle(archive_dir: Path, url: str, out: Path, software: str = "scrape") -> BundleReport:
    """Write the WACZ evidence package of the article at ``url`` to ``out`` (atomically)."""
    with Index.open_readonly(archive_dir) as index:
        versions = index.version_rows(url)
        if not versions:
            raise UsageError(f"{url}: not in the archive (see `scrape quote` or `scrape export`)")
        ids = _wanted(index, url)
        files = sorted({cap.warc_file for cap, _ in index.captures(url)} | {
            c.warc_file for v in versions for c in index.version_captures(v.id)
        } | {cap.warc_file for cap, _ in index.revisits(url)})  # fmt: skip
    data, entries = _copy_records(archive_dir, ids, files)
    latest = versions[-1].json
    article = (json.dumps(latest, ensure_ascii=False, indent=2) + "\n").encode()
    parts = {
        DATA_WARC: data,
        "indexes/index.cdxj": cdxj_text(entries).encode(),
        "pages/pages.jsonl": _pages(entries, url, latest.get("title")),
        ARTICLE_JSON: article,
    }
    resources = [(p, len(b), sha256_hex(b)) for p, b in parts.items()]
    first = min((e for e in entries if e.url == url), key=lambda e: e.timestamp, default=None)
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": latest.get("title") or url,
        "description": f"Evidence package for {url}",
        "created": iso_utc(datetime.now(UTC)),
        "software": software,
        "mainPageURL": url,
        "mainPageDate": _iso14(first.timestamp) if first else None,
        "resources": [
            {"name": Path(p).name, "path": p, "hash": h, "bytes": n} for p, n, h in resources
        ],
    }
    package_bytes = json.dumps(package, ensure_ascii=False, indent=2).encode()
    digest = {"path": "datapackage.json", "hash": sha256_hex(package_bytes)}
    parts["datapackage.json"] = package_bytes
    parts["datapackage-digest.json"] = json.dumps(digest, indent=2).encode()
    tmp = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            for name, content in parts.items():
                zf.writestr(name, content)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"{out}: cannot write the bundle ({exc.strerror or exc})") from exc
    records = sum(1 for _ in scan_stream(BytesIO(data), "data.warc.gz"))
    return BundleReport(out, url, records, len(entries), tuple(resources))


def _check_package(zf: zipfile.ZipFile, report: VerifyReport) -> dict[str, Any]:
    names = set(zf.namelist())
    for special in _SPECIAL:
        if special not in names:
            report.add(special, "missing from the bundle", MISSING)
            return {}
    package_bytes = zf.read("datapackage.json")
    claimed = json.loads(zf.read("datapackage-digest.json")).get("hash")
    if claimed != sha256_hex(package_bytes):
        report.add("datapackage.json", "does not match datapackage-digest.json")
    package: dict[str, Any] = json.loads(package_bytes)
    listed = set()
    for res in package.get("resources", []):
        path = res.get("path", "")
        listed.add(path)
        if path not in names:
            report.add(path, "listed in datapackage.json but missing", MISSING)
            continue
        content = zf.read(path)
        report.files += 1
        if sha256_hex(content) != res.get("hash") or len(content) != res.get("bytes"):
            report.add(path, "size or SHA-256 differs from datapackage.json", TAMPERED)
    for extra in sorted(names - listed - set(_SPECIAL)):
        report.add(extra, "not listed in datapackage.json")
    return package


def verify_wacz(path: Path) -> VerifyReport:
    """Check a WACZ bundle: package digests, every WARC record, every revisit's original,
    every CDXJ line."""
    report = VerifyReport(str(path))
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ArchiveError(str(path), "no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(str(path), f"not a WACZ (ZIP) file ({exc})") from exc
    with zf:
        try:
            _check_package(zf, report)
            records: dict[tuple[str, int], ScannedRecord] = {}
            meta_hashes = set()
            for name in (n for n in zf.namelist() if n.startswith("archive/")):
                with zf.open(name) as fh:
                    for rec in scan_stream(fh, Path(name).name):  # type: ignore[arg-type]
                        report.records += 1
                        records[(rec.warc_file, rec.offset)] = rec
                        if rec.problems:
                            report.add_scanned(f"{name}@{rec.offset}", rec)
                        if rec.rec_type == "metadata" and rec.block:
                            event = json.loads(rec.block)
                            if event.get("kind", "article") in ARTICLE_KINDS:
                                meta_hashes.add(article_from_dict(event).content_hash)
            check_revisits(report, {r.record_id: r for r in records.values()}, ())
            for line in zf.read("indexes/index.cdxj").decode().splitlines():
                _key, _ts, fields = parse_cdxj_line(line)
                report.captures += 1
                found = records.get((fields["filename"], int(fields["offset"])))
                if found is None or found.payload_sha1 != fields.get("digest"):
                    report.add(f"index.cdxj {fields['url']}", "no intact record at its offset")
            name = ARTICLE_JSON if ARTICLE_JSON in zf.namelist() else _OLD_ARTICLE_JSON
            article = json.loads(zf.read(name))
            report.versions += 1
            if article_from_dict(article).content_hash not in meta_hashes:
                report.add(name, "no metadata record in the bundle has this content")
        except (KeyError, ValueError, zipfile.BadZipFile) as exc:
            report.add(str(path), f"malformed bundle ({exc})")
    return report
