"""`scrape`: the command line. A thin skin: read options, build a config, call the library,
render the result with rich, map the library's errors to exit codes."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from archive import export_articles
from scraper import __version__
from scraper.config import DEFAULT_ARCHIVE, DEFAULT_BASE_URL, CrawlConfig
from scraper.crawl import CrawlSummary, Event, run_articles, run_section
from scraper.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL, ScraperError, UsageError
from scraper.parse import parse_page
from scraper.sanitize import for_terminal
from scraper.sections import ALL_SECTIONS, resolve_section

app = typer.Typer(
    name="scrape",
    help="Scrape commonspace.eu into clean article JSON and WARC snapshots.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

ArchiveOpt = Annotated[
    Path,
    typer.Option(
        "--archive", envvar="SCRAPE_ARCHIVE", help="Archive folder (WARCs, index, JSON).",
        file_okay=True, dir_okay=True,
    ),
]
BaseUrlOpt = Annotated[
    str, typer.Option("--base-url", envvar="SCRAPE_BASE_URL", help="Site to scrape.")
]
PagesOpt = Annotated[
    int | None, typer.Option("--pages", help="Stop after this many listing pages.", min=1)
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="Stop paging once a whole page is older than YYYY-MM-DD."),
]
DelayOpt = Annotated[
    float, typer.Option("--delay", help="Seconds between requests (robots.txt may ask more).")
]
ConcurrencyOpt = Annotated[
    int, typer.Option("--concurrency", help="Requests in flight at once.", min=1)
]


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since {value!r}: expected a date as YYYY-MM-DD") from None


def _config(
    archive: Path, base_url: str, pages: int | None, since: str | None, delay: float,
    concurrency: int,
) -> CrawlConfig:
    return CrawlConfig(
        archive_dir=archive,
        base_url=base_url.rstrip("/") or DEFAULT_BASE_URL,
        pages=pages,
        since=_since(since),
        delay=delay,
        concurrency=concurrency,
    )


class Reporter:
    """Shows crawl events: a rich progress bar on a terminal, one plain line each otherwise."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self.progress: Progress | None = None
        self.task = None
        self.counts = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0, "soft404": 0}

    def __enter__(self) -> Reporter:
        if self.live:
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed} articles"),
                TextColumn("{task.fields[counts]}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.progress.__enter__()
            self.task = self.progress.add_task("crawling", total=None, counts="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)

    def __call__(self, event: Event) -> None:
        if event.kind == "article":
            self.counts[event.status] = self.counts.get(event.status, 0) + 1
        elif event.kind in ("failed", "soft404"):
            self.counts[event.kind] += 1
        if self.progress is not None and self.task is not None:
            done = sum(self.counts[k] for k in ("new", "updated", "unchanged"))
            counts = " ".join(f"{k}={v}" for k, v in self.counts.items() if v)
            desc = "listing" if event.kind == "listing" else "crawling"
            self.progress.update(self.task, completed=done, counts=counts, description=desc)
            if event.kind in ("failed", "soft404"):
                self.progress.console.print(self._line(event))
            return
        self.console.print(self._line(event))

    @staticmethod
    def _line(event: Event) -> str:
        label = event.status or event.kind
        text = f"{label:<9} {for_terminal(event.url)}"
        if event.detail:
            text += f"  {for_terminal(event.detail)}"
        return text


def _print_summary(summary: CrawlSummary, archive: Path, *, soft404_fails: bool = False) -> int:
    """Print the end-of-run table; return the exit code it implies."""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("listing pages", str(summary.listing_pages))
    table.add_row(
        "articles",
        f"{summary.articles} ({summary.articles_new} new, {summary.articles_updated} updated, "
        f"{summary.articles_unchanged} unchanged)",
    )
    table.add_row("soft 404s", str(summary.soft404))
    table.add_row("failed", str(summary.failed))
    table.add_row("requests", f"{summary.requests} ({summary.bytes:,} bytes)")
    table.add_row("WARC files", ", ".join(summary.warc_files) or "none")
    table.add_row("archive", for_terminal(str(archive)))
    out.print(table)
    for url, error in summary.failures:
        out.print(f"[red]failed[/red] {for_terminal(url)}: {for_terminal(error)}")
    if summary.interrupted:
        out.print("[yellow]interrupted: everything fetched so far is archived[/yellow]")
        return EXIT_INTERRUPTED
    failed = summary.failures or (soft404_fails and summary.soft404)
    return EXIT_PARTIAL if failed else EXIT_OK


def _fail(exc: ScraperError) -> typer.Exit:
    err.print(f"[red]error:[/red] {for_terminal(exc)}")
    return typer.Exit(exc.exit_code)


@app.command()
def section(
    section: Annotated[str, typer.Argument(help="Region slug, region/<slug>, theme/<slug>, "
                                           "voices, or a listing URL.")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    base_url: BaseUrlOpt = DEFAULT_BASE_URL,
    pages: PagesOpt = None,
    since: SinceOpt = None,
    delay: DelayOpt = 1.0,
    concurrency: ConcurrencyOpt = 1,
) -> None:
    """Crawl a section's listing pages and archive every article on them."""
    try:
        config = _config(archive, base_url, pages, since, delay, concurrency)
        listing_url = resolve_section(section, config.base_url)
        with Reporter(err) as reporter:
            summary = run_section(config, listing_url, on_event=reporter)
    except ScraperError as exc:
        raise _fail(exc) from None
    raise typer.Exit(_print_summary(summary, archive))


@app.command()
def article(
    urls: Annotated[list[str], typer.Argument(help="One or more article URLs.")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    base_url: BaseUrlOpt = DEFAULT_BASE_URL,
    delay: DelayOpt = 1.0,
    concurrency: ConcurrencyOpt = 1,
) -> None:
    """Fetch and archive the given articles (always fetched again)."""
    try:
        config = _config(archive, base_url, None, None, delay, concurrency)
        with Reporter(err) as reporter:
            summary = run_articles(config, urls, on_event=reporter)
    except ScraperError as exc:
        raise _fail(exc) from None
    raise typer.Exit(_print_summary(summary, archive, soft404_fails=True))


@app.command()
def parse(
    path: Annotated[str, typer.Argument(help="A saved HTML file, or - for standard input.")],
    url: Annotated[
        str | None, typer.Option("--url", help="The URL the page was served at.")
    ] = None,
) -> None:
    """Parse a saved page offline and print its JSON (an article or a listing)."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
            page_url = url or "https://www.commonspace.eu/"
        else:
            file = Path(path)
            try:
                data = file.read_bytes()
            except OSError as exc:
                raise UsageError(f"{path}: cannot read file ({exc.strerror or exc})") from None
            page_url = url or file.resolve().as_uri()
        result = parse_page(data, page_url)
    except ScraperError as exc:
        raise _fail(exc) from None
    sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")


@app.command()
def export(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Every article in the archive (latest version), as JSON lines or CSV."""
    if fmt not in ("jsonl", "csv"):
        err.print(f"[red]error:[/red] --format {for_terminal(fmt)}: choose jsonl or csv")
        raise typer.Exit(2)
    try:
        if out_file is None:
            count = export_articles(archive, sys.stdout, fmt)
        else:
            tmp = out_file.with_name(out_file.name + ".part")
            try:
                with tmp.open("w", encoding="utf-8", newline="") as fh:
                    count = export_articles(archive, fh, fmt)
                tmp.replace(out_file)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise UsageError(f"{out_file}: cannot write ({exc.strerror or exc})") from None
    except ScraperError as exc:
        raise _fail(exc) from None
    err.print(f"exported {count} articles")


@app.command()
def sections(base_url: BaseUrlOpt = DEFAULT_BASE_URL) -> None:
    """List the regions, themes and other listings, with their URLs."""
    table = Table("section", "name", "kind", "url")
    for s in ALL_SECTIONS:
        table.add_row(s.path, s.name, s.kind, s.url(base_url.rstrip("/")))
    out.print(table)


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    """Scrape commonspace.eu into clean article JSON and WARC snapshots."""
    if version:
        out.print(f"commonspace-scraper {__version__}")
        raise typer.Exit(0)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()

