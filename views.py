"""How results look on a terminal: progress, summaries, evidence records, diffs (rich).

The CLI calls these to render what the library returned; nothing here computes anything or
decides an exit code. Every piece of scraped text passes through ``for_terminal`` first.

Identifiers and URLs — WARC file names, record ids, digests, URLs — are the values a user copies
into the next command, so they are never wrapped or cut: a record is printed as one line of its
short fields, then each identifier on a line of its own (``print_records``); with ``--plain``,
as tab-separated rows with a header line, one record a line (``print_tsv``).
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

from core.sanitize import for_terminal, redact, strip_controls
from core.words import plural

if TYPE_CHECKING:  # only for annotations: importing them would slow every command's start
    from collections.abc import Sequence

    from archive import ArticleDetails, BundleReport, QuoteMatch, VerifyReport
    from archive.history import Edit, History

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
    """The end-of-run summary of a crawl (each WARC file on a line of its own), then every
    failure on its own line."""
    rows = [
        ("listing pages", str(summary.listing_pages)),
        ("articles", f"{summary.articles} ({summary.articles_new} new, "
         f"{summary.articles_updated} updated, {summary.articles_unchanged} unchanged)"),
        ("soft 404s", str(summary.soft404)),
        ("failed", str(summary.failed)),
        ("requests", f"{summary.requests} ({summary.bytes:,} bytes)"),
        *[("WARC file", name) for name in summary.warc_files or ["none"]],
        ("archive", for_terminal(str(archive))),
    ]  # fmt: skip
    for label, value in rows:
        console.print(f"{label:<14} {value}")
    for url, error in summary.failures:
        console.print(f"[red]failed[/red] {for_terminal(url)}: {for_terminal(error)}")
    if summary.interrupted:
        console.print("[yellow]interrupted: everything fetched so far is archived[/yellow]")


def stop_line(stopped: str | None, message: str, pending: int | None = None) -> str | None:
    """The one line (for stderr) that says why a run ended early, or None if it did not."""
    if stopped == "unreachable":
        return f"[red]error:[/red] {for_terminal(message)}"
    if stopped == "deadline":
        left = f"; {plural(pending, 'listing')} pending" if pending else ""
        return (f"[yellow]stopped:[/yellow] --max-runtime reached{left}; everything fetched is "
                "archived and the next run carries on")  # fmt: skip
    return None


def cell(value: object) -> str:
    """A value as one line of plain text: controls stripped, whitespace (tabs too) collapsed."""
    return " ".join(redact(strip_controls("" if value is None else str(value))).split())


def print_tsv(console: Console, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """``--plain``: a header line, then one tab-separated line per record, nothing wrapped
    (written past rich, which would turn the tabs into spaces)."""
    lines = ["\t".join(headers), *("\t".join(cell(v) for v in row) for row in rows)]
    console.file.write("".join(line + "\n" for line in lines))


def print_records(
    console: Console,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    idents: Sequence[str] = (),
    indent: str = "",
) -> None:
    """Each record as a line of its short fields (``header value``), then each of its
    identifiers (the ``idents`` columns) on a line of its own, whole."""
    width = max((len(h) for h in idents), default=0)
    for row in rows:
        fields = dict(zip(headers, row, strict=True))
        short = [f"[dim]{h}[/dim] {for_terminal(v)}" if h else str(v)
                 for h, v in fields.items() if h not in idents]  # fmt: skip
        console.print(indent + "  ".join(short))
        for h in idents:
            console.print(f"{indent}    [dim]{h:<{width}}[/dim]  {for_terminal(fields[h])}")


def state(status: str) -> str:
    """A capture's check as shown: verified, TAMPERED, MISSING or index out of date."""
    return STATES.get(status, for_terminal(status))


def print_details(console: Console, d: ArticleDetails, plain: bool) -> None:
    """``scrape show``: the article's fields, its versions, its captures, where it was listed."""
    fields = [(k, d.latest.get(k)) for k in
              ("title", "url", "section", "type", "published", "modified", "authors")]  # fmt: skip
    fields = [(k, ", ".join(v) if isinstance(v, list) else v) for k, v in fields]
    versions = [(v.number, v.content_hash, v.first_seen, v.last_seen, len(v.capture_ids))
                for v in d.versions]  # fmt: skip
    caps = [(c.capture.fetched_at, c.kind, c.capture.status, c.capture.warc_file,
             c.capture.offset, c.capture.record_id, c.check.status)
            for c in d.captures]  # fmt: skip
    if plain:
        print_tsv(console, ("field", "value"), fields)
        console.file.write("\n")
        print_tsv(console, ("version", "content_hash", "first_seen", "last_seen", "captures"),
                  versions)  # fmt: skip
        console.file.write("\n")
        print_tsv(console, ("fetched_at", "kind", "status", "warc_file", "offset", "record_id",
                            "check"), caps)  # fmt: skip
        return
    for key, value in fields:
        console.print(f"[bold]{key:<10}[/bold] {for_terminal(value or '')}")
    console.print()
    print_records(console, ("version", "captures", "first seen", "last seen", "content hash"),
                  [(f"{n}", c, first, last, h) for n, h, first, last, c in versions],
                  idents=("content hash",))  # fmt: skip
    console.print()
    print_records(console, ("capture", "kind", "HTTP", "", "WARC file", "offset", "record id"),
                  [(at, kind, status, state(check), warc, offset, rid)
                   for at, kind, status, warc, offset, rid, check in caps],
                  idents=("WARC file", "offset", "record id"))  # fmt: skip
    for listing, page, position, seen in d.sightings:
        console.print(f"listed on {for_terminal(listing)} page {page} position {position} ({seen})")


