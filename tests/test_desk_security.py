"""`scrape serve` on an archive of hostile HTML: escaping, the two origins and their CSP, the
read-only index, paths, Host headers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from archive import ArchiveReader, Index
from core.errors import ArchiveError
from desk import Desk, DeskConfig
from tests.desk_server import HOSTILE, HOSTILE_QUOTE, build_hostile, running

# Elements the hostile article carries in its fields; no desk page has one of its own.
INJECTED = ("script", "img", "b", "i", "u", "em", "iframe")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "archive"
    build_hostile(path)
    return path


@pytest.fixture(scope="module")
def desk(archive: Path) -> Iterator[Desk]:
    with running(archive) as served:
        yield served


@pytest.fixture
def client(desk: Desk) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=desk.url, timeout=30) as c:
        yield c


def record_id(client: httpx.Client) -> str:
    doc = client.get("/article", params={"url": HOSTILE, "format": "json"}).json()
    return str(doc["captures"][0]["record_id"])


def test_every_scraped_string_is_escaped(client: httpx.Client) -> None:
    """Title, section, authors, lede, body, quotes, speaker, source, outlets, Related and
    Popular are all markup in this archive; on every page they arrive as text."""
    pages = [
        client.get("/", params={"q": HOSTILE_QUOTE}).text,
        client.get("/article", params={"url": HOSTILE}).text,
        client.get("/capture", params={"id": record_id(client)}).text,
    ]
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;Talks &amp;" in pages[0]
    for html in pages:
        body = html.split("<main", 1)[1]
        tree = HTMLParser(html)
        for tag in INJECTED:
            assert not tree.css(tag) or (tag == "iframe" and len(tree.css(tag)) == 1), tag
        handlers = [a for node in tree.css("*") for a in node.attributes if a.startswith("on")]
        assert handlers == []
        assert body.count("</textarea>") == body.count("<textarea")  # the citations' own
    article = pages[1]
    assert "&lt;/textarea&gt;&lt;script&gt;y()&lt;/script&gt;" in article
    assert "&lt;i&gt;Reuters&lt;/i&gt;" in article and "&lt;b&gt;x&lt;/b&gt;" in article


def test_archived_links_that_are_not_http_are_not_links(client: httpx.Client) -> None:
    """A Related item linking to ``javascript:`` or ``data:`` is shown as text, not a link;
    an http(s) link keeps its query, escaped."""
    html = client.get("/article", params={"url": HOSTILE}).text
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert "&lt;script&gt;r()&lt;/script&gt;" in html
    assert 'href="https://www.commonspace.eu/news/popular?a=1&amp;b=&lt;2&gt;"' in html


def test_desk_pages_run_no_script_and_frame_only_the_capture_origin(
    desk: Desk, client: httpx.Client
) -> None:
    """Desk pages forbid every script and every source but their own stylesheet and frames
    from the capture origin; they are never framed themselves; no referrer leaves."""
    for path, params in (("/", {"q": HOSTILE_QUOTE}), ("/article", {"url": HOSTILE})):
        r = client.get(path, params=params)
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert f"frame-src http://127.0.0.1:{desk.capture_port}" in csp
        assert "frame-ancestors 'none'" in csp and r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "<script" not in r.text


def test_archived_html_is_served_only_from_the_capture_origin(
    desk: Desk, client: httpx.Client
) -> None:
    """The page's bytes come from the other port, under a sandbox CSP that fetches nothing;
    the desk's port never returns them inline (only as an attachment), and the capture port
    answers nothing but captures."""
    rid = record_id(client)
    framed = httpx.get(f"http://127.0.0.1:{desk.capture_port}/", params={"id": rid})
    csp = framed.headers["content-security-policy"]
    assert framed.status_code == 200 and csp.startswith("sandbox;")
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert f"frame-ancestors http://127.0.0.1:{desk.port}" in csp
    assert b"<script>fetch(" in framed.content  # the bytes as stored, not rewritten
    raw = client.get("/capture/raw", params={"id": rid})
    assert raw.headers["content-type"] == "application/octet-stream"
    assert raw.headers["content-disposition"].startswith("attachment")
    assert raw.headers["content-security-policy"].startswith("sandbox")
    page = client.get("/capture", params={"id": rid}).text
    assert b"<script>fetch(" not in page.encode()
    assert f'src="http://127.0.0.1:{desk.capture_port}/?id=' in page and " sandbox " in page
    capture_port = f"http://127.0.0.1:{desk.capture_port}"
    assert httpx.get(f"{capture_port}/article", params={"url": HOSTILE}).status_code == 404
    assert httpx.get(f"{capture_port}/capture/raw", params={"id": rid}).status_code == 404
    assert httpx.get(f"{capture_port}/", params={"id": "nope"}).status_code == 404


def test_foreign_host_headers_are_refused(desk: Desk) -> None:
    """A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) gets 400 from
    both ports; 127.0.0.1 and localhost are answered."""
    for port in (desk.port, desk.capture_port):
        r = httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": f"evil.example:{port}"})
        assert r.status_code == 400
    ok = httpx.get(f"http://127.0.0.1:{desk.port}/", headers={"Host": f"localhost:{desk.port}"})
    assert ok.status_code == 200


def test_the_index_is_opened_read_only(archive: Path, client: httpx.Client) -> None:
    """The desk's connection cannot write (SQLite says so), and serving changes no byte of
    the index."""
    index_file = archive / "index.sqlite"
    before = index_file.read_bytes()
    for _ in range(3):
        client.get("/", params={"q": HOSTILE_QUOTE})
        client.get("/article", params={"url": HOSTILE})
    assert index_file.read_bytes() == before
    with ArchiveReader(archive) as reader, pytest.raises(sqlite3.OperationalError, match="read"):
        reader.index._conn.execute("DELETE FROM captures")


def test_warc_names_are_never_followed_out_of_the_archive(tmp_path: Path) -> None:
    """An index edited to name ``../../secret`` as a WARC file: the desk reports the capture
    missing and never reads the file it names."""
    archive = tmp_path / "archive"
    build_hostile(archive)
    secret = tmp_path / "secret.warc.gz"
    secret.write_bytes(b"not for the desk")
    with Index.open(archive) as index:
        index._conn.execute("UPDATE captures SET warc_file = '../../secret.warc.gz'")
    with running(archive) as desk, httpx.Client(base_url=desk.url, timeout=30) as client:
        rid = record_id(client)
        doc = client.get("/article", params={"url": HOSTILE, "format": "json"}).json()
        assert doc["captures"][0]["check"] == "missing"
        for route in ("/capture/raw", "/capture/warc"):
            r = client.get(route, params={"id": rid})
            assert b"not for the desk" not in r.content and r.status_code in (410, 503)


def test_an_unusable_archive_is_reported_before_serving(tmp_path: Path) -> None:
    """No archive, or an empty folder: Desk() raises the archive's one-line error at once."""
    (tmp_path / "empty").mkdir()
    for folder, words in ((tmp_path / "nothing", "no archive here"), (tmp_path / "empty", "empty")):
        with pytest.raises(ArchiveError, match=words):
            Desk(DeskConfig(folder, port=0))


def test_a_request_that_finds_every_reader_busy_gets_503(archive: Path) -> None:
    """With every read-only connection lent out, a request waits its turn, then gets a 503
    that says to try again — not a 500."""
    with running(archive, readers=1, reader_wait=0.05) as desk, desk.readers.borrow():
        r = httpx.get(desk.url, params={"q": HOSTILE_QUOTE, "format": "json"}, timeout=30)
    assert r.status_code == 503 and "try again" in r.json()["error"]
