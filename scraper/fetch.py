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
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from .config import CrawlConfig
from .errors import FetchError
from .model import Exchange
from .sitepolicy import SitePolicy

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
        self, url: str, message: str, status: int | None = None, exchanges: tuple[Exchange, ...] = ()
    ) -> None:
        super().__init__(url, message, status)
        self.exchanges = exchanges


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

    def fetch(self, url: str) -> Fetched:
        """GET ``url``, following same-site redirects; raise ``FetchFailed`` when all tries fail."""
        self.policy.check(url)
        exchanges: list[Exchange] = []
        current = url
        seen = {url}
        for _hop in range(self.config.max_redirects + 1):
            ex, body = self._get_with_retries(current, exchanges)
            if ex.status in REDIRECT_STATUSES and ex.header("location"):
                target = urljoin(current, ex.header("location") or "")
                self.policy.check(target, via=current)
                if target in seen:
                    raise FetchFailed(url, f"redirect loop at {target}", ex.status, tuple(exchanges))
                seen.add(target)
                current = target
                continue
            return Fetched(url=url, final_url=current, exchanges=tuple(exchanges), body=body)
        raise FetchFailed(
            url, f"more than {self.config.max_redirects} redirects", None, tuple(exchanges)
        )

    def _get_with_retries(self, url: str, exchanges: list[Exchange]) -> tuple[Exchange, bytes]:
        last_error = ""
        for attempt in range(1, self.config.retries + 1):
            try:
                ex, body = self._get_once(url)
            except httpx.HTTPError as exc:
                last_error = _describe(exc)
                if attempt < self.config.retries:
                    self.gate.defer(self._backoff(attempt))
                continue
            exchanges.append(ex)
            if ex.status in RETRY_STATUSES and attempt < self.config.retries:
                wait = self._retry_after(ex) or self._backoff(attempt)
                self.gate.defer(wait)
                last_error = f"HTTP {ex.status}"
                continue
            return ex, body
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

    def _get_once(self, url: str) -> tuple[Exchange, bytes]:
        cfg = self.config
        headers = {"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"}
        with self.gate.slot():
            started = datetime.now(UTC)
            t0 = time.monotonic()
            with self.client.stream("GET", url, headers=headers) as resp:
                chunks: list[bytes] = []
                size = 0
                truncated: str | None = None
                try:
                    for chunk in resp.iter_raw():
                        room = cfg.max_response_bytes - size
                        if len(chunk) > room:
                            chunks.append(chunk[:room])
                            size += room
                            truncated = "length"
                            break
                        chunks.append(chunk)
                        size += len(chunk)
                        if time.monotonic() - t0 > cfg.max_response_seconds:
                            truncated = "time"
                            break
                except httpx.TimeoutException:
                    truncated = "time"
                except (httpx.RemoteProtocolError, httpx.ReadError):
                    truncated = "disconnect"
                raw = b"".join(chunks)
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
                    ip_address=_peer_ip(resp),
                )
        with self._count_lock:
            self.requests += 1
            self.bytes_received += len(raw)
        return ex, decode_content(raw, ex.header("content-encoding"), cfg.max_response_bytes)


def decode_content(raw: bytes, encoding: str | None, limit: int) -> bytes:
    """Undo gzip/deflate content-encoding, never producing more than ``limit`` bytes."""
    enc = (encoding or "").strip().lower()
    if enc in ("gzip", "x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif enc == "deflate":
        wbits = zlib.MAX_WBITS
    else:
        return raw[:limit]
    try:
        dec = zlib.decompressobj(wbits)
        out = dec.decompress(raw, limit)
    except zlib.error:
        if enc == "deflate":
            try:
                return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, limit)
            except zlib.error:
                return b""
        return b""
    return out


def _decode_headers(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)


def _peer_ip(resp: httpx.Response) -> str | None:
    stream = resp.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        addr = stream.get_extra_info("server_addr")
    except Exception:  # noqa: BLE001 - transports differ; the IP is optional metadata
        return None
    if isinstance(addr, tuple) and addr:
        return str(addr[0])
    return None


def _describe(exc: httpx.HTTPError) -> str:
    name = type(exc).__name__
    text = str(exc).strip()
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed ({text or name})"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({name})"
    return f"{name}: {text}" if text else name
