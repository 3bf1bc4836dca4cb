"""`scrape`: the command line. A thin skin: read options, build a config, call the library,
render the result with rich, map the library's errors to exit codes."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

import archive as arc  # lazy (PEP 562): each command loads only the modules it uses
import views
from cmdline import (
    ArchiveOpt,
    BaseUrlOpt,
    ConcurrencyOpt,
    DelayOpt,
    HelpCommand,
    HelpGroup,
    JsonOpt,
    MaxRuntimeOpt,
    PagesOpt,
    PlainOpt,
    SinceOpt,
    TimeoutOpt,
    UrlArg,
    UserAgentOpt,
    run,
)
from core.errors import (
    EXIT_ARCHIVE,
    EXIT_DEADLINE,
    EXIT_DRIFT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_UNREACHABLE,
    LayoutDrift,
    ParseError,
    ScraperError,
    UsageError,
)
from core.sanitize import for_terminal, safe_json
from core.words import plural
from scraper import __version__
from scraper.config import (
    DAILY_MAX_RUNTIME,
    DEFAULT_ARCHIVE,
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    CrawlConfig,
    default_user_agent,
    parse_duration,
)
from scraper.sections import ALL_SECTIONS, resolve_section

if TYPE_CHECKING:
    from scraper.crawl import CrawlSummary, Event
    from scraper.daily import DailySummary

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

def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since {value!r}: expected a date as YYYY-MM-DD") from None


def _config(
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
    return CrawlConfig(
        archive_dir=archive,
        base_url=base_url.rstrip("/") or DEFAULT_BASE_URL,
        pages=pages,
        since=_since(since),
        delay=delay,
        concurrency=concurrency,
        user_agent=default_user_agent() if user_agent is None else user_agent,
        timeout=timeout,
        max_runtime=parse_duration("--max-runtime", max_runtime) if max_runtime else None,
    )


STOP_CODES = {"signal": EXIT_INTERRUPTED, "unreachable": EXIT_UNREACHABLE,
              "deadline": EXIT_DEADLINE}  # fmt: skip


def _crawl_code(summary: CrawlSummary, *, soft404_fails: bool = False) -> int:
    """The exit code a crawl's summary implies."""
    if summary.stopped is not None:
        return STOP_CODES.get(summary.stopped, EXIT_INTERRUPTED)
    failed = summary.failures or (soft404_fails and summary.soft404)
    return EXIT_PARTIAL if failed else EXIT_OK


def _say_stop(summary: CrawlSummary, pending: int | None = None) -> None:
    line = views.stop_line(summary.stopped, summary.stop_message, pending)
    if line is not None:
        err.print(line)


def _fail(exc: ScraperError) -> typer.Exit:
    err.print(f"[red]error:[/red] {for_terminal(exc)}")
    return typer.Exit(exc.exit_code)


@app.command()
def section(
    section: Annotated[
        str,
        typer.Argument(
            metavar="SECTION",
            help="Region slug, region/<slug>, theme/<slug>, voices, or a listing URL.",
        ),
    ],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    base_url: BaseUrlOpt = DEFAULT_BASE_URL,
    pages: PagesOpt = None,
    since: SinceOpt = None,
    delay: DelayOpt = 1.0,
    concurrency: ConcurrencyOpt = 1,
    user_agent: UserAgentOpt = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    max_runtime: MaxRuntimeOpt = None,
) -> None:
    """Crawl a section's listing pages and archive every article on them."""
    from scraper.crawl import run_section

    try:
        config = _config(archive, base_url, pages, since, delay, concurrency, user_agent,
                         timeout, max_runtime)  # fmt: skip
        listing_url = resolve_section(section, config.base_url)
        with views.Reporter(err) as reporter:
            summary = run_section(config, listing_url, on_event=reporter)
    except ScraperError as exc:
        raise _fail(exc) from None
    views.print_summary(out, summary, archive)
    _say_stop(summary)
    raise typer.Exit(_crawl_code(summary))


