"""URL normalisation for commonspace.eu: one article, one canonical URL.

The pure functions here are memoised (bounded ``lru_cache``): a site's pages link the same
menus, sections and teasers over and over, and normalising a URL costs more than parsing it.

The same page answers under ``http``/``https``, with and without ``www.``, behind an
``/index.php/`` prefix and with ``PageSpeed=noscript`` noise. :func:`canonicalize` folds all of
those into one form; the helpers below read what a URL says about the page (its section, its
Drupal node id) and whether it belongs to the site being scraped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from core.errors import UsageError

SITE_HOST = "www.commonspace.eu"
SITE_HOSTS = frozenset({"commonspace.eu", "www.commonspace.eu"})
SITE_ROOT = "https://www.commonspace.eu"

#: Path prefixes that mark an article's section ("kind") on the Drupal site.
SECTIONS = frozenset(
    {"news", "opinion", "analysis", "editorial", "commentary", "interview", "event", "live-blog"}
)
#: Language prefixes that are stripped before reading the section.
LANGUAGE_PREFIXES = frozenset({"ru", "en"})
#: Query parameters that never change what the server answers.
NOISE_PARAMS = frozenset({"pagespeed"})

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_DOUBLE_ENCODED = re.compile(r"%25(5[BbDd])")
_NODE_PATH = re.compile(r"^/node/(\d+)/?$")
_NON_HTTP = ("javascript:", "mailto:", "tel:", "data:", "about:", "ftp:", "file:", "#")
#: A URL with nothing in it that normalising could change but its host, port and a trailing
#: slash: lowercase scheme and host, an optional port, path segments of unreserved characters
#: (none empty, none starting with a dot), no query, no fragment. Most links on the site are
#: like this, and for them the functions below skip urllib (a first sight of a URL otherwise
#: costs more than parsing the link around it).
_SEGMENTS = r"((?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*)"
_PLAIN = re.compile(
    r"(https?)://([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)"
    rf"(?::([0-9]{{1,5}}))?{_SEGMENTS}(/?)"
)
_PLAIN_PATH = re.compile(rf"{_SEGMENTS}(/?)")
#: A query the shortcut handles: ``name=value`` pairs of unreserved characters (or none).
_PLAIN_QUERY = re.compile(
    r"(?:[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*(?:&[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*)*)?"
)


def _split_host(url: str) -> tuple[str, str, str, int | None]:
    """(scheme, lowercased host, path, port) of an absolute http(s) URL; UsageError otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"malformed URL ({exc}): {url!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise UsageError(f"not an absolute http(s) URL: {url!r}")
    return scheme, parts.hostname.lower().rstrip("."), parts.path, port


def _strip_prefixes(path: str) -> str:
    """The path without the ``/index.php`` front controller (``/index.php/x`` → ``/x``)."""
    if path == "/index.php" or path.startswith("/index.php/"):
        return path[len("/index.php") :] or "/"
    return path


@lru_cache(maxsize=8192)
def canonicalize(url: str) -> str:
    """The one canonical form of an absolute http(s) URL.

    commonspace.eu hosts (bare or ``www``, http or https) become ``https://www.commonspace.eu``;
    other hosts keep scheme, host and port (lowercased, default port dropped). The
    ``/index.php/`` prefix, ``PageSpeed`` parameter, fragment, empty query and trailing slash
    (except the root) go; other parameters stay, sorted, with twice-encoded brackets repaired.
    The legacy ``/index.php?m=23&news_id=N`` form keeps its ``/index.php``.
    """
    url = url.strip()
    plain = _plain_canonical(url)
    return plain if plain is not None else _canonicalize_parsed(url)


def _canonicalize_parsed(url: str) -> str:
    """:func:`canonicalize` by parsing the URL (any URL; the plain ones have a shortcut)."""
    scheme, host, path, port = _split_host(url)
    parts = urlsplit(url)
    if host in SITE_HOSTS:
        netloc = SITE_HOST
        scheme = "https"
    else:
        netloc = f"[{host}]" if ":" in host else host
        if port is not None and port != _DEFAULT_PORTS[scheme]:
            netloc = f"{netloc}:{port}"
    pairs = [
        (k, v)
        for k, v in parse_qsl(_DOUBLE_ENCODED.sub(r"%\1", parts.query), keep_blank_values=True)
        if k.lower() not in NOISE_PARAMS
    ]
    pairs.sort()
    query = urlencode(pairs, quote_via=quote)
    if path == "/index.php" and query:
        pass  # the pre-2020 CMS: /index.php?m=23&news_id=N is the page itself
    else:
        path = _strip_prefixes(path or "/")
    path = quote(path, safe=_PATH_SAFE) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def _plain_canonical(url: str) -> str | None:
    """:func:`canonicalize` of a plain URL (see ``_PLAIN``, and ``_PLAIN_QUERY`` for its query)
    without urllib; None if not plain."""
    url, mark, raw_query = url.partition("?")
    query = _plain_query(raw_query) if mark else ""
    if query is None:
        return None
    match = _PLAIN.fullmatch(url)
    if match is None:
        return None
    scheme, host, port, path, _ = match.groups()
    if path == "/index.php" or path.startswith("/index.php/"):
        return None
    number = int(port) if port else None
    if number is not None and number > 65535:
        return None  # invalid: the slow path says so
    if host in SITE_HOSTS:
        out = SITE_ROOT + (path or "/")
    else:
        if number is not None and number != _DEFAULT_PORTS[scheme]:
            host = f"{host}:{number}"
        out = f"{scheme}://{host}{path or '/'}"
    return f"{out}?{query}" if query else out


