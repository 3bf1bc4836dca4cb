"""archive.articles: article JSON files land safely inside ARCHIVE/articles, written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive import article_json_path, article_relpath, write_article_json

ROOT = "https://www.commonspace.eu"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{ROOT}/news/peace-talks-resume", "news/peace-talks-resume.json"),
        (f"{ROOT}/opinion/why-it-matters/", "opinion/why-it-matters.json"),
        (f"{ROOT}/news/2024/05/title", "news/2024-05-title.json"),
    ],
)
def test_relpath_from_canonical_url(url: str, expected: str) -> None:
    """<section>/<slug>.json comes straight from a clean canonical URL."""
    assert article_relpath(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        f"{ROOT}/news/../../../etc/passwd",
        f"{ROOT}/../..",
        f"{ROOT}/news/%2e%2e%2f%2e%2e%2fsecret",
        f"{ROOT}/news/..%5c..%5cwin",
        f"{ROOT}//absolute//path",
        f"{ROOT}/news/a:b*c?d=<e>|f",
        f"{ROOT}/news/" + "x" * 400,
        f"{ROOT}/%00/%0a",
        "file:///etc/passwd",
        f"{ROOT}/",
    ],
)
def test_relpath_never_leaves_folder(tmp_path: Path, url: str) -> None:
    """Hostile or odd URLs give a two-part relative path of safe characters inside articles/."""
    rel = Path(article_relpath(url, node_id=7))
    assert not rel.is_absolute()
    assert len(rel.parts) == 2
    assert all(p not in ("", ".", "..") and not p.startswith(".") for p in rel.parts)
    assert all(len(p.encode()) <= 160 for p in rel.parts)
    assert all(c.isalnum() or c in "._-" for c in str(rel).replace("/", ""))
    root = (tmp_path / "articles").resolve()
    assert (root / rel).resolve().is_relative_to(root)


def test_changed_names_do_not_collide() -> None:
    """Two URLs that sanitise alike still get different files (a hash is added)."""
    a = article_relpath(f"{ROOT}/news/a b")
    b = article_relpath(f"{ROOT}/news/a*b")
    assert a != b
    assert a.startswith("news/a-b-")


def test_unicode_slug_kept() -> None:
    """Percent-encoded non-Latin slugs are decoded, not mangled."""
    assert (
        article_relpath(f"{ROOT}/news/%D0%95%D1%80%D0%B5%D0%B2%D0%B0%D0%BD") == "news/Ереван.json"
    )


def test_fallbacks() -> None:
    """With no usable slug the name is node-<id>.json, else url-<hash>.json."""
    assert article_relpath(f"{ROOT}/", node_id=12) == "other/node-12.json"
    assert article_relpath(f"{ROOT}/?q=1", section="news").startswith("news/url-")
    assert article_relpath(f"{ROOT}/news/...", node_id=5) == "news/node-5.json"


def test_write_article_json_atomic(tmp_path: Path) -> None:
    """write_article_json writes pretty UTF-8 JSON, replaces it, and leaves no temp files."""
    article = {"url": f"{ROOT}/news/tbilisi", "node_id": 3, "title": "Тбилиси"}
    path = write_article_json(tmp_path, article)
    assert path == tmp_path / "articles" / "news" / "tbilisi.json"
    assert path == article_json_path(tmp_path, article)
    text = path.read_text(encoding="utf-8")
    assert "Тбилиси" in text and text.startswith("{\n  ")
    write_article_json(tmp_path, {**article, "title": "Tbilisi"})
    assert json.loads(path.read_text(encoding="utf-8"))["title"] == "Tbilisi"
    assert [p.name for p in path.parent.iterdir()] == ["tbilisi.json"]
