"""``scrape daily``: the unattended run from cron. Incremental, resumable, safe to kill.

One run, in order:

1. take the archive lock (``archive.writing``, as every command that writes; a second run gets
   ``ArchiveLocked`` at once, or ``StaleLock`` when the holder looks hung), writing this run's
   deadline into it;
2. repair what a killed run left (``archive.repair``): a torn ``.open`` WARC is cut back to
   its last whole record and closed, then the index is rebuilt from the WARCs, so it holds
   exactly what is durably on disk — nothing lost, nothing twice;
3. robots.txt, then the RSS feeds and every listing from page 0. A listing whose walk has once
   reached the end (a ``walk`` event) stops at the first page showing an article the archive
   already has; one that has not (first run, or a run killed mid-backfill) is walked to its end,
   fetching only what the archive lacks — that is how a backfill resumes;
4. re-check recent articles on a schedule keyed to their publication date, with conditional
   requests; a 304 or the same bytes again becomes a ``revisit`` record;
5. compare the fields of this run's new articles with the archive's (``detect_drift``): which
   are missing, and which no longer come from the site's own markup (``SITE_LAYERS``).

SIGTERM, SIGINT, ``--max-runtime`` passing and an unreachable site all stop the run the same way
(``scraper.control``): requests in flight are cut off, the record being written is finished,
nothing new is started, files are closed, and the summary says why (``stopped``). A walk cut
short is recorded (a ``walk_cut`` event) so the next run reads that listing on past where this
one stopped, instead of stopping at the first article it already has.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from archive import Index, log_event, payload_digest_of, read_record, utc_now
from archive.events import revisit_event, walk_cut_event, walk_event, walk_resumed_event
from archive.repair import Repair
from archive.verify import warc_path
from archive.writing import writing
from core.errors import ArchiveError, FetchError, ParseError, RunStopped, UsageError
from core.model import Article, Capture, Headers, Listing, Teaser
from core.urls import canonicalize
from core.words import plural

from .config import CrawlConfig
from .crawl import (
    Crawler,
    CrawlSummary,
    Event,
    EventSink,
    page_url,
    report_recovery,
    run_deadline,
)
from .fetch import Fetched
from .parse import parse_feed, parse_page
from .sections import ALL_SECTIONS, resolve_section

MAX_DAYS = 3650  # ten years: the longest re-check schedule a config file may ask for
DRIFT_FIELDS = ("title", "published", "body", "lede", "source", "authors", "section", "type")
#: The evidence layers that read the site's own markup (``Article.evidence``), per field. When
#: most new articles' field came from another layer (the generic content layer for the body, a
#: bare heading for the title, a date line for the date), the markup has changed even though
#: every field is still filled: ``detect_drift`` names "<field> from the site's markup".
SITE_LAYERS = {
    "body": frozenset({"rdfa", "drupal-field"}),
    "published": frozenset({"rdfa", "drupal-field", "jsonld", "meta"}),
    "title": frozenset({"rdfa", "jsonld", "meta", "drupal-field"}),
}
FROM_MARKUP = {f"{name} from the site's markup": name for name in SITE_LAYERS}


@dataclass(frozen=True)
class Schedule:
    """When to fetch an archived article again, by its age since publication. Each value is a
    whole number of days from 1 to ``MAX_DAYS``, ``every_run_days`` at most ``until_days``;
    ``enabled=False`` (``recheck = false`` in the config file) re-checks nothing."""

    every_run_days: int = 3  # every run while younger than this
    until_days: int = 30  # then every ``interval_days`` up to this age; never after
    interval_days: int = 7
    enabled: bool = True

    def __post_init__(self) -> None:
        for name in ("every_run_days", "until_days", "interval_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise UsageError(f"{name} must be a whole number of days, not {value!r}")
            if not 1 <= value <= MAX_DAYS:
                raise UsageError(f"{name} must be from 1 to {MAX_DAYS} days, not {value}")
        if self.every_run_days > self.until_days:
            raise UsageError(
                f"every_run_days ({self.every_run_days}) must not be more than until_days "
                f"({self.until_days})"
            )

    def due(self, published: datetime, last_checked: datetime, now: datetime) -> bool:
        if not self.enabled:
            return False
        age = now - published
        if age > timedelta(days=self.until_days):
            return False
        if age <= timedelta(days=self.every_run_days):
            return True
        return now - last_checked >= timedelta(days=self.interval_days)


@dataclass(frozen=True)
class DailyConfig:
    """A daily run: the crawl settings plus what to cover and when to re-check."""

    crawl: CrawlConfig
    sections: tuple[str, ...] = ()  # SECTION specs (see ``resolve_section``); () = all
    feeds: bool = True
    schedule: Schedule = Schedule()
    drift_min_articles: int = 3  # fewer new articles than this: no drift verdict
    drift_history: int = 500  # the latest N archived articles are the baseline
    now: datetime | None = None  # the schedule's "now" (tests); None = the clock

    def listing_urls(self) -> list[str]:
        specs = self.sections or tuple(s.path for s in ALL_SECTIONS)
        return list(dict.fromkeys(resolve_section(s, self.crawl.base_url) for s in specs))

    def feed_urls(self) -> list[str]:
        if not self.feeds:
            return []
        wanted = set(self.listing_urls())
        base = self.crawl.base_url
        return [
            base.rstrip("/") + "/" + s.feed_path
            for s in ALL_SECTIONS
            if s.feed_path and s.url(base) in wanted
        ]


def read_toml(path: Path) -> dict[str, Any]:
    """The options of a ``scrape daily --config`` file, checked; UsageError naming the key."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the config file ({exc})") from None
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "sections" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            if not value:
                raise UsageError(f"{path}: sections = [] names no section; leave the key out to "
                                 "cover every section")  # fmt: skip
            out["sections"] = tuple(value)
        elif key == "feeds" and isinstance(value, bool):
            out["feeds"] = value
        elif key == "recheck" and value is False:
            out["schedule"] = Schedule(enabled=False)
        elif key == "recheck" and isinstance(value, dict):
            unknown = set(value) - {"every_run_days", "until_days", "interval_days"}
            if unknown:
                raise UsageError(f"{path}: [recheck] takes every_run_days, until_days and "
                                 f"interval_days, not {', '.join(sorted(unknown))}")  # fmt: skip
            try:
                out["schedule"] = Schedule(**value)
            except UsageError as exc:
                raise UsageError(f"{path}: [recheck] {exc}") from None
        else:
            raise UsageError(
                f"{path}: unknown or malformed key {key!r} (sections = [...], feeds = true, "
                "recheck = false, [recheck] every_run_days/until_days/interval_days)"
            )
    return out


