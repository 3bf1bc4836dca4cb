"""An archive on a read-only medium (an evidence copy): every reading command works on it, every
writing command refuses it in one line, and nothing is written to it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.provenance_archive import PEACE, QUOTE, build_archive
from tests.readonly import ReadOnly, read_only_copy


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample provenance archive, written once (its index closed: no -wal, no -shm)."""
    path = tmp_path_factory.mktemp("source") / "archive"
    build_archive(path)
    assert sorted(p.name for p in path.iterdir()) == ["articles", "index.sqlite", "warc"]
    return path


@pytest.fixture(scope="module")
def ro(archive: Path) -> Iterator[ReadOnly]:
    with read_only_copy(archive) as copy:
        yield copy


def test_quote_show_history_changes(ro: ReadOnly) -> None:
    """quote, show, history and changes answer from the read-only copy as from the original."""
    code, out, err = ro.run("quote", QUOTE, "--archive", ro.archive, "--json")
    assert code == 0, err
    assert all(c["verified"] for c in json.loads(out)[0]["captures"])
    code, out, err = ro.run("show", PEACE, "--archive", ro.archive, "--json")
    assert code == 0 and json.loads(out)["intact"] is True, err
    code, out, err = ro.run("history", PEACE, "--archive", ro.archive, "--json")
    assert code == 0 and len(json.loads(out)["versions"]) == 2, err
    code, out, err = ro.run("changes", "--since", "2000-01-01", "--archive", ro.archive, "--json")
    assert code == 0 and [e["url"] for e in json.loads(out)] == [PEACE], err


def test_verify(ro: ReadOnly) -> None:
    """verify reads every record and index pointer of the read-only copy: intact."""
    code, out, err = ro.run("verify", "--archive", ro.archive)
    assert code == 0 and "intact" in out, out + err


def test_export_and_bundle(ro: ReadOnly) -> None:
    """export (to stdout and to a file elsewhere) and bundle read the copy."""
    code, out, err = ro.run("export", "--archive", ro.archive)
    assert code == 0 and len(out.splitlines()) == 3, err
    target = ro.out / "all.csv"
    code, _, err = ro.run("export", "--archive", ro.archive, "--format", "csv", "--out", target)
    assert code == 0 and len(target.read_text().splitlines()) > 3, err
    wacz = ro.out / "peace.wacz"
    code, _, err = ro.run("bundle", PEACE, "--archive", ro.archive, "--out", wacz)
    assert code == 0 and "datapackage.json" in zipfile.ZipFile(wacz).namelist(), err


@pytest.mark.parametrize(
    "args",
    [["reindex"], ["section", "voices"], ["article", "https://www.commonspace.eu/news/x"],
     ["daily", "--section", "voices"]],
    ids=lambda a: a[0],
)  # fmt: skip
def test_writers_refuse_in_one_line(ro: ReadOnly, args: list[str]) -> None:
    """A command that writes says in one line that the archive is read-only: exit 3."""
    if args[0] != "reindex":
        args = [*args, "--base-url", "https://www.commonspace.eu", "--delay", "0"]
    code, out, err = ro.run(*args, "--archive", ro.archive)
    assert code == 3, out + err
    (line,) = err.splitlines()
    assert "read-only" in line and str(ro.archive) in line


def test_old_schema_on_a_read_only_copy(archive: Path, tmp_path: Path) -> None:
    """An index of an older schema cannot be migrated on a read-only copy: one line, exit 3,
    saying to reindex a writable copy."""
    old = tmp_path / "old"
    shutil.copytree(archive, old)
    with closing(sqlite3.connect(old / "index.sqlite")) as db:
        db.execute("PRAGMA user_version = 2")
        db.commit()
    with read_only_copy(old) as ro:
        code, _, err = ro.run("show", PEACE, "--archive", ro.archive)
    assert code == 3 and len(err.splitlines()) == 1
    assert "index out of date" in err and "scrape reindex" in err


def pending_wal(archive: Path, target: Path) -> None:
    """Copy ``archive`` to ``target`` while its index holds a change only in its WAL."""
    shutil.copytree(archive, target)
    with closing(sqlite3.connect(target / "index.sqlite")) as db:
        db.execute("PRAGMA wal_autocheckpoint = 0")
        db.execute("UPDATE versions SET json = json_set(json, '$.title', 'Changed in the WAL only')"
                   " WHERE url = ?", (PEACE,))  # fmt: skip
        db.commit()
        shutil.copytree(target, target.with_name("snapshot"))  # as a copy taken mid-run sees it
    shutil.rmtree(target)
    target.with_name("snapshot").rename(target)
    assert (target / "index.sqlite-wal").stat().st_size > 0


def test_copy_with_a_pending_wal(archive: Path, tmp_path: Path) -> None:
    """A copy taken while the index had changes in its WAL: with the -shm file they are read;
    without it the copy is refused in one line rather than read without them."""
    pending_wal(archive, tmp_path / "live")
    with read_only_copy(tmp_path / "live") as ro:
        code, out, err = ro.run("show", PEACE, "--json", "--archive", ro.archive)
    assert json.loads(out)["fields"]["title"] == "Changed in the WAL only", err
    no_shm = read_only_copy(tmp_path / "live", ignore=lambda _d, names: {
        n for n in names if n.endswith("-shm")})  # fmt: skip
    with no_shm as ro:
        code, _, err = ro.run("show", PEACE, "--archive", ro.archive)
    assert code == 3 and len(err.splitlines()) == 1 and "write-ahead log" in err
