"""Revisits written by `scrape daily` (after a 304) replay as the original, verify, and bundle."""

from __future__ import annotations

import zipfile
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

import httpx

from archive import Index, iter_records, prepare_replay, verify_archive
from archive.bundle import build_bundle, verify_wacz
from archive.cdxj import parse_cdxj_line
from archive.reader import WarcRecord
from archive.verify import VerifyReport, check_revisits, scan_records
from tests.pywb_server import free_port, serving
from tests.samplesite import SampleSite
from tests.tools import wacz_validate


def records(archive: Path, rec_type: str) -> list[WarcRecord]:
    paths = sorted((archive / "warc").glob("*.warc.gz"))
    return [r for p in paths for r in iter_records(p) if r.rec_type == rec_type]


def test_revisit_after_304_holds_the_original_response_headers(
    daily_archive: tuple[SampleSite, Path, str],
) -> None:
    """A 304 revisit stores the original's 200 headers freshened by the 304; the event the 304."""
    _site, archive, _base = daily_archive
    revisit = records(archive, "revisit")[0]
    originals = {r.record_id: r for r in records(archive, "response")}
    original = originals[revisit.header("WARC-Refers-To") or ""]
    assert revisit.http_status == 200 and revisit.body == b""
    assert revisit.header("WARC-Payload-Digest") == original.header("WARC-Payload-Digest")
    for name in ("Content-Encoding", "Content-Length", "X-Orig-Transfer-Encoding", "ETag"):
        assert revisit.http_header(name) == original.http_header(name)
    events = [r.body for r in records(archive, "metadata") if b'"kind":"revisit"' in r.body]
    assert events and all(b'"not_modified":{"status":304' in e for e in events)


def test_pywb_replays_a_revisit_as_the_original(
    daily_archive: tuple[SampleSite, Path, str],
) -> None:
    """pywb serves the revisit's timestamp in id_ mode with the original's bytes."""
    site, archive, base = daily_archive
    setup = prepare_replay(archive, free_port())
    lines = [parse_cdxj_line(line) for line in setup.cdxj.read_text().splitlines()]
    revisit_lines = [(stamp, f) for _, stamp, f in lines if f["mime"] == "warc/revisit"]
    assert len(revisit_lines) == len(records(archive, "revisit"))
    by_id = {r.record_id: r for r in records(archive, "revisit")}
    rec = next(iter(by_id.values()))
    stamp, fields = next((s, f) for s, f in revisit_lines if f["offset"] == str(rec.offset))
    assert fields["digest"] == rec.header("WARC-Payload-Digest") and fields["status"] == "200"
    path = fields["url"].removeprefix(base)
    with serving(setup) as pywb:
        response = httpx.get(pywb.url(stamp, fields["url"], "id_"), timeout=10)
    assert response.status_code == 200
    assert response.content == site.served_bodies[path][0]
    when = datetime.fromisoformat((rec.date or "").replace("Z", "+00:00")).replace(microsecond=0)
    assert response.headers["Memento-Datetime"] == format_datetime(when, usegmt=True)


def test_verify_and_bundle_carry_revisits(
    daily_archive: tuple[SampleSite, Path, str], tmp_path: Path
) -> None:
    """verify checks revisits; a bundle holds the revisit, its original, and verifies clean
    (ours and py-wacz's `wacz validate`)."""
    _site, archive, _base = daily_archive
    report = verify_archive(archive)
    assert report.ok, report.problems
    rec = records(archive, "revisit")[0]
    url = rec.target_uri or ""
    with Index.open(archive) as index:
        assert index.revisits(url)
    bundle = build_bundle(archive, url, tmp_path / "a.wacz")
    assert verify_wacz(bundle.path).ok
    wacz_validate(bundle.path)
    with zipfile.ZipFile(bundle.path) as zf:
        cdxj = zf.read("indexes/index.cdxj").decode()
    assert '"mime": "warc/revisit"' in cdxj and '"mime": "text/html"' in cdxj


def test_verify_reports_a_revisit_whose_original_is_gone(
    daily_archive: tuple[SampleSite, Path, str],
) -> None:
    """A revisit record referring to a response the archive lacks is a problem."""
    _site, archive, _base = daily_archive
    report = VerifyReport(str(archive))
    by_id = scan_records(report, sorted((archive / "warc").glob("*.warc.gz"))).by_id
    rec = records(archive, "revisit")[0]
    del by_id[rec.header("WARC-Refers-To") or ""]
    check_revisits(report, by_id, ())
    assert any("not in the archive" in p.what for p in report.problems)
