"""One writer at a time: an ``flock`` on ``ARCHIVE/.lock``.

The kernel drops an ``flock`` when its process dies, however it dies, so a lock left by a
killed run never needs cleaning up: the file stays, the lock does not. The holder writes its
pid into the file, so a refused run can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from core.errors import ArchiveError, ArchiveLocked

LOCK_NAME = ".lock"


class ArchiveLock:
    """``with ArchiveLock(archive_dir):`` — raises ``ArchiveLocked`` at once if it is held."""

    def __init__(self, archive_dir: Path) -> None:
        self.path = Path(archive_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ArchiveError(str(self.path), f"cannot open the lock file: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise ArchiveLocked(
                str(self.path),
                f"another scrape run{who} is using this archive; this run did nothing "
                "(the lock goes away by itself when that run ends)",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> ArchiveLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
