"""The command line's shared parts: the options every command declares the same way, and the
process around the commands.

``commands/`` holds the commands; this module holds what is the same for all of them:

* the option declarations (``--archive``, ``--base-url``, ``--delay`` …), each with a metavar so
  that help reads ``--archive DIR``; ``HelpCommand`` and ``HelpGroup`` leave out the type
  placeholders typer adds elsewhere (``SECTION <str>``, ``--json <bool>``);
* ``run``: the commands under one roof — every error is one line on stderr (typer's usage errors
  too: a bad option value, a missing argument, an unknown command), each with its documented
  exit code; an unexpected exception is one line and exit code 70 (``SCRAPE_DEBUG=1`` shows the
  traceback); a closed pipe on stdout (``scrape export | head``) ends the command quietly with 0.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

from core.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, ScraperError
from core.sanitize import for_terminal
from scraper.config import MAX_CONCURRENCY

err = Console(stderr=True, highlight=False, soft_wrap=True)

# typer's type placeholders in help: " <str>", " <bool>", " <int range>", " <list[str]>" …
_PLACEHOLDER = re.compile(r" <[a-z]+(?: range)?(?:\[[a-z]+\])?>")


def _without_placeholders(text: str) -> str:
    """Help text without type placeholders, each replaced by spaces so columns stay aligned."""
    return _PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)


class HelpCommand(TyperCommand):
    """A command whose help names values by metavar only (``--archive DIR``, ``SECTION``)."""

    def get_help(self, ctx: Any) -> str:  # typer.Context is narrower than the base class's
        return _without_placeholders(super().get_help(ctx))


class HelpGroup(TyperGroup):
    """The ``scrape`` group, with help as ``HelpCommand``'s."""

    def get_help(self, ctx: Any) -> str:  # typer.Context is narrower than the base class's
        return _without_placeholders(super().get_help(ctx))


ArchiveOpt = Annotated[
    Path,
    typer.Option(
        "--archive",
        envvar="SCRAPE_ARCHIVE",
        metavar="DIR",
        help="Archive folder (WARCs, index, JSON).",
        file_okay=True,
        dir_okay=True,
    ),
]
BaseUrlOpt = Annotated[
    str,
    typer.Option("--base-url", envvar="SCRAPE_BASE_URL", metavar="URL", help="Site to scrape."),
]
PagesOpt = Annotated[
    int | None,
    typer.Option("--pages", metavar="N", help="Stop after this many listing pages.", min=1),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", metavar="DATE", help="Stop paging once a whole page is older than DATE "
        "(YYYY-MM-DD).",
    ),
]
DelayOpt = Annotated[
    float,
    typer.Option(
        "--delay", metavar="SECONDS", help="Seconds between requests (robots.txt may ask more)."
    ),
]
ConcurrencyOpt = Annotated[
    int,
    typer.Option(
        "--concurrency", metavar="N", help=f"Requests in flight at once (1 to {MAX_CONCURRENCY}).",
        min=1, max=MAX_CONCURRENCY,
    ),
]
TimeoutOpt = Annotated[
    float,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Seconds one request may take in all (connect, headers and body together).",
    ),
]
MaxRuntimeOpt = Annotated[
    str | None,
    typer.Option(
        "--max-runtime",
        metavar="DURATION",
        help="Stop the run after this long (2h, 90m, 3600); what is left is done next run. "
        "0 = no limit.",
    ),
]
UserAgentOpt = Annotated[
    str | None,
    typer.Option(
        "--user-agent",
        envvar="SCRAPE_USER_AGENT",
        metavar="TEXT",
        help="User-Agent to send: name the tool and a contact URL or e-mail.",
    ),
]


PlainOpt = Annotated[
    bool, typer.Option("--plain", help="Tab-separated rows with a header line, one a line.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
UrlArg = Annotated[str, typer.Argument(metavar="URL", help="The article URL.")]


EXIT_BUG = 70  # an unexpected error: a bug (EX_SOFTWARE); SCRAPE_DEBUG=1 shows the traceback


class _PipeClosed(BaseException):
    """Standard output (or error) was closed by its reader (``scrape export | head``): stop
    quietly. A BaseException, so that no ``except Exception`` on the way mistakes it for a
    failure; the files being written are closed on the way out as on any other stop."""


class _PipeGuard:
    """``sys.stdout`` or ``sys.stderr`` while a command runs: writing to a closed pipe raises
    ``_PipeClosed`` instead of an OSError that typer would turn into exit code 1."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        try:
            return self.inner.write(text)
        except BrokenPipeError:
            raise _PipeClosed from None

    def flush(self) -> None:
        try:
            self.inner.flush()
        except BrokenPipeError:
            raise _PipeClosed from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _quiet(stream: TextIO | None, fd: int) -> None:
    """Point ``stream``'s file descriptor at /dev/null, so that nothing more written to it (the
    interpreter's last flush included) fails on the closed pipe."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno() if stream is not None else fd)
        os.close(devnull)


def run(app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run the command line ``app`` with ``argv``; return its exit code (see the module notes).
    """
    out, error = _PipeGuard(sys.stdout), _PipeGuard(sys.stderr)
    sys.stdout, sys.stderr = out, error
    try:
        return _run(app, argv)
    except _PipeClosed:
        _quiet(sys.__stdout__, 1)
        _quiet(sys.__stderr__, 2)
        return EXIT_OK
    finally:
        sys.stdout, sys.stderr = out.inner, error.inner


def _run(app: typer.Typer, argv: list[str] | None) -> int:
    try:
        code = app(args=argv, prog_name="scrape", standalone_mode=False)
        sys.stdout.flush()
        return code if isinstance(code, int) else EXIT_OK
    except typer.TyperException as exc:  # click's usage errors: a bad option, a missing argument
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            err.print(ctx.get_help(), markup=False)
            return EXIT_USAGE
        where = ctx.command_path if ctx is not None else "scrape"
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        err.print(f"[red]error:[/red] {for_terminal(message.rstrip('.'))} (see `{where} --help`)")
        return int(getattr(exc, "exit_code", EXIT_USAGE))
    except ScraperError as exc:
        err.print(f"[red]error:[/red] {for_terminal(exc)}")
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        err.print("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        if os.environ.get("SCRAPE_DEBUG"):
            raise
        err.print(f"[red]error:[/red] unexpected {type(exc).__name__}: {for_terminal(exc)} — "
                  "this is a bug in scrape; SCRAPE_DEBUG=1 shows the traceback")  # fmt: skip
        return EXIT_BUG
