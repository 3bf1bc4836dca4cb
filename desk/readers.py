"""A few read-only archive connections kept open, one lent to each request at a time."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive import ArchiveReader
from core.errors import ArchiveError


class Readers:
    """Up to ``size`` ``ArchiveReader`` s, opened on first need and kept warm.

    A request borrows one and gives it back; SQLite connections are not shared by two
    threads at once. When all are lent, a request waits for one (at most ``wait`` seconds, then
    ArchiveError: the desk answers 503 saying to try again, never a 500)."""

    def __init__(self, archive_dir: Path, size: int = 4, wait: float = 30.0) -> None:
        self.archive_dir = Path(archive_dir)
        self._size = max(1, size)
        self._wait = wait
        self._free: queue.LifoQueue[ArchiveReader] = queue.LifoQueue()
        self._all: list[ArchiveReader] = []
        self._lock = threading.Lock()

    def check(self) -> None:
        """Open one reader now, so that an unusable archive is reported before serving."""
        with self.borrow():
            pass

    @contextmanager
    def borrow(self) -> Iterator[ArchiveReader]:
        reader = self._take()
        try:
            yield reader
        finally:
            self._free.put(reader)

    def _take(self) -> ArchiveReader:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._all) < self._size:
                reader = ArchiveReader(self.archive_dir)
                self._all.append(reader)
                return reader
        try:
            return self._free.get(timeout=self._wait)
        except queue.Empty:
            raise ArchiveError(
                str(self.archive_dir),
                f"all {self._size} readers busy for {self._wait:g} s: try again in a moment",
            ) from None

    def close(self) -> None:
        with self._lock:
            for reader in self._all:
                reader.close()
            self._all.clear()
