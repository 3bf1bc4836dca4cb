"""A run can never hang: `scrape daily` against servers that stall in every way it can.

Real sockets on 127.0.0.1, runs as subprocesses. Each stalled shape must end the run by itself
(the circuit breaker after five timeouts in a row) with exit code 7 and one line on stderr, leave
an archive that `scrape verify` passes, and be followed by a healthy run that archives
everything. SIGTERM into each shape ends the run within 5 s, exit 130. `--max-runtime` stops a
run on a slow but working server (exit 6); the next run carries on with nothing lost and
nothing fetched twice, even when the stop cut a listing's walk short.

The time bounds below are hang detectors with wide margins (a stalled run used to go on for
ever); how fast a run is belongs to `make bench`.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from archive import Index, open_warcs, verify_archive
from core.errors import EXIT_DEADLINE, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNREACHABLE
from tests.samplesite import SampleSite, SiteConfig
from tests.samplesite import faults as f

ROOT = Path(__file__).resolve().parent.parent
HANG = 600.0  # what the faults would do without a deadline: ten minutes

SHAPES = {
    "never answers": lambda: f.Hang(HANG),
    "drips headers": lambda: f.HeaderDrip(0.5),
    "endless headers": lambda: f.EndlessHeaders(0.2),
    "drips body": lambda: f.Drip(0.5),
}


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return SampleSite(SiteConfig(seed=11, n_articles=16, per_page=6))


@pytest.fixture(scope="module")
def base(site: SampleSite) -> Iterator[str]:
    with site.serve() as url:
        yield url


@pytest.fixture(autouse=True)
def _healthy_again(site: SampleSite) -> Iterator[None]:
    yield
    site.clear_faults()


def daily(base: str, archive: Path, *extra: str) -> subprocess.Popen[str]:
    args = ["daily", "--base-url", base, "--archive", str(archive), "--delay", "0", *extra]
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def finish(proc: subprocess.Popen[str], within: float) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"the run was still going after {within:g} s")
    return proc.returncode, out, err


def stored(archive: Path) -> Counter[str]:
    with Index.open(archive) as index:
        return Counter({a["url"]: len(index.versions(a["url"])) for a in index.latest_articles()})


def listed(site: SampleSite, base: str) -> set[str]:
    return {base + a.url_path for s in site.listing_slugs() for a in site.section_articles(s)}


def assert_clean(archive: Path) -> None:
    assert open_warcs(archive) == []
    report = verify_archive(archive)
    assert report.ok, report.problems


def healthy_run_gets_everything(site: SampleSite, base: str, archive: Path) -> None:
    site.clear_faults()
    code, out, err = finish(daily(base, archive), within=120)
    assert code == EXIT_OK, out + err
    got = stored(archive)
    assert set(got) >= listed(site, base) and set(got.values()) == {1}
    assert_clean(archive)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_stalled_server_ends_the_run_by_itself(
    site: SampleSite, base: str, tmp_path: Path, shape: str
) -> None:
    """Every page but robots.txt stalls: five 1 s deadlines in a row open the breaker; exit 7
    with one line naming the site; the archive verifies; a healthy run then gets everything."""
    archive = tmp_path / "archive"
    site.inject("*", SHAPES[shape]())
    before = len(site.request_log)
    code, out, err = finish(daily(base, archive, "--timeout", "1"), within=60)
    assert code == EXIT_UNREACHABLE, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and base in lines[0] and "in a row" in lines[0], err
    assert "Traceback" not in err and "stopped=unreachable" in out
    assert 5 <= len(site.request_log) - before <= 7  # robots.txt, then five stalled requests
    assert_clean(archive)
    healthy_run_gets_everything(site, base, archive)


def test_full_accept_queue_ends_the_run(site: SampleSite, base: str, tmp_path: Path) -> None:
    """A host whose accept queue is full (connects hang): robots.txt times out, the run stops
    at once as unreachable with one line; the archive stays usable for a healthy run."""
    archive = tmp_path / "archive"
    with f.backlog_full() as stuck:
        code, out, err = finish(daily(stuck, archive, "--timeout", "1"), within=60)
    assert code == EXIT_UNREACHABLE, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "robots.txt" in lines[0] and "did not answer" in lines[0], err
    healthy_run_gets_everything(site, base, archive)


def connecting_to(port: int) -> bool:
    """Whether some socket on this machine is in SYN-SENT towards 127.0.0.1:``port``."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(OSError), open(table, encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                fields = line.split()
                if fields[3] == "02" and int(fields[2].rsplit(":", 1)[1], 16) == port:
                    return True
    return False


def sigterm_into(
    proc: subprocess.Popen[str], stalled: Callable[[], bool], seconds: float = 2
) -> tuple[int, str, str]:
    """SIGTERM ``seconds`` after the run is in its stalled request; the run must end in 5 s.

    Waiting for the stall (rather than a fixed time from the start) keeps a loaded machine's
    slow interpreter start out of it: a signal before the run has begun proves nothing."""
    waited = time.monotonic() + 60
    while not stalled():
        if proc.poll() is not None or time.monotonic() > waited:
            proc.kill()
            pytest.fail("the run never reached the stalled request: " + "".join(proc.communicate()))
        time.sleep(0.02)
    time.sleep(seconds)
    assert proc.poll() is None, "the run ended before the signal: " + "".join(proc.communicate())
    proc.send_signal(signal.SIGTERM)
    return finish(proc, within=5)


