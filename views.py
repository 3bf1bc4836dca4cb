"""How results look on a terminal: progress, summaries, evidence tables, diffs (rich).

The CLI calls these to render what the library returned; nothing here computes anything or
decides an exit code. Every piece of scraped text passes through ``for_terminal`` first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from core.sanitize import for_terminal
from core.words import plural

if TYPE_CHECKING:  # only for annotations: importing them would slow every command's start
    from archive import QuoteMatch, VerifyReport

    from .crawl import CrawlSummary, Event

STATES = {
    "verified": "[green]verified[/green]",
    "tampered": "[bold red]TAMPERED[/bold red]",
    "missing": "[bold red]MISSING[/bold red]",
    "index": "[yellow]index out of date[/yellow]",
}
#: How each kind of problem is labelled: TAMPERED only for bytes that differ from their digest.
LABELS = {
    "tampered": "[bold red]TAMPERED[/bold red]",
    "missing": "[bold red]MISSING[/bold red]",
    "index": "[yellow]index out of date[/yellow]",
    "invalid": "[bold red]INVALID[/bold red]",
}
#: What each state of a capture, or kind of problem, tells the user (``scrape quote``/``show``).
MEANINGS = {
    "tampered": "TAMPERED: stored bytes differ from their digest",
    "missing": "MISSING: stored bytes are gone (a WARC file or part of one)",
    "index": "index out of date: run `scrape reindex`",
    "invalid": "INVALID: not as this scraper writes it",
}


def event_line(event: Event) -> str:
    """One plain line for a crawl event (logs, non-terminal output)."""
    label = event.status or event.kind
    text = f"{label:<9} {for_terminal(event.url)}"
    if event.detail:
        text += f"  {for_terminal(event.detail)}"
    return text


class Reporter:
    """Shows crawl events: a rich progress bar on a terminal, one plain line each otherwise."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self.progress: Progress | None = None
        self.task: TaskID | None = None
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
                self.progress.console.print(event_line(event))
            return
        self.console.print(event_line(event))


def print_summary(console: Console, summary: CrawlSummary, archive: Path) -> None:
    """The end-of-run table of a crawl, then every failure on its own line."""
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
    console.print(table)
    for url, error in summary.failures:
        console.print(f"[red]failed[/red] {for_terminal(url)}: {for_terminal(error)}")
    if summary.interrupted:
        console.print("[yellow]interrupted: everything fetched so far is archived[/yellow]")


def stop_line(stopped: str | None, message: str, pending: int | None = None) -> str | None:
    """The one line (for stderr) that says why a run ended early, or None if it did not."""
    if stopped == "unreachable":
        return f"[red]error:[/red] {for_terminal(message)}"
    if stopped == "deadline":
        left = f"; {pending} listing(s) pending" if pending else ""
        return (f"[yellow]stopped:[/yellow] --max-runtime reached{left}; everything fetched is "
                "archived and the next run carries on")  # fmt: skip
    return None


def evidence_table(*headers: str) -> Table:
    """A table whose cells wrap instead of being cut: digests and ids must print whole."""
    table = Table(*headers)
    for column in table.columns:
        column.overflow = "fold"
    return table


def print_match(console: Console, m: QuoteMatch) -> None:
    """One quote match: the article, the sentence, the versions and every capture's check."""
    speaker = f"   speaker {for_terminal(m.speaker)}" if m.speaker else ""
    console.print(f"[bold]{for_terminal(m.title or m.url)}[/bold]  {m.kind} match, {m.score:.0%}")
    published = for_terminal(m.published or "?")
    console.print(f"  {for_terminal(m.url)}   published {published}{speaker}")
    console.print(f"  [italic]{for_terminal(m.sentence)}[/italic]")
    present = ", ".join(str(v.number) for v in m.versions if v.contains)
    line = f"  in version {present} of {len(m.versions)}"
    if m.gone_in:
        line += f"; [yellow]gone in version {m.gone_in.number}[/yellow] ({m.gone_in.first_seen})"
    console.print(line)
    table = evidence_table("fetched", "WARC file", "offset", "record id", "payload digest", "bytes")
    for c in m.captures:
        cap = c.capture
        table.add_row(
            cap.fetched_at, cap.warc_file, str(cap.offset), cap.record_id,
            cap.payload_digest, STATES.get(c.check.status, c.check.status),
        )  # fmt: skip
    console.print(table)


def print_report(console: Console, report: VerifyReport) -> None:
    """What ``verify`` checked and every problem it found, each labelled with its kind."""
    counts = ", ".join(plural(n, noun) for n, noun in (
        (report.files, "file"), (report.records, "record"), (report.captures, "capture"),
        (report.versions, "version")))  # fmt: skip
    console.print(f"checked {counts} in {for_terminal(report.target)}")
    for note in report.notes:
        console.print(f"[yellow]note[/yellow] {for_terminal(note)}")
    for p in report.problems:
        console.print(f"{LABELS.get(p.kind, p.kind)} {for_terminal(p)}")
    if report.ok:
        console.print("[green]intact[/green]: every digest and pointer checks out")
        return
    kinds = [(report.count(k), k) for k in LABELS if report.count(k)]
    said = ", ".join(f"{n} {MEANINGS[k].split(':')[0]}" for n, k in kinds)
    console.print(f"[bold red]{plural(len(report.problems), 'problem')}[/bold red] ({said})")
    if report.count("index"):
        console.print("the index is out of date: run `scrape reindex` (it reads the WARC files)")


def print_diff(console: Console, old: dict[str, Any], new: dict[str, Any]) -> None:
    """A word-level diff between two versions of an article, grouped by kind of change."""
    from archive.history import diff_versions

    changes = diff_versions(old, new)
    for change in changes:
        console.print(f"[bold]{change.kind}[/bold] {for_terminal(change.detail)}")
        for w in change.words:
            if w.old:
                console.print(f"  [red]- {for_terminal(w.old)}[/red]")
            if w.new:
                console.print(f"  [green]+ {for_terminal(w.new)}[/green]")
    if not changes:
        console.print("no change in title, lede, body, quotes or source line")
