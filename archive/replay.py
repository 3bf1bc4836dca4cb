"""``scrape replay``: browse the archive as it was served, with pywb.

``prepare_replay`` writes, inside the archive folder::

    replay/index.cdxj     one line per response and revisit record of every WARC file
    replay/config.yaml    a pywb configuration with one collection, ``commonspace``,
                          reading the CDXJ above and the WARC files in ``warc/``
    replay/rules.yaml     pywb fuzzy-match rules: the site's other spellings of a page
                          replay its canonical capture (``alias_rules``)

pywb is an optional dependency (the ``replay`` extra, ``PYWB_REQUIREMENT``). With it
installed, ``ReplaySetup.command`` is the command that serves the archive on 127.0.0.1; the page
of an article is then at ``http://127.0.0.1:PORT/commonspace/TIMESTAMP/URL`` and its bytes
exactly as captured at ``…/TIMESTAMPid_/URL``. Without it, ``ReplaySetup.instructions`` says
what to install (with this interpreter's pip) and run.

Every archive can be replayed. A ``.open`` WARC file a killed run left is repaired first, under
the archive lock, like any command that writes does; one a running crawl is writing is left out
until it ends. On a read-only archive the replay files go to a temporary folder instead.

``serve`` runs pywb in the foreground: it refuses a port already in use before starting it,
says "serving" only once pywb answers, keeps pywb's own output in ``pywb.log`` beside the
config, and stops pywb on SIGTERM, SIGINT (Ctrl-C) or SIGHUP — nothing is left running.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from core.errors import ArchiveError, ArchiveLocked, UsageError
from core.words import plural

from .cdxj import CdxjEntry, archive_entries, cdxj_text, surt
from .layout import check_folder, closed_warcs, open_warcs, warc_dir
from .reader import read_record
from .scan import scan_file
from .writing import writing

COLLECTION = "commonspace"
REPLAY_DIR = "replay"
PYWB_REQUIREMENT = "pywb>=2.10"
READY_CHECKS = 600  # times "serve" looks whether pywb answers, 0.1 s apart, before saying so

# The site serves one page under several spellings: behind its ``/index.php`` front
# controller and with a ``PageSpeed=noscript`` parameter (``core.urls.canonicalize`` folds
# them). The crawler fetches only the canonical URL, so archived listings link to spellings no
# capture has. pywb applies this substitution to a URL it finds no capture of and looks the
# result up exactly: ``/index.php/news/x?PageSpeed=noscript`` → ``/news/x``. The legacy
# ``/index.php?m=23&news_id=N`` pages keep their ``/index.php`` (no ``/`` follows it).
ALIAS_PATTERN = (
    r"(?i)^([a-z][a-z0-9+.-]*://[^/?#]+)/index\.php(?=/)"  # the front controller
    r"|([?&])pagespeed=[^&#]*&"  # PageSpeed before another parameter: keep the separator
    r"|[?&]pagespeed=[^&#]*(?=#|$)"  # PageSpeed as the last parameter
)
ALIAS_REPLACE = r"\1\2"


@dataclass(frozen=True)
class ReplaySetup:
    """Where the replay files are and how to serve them."""

    root: Path
    config: Path
    cdxj: Path
    captures: int
    port: int
    wayback: str | None  # the pywb ``wayback`` executable, if installed
    notes: tuple[str, ...] = ()  # what the user should know: files left out, a temporary folder

    @property
    def command(self) -> list[str]:
        return [self.wayback or "wayback", "--bind", "127.0.0.1", "--port", str(self.port)]

    def url(self, timestamp: str = "", target: str = "", mode: str = "") -> str:
        base = f"http://127.0.0.1:{self.port}/{COLLECTION}/"
        return base + (f"{timestamp}{mode}/{target}" if target else "")

    @property
    def instructions(self) -> str:
        return (
            f"{install_hint()}\n"
            f"cd {self.root} && {' '.join(self.command)}\n"
            f"then open {self.url()}"
        )


def install_hint() -> str:
    """How to install pywb into the environment this scraper runs in."""
    return f"{sys.executable} -m pip install '{PYWB_REQUIREMENT}'"


def find_wayback() -> str | None:
    """The ``wayback`` command of pywb next to this interpreter or on PATH, or None."""
    local = Path(sys.executable).with_name("wayback")
    return str(local) if local.is_file() else shutil.which("wayback")


def alias_rules(entries: list[CdxjEntry]) -> dict[str, object]:
    """pywb rules (``rules_file``) with one alias rule per host the archive holds captures of.

    A ``sub`` rule applies to every URL under its prefix that has no capture, so it stands in
    for pywb's generic fuzzy rule on these hosts: the archive holds pages fetched at their
    canonical URLs, not the scripts and cache-busting URLs that rule is for. Other hosts keep
    the generic rule. The default filters keep pywb's script extensions and leave out its
    media types and query-string cleanups (nothing of the kind is archived).
    """
    hosts = sorted({surt(e.url).split(")", 1)[0] for e in entries})
    rules: list[dict[str, object]] = [
        {
            "url_prefix": f"{host})/",
            "fuzzy_lookup": {
                "re_type": "sub",
                "match": ALIAS_PATTERN,
                "replace": ALIAS_REPLACE,
                "type": "exact",
            },
        }
        for host in hosts
    ]
    rules.append({"url_prefix": "", "fuzzy_lookup": {"match": "()"}})
    return {
        "default_filters": {
            "fuzzy_search_limit": "100",
            "not_exts": ["asp", "aspx", "jsp", "php", "pl", "exe", "dll"],
            "mimes": [],
            "url_normalize": [],
        },
        "rules": rules,
    }


def prepare_replay(archive_dir: Path, port: int = 8080) -> ReplaySetup:
    """Write the CDXJ index and pywb configuration for ``archive_dir``."""
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port}: give a port from 1 to 65535")
    archive_dir = Path(archive_dir).resolve()
    check_folder(archive_dir)
    notes = _repair_open_files(archive_dir)
    paths = closed_warcs(archive_dir)
    if not paths:
        raise ArchiveError(str(archive_dir), "no closed WARC files to replay")
    root = archive_dir / REPLAY_DIR
    if not _writable(root):
        root = Path(tempfile.mkdtemp(prefix="scrape-replay-"))
        notes.append(f"the archive is read-only: the replay files are in {root}")
    entries = _entries(paths, notes)
    config = {
        "collections": {
            COLLECTION: {
                "index_paths": str(root / "index.cdxj"),
                "archive_paths": str(warc_dir(archive_dir)) + "/",
            }
        },
        "framed_replay": False,
        "rules_file": str(root / "rules.yaml"),
    }
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / "index.cdxj").write_text(cdxj_text(entries), encoding="utf-8")
        # JSON is YAML: no YAML library needed to write pywb's config and rules.
        rules = json.dumps(alias_rules(entries), indent=2)
        (root / "rules.yaml").write_text(rules + "\n", encoding="utf-8")
        (root / "config.yaml").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ArchiveError(str(root), f"cannot write replay files ({exc.strerror or exc})") from exc
    return ReplaySetup(
        root, root / "config.yaml", root / "index.cdxj", len(entries), port, find_wayback(),
        tuple(notes),
    )  # fmt: skip


def _repair_open_files(archive_dir: Path) -> list[str]:
    """Repair ``.open`` files a killed run left, as a writer would; notes on what could not be."""
    still_open = open_warcs(archive_dir)
    if not still_open:
        return []
    try:
        with writing(archive_dir, command="replay") as recovery:
            return [str(r) for r in recovery.repairs]
    except ArchiveLocked:
        return [f"{plural(len(still_open), 'WARC file')} being written by a running crawl "
                "left out until it ends"]  # fmt: skip
    except ArchiveError:  # read-only: nothing can be repaired
        return [f"{p.name} was left by a stopped crawl and cannot be repaired on a read-only "
                "archive: its records are left out" for p in still_open]  # fmt: skip


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _entries(paths: Iterable[Path], notes: list[str]) -> list[CdxjEntry]:
    """The CDXJ entries of every file; a damaged file gives those of its intact records."""
    entries: list[CdxjEntry] = []
    for path in paths:
        try:
            entries += archive_entries([path])
        except ArchiveError:
            intact = [r for r in scan_file(path) if not r.problems]
            records = [read_record(path, r.offset) for r in intact
                       if r.rec_type in ("response", "revisit")]  # fmt: skip
            entries += [CdxjEntry.of(rec) for rec in records if rec.target_uri]
            notes.append(f"{path.name} is damaged: only its intact records can be replayed "
                         "(`scrape verify` says which are not)")  # fmt: skip
    return entries


def check_port(port: int) -> None:
    """UsageError if ``port`` on 127.0.0.1 cannot be listened on (in use, or not allowed)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            why = "is in use" if exc.errno == errno.EADDRINUSE else f"is refused ({exc.strerror})"
            raise UsageError(f"port {port} on 127.0.0.1 {why}: choose another with --port") from exc


