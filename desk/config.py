"""The one settings object of the desk."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is an address only this machine can reach."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class DeskConfig:
    """What ``scrape serve`` serves, and where.

    ``port`` is the desk; ``capture_port`` the separate origin of archived pages (0: any free
    port). ``host`` is 127.0.0.1 unless the user asks otherwise (then ``serve`` warns).
    ``readers`` is how many read-only index connections are kept open for concurrent requests;
    a request that finds them all lent waits ``reader_wait`` seconds for one, then gets 503.
    """

    archive_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    capture_port: int = 0
    readers: int = 4
    reader_wait: float = 30.0

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)
