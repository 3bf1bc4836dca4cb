"""Bounded memos for the parser's pure functions.

Pages of one site repeat the same labels, class names, teaser lines, dates and URLs, so the
parser remembers what it worked out about them. Every memo is a plain dict looked up inline
by its owner (the common path stays one dict lookup) and filled through :func:`remember`,
which empties it when full: memory stays flat however long a crawl runs.
"""

from __future__ import annotations

from typing import TypeVar

#: Entries a memo holds before it starts over.
MEMO_SIZE = 4096

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, size: int = MEMO_SIZE) -> V:
    """Store ``value`` under ``key`` in ``memo`` (emptied first when it holds ``size``)."""
    if len(memo) >= size:
        memo.clear()
    memo[key] = value
    return value
