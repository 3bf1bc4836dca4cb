"""Every fault a server can throw, over real HTTP: the fetcher fails cleanly and on time.

The sample site is served by its own server here (module scope) so that injected faults never
leak into other tests; each test injects its faults and they are cleared afterwards.
"""

from __future__ import annotations

import io
import shutil
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from warcio.checker import Checker

from archive import Index, iter_records
from core.errors import OffSiteError
from scraper.config import CrawlConfig
from scraper.crawl import CrawlSummary, run_articles, run_section
from scraper.fetch import Fetched, Fetcher, FetchFailed
from scraper.sitepolicy import SitePolicy
from scraper.transport import make_client
from tests.samplesite import SampleSite, SiteConfig
from tests.samplesite import faults as f

CAP = 200_000


@dataclass
class Faulty:
    site: SampleSite
    base: str

    def article(self, i: int = 0) -> str:
        return self.site.articles[i].url_path


@pytest.fixture(scope="module")
def faulty() -> Iterator[Faulty]:
    site = SampleSite(SiteConfig(seed=3, n_articles=12, per_page=5))
    with site.serve() as base:
        yield Faulty(site, base)


@pytest.fixture(autouse=True)
def _healthy_again(faulty: Faulty) -> Iterator[None]:
    yield
    faulty.site.clear_faults()


def config(base: str, **kw: object) -> CrawlConfig:
    settings: dict[str, object] = {
        "base_url": base,
        "delay": 0,
        "retry_base": 0.01,
        "retries": 3,
        "timeout": 2.0,
        "max_response_bytes": CAP,
        "retry_after_cap": 5.0,
    }
    settings.update(kw)
    return CrawlConfig(**settings)  # type: ignore[arg-type]


@dataclass
class Run:
    fetched: Fetched | None
    error: FetchFailed | None
    seconds: float
    slept: list[float]


def fetch(base: str, path: str, *, fake_sleep: bool = False, **kw: object) -> Run:
    cfg = config(base, **kw)
    policy = SitePolicy(cfg.base_url)
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        if not fake_sleep:
            time.sleep(s)

    with make_client(cfg, policy) as client:
        fetcher = Fetcher(client, cfg, policy, sleep=sleep)
        t0 = time.monotonic()
        try:
            got = fetcher.fetch(base + path)
        except FetchFailed as exc:
            return Run(None, exc, time.monotonic() - t0, slept)
        return Run(got, None, time.monotonic() - t0, slept)


# ---------------------------------------------------------------- retries and politeness


def test_429_retry_after_seconds_is_honoured(faulty: Faulty) -> None:
    """A 429 with Retry-After: 1 waits about a second, then the page is fetched."""
    path = faulty.article()
    faulty.site.inject(path, f.Status(429, times=1, retry_after=1))
    run = fetch(faulty.base, path, fake_sleep=True)
    assert run.fetched is not None
    assert [e.status for e in run.fetched.exchanges] == [429, 200]
    assert run.slept and 0.9 <= max(run.slept) <= 1.01


def test_429_retry_after_http_date_is_honoured(faulty: Faulty) -> None:
    """Retry-After as an HTTP-date is turned into a wait of the right length."""
    path = faulty.article()
    faulty.site.inject(path, f.Status(429, times=1, retry_after=3, http_date=True))
    run = fetch(faulty.base, path, fake_sleep=True)
    assert run.fetched is not None and run.fetched.status == 200
    assert 1.5 <= max(run.slept) <= 3.01  # whole seconds in the date: within one of 3


def test_retry_after_is_capped(faulty: Faulty) -> None:
    """A Retry-After of an hour waits only up to the configured cap."""
    path = faulty.article()
    faulty.site.inject(path, f.Status(429, times=1, retry_after=3600))
    run = fetch(faulty.base, path, fake_sleep=True, retry_after_cap=0.5)
    assert run.fetched is not None and run.fetched.status == 200
    assert max(run.slept) == pytest.approx(0.5, abs=0.01)


def test_503_burst_then_ok(faulty: Faulty) -> None:
    """Two 503s then the page: three exchanges, all kept, the page fetched."""
    path = faulty.article()
    faulty.site.inject(path, f.Status(503, times=2))
    run = fetch(faulty.base, path)
    assert run.fetched is not None
    assert [e.status for e in run.fetched.exchanges] == [503, 503, 200]


