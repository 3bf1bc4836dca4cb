"""Where things live in an archive folder, and how WARC files are named.

    ARCHIVE/
    ├── warc/<prefix>-<YYYYMMDDhhmmssffffff>-<serial>-<host>.warc.gz   closed, never written again
    │   └── … .warc.gz.open                                            being written (or left by a
    │                                                                  killed process: not reused)
    ├── index.sqlite                                                   derived: `scrape reindex`
    └── articles/<section>/<slug>.json                                 latest JSON of each article

Timestamps are UTC. Every timestamp the archive writes (``WARC-Date``, ``Capture.fetched_at``,
the index's failure times) has the one form ``YYYY-MM-DDThh:mm:ss.ffffffZ``: fixed width, so that
string order is time order.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.errors import ArchiveError, UsageError

WARC_DIR = "warc"
INDEX_NAME = "index.sqlite"
ARTICLES_DIR = "articles"
OPEN_SUFFIX = ".open"
DISK_ADVICE = "is the disk full? free some space and run again (what is archived is kept)"
NOT_A_FOLDER = "not an archive folder (it is a file)"
WARC_SUFFIX = ".warc.gz"

_NAME_RE = re.compile(
    r"^(?P<prefix>[A-Za-z0-9._-]+)-(?P<ts>\d{20})-(?P<serial>\d{5,})-(?P<host>[A-Za-z0-9._-]+)"
    r"\.warc\.gz(?P<open>\.open)?$"
)
_PREFIX_RE = re.compile(r"^[A-Za-z0-9._-]+$")
_HOST_BAD = re.compile(r"[^A-Za-z0-9._-]")


def check_folder(archive_dir: Path) -> Path:
    """``archive_dir`` as a Path; ArchiveError if it exists and is not a folder."""
    archive_dir = Path(archive_dir)
    if archive_dir.exists() and not archive_dir.is_dir():
        raise ArchiveError(str(archive_dir), NOT_A_FOLDER)
    return archive_dir


def warc_dir(archive_dir: Path) -> Path:
    return Path(archive_dir) / WARC_DIR


def index_path(archive_dir: Path) -> Path:
    return Path(archive_dir) / INDEX_NAME


def articles_dir(archive_dir: Path) -> Path:
    return Path(archive_dir) / ARTICLES_DIR


def utc(dt: datetime) -> datetime:
    """``dt`` in UTC; a naive datetime is taken to be UTC already."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def iso_utc(dt: datetime) -> str:
    """``2024-05-01T12:00:00.000000Z``: the archive's one timestamp form (WARC 1.1 WARC-Date)."""
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_now() -> str:
    """The current time in the archive's timestamp form."""
    return iso_utc(datetime.now(UTC))


def host_label(host: str) -> str:
    """A hostname as it appears in a file name: ``127.0.0.1:8080`` → ``127.0.0.1_8080``."""
    label = _HOST_BAD.sub("_", host.strip().lower())
    return label or "unknown-host"


def check_prefix(prefix: str) -> str:
    if not _PREFIX_RE.match(prefix):
        raise UsageError(f"WARC prefix {prefix!r} may only use letters, digits, '.', '_' and '-'")
    return prefix


@dataclass(frozen=True)
class WarcName:
    """The parts of a WARC file name written by this project."""

    prefix: str
    timestamp: str
    serial: int
    host: str
    is_open: bool

    @property
    def final_name(self) -> str:
        return f"{self.prefix}-{self.timestamp}-{self.serial:05d}-{self.host}{WARC_SUFFIX}"


def warc_name(prefix: str, when: datetime, serial: int, host: str) -> str:
    """The final (closed) name of a WARC file."""
    stamp = utc(when).strftime("%Y%m%d%H%M%S%f")
    return WarcName(check_prefix(prefix), stamp, serial, host_label(host), False).final_name


def parse_warc_name(name: str) -> WarcName | None:
    """The parts of one of our WARC file names, or None for any other file."""
    m = _NAME_RE.match(name)
    if m is None:
        return None
    return WarcName(
        m["prefix"], m["ts"], int(m["serial"]), m["host"], is_open=m["open"] is not None
    )


def _names(directory: Path) -> list[tuple[WarcName, Path]]:
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return []
    found = []
    for entry in entries:
        parsed = parse_warc_name(entry.name)
        if parsed is not None and entry.is_file():
            found.append((parsed, Path(entry.path)))
    return found


def next_serial(directory: Path) -> int:
    """One more than the highest serial of any WARC file (closed or ``.open``) in ``directory``."""
    serials = [n.serial for n, _ in _names(directory)]
    return max(serials) + 1 if serials else 0


def closed_warcs(archive_dir: Path) -> list[Path]:
    """The closed WARC files of an archive, oldest first (by the time and serial in the name)."""
    named = [(n, p) for n, p in _names(warc_dir(archive_dir)) if not n.is_open]
    named.sort(key=lambda np: (np[0].timestamp, np[0].serial, np[1].name))
    return [p for _, p in named]


def open_warcs(archive_dir: Path) -> list[Path]:
    """``.open`` WARC files: being written now, or left behind by a process that was killed."""
    named = [(n, p) for n, p in _names(warc_dir(archive_dir)) if n.is_open]
    named.sort(key=lambda np: (np[0].timestamp, np[0].serial, np[1].name))
    return [p for _, p in named]


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` durable (POSIX; a no-op where unsupported)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a directory; the rename is still atomic there
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems refuse fsync on directories (EINVAL); nothing to do
        pass
    finally:
        os.close(fd)
