"""Crawling: walk a section's listing pages, fetch every article once, archive everything.

The crawler owns the order of things and nothing else: ``Fetcher`` gets bytes, ``parse_page``
turns them into data, ``archive`` stores them. Workers only fetch and parse; every write to the
WARC files and the index happens on the calling thread, one page at a time, so a crash can lose
at most the page in flight.

Fetches run off the calling thread (``RunControl.call`` / ``.map``), so that the run can stop at
once — on SIGTERM/SIGINT, at ``--max-runtime``, or when the site stops answering — however a
request is stuck: ``RunStopped`` then unwinds the crawl, ``session()`` closes the files, and
``CrawlSummary.stopped`` says why. What was not fetched is not recorded as failed: the next run
fetches it.

Progress is reported through ``on_event`` callbacks; the library never prints.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from archive import (
    Index,
    WarcWriter,
    failure_event,
    infer_kind,
    listing_event,
    log_event,
    soft404_event,
    utc_now,
    write_article_json,
)
from archive.layout import NOT_A_FOLDER
from archive.writing import Recovery, writing
from core.errors import ArchiveError, FetchError, ParseError, RunStopped, UsageError
from core.model import Article, Capture, Exchange, Listing, Teaser
from core.urls import canonicalize
from core.words import plural

from . import __version__
from .config import CrawlConfig
from .control import RunControl
from .fetch import Fetched, Fetcher, FetchFailed
from .parse import parse_page
from .robots import RobotsRules
from .sitepolicy import SitePolicy
from .transport import make_client


@dataclass(frozen=True)
class Event:
    """Something that happened during a crawl, for progress display and logs."""

    kind: str  # listing | article | soft404 | failed | skipped | robots | info
    url: str
    detail: str = ""
    status: str = ""


@dataclass
class CrawlSummary:
    """What a crawl did; ``failures`` lists every URL that failed with its error."""

    listing_pages: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    soft404: int = 0
    skipped: int = 0
    requests: int = 0
    bytes: int = 0
    warc_files: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    stopped: str | None = None  # why the run ended early: signal | deadline | unreachable
    stop_message: str = ""
    abandoned: int = 0  # requests cut off or never started because the run stopped

    @property
    def interrupted(self) -> bool:
        """Stopped by SIGTERM or SIGINT."""
        return self.stopped == "signal"

    @property
    def articles(self) -> int:
        return self.articles_new + self.articles_updated + self.articles_unchanged

    @property
    def failed(self) -> int:
        return len(self.failures)

    def to_dict(self) -> dict[str, object]:
        return {
            "listing_pages": self.listing_pages,
            "articles": self.articles,
            "new": self.articles_new,
            "updated": self.articles_updated,
            "unchanged": self.articles_unchanged,
            "soft404": self.soft404,
            "skipped": self.skipped,
            "failed": self.failed,
            "requests": self.requests,
            "bytes": self.bytes,
            "warc_files": list(self.warc_files),
            "failures": [{"url": u, "error": e} for u, e in self.failures],
            "interrupted": self.interrupted,
            "stopped": self.stopped,
            "stop_message": self.stop_message,
            "abandoned": self.abandoned,
        }


EventSink = Callable[[Event], None]


class Crawler:
    """One crawl session over one site: open the archive, fetch, parse, store, close."""

    def __init__(
        self,
        config: CrawlConfig,
        client: httpx.Client | None = None,
        on_event: EventSink | None = None,
    ) -> None:
        self.config = config
        self._own_client = client is None
        self.policy = SitePolicy(config.base_url)
        self.control = RunControl(config.max_runtime)
        # No cookies, no env proxies/.netrc, no private addresses: see scraper/transport.py.
        self.client = client or make_client(config, self.policy)
        self.fetcher = Fetcher(self.client, config, self.policy, control=self.control)
        self.emit: EventSink = on_event or (lambda _e: None)
        self.summary = CrawlSummary()
        self.robots: RobotsRules | None = None
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._warc: WarcWriter | None = None
        self._index: Index | None = None

    # ------------------------------------------------------------------ session

    @contextmanager
    def session(self) -> Iterator[Crawler]:
        """Open the archive for writing; always close WARC files and the index on the way out."""
        archive_dir = self.config.archive_dir
        try:
            archive_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(str(archive_dir), f"cannot create archive folder: {exc}") from exc
        if not archive_dir.is_dir():
            raise ArchiveError(str(archive_dir), NOT_A_FOLDER)
        host = (urlsplit(self.config.base_url).netloc or "site").lower()
        self._index = Index.open(archive_dir)
        failed = False  # an error is on its way out: closing must not replace it with its own
        try:
            self._warc = WarcWriter(
                archive_dir / "warc",
                host=host,
                prefix=self.config.warc_prefix,
                max_bytes=self.config.warc_max_bytes,
                software=f"commonspace-scraper/{__version__}",
                operator=self.config.operator,
                user_agent=self.config.user_agent,
                robots_policy="obey" if self.config.obey_robots else "ignore",
                sync_each=False,  # one fsync per checkpoint, before the index commits
            )
            try:
                yield self
            except KeyboardInterrupt:
                self.control.stop("signal")
            except RunStopped:
                pass  # the run stops; why is in self.control
            except BaseException:
                failed = True
                raise
            finally:
                self.summary.stopped = self.control.reason
                self.summary.stop_message = self.control.message
                try:
                    self.summary.warc_files = self._warc.close()
                except ArchiveError:
                    if not failed:
                        raise
                    # e.g. a full disk: the write error already says so; the .open file left
                    # behind is repaired by the next run
                    self.summary.warc_files = []
        except BaseException:
            failed = True
            raise
        finally:
            try:
                self._index.commit()
                self._index.close()
            except ArchiveError:
                if not failed:
                    raise
            self.summary.requests = self.fetcher.requests
            self.summary.bytes = self.fetcher.bytes_received
            if self._own_client:
                self.client.close()

    def _checkpoint(self) -> None:
        """Make the WARC records durable, then commit the index rows that point at them."""
        self.warc.sync()
        self.index.commit()

    @property
    def warc(self) -> WarcWriter:
        assert self._warc is not None, "use Crawler.session()"
        return self._warc

    @property
    def index(self) -> Index:
        assert self._index is not None, "use Crawler.session()"
        return self._index

    # ------------------------------------------------------------------ robots

    def load_robots(self) -> RobotsRules:
        """Fetch and obey robots.txt. If the site does not answer at all (timeouts, refused
        connections), the run stops with reason "unreachable": there is nothing to do."""
        url = self.config.base_url.rstrip("/") + "/robots.txt"
        try:
            fetched = self.fetch(url)
        except FetchFailed as exc:
            self._store_exchanges(exc.exchanges, "robots")
            if not exc.exchanges:  # counted, not kept: robots.txt is fetched first every run
                self.summary.failures.append((url, exc.reason))
                self.emit(Event("failed", url, exc.reason))
                self.control.stop(
                    "unreachable",
                    f"{url}: {exc.reason}; the site did not answer, so nothing was fetched "
                    "(the next run tries again)",
                )
                self.control.check()
            rules = RobotsRules.from_response(exc.status, b"", self.config.user_agent)
        else:
            self._store_exchanges(fetched.exchanges, "robots")
            rules = RobotsRules.from_response(fetched.status, fetched.body, self.config.user_agent)
        if not self.config.obey_robots:
            rules = RobotsRules(None, self.config.user_agent, allow_all=True, reason="ignored")
        delay = rules.crawl_delay
        if delay is not None and delay > self.fetcher.gate.delay:
            self.fetcher.gate.delay = delay
        self.robots = rules
        self.emit(Event("robots", url, rules.reason))
        self._checkpoint()
        return rules

    def fetch(self, url: str) -> Fetched:
        """``Fetcher.fetch`` off this thread, so that a stopping run never waits on it."""
        return self.control.call(self.fetcher.fetch, url)

    def _allowed(self, url: str) -> bool:
        self.control.check()
        if self.robots is None:
            self.load_robots()
        assert self.robots is not None
        if self.robots.allowed(url):
            return True
        self.summary.skipped += 1
        why = self.robots.reason if self.robots.deny_all else "disallowed by robots.txt"
        if self.robots.deny_all:  # robots.txt unreadable: a failure, kept and retried next run
            self._fail(url, "robots", FetchError(url, why))
        else:
            self.emit(Event("skipped", url, why))
        return False

    # ------------------------------------------------------------------ crawling

    def crawl_section(self, listing_url: str) -> CrawlSummary:
        """Walk a listing from page 0 until a page brings no unseen article (or a limit)."""
        url: str | None = listing_url
        page = 0
        since = self.config.since
        while url:
            if not self._allowed(url):
                break
            listing = self._fetch_listing(url, page, strict=page == 0)
            if listing is None:
                break
            fresh = self._fresh_items(listing.items)
            items = plural(len(listing.items), "item")
            self.emit(Event("listing", url, f"page {page}: {items}, {len(fresh)} new"))
            if not fresh:
                break
            articles = self._fetch_articles(fresh)
            page += 1
            if self.config.pages is not None and page >= self.config.pages:
                break
            if since is not None and articles and all(_older(a, since) for a in articles):
                self.emit(Event("info", url, f"every article on this page is older than {since}"))
                break
            url = listing.next_url or page_url(url, page)
        return self.summary

    def crawl_urls(self, urls: Iterable[str]) -> CrawlSummary:
        """Fetch and archive the given article URLs (always re-fetched)."""
        items = []
        for raw in urls:
            self.policy.check(raw)
            items.append(Teaser(title="", url=raw))
        self._fetch_articles(self._fresh_items(items))
        return self.summary

    def _fresh_items(self, items: Iterable[Teaser]) -> list[Teaser]:
        fresh = []
        for item in items:
            key = canonicalize(item.url)
            if key in self._seen or not self.policy.allows(item.url):
                continue
            self._seen.add(key)
            fresh.append(replace(item, url=key))
        return fresh

    def _fetch_listing(
        self,
        url: str,
        page: int,
        kind: str = "listing",
        parse: Callable[[bytes, str], Article | Listing] = parse_page,
        *,
        strict: bool = False,
    ) -> Listing | None:
        """Fetch, archive and parse one listing page (or, with ``kind="feed"`` and a feed
        parser, an RSS feed); record where its items stood. None, recorded, on failure.

        A listing that answers 404, or with a page that is not this listing (the front page
        the site shows for a section that does not exist), is a failure; with ``strict`` (the
        first page of the section a user asked for) it raises ``UsageError`` naming the URL."""
        try:
            fetched = self.fetch(url)
        except FetchError as exc:  # what was received on the way is archived all the same
            exchanges = exc.exchanges if isinstance(exc, FetchFailed) else ()
            self._fail(url, kind, exc, self._store_exchanges(exchanges, kind))
            return None
        capture = self._store_exchanges(fetched.exchanges, kind)
        if kind == "listing":
            self.summary.listing_pages += 1
        if fetched.status != 200:
            status_error = FetchError(url, f"HTTP {fetched.status}", fetched.status)
            self._fail(url, kind, status_error, capture)
            if strict and fetched.status in (404, 410):
                raise UsageError(f"{url}: no such listing (HTTP {fetched.status}); "
                                 "`scrape sections` lists them")  # fmt: skip
            return None
        try:
            parsed = parse(fetched.body, fetched.final_url)
        except ParseError as exc:
            self._fail(url, kind, exc, capture)
            return None
        problem = None
        if not isinstance(parsed, Listing):
            problem = "expected a listing page, got an article"
        elif kind == "listing" and parsed.kind == "front" and not _is_front(url):
            problem = "not this listing: the site answered with its front page"
        if problem is not None or not isinstance(parsed, Listing):
            self._fail(url, kind, ParseError(url, problem or ""), capture)
            if strict:
                raise UsageError(f"{url}: {problem} (no such section?); "
                                 "`scrape sections` lists them")  # fmt: skip
            return None
        assert capture is not None
        items = [canonicalize(it.url) for it in parsed.items]
        event = listing_event(url, page, items, parsed.next_url, capture.fetched_at)
        log_event(self.warc, self.index, event, capture)
        self._checkpoint()
        return parsed

    def _fetch_articles(self, items: list[Teaser]) -> list[Article]:
        allowed = [it for it in items if self._allowed(it.url)]
        results: list[Article] = []
        if not allowed:
            return results
        outcomes = self.control.map(self._fetch_and_parse, allowed, self.config.concurrency)
        for item, outcome in zip(allowed, outcomes, strict=True):
            try:
                fetched_and_parsed = outcome.get()
            except RunStopped:  # not fetched, or cut off: nothing is kept, the next run does it
                self.summary.abandoned += 1
                continue
            article = self._store_article(item, fetched_and_parsed)
            if article is not None:
                results.append(article)
            self._checkpoint()
        self.control.check()
        return results

    def _fetch_and_parse(
        self, item: Teaser
    ) -> tuple[Fetched | None, Article | Listing | None, Exception | None]:
        """Worker: fetch and parse one article. Errors come back as values; only
        ``RunStopped`` is raised (the run is stopping: nothing of this item is kept)."""
        try:
            fetched = self.fetcher.fetch(item.url)
        except FetchError as exc:
            return None, None, exc
        if fetched.status != 200:
            return fetched, None, None
        try:
            return fetched, parse_page(fetched.body, fetched.final_url), None
        except ParseError as exc:
            return fetched, None, exc

    def _store_article(
        self,
        item: Teaser,
        outcome: tuple[Fetched | None, Article | Listing | None, Exception | None],
    ) -> Article | None:
        fetched, parsed, error = outcome
        url = item.url
        if fetched is None:
            exchanges = error.exchanges if isinstance(error, FetchFailed) else ()
            capture = self._store_exchanges(exchanges, "article")
            self._fail(url, "article", error or FetchError(url, "failed"), capture)
            return None
        if fetched.status != 200:
            capture = self._store_exchanges(fetched.exchanges, "article")
            error = FetchError(url, f"HTTP {fetched.status}", fetched.status)
            self._fail(url, "article", error, capture)
            return None
        if isinstance(parsed, Listing):
            capture = self._store_exchanges(fetched.exchanges, "soft404")
            assert capture is not None
            log_event(self.warc, self.index, soft404_event(url, capture.fetched_at), capture)
            self.summary.soft404 += 1
            self.emit(Event("soft404", url, "a listing page answered instead of an article"))
            return None
        capture = self._store_exchanges(fetched.exchanges, "article")
        if parsed is None or capture is None:
            self._fail(url, "article", error or ParseError(url, "could not parse"), capture)
            return None
        article = parsed
        if article.type is None and item.type:
            evidence = dict(article.evidence)
            evidence["type"] = "listing"
            warnings = tuple(w for w in article.warnings if "type" not in w.lower())
            article = replace(article, type=item.type, evidence=evidence, warnings=warnings)
        article = replace(article, fetched_url=url, capture=capture)
        doc = article.to_dict()
        status = log_event(self.warc, self.index, doc, capture)
        write_article_json(self.config.archive_dir, doc)
        if status == "new":
            self.summary.articles_new += 1
        elif status == "updated":
            self.summary.articles_updated += 1
        else:
            self.summary.articles_unchanged += 1
        self.emit(Event("article", article.url, article.title or "", status=status or ""))
        return article

    # ------------------------------------------------------------------ earlier failures

    def retry_failures(self) -> CrawlSummary:
        """Fetch again each article that failed in an earlier run and was not fetched in this one.

        A failure is then retried on the next run even when its listing page is no longer
        walked (``--pages``, ``--since``, articles moving down the listing). Called after the
        walk: articles fetched before it would count as seen and could end the walk early.
        """
        urls = [
            f.url
            for f in self.index.open_failures()
            if f.kind == "article" and self.policy.allows(f.url)
        ]
        items = self._fresh_items(Teaser(title="", url=u) for u in urls)
        if items:
            said = f"retrying {plural(len(items), 'article')} that failed earlier"
            self.emit(Event("info", self.config.base_url, said))
            self._fetch_articles(items)
        return self.summary

    # ------------------------------------------------------------------ helpers

    def _store_exchanges(self, exchanges: Iterable[Exchange], kind: str) -> Capture | None:
        """Write each exchange as a request/response pair; return the last response's capture."""
        capture = None
        exchanges = list(exchanges)
        for i, ex in enumerate(exchanges):
            capture = self.warc.write_exchange(ex)
            last = i == len(exchanges) - 1
            self.index.add_capture(capture, ex.url, kind if last else infer_kind(ex.url, ex.status))
        return capture

    def _fail(
        self, url: str, kind: str, error: BaseException, capture: Capture | None = None
    ) -> None:
        """Record a failure in the WARC and the index, count it and report it."""
        message = str(error)
        if message.startswith(url + ": "):
            message = message[len(url) + 2 :]
        status = getattr(error, "status", None)
        at = capture.fetched_at if capture else utc_now()
        log_event(self.warc, self.index, failure_event(url, kind, message, status, at), capture)
        self.summary.failures.append((url, message))
        self.emit(Event("failed", url, message))