def test_backoff_is_exponential_with_jitter(faulty: Faulty) -> None:
    """Waits between tries grow roughly twofold, each within ±50% of its base."""
    path = faulty.article()
    faulty.site.inject(path, f.Status(500))
    run = fetch(faulty.base, path, fake_sleep=True, retries=4, retry_base=1.0)
    assert run.fetched is not None and run.fetched.status == 500
    assert len(run.fetched.exchanges) == 4  # bounded: exactly `retries` tries
    assert len(run.slept) == 3
    for attempt, wait in enumerate(run.slept):
        assert 0.5 * 2**attempt <= wait <= 1.5 * 2**attempt


def test_500_gives_up_after_bounded_tries(faulty: Faulty) -> None:
    """A page that always answers 500 is tried `retries` times and returned as a 500."""
    path = faulty.article()
    faulty.site.inject(path, f.Status(500))
    run = fetch(faulty.base, path)
    assert run.fetched is not None and run.fetched.status == 500
    assert len(run.fetched.exchanges) == 3


def test_404_is_never_retried(faulty: Faulty) -> None:
    """Other 4xx answers come back after one request."""
    path = faulty.article()
    faulty.site.inject(path, f.Status(404))
    run = fetch(faulty.base, path)
    assert run.fetched is not None and len(run.fetched.exchanges) == 1


def test_connection_refused(faulty: Faulty) -> None:
    """A closed port fails after the bounded tries (backoff between them), with a clear reason."""
    base = f.refused_url()
    run = fetch(base, "/", fake_sleep=True)
    assert run.error is not None and "connection failed" in str(run.error)
    assert run.error.exchanges == ()
    assert len(run.slept) == 2  # three tries: two backoffs


# ---------------------------------------------------------------- bodies cut short


def test_connection_reset_mid_body(faulty: Faulty) -> None:
    """A reset mid-body is retried, then fails; every cut-off exchange is marked disconnect."""
    path = faulty.article()
    faulty.site.inject(path, f.HalfBody(reset=True))
    run = fetch(faulty.base, path)
    assert run.error is not None and "cut off" in str(run.error)
    assert len(run.error.exchanges) == 3
    assert {e.truncated for e in run.error.exchanges} == {"disconnect"}


def test_response_that_stops_half_way(faulty: Faulty) -> None:
    """Content-Length larger than what is sent: kept as received, marked truncated."""
    path = faulty.article()
    faulty.site.inject(path, f.HalfBody())
    run = fetch(faulty.base, path, retries=1)
    assert run.error is not None
    (ex,) = run.error.exchanges
    assert ex.truncated == "disconnect"
    declared = int(ex.header("content-length") or 0)
    assert 0 < len(ex.body) == declared // 2


def test_drip_server_is_cut_off_on_time(faulty: Faulty) -> None:
    """One byte a second: the response is cut at the request's deadline and marked so."""
    path = faulty.article()
    faulty.site.inject(path, f.Drip(interval=1.0))
    run = fetch(faulty.base, path, timeout=1.5)
    assert run.error is not None and "longer than 1.5 s" in str(run.error)
    (ex,) = run.error.exchanges  # a time-out is not retried
    assert ex.truncated == "time"
    assert 1 <= len(ex.body) <= 3  # a byte a second for 1.5 s: the deadline, not the body, ended it


def test_endless_header_block_is_capped(faulty: Faulty) -> None:
    """Header lines sent as fast as they go, for ever: refused at 100 KB, a clear reason."""
    faulty.site.inject("/endless-headers", f.EndlessHeaders(interval=0))
    run = fetch(faulty.base, "/endless-headers", retries=1)
    assert run.error is not None and "larger than 100 KB" in str(run.error)


def test_dripped_header_block_is_cut_at_the_deadline(faulty: Faulty) -> None:
    """A header byte every 0.2 s: the request's one deadline ends it, however many bytes came."""
    faulty.site.inject("/drip-headers", f.HeaderDrip(interval=0.2))
    run = fetch(faulty.base, "/drip-headers", timeout=1.0)
    assert run.error is not None and "no response within 1 s" in str(run.error)
    assert run.error.exchanges == ()  # no header block came whole: nothing to store


# ---------------------------------------------------------------- redirects


def test_redirect_loop(faulty: Faulty) -> None:
    """A redirect loop fails with the hops made, without fetching forever."""
    faulty.site.inject("/loop-a", f.Redirect("/loop-b"))
    faulty.site.inject("/loop-b", f.Redirect("/loop-a"))
    run = fetch(faulty.base, "/loop-a")
    assert run.error is not None and "redirect loop" in str(run.error)
    assert [e.status for e in run.error.exchanges] == [302, 302]


