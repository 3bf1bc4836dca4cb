"""`scrape`: the command line. Its commands live in ``commands/`` by concept (crawling,
provenance, daily); this module loads them in the order ``scrape --help`` lists them, adds the
root options and runs the app the way ``cmdline.run`` does (one-line errors, exit codes,
quiet pipes)."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from cmdline import HelpCommand, run
from commands import COMMAND_MODULES, app, out
from scraper import __version__

for _module in COMMAND_MODULES:  # each registers its commands on app, in help's order
    importlib.import_module(f"commands.{_module}")


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
