"""One lock for every command that writes, and the repair of a killed run's `.open` file by
whichever writer comes next."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive import closed_warcs, open_warcs, verify_archive
from cli import app
from core.errors import EXIT_LOCKED
from tests.samplesite import SampleSite, SiteConfig

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return SampleSite(SiteConfig(seed=11, n_articles=16, per_page=8))


@pytest.fixture(scope="module")
def base(site: SampleSite) -> Iterator[str]:
    with site.serve() as url:
        yield url


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def crawled(base: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the `voices` listing, crawled once for the module."""
    archive = tmp_path_factory.mktemp("crawled") / "archive"
    code, out, err = run("section", "voices", "--base-url", base, "--archive", archive,
                         "--delay", "0")  # fmt: skip
    assert code == 0, out + err
    return archive


HOLDER = """
import sys
from archive.lock import ArchiveLock
lock = ArchiveLock({archive!r})
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def held(crawled: Path) -> Iterator[Path]:
    """The crawled archive, its lock held by another process until the test ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLDER.format(archive=str(crawled)))],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    try:
        yield crawled
    finally:
        proc.communicate(timeout=10)


def state(archive: Path) -> dict[str, tuple[int, int]]:
    """Every file of the archive but the lock file, with its size and modification time."""
    return {
        str(p.relative_to(archive)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(archive.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


WRITERS = {
    "section": ["section", "voices"],
    "article": ["article", "/news/any-article"],
    "daily": ["daily", "--section", "voices"],
    "reindex": ["reindex"],
}


@pytest.mark.parametrize("name", WRITERS)
def test_every_writer_takes_the_one_lock(
    name: str, held: Path, base: str, site: SampleSite
) -> None:
    """While another process holds the archive, each writing command exits 4 at once with the
    same one-line message, fetching nothing and changing nothing."""
    args = list(WRITERS[name])
    if name == "article":
        args[1] = base + args[1]
    if name != "reindex":
        args += ["--base-url", base, "--delay", "0"]
    before, requests = state(held), len(site.request_log)
    code, out, err = run(*args, "--archive", held)
    assert code == EXIT_LOCKED, out + err
    (line,) = err.splitlines()
    assert line.startswith(f"error: {held / '.lock'}: another scrape run (pid ")
    assert "this run did nothing" in line
    assert state(held) == before and len(site.request_log) == requests


@pytest.mark.parametrize(
    "args",
    [["verify"], ["export"], ["show", "/voices-article"], ["quote", "peace and security"],
     ["changes", "--since", "2000-01-01"]],
    ids=lambda a: a[0],
)  # fmt: skip
def test_readers_need_no_lock(args: list[str], held: Path) -> None:
    """Reading commands work while a writer holds the archive (they never take the lock)."""
    if args[0] == "show":
        args = ["show", json.loads(next((held / "articles").rglob("*.json")).read_bytes())["url"]]
    code, out, err = run(*args, "--archive", held)
    assert code in (0, 1), out + err  # quote may find nothing: 1
    assert "another scrape run" not in err


def leave_open_file(archive: Path) -> tuple[Path, int]:
    """Make the newest WARC look like a killed run's: renamed `.open`, its last record torn."""
    warc = closed_warcs(archive)[-1]
    size = warc.stat().st_size
    torn = warc.with_name(warc.name + ".open")
    warc.rename(torn)
    with torn.open("r+b") as fh:
        fh.truncate(size - 9)
    return warc, size


@pytest.mark.parametrize("name", ["section", "article", "reindex"])
def test_any_writer_repairs_a_leftover_open_file(
    name: str, base: str, tmp_path: Path, site: SampleSite
) -> None:
    """A `.open` file left by a killed run is repaired by the next writer, whichever it is:
    cut back to its last whole record, closed, and the index rebuilt to match it."""
    archive = tmp_path / "archive"
    code, out, err = run("section", "voices", "--base-url", base, "--archive", archive,
                         "--delay", "0", "--pages", "1")  # fmt: skip
    assert code == 0, out + err
    warc, size = leave_open_file(archive)
    args = {"section": ["section", "voices", "--pages", "1"],
            "article": ["article", base + site.articles[0].url_path],
            "reindex": ["reindex"]}[name]  # fmt: skip
    if name != "reindex":
        args += ["--base-url", base, "--delay", "0"]
    code, out, err = run(*args, "--archive", archive)
    assert code in (0, 1), out + err
    assert open_warcs(archive) == []
    assert warc in closed_warcs(archive) and warc.stat().st_size < size
    assert f"repaired {warc.name}.open" in out + err
    report = verify_archive(archive)
    assert report.ok, report.problems
