"""pywb for tests: a free port and a ``wayback`` process that is always stopped."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from archive import ReplaySetup
from archive.replay import find_wayback


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(setup: ReplaySetup) -> Iterator[ReplaySetup]:
    """pywb serving ``setup`` on 127.0.0.1 until the block ends (skipped without pywb)."""
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
                time.sleep(0.1)
        yield setup
    finally:
        proc.terminate()
        proc.wait(timeout=10)
