"""Fetching pages politely and faithfully.

``Fetcher.fetch(url)`` issues a GET through the ``httpx.Client`` it was given, follows redirects
by hand (each hop is its own ``Exchange``, so each lands in the WARC), retries 429/5xx and
connection errors with backoff, caps size and time per response, and returns every exchange
it made together with the decoded body of the last one.

The raw entity body comes from ``Response.iter_raw()``: content-encoding (gzip) intact,
chunking removed — exactly what the archive stores. Decoding for the parser happens here, with a
size cap so that a gzip bomb cannot blow up memory.
"""

from __future__ import annotations

import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from core.errors import FetchError, OffSiteError
from core.model import Exchange

from .config import CrawlConfig
from .sitepolicy import SitePolicy
from .transport import peer_address

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Fetched:
    """The outcome of fetching one URL: every exchange made, and the final decoded body."""

    url: str
    final_url: str
    exchanges: tuple[Exchange, ...]
    body: bytes

    @property
    def final(self) -> Exchange:
        return self.exchanges[-1]

    @property
    def status(self) -> int:
        return self.final.status


class FetchFailed(FetchError):
    """All tries failed; ``exchanges`` holds what was received on the way (still archived)."""

    def __init__(
        self,
        url: str,
        message: str,
        status: int | None = None,
        exchanges: tuple[Exchange, ...] = (),
    ) -> None:
        super().__init__(url, message, status)
        self.exchanges = exchanges


class RedirectRefused(FetchFailed, OffSiteError):
    """A redirect leads off the site; ``exchanges`` holds the hops up to it (still archived)."""


@dataclass
class Gate:
    """Per-host politeness: at most ``concurrency`` requests in flight, ``delay`` between starts."""

    delay: float
    concurrency: int
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next: float = 0.0
    _sem: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        self._sem = threading.BoundedSemaphore(self.concurrency)

    def defer(self, seconds: float) -> None:
        """Hold every request for at least ``seconds`` from now (Retry-After, backoff)."""
        with self._lock:
            self._next = max(self._next, self.clock() + seconds)

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._sem:
            with self._lock:
                now = self.clock()
                start = max(now, self._next)
                self._next = start + self.delay
            if start > now:
                self.sleep(start - now)
            yield


