"""The fetcher: raw bodies, redirects, retries, caps — against httpx.MockTransport."""

from __future__ import annotations

import gzip

import httpx
import pytest

from core.errors import OffSiteError
from scraper.config import CrawlConfig
from scraper.fetch import Fetcher, FetchFailed, Gate, decode_content

BASE = "https://www.commonspace.eu"


class Body(httpx.SyncByteStream):
    """A response body streamed as on the wire (MockTransport pre-reads plain ``content=``)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield self.data


def reply(
    status: int, content: bytes = b"", headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, headers=headers, stream=Body(content))


def make_fetcher(handler, **cfg) -> tuple[Fetcher, list[float]]:
    slept: list[float] = []
    config = CrawlConfig(base_url=BASE, delay=0, retry_base=0.01, **cfg)
    client = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=False)
    return Fetcher(client, config, sleep=slept.append), slept


def test_gzip_body_is_kept_raw_and_decoded_for_parsing() -> None:
    """The exchange keeps gzip bytes as sent; the body handed to the parser is decoded."""
    html = b"<html><body><p>hello</p></body></html>"
    packed = gzip.compress(html)

    def handler(request: httpx.Request) -> httpx.Response:
        return reply(200, packed, {"Content-Encoding": "gzip"})

    fetcher, _ = make_fetcher(handler)
    fetched = fetcher.fetch(BASE + "/news/a")
    assert fetched.final.body == packed
    assert fetched.body == html
    assert fetched.final.header("content-encoding") == "gzip"
    assert fetcher.requests == 1


def test_request_headers_name_the_tool() -> None:
    """Requests carry our User-Agent, recorded in the exchange as sent."""
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["ua"] = request.headers["user-agent"]
        return reply(200, b"ok")

    fetcher, _ = make_fetcher(handler)
    ex = fetcher.fetch(BASE + "/").final
    assert seen["ua"].startswith("commonspace-scraper/")
    assert ("User-Agent", seen["ua"]) in ex.request_headers


def test_redirect_hops_are_each_an_exchange() -> None:
    """A same-site redirect is followed and both hops are returned for archiving."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return reply(301, b"", {"Location": "/news/new"})
        return reply(200, b"new")

    fetcher, _ = make_fetcher(handler)
    fetched = fetcher.fetch(BASE + "/old")
    assert [e.status for e in fetched.exchanges] == [301, 200]
    assert fetched.final_url == BASE + "/news/new"
    assert fetched.body == b"new"


def test_redirect_to_another_host_is_refused() -> None:
    """A redirect off the site raises OffSiteError naming the target."""

    def handler(request: httpx.Request) -> httpx.Response:
        return reply(302, b"", {"Location": "https://evil.example/x"})

    fetcher, _ = make_fetcher(handler)
    with pytest.raises(OffSiteError, match=r"evil\.example"):
        fetcher.fetch(BASE + "/news/a")


def test_redirect_loop_fails_cleanly() -> None:
    """A redirect loop ends in FetchFailed carrying the exchanges made."""

    def handler(request: httpx.Request) -> httpx.Response:
        target = "/b" if request.url.path == "/a" else "/a"
        return reply(302, b"", {"Location": target})

    fetcher, _ = make_fetcher(handler)
    with pytest.raises(FetchFailed, match="redirect loop") as info:
        fetcher.fetch(BASE + "/a")
    assert len(info.value.exchanges) == 2


def test_503_is_retried_then_succeeds() -> None:
    """A 503 is retried with backoff; every attempt is kept for the archive."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            return reply(503, b"", {"Retry-After": "2"})
        return reply(200, b"fine")

    fetcher, slept = make_fetcher(handler)
    fetched = fetcher.fetch(BASE + "/news/a")
    assert [e.status for e in fetched.exchanges] == [503, 503, 200]
    assert fetched.body == b"fine"
    assert sum(slept) > 3.9  # Retry-After: 2, honoured twice


def test_404_is_not_retried() -> None:
    """A 404 comes back at once, not retried."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return reply(404, b"gone")

    fetcher, _ = make_fetcher(handler)
    assert fetcher.fetch(BASE + "/news/a").status == 404
    assert len(calls) == 1


def test_connection_errors_exhaust_tries() -> None:
    """Connection failures are retried a bounded number of times, then reported."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("refused", request=request)

    fetcher, _ = make_fetcher(handler, retries=3)
    with pytest.raises(FetchFailed, match="connection failed"):
        fetcher.fetch(BASE + "/news/a")
    assert len(calls) == 3


def test_size_cap_truncates_and_marks() -> None:
    """A body larger than the cap fails, cut at the cap and marked truncated for the WARC."""

    def handler(request: httpx.Request) -> httpx.Response:
        return reply(200, b"x" * 5000)

    fetcher, _ = make_fetcher(handler, max_response_bytes=1000)
    with pytest.raises(FetchFailed, match="larger than 1,000 bytes") as info:
        fetcher.fetch(BASE + "/news/a")
    (ex,) = info.value.exchanges
    assert len(ex.body) == 1000
    assert ex.truncated == "length"


def test_gzip_bomb_is_capped() -> None:
    """Decoding never produces more than the limit, however well the body compresses."""
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(decode_content(bomb, "gzip", 1_000_000)) == 1_000_000


def test_off_site_url_is_refused_before_any_request() -> None:
    """Asking for another host fails without a request."""

    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - must not run
        raise AssertionError("no request expected")

    fetcher, _ = make_fetcher(handler)
    with pytest.raises(OffSiteError):
        fetcher.fetch("https://example.org/news/a")


def test_gate_spaces_requests_by_delay() -> None:
    """Consecutive slots start at least `delay` apart."""
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    gate = Gate(delay=1.5, concurrency=1, sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        with gate.slot():
            pass
    assert slept == [1.5, 1.5]
