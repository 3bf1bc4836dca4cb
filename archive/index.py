"""The SQLite index of an archive: what was captured where, every article version, failures.

The index is derived data: everything in it can be rebuilt from the WARC files (``scrape
reindex``), so when it is damaged the fix is to move it aside and rebuild. It is opened in WAL
mode with a 10 s busy timeout, so readers (export) never block a running crawl.

Commands that only read open it with ``Index.open_readonly``, which never writes to it (see
``archive.schema``, which also holds the tables, their migrations and how the file is opened);
``Index.snapshot`` gives a long-lived reader (``scrape serve``) one consistent view per answer
while a crawl commits beside it.

Every mutating method is atomic on its own (a savepoint); ``commit()`` makes what has been
recorded so far durable. The caller records a capture only after ``WarcWriter`` has returned
it, so the index never refers to a WARC record that is not on disk.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from core.errors import ArchiveError
from core.model import Article, Capture

from .layout import index_path, utc_now
from .runs import RunTables
from .schema import (
    SCHEMA_VERSION,
    archive_error,
    connect,
    connect_readonly,
    existing_index,
    migrate,
)

CAPTURE_KINDS = frozenset({"article", "listing", "robots", "redirect", "soft404", "feed", "other"})


@dataclass(frozen=True)
class VersionRow:
    """One stored version of an article: its row in ``versions`` and its article JSON."""

    id: int
    url: str
    content_hash: str
    first_seen: str
    last_seen: str
    capture_record_id: str | None
    json: dict[str, Any]


_VERSION_COLS = "v.id, v.url, v.content_hash, v.first_seen, v.last_seen"
_VERSION_COLS += ", v.capture_record_id, v.json"


# The best ``?`` matches of an FTS5 query, ranked inside the full-text table: joining its
# rows to ``versions`` before ranking made SQLite carry every matching row through the sort.
_RANKED = (
    "SELECT rowid AS id, bm25(versions_fts) AS score FROM versions_fts"
    " WHERE versions_fts MATCH ? ORDER BY score, rowid LIMIT ?"
)


def _article_filter(
    section: str | None, type: str | None, since: str | None
) -> tuple[str, list[str]]:
    """The WHERE clause (on ``articles a``) and its parameters for the export filters."""
    sql, params = ["WHERE 1"], []
    for column, value in (("section", section), ("type", type)):
        if value is not None:
            sql.append(f"AND a.{column} = ?")
            params.append(value)
    if since is not None:
        sql.append("AND a.published >= ?")
        params.append(since)
    return " ".join(sql), params


def _version(row: tuple[Any, ...]) -> VersionRow:
    return VersionRow(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]))


@dataclass(frozen=True)
class Failure:
    """A URL that failed and has not succeeded since."""

    url: str
    kind: str
    error: str
    status: int | None
    first_failed: str
    last_failed: str
    attempts: int


class Index(RunTables):
    """The archive's index. Open with ``Index.open(archive_dir)``; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, archive_dir: Path) -> Index:
        """Open (creating or migrating) ``archive_dir/index.sqlite``."""
        return cls.open_file(index_path(archive_dir))

    @classmethod
    def open_file(cls, path: Path) -> Index:
        """Open (creating or migrating) the index file at ``path`` (``reindex`` builds aside)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(str(path.parent), f"cannot create archive folder: {exc}") from exc
        try:
            return cls(connect(path), path)
        except sqlite3.Error as exc:
            raise archive_error(path, exc) from exc

    @classmethod
    def open_readonly(cls, archive_dir: Path) -> Index:
        """Open the index of an existing archive for reading only (the commands that only read).

        It is never created, changed or migrated: an index of an older schema is migrated
        first only where the folder is writable; on a read-only copy that needs ``reindex``.
        """
        archive_dir = Path(archive_dir)
        path = existing_index(archive_dir)
        try:
            conn = connect_readonly(path)
        except sqlite3.Error as exc:
            raise archive_error(path, exc, reading=True) from exc
        try:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            if version < SCHEMA_VERSION:
                conn.close()
                if not os.access(archive_dir, os.W_OK):
                    raise ArchiveError(
                        str(path), f"index out of date (schema {version}, this scraper reads "
                        f"{SCHEMA_VERSION}): run `scrape reindex` on a writable copy",
                    )  # fmt: skip
                cls.open_file(path).close()  # migrated once, then read as usual
                conn = connect_readonly(path)
            migrate(conn, path)  # now only checks: a newer schema, missing tables
        except sqlite3.Error as exc:
            conn.close()
            raise archive_error(path, exc, reading=True) from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise archive_error(self.path, exc) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One atomic change, inside the transaction that ``commit()`` ends."""
        with self._guard():
            if not self._conn.in_transaction:
                self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute("SAVEPOINT change")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK TO change")
                self._conn.execute("RELEASE change")
                raise
            self._conn.execute("RELEASE change")

    def commit(self) -> None:
        """Make everything recorded so far durable."""
        with self._guard():
            if self._conn.in_transaction:
                self._conn.execute("COMMIT")

    def close(self) -> None:
        """Commit and close (each method is atomic, so what is recorded is consistent)."""
        try:
            self.commit()
        finally:
            self._conn.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ captures

    def add_capture(self, capture: Capture, url: str, kind: str) -> None:
        """Record where the response for ``url`` is stored (idempotent by record id)."""
        if kind not in CAPTURE_KINDS:
            raise ValueError(f"unknown capture kind {kind!r}; one of {sorted(CAPTURE_KINDS)}")
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO captures (url, fetched_at, status, warc_file, offset,"
                " length, record_id, payload_digest, kind) VALUES (?,?,?,?,?,?,?,?,?)",
                (url, capture.fetched_at, capture.status, capture.warc_file, capture.offset,
                 capture.length, capture.record_id, capture.payload_digest, kind),
            )  # fmt: skip

    def captures(self, url: str) -> list[tuple[Capture, str]]:
        """Every capture of ``url`` with its kind, oldest first."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT warc_file, offset, length, record_id, payload_digest, fetched_at, status,"
                " kind FROM captures WHERE url = ? ORDER BY fetched_at, id",
                (url,),
            ).fetchall()
        return [(Capture(*row[:7]), row[7]) for row in rows]

    # ------------------------------------------------------------------ articles

    def record_article(self, article: Article, seen_at: str) -> str:
        """Store ``article`` as seen at ``seen_at``; return ``new``, ``updated`` or ``unchanged``.

        A version is the content hash (title, lede, body, source); its JSON is the one of the
        first capture that had that content. Going back to an earlier content is ``updated``.
        """
        chash = article.content_hash
        record_id = article.capture.record_id if article.capture else None
        with self._write() as db:
            row = db.execute(
                "SELECT latest_hash FROM articles WHERE url = ?", (article.url,)
            ).fetchone()
            status = "new" if row is None else "unchanged" if row[0] == chash else "updated"
            cur = db.execute(
                "UPDATE versions SET first_seen = MIN(first_seen, :t),"
                " last_seen = MAX(last_seen, :t) WHERE url = :u AND content_hash = :h",
                {"t": seen_at, "u": article.url, "h": chash},
            )
            if cur.rowcount == 0:
                cur = db.execute(
                    "INSERT INTO versions (url, content_hash, first_seen, last_seen,"
                    " capture_record_id, json) VALUES (?,?,?,?,?,?)",
                    (article.url, chash, seen_at, seen_at, record_id,
                     json.dumps(article.to_dict(), ensure_ascii=False)),
                )  # fmt: skip
                version_id = cur.lastrowid
                db.execute(
                    "INSERT INTO versions_fts (rowid, title, lede, body, quotes)"
                    " VALUES (?,?,?,?,?)",
                    (version_id, article.title or "", article.lede or "",
                     "\n\n".join(article.body), "\n".join(q.text for q in article.quotes)),
                )  # fmt: skip
            else:
                (version_id,) = db.execute(
                    "SELECT id FROM versions WHERE url = ? AND content_hash = ?",
                    (article.url, chash),
                ).fetchone()
            if record_id is not None:
                db.execute(
                    "INSERT OR IGNORE INTO version_captures (record_id, version_id) VALUES (?,?)",
                    (record_id, version_id),
                )
            db.execute(
                "INSERT INTO articles (url, node_id, section, type, title, published, first_seen,"
                " last_seen, latest_hash) VALUES (:u, :n, :s, :ty, :ti, :p, :t, :t, :h)"
                " ON CONFLICT (url) DO UPDATE SET node_id = :n, section = :s, type = :ty,"
                " title = :ti, published = :p, first_seen = MIN(first_seen, :t),"
                " last_seen = MAX(last_seen, :t), latest_hash = :h",
                {"u": article.url, "n": article.node_id, "s": article.section,
                 "ty": article.type, "ti": article.title, "p": article.published,
                 "t": seen_at, "h": chash},
            )  # fmt: skip
        return status

    def known_hash(self, url: str) -> str | None:
        """The content hash of the latest version of ``url``, or None if never stored."""
        with self._guard():
            row = self._conn.execute(
                "SELECT latest_hash FROM articles WHERE url = ?", (url,)
            ).fetchone()
        return None if row is None else str(row[0])

    def versions(self, url: str) -> list[dict[str, Any]]:
        """Every stored version of ``url`` (its article JSON), oldest first."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT json FROM versions WHERE url = ? ORDER BY first_seen, id", (url,)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def latest_articles(
        self, section: str | None = None, type: str | None = None, since: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The latest version JSON of each article, newest ``published`` first, then by URL.

        ``since`` (an ISO date or datetime) keeps articles published on or after it; articles
        without a publication date are listed last, and left out when ``since`` is given.
        """
        sql = [
            "SELECT v.json FROM articles a JOIN versions v"
            " ON v.url = a.url AND v.content_hash = a.latest_hash WHERE 1"
        ]
        params: list[str] = []
        if section is not None:
            sql.append("AND a.section = ?")
            params.append(section)
        if type is not None:
            sql.append("AND a.type = ?")
            params.append(type)
        if since is not None:
            sql.append("AND a.published >= ?")
            params.append(since)
        sql.append("ORDER BY a.published IS NULL, a.published DESC, a.url")
        with self._guard():
            cursor = self._conn.execute(" ".join(sql), params)
            try:
                for (text,) in cursor:
                    yield json.loads(text)
            finally:
                cursor.close()

    def article_count(
        self, section: str | None = None, type: str | None = None, since: str | None = None
    ) -> int:
        """How many articles (filtered as ``latest_articles``)."""
        where, params = _article_filter(section, type, since)
        with self._guard():
            (n,) = self._conn.execute(f"SELECT COUNT(*) FROM articles a {where}", params).fetchone()
        return int(n)

    # ------------------------------------------------------------------ listings

    def record_sighting(
        self, url: str, listing_url: str, page: int, position: int, seen_at: str
    ) -> None:
        """Note that ``url`` was listed on ``listing_url`` page ``page`` at ``position``."""
        with self._write() as db:
            db.execute(
                "INSERT INTO sightings (url, listing_url, page, position, seen_at)"
                " VALUES (?,?,?,?,?)",
                (url, listing_url, page, position, seen_at),
            )

    def sightings(self, url: str) -> list[tuple[str, int, int, str]]:
        """(listing_url, page, position, seen_at) of every sighting of ``url``, oldest first."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT listing_url, page, position, seen_at FROM sightings WHERE url = ?"
                " ORDER BY seen_at, rowid",
                (url,),
            ).fetchall()
        return [(str(a), int(b), int(c), str(d)) for a, b, c, d in rows]

    # ------------------------------------------------------------------ failures

    def record_failure(
        self, url: str, kind: str, error: str, status: int | None = None, *, at: str | None = None
    ) -> None:
        """Record that ``url`` failed; a URL already failing gets its attempt count raised."""
        when = at or utc_now()
        with self._write() as db:
            cur = db.execute(
                "UPDATE failures SET kind = ?, error = ?, status = ?, last_failed = ?,"
                " attempts = attempts + 1 WHERE url = ? AND resolved = 0",
                (kind, error, status, when, url),
            )
            if cur.rowcount == 0:
                db.execute(
                    "INSERT INTO failures (url, kind, error, status, first_failed, last_failed)"
                    " VALUES (?,?,?,?,?,?)",
                    (url, kind, error, status, when, when),
                )

    def resolve_failure(self, url: str) -> int:
        """Mark ``url``'s open failure as resolved (it succeeded); return how many were open."""
        with self._write() as db:
            cur = db.execute(
                "UPDATE failures SET resolved = 1 WHERE url = ? AND resolved = 0", (url,)
            )
        return int(cur.rowcount)

    def open_failures(self) -> list[Failure]:
        """Failures not resolved since, oldest first."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT url, kind, error, status, first_failed, last_failed, attempts"
                " FROM failures WHERE resolved = 0 ORDER BY first_failed, id"
            ).fetchall()
        return [Failure(*row) for row in rows]

    # ------------------------------------------------------------------ provenance

    def search_versions(self, fts_query: str, limit: int) -> list[VersionRow]:
        """Versions whose title, lede, body or quotes match the FTS5 query, best first."""
        with self._guard():
            rows = self._conn.execute(
                f"SELECT {_VERSION_COLS} FROM ({_RANKED}) AS hit JOIN versions v ON v.id = hit.id"
                " ORDER BY hit.score, hit.id",
                (fts_query, limit),
            ).fetchall()
        return [_version(r) for r in rows]

    def search_urls(
        self, fts_query: str, limit: int, tolerance: float | None = None, most: int = 0
    ) -> list[tuple[int, str]]:
        """``(version id, url)`` of the versions ``search_versions`` finds, in its order,
        without reading their JSON. With a ``tolerance``, also every version past ``limit``
        whose score is within it of the last one kept (up to ``most`` versions in all): none
        of the versions tied at the cut is left out by the order of row ids."""
        with self._guard():
            rows = self._conn.execute(
                f"SELECT v.id, v.url, hit.score FROM ({_RANKED}) AS hit"
                " JOIN versions v ON v.id = hit.id ORDER BY hit.score, hit.id",
                (fts_query, max(limit, most)),
            ).fetchall()
        if tolerance is not None and len(rows) > limit > 0:
            cut = rows[limit - 1][2] + tolerance  # bm25 is negative: lower ranks first
            rows = rows[:limit] + [r for r in rows[limit:] if r[2] <= cut]
        return [(int(i), str(u)) for i, u, _ in rows]

    def has_articles(self) -> bool:
        """Whether any article is recorded (without counting them all, as ``article_count``)."""
        with self._guard():
            return self._conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None

    def count_matches(self, fts_query: str, cap: int) -> int:
        """How many versions ``fts_query`` matches, counted up to ``cap`` (so telling that a
        phrase is in half the archive costs no more than reading ``cap`` of its rows)."""
        with self._guard():
            (n,) = self._conn.execute(
                "SELECT COUNT(*) FROM (SELECT rowid FROM versions_fts WHERE versions_fts MATCH ?"
                " LIMIT ?)",
                (fts_query, cap),
            ).fetchone()
        return int(n)

    def max_version_id(self) -> int:
        """The highest version id: at least the number of rows of ``versions_fts``, which
        holds one row per version, keyed by its id."""
        with self._guard():
            (n,) = self._conn.execute("SELECT MAX(id) FROM versions").fetchone()
        return int(n or 0)

    def version_rows(self, url: str) -> list[VersionRow]:
        """Every version of ``url`` with its row data, oldest first (as ``versions``)."""
        with self._guard():
            rows = self._conn.execute(
                f"SELECT {_VERSION_COLS} FROM versions v WHERE v.url = ? ORDER BY first_seen, id",
                (url,),
            ).fetchall()
        return [_version(r) for r in rows]

    def versions_of(self, urls: list[str]) -> dict[str, list[VersionRow]]:
        """``version_rows`` of each of ``urls`` (those with any), read in a few queries."""
        found: dict[str, list[VersionRow]] = {}
        for at in range(0, len(urls), 500):
            chunk = urls[at : at + 500]
            marks = ", ".join("?" * len(chunk))
            with self._guard():
                rows = self._conn.execute(
                    f"SELECT {_VERSION_COLS} FROM versions v WHERE v.url IN ({marks})"
                    " ORDER BY v.url, first_seen, id",
                    chunk,
                ).fetchall()
            for r in rows:
                version = _version(r)
                found.setdefault(version.url, []).append(version)
        return found

    def iter_versions(
        self, section: str | None = None, type: str | None = None, since: str | None = None
    ) -> Iterator[VersionRow]:
        """Every version of every article (filtered as ``latest_articles``), by URL then age."""
        where, params = _article_filter(section, type, since)
        sql = [f"SELECT {_VERSION_COLS} FROM versions v JOIN articles a ON a.url = v.url {where}"]
        sql.append("ORDER BY a.published IS NULL, a.published DESC, v.url, v.first_seen, v.id")
        with self._guard():
            rows = self._conn.execute(" ".join(sql), params).fetchall()
        for row in rows:
            yield _version(row)

    def version_captures(self, version_id: int) -> list[Capture]:
        """The article captures known to have had this version's content, oldest first."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT c.warc_file, c.offset, c.length, c.record_id, c.payload_digest,"
                " c.fetched_at, c.status FROM version_captures vc"
                " JOIN captures c ON c.record_id = vc.record_id"
                " WHERE vc.version_id = ? ORDER BY c.fetched_at, c.id",
                (version_id,),
            ).fetchall()
        return [Capture(*row) for row in rows]

    def capture_record(self, record_id: str) -> tuple[Capture, str, str] | None:
        """(capture, url, kind) of the capture stored as record ``record_id``, or None."""
        with self._guard():
            row = self._conn.execute(
                "SELECT warc_file, offset, length, record_id, payload_digest, fetched_at, status,"
                " url, kind FROM captures WHERE record_id = ?",
                (record_id,),
            ).fetchone()
        return None if row is None else (Capture(*row[:7]), row[7], row[8])

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: every query inside sees the index as it was at its start,
        whatever a running crawl commits meanwhile."""
        with self._guard():
            self._conn.execute("BEGIN")
        try:
            yield
        finally:
            with self._guard():
                self._conn.execute("COMMIT")

    def all_captures(self) -> list[tuple[Capture, str, str]]:
        """(capture, url, kind) of every capture, in file and offset order."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT warc_file, offset, length, record_id, payload_digest, fetched_at, status,"
                " url, kind FROM captures ORDER BY warc_file, offset"
            ).fetchall()
        return [(Capture(*row[:7]), row[7], row[8]) for row in rows]

    def all_versions(self) -> list[VersionRow]:
        """Every version in the index, by URL then age."""
        with self._guard():
            rows = self._conn.execute(
                f"SELECT {_VERSION_COLS} FROM versions v ORDER BY v.url, v.first_seen, v.id"
            ).fetchall()
        return [_version(r) for r in rows]
