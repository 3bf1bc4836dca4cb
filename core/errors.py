"""The one exception tree of the scraper and the archive.

    ScraperError                 root: every error the library raises on purpose
    ├── UsageError               bad input from the user (unknown section, bad URL, bad option)
    ├── FetchError               a page could not be fetched (carries url, status)
    │   └── OffSiteError         a URL or redirect leads off the site being scraped
    ├── ParseError               bytes that are not a parseable HTML page (carries url)
    ├── ArchiveError             the archive folder, a WARC file or the index is unusable
    │   │                        (carries path)
    │   └── ArchiveLocked        another run holds the archive's lock (`scrape daily`)
    │       └── StaleLock        … and that run is hung: past its own deadline, held for more
    │                            than a day, or its process is gone
    ├── LayoutDrift              fields suddenly missing from most new articles (carries fields)
    └── RunStopped               the run is stopping (signal, --max-runtime, unreachable site):
                                 raised inside a run for work not started; never reaches a user

Every message names the URL or path involved and, where there is one, what to do next.
"""

from __future__ import annotations

# Exit codes of the `scrape` command (documented in the README).
EXIT_OK = 0
EXIT_PARTIAL = 1  # the run finished, but some pages failed (listed in the summary)
EXIT_USAGE = 2  # bad command line or option value
EXIT_ARCHIVE = 3  # the archive folder, a WARC file or the index is unusable
EXIT_LOCKED = 4  # another run holds the archive's lock; this one did nothing
EXIT_DRIFT = 5  # archived, but fields went missing for most new articles: the site changed
EXIT_DEADLINE = 6  # stopped at --max-runtime; what is left is pending, the next run carries on
EXIT_UNREACHABLE = 7  # the site stopped answering (timeouts, refused connections): gave up on it
EXIT_STALE_LOCK = 8  # the lock is held by a run that is hung; nothing done: look at that run
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C / SIGINT after closing files cleanly


class ScraperError(Exception):
    """Root of every error raised on purpose by ``scraper`` and ``archive``."""

    exit_code = EXIT_PARTIAL


class UsageError(ScraperError):
    """The user asked for something that cannot be done (unknown section, bad option value)."""

    exit_code = EXIT_USAGE


class FetchError(ScraperError):
    """A page could not be fetched."""

    def __init__(self, url: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.status = status
        self.reason = message


class OffSiteError(FetchError):
    """A URL, or a redirect, points away from the site being scraped."""


class ParseError(ScraperError):
    """The bytes are not a page the parser can read."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url


class ArchiveError(ScraperError):
    """The archive folder, a WARC file or the index cannot be used."""

    exit_code = EXIT_ARCHIVE

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class ArchiveLocked(ArchiveError):
    """Another process holds the archive's lock (``ARCHIVE/.lock``); nothing was done."""

    exit_code = EXIT_LOCKED


class StaleLock(ArchiveLocked):
    """The lock is held by a run that should have ended: someone must look at it."""

    exit_code = EXIT_STALE_LOCK


class LayoutDrift(ScraperError):
    """Fields the archive usually has went missing for most of this run's new articles."""

    exit_code = EXIT_DRIFT

    def __init__(self, fields: dict[str, tuple[float, float]]) -> None:
        said = ", ".join(
            f"{name} ({now:.0%} of new articles, usually {before:.0%})"
            for name, (before, now) in fields.items()
        )
        super().__init__(
            f"layout drift: {said}; the site's markup has probably changed — check the parser "
            "against a fresh page before trusting new JSON"
        )
        self.fields = fields


class RunStopped(ScraperError):
    """The run is stopping (``reason``: "signal", "deadline" or "unreachable"); the work that
    raised this was not done and nothing of it was stored."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the run is stopping ({reason})")
        self.reason = reason
