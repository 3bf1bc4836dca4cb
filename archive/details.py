"""``scrape show``: one article with every version, every capture and where it was listed."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import UsageError
from core.model import Capture
from core.urls import canonicalize

from .index import Index, VersionRow
from .verify import CaptureCheck, check_capture


@dataclass(frozen=True)
class CheckedCapture:
    """A capture, its kind, and the result of re-reading its record."""

    capture: Capture
    kind: str
    check: CaptureCheck


@dataclass(frozen=True)
class VersionDetail:
    """One version (1 = oldest): content hash, when it was seen, its article JSON."""

    number: int
    content_hash: str
    first_seen: str
    last_seen: str
    json: dict[str, Any]
    capture_ids: tuple[str, ...]


@dataclass(frozen=True)
class ArticleDetails:
    url: str
    versions: tuple[VersionDetail, ...]
    captures: tuple[CheckedCapture, ...]
    sightings: tuple[tuple[str, int, int, str], ...]

    @property
    def latest(self) -> dict[str, Any]:
        return self.versions[-1].json

    @property
    def intact(self) -> bool:
        return all(c.check.verified for c in self.captures)

    def to_dict(self) -> dict[str, Any]:
        """``scrape show --json``: the latest fields, every version, every re-checked capture."""
        return {
            "url": self.url,
            "intact": self.intact,
            "fields": self.latest,
            "versions": [
                {"number": v.number, "content_hash": v.content_hash, "first_seen": v.first_seen,
                 "last_seen": v.last_seen, "captures": list(v.capture_ids)}
                for v in self.versions
            ],
            "captures": [
                dict(c.capture.to_dict(), kind=c.kind, verified=c.check.verified,
                     check=c.check.status, detail=c.check.detail)
                for c in self.captures
            ],
            "sightings": [
                {"listing": listing, "page": page, "position": position, "seen_at": seen}
                for listing, page, position, seen in self.sightings
            ],
        }  # fmt: skip


def find_versions(index: Index, url: str) -> tuple[str, list[VersionRow]]:
    """The URL the archive knows the article by, and its versions (oldest first), under any
    spelling of ``url`` (http/https, www, ``/index.php/``, a trailing slash…)."""
    base = url.strip()
    spellings = [base, base[:-1] if base.endswith("/") else base + "/"]
    with contextlib.suppress(UsageError):
        spellings.append(canonicalize(base))
    for candidate in dict.fromkeys(spellings):
        rows = index.version_rows(candidate)
        if rows:
            return candidate, rows
    raise UsageError(f"{url}: not in the archive (try `scrape quote` to search)")


def article_details(archive_dir: Path, url: str, verify: bool = True) -> ArticleDetails:
    """Everything the archive knows about the article at ``url``."""
    with Index.open_readonly(archive_dir) as index:
        return details_from(index, archive_dir, url, verify)


def details_from(index: Index, archive_dir: Path, url: str, verify: bool = True) -> ArticleDetails:
    """``article_details`` on an index already open."""
    candidate, rows = find_versions(index, url)
    versions = tuple(
        VersionDetail(n, r.content_hash, r.first_seen, r.last_seen, r.json,
                      tuple(c.record_id for c in index.version_captures(r.id)))
        for n, r in enumerate(rows, start=1)
    )  # fmt: skip
    captures = tuple(
        CheckedCapture(cap, kind, check_capture(archive_dir, cap) if verify else
                       CaptureCheck("unchecked"))
        for cap, kind in index.captures(candidate)
    )  # fmt: skip
    return ArticleDetails(candidate, versions, captures, tuple(index.sightings(candidate)))
