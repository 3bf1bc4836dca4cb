"""Bad input from users: one clear line, a distinct exit code, nothing half-written left behind.

(An unknown section, a negative delay and an archive that is a file are covered in
``test_crawl_e2e.py``.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive import iter_records
from cli import app
from tests.samplesite import SampleSite

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:")]


def test_url_on_another_site_is_refused_before_anything(tmp_path: Path) -> None:
    """`scrape article` with another site's URL: exit 2, no archive created, nothing fetched."""
    archive = tmp_path / "archive"
    code, output = run_cli("article", "https://example.org/news/x", "--archive", str(archive))
    assert code == 2, output
    (line,) = error_lines(output)
    assert "https://example.org/news/x" in line and "--base-url" in line
    assert not archive.exists()
    assert "robots" not in output


@pytest.mark.parametrize("ua", ["", "bot\r\nX-Evil: 1"])
def test_bad_user_agent_is_a_usage_error(tmp_path: Path, ua: str) -> None:
    """An empty or multi-line --user-agent is refused with exit code 2."""
    code, output = run_cli("section", "voices", "--user-agent", ua, "--archive", str(tmp_path))
    assert code == 2, output
    assert "--user-agent" in error_lines(output)[0]


def test_user_agent_option_is_sent_and_archived(site_url: str, tmp_path: Path) -> None:
    """--user-agent replaces the default in every request, and the WARC shows it."""
    ua = "my-research-bot/2.0 (+mailto:me@example.org)"
    code, output = run_cli(
        "article", site_url + "/node/1", "--base-url", site_url, "--archive",
        str(tmp_path / "a"), "--delay", "0", "--user-agent", ua,
    )  # fmt: skip
    assert code in (0, 1), output
    sent = {
        r.http_header("User-Agent")
        for p in (tmp_path / "a" / "warc").iterdir()
        for r in iter_records(p)
        if r.rec_type == "request"
    }
    assert sent == {ua}


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in: a 0555 folder, or (as root, whom
    permissions do not stop) ``/sys/kernel`` of the read-only sysfs."""
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    folder = Path("/sys/kernel")
    try:
        (folder / "probe").write_bytes(b"")
    except OSError:
        return folder
    raise AssertionError("/sys/kernel is writable here: no read-only folder to test with")


def test_read_only_archive(site_url: str, tmp_path: Path) -> None:
    """A read-only archive folder: exit 3 with one line naming the path."""
    archive = unwritable_folder(tmp_path)
    try:
        code, output = run_cli(
            "section", "voices", "--base-url", site_url, "--archive", str(archive), "--delay", "0"
        )
    finally:
        if archive.is_relative_to(tmp_path):
            archive.chmod(0o755)
    assert code == 3, output
    assert str(archive) in error_lines(output)[0]


def test_archive_inside_a_file_is_refused(site_url: str, tmp_path: Path) -> None:
    """An --archive path below a regular file: exit 3, one line naming the path."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, output = run_cli(
        "section", "voices", "--base-url", site_url, "--archive", str(blocker / "archive"),
        "--delay", "0",
    )  # fmt: skip
    assert code == 3, output
    (line,) = error_lines(output)
    assert str(blocker) in line


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
from cli import main
sys.argv = ["scrape", "section", "voices", "--base-url", {base!r}, "--archive", {archive!r},
            "--delay", "0"]
main()
"""


def test_full_disk_stops_cleanly(sample_site: SampleSite, site_url: str, tmp_path: Path) -> None:
    """Writes failing mid-crawl: exit 3, one line saying the disk may be full, files intact."""
    archive = tmp_path / "archive"
    script = FULL_DISK.format(limit=300_000, base=site_url, archive=str(archive))
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    (line,) = error_lines(done.stderr)
    assert "disk full" in line and str(archive) in line
    leftovers = [p for p in archive.rglob("*") if p.name.endswith((".open", ".tmp", ".part"))]
    assert leftovers == []
    warcio = Path(sys.executable).with_name("warcio")
    for warc in (archive / "warc").iterdir():
        check = subprocess.run([str(warcio), "check", str(warc)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
    kept = list((archive / "articles").rglob("*.json"))
    assert kept  # articles stored before the disk filled up are all there
    code, output = run_cli("reindex", "--archive", str(archive))
    assert code == 0, output
