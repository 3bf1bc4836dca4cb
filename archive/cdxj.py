"""CDXJ index lines, the form pywb and ReplayWeb.page look captures up by.

A line is ``SURT TIMESTAMP JSON``, sorted, one per ``response`` or ``revisit`` record::

    eu,commonspace)/news/peace-talks 20240501130000 {"url": "...", "mime": "text/html",
        "status": "200", "digest": "sha1:…", "length": "812", "offset": "1034",
        "filename": "commonspace-….warc.gz"}

A ``revisit`` line has the mime ``warc/revisit`` and the digest of the original's payload
(its ``WARC-Payload-Digest``), as pywb's own indexer writes it: pywb then reads the HTTP headers
from the revisit record and the payload from the response line with that digest, found via
``WARC-Refers-To-Target-URI`` and ``WARC-Refers-To-Date``.

``surt`` follows the canonical form of the ``surt`` package that pywb uses for lookups
(lower case, ``www.`` dropped, host parts reversed, query arguments sorted), so that a URL
typed into pywb finds the line written here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .reader import WarcRecord, iter_records

REVISIT_MIME = "warc/revisit"
INDEXED_TYPES = frozenset({"response", "revisit"})
_WWW = re.compile(r"^www\d*\.")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def surt(url: str) -> str:
    """The SURT key of ``url``: ``https://www.commonspace.eu/a?b=1`` → ``eu,commonspace)/a?b=1``."""
    parts = urlsplit(url.strip())
    host = _WWW.sub("", (parts.hostname or "").lower().strip("."))
    key = ",".join(reversed(host.split(".")))
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        key += f":{parts.port}"
    key += ")" + (parts.path or "/").lower()
    if parts.query:
        key += "?" + "&".join(sorted(parts.query.lower().split("&")))
    return key


def timestamp14(warc_date: str) -> str:
    """``2024-05-01T13:00:00.000000Z`` → ``20240501130000``."""
    return re.sub(r"\D", "", warc_date)[:14]


@dataclass(frozen=True)
class CdxjEntry:
    """One response or revisit record, as a CDXJ line describes it."""

    url: str
    timestamp: str
    mime: str
    status: int
    digest: str
    length: int
    offset: int
    filename: str

    @classmethod
    def of(
        cls, record: WarcRecord, filename: str | None = None, offset: int | None = None
    ) -> CdxjEntry:
        mime = (record.http_header("Content-Type") or "unk").split(";")[0].strip().lower()
        if record.rec_type == "revisit":
            mime = REVISIT_MIME
        return cls(
            url=record.target_uri or "",
            timestamp=timestamp14(record.date or ""),
            mime=mime or "unk",
            status=record.http_status or 0,
            digest=record.header("WARC-Payload-Digest") or "",
            length=record.length,
            offset=record.offset if offset is None else offset,
            filename=filename or record.warc_file,
        )

    def line(self) -> str:
        fields = {
            "url": self.url, "mime": self.mime, "status": str(self.status),
            "digest": self.digest, "length": str(self.length), "offset": str(self.offset),
            "filename": self.filename,
        }  # fmt: skip
        return f"{surt(self.url)} {self.timestamp} {json.dumps(fields, ensure_ascii=False)}"


def cdxj_text(entries: Iterable[CdxjEntry]) -> str:
    """Sorted CDXJ lines, newline-terminated."""
    lines = sorted(e.line() for e in entries)
    return "".join(line + "\n" for line in lines)


def parse_cdxj_line(line: str) -> tuple[str, str, dict[str, str]]:
    """(SURT, timestamp, fields) of one CDXJ line."""
    key, stamp, fields = line.split(" ", 2)
    return key, stamp, json.loads(fields)


def archive_entries(paths: Iterable[Path]) -> list[CdxjEntry]:
    """A CDXJ entry for every response and revisit record in the WARC files ``paths``."""
    return [
        CdxjEntry.of(rec)
        for path in paths
        for rec in iter_records(path)
        if rec.rec_type in INDEXED_TYPES and rec.target_uri
    ]