def _is_front(url: str) -> bool:
    path = urlsplit(url).path.rstrip("/")
    return path in ("", "/node", "/index.php")


def _older(article: Article, since: date) -> bool:
    if not article.published:
        return False
    try:
        return datetime.fromisoformat(article.published).date() < since
    except ValueError:
        return False


def page_url(url: str, page: int) -> str:
    """``url`` with its ``page=`` query parameter set to ``page`` (other parameters kept)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    query.append(("page", str(page)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def run_deadline(config: CrawlConfig) -> datetime | None:
    """When a run started now must be done (``--max-runtime``), for the lock file."""
    if config.max_runtime is None:
        return None
    return datetime.now(UTC) + timedelta(seconds=config.max_runtime)


def report_recovery(recovery: Recovery, emit: EventSink) -> None:
    """Tell what was repaired before the run (``.open`` files a killed run left)."""
    previous = recovery.previous
    if previous is not None and previous.started is not None:
        emit(Event("info", recovery.lock_path, f"the previous run (pid "
                   f"{previous.pid}, started {previous.started:%Y-%m-%d %H:%M}Z) did not end "
                   "cleanly; repairing what it left"))  # fmt: skip
    for r in recovery.repairs:
        emit(Event("info", r.path, str(r)))
    if recovery.reindexed:
        emit(Event("info", str(recovery.repairs[0].path), "index rebuilt from the WARC files"))


def run_section(
    config: CrawlConfig, listing_url: str, on_event: EventSink | None = None
) -> CrawlSummary:
    """Crawl one section into ``config.archive_dir``; the entry point of ``scrape section``."""
    crawler = Crawler(config, on_event=on_event)
    with (
        writing(config.archive_dir, command="section", deadline=run_deadline(config)) as recovery,
        crawler.control.running(),
        crawler.session(),
    ):
        report_recovery(recovery, crawler.emit)
        crawler.load_robots()
        crawler.crawl_section(listing_url)
        crawler.retry_failures()
    return crawler.summary


def run_articles(
    config: CrawlConfig, urls: Iterable[str], on_event: EventSink | None = None
) -> CrawlSummary:
    """Fetch and archive the given article URLs; the entry point of ``scrape article``."""
    urls = list(urls)
    policy = SitePolicy(config.base_url)
    for url in urls:  # before the archive is touched or anything fetched
        policy.require(url)
    crawler = Crawler(config, on_event=on_event)
    with (
        writing(config.archive_dir, command="article", deadline=run_deadline(config)) as recovery,
        crawler.control.running(),
        crawler.session(),
    ):
        report_recovery(recovery, crawler.emit)
        crawler.load_robots()
        crawler.crawl_urls(urls)
    return crawler.summary
