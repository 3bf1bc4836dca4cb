"""A real browser for tests: Debian's Chromium driven by Playwright, and ReplayWeb.page.

``make browsers`` installs both (Chromium and its driver with apt-get; ReplayWeb.page from the
npm registry at the version pinned in the Makefile, unpacked into ``.browsers/``); ``make
test`` runs it first. A test that needs them calls ``chromium()`` or ``replaywebpage_dir()``:
when something is missing they fail, naming the command that installs it. The one way to skip
them is ``SKIP_BROWSER_TESTS=1`` on a developer's machine; under CI (``CI`` set) they fail
anyway, so a missing browser never passes as a skipped feature.

``StaticSite`` serves a folder on 127.0.0.1 with HTTP range requests, which ReplayWeb.page
uses to read a WACZ piece by piece.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
REPLAYWEBPAGE = Path(os.environ.get("REPLAYWEBPAGE_DIR", ROOT / ".browsers" / "replaywebpage"))
CHROMIUM_ARGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", "--mute-audio",
)  # fmt: skip


def _missing(what: str) -> None:
    """Fail (or, opted out locally, skip) a test whose browser tooling is not installed."""
    message = f"{what} is not installed: run `make browsers`"
    if os.environ.get("SKIP_BROWSER_TESTS") == "1" and not os.environ.get("CI"):
        pytest.skip(f"{message} (SKIP_BROWSER_TESTS=1)")
    pytest.fail(message, pytrace=False)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium under Playwright (``playwright.sync_api.Browser``)."""
    if not CHROMIUM.is_file():
        _missing(f"Chromium ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright (the test extra)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def replaywebpage_dir() -> Path:
    """The unpacked ReplayWeb.page npm package (its ``ui.js`` and ``sw.js``)."""
    if not (REPLAYWEBPAGE / "ui.js").is_file() or not (REPLAYWEBPAGE / "sw.js").is_file():
        _missing(f"ReplayWeb.page ({REPLAYWEBPAGE})")
    return REPLAYWEBPAGE


class _RangeHandler(SimpleHTTPRequestHandler):
    """Static files with single byte ranges (``Range: bytes=a-b``), quietly."""

    def send_head(self) -> Any:
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if match is None or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first, last = match.groups()
        start = int(first) if first else max(size - int(last or 0), 0)
        end = min(int(last), size - 1) if first and last else size - 1
        if start > end:
            self.send_error(416)
            return None
        fh = path.open("rb")
        fh.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return fh

    def copyfile(self, source: Any, outputfile: Any) -> None:
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        outputfile.write(source.read(remaining))
        self._remaining = None
        return None

    def end_headers(self) -> None:
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_site(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 until the block ends; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_RangeHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def replay_page(folder: Path, wacz: Path, url: str, coll: str = "bundle") -> Path:
    """Lay out ``folder`` to show ``url`` from ``wacz`` in ReplayWeb.page's embed: its
    ``ui.js`` (twice: the embed's own frame loads it from ``replay/``), its service worker
    at ``replay/sw.js``, the bundle and ``index.html``."""
    rwp = replaywebpage_dir()
    (folder / "replay").mkdir(parents=True, exist_ok=True)
    shutil.copy(rwp / "ui.js", folder / "ui.js")
    shutil.copy(rwp / "ui.js", folder / "replay" / "ui.js")
    shutil.copy(rwp / "sw.js", folder / "replay" / "sw.js")
    shutil.copy(wacz, folder / "bundle.wacz")
    (folder / "index.html").write_text(
        "<!doctype html>\n<html><head><meta charset='utf-8'><script src='ui.js'></script>"
        "</head><body>\n"
        f"<replay-web-page source='bundle.wacz' url='{url}' coll='{coll}' embed='replayonly'"
        " style='display:block;height:700px'></replay-web-page>\n</body></html>\n",
        encoding="utf-8",
    )
    return folder / "index.html"