class Fetcher:
    """Fetches URLs of one site with politeness, retries, caps and redirect checks."""

    def __init__(
        self,
        client: httpx.Client,
        config: CrawlConfig,
        policy: SitePolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.policy = policy or SitePolicy(config.base_url)
        self.gate = Gate(config.delay, config.concurrency, sleep=sleep)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.requests = 0
        self.bytes_received = 0
        self._count_lock = threading.Lock()

    def fetch(self, url: str, conditional: Mapping[str, str] | None = None) -> Fetched:
        """GET ``url``, following same-site redirects; raise ``FetchFailed`` when all tries fail.

        ``conditional`` (``If-None-Match`` / ``If-Modified-Since``) is sent with the first hop
        only; a ``304`` then comes back as the final exchange, with an empty body."""
        self.policy.check(url)
        exchanges: list[Exchange] = []
        current = url
        seen = {url}
        for _hop in range(self.config.max_redirects + 1):
            extra = conditional if current == url else None
            ex, body = self._get_with_retries(current, exchanges, extra)
            if ex.status in REDIRECT_STATUSES and ex.header("location"):
                target = urljoin(current, ex.header("location") or "")
                if not self.policy.allows(target):
                    raise RedirectRefused(
                        url,
                        f"redirects to {target}, which is not on {self.policy.base_url}; "
                        "refusing to follow it off the site",
                        ex.status,
                        tuple(exchanges),
                    )
                if target in seen:
                    raise FetchFailed(
                        url, f"redirect loop at {target}", ex.status, tuple(exchanges)
                    )
                seen.add(target)
                current = target
                continue
            return Fetched(url=url, final_url=current, exchanges=tuple(exchanges), body=body)
        raise FetchFailed(
            url, f"more than {self.config.max_redirects} redirects", None, tuple(exchanges)
        )

    def _get_with_retries(
        self, url: str, exchanges: list[Exchange], extra: Mapping[str, str] | None = None
    ) -> tuple[Exchange, bytes]:
        """One URL, no redirects: retry 429/5xx, connection errors and cut-off bodies."""
        last_error = ""
        for attempt in range(1, self.config.retries + 1):
            more = attempt < self.config.retries
            try:
                ex, body, overflow = self._get_once(url, extra)
            except httpx.HTTPError as exc:
                last_error = _describe(exc)
                if more:
                    self.gate.defer(self._backoff(attempt))
                continue
            exchanges.append(ex)
            if ex.status in RETRY_STATUSES and more:
                self.gate.defer(self._retry_after(ex) or self._backoff(attempt))
                last_error = f"HTTP {ex.status}"
                continue
            if ex.truncated == "disconnect":
                last_error = f"HTTP {ex.status} cut off after {len(ex.body):,} bytes"
                if more:
                    self.gate.defer(self._backoff(attempt))
                    continue
            elif ex.truncated == "length":
                last_error = f"response larger than {self.config.max_response_bytes:,} bytes"
            elif ex.truncated == "time":
                last_error = f"response took longer than {self.config.max_response_seconds:g} s"
            elif overflow:
                last_error = f"decodes to more than {self.config.max_response_bytes:,} bytes"
            else:
                return ex, body
            raise FetchFailed(url, last_error, None, tuple(exchanges))
        raise FetchFailed(url, last_error or "failed", None, tuple(exchanges))

    def _backoff(self, attempt: int) -> float:
        base: float = self.config.retry_base * (2 ** (attempt - 1))
        return base * (0.5 + self._rng.random())

    def _retry_after(self, ex: Exchange) -> float | None:
        value = ex.header("retry-after")
        if not value:
            return None
        value = value.strip()
        seconds: float
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = (when - datetime.now(UTC)).total_seconds()
        return max(0.0, min(seconds, self.config.retry_after_cap))

    def _get_once(
        self, url: str, extra: Mapping[str, str] | None = None
    ) -> tuple[Exchange, bytes, bool]:
        """One GET: the exchange as received, its decoded body, and whether decoding overflowed.

        The total time from sending the request to the last body byte is capped: each read may
        wait at most the cap, and once the headers are in a watchdog shuts the socket down at
        the deadline, so a server that drips bytes is cut off on time (``truncated="time"``).
        """
        cfg = self.config
        headers = {"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"}
        headers.update(extra or {})
        timeout = httpx.Timeout(cfg.timeout, read=min(cfg.timeout, cfg.max_response_seconds))
        with self.gate.slot():
            started = datetime.now(UTC)
            deadline = time.monotonic() + cfg.max_response_seconds
            with self.client.stream("GET", url, headers=headers, timeout=timeout) as resp:
                raw, truncated = _read_capped(resp, cfg.max_response_bytes, deadline)
                ex = Exchange(
                    method="GET",
                    url=url,
                    request_headers=_decode_headers(resp.request.headers.raw),
                    http_version=resp.http_version or "HTTP/1.1",
                    status=resp.status_code,
                    reason=resp.reason_phrase or "",
                    response_headers=_decode_headers(resp.headers.raw),
                    body=raw,
                    started_at=started,
                    truncated=truncated,
                    ip_address=peer_address(resp),
                )
        with self._count_lock:
            self.requests += 1
            self.bytes_received += len(raw)
        body, overflow = _decode(raw, ex.header("content-encoding"), cfg.max_response_bytes)
        return ex, body, overflow


def _read_capped(resp: httpx.Response, limit: int, deadline: float) -> tuple[bytes, str | None]:
    """The raw body, at most ``limit`` bytes, read by ``deadline``; and why it is cut, if it is."""
    chunks: list[bytes] = []
    size = 0
    truncated: str | None = None
    fired = threading.Event()
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _abort, (resp, fired))
    watchdog.daemon = True
    watchdog.start()
    try:
        for chunk in resp.iter_raw():
            room = limit - size
            if len(chunk) >= room:
                chunks.append(chunk[:room])
                size += room
                truncated = "length" if len(chunk) > room else None
                if truncated:
                    break
                continue
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() > deadline:
                truncated = "time"
                break
    except httpx.TimeoutException:
        truncated = "time"
    except httpx.TransportError:
        truncated = "time" if fired.is_set() else "disconnect"
    finally:
        watchdog.cancel()
    return b"".join(chunks), truncated


def _abort(resp: httpx.Response, fired: threading.Event) -> None:
    """Watchdog: the deadline has passed; shut the connection so the blocked read returns."""
    fired.set()
    stream = resp.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        with suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # not SSLSocket's: leave TLS state


def decode_content(raw: bytes, encoding: str | None, limit: int) -> bytes:
    """Undo gzip/deflate content-encoding, never producing more than ``limit`` bytes."""
    return _decode(raw, encoding, limit)[0]


def _decode(raw: bytes, encoding: str | None, limit: int) -> tuple[bytes, bool]:
    """``decode_content`` and whether there was more to decode than ``limit`` (a bomb)."""
    enc = (encoding or "").strip().lower()
    if enc in ("gzip", "x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif enc == "deflate":
        wbits = zlib.MAX_WBITS
    else:
        return raw[:limit], len(raw) > limit
    for bits in (wbits, -zlib.MAX_WBITS) if enc == "deflate" else (wbits,):
        dec = zlib.decompressobj(bits)
        try:
            out = dec.decompress(raw, limit)
        except zlib.error:
            continue
        return out, bool(dec.unconsumed_tail)
    return b"", False


def _decode_headers(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)


def _describe(exc: httpx.HTTPError) -> str:
    name = type(exc).__name__
    text = str(exc).strip()
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed ({text or name})"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({name})"
    return f"{name}: {text}" if text else name
