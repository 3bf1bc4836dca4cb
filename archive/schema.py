"""The index's schema, its migrations, and how its file is opened.

Schema history (``PRAGMA user_version``): 1 — captures, articles, versions, sightings,
failures, versions_fts. 2 — version_captures: which version each article capture had (filled
for first captures on migration; `scrape reindex` fills it completely). 3 — walks (listings
whose backfill reached the end) and revisits (captures stored as ``revisit`` records), both from
``scrape daily`` events. 4 — walk_cuts: walks of finished listings that a stopping run cut short,
and the page each reached, so that the next run reads on past it.

Writers open the file read-write in WAL mode (``connect``), migrating it. Commands that only
read use ``connect_readonly``: SQLite's ``mode=ro``, which reads alongside a running crawl, and
where that cannot work — a copy on a read-only mount, where the WAL's shared-memory file cannot
be created — ``immutable=1``, which reads the file as it lies. Neither ever writes to the index,
so an evidence copy on a read-only medium can be examined.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from core.errors import ArchiveError

from .layout import DISK_ADVICE, check_folder, index_path

SCHEMA_VERSION = 4
_REINDEX = "move it aside and run `scrape reindex` to rebuild it from the WARC files"

_SCHEMA_V1 = """
CREATE TABLE captures (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL,
    fetched_at     TEXT NOT NULL,
    status         INTEGER NOT NULL,
    warc_file      TEXT NOT NULL,
    offset         INTEGER NOT NULL,
    length         INTEGER NOT NULL,
    record_id      TEXT NOT NULL UNIQUE,
    payload_digest TEXT NOT NULL,
    kind           TEXT NOT NULL
);
CREATE INDEX captures_url ON captures (url, fetched_at);

CREATE TABLE articles (
    url         TEXT PRIMARY KEY,
    node_id     INTEGER,
    section     TEXT,
    type        TEXT,
    title       TEXT,
    published   TEXT,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    latest_hash TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published DESC, url);

CREATE TABLE versions (
    id                INTEGER PRIMARY KEY,
    url               TEXT NOT NULL,
    content_hash      TEXT NOT NULL,
    first_seen        TEXT NOT NULL,
    last_seen         TEXT NOT NULL,
    capture_record_id TEXT,
    json              TEXT NOT NULL,
    UNIQUE (url, content_hash)
);

CREATE TABLE sightings (
    url         TEXT NOT NULL,
    listing_url TEXT NOT NULL,
    page        INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    seen_at     TEXT NOT NULL
);
CREATE INDEX sightings_url ON sightings (url);

