"""archive.index: versions by content hash, sightings, failures, full-text search, durability."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from archive import SCHEMA_VERSION, Index
from core.errors import ArchiveError
from core.model import Article, Capture, Quote

URL = "https://www.commonspace.eu/news/peace-talks"


def capture(n: int = 1) -> Capture:
    """A capture as WarcWriter returns it."""
    return Capture(
        warc_file="commonspace-20240501120000000000-00000-www.commonspace.eu.warc.gz",
        offset=100 * n,
        length=50,
        record_id=f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>",
        payload_digest="sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ",
        fetched_at=f"2024-05-0{n}T12:00:00.000000Z",
        status=200,
    )


def article(url: str = URL, **changes: object) -> Article:
    """A parsed article; keyword arguments replace fields."""
    base = Article(
        url=url,
        fetched_url=url,
        node_id=42,
        section="news",
        type="news",
        title="Armenia and Azerbaijan resume peace talks",
        published="2024-05-01T10:00:00+04:00",
        lede="Negotiators met in Geneva.",
        body=("The talks resumed on Monday.", "“We are close to a deal,” the envoy said."),
        quotes=(Quote("We are close to a deal", "the envoy", 1),),
        capture=capture(),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    """A fresh index in a temporary archive folder (closed after the test)."""
    with Index.open(tmp_path) as idx:
        yield idx


def test_new_unchanged_updated(index: Index) -> None:
    """record_article says new, then unchanged for the same content, updated for an edit."""
    assert index.known_hash(URL) is None
    assert index.record_article(article(), "2024-05-01T12:00:00Z") == "new"
    assert index.known_hash(URL) == article().content_hash
    related_changed = article(capture=capture(2), evidence={"x": "y"})
    assert index.record_article(related_changed, "2024-05-02T12:00:00Z") == "unchanged"
    edited = article(title="Armenia and Azerbaijan agree on a text", capture=capture(3))
    assert index.record_article(edited, "2024-05-03T12:00:00Z") == "updated"
    assert index.known_hash(URL) == edited.content_hash
    assert index.record_article(article(capture=capture(4)), "2024-05-04T12:00:00Z") == "updated"
    assert index.article_count() == 1
    versions = index.versions(URL)
    assert [v["title"] for v in versions] == [article().title, edited.title]
    assert versions[0]["capture"]["record_id"] == capture(1).record_id


def test_first_and_last_seen(index: Index, tmp_path: Path) -> None:
    """articles and versions keep the first and last time each content was seen."""
    index.record_article(article(), "2024-05-01T12:00:00Z")
    index.record_article(article(), "2024-05-05T12:00:00Z")
    index.commit()
    with closing(sqlite3.connect(tmp_path / "index.sqlite")) as db:
        row = db.execute("SELECT first_seen, last_seen FROM articles").fetchone()
        vrow = db.execute(
            "SELECT first_seen, last_seen, capture_record_id FROM versions"
        ).fetchone()
    assert row == ("2024-05-01T12:00:00Z", "2024-05-05T12:00:00Z")
    assert vrow == ("2024-05-01T12:00:00Z", "2024-05-05T12:00:00Z", capture(1).record_id)


def test_latest_articles_order_and_filters(index: Index) -> None:
    """latest_articles gives each article's latest JSON, newest published first, filterable."""
    index.record_article(article("https://x.test/news/a", published="2024-01-01"), "t1")
    index.record_article(article("https://x.test/news/b", published="2024-03-01"), "t1")
    index.record_article(
        article("https://x.test/opinion/c", published=None, section="opinion", type="opinion"),
        "t1",
    )
    index.record_article(article("https://x.test/news/a", published="2024-01-01", title="T2"), "t2")
    urls = [a["url"] for a in index.latest_articles()]
    assert urls == ["https://x.test/news/b", "https://x.test/news/a", "https://x.test/opinion/c"]
    latest_a = next(a for a in index.latest_articles() if a["url"].endswith("/a"))
    assert latest_a["title"] == "T2"
    assert [a["url"] for a in index.latest_articles(section="opinion")] == [
        "https://x.test/opinion/c"
    ]
    assert [a["url"] for a in index.latest_articles(type="news", since="2024-02-01")] == [
        "https://x.test/news/b"
    ]


def test_captures(index: Index) -> None:
    """add_capture stores where a response is, once per record id; unknown kinds are refused."""
    index.add_capture(capture(1), URL, "article")
    index.add_capture(capture(1), URL, "article")
    index.add_capture(capture(2), URL, "redirect")
    assert index.captures(URL) == [(capture(1), "article"), (capture(2), "redirect")]
    with pytest.raises(ValueError):
        index.add_capture(capture(3), URL, "bogus")


def test_sightings(index: Index) -> None:
    """record_sighting keeps which listing page and position an article was seen at."""
    index.record_sighting(URL, "https://x.test/news", 1, 3, "2024-05-01T12:00:00Z")
    index.record_sighting(URL, "https://x.test/news", 2, 0, "2024-05-02T12:00:00Z")
    assert index.sightings(URL) == [
        ("https://x.test/news", 1, 3, "2024-05-01T12:00:00Z"),
        ("https://x.test/news", 2, 0, "2024-05-02T12:00:00Z"),
    ]


