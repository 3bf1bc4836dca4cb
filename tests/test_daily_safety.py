"""`scrape daily` unattended: killed with SIGKILL and resumed, SIGTERM, two runs at once, a full
disk, torn WARC files. Runs are subprocesses against a dedicated sample site."""

from __future__ import annotations

import base64
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive import Index, closed_warcs, open_warcs, verify_archive
from archive.lock import ArchiveLock
from archive.repair import repair_open_warcs
from cli import app
from core.errors import EXIT_INTERRUPTED, EXIT_LOCKED
from tests.samplesite import SampleSite, SiteConfig
from tests.samplesite.faults import Body

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return SampleSite(SiteConfig(seed=5, n_articles=24, per_page=8))


@pytest.fixture(scope="module")
def base(site: SampleSite) -> Iterator[str]:
    with site.serve() as url:
        yield url


def start(base: str, archive: Path, delay: str = "0.02", prelude: str = "") -> subprocess.Popen:
    script = prelude + textwrap.dedent(f"""
        import sys
        from cli import main
        sys.argv = ["scrape", "daily", "--base-url", {base!r}, "--archive", {str(archive)!r},
                    "--delay", {delay!r}]
        main()
    """)
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_for_requests(site: SampleSite, before: int, n: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while len(site.request_log) - before < n:
        if proc.poll() is not None:
            pytest.fail("the run ended early: " + "".join(proc.communicate()))
        assert time.monotonic() < deadline, "the run made too few requests"
        time.sleep(0.005)


def stored(archive: Path) -> dict[str, int]:
    """Each article URL in the index with its number of versions."""
    with Index.open(archive) as index:
        return {a["url"]: len(index.versions(a["url"])) for a in index.latest_articles()}


def test_sigkill_at_several_points_then_resume(site: SampleSite, base: str, tmp_path: Path) -> None:
    """Killed three times mid-run: each restart repairs, the last run completes; nothing lost,
    nothing twice, `scrape verify` clean."""
    archive = tmp_path / "archive"
    for point in (3, 14, 30):
        before = len(site.request_log)
        proc = start(base, archive)
        wait_for_requests(site, before, point, proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        assert not (archive / "aside").exists() or not any((archive / "aside").iterdir())
    done = subprocess.run(
        [sys.executable, "-m", "cli", "daily", "--base-url", base, "--archive", str(archive),
         "--delay", "0"], cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert open_warcs(archive) == []
    versions = stored(archive)
    listed = {a.url_path for slug in site.listing_slugs() for a in site.section_articles(slug)}
    assert {u.removeprefix(base) for u in versions} >= listed
    assert set(versions.values()) == {1}
    report = verify_archive(archive)
    assert report.ok, report.problems
    again = CliRunner().invoke(app, ["daily", "--base-url", base, "--archive", str(archive),
                                     "--delay", "0"])  # fmt: skip
    assert again.exit_code == 0 and again.output.startswith("new=0 "), again.output


def test_torn_open_file_is_cut_back_and_closed(tmp_path: Path, base: str) -> None:
    """A leftover .open file with a torn last record is cut to its last whole record."""
    archive = tmp_path / "archive"
    result = CliRunner().invoke(
        app, ["daily", "--base-url", base, "--archive", str(archive), "--delay", "0",
              "--section", "voices"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (warc,) = closed_warcs(archive)
    size = warc.stat().st_size
    torn = warc.with_name(warc.name + ".open")
    warc.rename(torn)
    with torn.open("r+b") as fh:
        fh.truncate(size - 7)
    (repair,) = repair_open_warcs(archive)
    assert repair.action == "repaired" and repair.cut_bytes > 0
    assert closed_warcs(archive) == [warc] and warc.stat().st_size < size
    junk = archive / "warc" / "commonspace-20200101000000000000-00099-x.warc.gz.open"
    junk.write_bytes(b"not gzip at all")
    (aside,) = repair_open_warcs(archive)
    assert aside.action == "set aside" and not junk.exists()
    assert (archive / "aside" / junk.name).is_file()


def test_second_run_exits_with_the_lock_code_and_sigterm_stops_cleanly(
    site: SampleSite, base: str, tmp_path: Path
) -> None:
    """While a run holds the archive, a second one exits 4 at once; SIGTERM then ends the first
    with 130 after closing its files."""
    archive = tmp_path / "archive"
    before = len(site.request_log)
    proc = start(base, archive, delay="0.05")
    wait_for_requests(site, before, 3, proc)
    result = CliRunner().invoke(app, ["daily", "--base-url", base, "--archive", str(archive)])
    assert result.exit_code == EXIT_LOCKED, result.output
    assert "another scrape run (pid" in result.output
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == EXIT_INTERRUPTED, out + err
    assert "Traceback" not in err and out.startswith("new=")
    assert open_warcs(archive) == []
    assert verify_archive(archive).ok
    with ArchiveLock(archive):  # released: a killed or finished run leaves no lock behind
        pass


FULL_DISK = """
import resource, signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))
"""


def test_full_disk_stops_cleanly_and_next_run_resumes(
    site: SampleSite, base: str, tmp_path: Path
) -> None:
    """A WARC write failing (a 3 MB page against a 2 MB file-size limit): exit 3 naming the
    disk, files closed and valid, the index unadvanced, and the next run finishes the job."""
    archive = tmp_path / "archive"
    first = CliRunner().invoke(app, ["daily", "--base-url", base, "--archive", str(archive),
                                     "--delay", "0", "--section", "voices"])  # fmt: skip
    assert first.exit_code == 0, first.output
    before = stored(archive)
    big = site.add_article(title="An enormous page", section="opinion")
    noise = base64.b64encode(random.Random(1).randbytes(2_400_000))
    site.inject(big.url_path, Body(b"<html><body><h1>Enormous</h1><p>" + noise + b"</p></body>"))
    try:
        proc = start(base, archive, delay="0", prelude=FULL_DISK)
        out, err = proc.communicate(timeout=60)
    finally:
        site.clear_faults()
    assert proc.returncode == 3, out + err
    assert "Traceback" not in err and "disk full" in err and "cannot write WARC record" in err
    assert open_warcs(archive) == []
    assert verify_archive(archive).ok
    partial = stored(archive)  # verify above: every index pointer is to bytes on disk
    assert base + big.url_path not in partial and set(before) <= set(partial)
    result = CliRunner().invoke(app, ["daily", "--base-url", base, "--archive", str(archive),
                                      "--delay", "0"])  # fmt: skip
    assert result.exit_code == 0, result.output
    after = stored(archive)
    assert base + big.url_path in after and set(after.values()) == {1}
    assert verify_archive(archive).ok
    shutil.rmtree(archive)


def test_lock_is_exclusive_within_one_process(tmp_path: Path) -> None:
    """Two ArchiveLocks on one archive: the second raises ArchiveLocked with exit code 4."""
    from core.errors import ArchiveLocked

    with ArchiveLock(tmp_path), pytest.raises(ArchiveLocked) as info:
        ArchiveLock(tmp_path).acquire()
    assert info.value.exit_code == EXIT_LOCKED and str(os.getpid()) in str(info.value)
