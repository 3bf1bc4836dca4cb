"""Stopping a run: the run control, the lock's account of its holder, option values, secrets.

The stalled-server shapes themselves are in test_stalls.py; here are the pieces, each alone.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from archive import Index, reindex
from archive.events import walk_cut_event, walk_event, walk_resumed_event
from archive.lock import ArchiveLock, Holder
from cli import app
from core.errors import (
    EXIT_LOCKED,
    EXIT_STALE_LOCK,
    EXIT_USAGE,
    ArchiveLocked,
    RunStopped,
    StaleLock,
    UsageError,
)
from core.sanitize import for_terminal, redact
from scraper.config import CrawlConfig, parse_duration
from scraper.control import RunControl
from scraper.fetch import Fetcher, FetchFailed
from tests.samplesite import SampleSite, SiteConfig

# ---------------------------------------------------------------- RunControl


def test_map_keeps_order_and_hands_back_errors() -> None:
    """Outcomes come in item order; an exception in the work comes back from ``get``."""
    control = RunControl()

    def work(n: int) -> int:
        if n == 3:
            raise ValueError("three")
        return n * n

    outcomes = list(control.map(work, range(6), workers=3))
    assert [o.get() for i, o in enumerate(outcomes) if i != 3] == [0, 1, 4, 16, 25]
    with pytest.raises(ValueError, match="three"):
        outcomes[3].get()


def test_stopped_map_starts_nothing_new_and_abandons_what_is_stuck() -> None:
    """Once stopped, items not started are not started; one stuck past the grace period is
    abandoned (its ``get`` raises RunStopped), and its late return is ignored."""
    control = RunControl()
    release, started = threading.Event(), []

    def work(n: int) -> int:
        started.append(n)
        if n == 0:
            control.stop("signal")
            release.wait(10)  # stuck: cannot be cut off
        return n

    outcomes = control.map(work, range(5), workers=1)
    first = next(outcomes)
    assert first.abandoned
    with pytest.raises(RunStopped):
        first.get()
    rest = list(outcomes)
    release.set()
    assert started == [0] and all(not o.abandoned for o in rest)
    for o in rest:
        with pytest.raises(RunStopped):
            o.get()


def test_deadline_stop_lets_work_in_flight_finish() -> None:
    """Stopping at the deadline (no cut) waits for work in flight instead of abandoning it."""
    control = RunControl()

    def work(n: int) -> int:
        if n == 0:
            control.stop("deadline", cut=False)
            threading.Event().wait(1.5)  # longer than the grace period
        return n + 10

    outcomes = list(control.map(work, range(3), workers=1))
    assert outcomes[0].get() == 10 and control.reason == "deadline"
    with pytest.raises(RunStopped):
        outcomes[1].get()


def test_waits_end_when_the_run_stops() -> None:
    """A politeness or backoff wait ends as soon as the run stops, with RunStopped."""
    control = RunControl()
    threading.Timer(0.1, control.stop, ("signal",)).start()
    with pytest.raises(RunStopped):
        control.wait(3600)


def test_max_runtime_stops_the_run() -> None:
    """``running()`` with a max_runtime stops the run with reason "deadline" when it passes."""
    control = RunControl(max_runtime=0.05)
    with control.running(), pytest.raises(RunStopped):
        control.wait(3600)
    assert control.reason == "deadline" and not control.cut


def test_first_reason_wins() -> None:
    """A signal after the deadline keeps the reason "deadline" but cuts requests in flight."""
    control = RunControl()
    control.stop("deadline", cut=False)
    control.stop("signal")
    assert control.reason == "deadline" and control.cut


def test_breaker_opens_after_failures_in_a_row() -> None:
    """Five connection failures in a row stop the run as "unreachable", naming the site; a
    response in between resets the count."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if request.url.path == "/ok":
            return httpx.Response(200, stream=httpx.ByteStream(b"fine"))
        raise httpx.ConnectError("refused", request=request)

    config = CrawlConfig(base_url="http://127.0.0.1:9", delay=0, retries=2, retry_base=0.001)
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetcher = Fetcher(client, config)
        for path in ("/a", "/ok", "/b", "/c", "/e"):
            if path == "/ok":
                assert fetcher.fetch(config.base_url + path).body == b"fine"
                assert not fetcher.control.stopped
                continue
            with pytest.raises(FetchFailed, match="connection failed"):
                fetcher.fetch(config.base_url + path)
        assert fetcher.control.reason == "unreachable"
        assert "http://127.0.0.1:9: 5 requests in a row" in fetcher.control.message
        with pytest.raises(RunStopped):
            fetcher.fetch(config.base_url + "/d")
    # a, a, ok (resets the count), b, b, c, c, e: the fifth in a row; then nothing more
    assert [c.rsplit("/", 1)[1] for c in calls] == ["a", "a", "ok", "b", "b", "c", "c", "e"]