def test_failures(index: Index) -> None:
    """A failing URL is one open failure with an attempt count until resolved."""
    index.record_failure(URL, "article", "HTTP 503", 503, at="2024-05-01T00:00:00.000000Z")
    index.record_failure(URL, "article", "timed out", None, at="2024-05-02T00:00:00.000000Z")
    index.record_failure("https://x.test/other", "listing", "HTTP 500", 500)
    failures = index.open_failures()
    assert [f.url for f in failures] == [URL, "https://x.test/other"]
    first = failures[0]
    assert (first.error, first.status, first.attempts) == ("timed out", None, 2)
    assert (first.first_failed, first.last_failed) == (
        "2024-05-01T00:00:00.000000Z",
        "2024-05-02T00:00:00.000000Z",
    )
    assert index.resolve_failure(URL) == 1
    assert index.resolve_failure(URL) == 0
    assert [f.url for f in index.open_failures()] == ["https://x.test/other"]
    index.record_failure(URL, "article", "HTTP 404", 404)
    assert next(f for f in index.open_failures() if f.url == URL).attempts == 1


def test_full_text_search(index: Index, tmp_path: Path) -> None:
    """The FTS table finds versions by words of title, body or quotes (diacritics folded)."""
    index.record_article(article(), "t1")
    other = article("https://x.test/news/z", title="Café in Tbilisi", lede=None, body=(), quotes=())
    index.record_article(other, "t1")
    index.commit()
    with closing(sqlite3.connect(tmp_path / "index.sqlite")) as db:
        sql = (
            "SELECT v.url FROM versions_fts f JOIN versions v ON v.id = f.rowid"
            " WHERE versions_fts MATCH ?"
        )
        assert db.execute(sql, ("quotes:deal",)).fetchall() == [(URL,)]
        assert db.execute(sql, ("geneva",)).fetchall() == [(URL,)]
        assert db.execute(sql, ("cafe",)).fetchall() == [("https://x.test/news/z",)]


def test_reopen_keeps_data(tmp_path: Path) -> None:
    """Data committed (or recorded before close) survives closing and reopening."""
    with Index.open(tmp_path) as idx:
        idx.record_article(article(), "t1")
        idx.record_failure(URL, "article", "boom", 500)
    with Index.open(tmp_path) as idx:
        assert idx.article_count() == 1
        assert idx.known_hash(URL) == article().content_hash
        assert len(idx.open_failures()) == 1


def test_schema_version_and_wal(tmp_path: Path) -> None:
    """A new index is in WAL mode and carries the schema version in user_version."""
    Index.open(tmp_path).close()
    with closing(sqlite3.connect(tmp_path / "index.sqlite")) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_corrupt_index_says_reindex(tmp_path: Path) -> None:
    """An index file that is not SQLite raises ArchiveError telling the user to reindex."""
    (tmp_path / "index.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(ArchiveError, match="scrape reindex"):
        Index.open(tmp_path)


def test_newer_schema_refused(tmp_path: Path) -> None:
    """An index from a newer scraper is refused rather than silently misread."""
    with closing(sqlite3.connect(tmp_path / "index.sqlite")) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ArchiveError, match="newer"):
        Index.open(tmp_path)


def test_failed_change_is_rolled_back(index: Index) -> None:
    """A method that fails half-way leaves nothing behind (each change is atomic)."""
    index.add_capture(capture(1), URL, "article")
    with pytest.raises(ValueError), index._write() as db:
        db.execute("INSERT INTO sightings VALUES ('u', 'l', 1, 1, 't')")
        raise ValueError("boom")
    assert index.sightings("u") == []
    assert len(index.captures(URL)) == 1


def test_search_order_is_bm25_then_id(index: Index, tmp_path: Path) -> None:
    """search_versions and search_urls rank inside the full-text table and give the order the
    plain join gives (bm25, then version id), cut at the limit."""
    for n in range(30):
        words = " ".join(["peace"] * (1 + n % 4) + ["talks"] * (n % 3) + [f"filler{n}"] * (n % 5))
        index.record_article(article(f"https://x.test/news/{n}", body=(words,)), "t1")
    index.commit()
    with closing(sqlite3.connect(tmp_path / "index.sqlite")) as db:
        plain = db.execute(
            "SELECT v.id, v.url FROM versions_fts f JOIN versions v ON v.id = f.rowid"
            " WHERE versions_fts MATCH ? ORDER BY bm25(versions_fts), v.id",
            ("peace OR talks",),
        ).fetchall()
    assert len(plain) == 30
    for limit in (1, 7, 30, 100):
        assert index.search_urls("peace OR talks", limit) == plain[:limit]
        assert [(v.id, v.url) for v in index.search_versions("peace OR talks", limit)] == (
            plain[:limit]
        )
