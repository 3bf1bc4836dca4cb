"""The HTTP client a crawl uses: no cookies, no proxies or .netrc, and no private addresses.

``make_client(config, policy)`` builds the ``httpx.Client`` the ``Crawler`` passes to the
``Fetcher``. Its transport refuses, for a site on the public internet, any host name that
resolves to an address that is not global (private, loopback, link-local, …) *before*
connecting, and checks the address actually connected to *after* connecting, which catches a
DNS answer that changed in between (DNS rebinding). A base URL that is itself local (tests,
``make demo``) skips both checks; ``SitePolicy`` then allows only that one host and port.

Cookies are never kept: the jar's policy refuses every cookie, so no ``Cookie`` header is ever
sent (and ``WarcWriter`` drops one anyway). ``trust_env=False`` keeps proxy variables and
``~/.netrc`` credentials out of requests.

Connections are not kept alive: each request makes its own, so the ``trace`` extension always
hands its socket to the request's ``Watch`` (``scraper.control``), which is what lets a
deadline or a stopping run cut off a request in any phase. At one request a second (the
default politeness), a new connection per request costs the site nothing it would notice.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from core.errors import OffSiteError

from .config import CrawlConfig
from .sitepolicy import SitePolicy

Resolver = Callable[[str, int], list[str]]


def system_resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []  # let the connection attempt fail and be reported the usual way
    return [str(info[4][0]) for info in infos]


def is_global(address: str) -> bool:
    """True for an address on the public internet (not private, loopback, link-local, …)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def no_cookies() -> CookieJar:
    """A cookie jar that accepts nothing."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class GuardedTransport(httpx.BaseTransport):
    """Wraps a transport; refuses non-global addresses unless the site itself is local."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: SitePolicy,
        resolve: Resolver = system_resolve,
    ) -> None:
        self.inner = inner
        self.policy = policy
        self.resolve = resolve

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if not self.policy.local:
            host, port = (
                request.url.host,
                request.url.port or (443 if request.url.scheme == "https" else 80),
            )
            bad = [a for a in self.resolve(host, port) if not is_global(a)]
            if bad:
                raise OffSiteError(url, f"{host} resolves to {bad[0]}, not a public address")
        response = self.inner.handle_request(request)
        if not self.policy.local:
            peer = peer_address(response)
            if peer is not None and not is_global(peer):
                response.close()
                raise OffSiteError(url, f"connected to {peer}, not a public address")
        return response

    def close(self) -> None:
        self.inner.close()


def peer_address(resp: httpx.Response) -> str | None:
    """The IP address the response came from, when the transport tells."""
    stream = resp.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        addr = stream.get_extra_info("server_addr")
    except Exception:  # transports differ; the address is optional metadata
        return None
    if isinstance(addr, tuple) and addr:
        return str(addr[0])
    return None


def make_client(
    config: CrawlConfig, policy: SitePolicy, resolve: Resolver = system_resolve
) -> httpx.Client:
    """The client for a crawl of ``config.base_url``: guarded, cookie-less, no env settings."""
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    inner = httpx.HTTPTransport(trust_env=False, retries=0, limits=limits)
    return httpx.Client(
        transport=GuardedTransport(inner, policy, resolve),
        timeout=httpx.Timeout(config.timeout),
        limits=limits,
        follow_redirects=False,
        trust_env=False,
        cookies=no_cookies(),
    )
