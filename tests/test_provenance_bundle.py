"""archive.bundle and archive.cdxj: a WACZ evidence package that checks itself."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from archive import build_bundle, surt, verify_wacz
from archive.cdxj import parse_cdxj_line
from core.errors import ArchiveError, UsageError
from tests.provenance_archive import ANALYSIS, PEACE, build_archive
from tests.tools import wacz_validate


@pytest.fixture
def wacz(tmp_path: Path) -> Path:
    """The bundle of the article with two versions."""
    build_archive(tmp_path / "archive")
    build_bundle(tmp_path / "archive", PEACE, tmp_path / "peace.wacz")
    return tmp_path / "peace.wacz"


def test_layout_and_hashes(wacz: Path) -> None:
    """The WACZ holds the spec's files, each listed in datapackage.json with its SHA-256."""
    with zipfile.ZipFile(wacz) as zf:
        names = set(zf.namelist())
        package = json.loads(zf.read("datapackage.json"))
        digest = json.loads(zf.read("datapackage-digest.json"))
        assert names == {
            "archive/data.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl",
            "article/article.json",
            "datapackage.json", "datapackage-digest.json",
        }  # fmt: skip
        assert package["profile"] == "data-package" and package["wacz_version"] == "1.1.1"
        assert package["mainPageURL"] == PEACE
        for res in package["resources"]:
            content = zf.read(res["path"])
            assert res["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
            assert res["bytes"] == len(content)
        assert digest["hash"] == "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest()
        assert json.loads(zf.read("article/article.json"))["url"] == PEACE
        assert package["mainPageDate"] == "2024-05-01T13:00:00.000000Z"


def test_records_and_cdxj(wacz: Path, tmp_path: Path) -> None:
    """data.warc.gz holds each capture with its request and metadata; CDXJ points at them."""
    with zipfile.ZipFile(wacz) as zf:
        data = zf.read("archive/data.warc.gz")
        lines = zf.read("indexes/index.cdxj").decode().splitlines()
        pages = zf.read("pages/pages.jsonl").decode().splitlines()
    (tmp_path / "data.warc.gz").write_bytes(data)
    check = subprocess.run(
        [sys.executable, "-c", "import sys; from warcio.cli import main; main(sys.argv[1:])",
         "check", str(tmp_path / "data.warc.gz")], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert len(lines) == 3 and len(pages) == 4
    key, stamp, fields = parse_cdxj_line(lines[0])
    assert key == "eu,commonspace)/news/peace-talks" and stamp == "20240501130000"
    assert fields["filename"] == "data.warc.gz" and fields["status"] == "200"
    assert data[int(fields["offset"]) : int(fields["offset"]) + 2] == b"\x1f\x8b"


def test_wacz_validate(wacz: Path) -> None:
    """py-wacz's `wacz validate` passes the bundle: every file listed, every hash right."""
    wacz_validate(wacz)


def test_bundle_of_an_earlier_version_still_verifies(wacz: Path, tmp_path: Path) -> None:
    """A bundle with article.json at the zip's root (as written before) verifies clean."""
    old = tmp_path / "old.wacz"
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(old, "w") as dst:
        package = json.loads(src.read("datapackage.json"))
        for res in package["resources"]:
            if res["path"] == "article/article.json":
                res["path"] = "article.json"
        body = json.dumps(package).encode()
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(body).hexdigest()}
        for item in src.infolist():
            content = {"datapackage.json": body, "datapackage-digest.json": json.dumps(digest)}
            name = "article.json" if item.filename == "article/article.json" else item.filename
            dst.writestr(name, content.get(item.filename, src.read(item)))
    report = verify_wacz(old)
    assert report.ok, report.problems
    assert report.versions == 1


def test_verify_wacz(wacz: Path) -> None:
    """verify_wacz passes an untouched bundle and counts what it checked."""
    report = verify_wacz(wacz)
    assert report.ok, report.problems
    assert (report.files, report.records, report.captures) == (4, 10, 3)


def test_tampered_wacz(wacz: Path, tmp_path: Path) -> None:
    """Replacing the article JSON inside the bundle is caught by the datapackage hashes."""
    forged = tmp_path / "forged.wacz"
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(forged, "w") as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "article/article.json":
                content = content.replace(b"Geneva", b"Vienna")
            dst.writestr(item, content)
    problems = verify_wacz(forged).problems
    assert any(p.where == "article/article.json" and p.kind == "tampered" for p in problems)
    assert any("no metadata record" in p.what for p in problems)


def test_bad_bundle_input(tmp_path: Path) -> None:
    """Unknown URL, missing file and a non-ZIP file are clear errors."""
    build_archive(tmp_path / "a")
    with pytest.raises(UsageError, match="not in the archive"):
        build_bundle(tmp_path / "a", PEACE + "-nope", tmp_path / "x.wacz")
    with pytest.raises(ArchiveError, match="no such file"):
        verify_wacz(tmp_path / "missing.wacz")
    (tmp_path / "junk.wacz").write_bytes(b"junk")
    with pytest.raises(ArchiveError, match="not a WACZ"):
        verify_wacz(tmp_path / "junk.wacz")


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.commonspace.eu/news/x", "eu,commonspace)/news/x"),
        ("http://127.0.0.1:8123/a?b=2&a=1", "1,0,0,127:8123)/a?a=1&b=2"),
        ("https://WWW2.Example.com:443/P", "com,example)/p"),
    ],
)
def test_surt(url: str, key: str) -> None:
    """SURT keys follow the canonical form pywb looks captures up by."""
    assert surt(url) == key


def test_damage_elsewhere_does_not_stop_a_bundle(tmp_path: Path) -> None:
    """A flipped byte in another article's response: the bundle of this one is built and
    verifies; a flipped byte in one of this article's records refuses the bundle in one line."""
    caps = build_archive(tmp_path / "a")
    warc = tmp_path / "a" / "warc" / caps["analysis"].warc_file
    data = bytearray(warc.read_bytes())
    data[caps["analysis"].offset + caps["analysis"].length // 2] ^= 0x01
    warc.write_bytes(bytes(data))
    report = build_bundle(tmp_path / "a", PEACE, tmp_path / "peace.wacz")
    assert report.captures == 3 and verify_wacz(tmp_path / "peace.wacz").ok
    with pytest.raises(ArchiveError, match="run `scrape verify`"):
        build_bundle(tmp_path / "a", ANALYSIS, tmp_path / "analysis.wacz")