def _plain_query(query: str) -> str | None:
    """The canonical form of a query of ``name=value`` pairs of unreserved characters (noise
    parameters dropped, pairs sorted, as :func:`canonicalize` does); None for any other."""
    if not _PLAIN_QUERY.fullmatch(query):
        return None
    pairs = sorted(pair.split("=", 1) for pair in query.split("&") if pair)
    return "&".join(f"{k}={v}" for k, v in pairs if k.lower() not in NOISE_PARAMS)


def absolutize(href: str | None, base: str) -> str | None:
    """``href`` resolved against ``base``; None for empty, fragment-only or non-http links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(_NON_HTTP):
        return None
    try:
        joined = urljoin(base, href)
        parts = urlsplit(joined)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return joined


@lru_cache(maxsize=8192)
def canonical_link(href: str | None, base: str) -> str | None:
    """``href`` made absolute and canonical, or None when it is not a usable web link."""
    if href:
        href = href.strip()
        plain = _plain_canonical(href)
        if plain is not None:
            return plain  # absolute: the base does not matter
        if href[:1] == "/" and href[:2] != "//" and _PLAIN_PATH.fullmatch(href.partition("?")[0]):
            origin = _PLAIN.fullmatch(base)
            if origin is not None:  # a plain path against a plain base: a plain URL
                scheme, host, port = origin.group(1, 2, 3)
                joined = f"{scheme}://{host}{':' + port if port else ''}{href}"
                plain = _plain_canonical(joined)
                if plain is not None:
                    return plain
    return _canonical_link_parsed(href, base)


def _canonical_link_parsed(href: str | None, base: str) -> str | None:
    """:func:`canonical_link` by parsing (any link; the plain ones have a shortcut)."""
    joined = absolutize(href, base)
    if joined is None:
        return None
    try:
        return canonicalize(joined)
    except UsageError:
        return None


def _content_path(url: str) -> str:
    """The path with ``/index.php`` and a leading language prefix removed."""
    plain = _PLAIN.fullmatch(url)
    if plain is None:
        return _content_path_parsed(url)
    return _language_free(_strip_prefixes(plain.group(4) + plain.group(5) or "/"))


def _content_path_parsed(url: str) -> str:
    """:func:`_content_path` by parsing the URL."""
    try:
        path = _strip_prefixes(urlsplit(url).path or "/")
    except ValueError:
        return ""
    return _language_free(path)


def _language_free(path: str) -> str:
    """``path`` without a leading language prefix (``/ru/news/x`` → ``/news/x``)."""
    segments = path.split("/")
    if len(segments) > 2 and segments[1] in LANGUAGE_PREFIXES:
        path = "/" + "/".join(segments[2:])
    return path


@lru_cache(maxsize=8192)
def section_of(url: str) -> str | None:
    """The section an article URL sits in (``news``, ``opinion``, …, ``node``), else None."""
    path = _content_path(url)
    if _NODE_PATH.match(path):
        return "node"
    first = path.strip("/").split("/", 1)[0]
    return first if first in SECTIONS else None


def node_id_from_url(url: str) -> int | None:
    """The Drupal node id of a ``/node/N`` URL, else None."""
    match = _NODE_PATH.match(_content_path(url))
    return int(match.group(1)) if match else None


@lru_cache(maxsize=8192)
def _site_key(url: str) -> tuple[str, int | None] | None:
    try:
        scheme, host, _, port = _split_host(url)
    except UsageError:
        return None
    if host in SITE_HOSTS:
        return (_host_key(host), None)
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    return (_host_key(host), port)


def _host_key(host: str) -> str:
    """A lowercased host as the site check compares it (``www.`` twins are one host)."""
    return "commonspace.eu" if host in SITE_HOSTS else host.removeprefix("www.")


_NETLOC = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9+.-]*:)?//([A-Za-z0-9.-]*)(?::[0-9]*)?(?:[/?#]|$)")


def surely_off_site(href: str, site_url: str) -> bool:
    """True when ``href`` is an absolute link naming a host other than ``site_url``'s (so no
    normalising can bring it onto the site); False when it may be on the site. Cheap: no URL
    parsing, for skipping share buttons and the like before canonicalising them."""
    if href[:1] == "/" and href[1:2] != "/":
        return False  # a path: no host named (most links; no regex needed)
    match = _NETLOC.match(href)
    if match is None:
        return False
    host = match.group(1).lower().rstrip(".")
    site = _site_key(site_url)
    if not host or site is None:
        return False
    return _host_key(host) != site[0]


def is_same_site(url: str, base_url: str) -> bool:
    """Whether ``url`` is on the same site as ``base_url`` (``www.`` twins count as one host)."""
    key = _site_key(url)
    return key is not None and key == _site_key(base_url)


__all__ = [
    "SECTIONS",
    "SITE_ROOT",
    "absolutize",
    "canonical_link",
    "canonicalize",
    "is_same_site",
    "node_id_from_url",
    "section_of",
    "urljoin",
]
