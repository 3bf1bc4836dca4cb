"""Output a user can use: identifiers and URLs whole on narrow terminals, ``--plain`` rows,
pipes closed early, plurals, help without type placeholders, ``parse FILE`` without ``--url``."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import cli
import cmdline
from archive import Index, open_warcs, verify_archive
from commands import COMMAND_MODULES
from core.model import Article
from scraper.sections import ALL_SECTIONS
from tests.provenance_archive import PEACE, QUOTE, build_archive

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("output") / "archive"
    build_archive(path)
    return path


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Console]:
    """stdout as a 40-column terminal (colours off, so the text can be read back)."""
    console = Console(width=40, force_terminal=True, no_color=True, highlight=False,
                      soft_wrap=True, record=True)  # fmt: skip
    for name in COMMAND_MODULES:  # each command module prints through its own name for it
        monkeypatch.setattr(importlib.import_module(f"commands.{name}"), "out", console)
    yield console


def run(*args: str | Path) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _both):
        code = cmdline.run(cli.app, [str(a) for a in args])
        return code, out.getvalue().decode(), err.getvalue().decode()


def identifiers(archive: Path) -> set[str]:
    """Every WARC file name, record id, digest and URL the provenance archive holds."""
    with Index.open_readonly(archive) as index:
        found = {PEACE, *(s.url("https://www.commonspace.eu") for s in ALL_SECTIONS)}
        for cap, url, _kind in index.all_captures():
            found |= {cap.warc_file, cap.record_id, cap.payload_digest, url}
            found |= {listing for listing, *_ in index.sightings(url)}
        found |= {v.content_hash for v in index.all_versions()}
    return found


# What an identifier looks like in our output, from its start to the first space.
IDENT = re.compile(r"<urn:uuid:\S*|sha1:\S*|sha256:\S*|https?://\S*|commonspace-\S*")


@pytest.mark.parametrize(
    ("args", "least"),
    [(["show", PEACE], 4), (["quote", QUOTE], 7), (["history", PEACE], 5),
     (["changes", "--since", "2000-01-01"], 1), (["sections"], len(ALL_SECTIONS))],
    ids=lambda a: a[0] if isinstance(a, list) else "",
)  # fmt: skip
def test_identifiers_are_never_wrapped_or_cut(
    archive: Path, narrow: Console, args: list[str], least: int
) -> None:
    """On a 40-column terminal every identifier printed is whole on its line: nothing that
    starts like a record id, digest, WARC name or URL is shorter than the real one."""
    code, _, err = run(*args, "--archive", archive) if args[0] != "sections" else run(*args)
    assert code == 0, err
    text = narrow.export_text()
    found = [m.group() for line in text.splitlines() for m in IDENT.finditer(line)]
    assert len(found) >= least, text
    assert set(found) <= identifiers(archive), set(found) - identifiers(archive)


def test_plain_is_one_record_a_line(archive: Path) -> None:
    """--plain: a header, then tab-separated rows whose cells hold whole identifiers."""
    code, out, _ = run("show", PEACE, "--archive", archive, "--plain")
    assert code == 0
    captures = out.split("\n\n")[2].splitlines()
    header, *rows = (line.split("\t") for line in captures)
    assert header == ["fetched_at", "kind", "status", "warc_file", "offset", "record_id", "check"]
    with Index.open_readonly(archive) as index:
        expected = [(c.record_id, c.warc_file) for c, _kind in index.captures(PEACE)]
    assert [(r[5], r[3]) for r in rows] == expected and {r[6] for r in rows} == {"verified"}
    code, out, _ = run("quote", QUOTE, "--archive", archive, "--plain")
    header, *rows = (line.split("\t") for line in out.splitlines())
    assert header[0] == "url" and len(rows) == 2 and all(len(r) == len(header) for r in rows)


def test_authors_and_plurals(archive: Path) -> None:
    """show prints authors as names, not a Python list; counts say 1 capture, 2 versions."""
    with Index.open(archive) as index:
        db = index._conn
        db.execute("UPDATE versions SET json = json_set(json, '$.authors', json('[\"A. Writer\","
                   " \"B. Editor\"]')) WHERE url = ?", (PEACE,))  # fmt: skip
    _, out, _ = run("show", PEACE, "--archive", archive)
    assert "authors    A. Writer, B. Editor" in out and "['" not in out
    _, out, _ = run("verify", "--archive", archive)
    assert out.startswith("checked 1 file, 24 records, 8 captures, 4 versions in ")
    code, _, err = run("export", "--archive", archive, "--all-versions", "--out",
                       archive.parent / "all.jsonl")  # fmt: skip
    assert code == 0 and err.strip() == "exported 4 versions of 3 articles"
    code, _, err = run("export", "--archive", archive, "--out", archive.parent / "latest.jsonl")
    assert err.strip() == "exported 3 articles (the latest version of each)"


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of 300 articles of 4 KB each: an export far larger than a pipe's buffer."""
    path = tmp_path_factory.mktemp("big") / "archive"
    with Index.open(path) as index:
        for n in range(300):
            body = (f"Paragraph {n} of an article long enough to fill a pipe. " * 70,)
            article = Article(url=f"https://www.commonspace.eu/news/a{n}",
                              fetched_url=f"https://www.commonspace.eu/news/a{n}",
                              title=f"Article {n}", body=body)  # fmt: skip
            index.record_article(article, "2024-05-01T12:00:00.000000Z")
    return path


