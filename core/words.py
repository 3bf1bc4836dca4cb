"""Counting words: "1 version", "2 versions" — never "1 versions"."""

from __future__ import annotations

__all__ = ["plural"]


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1 (``many`` for an irregular plural)."""
    return f"{n} {noun}" if n == 1 else f"{n} {many or noun + 's'}"
