"""The standard tools the outputs are checked with, run as their users run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def tool(name: str) -> str:
    """The console script ``name`` installed next to this interpreter (by the test extra)."""
    path = Path(sys.executable).with_name(name)
    assert path.is_file(), f"{name} is missing: `make test` installs it with the test extra"
    return str(path)


def run(*command: str) -> str:
    """Run a checker; fail with its output unless it exits 0."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{command[:3]} exited {done.returncode}:\n{output}"
    return output


def wacz_validate(path: Path) -> None:
    """py-wacz's `wacz validate -f` passes the bundle at ``path``."""
    output = run(tool("wacz"), "validate", "-f", str(path))
    assert "Validation succeeded" in output, output
