"""One frozen settings object for a crawl; the library never reads options any other way."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from core.errors import UsageError
from core.sanitize import redact

from . import __version__

DEFAULT_BASE_URL = "https://www.commonspace.eu"
DEFAULT_ARCHIVE = Path("commonspace-archive")
DEFAULT_TIMEOUT = 60.0  # seconds for a whole request: connect, headers and body
DAILY_MAX_RUNTIME = 2 * 3600.0  # seconds: the default --max-runtime of `scrape daily`
DAY = 86_400.0
MAX_CONCURRENCY = 16  # requests in flight at once: more is not polite to one site
CONTACT_URL = "https://github.com/links-europe/commonspace-scraper"


def default_user_agent(contact: str = CONTACT_URL) -> str:
    return f"commonspace-scraper/{__version__} (+{contact})"


@dataclass(frozen=True)
class CrawlConfig:
    """Everything a crawl needs to know. Built once by the CLI (or a test) and passed down."""

    archive_dir: Path = DEFAULT_ARCHIVE
    base_url: str = DEFAULT_BASE_URL
    pages: int | None = None
    since: date | None = None
    delay: float = 1.0
    concurrency: int = 1
    user_agent: str = default_user_agent()
    timeout: float = DEFAULT_TIMEOUT  # one request, all of it: connect, headers, body
    max_response_bytes: int = 8 * 1024 * 1024
    max_header_lines: int = 256  # httpcore caps the header block at 100 KB as well
    retries: int = 3
    retry_base: float = 1.0
    retry_after_cap: float = 120.0
    max_redirects: int = 5
    warc_max_bytes: int = 1 << 30
    warc_prefix: str = "commonspace"
    operator: str | None = None
    obey_robots: bool = True
    breaker_after: int = 5  # this many timeouts/connection failures in a row: stop asking
    max_runtime: float | None = None  # seconds for the whole run; None = no limit

    def __post_init__(self) -> None:
        check_seconds("--delay", self.delay, allow_zero=True)
        check_seconds("--timeout", self.timeout)
        if self.max_runtime is not None:
            check_seconds("--max-runtime", self.max_runtime, most=7 * DAY)
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise UsageError(
                f"--concurrency must be from 1 to {MAX_CONCURRENCY}, not {self.concurrency}"
            )
        if self.pages is not None and self.pages < 1:
            raise UsageError(f"--pages must be at least 1, not {self.pages}")
        if not self.base_url.startswith(("http://", "https://")):
            raise UsageError(
                f"--base-url must start with http:// or https://, not {redact(self.base_url)!r}"
            )
        if "@" in urlsplit(self.base_url).netloc:
            raise UsageError(
                f"--base-url {redact(self.base_url)}: a user name or password in the URL would "
                "be sent with every request and kept in the WARC files; give the URL without it"
            )
        ua = self.user_agent
        if not ua.strip() or not ua.isprintable() or not ua.isascii():
            raise UsageError(
                f"--user-agent must be one line of printable ASCII naming the tool and a contact, "
                f"not {self.user_agent!r}"
            )
        if self.retries < 1:
            raise UsageError(f"retries must be at least 1, not {self.retries}")
        if self.breaker_after < 1 or self.max_header_lines < 1:
            raise UsageError("breaker_after and max_header_lines must be at least 1")


def check_seconds(name: str, value: float, *, allow_zero: bool = False, most: float = DAY) -> None:
    """A duration option: a finite number of seconds, > 0 (or >= 0), at most ``most``."""
    low = "from 0 to" if allow_zero else "above 0 and at most"
    if not (
        isinstance(value, int | float)
        and math.isfinite(value)
        and (value >= 0 if allow_zero else value > 0)
        and value <= most
    ):
        raise UsageError(f"{name} must be a number of seconds {low} {most:g}, not {value}")


def parse_duration(name: str, text: str) -> float | None:
    """``2h``, ``90m``, ``1h30m``, ``45s`` or plain seconds; ``0`` or ``none`` means no limit."""
    spec = text.strip().lower()
    if spec in ("0", "none", "off"):
        return None
    units = {"d": DAY, "h": 3600.0, "m": 60.0, "s": 1.0}
    total, number = 0.0, ""
    for ch in spec:
        if ch.isdigit() or ch == ".":
            number += ch
        elif ch in units and number:
            total += _number(name, text, number) * units[ch]
            number = ""
        else:
            raise UsageError(f"{name} {text!r}: give a duration such as 2h, 90m, 1h30m or 3600")
    if number:
        total += _number(name, text, number)
    check_seconds(name, total, most=7 * DAY)
    return total


def _number(name: str, text: str, number: str) -> float:
    try:
        return float(number)
    except ValueError:
        raise UsageError(f"{name} {text!r}: give a duration such as 2h, 90m or 3600") from None
