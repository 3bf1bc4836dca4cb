"""Commands for the archive kept over time: ``daily`` (for cron), ``history``, ``changes``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import archive as arc  # lazy (PEP 562): each command loads only the modules it uses
import views
from cmdline import (
    ArchiveOpt,
    BaseUrlOpt,
    ConcurrencyOpt,
    DelayOpt,
    JsonOpt,
    PlainOpt,
    TimeoutOpt,
    UrlArg,
    UserAgentOpt,
)
from core.errors import EXIT_DRIFT, EXIT_OK, LayoutDrift, ScraperError, UsageError
from core.sanitize import for_terminal, safe_json
from core.words import plural
from scraper.config import DAILY_MAX_RUNTIME, DEFAULT_ARCHIVE, DEFAULT_BASE_URL, DEFAULT_TIMEOUT

from . import app, crawl_code, crawl_config, err, fail, out, say_stop, since_date

if TYPE_CHECKING:
    from scraper.crawl import Event
    from scraper.daily import DailySummary


def _daily_code(s: DailySummary) -> int:
    """A crawl's code, except that drift in a run that was not stopped is ``EXIT_DRIFT``."""
    if s.drift and s.crawl.stopped is None:
        return EXIT_DRIFT
    return crawl_code(s.crawl)


@app.command()
def daily(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    base_url: BaseUrlOpt = DEFAULT_BASE_URL,
    delay: DelayOpt = 1.0,
    concurrency: ConcurrencyOpt = 1,
    user_agent: UserAgentOpt = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    max_runtime: Annotated[
        str,
        typer.Option(
            "--max-runtime",
            metavar="DURATION",
            help="Stop after this long (2h, 90m, 3600); the next run carries on. 0 = no limit.",
        ),
    ] = f"{DAILY_MAX_RUNTIME / 3600:g}h",
    section: Annotated[
        list[str] | None,
        typer.Option("--section", metavar="SECTION", help="Only this section (repeatable)."),
    ] = None,
    config_file: Annotated[
        Path | None,
        typer.Option(
            "--config", metavar="FILE", help="TOML file: sections, feeds, re-check schedule."
        ),
    ] = None,
    as_json: JsonOpt = False,
    log_file: Annotated[
        Path | None, typer.Option("--log-file", help="Append every event to this file.")
    ] = None,
) -> None:
    """Archive what is new since the last run and re-check recent articles (for cron)."""
    from scraper.daily import DailyConfig, read_toml, run_daily

    try:
        log = log_file.open("a", encoding="utf-8") if log_file else None
    except OSError as exc:
        raise fail(UsageError(f"--log-file {log_file}: cannot open ({exc.strerror})")) from None

    def note(text: str) -> None:
        if log is not None:
            log.write(f"{arc.utc_now()} {for_terminal(text)}\n")
            log.flush()

    def on_event(e: Event) -> None:
        note(views.event_line(e))
        if reporter.live:
            reporter(e)

    try:
        opts = read_toml(config_file) if config_file else {}
        if section:
            opts["sections"] = tuple(section)
        crawl = crawl_config(archive, base_url, None, None, delay, concurrency, user_agent,
                        timeout, max_runtime)  # fmt: skip
        with views.Reporter(err) as reporter:
            summary = run_daily(DailyConfig(crawl=crawl, **opts), on_event=on_event)
        note(summary.line())
    except ScraperError as exc:
        note(f"error: {exc}")
        raise fail(exc) from None
    finally:
        if log is not None:
            log.close()
    if as_json:
        sys.stdout.write(safe_json(summary.to_dict()) + "\n")
    else:
        out.print(for_terminal(summary.line()))
    say_stop(summary.crawl, len(summary.backfill_pending))
    if summary.drift:
        err.print(f"[bold red]{for_terminal(LayoutDrift(summary.drift))}[/bold red]")
    raise typer.Exit(_daily_code(summary))


@app.command()
def history(
    url: UrlArg,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    old: Annotated[
        int | None, typer.Option("--from", metavar="N", help="Older version (number).", min=1)
    ] = None,
    new: Annotated[
        int | None, typer.Option("--to", metavar="N", help="Newer version (number).", min=1)
    ] = None,
    as_json: JsonOpt = False,
    plain: PlainOpt = False,
) -> None:
    """An article's versions with their captures, and a word diff between two of them."""
    from archive.history import article_history, diff_versions

    try:
        h = article_history(archive, url)
        b = h.version(new or len(h.versions))
        a = h.version(old or max(1, b.number - 1))
    except ScraperError as exc:
        raise fail(exc) from None
    if as_json:
        changes = diff_versions(a.json, b.json)
        doc = dict(h.to_dict(), diff={"from": a.number, "to": b.number,
                                      "changes": [c.to_dict() for c in changes]})  # fmt: skip
        sys.stdout.write(safe_json(doc) + "\n")
        raise typer.Exit(EXIT_OK)
    views.print_history(out, h, plain)
    if a.number != b.number and not plain:
        out.print(f"[bold]version {a.number} → {b.number}[/bold]")
        views.print_diff(out, a.json, b.json)


@app.command()
def changes(
    since: Annotated[
        str,
        typer.Option("--since", metavar="DATE", help="Edits first seen on or after YYYY-MM-DD."),
    ],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
    plain: PlainOpt = False,
) -> None:
    """Every article edited since a date, with what kind of change."""
    from archive.history import changes_since

    try:
        edits = changes_since(archive, str(since_date(since)))
    except ScraperError as exc:
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(safe_json([e.to_dict() for e in edits]) + "\n")
        raise typer.Exit(EXIT_OK)
    views.print_changes(out, edits, plain)
    err.print(f"{plural(len(edits), 'edited article')} since {for_terminal(since)}")
