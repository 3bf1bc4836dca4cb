"""A saved page read from disk (``scrape parse FILE``): bounded before it is read, and the URL
it is read as.

The parser caps a page at ``MAX_BYTES`` (20 MB); a file is read no further than one byte past
that, so a device (``/dev/zero``) or a huge file is refused after 20 MB instead of being read to
its end. Without ``--url`` the page is read as served at the URL it names for itself (its
canonical link, ``og:url``, its shortlink), else at the site's front page — a legacy page whose
fields depend on its URL then says so in its warnings, and the caller says the URL was guessed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from core.errors import UsageError

from .config import DEFAULT_BASE_URL
from .parse import declared_url
from .parse.decode import MAX_BYTES

FRONT_PAGE = DEFAULT_BASE_URL + "/"


@dataclass(frozen=True)
class SavedPage:
    """The bytes of a saved page and the URL to read it as (``guessed``: no URL was known)."""

    data: bytes
    url: str
    guessed: bool = False


def read_bounded(path: str) -> bytes:
    """The bytes of ``path`` (``-``: standard input), at most ``MAX_BYTES``; UsageError beyond."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"{path}: larger than {MAX_BYTES >> 20} MB, so not a saved page")
    return data


def read_saved_page(path: str, url: str | None = None) -> SavedPage:
    """The page saved at ``path`` and the URL to parse it as: ``url``, else its own."""
    data = read_bounded(path)
    if url:
        return SavedPage(data, url)
    declared = declared_url(data, FRONT_PAGE)
    return SavedPage(data, declared) if declared else SavedPage(data, FRONT_PAGE, guessed=True)