def print_history(console: Console, h: History, plain: bool) -> None:
    """``scrape history``: each version with its captures, and how many revisits."""
    if plain:
        print_tsv(console, ("version", "content_hash", "first_seen", "last_seen", "fetched_at",
                            "warc_file", "offset", "record_id"),
                  [(v.number, v.content_hash, v.first_seen, v.last_seen, c.fetched_at,
                    c.warc_file, c.offset, c.record_id) for v in h.versions for c in v.captures])
        return  # fmt: skip
    for v in h.versions:
        print_records(console, ("version", "first seen", "last seen", "content hash"),
                      [(v.number, v.first_seen, v.last_seen, v.content_hash)],
                      idents=("content hash",))  # fmt: skip
        print_records(console, ("capture", "WARC file", "offset", "record id"),
                      [(c.fetched_at, c.warc_file, c.offset, c.record_id) for c in v.captures],
                      idents=("WARC file", "offset", "record id"), indent="    ")  # fmt: skip
    n = len(h.revisits)
    console.print(f"{plural(n, 'revisit')}: re-checked and found unchanged" if n else
                  "no revisits (re-checks that found it unchanged)")  # fmt: skip


def print_changes(console: Console, edits: Sequence[Edit], plain: bool) -> None:
    """``scrape changes``: each edited article, when, how many versions, what changed."""
    rows = [(e.changed_at, e.versions, ", ".join(dict.fromkeys(c.kind for c in e.changes)) or "?",
             e.title, e.url) for e in edits]  # fmt: skip
    if plain:
        print_tsv(console, ("changed_at", "versions", "what", "title", "url"), rows)
        return
    print_records(console, ("changed", "versions", "what", "title", "url"), rows,
                  idents=("title", "url"))  # fmt: skip


def print_bundle(console: Console, report: BundleReport, plain: bool) -> None:
    """``scrape bundle``: every file of the package with its size and SHA-256."""
    if plain:
        print_tsv(console, ("file", "bytes", "sha256"), report.resources)
        return
    print_records(console, ("file", "bytes", "sha256"), report.resources, idents=("sha256",))
    records, captures = plural(report.records, "record"), plural(report.captures, "capture")
    console.print(f"wrote {for_terminal(report.path)}: {records}, {captures} of "
                  f"{for_terminal(report.url)}")  # fmt: skip


def print_match(console: Console, m: QuoteMatch) -> None:
    """One quote match: the article, the sentence, the versions and every capture's check."""
    speaker = f"   speaker {for_terminal(m.speaker)}" if m.speaker else ""
    console.print(f"[bold]{for_terminal(m.title or m.url)}[/bold]  {m.kind} match, {m.score:.0%}")
    published = for_terminal(m.published or "?")
    console.print(f"  {for_terminal(m.url)}   published {published}{speaker}")
    console.print(f"  [italic]{for_terminal(m.sentence)}[/italic]")
    present = [str(v.number) for v in m.versions if v.contains]
    word = "version" if len(present) == 1 else "versions"
    line = f"  in {word} {', '.join(present)} of {len(m.versions)}"
    if m.gone_in:
        line += f"; [yellow]gone in version {m.gone_in.number}[/yellow] ({m.gone_in.first_seen})"
    console.print(line)
    print_records(
        console, ("capture", "", "WARC file", "offset", "record id", "payload digest"),
        [(c.capture.fetched_at, state(c.check.status), c.capture.warc_file, c.capture.offset,
          c.capture.record_id, c.capture.payload_digest) for c in m.captures],
        idents=("WARC file", "offset", "record id", "payload digest"), indent="  ",
    )  # fmt: skip


def print_matches_tsv(console: Console, matches: Sequence[QuoteMatch]) -> None:
    """``scrape quote --plain``: one line per capture of every match."""
    print_tsv(console, ("url", "score", "match", "fetched_at", "warc_file", "offset",
                        "record_id", "payload_digest", "check"),
              [(m.url, f"{m.score:.3f}", m.kind, c.capture.fetched_at, c.capture.warc_file,
                c.capture.offset, c.capture.record_id, c.capture.payload_digest, c.check.status)
               for m in matches for c in m.captures])  # fmt: skip


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
