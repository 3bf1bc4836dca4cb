"""Faults the sample site can be told to commit, to test that a scraper survives them.

    site.inject("/news/x", faults.Status(503, times=2))   # two 503s, then the real page
    site.inject("/robots.txt", faults.Hang(5))             # no answer for 5 s
    site.clear_faults()
    refused_url()                                          # a URL on a port nobody listens on

A fault is keyed by request path (the query is ignored) and called with the request handler
before the site answers. It writes whatever it likes to the socket and returns True, or returns
False to let the site answer normally (a burst that is over). Faults that keep a connection
busy (``Drip``, ``Hang``, ``GzipBomb``, ``Endless``) stop as soon as the client hangs up, so the
server still shuts down promptly.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING, Protocol

from .server import chunk

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler


class Fault(Protocol):
    """Answer the request in some broken way (True), or let the site answer it (False)."""

    def __call__(self, h: BaseHTTPRequestHandler) -> bool: ...


def refused_url() -> str:
    """A base URL on 127.0.0.1 where connections are refused (the port was just closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _record(h: BaseHTTPRequestHandler, status: int) -> None:
    h.server.site.record(h.command, h.path, status, None)  # type: ignore[attr-defined]


def _head(h: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]]) -> None:
    _record(h, status)
    h.send_response(status)
    for name, value in headers:
        h.send_header(name, value)
    h.end_headers()


def _real_body(h: BaseHTTPRequestHandler) -> bytes:
    """The body the site would have sent for this request (decoded, not gzipped)."""
    resp = h.server.site.handle(h.command, h.path, {})  # type: ignore[attr-defined]
    return bytes(resp.body)


def _client_gone(h: BaseHTTPRequestHandler, wait: float) -> bool:
    """Wait up to ``wait`` seconds; True if the client closed the connection meanwhile."""
    try:
        ready, _, _ = select.select([h.connection], [], [], wait)
        return bool(ready) and h.connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _send(h: BaseHTTPRequestHandler, data: bytes) -> bool:
    """Write ``data``; False once the client has gone away."""
    try:
        h.wfile.write(data)
        h.wfile.flush()
    except OSError:
        return False
    return True


def _hang_up(h: BaseHTTPRequestHandler) -> None:
    h.close_connection = True
    with suppress(OSError):
        h.connection.shutdown(socket.SHUT_WR)


@dataclass
class Status:
    """Answer ``status`` (``times`` times, then normally; None = always), with Retry-After."""

    status: int
    times: int | None = None
    retry_after: float | None = None
    http_date: bool = False  # Retry-After as an HTTP-date instead of seconds
    served: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        with self._lock:
            if self.times is not None and self.served >= self.times:
                return False
            self.served += 1
        body = f"error {self.status}\n".encode()
        headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        if self.retry_after is not None:
            if self.http_date:
                when = datetime.now(UTC) + timedelta(seconds=self.retry_after)
                headers.append(("Retry-After", format_datetime(when, usegmt=True)))
            else:
                headers.append(("Retry-After", str(int(self.retry_after))))
        _head(h, self.status, headers)
        _send(h, body)
        return True


@dataclass
class Redirect:
    """Always redirect to ``location`` (relative or absolute)."""

    location: str
    status: int = 302

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        _head(h, self.status, [("Location", self.location), ("Content-Length", "0")])
        return True


@dataclass
class Body:
    """Answer 200 with these exact bytes and Content-Type (empty bodies, odd charsets)."""

    body: bytes
    content_type: str = "text/html; charset=UTF-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        heads = [("Content-Type", self.content_type), ("Content-Length", str(len(self.body)))]
        _head(h, 200, heads + self.headers)
        _send(h, self.body)
        return True


@dataclass
class Recode:
    """The real page, re-encoded to ``encoding`` and labelled with ``content_type``.

    ``Recode("windows-1251", "text/html; charset=windows-1251")`` is an honest legacy page;
    ``Recode("windows-1251", "text/html; charset=UTF-8")`` lies about its charset;
    ``Recode("utf-8", "text/html", garble=True)`` has no charset and invalid UTF-8 in it.
    """

    encoding: str
    content_type: str
    garble: bool = False
    extra: str = " Привет, Ереван — «Кавказ». "

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        text = _real_body(h).decode("utf-8").replace("<p>", "<p>" + self.extra, 1)
        body = text.encode(self.encoding, errors="xmlcharrefreplace")
        if self.garble:
            middle = len(body) // 2
            body = body[:middle] + b"\xff\xfe\xc3(\xa0\xa1" + body[middle:]
        return Body(body, self.content_type)(h)


