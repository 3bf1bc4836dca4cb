"""The provenance desk: ``scrape serve``, a local web page to find a quote and show where it came
from.

A top layer beside ``cli.py``: it reads the archive only through ``archive``'s public API
(``ArchiveReader``: the index opened read-only and kept warm) and renders what comes back.

    desk.config     DeskConfig: the archive, the addresses to listen on
    desk.app        the desk's routes: search, article, capture, raw bytes, WACZ (HTML and JSON)
    desk.frame      the capture origin: archived bytes, on their own port, under a sandbox CSP
    desk.pages      what templates need that is not plain data: highlights, diffs, badges
    desk.server     two listening sockets, one uvicorn server

Two origins, so archived HTML never runs where the desk does: the desk on ``--port`` and the
archived pages on a second port, served with ``Content-Security-Policy: sandbox; default-src
'none'`` (no script runs, nothing is fetched) and shown in an ``<iframe sandbox>``.
"""

from __future__ import annotations

from .app import create_app
from .config import DeskConfig, is_loopback
from .server import Desk, serve

__all__ = ["Desk", "DeskConfig", "create_app", "is_loopback", "serve"]
