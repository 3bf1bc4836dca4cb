"""``scrape history`` and ``scrape changes``: an article's versions, and what changed between two.

A version is one content hash (title, lede, body, source line); a new "Related articles" block
never makes one. ``diff_versions`` compares two versions word by word and names each change:

    headline        the title changed
    lede            the lead paragraph changed
    body            body text changed (words added, removed or replaced)
    quote removed   a direct quote of the older version is gone
    quote changed   a quote's words changed (same speaker and paragraph)
    source line     the ``source:`` line changed
    correction note a paragraph that reads as a correction or update was added
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import UsageError
from core.model import Capture

from .details import find_versions
from .index import Index

_CORRECTION = re.compile(
    r"^\W*(correction|corrected|clarification|update[d]?|editor'?s note|this (article|story) "
    r"(was|has been) (amended|corrected|updated))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WordOp:
    """One difference: ``op`` is replace, delete or insert; the words before and after."""

    op: str
    old: str
    new: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class Change:
    """One classified change between two versions, with its word-level differences."""

    kind: str  # headline | lede | body | quote removed | quote changed | source line | …
    words: tuple[WordOp, ...] = ()
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "detail": self.detail,
            "words": [w.to_dict() for w in self.words],
        }


@dataclass(frozen=True)
class Version:
    """One version (1 = oldest) with the captures and revisits that saw it."""

    number: int
    content_hash: str
    first_seen: str
    last_seen: str
    json: dict[str, Any]
    captures: tuple[Capture, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "content_hash": self.content_hash,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "captures": [c.to_dict() for c in self.captures],
        }


@dataclass(frozen=True)
class History:
    """Every version of one article, and the revisits (re-checks that found it unchanged)."""

    url: str
    versions: tuple[Version, ...]
    revisits: tuple[tuple[Capture, str], ...]

    def version(self, number: int) -> Version:
        if not 1 <= number <= len(self.versions):
            raise UsageError(f"{self.url} has versions 1 to {len(self.versions)}, not {number}")
        return self.versions[number - 1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "versions": [v.to_dict() for v in self.versions],
            "revisits": [dict(c.to_dict(), refers_to=r) for c, r in self.revisits],
        }


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """The word-level differences between two texts (equal stretches left out)."""
    a, b = old.split(), new.split()
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return tuple(
        WordOp(tag, " ".join(a[i1:i2]), " ".join(b[j1:j2])) for tag, i1, i2, j1, j2 in ops
        if tag != "equal"
    )  # fmt: skip


def _text(value: Any) -> str:
    return str(value or "")


def _quotes(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [q for q in doc.get("quotes") or () if isinstance(q, dict) and q.get("text")]


def _quote_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    out = []
    new_quotes = _quotes(new)
    new_texts = {q["text"] for q in new_quotes}
    body_now = " ".join(_text(p) for p in new.get("body") or ())
    for q in _quotes(old):
        if q["text"] in new_texts:
            continue
        twin = next(
            (n for n in new_quotes if n.get("speaker") == q.get("speaker")
             and n.get("paragraph") == q.get("paragraph")),
            None,
        )  # fmt: skip
        who = f" ({q['speaker']})" if q.get("speaker") else ""
        if twin is not None:
            out.append(Change("quote changed", word_diff(q["text"], twin["text"]), who.strip()))
        elif q["text"] not in body_now:
            out.append(Change("quote removed", (WordOp("delete", q["text"], ""),), who.strip()))
    return out


def diff_versions(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """What changed from article JSON ``old`` to ``new``, classified, word by word."""
    changes = []
    for key, kind in (("title", "headline"), ("lede", "lede")):
        if _text(old.get(key)) != _text(new.get(key)):
            changes.append(Change(kind, word_diff(_text(old.get(key)), _text(new.get(key)))))
    old_body: Sequence[str] = old.get("body") or ()
    new_body: Sequence[str] = new.get("body") or ()
    before = [_text(old.get("lede")), *old_body]
    notes = [p for p in (_text(new.get("lede")), *new_body) if _CORRECTION.match(p)]
    notes = [p for p in notes if p not in before]
    rest_new = [p for p in new_body if p not in notes]
    if list(old_body) != rest_new:
        changes.append(Change("body", word_diff("\n".join(old_body), "\n".join(rest_new))))
    changes.extend(Change("correction note", (WordOp("insert", "", p),)) for p in notes)
    changes.extend(_quote_changes(old, new))
    old_src = _text((old.get("source") or {}).get("text"))
    new_src = _text((new.get("source") or {}).get("text"))
    if old_src != new_src:
        changes.append(Change("source line", word_diff(old_src, new_src)))
    return changes


def article_history(archive_dir: Path, url: str) -> History:
    """Every version of the article at ``url`` with its captures, and its revisits."""
    with Index.open_readonly(archive_dir) as index:
        return history_from(index, url)


def history_from(index: Index, url: str) -> History:
    """``article_history`` on an index already open."""
    candidate, rows = find_versions(index, url)
    versions = tuple(
        Version(n, r.content_hash, r.first_seen, r.last_seen, r.json,
                tuple(index.version_captures(r.id)))
        for n, r in enumerate(rows, start=1)
    )  # fmt: skip
    return History(candidate, versions, tuple(index.revisits(candidate)))


@dataclass(frozen=True)
class Edit:
    """An article edited since a date: its last two versions and what changed."""

    url: str
    title: str
    versions: int
    changed_at: str
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "versions": self.versions,
            "changed_at": self.changed_at,
            "changes": [c.to_dict() for c in self.changes],
        }


def changes_since(archive_dir: Path, since: str) -> list[Edit]:
    """Every article with a new version first seen on or after ``since`` (ISO date), newest
    first, with what changed between its last two versions."""
    out = []
    with Index.open_readonly(archive_dir) as index:
        for url in index.edited_since(since):
            rows = index.version_rows(url)
            old, new = rows[-2], rows[-1]
            out.append(Edit(url, _text(new.json.get("title")), len(rows), new.first_seen,
                            tuple(diff_versions(old.json, new.json))))  # fmt: skip
    return out