@dataclass
class HalfBody:
    """Send the real page's headers with its full Content-Length, then half of it.

    ``reset=False`` then closes the connection cleanly (FIN); ``reset=True`` aborts it (RST).
    """

    reset: bool = False

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        body = _real_body(h)
        _head(h, 200, [("Content-Type", "text/html; charset=UTF-8"),
                       ("Content-Length", str(len(body)))])  # fmt: skip
        _send(h, body[: len(body) // 2])
        if self.reset:
            time.sleep(0.05)  # let the half body reach the client before the RST
            h.close_connection = True
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
        else:
            _hang_up(h)
        return True


@dataclass
class Drip:
    """Send headers promptly, then the real body one byte every ``interval`` seconds."""

    interval: float = 1.0

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        body = _real_body(h)
        _head(h, 200, [("Content-Type", "text/html; charset=UTF-8"),
                       ("Content-Length", str(len(body)))])  # fmt: skip
        for i in range(len(body)):
            if not _send(h, body[i : i + 1]) or _client_gone(h, self.interval):
                break
        _hang_up(h)
        return True


@dataclass
class Hang:
    """Read the request, then say nothing for up to ``seconds`` (or until the client leaves)."""

    seconds: float = 10.0

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        _record(h, 0)
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline and not _client_gone(h, 0.05):
            pass
        _hang_up(h)
        return True


def _bomb_blocks(expanded: int) -> Iterator[bytes]:
    """A gzip stream of ``expanded`` zero bytes, made from one compressed MiB repeated."""
    mib = 1 << 20
    zeros = bytes(mib)
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)  # same bytes every MiB
    tail = comp.flush(zlib.Z_FINISH)[:-8]  # end of the deflate stream, without the trailer
    n = max(2, expanded // mib)
    crc = zlib.crc32(zeros)
    yield first
    for _ in range(n - 1):  # the CRC is only worked out as far as a client reads
        crc = zlib.crc32(zeros, crc)
        yield block
    yield tail + struct.pack("<II", crc, (n * mib) & 0xFFFFFFFF)


@dataclass
class GzipBomb:
    """``Content-Encoding: gzip`` that expands to ``expanded`` bytes (4 GiB by default)."""

    expanded: int = 4 << 30

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        _head(h, 200, [("Content-Type", "text/html; charset=UTF-8"),
                       ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")])  # fmt: skip
        for block in _bomb_blocks(self.expanded):
            if not _send(h, b"%x\r\n%s\r\n" % (len(block), block)):
                break
        else:
            _send(h, b"0\r\n\r\n")
        _hang_up(h)
        return True


@dataclass
class Endless:
    """A chunked 200 that never ends (until the client hangs up)."""

    piece: bytes = b"<p>and more</p>\n" * 4096

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        _head(h, 200, [("Content-Type", "text/html; charset=UTF-8"),
                       ("Transfer-Encoding", "chunked")])  # fmt: skip
        framed = chunk(self.piece, len(self.piece))[: -len(b"0\r\n\r\n")]
        while _send(h, framed):
            pass
        _hang_up(h)
        return True


@dataclass
class HeaderDrip:
    """Send the status line, then the header block one byte every ``interval`` seconds."""

    interval: float = 0.5

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        _record(h, 200)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n"
        head += b"X-Padding: " + b"p" * 100_000 + b"\r\n\r\n"
        if not _send(h, head[:17]):
            return True
        for i in range(17, len(head)):
            if _client_gone(h, self.interval) or not _send(h, head[i : i + 1]):
                break
        _hang_up(h)
        return True


@dataclass
class EndlessHeaders:
    """Send the status line, then header lines for ever: one every ``interval`` seconds."""

    interval: float = 0.2

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        _record(h, 200)
        if not _send(h, b"HTTP/1.1 200 OK\r\n"):
            return True
        n = 0
        while not _client_gone(h, self.interval) and _send(h, b"X-More-%d: yes\r\n" % n):
            n += 1
        _hang_up(h)
        return True


@dataclass
class Slow:
    """Wait ``seconds``, then answer normally: a slow but working server."""

    seconds: float = 0.3

    def __call__(self, h: BaseHTTPRequestHandler) -> bool:
        _client_gone(h, self.seconds)
        return False


@contextmanager
def backlog_full() -> Iterator[str]:
    """A base URL whose server never accepts and whose accept queue is full: a connect to it
    waits until the client gives up (SYNs beyond the queue are dropped, not refused)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):  # enough to fill any queue length Linux grants to listen(0)
            c = socket.socket()
            c.setblocking(False)
            with suppress(BlockingIOError):
                c.connect(("127.0.0.1", port))
            fillers.append(c)
        time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        for c in fillers:
            c.close()
        server.close()


def gzip_size(expanded: int) -> int:
    """How many bytes ``GzipBomb(expanded)`` sends (for tests that compare to a cap)."""
    return sum(len(b) for b in _bomb_blocks(expanded))


__all__ = [
    "Body",
    "Drip",
    "Endless",
    "EndlessHeaders",
    "Fault",
    "GzipBomb",
    "HalfBody",
    "Hang",
    "HeaderDrip",
    "Recode",
    "Redirect",
    "Slow",
    "Status",
    "backlog_full",
    "gzip_size",
    "refused_url",
]
