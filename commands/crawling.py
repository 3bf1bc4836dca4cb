"""Commands that fetch or read pages: ``section``, ``article``, ``parse``, ``export``,
``sections``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

import archive as arc  # lazy (PEP 562): each command loads only the modules it uses
import views
from cmdline import (
    ArchiveOpt,
    BaseUrlOpt,
    ConcurrencyOpt,
    DelayOpt,
    MaxRuntimeOpt,
    PagesOpt,
    PlainOpt,
    SinceOpt,
    TimeoutOpt,
    UserAgentOpt,
)
from core.errors import ParseError, ScraperError, UsageError
from core.sanitize import for_terminal, safe_json
from core.words import plural
from scraper.config import DEFAULT_ARCHIVE, DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from scraper.sections import ALL_SECTIONS, resolve_section

from . import app, crawl_code, crawl_config, err, fail, out, say_stop


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
        config = crawl_config(archive, base_url, pages, since, delay, concurrency, user_agent,
                         timeout, max_runtime)  # fmt: skip
        listing_url = resolve_section(section, config.base_url)
        with views.Reporter(err) as reporter:
            summary = run_section(config, listing_url, on_event=reporter)
    except ScraperError as exc:
        raise fail(exc) from None
    views.print_summary(out, summary, archive)
    say_stop(summary)
    raise typer.Exit(crawl_code(summary))


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
        config = crawl_config(archive, base_url, None, None, delay, concurrency, user_agent,
                         timeout, max_runtime)  # fmt: skip
        with views.Reporter(err) as reporter:
            summary = run_articles(config, urls, on_event=reporter)
    except ScraperError as exc:
        raise fail(exc) from None
    views.print_summary(out, summary, archive)
    say_stop(summary)
    raise typer.Exit(crawl_code(summary, soft404_fails=True))


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
        raise fail(exc) from None
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
        raise fail(exc) from None
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
