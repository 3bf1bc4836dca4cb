"""`scrape serve`: the desk's routes and JSON API, over real HTTP, on the provenance archive."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import httpx
import pytest

from archive import read_record
from desk import Desk
from tests.desk_server import running
from tests.provenance_archive import ANALYSIS, BORDER, PEACE, QUOTE, SPLIT, build_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The provenance archive (two versions of one article, a split quote, a listing)."""
    path = tmp_path_factory.mktemp("desk") / "archive"
    build_archive(path)
    return path


@pytest.fixture(scope="module")
def desk(archive: Path) -> Iterator[Desk]:
    with running(archive) as served:
        yield served


@pytest.fixture
def client(desk: Desk) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=desk.url, timeout=30) as c:
        yield c


def search(client: httpx.Client, text: str) -> dict:
    response = client.get("/", params={"q": text, "format": "json"})
    assert response.status_code == 200, response.text
    return response.json()


def test_search_finds_the_quote_in_its_article(client: httpx.Client) -> None:
    """A quote pasted with curly quotes and odd spacing finds its article, speaker, section,
    the version that has it, the one it is gone from, and verified captures."""
    doc = search(client, f"  \u201c{QUOTE.replace(' ', '   ')}\u201d ")
    best = doc["matches"][0]
    assert best["url"] == PEACE and best["speaker"] == "the envoy" and best["section"] == "news"
    assert [v["contains"] for v in best["versions"]] == [True, False]
    assert best["gone_in"]["number"] == 2
    assert len(best["captures"]) == 2 and all(c["verified"] for c in best["captures"])
    assert doc["tampered"] is False


def test_search_page_shows_the_result_with_its_evidence(client: httpx.Client) -> None:
    """The HTML results: the title linked to the article page, the sentence with the match
    marked, every capture with fetched-at, WARC file, record id and a verified badge."""
    page = client.get("/", params={"q": QUOTE})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert 'href="/article?url=https%3A%2F%2Fwww.commonspace.eu%2Fnews%2Fpeace-talks"' in html
    assert f"<mark>{QUOTE}</mark>" in html.replace("&#39;", "'")
    doc = search(client, QUOTE)
    for cap in doc["matches"][0]["captures"]:
        assert cap["record_id"].replace("<", "&lt;").replace(">", "&gt;") in html
        assert cap["warc_file"] in html and cap["fetched_at"] in html
    assert html.count('class="badge ok">verified<') == 3  # the article's and each capture's
    assert "gone in version 2" in html


def test_a_quote_split_across_paragraphs_is_marked_in_both(client: httpx.Client) -> None:
    """A quote split over two paragraphs: found, and marked in each paragraph it spans."""
    text = f"{SPLIT[0]} {SPLIT[1]}"
    assert search(client, text)["matches"][0]["url"] == BORDER
    html = client.get("/", params={"q": text}).text
    assert html.count("<mark>") == 2


def test_accept_header_gives_json_too(client: httpx.Client) -> None:
    """The JSON API is the same route: Accept: application/json gives what format=json gives."""
    by_header = client.get("/", params={"q": QUOTE}, headers={"Accept": "application/json"})
    assert by_header.headers["content-type"] == "application/json"
    assert by_header.json() == search(client, QUOTE)


def test_no_match_and_bad_queries_get_a_clear_answer(client: httpx.Client) -> None:
    """No match is an empty list; a query too short, too long (10 000 characters) or in FTS5
    syntax is a 400 with a message or an ordinary search, never a 500."""
    assert search(client, "zebras migrate across the frozen lake")["matches"] == []
    html = client.get("/", params={"q": "zebras migrate across the frozen lake"}).text
    assert "No article contains this quote" in html
    for text, status, words in (
        ("a", 400, "too short"),
        ("x" * 10_000, 400, "10,000 characters long"),
        ("ж" * 10_000, 400, "10,000 characters long"),
    ):
        for fmt in ("json", "html"):
            r = client.get("/", params={"q": text, "format": fmt})
            assert r.status_code == status, (text[:10], fmt)
            assert words in (r.json()["error"] if fmt == "json" else r.text)
    for fts in ('"a" OR b*', "NEAR(peace talks", "peace AND NOT talks", "title:peace ^deal"):
        r = client.get("/", params={"q": fts, "format": "json"})
        assert r.status_code == 200 and isinstance(r.json()["matches"], list), fts
    assert client.get("/", params={"q": "", "format": "json"}).status_code == 400
    assert client.get("/").status_code == 200


def test_article_page_has_fields_versions_diffs_and_captures(client: httpx.Client) -> None:
    """The article: latest fields, both versions with the change classes between them, every
    capture verified with its citation, Related/Popular per capture, where it was listed."""
    doc = client.get("/article", params={"url": PEACE, "format": "json"}).json()
    assert doc["url"] == PEACE and doc["intact"] is True
    assert [v["number"] for v in doc["versions"]] == [1, 2]
    assert doc["versions"][0]["changes"] == []
    kinds = [c["kind"] for c in doc["versions"][1]["changes"]]
    assert kinds == ["body", "quote removed"]
    assert len(doc["captures"]) == 3 and all(c["verified"] for c in doc["captures"])
    assert all(c["sha256"].startswith("sha256:") for c in doc["captures"])
    assert all(c["related"] == [] and c["popular"] == [] for c in doc["captures"])
    assert doc["sightings"][0]["listing"].endswith("/region/south-caucasus")
    html = client.get("/article", params={"url": PEACE}).text
    assert "Version 2" in html and "quote removed" in html and "<del>" in html
    assert html.count("WARC record id:") == 3 and "Download the WACZ bundle" in html


