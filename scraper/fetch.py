"""Fetching pages politely and faithfully, and never for longer than allowed.

``Fetcher.fetch(url)`` issues a GET through the ``httpx.Client`` it was given, follows redirects
by hand (each hop is its own ``Exchange``, so each lands in the WARC), retries 429/5xx and
refused or reset connections with backoff, caps size and time per response, and returns every
exchange it made together with the decoded body of the last one.

Time is bounded three ways:
- **per request**: ``config.timeout`` covers connect, headers and body together. A ``Watch``
  (``scraper.control``) shuts the socket down when it passes, whatever phase the request is
  in, so a server that drips its headers or its body one byte at a time is cut off on time.
  A response whose headers came in full is kept, marked ``truncated="time"``; a request that
  ran out of time is not retried in the same run (the server is likely still stalled);
- **per host**: ``config.breaker_after`` timeouts or connection failures in a row open the
  circuit breaker: the run is stopped (reason "unreachable") instead of asking a dead host
  again and again;
- **per run**: every wait (politeness, backoff, Retry-After) and every request in flight ends
  at once when the run stops (``RunControl``), raising ``RunStopped``.

The raw entity body comes from ``Response.iter_raw()``: content-encoding (gzip) intact,
chunking removed — exactly what the archive stores. Decoding for the parser happens here, with a
size cap so that a gzip bomb cannot blow up memory.
"""

from __future__ import annotations

import random
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from core.errors import FetchError, OffSiteError, RunStopped
from core.model import Exchange

from .config import CrawlConfig
from .control import RunControl, Watch
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
    """Per-host politeness: at most ``concurrency`` requests in flight, ``delay`` between starts.

    ``sleep`` is the run's interruptible wait: it raises ``RunStopped`` when the run stops."""

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


class _NoResponse(Exception):
    """An attempt that got no complete header block: timed out, refused, reset, malformed."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry


class Fetcher:
    """Fetches URLs of one site with politeness, retries, caps, deadlines and redirect checks.

    ``control`` is the run's ``RunControl`` (a fresh one when not given); ``sleep``, when given,
    replaces its waits (tests record them)."""

    def __init__(
        self,
        client: httpx.Client,
        config: CrawlConfig,
        policy: SitePolicy | None = None,
        *,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        control: RunControl | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.policy = policy or SitePolicy(config.base_url)
        self.control = control or RunControl()
        self.gate = Gate(config.delay, config.concurrency, sleep=self._wait_with(sleep))
        self._rng = rng or random.Random()
        self.requests = 0
        self.bytes_received = 0
        self._count_lock = threading.Lock()
        self._failures_in_a_row: dict[str, int] = {}

    def _wait_with(self, sleep: Callable[[float], None] | None) -> Callable[[float], None]:
        if sleep is None:
            return self.control.wait

        def wait(seconds: float) -> None:
            sleep(seconds)
            self.control.check()

        return wait

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
        """One URL, no redirects: retry 429/5xx, refused/reset connections and cut-off bodies."""
        last_error = ""
        for attempt in range(1, self.config.retries + 1):
            more = attempt < self.config.retries
            try:
                ex, body, overflow = self._get_once(url, extra)
            except _NoResponse as exc:
                last_error = exc.message
                self._note_host(url, failed=True)
                if exc.retry and more and not self.control.stopped:
                    self.gate.defer(self._backoff(attempt))
                    continue
                raise FetchFailed(url, last_error, None, tuple(exchanges)) from None
            exchanges.append(ex)
            self._note_host(url, failed=ex.truncated in ("time", "disconnect"))
            if ex.status in RETRY_STATUSES and more:
                self.gate.defer(self._retry_after(ex) or self._backoff(attempt))
                last_error = f"HTTP {ex.status}"
                continue
            if ex.truncated == "disconnect":
                last_error = f"HTTP {ex.status} cut off after {len(ex.body):,} bytes"
                if more and not self.control.stopped:
                    self.gate.defer(self._backoff(attempt))
                    continue
            elif ex.truncated == "length":
                last_error = f"response larger than {self.config.max_response_bytes:,} bytes"
            elif ex.truncated == "time":
                last_error = (
                    f"response took longer than {self.config.timeout:g} s "
                    f"(cut off after {len(ex.body):,} bytes of body)"
                )
            elif overflow:
                last_error = f"decodes to more than {self.config.max_response_bytes:,} bytes"
            else:
                return ex, body
            raise FetchFailed(url, last_error, None, tuple(exchanges))
        raise FetchFailed(url, last_error or "failed", None, tuple(exchanges))

    def _note_host(self, url: str, *, failed: bool) -> None:
        """Count timeouts and connection failures in a row per host; open the breaker at
        ``config.breaker_after`` (the run stops with reason "unreachable")."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        with self._count_lock:
            n = self._failures_in_a_row.get(host, 0) + 1 if failed else 0
            self._failures_in_a_row[host] = n
        if failed and n >= self.config.breaker_after:
            where = self.policy.base_url if host == self.policy.host.removeprefix("www.") else host
            self.control.stop(
                "unreachable",
                f"{where}: {n} requests in a row timed out or could not connect; stopped asking "
                "it (what was fetched is kept; the next run tries again)",
            )

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

        Raises ``_NoResponse`` when no complete header block came, ``RunStopped`` when the run
        stopped before or during the request (nothing of it is kept)."""
        cfg = self.config
        headers = {"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"}
        headers.update(extra or {})
        with self.gate.slot(), self.control.watching(cfg.timeout) as watch:
            self.control.check()
            started = datetime.now(UTC)
            try:
                with self.client.stream(
                    "GET", url, headers=headers, timeout=httpx.Timeout(cfg.timeout),
                    extensions={"trace": watch.trace},
                ) as resp:  # fmt: skip
                    if len(resp.headers.raw) > cfg.max_header_lines:
                        raise _NoResponse(
                            f"more than {cfg.max_header_lines} header lines", retry=False
                        )
                    raw, truncated = _read_capped(resp, cfg.max_response_bytes, watch)
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
            except httpx.HTTPError as exc:
                if watch.why == "stop":
                    raise RunStopped(self.control.reason or "stopped") from None
                if watch.why == "time" or isinstance(exc, httpx.TimeoutException):
                    raise _NoResponse(
                        f"no response within {cfg.timeout:g} s", retry=False
                    ) from None
                raise _NoResponse(_describe(exc), retry=True) from None
            if watch.why == "stop":
                raise RunStopped(self.control.reason or "stopped")
        with self._count_lock:
            self.requests += 1
            self.bytes_received += len(raw)
        body, overflow = _decode(raw, ex.header("content-encoding"), cfg.max_response_bytes)
        return ex, body, overflow


def _read_capped(resp: httpx.Response, limit: int, watch: Watch) -> tuple[bytes, str | None]:
    """The raw body, at most ``limit`` bytes, until ``watch`` fires; and why it is cut, if it is.

    When the watch fires it shuts the socket down: the read in progress returns an error, or
    the end of a body that is delimited by the connection closing; either way it is "time"."""
    chunks: list[bytes] = []
    size = 0
    truncated: str | None = None
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
            if watch.why is not None:
                break
    except httpx.TimeoutException:
        truncated = "time"
    except httpx.TransportError:
        truncated = "disconnect"
    if watch.why is not None and truncated != "length":
        truncated = "time"
    return b"".join(chunks), truncated


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
    if "Receive buffer too long" in text:
        return "the response's header block is larger than 100 KB"
    return f"{name}: {text}" if text else name