@pytest.mark.parametrize(
    "target", ["http://evil.example/x", "http://localhost:{port}/", "http://10.0.0.1/"]
)
def test_redirect_to_another_host(faulty: Faulty, target: str) -> None:
    """A redirect off the site (even to the same server by another name) is not followed."""
    port = faulty.base.rsplit(":", 1)[1]
    path = faulty.article()
    faulty.site.inject(path, f.Redirect(target.format(port=port)))
    before = len(faulty.site.request_log)
    run = fetch(faulty.base, path)
    assert isinstance(run.error, OffSiteError)
    assert [e.status for e in run.error.exchanges] == [302]
    assert len(faulty.site.request_log) == before + 1


# ---------------------------------------------------------------- size and memory


def test_gzip_bomb_is_capped_with_bounded_memory(faulty: Faulty) -> None:
    """4 GiB of gzip: the raw body stops at the cap and memory stays a few times the cap."""
    faulty.site.inject("/bomb", f.GzipBomb())
    tracemalloc.start()
    try:
        run = fetch(faulty.base, "/bomb")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.error is not None and "larger than 200,000 bytes" in str(run.error)
    (ex,) = run.error.exchanges
    assert ex.truncated == "length" and len(ex.body) == CAP
    assert peak < 16 * CAP  # includes the server thread's 1 MiB of zeros; 4 GiB never appear


def test_small_gzip_bomb_is_refused_when_decoded(faulty: Faulty) -> None:
    """A bomb whose raw body fits the cap fails on decoding; the raw bytes are kept whole."""
    faulty.site.inject("/bomb", f.GzipBomb(expanded=64 << 20))
    run = fetch(faulty.base, "/bomb")
    assert run.error is not None and "decodes to more than" in str(run.error)
    (ex,) = run.error.exchanges
    assert ex.truncated is None and len(ex.body) == f.gzip_size(64 << 20)


def test_endless_chunked_stream_is_capped(faulty: Faulty) -> None:
    """A chunked body that never ends stops at the size cap, in bounded time."""
    faulty.site.inject("/endless", f.Endless())
    run = fetch(faulty.base, "/endless")
    assert run.error is not None
    (ex,) = run.error.exchanges
    assert ex.truncated == "length" and len(ex.body) == CAP


# ---------------------------------------------------------------- odd bodies


@pytest.mark.parametrize(
    "fault",
    [
        f.Recode("windows-1251", "text/html; charset=windows-1251"),
        f.Recode("windows-1251", "text/html; charset=UTF-8"),
        f.Recode("utf-8", "text/html"),
        f.Recode("utf-8", "text/html; charset=UTF-8", garble=True),
        f.Body(b""),
    ],
    ids=["cp1251", "wrong-charset", "no-charset", "invalid-utf8", "empty"],
)
def test_odd_bodies_are_kept_byte_for_byte(faulty: Faulty, fault: f.Fault) -> None:
    """Charset trouble is the parser's business: the fetcher keeps the bytes as sent."""
    path = faulty.article()
    faulty.site.inject(path, fault)
    run = fetch(faulty.base, path)
    assert run.fetched is not None and run.fetched.status == 200
    assert run.fetched.body == run.fetched.final.body
    assert int(run.fetched.final.header("content-length") or -1) == len(run.fetched.body)


# ---------------------------------------------------------------- whole crawls

SECTION = "voices"


