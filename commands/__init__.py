"""`scrape`'s commands, by concept: ``crawling`` (section, article, parse, export, sections),
``provenance`` (quote, show, verify, reindex, replay, serve, bundle) and ``daily`` (daily,
history, changes). This package holds what they share: the typer app they register on, the two
consoles, the crawl configuration their options build, and how a run's end becomes an exit code
and a line on stderr. ``cli.py`` loads the three modules and runs the app.

A thin skin: read options, build a config, call the library, render the result with rich
(``views``), map the library's errors to exit codes (``cmdline``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

import views
from cmdline import HelpGroup
from core.errors import (
    EXIT_DEADLINE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_UNREACHABLE,
    ScraperError,
    UsageError,
)
from core.sanitize import for_terminal
from scraper.config import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    CrawlConfig,
    default_user_agent,
    parse_duration,
)

if TYPE_CHECKING:
    from scraper.crawl import CrawlSummary

#: The modules of this package whose commands ``cli`` registers, in the order help lists them.
COMMAND_MODULES = ("crawling", "provenance", "daily")

app = typer.Typer(
    name="scrape",
    help="Scrape commonspace.eu into clean article JSON and WARC snapshots.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: one line per option, no boxes
    cls=HelpGroup,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def since_date(value: str | None) -> date | None:
    """``--since``'s date, or a usage error naming the value."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since {value!r}: expected a date as YYYY-MM-DD") from None


def crawl_config(
    archive: Path,
    base_url: str,
    pages: int | None,
    since: str | None,
    delay: float,
    concurrency: int,
    user_agent: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_runtime: str | None = None,
) -> CrawlConfig:
    """The crawl configuration the options of section, article and daily name."""
    return CrawlConfig(
        archive_dir=archive,
        base_url=base_url.rstrip("/") or DEFAULT_BASE_URL,
        pages=pages,
        since=since_date(since),
        delay=delay,
        concurrency=concurrency,
        user_agent=default_user_agent() if user_agent is None else user_agent,
        timeout=timeout,
        max_runtime=parse_duration("--max-runtime", max_runtime) if max_runtime else None,
    )


STOP_CODES = {"signal": EXIT_INTERRUPTED, "unreachable": EXIT_UNREACHABLE,
              "deadline": EXIT_DEADLINE}  # fmt: skip


def crawl_code(summary: CrawlSummary, *, soft404_fails: bool = False) -> int:
    """The exit code a crawl's summary implies."""
    if summary.stopped is not None:
        return STOP_CODES.get(summary.stopped, EXIT_INTERRUPTED)
    failed = summary.failures or (soft404_fails and summary.soft404)
    return EXIT_PARTIAL if failed else EXIT_OK


def say_stop(summary: CrawlSummary, pending: int | None = None) -> None:
    """One line on stderr when a run stopped early: why, and what it left pending."""
    line = views.stop_line(summary.stopped, summary.stop_message, pending)
    if line is not None:
        err.print(line)


def fail(exc: ScraperError) -> typer.Exit:
    """Say ``exc`` in one line on stderr; the exit (its code) for the command to raise."""
    err.print(f"[red]error:[/red] {for_terminal(exc)}")
    return typer.Exit(exc.exit_code)
