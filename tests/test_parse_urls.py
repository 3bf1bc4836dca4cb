"""URL normalisation: one article, one canonical URL."""

from __future__ import annotations

import pytest

from scraper.errors import UsageError
from scraper.urls import canonicalize, is_same_site, node_id_from_url, section_of

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