@app.command()
def article(
    urls: Annotated[list[str], typer.Argument(metavar="URL...", help="One or more article URLs.")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    base_url: BaseUrlOpt = DEFAULT_BASE_URL,
    delay: DelayOpt = 1.0,
    concurrency: ConcurrencyOpt = 1,
    user_agent: UserAgentOpt = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT,
    max_runtime: MaxRuntimeOpt = None,
) -> None:
    """Fetch and archive the given articles (always fetched again)."""
    from scraper.crawl import run_articles

    try:
        config = _config(archive, base_url, None, None, delay, concurrency, user_agent,
                         timeout, max_runtime)  # fmt: skip
        with views.Reporter(err) as reporter:
            summary = run_articles(config, urls, on_event=reporter)
    except ScraperError as exc:
        raise _fail(exc) from None
    views.print_summary(out, summary, archive)
    _say_stop(summary)
    raise typer.Exit(_crawl_code(summary, soft404_fails=True))


@app.command()
def parse(
    path: Annotated[
        str, typer.Argument(metavar="FILE", help="A saved HTML file, or - for standard input.")
    ],
    url: Annotated[
        str | None,
        typer.Option(
            "--url", metavar="URL", help="The URL the page was served at (default: the URL the "
            "page names for itself, else the site's front page).",
        ),
    ] = None,
) -> None:
    """Parse a saved page offline and print its JSON (an article or a listing; with --url of
    an article, a listing is a soft 404, exit code 1)."""
    from core.model import SoftNotFound
    from scraper.parse import parse_served
    from scraper.saved import read_saved_page

    try:
        page = read_saved_page(path, url)
        try:
            result = parse_served(page.data, page.url)
        except ParseError as exc:  # the input is not a page: bad input, named by its file
            raise UsageError(f"{path}: {str(exc).removeprefix(exc.url + ': ')}") from None
    except ScraperError as exc:
        raise _fail(exc) from None
    if page.guessed:
        err.print(f"note: {for_terminal(path)} names no URL of its own; read as if served at "
                  f"{page.url} (give --url for the one it came from)")  # fmt: skip
    sys.stdout.write(safe_json(result.to_dict(), indent=2) + "\n")
    if isinstance(result, SoftNotFound):
        raise typer.Exit(1)


@app.command()
def export(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="jsonl, csv or parquet.")
    ] = "jsonl",
    out_file: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write here instead of standard output."),
    ] = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Every stored version, not only the latest.")
    ] = False,
    section: Annotated[
        str | None, typer.Option("--section", metavar="SECTION", help="Only this section.")
    ] = None,
    type_: Annotated[
        str | None, typer.Option("--type", metavar="TYPE", help="Only this article type.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Only published on or after YYYY-MM-DD."),
    ] = None,
) -> None:
    """Articles in the archive (latest version by default), as JSON lines, CSV or Parquet."""
    try:
        if fmt not in arc.FORMATS:
            raise UsageError(f"--format {fmt}: choose jsonl, csv or parquet")
        options = arc.ExportOptions(all_versions, section, type_, since)
        if fmt == "parquet":
            if out_file is None:
                raise UsageError("--format parquet needs --out FILE.parquet")
            count = arc.export_parquet(archive, out_file, options)
        elif out_file is None:
            count = arc.export_articles(archive, sys.stdout, fmt, options)
        else:
            tmp = out_file.with_name(out_file.name + ".part")
            try:
                with tmp.open("w", encoding="utf-8", newline="") as fh:
                    count = arc.export_articles(archive, fh, fmt, options)
                tmp.replace(out_file)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise UsageError(f"{out_file}: cannot write ({exc.strerror or exc})") from None
        articles = arc.count_articles(archive, options) if all_versions else count
    except ScraperError as exc:
        raise _fail(exc) from None
    if all_versions:
        err.print(f"exported {plural(count, 'version')} of {plural(articles, 'article')}")
    else:
        err.print(f"exported {plural(count, 'article')} (the latest version of each)")


@app.command()
def sections(base_url: BaseUrlOpt = DEFAULT_BASE_URL, plain: PlainOpt = False) -> None:
    """List the regions, themes and other listings, with their URLs."""
    base = base_url.rstrip("/")
    rows = [(s.path, s.name, s.kind, s.url(base)) for s in ALL_SECTIONS]
    if plain or not out.is_terminal:  # tab-separated for scripts: one listing a line
        views.print_tsv(out, ("section", "name", "kind", "url"), rows)
        return
    views.print_records(out, ("", "name", "kind", "url"), rows, idents=("url",))