@pytest.fixture(scope="module")
def baseline(faulty: Faulty, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with one healthy crawl of the section in it."""
    archive = tmp_path_factory.mktemp("baseline") / "archive"
    summary = crawl(faulty, archive)
    assert summary.failed == 0 and summary.articles == len(faulty.site.section_articles(SECTION))
    return archive


def crawl(faulty: Faulty, archive: Path, section: str = SECTION, **kw: object) -> CrawlSummary:
    kw.setdefault("timeout", 1.5)
    cfg = replace(config(faulty.base, **kw), archive_dir=archive)
    return run_section(cfg, faulty.base + faulty.site.listing_path(section))


def archived(archive: Path) -> set[str]:
    with Index.open(archive) as index:
        return {a["url"] for a in index.latest_articles()}


def open_failures(archive: Path) -> dict[str, str]:
    with Index.open(archive) as index:
        return {f.url: f.kind for f in index.open_failures()}


def warc_files(archive: Path) -> list[Path]:
    return sorted((archive / "warc").iterdir())


def assert_warcs_valid(archive: Path) -> None:
    files = warc_files(archive)
    assert files and not [p for p in files if p.name.endswith(".open")]
    out = io.StringIO()
    with redirect_stdout(out):
        code = Checker(SimpleNamespace(inputs=[str(p) for p in files], verbose=False)).process_all()
    assert code == 0, out.getvalue()


def truncations(archive: Path, url: str) -> set[str | None]:
    return {
        r.header("WARC-Truncated")
        for p in warc_files(archive)
        for r in iter_records(p)
        if r.rec_type == "response" and r.header("WARC-Target-URI") == url
    }


def _loop(faulty: Faulty, path: str) -> None:
    faulty.site.inject(path, f.Redirect("/loop-b"))
    faulty.site.inject("/loop-b", f.Redirect(path))


CRAWL_FAULTS: dict[str, tuple[Callable[[Faulty, str], None], str | None]] = {
    "429": (lambda s, p: s.site.inject(p, f.Status(429, retry_after=0)), None),
    "503": (lambda s, p: s.site.inject(p, f.Status(503)), None),
    "500": (lambda s, p: s.site.inject(p, f.Status(500)), None),
    "reset": (lambda s, p: s.site.inject(p, f.HalfBody(reset=True)), "disconnect"),
    "half-way": (lambda s, p: s.site.inject(p, f.HalfBody()), "disconnect"),
    "drip": (lambda s, p: s.site.inject(p, f.Drip(1.0)), "time"),
    "redirect-loop": (_loop, None),
    "redirect-off-site": (lambda s, p: s.site.inject(p, f.Redirect("http://evil.example/")), None),
    "gzip-bomb": (lambda s, p: s.site.inject(p, f.GzipBomb()), "length"),
    "endless": (lambda s, p: s.site.inject(p, f.Endless()), "length"),
    "empty": (lambda s, p: s.site.inject(p, f.Body(b"")), None),
}


@pytest.mark.parametrize("name", list(CRAWL_FAULTS))
def test_crawl_survives_fault_and_retries_it(
    faulty: Faulty, baseline: Path, tmp_path: Path, name: str
) -> None:
    """The crawl carries on, loses nothing, keeps valid WARCs, records the failure, retries it."""
    archive = tmp_path / "archive"
    shutil.copytree(baseline, archive)
    before = archived(archive)
    victim = faulty.site.section_articles(SECTION)[0]
    url = faulty.base + victim.url_path
    inject, truncated = CRAWL_FAULTS[name]
    inject(faulty, victim.url_path)

    summary = crawl(faulty, archive)
    assert [u for u, _ in summary.failures] == [url]
    assert summary.articles == len(before) - 1  # every other article still fetched
    assert archived(archive) == before  # the earlier copy of the victim is not lost
    assert open_failures(archive) == {url: "article"}
    assert_warcs_valid(archive)
    if truncated:
        assert truncated in truncations(archive, url)

    faulty.site.clear_faults()
    again = crawl(faulty, archive)
    assert again.failed == 0 and open_failures(archive) == {}
    assert_warcs_valid(archive)


@pytest.mark.parametrize(
    "fault",
    [
        f.Recode("windows-1251", "text/html; charset=windows-1251"),
        f.Recode("windows-1251", "text/html; charset=UTF-8"),
        f.Recode("utf-8", "text/html"),
        f.Recode("utf-8", "text/html; charset=UTF-8", garble=True),
    ],
    ids=["cp1251", "wrong-charset", "no-charset", "invalid-utf8"],
)
def test_crawl_survives_odd_charsets(
    faulty: Faulty, baseline: Path, tmp_path: Path, fault: f.Fault
) -> None:
    """Odd charsets give an article or a recorded failure, never a crash or a lost page."""
    archive = tmp_path / "archive"
    shutil.copytree(baseline, archive)
    victim = faulty.site.section_articles(SECTION)[0]
    url = faulty.base + victim.url_path
    faulty.site.inject(victim.url_path, fault)
    summary = crawl(faulty, archive)
    failed = {u for u, _ in summary.failures}
    assert failed <= {url}
    assert (url in failed) == (url in open_failures(archive))
    assert archived(archive) >= {
        faulty.base + a.url_path for a in faulty.site.section_articles(SECTION)
    }
    assert_warcs_valid(archive)


def test_failure_is_retried_even_off_the_walk(
    faulty: Faulty, baseline: Path, tmp_path: Path
) -> None:
    """An article that failed is fetched again by the next run, even of another section."""
    archive = tmp_path / "archive"
    shutil.copytree(baseline, archive)
    victim = faulty.site.section_articles(SECTION)[0]
    url = faulty.base + victim.url_path
    faulty.site.inject(victim.url_path, f.Status(500))
    crawl(faulty, archive)
    assert open_failures(archive) == {url: "article"}
    faulty.site.clear_faults()
    other = next(
        s for s in faulty.site.listing_slugs()
        if s.startswith("region/") and victim not in faulty.site.section_articles(s)
        and faulty.site.section_articles(s)
    )  # fmt: skip
    summary = crawl(faulty, archive, section=other)
    assert summary.failed == 0 and open_failures(archive) == {}


@pytest.mark.parametrize(
    ("fault", "obeyed"),
    [(f.Status(500), False), (f.Hang(5), False), (f.Status(404), True)],
    ids=["500", "timeout", "404"],
)
def test_robots_faults(faulty: Faulty, tmp_path: Path, fault: f.Fault, obeyed: bool) -> None:
    """robots.txt 5xx: nothing fetched, the listing's failure recorded; no answer at all: the
    run stops as "unreachable" at once; 4xx: crawl everything. Healthy again: all is fetched."""
    archive = tmp_path / "archive"
    faulty.site.inject("/robots.txt", fault)
    before = len(faulty.site.request_log)
    summary = crawl(faulty, archive, timeout=1.0)
    fetched = [p for _m, p, _s in faulty.site.request_log[before:]]
    if obeyed:
        assert summary.failed == 0 and summary.articles > 0
    else:
        assert set(fetched) == {"/robots.txt"}
        assert summary.articles == 0 and summary.failed == 1
        if isinstance(fault, f.Hang):  # the site answers nothing: there is nothing to do
            assert summary.stopped == "unreachable" and "did not answer" in summary.stop_message
            assert open_failures(archive) == {} and not (archive / "warc").exists()
        else:
            assert summary.stopped is None
            assert list(open_failures(archive).values()) == ["robots"]
            assert_warcs_valid(archive)
        faulty.site.clear_faults()
        again = crawl(faulty, archive)
        assert again.failed == 0 and again.articles > 0 and open_failures(archive) == {}


def test_crawl_of_unreachable_site_ends_cleanly(tmp_path: Path) -> None:
    """Connection refused everywhere: the run stops as "unreachable" after robots.txt's tries,
    says why, and leaves a valid WARC; the article is not marked failed (it was never asked)."""
    base = f.refused_url()
    cfg = replace(config(base), archive_dir=tmp_path / "archive")
    summary = run_articles(cfg, [base + "/news/a"])
    assert summary.articles == 0 and [u for u, _ in summary.failures] == [base + "/robots.txt"]
    assert summary.stopped == "unreachable" and "connection failed" in summary.stop_message
    assert open_failures(tmp_path / "archive") == {}
    assert not (tmp_path / "archive" / "warc").exists()  # nothing came: nothing to store


def test_a_parser_fault_on_one_page_fails_that_page_only(
    faulty: Faulty, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug of the parser on one article (here: a KeyError) is that article's failure, with
    its bytes archived and the failure open for the next run; the crawl reads the others."""
    from scraper.parse import dispatch

    victim = faulty.site.section_articles(SECTION)[0].url_path
    real = dispatch.article_from

    def faulty_article_from(ctx: object, listing_type: object) -> object:
        if ctx.url.endswith(victim):  # type: ignore[attr-defined]
            raise KeyError("data-history-node-id")
        return real(ctx, listing_type)  # type: ignore[arg-type]

    monkeypatch.delenv("SCRAPE_DEBUG", raising=False)
    monkeypatch.setattr(dispatch, "article_from", faulty_article_from)
    archive = tmp_path / "archive"
    summary = crawl(faulty, archive)
    assert summary.failed == 1
    assert summary.articles == len(faulty.site.section_articles(SECTION)) - 1
    (url, message), = summary.failures
    assert url.endswith(victim) and "the parser failed on this page (KeyError" in message
    assert any(u.endswith(victim) for u in open_failures(archive))
    with Index.open(archive) as index:  # the page's bytes are in the archive all the same
        assert [kind for _, kind in index.captures(url)] == ["article"]
