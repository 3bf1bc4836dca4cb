"""Which URLs the scraper may fetch: the site being scraped, and nothing else.

Only the base URL's host and its www/bare twin are allowed (also after redirects). An address
that is private, loopback, link-local or otherwise not global is refused, unless the base URL
itself is such an address — that is how tests and ``make demo`` run — in which case only that
exact host and port are allowed.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from core.errors import OffSiteError, UsageError


def _twin(host: str) -> str:
    return host[4:] if host.startswith("www.") else "www." + host


def _is_local(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


class SitePolicy:
    """Decides whether a URL belongs to the site rooted at ``base_url``."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.host = (parts.hostname or "").lower()
        self.port = parts.port
        self.local = _is_local(self.host)
        if self.local:
            self.hosts = frozenset({self.host})
        else:
            self.hosts = frozenset({self.host, _twin(self.host)})

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.username or parts.password:
            return False  # credentials in a URL would end up in requests and the WARC
        host = (parts.hostname or "").lower()
        if host not in self.hosts:
            return False
        if self.local:
            return parts.port == self.port
        return not _is_local(host)

    def check(self, url: str, via: str | None = None) -> None:
        """Raise ``OffSiteError`` unless ``url`` is on the site."""
        if self.allows(url):
            return
        where = f" (redirected from {via})" if via else ""
        raise OffSiteError(url, f"not on {self.base_url}{where}; refusing to fetch another host")

    def require(self, url: str) -> None:
        """Raise ``UsageError`` unless ``url``, given by the user, is on the site."""
        if not self.allows(url):
            raise UsageError(
                f"{url} is not on {self.base_url}: give URLs of that site, "
                "or --base-url for the site they are on"
            )
