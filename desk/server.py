"""Two listening sockets, one uvicorn server: the desk on one port, archived pages on another.

``Desk(config)`` opens the archive (read-only: an unusable archive is reported before anything
listens) and binds both sockets; ``run()`` serves until Ctrl-C or SIGTERM. Requests are sent to
the desk app or the capture app by the port they came in on, so the two never share an origin.
"""

from __future__ import annotations

import errno
import ipaddress
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send

from core.errors import UsageError

from .app import create_app
from .config import DeskConfig
from .frame import create_frame_app
from .readers import Readers

# A search is a GET with the quote in the URL: h11's default of 16 KiB for a request line and
# headers would turn a long quote into a bare 400 before the desk could explain its limit.
MAX_REQUEST_HEAD = 256 * 1024


def bind(host: str, port: int, option: str = "--port") -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free one); UsageError if taken.

    ``host`` is an IPv4 address or ``localhost``: a name is never looked up (no DNS wait, and
    the address the desk is reachable on is the one the user typed). IPv6 is not served: the
    Host-header check (``app.allowed_hosts``) reads a bracketed address as a name."""
    address = "127.0.0.1" if host == "localhost" else host
    try:
        ipaddress.IPv4Address(address)
    except ValueError:
        raise UsageError(
            f"--host {host!r}: give an IPv4 address of this machine (127.0.0.1, 0.0.0.0, "
            "192.168.1.20 …)"
        ) from None
    family = socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this: uvicorn writes a response's head and body
        # separately, and with Nagle's algorithm on, the body waits for the client's delayed
        # ACK of the head — 40 ms added to every answer on Linux.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((address, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        why = "is in use" if exc.errno == errno.EADDRINUSE else f"is refused ({exc.strerror})"
        raise UsageError(f"port {port} on {host} {why}: choose another with {option}") from exc
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, stopped by Ctrl-C, SIGTERM or SIGHUP as the desk's normal end: it
    finishes the requests in flight and returns (``scrape serve`` exits 0). uvicorn's own
    handlers would re-raise the signal afterwards, ending the process by it."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signals reach the main thread only (the tests serve from a thread)
            return

        def stop(sig: int, frame: FrameType | None) -> None:
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True  # a second Ctrl-C: stop waiting for open connections
            self.should_exit = True

        stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        before = {sig: signal.signal(sig, stop) for sig in stops}
        try:
            yield
        finally:
            for sig, handler in before.items():
                signal.signal(sig, handler)


class Desk:
    """The desk, bound and ready to serve: ``url`` is what to open in a browser."""

    def __init__(self, config: DeskConfig) -> None:
        self.config = config
        self.readers = Readers(config.archive_dir, config.readers, config.reader_wait)
        self.readers.check()
        self.sockets: list[socket.socket] = []
        try:
            desk = bind(config.host, config.port)
            self.sockets.append(desk)
            frame = bind(config.host, config.capture_port, "--capture-port")
            self.sockets.append(frame)
        except BaseException:
            self.close()
            raise
        self.port = int(desk.getsockname()[1])
        self.capture_port = int(frame.getsockname()[1])
        self.desk_app = create_app(config, self.readers, self.capture_port)
        self.frame_app = create_frame_app(config, self.readers, self.port)

    @property
    def url(self) -> str:
        shown = "127.0.0.1" if self.config.host in ("0.0.0.0", "") else self.config.host
        return f"http://{shown}:{self.port}/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send each request to the app of the port it came in on."""
        server = scope.get("server") or (None, None)
        app = self.frame_app if server[1] == self.capture_port else self.desk_app
        await app(scope, receive, send)

    def server(self, **options: Any) -> uvicorn.Server:
        """The uvicorn server of both apps (run it with ``sockets=self.sockets``)."""
        config = uvicorn.Config(
            self, lifespan="off", access_log=False, log_level="warning",
            h11_max_incomplete_event_size=MAX_REQUEST_HEAD, server_header=False, **options,
        )  # fmt: skip
        return _Server(config)

    def run(self) -> None:
        """Serve until Ctrl-C or SIGTERM."""
        try:
            self.server().run(sockets=self.sockets)
        finally:
            self.close()

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()
        self.readers.close()


def serve(config: DeskConfig) -> None:
    """Bind and serve ``config`` in the foreground (``scrape serve``)."""
    Desk(config).run()