def test_too_many_header_lines_are_refused() -> None:
    """A response with more header lines than the cap is a failure, not an exchange kept."""

    def handler(request: httpx.Request) -> httpx.Response:
        headers = [(f"X-Line-{i}", "x") for i in range(300)]
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(b"body"))

    config = CrawlConfig(base_url="http://127.0.0.1:9", delay=0, retries=3)
    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(FetchFailed, match="more than 256 header lines") as info,
    ):
        Fetcher(client, config).fetch(config.base_url + "/x")
    assert info.value.exchanges == ()


# ---------------------------------------------------------------- the lock


def lock_file(archive: Path, **holder: object) -> None:
    archive.mkdir(parents=True, exist_ok=True)
    (archive / ".lock").write_text(json.dumps(holder) + "\n", encoding="utf-8")


def test_holder_is_written_and_read_back(tmp_path: Path) -> None:
    """The holder's pid, command, start and deadline are in the lock file while it is held."""
    deadline = datetime.now(UTC) + timedelta(hours=2)
    with ArchiveLock(tmp_path, command="daily", deadline=deadline):
        holder = Holder.parse((tmp_path / ".lock").read_text())
        assert holder is not None and holder.pid == os.getpid() and holder.command == "daily"
        assert holder.deadline is not None and abs(holder.deadline - deadline).total_seconds() < 1
        with pytest.raises(ArchiveLocked) as info:
            ArchiveLock(tmp_path).acquire()
    assert type(info.value) is ArchiveLocked and info.value.exit_code == EXIT_LOCKED
    assert "`scrape daily`" in str(info.value) and "ago" in str(info.value)
    assert (tmp_path / ".lock").read_text() == ""  # released cleanly: nothing left to report


@pytest.mark.parametrize(
    ("started", "deadline", "why"),
    [
        (timedelta(hours=-3), timedelta(hours=-1), "past its own deadline"),
        (timedelta(days=-2), None, "held the lock for"),
    ],
)
def test_a_hung_holder_is_reported_stale(
    tmp_path: Path, started: timedelta, deadline: timedelta | None, why: str
) -> None:
    """A holder past its deadline, or holding the lock for over a day, is "stale": exit 8."""
    now = datetime.now(UTC)
    holder = Holder(os.getpid(), None, "daily", now + started, now + deadline if deadline else None)
    assert holder.stale_because(now) is not None and why in (holder.stale_because(now) or "")
    # A real held lock, with that holder's account in the file:
    with ArchiveLock(tmp_path):
        (tmp_path / ".lock").write_text(holder.to_line())
        with pytest.raises(StaleLock) as info:
            ArchiveLock(tmp_path).acquire()
    assert info.value.exit_code == EXIT_STALE_LOCK and why in str(info.value)


def test_a_gone_holder_is_reported_stale() -> None:
    """A holder whose process no longer exists is stale (the lock was inherited)."""
    gone = Holder(2**22 + 12345, None, "daily", datetime.now(UTC), None)
    assert "process is gone" in (gone.stale_because(datetime.now(UTC)) or "")


def test_a_healthy_holder_is_not_stale() -> None:
    """A run within its deadline, alive, started an hour ago: not stale."""
    now = datetime.now(UTC)
    ok = Holder(os.getpid(), None, "daily", now - timedelta(hours=1), now + timedelta(hours=1))
    assert ok.stale_because(now) is None


def test_a_killed_run_is_named_by_the_next(tmp_path: Path) -> None:
    """A holder that never released (SIGKILL) is what ``previous`` reports to the next run."""
    lock_file(tmp_path, pid=4242, command="daily", started="2026-12-01T06:15:00Z")
    with ArchiveLock(tmp_path) as lock:
        assert lock.previous is not None and lock.previous.pid == 4242
    assert Holder.parse("1234\n") == Holder(1234)  # the old pid-only format
    assert Holder.parse("{not json") is None


# ---------------------------------------------------------------- walk cuts in the index


