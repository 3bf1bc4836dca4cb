"""One frozen settings object for a crawl; the library never reads options any other way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core.errors import UsageError

from . import __version__

DEFAULT_BASE_URL = "https://www.commonspace.eu"
DEFAULT_ARCHIVE = Path("commonspace-archive")
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
    timeout: float = 30.0
    max_response_bytes: int = 8 * 1024 * 1024
    max_response_seconds: float = 120.0
    retries: int = 3
    retry_base: float = 1.0
    retry_after_cap: float = 120.0
    max_redirects: int = 5
    warc_max_bytes: int = 1 << 30
    warc_prefix: str = "commonspace"
    operator: str | None = None
    obey_robots: bool = True

    def __post_init__(self) -> None:
        if self.delay < 0:
            raise UsageError(f"--delay must be 0 or more seconds, not {self.delay}")
        if self.concurrency < 1:
            raise UsageError(f"--concurrency must be at least 1, not {self.concurrency}")
        if self.pages is not None and self.pages < 1:
            raise UsageError(f"--pages must be at least 1, not {self.pages}")
        if not self.base_url.startswith(("http://", "https://")):
            raise UsageError(
                f"--base-url must start with http:// or https://, not {self.base_url!r}"
            )
        ua = self.user_agent
        if not ua.strip() or not ua.isprintable() or not ua.isascii():
            raise UsageError(
                f"--user-agent must be one line of printable ASCII naming the tool and a contact, "
                f"not {self.user_agent!r}"
            )
        if self.retries < 1:
            raise UsageError(f"retries must be at least 1, not {self.retries}")
