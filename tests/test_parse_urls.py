"""URL normalisation: one article, one canonical URL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import urls
from core.errors import UsageError
from core.urls import canonicalize, is_same_site, node_id_from_url, section_of

ROOT = "https://www.commonspace.eu"

CANONICAL = [
    ("http://commonspace.eu/news/x", f"{ROOT}/news/x"),
    ("https://commonspace.eu/news/x/", f"{ROOT}/news/x"),
    ("HTTP://WWW.CommonSpace.EU/News/X", f"{ROOT}/News/X"),
    ("https://www.commonspace.eu/index.php/news/x", f"{ROOT}/news/x"),
    ("https://www.commonspace.eu/news/x?PageSpeed=noscript", f"{ROOT}/news/x"),
    ("https://www.commonspace.eu/news/x?pagespeed=noscript&b=2&a=1#top", f"{ROOT}/news/x?a=1&b=2"),
    ("https://www.commonspace.eu/news/x?", f"{ROOT}/news/x"),
    ("https://www.commonspace.eu", f"{ROOT}/"),
    ("https://www.commonspace.eu/index.php", f"{ROOT}/"),
    ("https://www.commonspace.eu/?PageSpeed=noscript", f"{ROOT}/"),
    ("http://commonspace.eu:80/ru/news/x", f"{ROOT}/ru/news/x"),
    ("https://www.commonspace.eu/index.php?news_id=7&m=23", f"{ROOT}/index.php?m=23&news_id=7"),
    (
        "https://www.commonspace.eu/node?created%255Bmin%255D=2023-06-01&page=2",
        f"{ROOT}/node?created%5Bmin%5D=2023-06-01&page=2",
    ),
    (
        "https://www.commonspace.eu/region/south-caucasus?page=",
        f"{ROOT}/region/south-caucasus?page=",
    ),
    ("http://127.0.0.1:8765/news/x/?PageSpeed=noscript", "http://127.0.0.1:8765/news/x"),
    ("http://LOCALHOST:80/news/x", "http://localhost/news/x"),
    ("https://example.org:443/a/", "https://example.org/a"),
]


@pytest.mark.parametrize(("url", "canonical"), CANONICAL)
def test_canonicalize(url: str, canonical: str) -> None:
    """Scheme, host, /index.php/, PageSpeed, fragment, trailing slash and order are folded."""
    assert canonicalize(url) == canonical
    assert canonicalize(canonical) == canonical  # idempotent


@pytest.mark.parametrize("url", ["/news/x", "news/x", "mailto:a@b.c", "", "http://"])
def test_canonicalize_rejects_non_absolute(url: str) -> None:
    """Relative and non-http URLs are a usage error, named in the message."""
    with pytest.raises(UsageError):
        canonicalize(url)


@pytest.mark.parametrize(
    ("url", "section", "node"),
    [
        (f"{ROOT}/news/a-b-c", "news", None),
        (f"{ROOT}/live-blog/a", "live-blog", None),
        (f"{ROOT}/ru/news/a", "news", None),
        (f"{ROOT}/index.php/opinion/a", "opinion", None),
        (f"{ROOT}/node/13348", "node", 13348),
        (f"{ROOT}/ru/node/12/", "node", 12),
        (f"{ROOT}/region/south-caucasus", None, None),
        (f"{ROOT}/some-legacy-slug-here", None, None),
        (f"{ROOT}/node", None, None),
        (f"{ROOT}/index.php?m=23&news_id=5", None, None),
    ],
)
def test_section_and_node_id(url: str, section: str | None, node: int | None) -> None:
    """The section is the first path segment when it is a known one; /node/N gives N."""
    assert section_of(url) == section
    assert node_id_from_url(url) == node


@pytest.mark.parametrize(
    ("url", "base", "same"),
    [
        ("http://commonspace.eu/x", ROOT, True),
        ("https://www.commonspace.eu/x", "http://commonspace.eu/", True),
        ("http://127.0.0.1:8000/x", "http://127.0.0.1:8000/", True),
        ("http://127.0.0.1:8001/x", "http://127.0.0.1:8000/", False),
        ("http://www.example.org/x", "http://example.org/", True),
        ("https://twitter.com/x", ROOT, False),
        ("/relative", ROOT, False),
    ],
)
def test_is_same_site(url: str, base: str, same: bool) -> None:
    """Hosts match, with www./bare twins as one host."""
    assert is_same_site(url, base) is same


# -- the plain-URL shortcut gives what parsing gives -------------------------------------------

_SCHEMES = st.sampled_from(["http", "https", "HTTP", "ftp", ""])
_HOSTS = st.sampled_from(
    ["www.commonspace.eu", "commonspace.eu", "WWW.commonspace.eu", "example.org", "127.0.0.1",
     "a-b.c", "x..y", "-a.b", "b-.c", "[::1]", "host."]
)  # fmt: skip
_PORTS = st.sampled_from(
    ["", ":80", ":443", ":8080", ":0", ":65535", ":65536", ":99999", ":080", ":"]
)
_SEGMENT = st.sampled_from(
    ["news", "a-b-c", "index.php", ".", "..", ".well", "x_y~z", "A%20b", "", "q?x=1", "#f", "é",
     "a.b", "node", "123", "a b"]
)  # fmt: skip
_PATHS = st.builds(
    lambda segs, slash: "".join("/" + s for s in segs) + slash,
    st.lists(_SEGMENT, max_size=4),
    st.sampled_from(["", "/"]),
)
_QUERIES = st.sampled_from(
    ["", "", "?", "?a=1", "?itok=Ab_9-x.~", "?b=2&a=1", "?a=2&a=1", "?PageSpeed=noscript",
     "?a=1&pagespeed=x", "?a", "?a=1&", "?&a=1", "?a=%20", "?a=b+c", "?a=1#f", "?x=é", "?a==b"]
)  # fmt: skip
_PATHS = st.builds(lambda path, query: path + query, _PATHS, _QUERIES)
_URLS = st.builds(lambda *p: "{}://{}{}{}".format(*p), _SCHEMES, _HOSTS, _PORTS, _PATHS)
_BASES = st.sampled_from(
    ["https://www.commonspace.eu/news/x", "http://127.0.0.1:8080/a/", "https://www.commonspace.eu",
     "https://example.org/x?q=1", "not a url", ""]
)  # fmt: skip


def _outcome(fn: Callable[..., str | None], *args: str) -> str | None:
    try:
        return fn(*args)
    except UsageError:
        return "UsageError"


@settings(max_examples=3000, deadline=None)
@given(_URLS)
def test_plain_shortcut_canonicalizes_like_parsing(url: str) -> None:
    assert _outcome(canonicalize.__wrapped__, url) == _outcome(urls._canonicalize_parsed, url)
    assert urls._content_path(url) == urls._content_path_parsed(url)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_URLS, _PATHS), _BASES)
def test_plain_shortcut_resolves_links_like_parsing(href: str, base: str) -> None:
    fast = urls.canonical_link.__wrapped__(href, base)
    assert fast == urls._canonical_link_parsed(href, base)


def test_plain_shortcut_is_taken() -> None:
    """The examples above must exercise the shortcut, not only the parser."""
    assert urls._plain_canonical("http://commonspace.eu:80/news/a-b/") == f"{ROOT}/news/a-b"
    assert urls._plain_canonical("http://127.0.0.1:08080/x") == "http://127.0.0.1:8080/x"
    assert urls._plain_canonical("https://www.commonspace.eu/index.php/x") is None
    assert urls._plain_canonical("https://www.commonspace.eu/x?b=1&PageSpeed=x&a=2") == (
        f"{ROOT}/x?a=2&b=1"
    )
    assert urls._plain_canonical("https://www.commonspace.eu/x?a=%20") is None


@pytest.mark.parametrize(
    ("href", "off"),
    [
        ("https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fwww.commonspace.eu", True),
        ("//twitter.com/intent/tweet", True),
        ("HTTP://Example.ORG.:8080/x", True),
        ("https://commonspace.eu/news/x", False),
        ("https://WWW.commonspace.eu./news/x", False),
        ("/news/x", False),
        ("news/x", False),
        ("mailto:someone@example.org", False),  # not a web link at all: left to the parser
        ("https://user@evil.example/x", False),  # unusual: left to the parser
        ("https://[::1]/x", False),
    ],
)
def test_surely_off_site(href: str, off: bool) -> None:
    assert urls.surely_off_site(href, f"{ROOT}/news/page") is off


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_URLS, _PATHS), _BASES)
def test_surely_off_site_never_drops_a_site_link(href: str, base: str) -> None:
    """What the cheap check calls off-site is never, once canonicalised, on the site."""
    if urls.surely_off_site(href, base):
        link = urls.canonical_link(href, base)
        assert link is None or not is_same_site(link, base)