def test_walk_cuts_survive_a_reindex(tmp_path: Path) -> None:
    """walk_cut and walk_resumed events are replayed by ``scrape reindex`` like every other."""
    from archive import WarcWriter, log_event

    archive = tmp_path / "archive"
    listing = "http://127.0.0.1:1/voices"
    with Index.open(archive) as index, WarcWriter(archive / "warc", host="t") as warc:
        log_event(warc, index, walk_event(listing, 3, "2026-12-01T00:00:00Z"), None)
        log_event(warc, index, walk_cut_event(listing, 2, "2026-12-02T00:00:00Z"), None)
        log_event(warc, index, walk_cut_event(listing, 1, "2026-12-02T00:01:00Z"), None)
        other = listing + "/other"
        log_event(warc, index, walk_event(other, 3, "2026-12-01T00:00:00Z"), None)
        log_event(warc, index, walk_cut_event(other, 4, "2026-12-02T00:00:00Z"), None)
        log_event(warc, index, walk_resumed_event(other, "2026-12-03T00:00:00Z"), None)
        index.commit()
    (archive / "index.sqlite").unlink()
    reindex(archive)
    with Index.open(archive) as index:
        assert index.walk_resume(listing) == 2  # the furthest cut is kept
        assert index.walk_resume(other) is None


# ---------------------------------------------------------------- option values and secrets


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -1.0, 1e9])
def test_delay_must_be_sane(value: float) -> None:
    """--delay: finite, 0 or more, at most a day."""
    with pytest.raises(UsageError, match="--delay"):
        CrawlConfig(delay=value)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 0.0, -5.0, 1e9])
def test_timeout_must_be_sane(value: float) -> None:
    """--timeout: finite, more than 0, at most a day."""
    with pytest.raises(UsageError, match="--timeout"):
        CrawlConfig(timeout=value)


def test_durations() -> None:
    """--max-runtime takes 2h, 90m, 1h30m, seconds; 0 and none mean no limit."""
    assert parse_duration("--max-runtime", "2h") == 7200
    assert parse_duration("--max-runtime", "1h30m") == 5400
    assert parse_duration("--max-runtime", "45") == 45
    assert parse_duration("--max-runtime", "0") is None
    for bad in ("soon", "1e9", "-3", "8d", "h"):
        with pytest.raises(UsageError, match="--max-runtime"):
            parse_duration("--max-runtime", bad)


def test_passwords_in_urls_are_never_printed() -> None:
    """redact() hides the password of user:password@; for_terminal applies it to everything."""
    text = "fetch http://ann:s3cret@example.org/x failed; mail ann@example.org"
    assert redact(text) == "fetch http://ann:***@example.org/x failed; mail ann@example.org"
    assert "s3cret" not in for_terminal(text)
    with pytest.raises(UsageError) as info:
        CrawlConfig(base_url="https://ann:s3cret@www.commonspace.eu")
    assert "s3cret" not in str(info.value) and "ann:***@" in str(info.value)


@pytest.mark.parametrize(
    "args",
    [
        ["section", "south-caucasus", "--delay", "inf"],
        ["section", "south-caucasus", "--delay", "nan"],
        ["section", "south-caucasus", "--delay", "1e9"],
        ["section", "south-caucasus", "--timeout", "0"],
        ["article", "https://www.commonspace.eu/news/x", "--timeout", "-1"],
        ["daily", "--max-runtime", "forever"],
        ["daily", "--base-url", "https://ann:s3cret@www.commonspace.eu"],
    ],
)
def test_bad_option_values_get_one_line(args: list[str], tmp_path: Path) -> None:
    """Bad numbers and URLs with passwords: exit 2, one line, no traceback, no secret."""
    result = CliRunner().invoke(app, [*args, "--archive", str(tmp_path / "a")])
    assert result.exit_code == EXIT_USAGE, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert result.output.startswith("error:") and "s3cret" not in result.output
    assert not (tmp_path / "a").exists()  # nothing was touched


@pytest.fixture(scope="module")
def small_site() -> SampleSite:
    return SampleSite(SiteConfig(seed=4, n_articles=8, per_page=4))


@pytest.mark.parametrize("section", ["theme/nope", "region/atlantis"])
def test_a_section_that_is_not_a_listing_exits_2(
    small_site: SampleSite, tmp_path: Path, section: str
) -> None:
    """A listing that does not exist answers with the front page (as the real site does):
    exit 2 with one error line naming the URL; the answer is archived, no article fetched."""
    with small_site.serve() as base:
        before = len(small_site.request_log)
        result = CliRunner().invoke(app, ["section", section, "--base-url", base, "--archive",
                                          str(tmp_path / "a"), "--delay", "0"])  # fmt: skip
        requested = [p for _m, p, _s in small_site.request_log[before:]]
    assert result.exit_code == EXIT_USAGE, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"{base}/{section}" in errors[0], result.output
    assert requested == ["/robots.txt", f"/{section}"]