@pytest.mark.parametrize("args", [["export"], ["export", "--format", "csv"],
                                  ["export", "--all-versions"]])  # fmt: skip
@pytest.mark.parametrize("head", ["-n 1", "-c 10"])
def test_a_closed_pipe_ends_quietly_with_0(big_archive: Path, args: list[str], head: str) -> None:
    """`scrape export | head` exits 0 (pipefail on) with nothing on stderr: the reader had
    what it wanted, and the export stopped there."""
    script = (f'set -o pipefail; "{sys.executable}" -c "from cli import main; main()" '
              f'{" ".join(args)} --archive "{big_archive}" | head {head}')  # fmt: skip
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith('{"schema_v' if args[1:2] != ["--format"] else "url,")


def test_help_has_no_type_placeholders() -> None:
    """No command's --help shows <bool>, <str>, <path> or <int range>: options read as
    `--archive DIR`, flags as the flag alone."""
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in
             cli.app.registered_commands]  # fmt: skip
    for name in ["", *names]:
        code, out, _ = run(*([name] if name else []), "--help")
        assert code == 0 and "Usage: scrape" in out, name
        assert not re.search(r"<(bool|str|path|int|float|int range|float range)>", out), out
    assert "--archive DIR" in run("show", "--help")[1]


@pytest.mark.parametrize(
    "page", ["drupal_news_seedlike.html", "redesign_analysis.html", "listing_voices.html"]
)
def test_parse_file_without_url(page: str) -> None:
    """`scrape parse FILE` without --url reads the page as served at the URL it names for
    itself: the same JSON as with that URL given."""
    spec = json.loads((PAGES / page.replace(".html", ".expected.json")).read_text())
    code, out, err = run("parse", PAGES / page)
    assert code == 0 and err == "", err
    got = json.loads(out)
    assert got["url"] == spec["output"]["url"]
    assert got.get("title") == spec["output"].get("title")
    assert got.get("body") == spec["output"].get("body")


def test_parse_file_that_names_no_url() -> None:
    """A page naming no URL of its own is read as the front page, and stderr says so."""
    code, out, err = run("parse", PAGES / "legacy_2016_news.html")
    assert code == 0 and json.loads(out)["title"]
    assert err.startswith("note: ") and "names no URL of its own" in err and "--url" in err


def test_parse_standard_input_is_bounded() -> None:
    """Standard input is read to the same bound as a file: more is refused, in one line."""
    with CliRunner().isolation(input=b"<p>" * (7 << 20)) as (out, err, _both):
        code = cmdline.run(cli.app, ["parse", "-"])
        assert (code, out.getvalue()) == (2, b"")
        assert "larger than 20 MB" in err.getvalue().decode()


def test_a_crawl_into_a_closed_pipe_ends_cleanly(site_url: str, tmp_path: Path) -> None:
    """`scrape section … 2>&1 | head -n 2`: the crawl's lines meet a closed pipe; it stops
    there with 0 and nothing half-written (no .open file, every record verifies)."""
    archive = tmp_path / "archive"
    script = (f'set -o pipefail; "{sys.executable}" -c "from cli import main; main()" section '
              f'voices --base-url {site_url} --archive "{archive}" --delay 0.05 2>&1 | head -n 2')
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(done.stdout.splitlines()) == 2 and done.stderr == ""
    assert open_warcs(archive) == [] and verify_archive(archive).ok
