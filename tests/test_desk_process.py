"""`scrape serve` as a process, as a journalist starts it: where it listens, what it warns,
how it stops, what no request path can reach, and serving while `scrape daily` writes to the
same archive from another process."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from archive import Index, verify_archive
from desk import Desk, DeskConfig
from scraper.config import CrawlConfig
from scraper.crawl import run_section
from tests.desk_server import running, unique_quote
from tests.provenance_archive import build_archive
from tests.samplesite import SampleSite, SiteConfig

ROOT = Path(__file__).resolve().parent.parent
READY = re.compile(r"provenance desk on (http://\S+/) \(archived pages on port (\d+)\)")


@contextmanager
def serving(archive: Path, *options: str) -> Iterator[tuple[subprocess.Popen[str], str, int]]:
    """``scrape serve --archive ARCHIVE --port 0 OPTIONS`` in a process of its own: (the
    process, the desk's URL it printed, the capture port); stopped with SIGTERM."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--archive", str(archive), "--port", "0",
         *options], cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = READY.search(line)
        assert found, line + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        yield proc, found.group(1), int(found.group(2))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    """SIGTERM ``proc``; (its exit code, what it wrote on stderr)."""
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    return proc.returncode, err


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("served") / "archive"
    build_archive(path)
    return path


def test_it_listens_on_127_0_0_1_only_and_stops_on_sigterm(archive: Path) -> None:
    """By default both sockets are bound to 127.0.0.1 (not to every address, and without
    Nagle's delay), nothing is warned, the printed URL answers, and SIGTERM ends the process
    with 0 and no traceback."""
    desk = Desk(DeskConfig(archive, port=0))
    try:
        assert [s.getsockname()[0] for s in desk.sockets] == ["127.0.0.1", "127.0.0.1"]
        # answers are not held back 40 ms by Nagle's algorithm (accepted sockets inherit it)
        assert all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in desk.sockets)
    finally:
        desk.close()
    with serving(archive) as (proc, url, capture_port):
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url, timeout=30).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{capture_port}/", timeout=30).status_code == 404
        code, err = stop(proc)
    assert code == 0 and "Traceback" not in err and "warning" not in err, err


def test_any_other_address_is_warned_about(archive: Path) -> None:
    """--host 0.0.0.0 listens on every address, as asked, and says on stderr that anyone who
    can reach the machine can read the archive."""
    with serving(archive, "--host", "0.0.0.0") as (proc, url, _):
        assert httpx.get(url, timeout=30).status_code == 200
        code, err = stop(proc)
    assert code == 0
    (line,) = [x for x in err.splitlines() if x.strip()]
    assert line.startswith("warning: listening on 0.0.0.0") and "anyone" in line


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """(status, whole response) of ``GET target`` sent as typed: no client normalises it."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     "Connection: close\r\n\r\n".encode())  # fmt: skip
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


TRAVERSALS = (
    "/../../../../etc/passwd", "/desk.css/../../pyproject.toml", "//etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd", "/static/../index.sqlite", "/templates/base.html",
    "/capture/raw?id=../../index.sqlite", "/capture/warc?id=/etc/passwd",
    "/capture?id=..%2F..%2Findex.sqlite", "/bundle?url=file:///etc/passwd",
    "/article?url=../../../etc/passwd", "/?id=../index.sqlite",
)  # fmt: skip


def test_no_request_path_reaches_a_file(archive: Path) -> None:
    """Paths and query values that name files — climbing out with .., absolute, encoded —
    get 400 or 404 from both ports (the desk's start page ignores an ``id``) and never a byte
    of the file they name."""
    secrets = (b"root:", b"SQLite format 3", b"[project]", b"{% block")
    with running(archive) as desk:
        for port in (desk.port, desk.capture_port):
            for target in TRAVERSALS:
                status, data = raw_get(port, target)
                if port == desk.port and target.startswith("/?"):
                    assert status == 200 and b"Where did this sentence" in data  # the start page
                else:
                    assert status in (400, 404), (port, target, status)
                assert not [s for s in secrets if s in data], (port, target)


def test_serving_while_daily_writes(tmp_path: Path) -> None:
    """`scrape daily` adds to the archive from another process while the desk answers
    searches on it: every answer is whole (200, every capture verified, never a 500), the
    writer is never blocked (exit 0, archive verifies), and what it added is found at once,
    without restarting the desk."""
    site = SampleSite(SiteConfig(seed=5, n_articles=24, per_page=8))
    archive = tmp_path / "archive"
    with site.serve() as base:
        run_section(CrawlConfig(archive, base, pages=1, delay=0), f"{base}/region/south-caucasus")
        with Index.open_readonly(archive) as index:
            before = frozenset(a["url"] for a in index.latest_articles())
        doc, text = unique_quote(archive)
        with serving(archive) as (proc, url, _), httpx.Client(base_url=url, timeout=60) as client:
            daily = subprocess.Popen(
                [sys.executable, "-m", "cli", "daily", "--base-url", base, "--archive",
                 str(archive), "--delay", "0.1"], cwd=ROOT, text=True,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )  # fmt: skip
            answers = 0
            while daily.poll() is None:
                r = client.get("/", params={"q": text, "format": "json"})
                assert r.status_code == 200, r.text
                best = r.json()["matches"][0]
                assert best["url"] == doc["url"] and best["verified"], best
                page = client.get("/article", params={"url": doc["url"]})
                assert page.status_code == 200 and "every capture verified" in page.text
                answers += 1
            out, err = daily.communicate()
            assert daily.returncode == 0, out + err
            assert answers >= 3, "the desk answered too few searches while daily ran"
            with Index.open_readonly(archive) as index:
                assert len(list(index.latest_articles())) > len(before)
            new_doc, new_text = unique_quote(archive, besides=before)
            found = client.get("/", params={"q": new_text, "format": "json"}).json()
            assert found["matches"][0]["url"] == new_doc["url"] and not found["tampered"]
            code, serve_err = stop(proc)
    assert code == 0 and "Traceback" not in serve_err, serve_err
    assert verify_archive(archive).ok