def test_article_urls_in_any_spelling_and_unknown_ones(client: httpx.Client) -> None:
    """The article page takes the URL as users paste it (trailing slash); an unknown URL or
    none at all is a 404/400 page that says so."""
    r = client.get("/article", params={"url": ANALYSIS + "/", "format": "json"})
    assert r.status_code == 200 and r.json()["url"] == ANALYSIS
    r = client.get("/article", params={"url": f"{PEACE}-nope"})
    assert r.status_code == 404 and "not in the archive" in r.text
    assert client.get("/article", params={"format": "json"}).status_code == 400


def test_capture_citation_digests_match_the_stored_bytes(
    archive: Path, client: httpx.Client
) -> None:
    """The capture page's citation: its SHA-256 is that of the stored body, the raw download
    is that body, the WARC download is the record's gzip member byte for byte."""
    first = search(client, QUOTE)["matches"][0]["captures"][0]
    doc = client.get("/capture", params={"id": first["record_id"], "format": "json"}).json()
    stored = read_record(archive / "warc" / first["warc_file"], first["offset"])
    assert doc["sha256"] == "sha256:" + hashlib.sha256(stored.body).hexdigest()
    assert doc["status"] == "verified" and doc["url"] == PEACE and doc["http_status"] == 200
    raw = client.get("/capture/raw", params={"id": first["record_id"]})
    assert raw.content == stored.body and raw.headers["content-disposition"].startswith(
        "attachment"
    )
    member = client.get("/capture/warc", params={"id": first["record_id"]}).content
    data = (archive / "warc" / first["warc_file"]).read_bytes()
    assert member == data[first["offset"] : first["offset"] + first["length"]]
    html = client.get("/capture", params={"id": first["record_id"]}).text
    assert doc["sha256"] in html and "<iframe" in html and " sandbox " in html
    assert client.get("/capture", params={"id": "<urn:uuid:nope>"}).status_code == 404
    assert client.get("/capture/raw", params={"id": "../../index.sqlite"}).status_code == 404


def test_bundle_download_is_the_article_wacz(client: httpx.Client) -> None:
    """The WACZ button's route: a WACZ of the article's records, as a download."""
    r = client.get("/bundle", params={"url": PEACE})
    assert (
        r.status_code == 200 and 'filename="peace-talks.wacz"' in r.headers["content-disposition"]
    )
    with zipfile.ZipFile(BytesIO(r.content)) as zf:
        package = json.loads(zf.read("datapackage.json"))
    assert package["mainPageURL"] == PEACE
    assert client.get("/bundle", params={"url": f"{BASE_NOPE}"}).status_code == 404


BASE_NOPE = "https://www.commonspace.eu/news/never-archived"


def test_tampered_bytes_show_as_tampered(tmp_path: Path) -> None:
    """One byte changed in a stored capture: the next search says TAMPERED for that capture,
    the article page too; the other captures stay verified."""
    archive = tmp_path / "archive"
    caps = build_archive(archive)
    target = caps["peace-1"]
    with running(archive) as desk, httpx.Client(base_url=desk.url, timeout=30) as client:
        assert search(client, QUOTE)["tampered"] is False
        warc = archive / "warc" / target.warc_file
        data = bytearray(warc.read_bytes())
        data[target.offset + target.length // 2] ^= 0x01
        warc.write_bytes(bytes(data))
        doc = search(client, QUOTE)
        states = {c["record_id"]: c["status"] for c in doc["matches"][0]["captures"]}
        assert states[target.record_id] == "tampered" and doc["tampered"] is True
        assert list(states.values()).count("verified") == 1
        html = client.get("/", params={"q": QUOTE}).text
        assert "TAMPERED" in html and "not verified" in html
        page = client.get("/article", params={"url": PEACE}).text
        assert page.count(">TAMPERED<") == 2  # in the captures table and its citation heading
        shown = client.get("/capture", params={"id": target.record_id})
        assert shown.status_code == 200 and "TAMPERED" in shown.text
        raw = client.get("/capture/raw", params={"id": target.record_id})
        assert raw.status_code == 410 and "cannot be read" in raw.text


def test_unknown_routes_and_methods(client: httpx.Client) -> None:
    """Only the listed routes exist; a POST is refused; desk.css is served."""
    assert client.get("/etc/passwd").status_code == 404
    assert client.get("/..%2f..%2fetc%2fpasswd").status_code == 404
    assert client.post("/", data={"q": QUOTE}).status_code == 405
    css = client.get("/desk.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert re.search(r"\.badge", css.text)
