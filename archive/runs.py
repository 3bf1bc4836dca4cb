"""The index tables of ``scrape daily`` (schemas 3, 4): listing walks and revisits.

A mixin of ``archive.index.Index`` (which owns the connection, ``_write`` and ``_guard``), kept
apart so that ``index.py`` stays readable. Like every index row, these come from crawl events
stored in the WARC files (``walk`` and ``revisit``, see ``archive.events``).
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager

from core.model import Capture


class RunTables:
    """Queries and changes for ``walks`` and ``revisits``, and the lookups a daily run needs."""

    _conn: sqlite3.Connection

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # provided by Index

    def _guard(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # provided by Index

    def record_walk(self, listing_url: str, pages: int, completed_at: str) -> None:
        """Note that a walk of ``listing_url`` reached the end of the listing."""
        with self._write() as db:
            db.execute(
                "INSERT INTO walks VALUES (?,?,?) ON CONFLICT (listing_url) DO UPDATE SET"
                " pages = excluded.pages, completed_at = excluded.completed_at",
                (listing_url, pages, completed_at),
            )

    def record_walk_cut(self, listing_url: str, page: int) -> None:
        """A walk of finished listing ``listing_url`` was cut short at ``page`` by a stopping
        run: the next walk reads on past that page instead of stopping at known articles."""
        with self._write() as db:
            db.execute(
                "INSERT INTO walk_cuts VALUES (?,?) ON CONFLICT (listing_url) DO UPDATE SET"
                " page = MAX(page, excluded.page)", (listing_url, page),
            )  # fmt: skip

    def clear_walk_cut(self, listing_url: str) -> None:
        """A walk of ``listing_url`` read past the page where an earlier one was cut short."""
        with self._write() as db:
            db.execute("DELETE FROM walk_cuts WHERE listing_url = ?", (listing_url,))

    def walk_resume(self, listing_url: str) -> int | None:
        """The page a cut-short walk of ``listing_url`` reached, if one was cut short."""
        with self._guard():
            row = self._conn.execute(
                "SELECT page FROM walk_cuts WHERE listing_url = ?", (listing_url,)
            ).fetchone()
        return None if row is None else int(row[0])

    def walk_complete(self, listing_url: str) -> bool:
        """Whether a walk of ``listing_url`` has ever reached the end of the listing."""
        with self._guard():
            row = self._conn.execute(
                "SELECT 1 FROM walks WHERE listing_url = ? AND completed_at IS NOT NULL",
                (listing_url,),
            ).fetchone()
        return row is not None

    def record_revisit(self, capture: Capture, url: str, refers_to: str) -> None:
        """A ``revisit`` record of article ``url``: the latest version was seen again."""
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO revisits VALUES (?,?,?,?,?,?,?,?)",
                (capture.record_id, url, capture.fetched_at, capture.status, capture.warc_file,
                 capture.offset, capture.length, refers_to),
            )  # fmt: skip
            t = capture.fetched_at
            db.execute("UPDATE articles SET last_seen = MAX(last_seen, ?) WHERE url = ?", (t, url))
            db.execute(
                "UPDATE versions SET last_seen = MAX(last_seen, ?) WHERE url = ? AND content_hash"
                " = (SELECT latest_hash FROM articles WHERE url = ?)", (t, url, url),
            )  # fmt: skip

    def revisits(self, url: str) -> list[tuple[Capture, str]]:
        """Every revisit capture of ``url`` with the record id it refers to, oldest first."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT warc_file, offset, length, record_id, '', fetched_at, status, refers_to"
                " FROM revisits WHERE url = ? ORDER BY fetched_at", (url,),
            ).fetchall()  # fmt: skip
        return [(Capture(*row[:7]), str(row[7])) for row in rows]

    def all_revisits(self) -> list[tuple[Capture, str, str]]:
        """(capture, url, refers_to) of every revisit, in file and offset order."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT warc_file, offset, length, record_id, '', fetched_at, status, url,"
                " refers_to FROM revisits ORDER BY warc_file, offset"
            ).fetchall()
        return [(Capture(*row[:7]), str(row[7]), str(row[8])) for row in rows]

    def known_urls(self, urls: list[str]) -> set[str]:
        """Which of ``urls`` the archive has as an article or as an open failure."""
        with self._guard():
            known: set[str] = set()
            for i in range(0, len(urls), 500):
                chunk = urls[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for sql in ("SELECT url FROM articles", "SELECT url FROM failures"):
                    known.update(r[0] for r in self._conn.execute(
                        f"{sql} WHERE url IN ({marks})", chunk))  # fmt: skip
        return known

    def recent_articles(self, published_since: str) -> list[tuple[str, str, str]]:
        """(url, published, last_seen) of articles published on or after the given time."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT url, published, last_seen FROM articles WHERE published >= ?"
                " ORDER BY published DESC, url", (published_since,),
            ).fetchall()  # fmt: skip
        return [(str(a), str(b), str(c)) for a, b, c in rows]

    def last_capture(self, url: str, kind: str = "article") -> Capture | None:
        """The newest 200 capture of ``url`` of this kind, or None."""
        with self._guard():
            row = self._conn.execute(
                "SELECT warc_file, offset, length, record_id, payload_digest, fetched_at, status"
                " FROM captures WHERE url = ? AND kind = ? AND status = 200"
                " ORDER BY fetched_at DESC, id DESC LIMIT 1", (url, kind),
            ).fetchone()  # fmt: skip
        return None if row is None else Capture(*row)

    def edited_since(self, since: str) -> list[str]:
        """URLs of articles with a version first seen at or after ``since`` that is not their
        first version (edits, newest first)."""
        with self._guard():
            rows = self._conn.execute(
                "SELECT v.url, MAX(v.first_seen) FROM versions v WHERE v.first_seen >= ?"
                " AND EXISTS (SELECT 1 FROM versions w WHERE w.url = v.url AND w.id != v.id"
                " AND w.first_seen < v.first_seen) GROUP BY v.url ORDER BY 2 DESC", (since,),
            ).fetchall()  # fmt: skip
        return [str(r[0]) for r in rows]