@dataclass
class DailySummary:
    """What a daily run did. ``drift`` maps a field to (usual rate, this run's rate)."""

    crawl: CrawlSummary
    revisits: int = 0
    rechecked: int = 0
    repairs: list[Repair] = field(default_factory=list)
    reindexed: bool = False
    backfill_pending: list[str] = field(default_factory=list)
    drift: dict[str, tuple[float, float]] = field(default_factory=dict)

    def line(self) -> str:
        """The one line cron mails; ``stopped=… pending=…`` is added when the run ended early."""
        c = self.crawl
        warcs = ",".join(c.warc_files) or "-"
        line = (
            f"new={c.articles_new} updated={c.articles_updated} unchanged={c.articles_unchanged} "
            f"failed={c.failed} requests={c.requests} bytes={c.bytes} warc={warcs}"
        )
        if c.stopped is not None:
            line += f" stopped={c.stopped} pending={len(self.backfill_pending)}"
        return line

    def to_dict(self) -> dict[str, object]:
        d = self.crawl.to_dict()
        d.update(
            revisits=self.revisits,
            rechecked=self.rechecked,
            repairs=[str(r) for r in self.repairs],
            reindexed=self.reindexed,
            backfill_pending=list(self.backfill_pending),
            drift={k: {"usual": a, "now": b} for k, (a, b) in self.drift.items()},
        )
        return d


def _present(doc: Mapping[str, Any], name: str) -> bool:
    if name in FROM_MARKUP:
        field_name = FROM_MARKUP[name]
        evidence = doc.get("evidence")
        layer = evidence.get(field_name) if isinstance(evidence, Mapping) else None
        return layer in SITE_LAYERS[field_name]
    return bool(doc.get(name))


def field_rates(docs: Iterable[Mapping[str, Any]]) -> tuple[int, dict[str, float]]:
    """How many article JSONs, and the share of them that has each of ``DRIFT_FIELDS`` (and
    each field of ``SITE_LAYERS`` read from the site's own markup)."""
    docs = list(docs)
    n = len(docs)
    names = (*DRIFT_FIELDS, *FROM_MARKUP)
    return n, {f: (sum(_present(d, f) for d in docs) / n if n else 0.0) for f in names}


