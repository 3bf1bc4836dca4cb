"""Commands that answer from the archive where a text came from and prove it: ``quote``,
``show``, ``verify``, ``reindex``, ``replay``, ``serve`` (the web desk), ``bundle``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

import archive as arc  # lazy (PEP 562): each command loads only the modules it uses
import views
from cmdline import ArchiveOpt, JsonOpt, PlainOpt, UrlArg
from core.errors import EXIT_ARCHIVE, EXIT_OK, EXIT_PARTIAL, ScraperError
from core.sanitize import for_terminal, safe_json
from core.words import plural
from scraper import __version__
from scraper.config import DEFAULT_ARCHIVE

from . import app, err, fail, out


def say_checks(failed: set[str]) -> None:
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
        raise fail(exc) from None
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
    say_checks(failed)
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
        raise fail(exc) from None
    if as_json:
        sys.stdout.write(safe_json(d.to_dict()) + "\n")
    else:
        views.print_details(out, d, plain)
    say_checks({c.check.status for c in d.captures} - {"verified"})
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
        raise fail(exc) from None
    views.print_report(out, report)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_ARCHIVE)


@app.command(name="reindex")
def reindex_cmd(archive: ArchiveOpt = DEFAULT_ARCHIVE) -> None:
    """Rebuild index.sqlite from the WARC files alone (the old one is replaced atomically)."""
    try:
        report = arc.reindex(archive)
    except ScraperError as exc:
        raise fail(exc) from None
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
        raise fail(exc) from None
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
        raise fail(exc) from None
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
        raise fail(exc) from None
    views.print_bundle(out, report, plain)
