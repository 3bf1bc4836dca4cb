"""The way into an archive for every command that writes: one lock, then repair.

``scrape section``, ``article``, ``daily`` and ``reindex`` all write, and all start the same way:

1. the archive folder must be a folder (it is created if it does not exist);
2. the archive lock (``archive.lock``) is taken, naming the command and its deadline — a second
   writer gets ``ArchiveLocked`` (exit code 4, or ``StaleLock`` when the holder looks hung) with
   the same message whichever commands they are;
3. any ``.open`` WARC file is what a killed run left (no live writer can hold one while we hold
   the lock): it is repaired or set aside (``archive.repair``), and if anything was repaired the
   index is rebuilt from the WARC files, so it holds exactly what is durably on disk.

Commands that only read (quote, show, verify, export, history, changes, bundle) never take the
lock and never write: they open the index read-only (``Index.open_readonly``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .layout import check_folder, closed_warcs
from .lock import ArchiveLock, Holder
from .rebuild import rebuild_index
from .repair import Repair, repair_open_warcs, rewrite_repaired_json


@dataclass(frozen=True)
class Recovery:
    """What was repaired before the command's own work started; ``previous`` is the run that
    held the lock last if it did not release it cleanly (it was killed)."""

    repairs: tuple[Repair, ...] = ()
    reindexed: bool = False
    notes: tuple[str, ...] = ()
    previous: Holder | None = None
    lock_path: str = ""


def recover(archive_dir: Path) -> Recovery:
    """Repair leftover ``.open`` files; rebuild the index from the WARCs if any was repaired.
    The caller holds the lock."""
    repairs = tuple(repair_open_warcs(archive_dir))
    if not repairs or not closed_warcs(archive_dir):
        return Recovery(repairs)
    report = rebuild_index(archive_dir)
    rewrite_repaired_json(archive_dir, list(repairs))
    return Recovery(repairs, True, tuple(report.notes))


@contextmanager
def writing(
    archive_dir: Path, *, command: str | None = None, deadline: datetime | None = None
) -> Iterator[Recovery]:
    """``with writing(archive_dir, command="section") as recovery:`` — hold the archive lock for
    one command that writes (``deadline``: when it means to be done), after repairing what a
    killed run left behind."""
    archive_dir = check_folder(archive_dir)
    with ArchiveLock(archive_dir, command=command, deadline=deadline) as lock:
        recovery = recover(archive_dir)
        yield Recovery(
            recovery.repairs, recovery.reindexed, recovery.notes, lock.previous, str(lock.path)
        )
