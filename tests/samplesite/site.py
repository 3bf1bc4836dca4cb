"""The sample site: its articles (ground truth), its listings, and how it answers a request.

``SampleSite.handle`` is the whole site as a function from a request line and headers to a
``Response`` (status, headers, decoded body, and whether to gzip and/or chunk it); the HTTP
mechanics live in ``server.py``. Everything is deterministic for a given seed and request
sequence: only the "Related articles" and "Popular" blocks depend on a per-request counter.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from random import Random
from typing import TYPE_CHECKING, Any

from . import render, routes
from .content import assign_terms, draft_article, plan_dates
from .routes import Response
from .truth import (
    ACCOUNTS,
    LEGACY_ACCOUNT,
    LISTINGS,
    REGIONS,
    RESERVED_TOP,
    TERMS,
    VOICES_SECTIONS,
    ArticleTruth,
    Listing,
    Term,
    iso_utc,
    normalise_ws,
    slugify,
)

if TYPE_CHECKING:
    from .faults import Fault

_FORCED_SECTIONS = (
    "news",
    "opinion",
    "interview",
    "live-blog",
    "commentary",
    "analysis",
    "event",
    "editorial",
    "news",
    "interview",
    "commentary",
    "news",
)
_SECTION_WEIGHTS = {
    "news": 55,
    "opinion": 10,
    "analysis": 8,
    "interview": 6,
    "editorial": 5,
    "commentary": 8,
    "event": 5,
    "live-blog": 2,
}
_FORCED_PICKS = frozenset({0, 1, 2, 4, 5, 7, 9})
_CACHE_SIZE = 2048
_UNSET: Any = object()


@dataclass(frozen=True)
class SiteConfig:
    """How to build the sample site. Same config, same site."""

    seed: int = 7
    n_articles: int = 60
    per_page: int = 10
    crawl_delay: float | None = None
    record_bodies: bool = True  # keep every served body in ``served_bodies`` (off for benches)
    related_count: int = 3
    popular_count: int = 4


class _LRU:
    """A small thread-safe cache of rendered pages (handler threads share it)."""

    def __init__(self) -> None:
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            return self._data.get(key)

    def put(self, key: Any, value: Any) -> Any:
        with self._lock:
            self._data[key] = value
            if len(self._data) > _CACHE_SIZE:
                self._data.popitem(last=False)
        return value


class SampleSite:
    """A deterministic commonspace-like site. See the package docstring for the API."""

    def __init__(self, config: SiteConfig | None = None) -> None:
        self.config = config or SiteConfig()
        self.request_log: list[tuple[str, str, int]] = []
        self.served_bodies: dict[str, list[bytes]] = {}
        self.faults: dict[str, Fault] = {}  # path -> fault (see faults.py); empty = healthy
        self.base_url = "http://127.0.0.1"
        self._lock = threading.RLock()
        self._counter = 0
        self._added = 0
        self._articles: list[ArticleTruth] = []
        self._by_nid: dict[int, ArticleTruth] = {}
        self._by_path: dict[str, ArticleTruth] = {}
        self._taken: set[str] = set()
        self._members: dict[str, list[ArticleTruth]] = {}
        self._cache: _LRU = _LRU()
        self._picks: list[ArticleTruth] = []
        self._build()

    # ---------------------------------------------------------------------------- building

    def _build(self) -> None:
        cfg = self.config
        rng = Random(f"{cfg.seed}:site")
        dates, n_legacy = plan_dates(rng, cfg.n_articles)
        sections = list(_SECTION_WEIGHTS)
        weights = list(_SECTION_WEIGHTS.values())
        accounts = list(ACCOUNTS)
        nid = 100
        built: list[ArticleTruth] = []
        for i, when in enumerate(dates):  # oldest first
            legacy = i < n_legacy
            newest_rank = len(dates) - 1 - i
            forced = newest_rank if newest_rank < len(_FORCED_SECTIONS) and not legacy else None
            if legacy:
                nid += rng.randint(3, 60)
                section = "news" if rng.random() < 0.6 else None
            else:
                nid = max(nid + rng.randint(1, 5), 9000)
                section = (
                    _FORCED_SECTIONS[forced]
                    if forced is not None
                    else rng.choices(sections, weights)[0]
                )
            pick = (not legacy) and (
                (forced is not None and forced in _FORCED_PICKS) or rng.random() < 0.2
            )
            account = LEGACY_ACCOUNT[0] if legacy else rng.choice(accounts)
            built.append(self._make(rng, nid, section, when, legacy, forced, pick, account))
        built.reverse()
        self._articles = built
        self._reindex()

    def _make(
        self,
        rng: Random,
        nid: int,
        section: str | None,
        when: datetime,
        legacy: bool,
        forced: int | None,
        pick: bool,
        account: str,
    ) -> ArticleTruth:
        primary = rng.choices(REGIONS, weights=(40, 15, 7, 8, 6, 7, 5, 7, 5))[0]
        d = draft_article(self.config.seed, nid, section, primary.slug, legacy, forced)
        regions, themes = assign_terms(rng, primary, d.type)
        slug = slugify(d.title)
        path = f"/{section}/{slug}" if section else f"/{slug}"
        if section is None and slug.split("-")[0] in RESERVED_TOP:
            path = f"/news/{slug}"
            section = "news"  # the section is the URL prefix, whatever the CMS era
        base, n = path, 0
        while path in self._taken:
            path = f"{base}-{n}"
            n += 1
        self._taken.add(path)
        images: tuple[str, ...] = ()
        if legacy:
            images = (f"/sites/default/files/old_site/{nid}.jpg",) if rng.random() < 0.5 else ()
        elif rng.random() < 0.85:
            images = (
                f"/sites/default/files/styles/article_full/public/{when:%Y-%m}/"
                f"{slug[:40]}.jpg?itok={nid * 7919 % 99991:05d}",
            )
        published = iso_utc(when)
        truth = ArticleTruth(
            node_id=nid,
            url_path=path,
            section=section,
            type=d.type,
            title=d.title,
            lede=d.lede,
            body=tuple(normalise_ws(p) for p in d.body),
            source_text=d.source_text,
            source_outlets=d.source_outlets,
            source_agencies=d.source_agencies,
            photo_caption=d.photo_caption,
            photo_credit=d.photo_credit,
            published=published,
            authors=(account,),
            regions=regions,
            themes=themes,
            quotes=tuple((q, s) for q, s, _ in d.quotes),
            editors_choice=pick,
            quote_paragraphs=tuple(p for _, _, p in d.quotes),
            entries=d.entries,
            teaser=d.lede or d.body[0],
            modified=published,
            images=images,
            legacy=legacy,
            photo_text=d.photo_text,
        )
        return truth

    def _reindex(self) -> None:
        self._by_nid = {a.node_id: a for a in self._articles}
        self._by_path = {a.url_path: a for a in self._articles}
        self._members = {}
        self._cache = _LRU()
        self._picks = [a for a in self._articles if a.editors_choice][:12]

    # ---------------------------------------------------------------------------- truth API

    @property
    def articles(self) -> list[ArticleTruth]:
        """Every article, newest first."""
        return list(self._articles)

    def article(self, node_id: int) -> ArticleTruth:
        return self._by_nid[node_id]

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every taxonomy term (regions and themes) with its id, name and listing path."""
        return TERMS

    def term_ids(self) -> dict[str, int]:
        """Listing slug -> term id, e.g. ``{"region/south-caucasus": 24, ...}``."""
        out = {t.path.lstrip("/"): t.tid for t in TERMS}
        for t in TERMS:
            for alias in t.aliases:
                out[alias.lstrip("/")] = t.tid
        return out

    def listing_slugs(self) -> list[str]:
        """Every listing a crawler may be asked for (regions, themes, voices)."""
        out = [t.path.lstrip("/") for t in TERMS if t.kind == "Region"]
        out.insert(out.index("region/turkiye-and-levant") + 1, "region/turkey-and-levant")
        out += [t.path.lstrip("/") for t in TERMS if t.kind == "Theme"]
        return [*out, "voices"]

    def listing_path(self, slug: str) -> str:
        """The canonical path of a listing, e.g. ``"/region/south-caucasus"``."""
        return self._listing(slug).path

    def _listing(self, slug: str) -> Listing:
        key = slug.strip("/") or "front"
        if key not in LISTINGS:
            raise KeyError(f"no listing {slug!r}; try one of {self.listing_slugs()}")
        return LISTINGS[key]

    def section_articles(self, slug: str) -> list[ArticleTruth]:
        """The articles a listing shows, in listing order (all pages, newest first)."""
        return list(self._members_of(self._listing(slug)))

    def _members_of(self, lst: Listing) -> list[ArticleTruth]:
        cached = self._members.get(lst.key)
        if cached is not None:
            return cached
        if lst.term is not None:
            name = lst.term.name
            sel = [a for a in self._articles if name in a.regions or name in a.themes]
        elif lst.key == "voices":
            sel = [a for a in self._articles if a.section in VOICES_SECTIONS]
        else:
            sel = list(self._articles)
        self._members[lst.key] = sel
        return sel

    def featured(self, slug: str) -> list[ArticleTruth]:
        """The 1–2 featured items at the top of a listing (they also appear in the list)."""
        members = self._members_of(self._listing(slug))
        picks = [a for a in members if a.editors_choice][:2]
        return picks or members[:1]

    def listing_page(self, slug: str, page: int) -> list[ArticleTruth]:
        """The items of ``?page=N``; a page past the end shows page 0's items again."""
        members = self._members_of(self._listing(slug))
        return self._page(members, page)

    def _page(self, members: Sequence[ArticleTruth], page: int) -> list[ArticleTruth]:
        per = self.config.per_page
        if page < 0 or page * per >= len(members):
            page = 0
        return list(members[page * per : (page + 1) * per])

    def editors_picks(self) -> list[ArticleTruth]:
        """The latest editor's picks: the pool "Related articles" is drawn from."""
        return list(self._picks)

    # ---------------------------------------------------------------------------- mutation

    def add_article(
        self,
        *,
        title: str | None = None,
        section: str = "news",
        body: Sequence[str] | None = None,
        lede: str | None = _UNSET,
        editors_choice: bool = False,
    ) -> ArticleTruth:
        """Publish a new article (newest of all); listings and feeds show it from now on."""
        with self._lock:
            self._added += 1
            rng = Random(f"{self.config.seed}:added:{self._added}")
            newest = max(self._articles, key=lambda a: a.published_dt, default=None)
            when = newest.published_dt if newest else datetime(2025, 9, 1, tzinfo=UTC)
            when += timedelta(hours=1)
            nid = max(self._by_nid, default=9000) + rng.randint(1, 3)
            truth = self._make(
                rng, nid, section, when, False, None, editors_choice, rng.choice(list(ACCOUNTS))
            )
            truth = self._override(truth, title=title, body=body, lede=lede)
            self._articles.insert(0, truth)
            self._reindex()
            return truth

    def edit_article(
        self,
        node_id: int,
        *,
        body: Sequence[str] | None = None,
        title: str | None = None,
        lede: str | None = _UNSET,
    ) -> ArticleTruth:
        """Change an article's text; its ETag and Last-Modified change, its URL does not."""
        with self._lock:
            old = self._by_nid[node_id]
            clock = max(a.modified_dt for a in self._articles) + timedelta(hours=1)
            new = self._override(old, title=title, body=body, lede=lede)
            new = replace(new, revision=old.revision + 1, modified=iso_utc(clock))
            self._articles = [new if a.node_id == node_id else a for a in self._articles]
            self._reindex()
            return new

    @staticmethod
    def _override(
        a: ArticleTruth, *, title: str | None, body: Sequence[str] | None, lede: str | None
    ) -> ArticleTruth:
        if title is not None:
            a = replace(a, title=title)
        if lede is not _UNSET:
            a = replace(a, lede=lede)
        if body is not None:
            a = replace(
                a,
                body=tuple(normalise_ws(p) for p in body),
                quotes=(),
                quote_paragraphs=(),
                entries=(),
            )
        return replace(a, teaser=a.lede or (a.body[0] if a.body else ""))

    # ---------------------------------------------------------------------------- rendering

    def _link(self, a: ArticleTruth, salt: int) -> str:
        """How a listing links to an article: mostly clean, sometimes a duplicate URL form."""
        roll = (a.node_id * 2654435761 + salt * 40503) % 16
        if roll < 2:
            return "/index.php" + a.url_path
        if roll == 2:
            return a.url_path + "?PageSpeed=noscript"
        if roll < 5:
            return self.base_url + a.url_path
        return a.url_path

    def article_parts(self, a: ArticleTruth) -> tuple[str, str, str]:
        """The page around Related/Popular (cached), and the article's ETag."""
        key = ("article", a.node_id, a.revision, self.base_url)
        hit = self._cache.get(key)
        if hit is None:
            before, after = render.article_parts(a, self.base_url, self.config.seed)
            digest = hashlib.sha1(f"{a!r}".encode()).hexdigest()[:16]
            hit = self._cache.put(key, (before, after, f'W/"{a.node_id}-{digest}"'))
        return hit  # type: ignore[no-any-return]

    def render_article(self, node_id: int, counter: int | None = None) -> bytes:
        """The article page as served; ``counter`` picks Related/Popular (next one if None)."""
        a = self._by_nid[node_id]
        before, after, _ = self.article_parts(a)
        if counter is None:
            counter = self.next_counter()
        return (before + self.page_blocks(a, counter) + after).encode()

    def next_counter(self) -> int:
        """Count one more article request (what makes Related/Popular change)."""
        with self._lock:
            self._counter += 1
            return self._counter

    def find_path(self, path: str) -> ArticleTruth | None:
        """The article whose clean URL path is ``path``."""
        return self._by_path.get(path)

    def find_node(self, node_id: int) -> ArticleTruth | None:
        return self._by_nid.get(node_id)

    def page_blocks(self, a: ArticleTruth, counter: int) -> str:
        """The "Related articles" and "Popular" blocks for request number ``counter``."""
        picks = [p for p in self._picks if p.node_id != a.node_id]
        pool = [p for p in self._articles[:40] if p.node_id != a.node_id]
        seed = self.config.seed
        related = self._window(
            picks, seed * 7 + counter * self.config.related_count, self.config.related_count
        )
        popular = self._window(
            pool, seed * 13 + counter * self.config.popular_count, self.config.popular_count
        )
        return render.dynamic_blocks(
            [(p, self._related_link(p, counter)) for p in related],
            [(p, self._related_link(p, counter + 1)) for p in popular],
        )

    def _related_link(self, a: ArticleTruth, counter: int) -> str:
        return self.base_url + a.url_path if (a.node_id + counter) % 5 == 0 else a.url_path

    @staticmethod
    def _window(items: Sequence[ArticleTruth], start: int, size: int) -> list[ArticleTruth]:
        if not items:
            return []
        n = len(items)
        return [items[(start + k) % n] for k in range(min(size, n))]

    def listing_html(self, lst: Listing, page: int, filters: list[tuple[str, str]]) -> bytes:
        key = ("listing", lst.key, page, tuple(filters), self.base_url)
        hit = self._cache.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        members = self._filtered(self._members_of(lst), filters)
        items = [(a, self._link(a, lst.salt)) for a in self._page(members, page)]
        if lst.key == "node":
            text = render.archive_page(self.base_url, items=items, page=page, extra=filters)
        else:
            feat = [(a, self._link(a, lst.salt + 1)) for a in self.featured(lst.key)]
            canonical = lst.path + (f"?page={page}" if page else "")
            body_class = (
                "path-frontpage"
                if lst.key == "front"
                else "path-taxonomy"
                if lst.term
                else "path-voices"
            )
            text = render.listing_page(
                self.base_url,
                path=lst.path,
                canonical=canonical,
                kind=lst.kind,
                name=lst.name,
                description=lst.description,
                featured=feat,
                items=items,
                page=page,
                extra=filters,
                body_class=body_class,
            )
        return self._cache.put(key, text.encode())  # type: ignore[no-any-return]

    @staticmethod
    def _filtered(
        members: list[ArticleTruth], filters: list[tuple[str, str]]
    ) -> list[ArticleTruth]:
        lo = next((v for k, v in filters if k == "created[min]" and v), None)
        hi = next((v for k, v in filters if k == "created[max]" and v), None)
        if not lo and not hi:
            return members
        return [
            a
            for a in members
            if (not lo or a.published[:10] >= lo) and (not hi or a.published[:10] <= hi)
        ]

    def feed_xml(self, term: Term | None) -> bytes:
        key = ("feed", term.tid if term else None, self.base_url)
        hit = self._cache.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        if term is None:
            items = self._articles[:10]
            text = render.rss(
                self.base_url,
                title=render.SITE_NAME,
                link="/",
                description="The latest from commonspace.eu",
                self_path="/rss.xml",
                items=items,
                seed=self.config.seed,
            )
        else:
            items = self._members_of(LISTINGS[term.path.lstrip("/")])[:10]
            text = render.rss(
                self.base_url,
                title=term.name,
                link=f"/taxonomy/term/{term.tid}",
                description=term.description,
                self_path=f"/taxonomy/term/{term.tid}/feed",
                items=items,
                seed=self.config.seed,
            )
        return self._cache.put(key, text.encode())  # type: ignore[no-any-return]

    # ---------------------------------------------------------------------------- requests

    def handle(self, method: str, target: str, headers: routes.Headers) -> Response:
        """Answer one request (``target`` is the request-target, e.g. ``/news/x?page=2``)."""
        return routes.handle(self, method, target, headers)

    def inject(self, path: str, fault: Fault) -> None:
        """Make requests for ``path`` (query ignored) misbehave as ``fault`` says; ``"*"`` is
        every path that has no fault of its own except ``/robots.txt``."""
        with self._lock:
            self.faults[path] = fault

    def clear_faults(self) -> None:
        """Answer every request normally again."""
        with self._lock:
            self.faults.clear()

    def fault_for(self, target: str) -> Fault | None:
        """The fault injected for this request-target's path, if any."""
        if not self.faults:
            return None
        path = target.split("?", 1)[0]
        fault = self.faults.get(path)
        if fault is None and path != "/robots.txt":
            fault = self.faults.get("*")
        return fault

    def record(self, method: str, target: str, status: int, body: bytes | None) -> None:
        """Log one served request (the server calls this just before sending the body)."""
        with self._lock:
            self.request_log.append((method, target, status))
            if body is not None and self.config.record_bodies:
                self.served_bodies.setdefault(target, []).append(body)

    # ---------------------------------------------------------------------------- serving

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve the site over real HTTP in a background thread; yields the base URL."""
        from .server import serve_in_thread

        with serve_in_thread(self, host, port) as base:
            yield base
