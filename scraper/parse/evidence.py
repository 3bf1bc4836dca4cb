"""Structured metadata of a page, and the layered pick of each field from its evidence.

Layers, in order of trust (the names recorded in ``Article.evidence``):

    rdfa          RDFa attributes Drupal prints (``property="schema:dateCreated" content=…``)
    jsonld        ``<script type="application/ld+json">`` objects
    meta          ``<meta property="og:…">``, ``article:…``, ``name=…``, ``http-equiv``
    canonical     ``<link rel="canonical">``
    shortlink     ``<link rel="shortlink">`` (Drupal's ``/node/N``)
    html-lang     ``<html lang>``
    drupal-field  Drupal field wrappers (``field--name-body``, ``field--name-field-type``, …)
    drupal-attr   Drupal attributes (``data-history-node-id``)
    drupal-class  Drupal classes (``page-node-N`` on ``<body>``)
    markup-class  common theme classes (``.standfirst``, ``.byline``, ``<time datetime>``)
    markup        the elements themselves (``<img>`` inside the article)
    h1            the page's main heading
    title-tag     ``<title>``, site name removed
    heading       the first ``<h2>``/``<h3>`` of a page without ``<h1>``; for Related and
                  Popular, the block heading ("Related articles", "Popular", "Most read")
    taxonomy-link links to ``/region/…``, ``/theme/…`` in the article
    visible-text  what a reader sees (date lines, labels, the ``source:`` line, body text)
    generic       for the body: the densest element of the page, judged by text against links
                  alone (``density.py``), when no layer above gave a body it trusts
    text          a property of the text itself (its script, for the language)
    lede          named in the lead paragraph ("…writes X in this op-ed")
    url           the URL itself (for a date: one in its path)
    listing       the listing that led to the page (its type label)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from selectolax.lexbor import LexborNode

from scraper.parse.dom import Page
from scraper.parse.markup import norm

T = TypeVar("T")

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "report",
        "scholarlyarticle",
        "socialmediaposting",
    }
)
MAX_JSONLD_CHARS = 1_000_000


@dataclass
class Meta:
    """The page's machine-readable metadata, read once."""

    props: dict[str, list[str]] = field(default_factory=dict)  # meta property/name → contents
    rels: dict[str, list[str]] = field(default_factory=dict)  # link rel → hrefs
    jsonld: list[dict[str, Any]] = field(default_factory=list)  # every object, @graph flattened
    html_lang: str | None = None
    body_classes: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)
    base: LexborNode | None = None  # the first <base href>

    def first(self, *names: str) -> str | None:
        """The first non-empty content among meta tags called ``names`` (in that order)."""
        for name in names:
            for value in self.props.get(name, ()):
                value = norm(value)
                if value:
                    return value
        return None

    def rel(self, name: str) -> str | None:
        hrefs = self.rels.get(name)
        return hrefs[0] if hrefs else None

    def article_ld(self) -> dict[str, Any] | None:
        """The first JSON-LD object typed as an article (NewsArticle, BlogPosting, …)."""
        for obj in self.jsonld:
            if ld_types(obj) & ARTICLE_TYPES:
                return obj
        return None


def ld_types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    items = raw if isinstance(raw, list) else [raw]
    return {t.lower().rsplit("/", 1)[-1] for t in items if isinstance(t, str)}


def _walk_jsonld(value: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 12:
        return
    if isinstance(value, list):
        for item in value:
            _walk_jsonld(item, out, depth + 1)
    elif isinstance(value, dict):
        out.append(value)
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(value.get(key), list | dict):
                _walk_jsonld(value[key], out, depth + 1)


def read_meta(page: Page) -> Meta:
    """Collect meta tags, link rels, JSON-LD, ``<html lang>`` and ``<body class>``."""
    meta = Meta()
    by_tag: dict[str, list[tuple[LexborNode, dict[str, str | None]]]] = {
        "html": [], "meta": [], "link": [], "script": [], "base": []
    }  # fmt: skip
    for node, tag, attrs in page.metadata():  # split by tag: exact, as each tag can only have
        group = by_tag.get(tag)  # matched its own alternative of the query
        if group is not None:
            group.append((node, attrs))
    for _, attrs in by_tag["meta"]:
        content = attrs.get("content")
        if content is None:
            continue
        for key in ("property", "name", "http-equiv", "itemprop"):
            name = attrs.get(key)
            if name:
                meta.props.setdefault(name.strip().lower(), []).append(content)
    for _, attrs in by_tag["link"]:
        href = attrs.get("href") or ""
        for rel in (attrs.get("rel") or "").lower().split():
            meta.rels.setdefault(rel, []).append(href)
    for node, _ in by_tag["script"]:
        raw = node.text(deep=True) or ""
        if len(raw) > MAX_JSONLD_CHARS:
            meta.warnings.append("JSON-LD block too large; ignored")
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            meta.warnings.append("JSON-LD block is not valid JSON; ignored")
            continue
        _walk_jsonld(data, meta.jsonld)
    meta.base = by_tag["base"][0][0] if by_tag["base"] else None
    if by_tag["html"]:
        html = by_tag["html"][0][1]
        lang = html.get("lang") or html.get("xml:lang")
        meta.html_lang = norm(lang) if lang and norm(lang) else None
    body = page.tree.body
    if body is not None:
        meta.body_classes = tuple((body.attributes.get("class") or "").split())
    return meta


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as one string (first item of a list, ``name`` of an object)."""
    if isinstance(value, list):
        for item in value:
            text = ld_text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return ld_text(value.get("name") or value.get("@value"))
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return norm(str(value)) or None
    return None


def ld_names(value: Any) -> list[str]:
    """Every name in a JSON-LD ``author``-like value (string, object, or list of either)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = ld_text(item)
        if name:
            names.append(name)
    return names


class Evidence:
    """Picks each field from the first layer that has it and remembers which layer that was."""

    def __init__(self) -> None:
        self.layers: dict[str, str] = {}
        self.warnings: list[str] = []

    def pick(
        self,
        name: str,
        layers: Iterable[tuple[str, Callable[[], T | None]]],
        missing: str | None = None,
    ) -> T | None:
        """The first non-empty value the ``layers`` give; warn with ``missing`` when none does."""
        for layer, get in layers:
            value = get()
            if value is not None and value != "" and value != () and value != []:
                self.layers[name] = layer
                return value
        if missing:
            self.warnings.append(missing)
        return None

    def note(self, name: str, layer: str) -> None:
        self.layers[name] = layer

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
