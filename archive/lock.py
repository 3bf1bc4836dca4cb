"""One writer at a time: an ``flock`` on ``ARCHIVE/.lock``, and the truth about who holds it.

The kernel drops an ``flock`` when its process dies, however it dies, so a lock left by a
killed run never needs cleaning up: the file stays, the lock does not. The holder writes one
JSON line into the file — its pid, host, command, when it started and the deadline it set
itself (``--max-runtime``) — so a refused run can say who holds the lock and whether that run
looks hung. A run is **stale** when it is past its own deadline (by more than ``GRACE``), has
held the lock for more than ``STALE_AFTER``, or its process is gone although the lock is held
(it was inherited by another process). A stale holder raises ``StaleLock`` (exit code 8, which
cron and systemd report) instead of ``ArchiveLocked`` (exit code 4, an ordinary overlap).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from core.errors import ArchiveError, ArchiveLocked, StaleLock

LOCK_NAME = ".lock"
GRACE = timedelta(minutes=10)  # past its deadline by more than this: the holder is hung
STALE_AFTER = timedelta(days=1)  # held longer than this: stale whatever the holder said
READ_ONLY = (
    "the archive is read-only and this command writes to it (the commands that only read work "
    "on it: quote, show, verify, export, history, changes, bundle)"
)
_READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


@dataclass(frozen=True)
class Holder:
    """What the lock file says about the run that holds (or last held) the lock."""

    pid: int | None
    host: str | None = None
    command: str | None = None
    started: datetime | None = None
    deadline: datetime | None = None

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        text = text.strip()
        if not text:
            return None
        if text.isdigit():  # written by earlier versions: the pid alone
            return cls(int(text))
        try:
            data: dict[str, Any] = json.loads(text)
            return cls(
                int(data["pid"]) if data.get("pid") is not None else None,
                data.get("host"),
                data.get("command"),
                _when(data.get("started")),
                _when(data.get("deadline")),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def to_line(self) -> str:
        return json.dumps({
            "pid": self.pid, "host": self.host, "command": self.command,
            "started": _iso(self.started), "deadline": _iso(self.deadline),
        }) + "\n"  # fmt: skip

    def describe(self, now: datetime) -> str:
        parts = [f"pid {self.pid}" if self.pid is not None else "pid unknown"]
        if self.host and self.host != socket.gethostname():
            parts.append(f"on {self.host}")
        if self.command:
            parts.append(f"`scrape {self.command}`")
        if self.started is not None:
            parts.append(f"started {_iso(self.started)}, {_age(now - self.started)} ago")
        return ", ".join(parts)

    def stale_because(self, now: datetime) -> str | None:
        """Why this holder looks hung, or None if it looks like a run doing its work."""
        if self.deadline is not None and now > self.deadline + GRACE:
            return (f"it is past its own deadline ({_iso(self.deadline)}) by "
                    f"{_age(now - self.deadline)}")  # fmt: skip
        if self.started is not None and now - self.started > STALE_AFTER:
            return f"it has held the lock for {_age(now - self.started)}"
        if self.pid is not None and self.host in (None, socket.gethostname()):
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return "its process is gone, yet the lock is held (by a process it started?)"
            except PermissionError:
                pass  # alive, another user's
        return None


class ArchiveLock:
    """``with ArchiveLock(archive_dir):`` — raises ``ArchiveLocked`` at once if it is held.

    ``command`` and ``deadline`` (when this run means to be finished) are written into the
    lock file for whoever finds it held. ``previous`` is what the file said when the lock was
    taken: the last holder, if it did not release the lock cleanly (it was killed)."""

    def __init__(
        self, archive_dir: Path, *, command: str | None = None, deadline: datetime | None = None
    ) -> None:
        self.path = Path(archive_dir) / LOCK_NAME
        self.command = command
        self.deadline = deadline
        self.previous: Holder | None = None
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno in _READ_ONLY:
                raise ArchiveError(str(self.path.parent), READ_ONLY) from exc
            raise ArchiveError(str(self.path), f"cannot open the lock file: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Holder.parse(os.read(fd, 4096).decode("utf-8", "replace"))
            os.close(fd)
            raise self._refusal(holder) from None
        self.previous = Holder.parse(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
        me = Holder(
            os.getpid(), socket.gethostname(), self.command, datetime.now(UTC), self.deadline
        )
        os.ftruncate(fd, 0)
        os.pwrite(fd, me.to_line().encode("utf-8"), 0)
        self._fd = fd

    def _refusal(self, holder: Holder | None) -> ArchiveLocked:
        now = datetime.now(UTC)
        who = f" ({holder.describe(now)})" if holder is not None else ""
        stale = holder.stale_because(now) if holder is not None else None
        if stale is not None:
            return StaleLock(
                str(self.path),
                f"the archive is locked by a run that looks hung{who}: {stale}; this run did "
                "nothing. Check that process (stop it if it is stuck: the archive stays valid)",
            )
        return ArchiveLocked(
            str(self.path),
            f"another scrape run{who} is using this archive; this run did nothing "
            "(the lock goes away by itself when that run ends)",
        )

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


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _age(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} days"
