"""The ``articles/`` folder: the latest JSON of each article, one file per article.

``articles/<section>/<slug>.json`` comes from the article's canonical URL
(``https://www.commonspace.eu/news/some-title`` → ``news/some-title.json``). URLs are input from
the web, so every path part is sanitised: percent-escapes decoded, anything but letters, digits,
``.``, ``_`` and ``-`` replaced, no leading dot (so never ``..``), at most 120 bytes. A part
that had to be changed gets a short hash of the URL appended so two URLs cannot share a file;
with no usable slug the name is ``node-<id>.json``, else ``url-<hash>.json``. Files are replaced
atomically, so a reader never sees half an article.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from contextlib import suppress
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from core.errors import ArchiveError

from .layout import articles_dir

_UNSAFE = re.compile(r"[^\w.-]+")
_DASHES = re.compile(r"-{2,}")
_MAX_BYTES = 120
_DEFAULT_SECTION = "other"


def _url_hash(url: str, n: int) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:n]


def _clean(part: str) -> str:
    """A path part made of safe characters only; "" when nothing usable is left."""
    text = unicodedata.normalize("NFC", unquote(part))
    text = _DASHES.sub("-", _UNSAFE.sub("-", text)).strip("-.")
    raw = text.encode("utf-8")
    if len(raw) > _MAX_BYTES:
        text = raw[:_MAX_BYTES].decode("utf-8", errors="ignore").rstrip("-.")
    return text


def _safe(part: str, url: str) -> str:
    """``_clean(part)``, plus a hash of the URL when cleaning changed anything."""
    cleaned = _clean(part)
    original = unicodedata.normalize("NFC", unquote(part))
    if cleaned and cleaned != original:
        cleaned = f"{cleaned}-{_url_hash(url, 8)}"
    return cleaned


def article_relpath(url: str, node_id: int | None = None, section: str | None = None) -> str:
    """``<section>/<slug>.json`` for an article URL: always relative, never leaving the folder."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) >= 2:
        folder, slug_parts = parts[0], parts[1:]
    else:
        folder, slug_parts = section or _DEFAULT_SECTION, parts
    folder = _safe(folder, url) or _DEFAULT_SECTION
    slug = _safe("-".join(slug_parts), url) if slug_parts else ""
    if not slug:
        slug = f"node-{int(node_id)}" if node_id is not None else f"url-{_url_hash(url, 16)}"
    rel = PurePosixPath(folder, slug + ".json")
    # Defence in depth: the construction above cannot produce these, and must never.
    if rel.is_absolute() or ".." in rel.parts or len(rel.parts) != 2:
        raise ArchiveError(url, f"unsafe article path {rel}")
    return str(rel)


def article_json_path(archive_dir: Path, article: dict[str, Any]) -> Path:
    """Where ``write_article_json`` puts this article dict."""
    node_id = article.get("node_id")
    rel = article_relpath(
        str(article["url"]),
        node_id if isinstance(node_id, int) else None,
        article.get("section") if isinstance(article.get("section"), str) else None,
    )
    return articles_dir(archive_dir) / rel


def write_article_json(archive_dir: Path, article: dict[str, Any]) -> Path:
    """Write ``article`` (an ``Article.to_dict()``) as pretty UTF-8 JSON, atomically."""
    target = article_json_path(archive_dir, article)
    data = (json.dumps(article, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:  # no fsync: derived data, rebuilt from the WARCs
            fh.write(data)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise ArchiveError(str(target), f"cannot write article JSON: {exc}") from exc
    finally:
        if tmp is not None:
            with suppress(FileNotFoundError):
                os.unlink(tmp)
    return target
