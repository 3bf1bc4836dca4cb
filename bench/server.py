"""The sample site for benchmarks: padded pages, served as pre-rendered bytes, counted.

``python -m bench.server --articles N [--warm]`` prints its base URL on the first line of
stdout and serves until SIGTERM. It wraps ``tests.samplesite.SampleSite``:

- every HTML page gets realistic page chrome (``bench.chrome``: 60–120 KB article pages);
- each response is rendered once (status line, headers, gzip or chunked body) and then served
  from memory, so the server costs almost nothing per request; ``--warm`` renders every
  listing page and article up front. Related/Popular are frozen per URL (rendered once);
- conditional requests (``If-None-Match``, ``If-Modified-Since``) are answered by the site
  itself, so a re-run can get its 304s;
- listing pages are finite: ``?page=N`` past the first repeat of page 0 answers 404. The real
  site's pagination never ends, which a recursive wget would follow for ever; our crawler stops
  at the repeat page before reaching them;
- ``GET /__bench__/stats`` answers the requests counted so far, by kind (not itself counted).

An asyncio protocol on one thread: no per-request thread, no per-request rendering.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import math
import signal
import sys
import time
import zlib
from collections import Counter
from email.utils import formatdate
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.samplesite import SampleSite, SiteConfig
from tests.samplesite.server import accepts_gzip, chunk
from tests.samplesite.truth import LISTINGS

from .chrome import pad

STATS_PATH = "/__bench__/stats"
_REASONS = {200: "OK", 304: "Not Modified", 403: "Forbidden", 404: "Not Found", 500: "Error"}


class _Headers:
    """Case-insensitive ``get`` over request headers, as ``SampleSite.handle`` expects."""

    def __init__(self, items: dict[str, str]) -> None:
        self._items = items

    def get(self, name: str, /) -> str | None:
        return self._items.get(name.lower())


class BenchSite:
    """The sample site as pre-rendered, padded response bytes, with per-kind request counts."""

    def __init__(self, site: SampleSite, cache_bytes: int) -> None:
        self.site = site
        self.cache: dict[tuple[str, str, bool], tuple[bytes, bytes, str]] = {}
        self.cache_bytes = cache_bytes
        self.cached = 0
        self.counts: Counter[str] = Counter()
        self.bytes_sent = 0
        self.started = time.monotonic()
        self._date = formatdate(usegmt=True)

    # -------------------------------------------------------------------- routing helpers

    def kind_of(self, target: str) -> tuple[str, int | None, str]:
        """What a request-target is (``article``, ``listing``, ``robots``, ``feed``, ``other``),
        the last page of a listing, and the normalised path."""
        split = urlsplit(target)
        path = unquote(split.path) or "/"
        if path.startswith("/index.php/"):
            path = path[len("/index.php") :]
        if path == "/ru" or path.startswith("/ru/"):
            path = path[3:] or "/"
        path = path.rstrip("/") or "/"
        if path == "/robots.txt":
            return "robots", None, path
        if path == "/rss.xml" or path.endswith("/feed"):
            return "feed", None, path
        key = "front" if path == "/" else path.strip("/")
        if key in LISTINGS:
            members = len(self.site.section_articles(key))
            return "listing", math.ceil(members / self.site.config.per_page), path
        parts = key.split("/")
        if self.site.find_path(path) is not None or (
            len(parts) == 2 and parts[0] == "node" and parts[1].isdigit()
        ):
            return "article", None, path
        return "other", None, path

    def _past_end(self, target: str, last: int | None) -> bool:
        if last is None:
            return False
        page = dict(parse_qsl(urlsplit(target).query)).get("page", "0")
        return page.isdigit() and int(page) > last

    # -------------------------------------------------------------------- responses

    def render(self, method: str, target: str, headers: dict[str, str]) -> tuple[bytes, bytes, str]:
        """Head bytes, body bytes and kind of the answer (not cached)."""
        kind, last, path = self.kind_of(target)
        if kind == "listing" and self._past_end(target, last):
            body = b"<!DOCTYPE html><title>Page not found</title><h1>Page not found</h1>\n"
            return self._head(404, "text/html; charset=UTF-8", [], len(body)), body, "404"
        resp = self.site.handle(method, target, _Headers(headers))
        payload = resp.body
        if resp.status == 200 and resp.content_type.startswith("text/html"):
            payload = pad(payload.decode(), zlib.crc32(path.encode())).encode()
        extra = list(resp.headers)
        if resp.gzip:
            extra.append(("Vary", "Accept-Encoding"))
        use_gzip = resp.gzip and resp.status == 200 and accepts_gzip(headers.get("accept-encoding"))
        if use_gzip:
            payload = gzip.compress(payload, compresslevel=6, mtime=0)
            extra.append(("Content-Encoding", "gzip"))
        if resp.status in (204, 304):
            return self._head(resp.status, resp.content_type, extra, None), b"", str(resp.status)
        if resp.chunked:
            extra.append(("Transfer-Encoding", "chunked"))
            return self._head(resp.status, resp.content_type, extra, None), chunk(payload), kind
        return self._head(resp.status, resp.content_type, extra, len(payload)), payload, kind

    def _head(
        self, status: int, ctype: str, extra: list[tuple[str, str]], length: int | None
    ) -> bytes:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}", "Server: Apache",
                 f"Date: {self._date}", f"Content-Type: {ctype}"]  # fmt: skip
        lines += [f"{k}: {v}" for k, v in extra]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def respond(self, method: str, target: str, headers: dict[str, str]) -> tuple[bytes, bytes]:
        """The answer to one request: from the cache unless it is conditional."""
        if target == STATS_PATH:
            body = json.dumps(self.stats()).encode()
            return self._head(200, "application/json", [], len(body)), body
        conditional = "if-none-match" in headers or "if-modified-since" in headers
        gz = accepts_gzip(headers.get("accept-encoding"))
        key = ("GET" if method == "HEAD" else method, target, gz)
        hit = None if conditional else self.cache.get(key)
        if hit is None:
            hit = self.render("GET" if method == "HEAD" else method, target, headers)
            size = len(hit[0]) + len(hit[1])
            if not conditional and self.cached + size <= self.cache_bytes:
                self.cache[key] = hit
                self.cached += size
        head, body, kind = hit
        self.counts["requests"] += 1
        self.counts[kind] += 1
        self.counts["conditional"] += conditional
        return head, (b"" if method == "HEAD" else body)

    def warm(self, slugs: list[str]) -> int:
        """Render every page of these listings and every article they list, both codings."""
        targets = ["/robots.txt"]
        for slug in slugs:
            path = "/" if slug == "front" else "/" + slug
            pages = math.ceil(len(self.site.section_articles(slug)) / self.site.config.per_page)
            targets += [path + (f"?page={p}" if p else "") for p in range(pages + 1)]
            targets += [a.url_path for a in self.site.section_articles(slug)]
        for target in dict.fromkeys(targets):
            for enc in ("gzip, deflate", "identity"):
                self.respond("GET", target, {"accept-encoding": enc})
        self.counts.clear()
        return len(targets)

    def stats(self) -> dict[str, object]:
        return {**self.counts, "bytes_sent": self.bytes_sent, "cached_bytes": self.cached,
                "cached_responses": len(self.cache)}  # fmt: skip


class _Protocol(asyncio.Protocol):
    def __init__(self, site: BenchSite) -> None:
        self.site = site
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while self.transport is not None:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > 65536:
                    self.transport.close()
                return
            head, self.buf = self.buf[:end].decode("latin-1"), self.buf[end + 4 :]
            line, *rest = head.split("\r\n")
            try:
                method, target, version = line.split(" ", 2)
            except ValueError:
                self.transport.close()
                return
            headers = {}
            for h in rest:
                name, _, value = h.partition(":")
                headers[name.strip().lower()] = value.strip()
            out_head, body = self.site.respond(method, target, headers)
            connection = headers.get("connection", "").lower()
            close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
            if close:
                out_head = out_head[:-2] + b"Connection: close\r\n\r\n"
            self.transport.write(out_head + body if len(body) < 16384 else out_head)
            if len(body) >= 16384:
                self.transport.write(body)
            self.site.bytes_sent += len(out_head) + len(body)
            if close:
                self.transport.close()
                return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--warm", action="append", default=[], help="listing slug to pre-render")
    parser.add_argument("--cache-mb", type=int, default=1024)
    args = parser.parse_args(argv)
    config = SiteConfig(seed=args.seed, n_articles=args.articles, per_page=args.per_page,
                        record_bodies=False)  # fmt: skip
    site = BenchSite(SampleSite(config), args.cache_mb << 20)

    async def run() -> None:
        # Bind first: pages embed the base URL, so warming needs the port.
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: _Protocol(site), args.host, args.port, backlog=256
        )
        bound = server.sockets[0].getsockname()[1]
        site.site.base_url = f"http://{args.host}:{bound}"
        t0 = time.perf_counter()
        warmed = site.warm(args.warm) if args.warm else 0
        print(site.site.base_url, flush=True)
        print(json.dumps({"warmed": warmed, "warm_seconds": round(time.perf_counter() - t0, 2),
                          "cached_bytes": site.cached}), flush=True)  # fmt: skip
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        async with server:
            await stop.wait()

    asyncio.run(run())
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