CREATE TABLE failures (
    id           INTEGER PRIMARY KEY,
    url          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    error        TEXT NOT NULL,
    status       INTEGER,
    first_failed TEXT NOT NULL,
    last_failed  TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 1,
    resolved     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX failures_open ON failures (url) WHERE resolved = 0;

-- rowid = versions.id; quotes are the quote texts, one per line.
CREATE VIRTUAL TABLE versions_fts USING fts5 (
    title, lede, body, quotes, tokenize = 'unicode61 remove_diacritics 2'
);
"""

_SCHEMA_V2 = """
CREATE TABLE version_captures (
    record_id  TEXT PRIMARY KEY,
    version_id INTEGER NOT NULL
);
CREATE INDEX version_captures_version ON version_captures (version_id);
INSERT OR IGNORE INTO version_captures (record_id, version_id)
    SELECT capture_record_id, id FROM versions WHERE capture_record_id IS NOT NULL;
"""

_SCHEMA_V3 = """
CREATE TABLE IF NOT EXISTS walks (
    listing_url  TEXT PRIMARY KEY,
    pages        INTEGER NOT NULL,
    completed_at TEXT
);
CREATE TABLE IF NOT EXISTS revisits (
    record_id  TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    status     INTEGER NOT NULL,
    warc_file  TEXT NOT NULL,
    offset     INTEGER NOT NULL,
    length     INTEGER NOT NULL,
    refers_to  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS revisits_url ON revisits (url, fetched_at);
"""

_SCHEMA_V4 = """
CREATE TABLE IF NOT EXISTS walk_cuts (
    listing_url TEXT PRIMARY KEY,
    page        INTEGER NOT NULL
);
"""

# MIGRATIONS[n] turns a version n-1 index into version n.
MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1, 2: _SCHEMA_V2, 3: _SCHEMA_V3, 4: _SCHEMA_V4}
_TABLES: tuple[str, ...] = ("captures", "articles", "versions", "sightings", "failures")
_TABLES += ("versions_fts", "version_captures", "walks", "revisits", "walk_cuts")


def existing_index(archive_dir: Path) -> Path:
    """The index file of an archive that must already exist; ArchiveError saying what to run."""
    if not check_folder(archive_dir).is_dir():
        raise ArchiveError(str(archive_dir), "no archive here: run `scrape section` first")
    path = index_path(archive_dir)
    if not path.is_file():
        if any((archive_dir / "warc").glob("*.warc.gz")):
            raise ArchiveError(str(path), "the index is missing: run `scrape reindex`")
        raise ArchiveError(str(archive_dir), "the archive is empty: run `scrape section` first")
    return path


def archive_error(path: Path, exc: sqlite3.Error, *, reading: bool = False) -> ArchiveError:
    """The ArchiveError that tells the user what to do about an SQLite error."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return ArchiveError(str(path), "index is locked by another scrape process; try later")
    if reading and "unable to open" in text:
        return ArchiveError(str(path), f"cannot open the index for reading ({text})")
    if "unable to open" in text or "readonly" in text:
        return ArchiveError(str(path), f"cannot open the index for writing ({text})")
    if "full" in text or "disk I/O" in text:  # SQLITE_FULL; EFBIG/ENOSPC surface as IOERR
        return ArchiveError(str(path), f"cannot write the index ({text}): {DISK_ADVICE}")
    return ArchiveError(str(path), f"index is unusable ({text}): {_REINDEX}")


def connect(path: Path) -> sqlite3.Connection:
    """A read-write connection to ``path``, in WAL mode, migrated to ``SCHEMA_VERSION``."""
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that can never write to ``path`` (see the module notes)."""
    uri = "file:" + quote(str(path.resolve()))
    # check_same_thread=False: a server (``scrape serve``) lends one reader to one request
    # thread at a time; SQLite itself is built thread-safe, nothing here is shared at once.
    conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=10.0, isolation_level=None,
                           check_same_thread=False)  # fmt: skip
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "unable to open" not in str(exc) or os.access(path.parent, os.W_OK):
            raise
    # Read-only folder, no shared-memory file: the file is read as it lies. Changes still in
    # the write-ahead log would be ignored that way, so such a copy is refused instead.
    wal = path.with_name(path.name + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        raise ArchiveError(
            str(path),
            "this read-only copy of the index has changes in its write-ahead log "
            f"({wal.name}) that cannot be read without its {path.name}-shm file: copy the "
            "archive somewhere writable, or run `scrape reindex` on a writable copy",
        )
    return sqlite3.connect(
        uri + "?immutable=1", uri=True, isolation_level=None, check_same_thread=False
    )


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the index to ``SCHEMA_VERSION``; return the version it had before."""
    (before,) = conn.execute("PRAGMA user_version").fetchone()
    if before > SCHEMA_VERSION:
        raise ArchiveError(
            str(path),
            f"index schema version {before} is newer than this scraper understands "
            f"({SCHEMA_VERSION}): upgrade the scraper, or {_REINDEX}",
        )
    for version in range(before + 1, SCHEMA_VERSION + 1):
        conn.executescript(
            f"BEGIN IMMEDIATE;\n{MIGRATIONS[version]}\nPRAGMA user_version = {version};\nCOMMIT;"
        )
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    missing = [t for t in _TABLES if t not in names]
    if missing:
        raise ArchiveError(str(path), f"index lacks tables {', '.join(missing)}: {_REINDEX}")
    return int(before)
