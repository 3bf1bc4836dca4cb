"""Every command, run with bad input: one line on stderr naming what is wrong, nothing on
stdout, no traceback, and the exit code the README documents for it.

The commands run through ``cmdline.run`` — what the ``scrape`` executable runs — so typer's own
usage errors (a bad option value, a missing argument) are held to the same one-line rule.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
import cmdline
from core.errors import EXIT_ARCHIVE, EXIT_USAGE
from tests.provenance_archive import PEACE, build_archive


def run(*args: str | Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the ``scrape`` executable with ``args``."""
    with CliRunner().isolation() as (out, err, _both):
        code = cmdline.run(cli.app, [str(a) for a in args])
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The paths and port the table refers to by name."""
    root = tmp_path_factory.mktemp("bad-input")
    build_archive(root / "archive")
    (root / "file").write_text("not a folder")
    (root / "empty.html").write_bytes(b"")
    (root / "not.wacz").write_bytes(b"not a zip file")
    configs = {
        "no-sections.toml": "sections = []\n",
        "inf.toml": "[recheck]\nuntil_days = 1e400\n",
        "zero.toml": "[recheck]\ninterval_days = 0\n",
    }
    for name, text in configs.items():
        (root / name).write_text(text)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield {
            "ARCHIVE": str(root / "archive"),
            "FILE": str(root / "file"),
            "NOWHERE": str(root / "no" / "such" / "place"),
            "DIR": str(root),
            "EMPTY": str(root / "empty.html"),
            "NOTWACZ": str(root / "not.wacz"),
            "BUSY": str(busy.getsockname()[1]),
            **{name: str(root / name) for name in configs},
        }


A = ("--archive", "ARCHIVE")
SITE = ("--base-url", "https://www.commonspace.eu", "--delay", "0")

# (command line, exit code, words the one error line must contain). Names in capitals are
# replaced by the places above.
CASES: list[tuple[tuple[str, ...], int, str]] = [
    (("nosuch",), EXIT_USAGE, "No such command 'nosuch'"),
    (("--nosuch",), EXIT_USAGE, "No such option: --nosuch"),
    (("section",), EXIT_USAGE, "Missing argument 'SECTION'"),
    (("section", "nowhere", *SITE), EXIT_USAGE, "unknown section 'nowhere'"),
    (("section", "voices", "--pages", "0", *SITE), EXIT_USAGE, "'--pages'"),
    (("section", "voices", "--concurrency", "99", *SITE), EXIT_USAGE, "'--concurrency'"),
    (("section", "voices", "--delay", "-1"), EXIT_USAGE, "--delay"),
    (("section", "voices", "--timeout", "0", *SITE), EXIT_USAGE, "--timeout"),
    (("section", "voices", "--max-runtime", "forever", *SITE), EXIT_USAGE, "--max-runtime"),
    (("section", "voices", "--since", "2024-13-45", *SITE), EXIT_USAGE, "--since"),
    (("section", "voices", "--base-url", "ftp://x"), EXIT_USAGE, "--base-url"),
    (("section", "voices", "--user-agent", "", *SITE), EXIT_USAGE, "--user-agent"),
    (("section", "voices", "--archive", "FILE", *SITE), EXIT_ARCHIVE, "FILE: not an archive"),
    (("article",), EXIT_USAGE, "Missing argument 'URL...'"),
    (("article", "https://example.org/news/x", *SITE), EXIT_USAGE, "https://example.org/news/x"),
    (("parse", "NOWHERE"), EXIT_USAGE, "NOWHERE: cannot read file"),
    (("parse", "/dev/zero"), EXIT_USAGE, "/dev/zero: larger than 20 MB"),
    (("parse", "DIR"), EXIT_USAGE, "DIR: cannot read file"),
    (("parse", "EMPTY"), EXIT_USAGE, "empty"),
    (("parse", "EMPTY", "--url", "not a url"), EXIT_USAGE, "absolute URL"),
    (("export", "--format", "xml", *A), EXIT_USAGE, "--format xml"),
    (("export", "--since", "2024-99", *A), EXIT_USAGE, "--since '2024-99'"),
    (("export", "--format", "parquet", *A), EXIT_USAGE, "needs --out"),
    (("export", "--out", "NOWHERE", *A), EXIT_USAGE, "NOWHERE: cannot write"),
    (("export", "--archive", "NOWHERE"), EXIT_ARCHIVE, "NOWHERE: no archive here"),
    (("sections", "extra"), EXIT_USAGE, "unexpected extra argument"),
    (("quote", "x", *A), EXIT_USAGE, "too short"),
    (("quote", "peace", "--limit", "0", *A), EXIT_USAGE, "'--limit'"),
    (("quote", "peace", "--limit", "100000", *A), EXIT_USAGE, "'--limit'"),
    (("quote", "peace", "--archive", "FILE"), EXIT_ARCHIVE, "FILE: not an archive folder"),
    (("show", PEACE + "-nope", *A), EXIT_USAGE, "not in the archive"),
    (("show", PEACE, "--archive", "NOWHERE"), EXIT_ARCHIVE, "no archive here"),
    (("verify", "--archive", "FILE"), EXIT_ARCHIVE, "FILE: not an archive folder"),
    (("verify", "NOWHERE"), EXIT_ARCHIVE, "NOWHERE: no such file"),
    (("verify", "NOTWACZ"), EXIT_ARCHIVE, "not a WACZ"),
    (("reindex", "--archive", "NOWHERE"), EXIT_ARCHIVE, "NOWHERE: no archive here"),
    (("reindex", "--archive", "FILE"), EXIT_ARCHIVE, "FILE: not an archive folder"),
    (("replay", "--port", "70000", *A), EXIT_USAGE, "'--port'"),
    (("replay", "--port", "0", *A), EXIT_USAGE, "'--port'"),
    (("replay", "--port", "BUSY", *A), EXIT_USAGE, "port BUSY on 127.0.0.1 is in use"),
    (("replay", "--archive", "DIR"), EXIT_ARCHIVE, "no closed WARC files"),
    (("serve", "--port", "70000", *A), EXIT_USAGE, "'--port'"),
    (("serve", "--port", "BUSY", *A), EXIT_USAGE, "port BUSY on 127.0.0.1 is in use"),
    (("serve", "--capture-port", "BUSY", *A), EXIT_USAGE, "choose another with --capture-port"),
    (("serve", "--host", "desk.example", *A), EXIT_USAGE, "--host 'desk.example'"),
    (("serve", "--host", "::1", *A), EXIT_USAGE, "give an IPv4 address"),
    (("serve", "--archive", "NOWHERE"), EXIT_ARCHIVE, "NOWHERE: no archive here"),
    (("serve", "--archive", "FILE"), EXIT_ARCHIVE, "FILE: not an archive folder"),
    (("bundle", PEACE, *A), EXIT_USAGE, "Missing option '--out'"),
    (("bundle", PEACE + "-nope", "--out", "DIR/x.wacz", *A), EXIT_USAGE, "not in the archive"),
    (("bundle", PEACE, "--out", "NOWHERE", *A), EXIT_USAGE, "NOWHERE: cannot write"),
    (("daily", "--config", "NOWHERE", *SITE), EXIT_USAGE, "cannot read the config file"),
    (("daily", "--config", "no-sections.toml", *SITE), EXIT_USAGE, "names no section"),
    (("daily", "--config", "inf.toml", *SITE), EXIT_USAGE, "until_days must be a whole number"),
    (("daily", "--config", "zero.toml", *SITE), EXIT_USAGE, "interval_days must be from 1"),
    (("daily", "--section", "nope", *SITE), EXIT_USAGE, "unknown section 'nope'"),
    (("daily", "--log-file", "NOWHERE", *SITE), EXIT_USAGE, "--log-file"),
    (("daily", "--max-runtime", "30d", *SITE), EXIT_USAGE, "--max-runtime"),
    (("history", PEACE, "--from", "0", *A), EXIT_USAGE, "'--from'"),
    (("history", PEACE, "--to", "9", *A), EXIT_USAGE, "has versions 1 to 2, not 9"),
    (("history", PEACE + "-nope", *A), EXIT_USAGE, "not in the archive"),
    (("changes", *A), EXIT_USAGE, "Missing option '--since'"),
    (("changes", "--since", "yesterday", *A), EXIT_USAGE, "--since 'yesterday'"),
]


def _fill(text: str, places: dict[str, str]) -> str:
    for name, value in places.items():
        text = text.replace(name, value)
    return text


@pytest.mark.parametrize(("args", "code", "said"), CASES, ids=lambda c: None)
def test_bad_input_is_one_line_and_a_documented_code(
    places: dict[str, str], args: tuple[str, ...], code: int, said: str
) -> None:
    """One line on stderr (``error: …`` naming the input), nothing on stdout, the exit code."""
    argv = [_fill(a, places) for a in args]
    got, out, err = run(*argv)
    assert (got, out) == (code, ""), err
    (line,) = err.splitlines()
    assert line.startswith("error: ") and _fill(said, places) in line, line


def test_the_table_covers_every_command() -> None:
    """Every command of `scrape` has at least one row in the table above."""
    commands = {c.name or (c.callback.__name__ if c.callback else "") for c in
                cli.app.registered_commands}  # fmt: skip
    assert commands == {args[0] for args, _, _ in CASES if not args[0].startswith("-")} - {
        "nosuch"}  # fmt: skip


def test_documented_codes() -> None:
    """Every exit code in the table is in the README's table of exit codes."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for code in {c for _, c, _ in CASES}:
        assert f"\n| {code} |" in readme


def test_an_unexpected_error_is_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug (an exception no one meant) is one line naming it and exit code 70, not a
    traceback; SCRAPE_DEBUG=1 lets the traceback through."""

    def broken(*_args: object) -> None:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr("archive.find_quote", broken)
    code, out, err = run("quote", "peace talks")
    assert (code, out) == (cmdline.EXIT_BUG, "")
    (line,) = err.splitlines()
    assert "unexpected RuntimeError: something nobody expected" in line and "SCRAPE_DEBUG" in line
    monkeypatch.setenv("SCRAPE_DEBUG", "1")
    with pytest.raises(RuntimeError):
        run("quote", "peace talks")
