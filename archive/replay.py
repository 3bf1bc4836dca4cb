"""``scrape replay``: browse the archive as it was served, with pywb.

``prepare_replay`` writes, inside the archive folder::

    replay/index.cdxj     one line per response and revisit record of every WARC file
    replay/config.yaml    a pywb configuration with one collection, ``commonspace``,
                          reading the CDXJ above and the WARC files in ``warc/``
    replay/rules.yaml     pywb fuzzy-match rules: the site's other spellings of a page
                          replay its canonical capture (``alias_rules``)

pywb is an optional dependency (``pip install 'commonspace-scraper[replay]'``). With it
installed, ``replay_command`` is the command that serves the archive on 127.0.0.1; the page
of an article is then at ``http://127.0.0.1:PORT/commonspace/TIMESTAMP/URL`` and its bytes
exactly as captured at ``…/TIMESTAMPid_/URL``. Without it, ``ReplaySetup.instructions`` says
what to install and run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from core.errors import ArchiveError

from .cdxj import CdxjEntry, archive_entries, cdxj_text, surt
from .layout import closed_warcs, warc_dir

COLLECTION = "commonspace"
REPLAY_DIR = "replay"

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

    @property
    def command(self) -> list[str]:
        return [self.wayback or "wayback", "--bind", "127.0.0.1", "--port", str(self.port)]

    def url(self, timestamp: str = "", target: str = "", mode: str = "") -> str:
        base = f"http://127.0.0.1:{self.port}/{COLLECTION}/"
        return base + (f"{timestamp}{mode}/{target}" if target else "")

    @property
    def instructions(self) -> str:
        return (
            f"pip install 'commonspace-scraper[replay]'   # pywb\n"
            f"cd {self.root} && {' '.join(self.command)}\n"
            f"then open {self.url()}"
        )


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
    archive_dir = Path(archive_dir).resolve()
    paths = closed_warcs(archive_dir)
    if not paths:
        raise ArchiveError(str(archive_dir), "no closed WARC files to replay")
    root = archive_dir / REPLAY_DIR
    entries = archive_entries(paths)
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
        root, root / "config.yaml", root / "index.cdxj", len(entries), port, find_wayback()
    )


def serve(setup: ReplaySetup) -> int:
    """Run pywb on ``setup`` in the foreground until it stops; return its exit status."""
    if setup.wayback is None:
        raise ArchiveError(str(setup.root), "pywb is not installed:\n" + setup.instructions)
    return subprocess.run(setup.command, cwd=setup.root, check=False).returncode
