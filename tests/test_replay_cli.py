"""`scrape replay` as a user runs it: pywb stops with it, a busy port is refused before
anything is served, a killed run's `.open` file is repaired first, a read-only archive replays
from a temporary folder, and the install hint is the README's."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from archive import closed_warcs, open_warcs, prepare_replay
from archive.replay import PYWB_REQUIREMENT, find_wayback, install_hint
from tests.provenance_archive import build_archive
from tests.pywb_server import free_port
from tests.readonly import read_only_copy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    build_archive(tmp_path / "archive")
    return tmp_path / "archive"


def answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_pywb_too(archive: Path, sig: signal.Signals) -> None:
    """`scrape replay` says "serving" once pywb answers; SIGTERM or SIGINT to it ends both it
    and pywb (exit 130), so the port is free again."""
    if find_wayback() is None:
        pytest.fail("pywb is part of the test extras: `make test` installs it")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from cli import main; main()", "replay", "--archive",
         str(archive), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("wrote 8 CDXJ lines to ")
        assert proc.stdout.readline().startswith(f"serving http://127.0.0.1:{port}/commonspace/")
        assert answers(port)  # said only once pywb answers
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert not answers(port)  # pywb is gone with it


def test_open_file_is_repaired_before_replay(archive: Path) -> None:
    """A `.open` file a killed run left is repaired (as any writer does) and replayed."""
    [warc] = closed_warcs(archive)
    warc.rename(warc.with_name(warc.name + ".open"))
    setup = prepare_replay(archive, 8099)
    assert open_warcs(archive) == [] and closed_warcs(archive) == [warc]
    assert setup.captures == 8 and any(n.startswith("repaired ") for n in setup.notes)


def test_read_only_archive_replays_from_a_temporary_folder(archive: Path) -> None:
    """On a read-only copy, `replay --print` writes its files to a temporary folder, says so,
    and its config points at the copy's WARC files."""
    with read_only_copy(archive) as ro:
        code, out, err = ro.run("replay", "--archive", ro.archive, "--print", "--port", "8099")
        assert code == 0, err
        match = re.search(r"the replay files are in (\S+)", err)
        assert match and not match.group(1).startswith(str(ro.archive))
        config = Path(match.group(1)) / "config.yaml"
        assert str(ro.archive / "warc") in config.read_text() and "wayback" in out
        shutil.rmtree(match.group(1))


def test_install_hint_is_the_readmes() -> None:
    """The hint printed without pywb is the command the README gives, for this interpreter,
    with the requirement pyproject's `replay` extra has."""
    readme = (ROOT / "README.md").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'replay = ["{PYWB_REQUIREMENT}"]' in pyproject
    assert install_hint() == f"{sys.executable} -m pip install '{PYWB_REQUIREMENT}'"
    assert f"python -m pip install '{PYWB_REQUIREMENT}'" in readme