def detect_drift(
    usual: Mapping[str, float], new: Iterable[Mapping[str, Any]], min_articles: int = 3
) -> dict[str, tuple[float, float]]:
    """Fields most archived articles have but most of ``new`` lack, and fields most archived
    articles read from the site's own markup but most of ``new`` did not: (usual rate, new
    rate)."""
    n, rates = field_rates(new)
    if n < min_articles:
        return {}
    return {
        f: (usual[f], rates[f])
        for f in rates
        if usual.get(f, 0.0) >= 0.7 and rates[f] < 0.5 and usual[f] - rates[f] >= 0.4
    }


def _when(text: str) -> datetime | None:
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class DailyCrawler(Crawler):
    """A ``Crawler`` that knows the archive: incremental walks, feeds, re-checks, revisits."""

    def __init__(self, daily: DailyConfig, on_event: EventSink | None = None) -> None:
        super().__init__(daily.crawl, on_event=on_event)
        self.daily = daily
        self.walks_done: set[str] = set()  # listings whose walk ended without being cut short
        self.new_articles: list[dict[str, Any]] = []
        self.revisits = 0
        self.rechecked = 0
        self.pending: list[str] = []
        # url -> (its last capture, the conditional request headers, that capture's HTTP headers)
        self._conditional: dict[str, tuple[Capture, dict[str, str], Headers]] = {}

    # ------------------------------------------------------------------ listings and feeds

    def walk(self, listing_url: str) -> None:
        """Walk one listing: to the first page with an archived article, or (backfill) to
        its end, fetching only the articles the archive lacks.

        A finished listing whose last walk was cut short at page P (``walk_resume``) is read
        on past P, to the first page that brings nothing new, before the usual rule applies."""
        complete = self.index.walk_complete(listing_url)
        resume = self.index.walk_resume(listing_url) if complete else None
        url, page, walked = listing_url, 0, set[str]()
        cut = False
        try:
            while True:
                if not self._allowed(url):
                    break
                listing = self._fetch_listing(url, page)
                if listing is None:
                    break
                keys = [canonicalize(it.url) for it in listing.items]
                unseen_in_walk = [k for k in keys if k not in walked]
                walked.update(keys)
                known = self.index.known_urls(keys)
                fresh = self._fresh_items(
                    it for it, k in zip(listing.items, keys, strict=True) if k not in known
                )
                said = f"page {page}: {plural(len(keys), 'item')}, {len(fresh)} new"
                self.emit(Event("listing", url, said))
                if fresh:
                    self._fetch_articles(fresh)
                page += 1
                if complete and resume is not None:
                    if page > resume and not fresh:
                        self._log(walk_resumed_event(listing_url, utc_now()))
                        return
                elif complete and (
                    not fresh
                    or any(
                        k in known
                        for it, k in zip(listing.items, keys, strict=True)
                        if not it.featured
                    )
                ):
                    return
                if not complete and not unseen_in_walk:
                    self._log(walk_event(listing_url, page, utc_now()))
                    return
                if self.config.pages is not None and page >= self.config.pages:
                    break
                url = listing.next_url or page_url(url, page)
        except RunStopped:
            cut = True
            self.pending.append(listing_url)
            if complete:
                self._log(walk_cut_event(listing_url, page, utc_now()))
            raise
        finally:
            if not cut:
                self.walks_done.add(listing_url)
        if not complete:
            self.pending.append(listing_url)

    def _log(self, event: dict[str, Any]) -> None:
        log_event(self.warc, self.index, event, None)
        self._checkpoint()

    def read_feed(self, url: str) -> None:
        """One RSS feed: archive it and fetch the articles it lists that the archive lacks."""
        if not self._allowed(url):
            return
        feed = self._fetch_listing(url, 0, kind="feed", parse=parse_feed)
        if feed is None:
            return
        keys = [canonicalize(it.url) for it in feed.items]
        known = self.index.known_urls(keys)
        fresh = self._fresh_items(
            it for it, k in zip(feed.items, keys, strict=True) if k not in known
        )
        self.emit(Event("listing", url, f"feed: {plural(len(keys), 'item')}, {len(fresh)} new"))
        self._fetch_articles(fresh)

    # ------------------------------------------------------------------ re-checks

    def recheck(self) -> None:
        """Fetch again the recent articles the schedule says are due, conditionally."""
        now = self.daily.now or datetime.now(UTC)
        schedule = self.daily.schedule
        if not schedule.enabled:
            return
        horizon = (now - timedelta(days=schedule.until_days)).date().isoformat()
        items = []
        for url, published, last_seen in self.index.recent_articles(horizon):
            pub, seen = _when(published), _when(last_seen)
            if url in self._seen or pub is None or seen is None:
                continue
            if schedule.due(pub, seen, now):
                items.append(Teaser(title="", url=url))
                self._prepare_conditional(url)
        items = self._fresh_items(items)
        self.rechecked = len(items)
        if items:
            said = f"re-checking {plural(len(items), 'article')}"
            self.emit(Event("info", self.config.base_url, said))
            self._fetch_articles(items)

    def _prepare_conditional(self, url: str) -> None:
        capture = self.index.last_capture(url)
        path = warc_path(self.config.archive_dir, capture.warc_file) if capture else None
        if capture is None or path is None:
            return
        try:
            record = read_record(path, capture.offset)
        except ArchiveError:
            return
        headers = {}
        if etag := record.http_header("ETag"):
            headers["If-None-Match"] = etag
        if modified := record.http_header("Last-Modified"):
            headers["If-Modified-Since"] = modified
        self._conditional[canonicalize(url)] = (capture, headers, record.http_headers or ())

    # ------------------------------------------------------------------ articles

    def _fetch_and_parse(
        self, item: Teaser
    ) -> tuple[Fetched | None, Article | Listing | None, Exception | None]:
        cond = self._conditional.get(item.url)
        if cond is None:
            return super()._fetch_and_parse(item)
        try:
            fetched = self.fetcher.fetch(item.url, cond[1])
        except FetchError as exc:
            return None, None, exc
        if self._is_revisit(fetched, cond[0]) or fetched.status != 200:
            return fetched, None, None
        try:  # changed since: an article like any other
            return fetched, parse_page(fetched.body, fetched.final_url), None
        except ParseError as exc:
            return fetched, None, exc

    @staticmethod
    def _is_revisit(fetched: Fetched, original: Capture) -> bool:
        if len(fetched.exchanges) != 1:
            return False
        ex = fetched.final
        if ex.status == 304:
            return True
        return ex.status == 200 and payload_digest_of(ex.body) == original.payload_digest

    def _store_article(
        self,
        item: Teaser,
        outcome: tuple[Fetched | None, Article | Listing | None, Exception | None],
    ) -> Article | None:
        fetched, _parsed, _error = outcome
        cond = self._conditional.get(item.url)
        if cond is not None and fetched is not None and self._is_revisit(fetched, cond[0]):
            original = cond[0]
            capture = self.warc.write_revisit(fetched.final, original, item.url, cond[2])
            event = revisit_event(item.url, original.record_id, capture, fetched.final)
            log_event(self.warc, self.index, event, capture)
            self.revisits += 1
            self.summary.articles_unchanged += 1
            self.emit(Event("article", item.url, "revisit", status="unchanged"))
            return None
        before = self.summary.articles_new
        article = super()._store_article(item, outcome)
        if article is not None and self.summary.articles_new > before:
            self.new_articles.append(article.to_dict())
        return article