# ---------------------------------------------------------------- provenance (quote … bundle)



def _say_checks(failed: set[str]) -> None:
    """One line on stderr for each way stored bytes failed to check out."""
    for state in (s for s in views.MEANINGS if s in failed):
        err.print(views.MEANINGS[state])


@app.command()
def quote(
    text: Annotated[
        str, typer.Argument(metavar="TEXT", help="The words to look for (a sentence or part).")
    ],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    as_json: JsonOpt = False,
    plain: PlainOpt = False,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", metavar="N", help="Show at most this many (1 to 1000).", min=1, max=1000
        ),
    ] = 10,
) -> None:
    """Where does this quote come from? Articles, versions, captures, verified bytes."""
    try:
        matches = arc.find_quote(archive, arc.QuoteQuery(text, limit=limit))
    except ScraperError as exc:
        raise _fail(exc) from None
    if as_json:
        sys.stdout.write(safe_json([m.to_dict() for m in matches]) + "\n")
    elif plain:
        views.print_matches_tsv(out, matches)
    else:
        for m in matches:
            views.print_match(out, m)
    if not matches:
        err.print("no article in the archive contains this quote")
    failed = arc.failed_checks(matches)
    _say_checks(failed)
    raise typer.Exit(EXIT_ARCHIVE if failed else EXIT_OK if matches else EXIT_PARTIAL)


@app.command()
def show(
    url: UrlArg, archive: ArchiveOpt = DEFAULT_ARCHIVE, as_json: JsonOpt = False,
    plain: PlainOpt = False,
) -> None:  # fmt: skip
    """One article: its fields, every version and every capture (re-verified)."""
    try:
        d = arc.article_details(archive, url)
    except ScraperError as exc:
        raise _fail(exc) from None
    if as_json:
        sys.stdout.write(safe_json(d.to_dict()) + "\n")
    else:
        views.print_details(out, d, plain)
    _say_checks({c.check.status for c in d.captures} - {"verified"})
    raise typer.Exit(EXIT_OK if d.intact else EXIT_ARCHIVE)


@app.command()
def verify(
    wacz: Annotated[
        Path | None,
        typer.Argument(metavar="[FILE.wacz]", help="A bundle to check instead of the archive."),
    ] = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
) -> None:
    """Check every WARC record, digest and index pointer (or one WACZ bundle)."""
    try:
        report = arc.verify_wacz(wacz) if wacz is not None else arc.verify_archive(archive)
    except ScraperError as exc:
        raise _fail(exc) from None
    views.print_report(out, report)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_ARCHIVE)


@app.command(name="reindex")
def reindex_cmd(archive: ArchiveOpt = DEFAULT_ARCHIVE) -> None:
    """Rebuild index.sqlite from the WARC files alone (the old one is replaced atomically)."""
    try:
        report = arc.reindex(archive)
    except ScraperError as exc:
        raise _fail(exc) from None
    out.print(f"read {plural(report.files, 'WARC file')} ({plural(report.records, 'record')}): "
              f"{plural(report.captures, 'capture')}, "
              f"{plural(report.articles, 'article record')}")  # fmt: skip
    for note in report.notes:
        out.print(f"[yellow]note[/yellow] {for_terminal(note)}")
    if report.skipped:
        err.print(f"[yellow]{plural(report.skipped, 'damaged stretch', 'damaged stretches')} "
                  "skipped[/yellow]: `scrape verify` says what they held")  # fmt: skip


@app.command()
def replay(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="Port on 127.0.0.1.", min=1, max=65535)
    ] = 8080,
    print_only: Annotated[
        bool, typer.Option("--print", help="Write the index, print how to serve, exit.")
    ] = False,
) -> None:
    """Serve the archive for browsing with pywb on 127.0.0.1 (or print how)."""
    from archive.replay import check_port

    try:
        if not print_only:
            check_port(port)
        setup = arc.prepare_replay(archive, port)
        for note in setup.notes:
            err.print(f"[yellow]note[/yellow] {for_terminal(note)}")
        out.print(f"wrote {plural(setup.captures, 'CDXJ line')} to {for_terminal(setup.cdxj)}")
        if print_only or setup.wayback is None:
            if setup.wayback is None:
                err.print("pywb is not installed; to replay the archive:")
            out.print(for_terminal(setup.instructions, one_line=False))
            raise typer.Exit(EXIT_OK)
        code = arc.serve(setup, on_ready=lambda: out.print(
            f"serving {setup.url()} — Ctrl-C to stop"))  # fmt: skip
    except ScraperError as exc:
        raise _fail(exc) from None
    raise typer.Exit(code)


