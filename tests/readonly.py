"""A truly read-only copy of an archive, for the tests that read evidence on a read-only medium.

``chmod -R a-w`` alone proves nothing when the tests run as root (root writes anyway), so the
copy is made read-only the way a user's would be, whichever this machine allows:

* as another user, the permissions: ``chmod -R a-w``;
* as root, a read-only bind mount (``mount --bind -o ro``): writes fail with EROFS, for root too;
* as root where mounting here is not allowed, the same bind mount in a private user and mount
  namespace (``unshare -rm``), with each command run in a subprocess inside it.

Each way is checked before it is used: creating a file in the copy must fail. Where none works
the tests are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli

ROOT = Path(__file__).resolve().parent.parent
_BIND_SELF = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
Runner = Callable[..., tuple[int, str, str]]


@dataclass(frozen=True)
class ReadOnly:
    """The read-only copy, how to run ``scrape`` on it, and a folder it may write output to."""

    archive: Path
    run: Runner
    out: Path


def in_process(*args: str | Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``scrape ARGS`` run here."""
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def in_namespace(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """``command`` run where ``folder`` is bound read-only onto itself, in a private namespace."""
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", _BIND_SELF, "sh", str(folder), *command],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def namespace_runner(folder: Path) -> Runner:
    def run(*args: str | Path) -> tuple[int, str, str]:
        """(exit code, stdout, stderr) of ``scrape ARGS`` run in the namespace."""
        cmd = (sys.executable, "-c", "from cli import main; main()", *map(str, args))
        done = in_namespace(folder, *cmd)
        return done.returncode, done.stdout, done.stderr

    return run


def _writes_fail(folder: Path) -> bool:
    probe = folder / "probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return True
    probe.unlink()
    return False


def _namespace_works(folder: Path) -> bool:
    probe = str(folder / "probe")
    if shutil.which("unshare") is None:
        return False
    done = in_namespace(folder, sys.executable, "-c", f"open({probe!r}, 'wb')")
    return "Read-only file system" in done.stderr and not os.path.exists(probe)


def _chmod_tree(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | 0o200 if writable else mode & ~0o222)


def _bind_read_only(source: Path, target: Path) -> bool:
    """Mount ``source`` read-only at ``target`` (older mount(8) needs a remount for ``ro``)."""
    if subprocess.run(["mount", "--bind", "-o", "ro", str(source), str(target)],
                      capture_output=True).returncode != 0:  # fmt: skip
        return False
    subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], capture_output=True)
    return True


@contextmanager
def read_only_copy(
    archive: Path, ignore: Callable[[str, list[str]], set[str]] | None = None
) -> Iterator[ReadOnly]:
    """A read-only copy of ``archive`` (``ignore`` as for ``shutil.copytree``)."""
    work = Path(tempfile.mkdtemp(prefix="ro-archive-"))
    out = work / "out"
    out.mkdir()
    copy = work / "copy"
    shutil.copytree(archive, copy, ignore=ignore)
    if os.geteuid() != 0:
        _chmod_tree(copy, writable=False)
        try:
            assert _writes_fail(copy), "a folder without write permission accepted a file"
            yield ReadOnly(copy, in_process, out)
        finally:
            _chmod_tree(copy, writable=True)
            shutil.rmtree(work)
        return
    mount = work / "ro"
    mount.mkdir()
    mounted = _bind_read_only(copy, mount)
    try:
        if mounted and _writes_fail(mount):
            yield ReadOnly(mount, in_process, out)
        elif _namespace_works(copy):
            yield ReadOnly(copy, namespace_runner(copy), out)
        else:
            pytest.skip("running as root without mount(8) or user namespaces: no folder here "
                        "can be made read-only for root")  # fmt: skip
    finally:
        if mounted:
            subprocess.run(["umount", str(mount)], check=True)
        shutil.rmtree(work)
