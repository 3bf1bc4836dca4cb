"""The provenance commands: quote, show, verify, reindex, replay, bundle, export options."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from archive import Index
from tests.provenance_archive import PEACE, QUOTE, build_archive

COMMANDS = ("quote", "show", "verify", "reindex", "replay", "bundle", "export")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The sample provenance archive."""
    build_archive(tmp_path / "archive")
    return tmp_path / "archive"


def run(*args: str | Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``scrape ARGS``."""
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_every_command_has_help() -> None:
    """Each provenance command has help text."""
    for name in COMMANDS:
        code, out, _ = run(name, "--help")
        assert code == 0 and "--archive" in out, name


def test_quote_json(archive: Path) -> None:
    """quote --json lists matches with captures that say verified: true."""
    code, out, _ = run("quote", QUOTE, "--archive", archive, "--json")
    assert code == 0
    [match] = json.loads(out)
    assert match["url"] == PEACE and match["speaker"] == "the envoy"
    assert [c["verified"] for c in match["captures"]] == [True, True]


def test_quote_table_and_tampered(archive: Path) -> None:
    """quote shows verified captures; after an edit by hand it says TAMPERED and exits 3."""
    code, out, _ = run("quote", QUOTE, "--archive", archive)
    assert code == 0 and "verified" in out and "gone in version 2" in out
    with Index.open(archive) as index:
        [(cap, _kind), *_] = index.captures(PEACE)
    warc = archive / "warc" / cap.warc_file
    data = bytearray(warc.read_bytes())
    data[cap.offset + cap.length // 2] ^= 0x01
    warc.write_bytes(bytes(data))
    code, out, err = run("quote", QUOTE, "--archive", archive)
    assert code == 3 and "TAMPERED" in out + err


def test_quote_bad_input(archive: Path, tmp_path: Path) -> None:
    """A one-character quote (2), no match (1), empty archive and corrupt index (3): one line."""
    code, _, err = run("quote", "x", "--archive", archive)
    assert code == 2 and "too short" in err and len(err.strip().splitlines()) == 1
    assert run("quote", "zebras dancing on the moon", "--archive", archive)[0] == 1
    code, _, err = run("quote", QUOTE, "--archive", tmp_path / "empty")
    assert code == 3 and "scrape section" in err
    (archive / "index.sqlite").write_bytes(b"not a database" * 100)
    code, _, err = run("quote", QUOTE, "--archive", archive)
    assert code == 3 and "scrape reindex" in err


def test_show(archive: Path) -> None:
    """show lists the article's fields, both versions and its captures."""
    code, out, _ = run("show", PEACE, "--archive", archive)
    assert code == 0 and "Armenia and Azerbaijan" in out and "verified" in out
    assert run("show", PEACE + "-nope", "--archive", archive)[0] == 2


def test_show_json_says_verified_false_after_tampering(archive: Path) -> None:
    """show --json: fields, two versions, verified captures; one flipped byte: false, exit 3."""
    code, out, _ = run("show", PEACE, "--archive", archive, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["url"] == PEACE and len(doc["versions"]) == 2
    assert doc["fields"]["title"] and all(c["verified"] for c in doc["captures"])
    cap = doc["captures"][0]
    warc = archive / "warc" / cap["warc_file"]
    data = bytearray(warc.read_bytes())
    data[cap["offset"] + cap["length"] // 2] ^= 0x01
    warc.write_bytes(bytes(data))
    code, out, _ = run("show", PEACE, "--archive", archive, "--json")
    doc = json.loads(out)
    assert code == 3 and doc["intact"] is False
    assert [c["verified"] for c in doc["captures"]].count(False) == 1


def test_verify_and_reindex(archive: Path) -> None:
    """verify passes, reindex rebuilds a deleted index, a missing WARC makes verify exit 3."""
    code, out, _ = run("verify", "--archive", archive)
    assert code == 0 and "intact" in out
    (archive / "index.sqlite").unlink()
    code, out, _ = run("reindex", "--archive", archive)
    assert code == 0 and (archive / "index.sqlite").is_file() and "8 captures" in out, (out, _)
    for warc in (archive / "warc").iterdir():
        warc.unlink()
    code, out, _ = run("verify", "--archive", archive)
    assert code == 3 and "missing" in out


def test_bundle_and_verify_it(archive: Path, tmp_path: Path) -> None:
    """bundle writes a WACZ that verify FILE.wacz accepts."""
    out_file = tmp_path / "evidence.wacz"
    code, _, _ = run("bundle", PEACE, "--out", out_file, "--archive", archive)
    assert code == 0 and "archive/data.warc.gz" in zipfile.ZipFile(out_file).namelist()
    code, out, _ = run("verify", out_file)
    assert code == 0 and "intact" in out


def test_replay_print(archive: Path) -> None:
    """replay --print writes the CDXJ and prints how to serve it."""
    code, out, _ = run("replay", "--archive", archive, "--print", "--port", "8099")
    assert code == 0 and "wayback" in out and "8099" in out
    assert (archive / "replay" / "index.cdxj").is_file()


def test_export_options(archive: Path, tmp_path: Path) -> None:
    """export --all-versions --section writes those versions; parquet needs --out."""
    out_file = tmp_path / "x.jsonl"
    code, _, _ = run("export", "--archive", archive, "--all-versions", "--section", "news",
                     "--out", out_file)  # fmt: skip
    assert code == 0 and len(out_file.read_text().splitlines()) == 3
    assert run("export", "--archive", archive, "--format", "parquet")[0] == 2
    pytest.importorskip("pyarrow")
    code, _, _ = run("export", "--archive", archive, "--format", "parquet", "--out",
                     tmp_path / "x.parquet")  # fmt: skip
    assert code == 0 and (tmp_path / "x.parquet").stat().st_size > 0