def _baseline(index: Index, limit: int) -> tuple[int, dict[str, float]]:
    return field_rates(islice(index.latest_articles(), limit))




def run_daily(daily: DailyConfig, on_event: EventSink | None = None) -> DailySummary:
    """One daily run over ``daily.crawl.archive_dir``; the entry point of ``scrape daily``."""
    archive_dir = daily.crawl.archive_dir
    listings, feeds = daily.listing_urls(), daily.feed_urls()  # bad sections fail early
    with writing(archive_dir, command="daily", deadline=run_deadline(daily.crawl)) as recovery:
        crawler = DailyCrawler(daily, on_event=on_event)
        report_recovery(recovery, crawler.emit)
        with crawler.control.running(), crawler.session():
            usual_n, usual = _baseline(crawler.index, daily.drift_history)
            crawler.load_robots()
            for url in feeds:
                crawler.read_feed(url)
            for url in listings:
                crawler.walk(url)
            crawler.retry_failures()
            crawler.recheck()
        summary = replace(crawler.summary)
    if summary.stopped is not None:
        done = set(crawler.pending)
        crawler.pending += [u for u in listings if u not in done and u not in crawler.walks_done]
    drift: dict[str, tuple[float, float]] = {}
    if usual_n >= 10:
        drift = detect_drift(usual, crawler.new_articles, daily.drift_min_articles)
    return DailySummary(
        crawl=summary, revisits=crawler.revisits, rechecked=crawler.rechecked,
        repairs=list(recovery.repairs), reindexed=recovery.reindexed,
        backfill_pending=crawler.pending, drift=drift,
    )  # fmt: skip
