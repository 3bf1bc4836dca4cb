"""A real HTTP/1.1 server for the sample site: threaded, keep-alive, gzip, chunked, 304s.

``serve_in_thread`` starts it on ``127.0.0.1:0`` and shuts it down cleanly: open keep-alive
connections are closed and every handler thread is joined, so tests that run with
``-W error`` see no ResourceWarning.
"""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .site import SampleSite

CHUNK_SIZE = 4096


def accepts_gzip(header: str | None) -> bool:
    """True if an ``Accept-Encoding`` value allows gzip (``gzip;q=0`` does not)."""
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            q = params.strip().lower()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def chunk(data: bytes, size: int = CHUNK_SIZE) -> bytes:
    """``data`` in HTTP/1.1 chunked framing, terminated by the zero-length chunk."""
    out = bytearray()
    for i in range(0, len(data), size):
        piece = data[i : i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    out += b"0\r\n\r\n"
    return bytes(out)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are dropped after this many seconds
    server: _Server

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and
        # delayed ACKs add ~40 ms to every keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _respond(self, send_body: bool) -> None:
        site = self.server.site
        fault = site.fault_for(self.path)
        if fault is not None and fault(self):
            return
        try:
            resp = site.handle(self.command, self.path, self.headers)
        except Exception as exc:  # a bug in the sample site: say so instead of hanging up
            msg = f"sample site error: {exc!r}\n".encode()
            self.send_response(500)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
            site.record(self.command, self.path, 500, msg)
            return
        payload = resp.body
        use_gzip = resp.gzip and accepts_gzip(self.headers.get("Accept-Encoding"))
        if use_gzip and resp.status == 200:
            payload = gzip.compress(payload, compresslevel=6, mtime=0)
        chunked = resp.chunked and self.request_version == "HTTP/1.1"
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        for name, value in resp.headers:
            self.send_header(name, value)
        if resp.gzip:
            self.send_header("Vary", "Accept-Encoding")
        has_body = resp.status not in (204, 304)
        if has_body:
            if use_gzip:
                self.send_header("Content-Encoding", "gzip")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(len(payload)))
        # Record before the last byte goes out, so a client that has read the response
        # always finds it in the log.
        site.record(
            self.command, self.path, resp.status, resp.body if self.command == "GET" else None
        )
        self.end_headers()
        if has_body and send_body:
            self.wfile.write(chunk(payload) if chunked else payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handler threads
    block_on_close = True

    def __init__(self, address: tuple[str, int], site: SampleSite) -> None:
        self.site = site
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections so they can exit."""
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


@contextmanager
def serve_in_thread(site: SampleSite, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run the site's server in a background thread; yield its base URL; stop it cleanly."""
    server = _Server((host, port), site)
    base = f"http://{host}:{server.server_address[1]}"
    site.base_url = base
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"samplesite-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.drop_connections()
        server.server_close()
        thread.join()
