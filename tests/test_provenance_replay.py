"""archive.replay: pywb serves an archived article back byte for byte in id_ mode."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from archive import ReplaySetup, prepare_replay
from archive.cdxj import parse_cdxj_line
from archive.replay import find_wayback
from tests.provenance_archive import PEACE, articles, build_archive, html


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def setup(tmp_path: Path) -> ReplaySetup:
    """The sample archive prepared for replay."""
    build_archive(tmp_path / "archive")
    return prepare_replay(tmp_path / "archive", free_port())


def test_prepare_writes_cdxj_and_config(setup: ReplaySetup) -> None:
    """prepare_replay writes a sorted CDXJ of every response and a pywb config."""
    lines = setup.cdxj.read_text().splitlines()
    assert len(lines) == setup.captures == 8 and lines == sorted(lines)
    assert {parse_cdxj_line(line)[2]["filename"] for line in lines} == {
        p.name for p in (setup.root.parent / "warc").iterdir()
    }
    assert '"commonspace"' in setup.config.read_text()
    assert "wayback" in setup.instructions and "127.0.0.1" in setup.instructions


@pytest.fixture
def pywb(setup: ReplaySetup) -> Iterator[ReplaySetup]:
    """pywb serving the sample archive on 127.0.0.1 (skipped when pywb is not installed)."""
    if find_wayback() is None:
        pytest.skip("pywb is not installed (pip install '.[replay]')")
    proc = subprocess.Popen(
        setup.command, cwd=setup.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(setup.url(), timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield setup
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_pywb_replays_article_byte_for_byte(pywb: ReplaySetup) -> None:
    """Both versions of an article come back from pywb in id_ mode exactly as archived."""
    first, *_, edited = articles()
    for stamp, article in (("20240501130000", first), ("20240501170000", edited)):
        response = httpx.get(pywb.url(stamp, PEACE, "id_"), timeout=10)
        assert response.status_code == 200
        assert response.content == html(article)
