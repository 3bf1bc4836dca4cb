"""An archive opened for reading only and kept open: what a long-running reader uses.

``scrape serve`` answers many questions about one archive; opening the index for each costs
more than the question. ``ArchiveReader`` holds a read-only connection (``Index.open_readonly``:
it never writes, so it is safe beside a running ``scrape daily``) and answers with the same
functions the commands use: ``search_quotes``, ``details_from``, ``history_from``. Each answer
is read inside one ``snapshot``, so a crawl committing meanwhile never shows half an update.

The bytes of a capture are found through the index only: a record id is looked up, and the
WARC file it names is opened in the archive's ``warc/`` folder. Nothing a caller passes is ever
used as a path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from core.errors import ArchiveError
from core.model import Capture

from .details import ArticleDetails, details_from
from .history import History, history_from
from .index import Index
from .quotes import QuoteMatch, QuoteQuery, search_quotes
from .reader import WarcRecord, read_record
from .scan import scan_stream
from .verify import CaptureCheck, check_capture, warc_path

T = TypeVar("T")
_AFTER = 8  # records after a response searched for the metadata record that refers to it


@dataclass(frozen=True)
class ServedCapture:
    """One capture read back: the response as the site served it, re-verified now."""

    capture: Capture
    url: str
    kind: str
    check: CaptureCheck
    http_status: int | None
    http_headers: tuple[tuple[str, str], ...]
    body: bytes  # the entity body as stored (what WARC-Payload-Digest covers)
    payload: bytes  # the body with content and transfer encodings undone
    sha256: str | None  # ``sha256:HEX`` of ``body``, recomputed now; None if unreadable

    @property
    def content_type(self) -> str:
        for key, value in self.http_headers:
            if key.lower() == "content-type":
                return value
        return ""

    def citation(self) -> dict[str, Any]:
        """What a journalist hands over: where and when, which record, which digests."""
        return {
            "url": self.url,
            "fetched_at": self.capture.fetched_at,
            "warc_file": self.capture.warc_file,
            "offset": self.capture.offset,
            "record_id": self.capture.record_id,
            "payload_digest": self.capture.payload_digest,
            "sha256": self.sha256,
            "status": self.check.status,
        }


def _read(archive_dir: Path, capture: Capture, read: Callable[[Path], T]) -> T:
    """``read(path)`` of the WARC file holding ``capture``. A running crawl may close (rename)
    an ``.open`` file between the lookup and the read; then it is looked up once more."""
    for _ in range(2):
        path = warc_path(archive_dir, capture.warc_file)
        if path is None:
            break
        try:
            return read(path)
        except ArchiveError:
            if path.exists():
                raise
    raise ArchiveError(capture.warc_file, "WARC file is missing: run `scrape verify`")


def capture_json(archive_dir: Path, capture: Capture) -> dict[str, Any] | None:
    """The article JSON logged when ``capture`` was made (its Related and Popular blocks as
    they were then), from the metadata record that refers to it; None if there is none."""

    def find(path: Path) -> dict[str, Any] | None:
        try:
            fh = open(path, "rb")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            raise ArchiveError(str(path), f"cannot read WARC file: {exc}") from exc
        with fh:
            fh.seek(capture.offset)
            for n, rec in enumerate(scan_stream(fh, path.name, capture.offset)):
                if n > _AFTER or rec.problems:
                    return None
                mine = rec.header("WARC-Refers-To") == capture.record_id
                if rec.rec_type == "metadata" and mine and rec.block is not None:
                    try:
                        data = json.loads(rec.block)
                    except ValueError:
                        return None
                    return data if isinstance(data, dict) else None
        return None

    if warc_path(archive_dir, capture.warc_file) is None:
        return None  # the file is gone: the capture's check says so
    return _read(archive_dir, capture, find)


class ArchiveReader:
    """A read-only archive kept open. Not for sharing between threads at once: a server keeps
    one per worker (see ``desk``); each opens its own read-only connection."""

    def __init__(self, archive_dir: Path) -> None:
        self.archive_dir = Path(archive_dir)
        self.index = Index.open_readonly(self.archive_dir)

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def find_quote(self, query: QuoteQuery) -> list[QuoteMatch]:
        """As ``archive.find_quote``, on the open index."""
        with self.index.snapshot():
            return search_quotes(self.index, self.archive_dir, query)

    def details(self, url: str) -> ArticleDetails:
        """As ``archive.article_details``: fields, versions, every capture re-verified."""
        with self.index.snapshot():
            return details_from(self.index, self.archive_dir, url)

    def history(self, url: str) -> History:
        """As ``scrape history``: every version with its captures, and the revisits."""
        with self.index.snapshot():
            return history_from(self.index, url)

    def capture_json(self, capture: Capture) -> dict[str, Any] | None:
        return capture_json(self.archive_dir, capture)

    def member(self, record_id: str) -> bytes | None:
        """The WARC record stored as ``record_id`` (found in the index, else None): its gzip
        member, byte for byte as on disk."""
        found = self.index.capture_record(record_id)
        if found is None:
            return None
        capture = found[0]

        def read(path: Path) -> bytes:
            try:
                with open(path, "rb") as fh:
                    fh.seek(capture.offset)
                    return fh.read(capture.length)
            except OSError as exc:
                raise ArchiveError(str(path), f"cannot read WARC file: {exc}") from exc

        return _read(self.archive_dir, capture, read)

    def served(self, record_id: str) -> ServedCapture | None:
        """The response stored as record ``record_id`` (found in the index, else None),
        read from its WARC file and re-verified."""
        found = self.index.capture_record(record_id)
        if found is None:
            return None
        capture, url, kind = found
        check = check_capture(self.archive_dir, capture)
        try:
            record: WarcRecord = _read(
                self.archive_dir, capture, lambda path: read_record(path, capture.offset)
            )
            payload = record.payload
        except ArchiveError:
            if check.verified:
                raise
            # damaged bytes: the check says how; there is nothing to show or to hash
            return ServedCapture(capture, url, kind, check, None, (), b"", b"", None)
        if record.record_id != capture.record_id:
            raise ArchiveError(
                f"{capture.warc_file}@{capture.offset}",
                f"holds {record.record_id or 'no record'}, not {record_id}: index out of date: "
                "run `scrape reindex`",
            )
        return ServedCapture(
            capture, url, kind, check, record.http_status, record.http_headers or (),
            record.body, payload, "sha256:" + hashlib.sha256(record.body).hexdigest(),
        )  # fmt: skip
