"""The WARC files pass the strict readers people check archives with: warcio, FastWARC, warcat.

Each tool runs as its users run it, on a crawl of the sample site and on a daily archive with
revisits; the CDXJ index for pywb is byte for byte what cdxj-indexer writes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from archive import prepare_replay
from archive.scan import scan_file
from tests.samplesite import SampleSite
from tests.tools import run, tool


def warcs(archive: Path) -> list[Path]:
    """The archive's closed WARC files, oldest first."""
    files = sorted((archive / "warc").glob("*.warc.gz"))
    assert files
    return files


@pytest.fixture(params=["crawl", "daily"])
def archive(
    request: pytest.FixtureRequest,
    crawled_archive: Path,
    daily_archive: tuple[SampleSite, Path, str],
) -> Path:
    """A crawl of two listing pages, and two daily runs whose second stored revisits."""
    return crawled_archive if request.param == "crawl" else daily_archive[1]


def test_records_point_back_only(archive: Path) -> None:
    """A WARC-Concurrent-To or WARC-Refers-To names a record written before it; metadata
    records carry a block digest and no payload digest (they hold no HTTP message)."""
    seen: set[str] = set()
    metadata = 0
    for path in warcs(archive):
        for rec in scan_file(path):
            assert not rec.problems, rec.problems
            for link in ("WARC-Concurrent-To", "WARC-Refers-To"):
                if rec.header(link):
                    assert rec.header(link) in seen, (rec.rec_type, link)
            if rec.rec_type == "metadata":
                metadata += 1
                assert rec.header("WARC-Block-Digest") and rec.payload_digest is None
            seen.add(rec.record_id)
    assert metadata > 0


def test_warcio_check(archive: Path) -> None:
    """`warcio check` verifies every block and payload digest."""
    for path in warcs(archive):
        run(tool("warcio"), "check", str(path))


def test_fastwarc_check_with_payloads(crawled_archive: Path) -> None:
    """`fastwarc check -p` passes every record of a crawl, metadata records included."""
    for path in warcs(crawled_archive):
        run(tool("fastwarc"), "check", "-p", "-q", str(path))


def test_warcat_verify(crawled_archive: Path) -> None:
    """`warcat verify` passes a crawl: no record names one not yet seen, no crash."""
    output = run(sys.executable, "-m", "warcat", "verify", *map(str, warcs(crawled_archive)))
    assert "not seen yet" not in output and "Traceback" not in output


def failed_ids(*command: str) -> tuple[int, set[str], str]:
    """Exit code, the record ids a checker names as failed, and its output."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    output = done.stdout + done.stderr
    return done.returncode, set(re.findall(r"<urn:uuid:[0-9a-f-]+>", output)), output


def test_revisits_in_strict_readers(daily_archive: tuple[SampleSite, Path, str]) -> None:
    """A daily archive passes `fastwarc check` (block digests); `fastwarc check -p` and
    `warcat verify` fail its revisit records and nothing else: both hash a revisit's empty
    payload, while WARC 1.1 (6.7.2) has its WARC-Payload-Digest be the original's (their limit,
    in the README)."""
    files = warcs(daily_archive[1])
    revisits = {r.record_id for p in files for r in scan_file(p) if r.rec_type == "revisit"}
    assert revisits
    for path in files:
        run(tool("fastwarc"), "check", "-q", str(path))
        ids = {r.record_id for r in scan_file(path) if r.rec_type == "revisit"}
        code, failed, output = failed_ids(tool("fastwarc"), "check", "-p", str(path))
        assert failed == ids and code == (1 if ids else 0), output
    code, failed, output = failed_ids(sys.executable, "-m", "warcat", "verify", *map(str, files))
    assert code == 1 and failed == revisits, output
    assert output.count("VerifyProblem: ('Bad payload digest.") == len(revisits), output
    assert f"Problems: {len(revisits)}." in output and "not seen yet" not in output


def test_cdxj_is_what_cdxj_indexer_writes(crawled_archive: Path, tmp_path: Path) -> None:
    """prepare_replay's index.cdxj equals `cdxj-indexer --records response,revisit -s`."""
    setup = prepare_replay(crawled_archive)
    ours = setup.cdxj.read_text()
    files = [str(p) for p in warcs(crawled_archive)]
    theirs = run(
        tool("cdxj-indexer"), "--records", "response,revisit", "-s", "-o", str(tmp_path / "x"),
        *files,
    )  # fmt: skip
    assert "Traceback" not in theirs
    assert (tmp_path / "x").read_text() == ours
    assert ours.count("\n") > 20