def _answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM, SIGINT and SIGHUP set ``stop`` while pywb runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {s: signal.signal(s, lambda _n, _f: stop.set()) for s in signals}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def serve(setup: ReplaySetup, on_ready: Callable[[], None] | None = None) -> int:
    """Run pywb on ``setup`` until it stops or a signal comes; return its exit status, or 130
    after a signal (pywb is then stopped too). ``on_ready`` is called once pywb answers."""
    if setup.wayback is None:
        raise ArchiveError(str(setup.root), "pywb is not installed:\n" + setup.instructions)
    check_port(setup.port)
    log = setup.root / "pywb.log"
    stop = threading.Event()
    with _stop_on_signals(stop), open(log, "ab") as out:
        proc = subprocess.Popen(setup.command, cwd=setup.root, stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL)  # fmt: skip
        try:
            checks = 0
            while proc.poll() is None and not stop.is_set() and checks < READY_CHECKS:
                if _answers(setup.port):
                    break
                checks += 1
                stop.wait(0.1)
            if proc.poll() is not None:
                raise ArchiveError(str(log), f"pywb stopped before serving (exit code "
                                   f"{proc.returncode}): its output is in this file")  # fmt: skip
            if not stop.is_set() and on_ready is not None:
                on_ready()
            while proc.poll() is None and not stop.is_set():
                stop.wait(0.2)
        finally:
            _end(proc)
    return 130 if stop.is_set() else int(proc.returncode)


def _end(proc: subprocess.Popen[bytes]) -> None:
    """Stop pywb: SIGTERM, then SIGKILL if it has not gone in 10 s."""
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