@app.command()
def serve(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    port: Annotated[
        int,
        typer.Option("--port", metavar="PORT", help="Port of the desk (0: any free one).",
                     min=0, max=65535),
    ] = 8000,
    host: Annotated[
        str,
        typer.Option(
            "--host", metavar="ADDRESS", help="Address to listen on (127.0.0.1: this machine only)."
        ),
    ] = "127.0.0.1",
    capture_port: Annotated[
        int,
        typer.Option(
            "--capture-port", metavar="PORT", help="Port of archived pages (0: any free one).",
            min=0, max=65535,
        ),
    ] = 0,
) -> None:
    """A local web page to find a quote and show where it came from (read-only)."""
    from desk import Desk, DeskConfig, is_loopback

    try:
        desk = Desk(DeskConfig(archive, host=host, port=port, capture_port=capture_port))
    except ScraperError as exc:
        raise _fail(exc) from None
    if not is_loopback(host):
        err.print(f"[bold yellow]warning:[/bold yellow] listening on {for_terminal(host)}: anyone "
                  "who can reach this machine can read the archive")  # fmt: skip
    out.print(f"provenance desk on {desk.url} (archived pages on port {desk.capture_port})"
              " — Ctrl-C to stop")  # fmt: skip
    desk.run()


@app.command()
def bundle(
    url: UrlArg,
    out_file: Annotated[
        Path, typer.Option("--out", metavar="FILE.wacz", help="The WACZ file to write.")
    ],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    plain: PlainOpt = False,
) -> None:
    """Write one article's evidence package: a WACZ with its WARC records and hashes."""
    try:
        report = arc.build_bundle(
            archive, url, out_file, software=f"commonspace-scraper {__version__}"
        )
    except ScraperError as exc:
        raise _fail(exc) from None
    views.print_bundle(out, report, plain)


# ---------------------------------------------------------------- daily, history, changes


def _daily_code(s: DailySummary) -> int:
    if s.crawl.stopped is not None:
        return STOP_CODES.get(s.crawl.stopped, EXIT_INTERRUPTED)
    if s.drift:
        return EXIT_DRIFT
    return EXIT_PARTIAL if s.crawl.failures else EXIT_OK


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
        raise _fail(UsageError(f"--log-file {log_file}: cannot open ({exc.strerror})")) from None

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
        crawl = _config(archive, base_url, None, None, delay, concurrency, user_agent,
                        timeout, max_runtime)  # fmt: skip
        with views.Reporter(err) as reporter:
            summary = run_daily(DailyConfig(crawl=crawl, **opts), on_event=on_event)
        note(summary.line())
    except ScraperError as exc:
        note(f"error: {exc}")
        raise _fail(exc) from None
    finally:
        if log is not None:
            log.close()
    if as_json:
        sys.stdout.write(safe_json(summary.to_dict()) + "\n")
    else:
        out.print(for_terminal(summary.line()))
    _say_stop(summary.crawl, len(summary.backfill_pending))
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
        raise _fail(exc) from None
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
        edits = changes_since(archive, str(_since(since)))
    except ScraperError as exc:
        raise _fail(exc) from None
    if as_json:
        sys.stdout.write(safe_json([e.to_dict() for e in edits]) + "\n")
        raise typer.Exit(EXIT_OK)
    views.print_changes(out, edits, plain)
    err.print(f"{plural(len(edits), 'edited article')} since {for_terminal(since)}")


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """Scrape commonspace.eu into clean article JSON and WARC snapshots."""
    if version:
        out.print(f"commonspace-scraper {__version__}")
        raise typer.Exit(0)


for _command in app.registered_commands:  # every command's help without type placeholders
    _command.cls = HelpCommand


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(app))


if __name__ == "__main__":
    main()