def stalled_request(site: SampleSite, before: int) -> Callable[[], bool]:
    """True once the site has seen a request other than robots.txt since ``before``."""
    return lambda: any(p != "/robots.txt" for _m, p, _s in site.request_log[before:])


@pytest.mark.parametrize("shape", [*SHAPES, "full accept queue"])
def test_sigterm_ends_a_stalled_run_at_once(
    site: SampleSite, base: str, tmp_path: Path, shape: str
) -> None:
    """SIGTERM 2 s into a stalled request (60 s deadline): the request is cut off, the files
    are closed, exit 130 within 5 s; the archive verifies and a healthy run gets everything."""
    archive = tmp_path / "archive"
    if shape == "full accept queue":
        with f.backlog_full() as stuck:
            port = int(stuck.rsplit(":", 1)[1])
            proc = daily(stuck, archive, "--timeout", "60")
            code, out, err = sigterm_into(proc, lambda: connecting_to(port))
    else:
        site.inject("*", SHAPES[shape]())
        before = len(site.request_log)
        proc = daily(base, archive, "--timeout", "60")
        code, out, err = sigterm_into(proc, stalled_request(site, before))
    assert code == EXIT_INTERRUPTED, out + err
    assert "Traceback" not in err and "stopped=signal" in out
    if (archive / "warc").exists():
        assert_clean(archive)
    healthy_run_gets_everything(site, base, archive)


def article_requests(site: SampleSite, base: str, since: int) -> Counter[str]:
    paths = {u.removeprefix(base) for u in listed(site, base)}
    return Counter(p for _m, p, s in site.request_log[since:] if p in paths and s == 200)


def test_max_runtime_stops_and_the_next_run_carries_on(
    site: SampleSite, base: str, tmp_path: Path
) -> None:
    """A first run (a backfill) on a slow server with --max-runtime 5: exit 6, one line; the
    next run finishes the job: every article archived once, and fetched once over both runs."""
    archive = tmp_path / "archive"
    site.inject("*", f.Slow(0.4))  # 16 articles, ~40 requests: about half done in 5 s
    before = len(site.request_log)
    code, out, err = finish(daily(base, archive, "--max-runtime", "5"), within=60)
    assert code == EXIT_DEADLINE, out + err
    assert "stopped=deadline" in out and "--max-runtime reached" in err
    assert len(err.strip().splitlines()) == 1, err
    assert_clean(archive)
    first = stored(archive)
    assert 0 < len(first) < len(listed(site, base)), f"{len(first)} stored: the stop proved nothing"
    code, out, err = finish(daily(base, archive, "--max-runtime", "0"), within=120)
    assert code == EXIT_OK, out + err
    got = stored(archive)
    assert set(got) >= listed(site, base) and set(got.values()) == {1}
    fetched = article_requests(site, base, before)
    assert set(fetched.values()) == {1}, [p for p, n in fetched.items() if n > 1]
    assert_clean(archive)


def test_a_walk_cut_short_is_read_on_next_run(site: SampleSite, base: str, tmp_path: Path) -> None:
    """Fifteen new articles in one listing (three pages' worth) and a run stopped part-way
    through them: the next run reads that listing on past where the stop came, so none of the
    fifteen is missed (without the cut record it would stop at page 0's archived articles)."""
    archive = tmp_path / "archive"
    code, out, err = finish(daily(base, archive), within=120)
    assert code == EXIT_OK, out + err
    only_voices = tmp_path / "voices.toml"  # no feeds: they would fetch the new articles first
    only_voices.write_text('sections = ["voices"]\nfeeds = false\n', encoding="utf-8")
    new = [site.add_article(section="opinion") for _ in range(15)]
    site.inject("*", f.Slow(0.25))
    code, out, err = finish(
        daily(base, archive, "--config", str(only_voices), "--max-runtime", "2.5"), within=60
    )
    assert code == EXIT_DEADLINE, out + err
    missing = {base + a.url_path for a in new} - set(stored(archive))
    assert len(missing) > 6, "the stop came too late to test anything"  # more than page 0
    site.clear_faults()
    code, out, err = finish(daily(base, archive, "--config", str(only_voices)), within=120)
    assert code == EXIT_OK, out + err
    assert {base + a.url_path for a in new} <= set(stored(archive))
    assert_clean(archive)


def test_sigterm_ends_scrape_section_at_once(site: SampleSite, base: str, tmp_path: Path) -> None:
    """`scrape section` obeys SIGTERM the same way: exit 130, WARC closed (no .open left)."""
    archive = tmp_path / "archive"
    site.inject("*", f.Hang(HANG))
    before = len(site.request_log)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "section", "voices", "--base-url", base, "--archive",
         str(archive), "--delay", "0"], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    code, out, err = sigterm_into(proc, stalled_request(site, before))
    assert code == EXIT_INTERRUPTED, out + err
    assert "interrupted" in out and "Traceback" not in err
    assert_clean(archive)
