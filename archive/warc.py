"""Writing WARC files: a ``response`` + ``request`` pair per HTTP exchange, as on the wire.

The response is written first and its request after it, so the request's
``WARC-Concurrent-To`` names a record already written, as strict readers (warcat) expect and
Heritrix writes them. Every file starts with a ``warcinfo`` record and holds one gzip member per
record, so any record can be read on its own from its ``Capture.offset``. A file is written as
``NAME.warc.gz.open`` and renamed to ``NAME.warc.gz`` when closed; a new process never appends
to an existing file.
After each call the bytes are flushed to the operating system, so a record whose ``Capture``
has been returned survives the process being killed (SIGKILL included). They are also fsync'd
at once — or, with ``sync_each=False``, at the next ``sync()``, which the crawler calls before
every index commit: either way the index never refers to a record that is not on disk, and a
crawl pays one fsync per article instead of one per record.

Faithfulness rules (why the header block can be trusted to describe the stored body):

* the response payload is ``Exchange.body`` byte for byte, still content-encoded (gzip) when the
  server sent it so; ``WARC-Payload-Digest`` is the sha1 of exactly those bytes;
* a ``Transfer-Encoding`` header becomes ``X-Orig-Transfer-Encoding``, because the stored body
  is no longer chunked; ``Content-Length`` stays as the server sent it;
* ``WARC-Truncated`` names why a body is incomplete;
* request records never carry ``Cookie``, ``Authorization`` or ``Proxy-Authorization``;
* a ``revisit`` record after a ``304 Not Modified`` carries the response the 304 validated: the
  original's status line and headers, updated with the 304's own fields as an HTTP cache does
  (RFC 9111 §4.3.4, ``freshened_headers``). That is what the identical-payload-digest profile
  describes and what pywb replays as the original; the 304 itself is kept verbatim in the
  ``revisit`` event (``archive.events``) written next to it.
"""

from __future__ import annotations

import errno
import os
import threading
import uuid
from collections.abc import Iterable, Mapping
from contextlib import suppress
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from core.errors import ArchiveError
from core.model import Capture, Exchange, Headers

from .layout import DISK_ADVICE, OPEN_SUFFIX, fsync_dir, host_label, iso_utc, next_serial, warc_name

WARC_VERSION = "WARC/1.1"
CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
SECRET_REQUEST_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})


class _WireHeaders(StatusAndHeaders):  # type: ignore[misc]
    """HTTP headers serialised back to the bytes that were on the wire.

    The fetcher decodes header bytes as latin-1, so encoding as latin-1 restores them exactly;
    warcio's default would percent-encode any non-ASCII value instead.
    """

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        text = self.to_str(header_filter)
        try:
            self.headers_buff = text.encode("latin-1") + b"\r\n"
        except UnicodeEncodeError:  # built by hand, not by the fetcher: keep every character
            self.headers_buff = text.encode("utf-8") + b"\r\n"


class _RecordWriter(WARCWriter):  # type: ignore[misc]
    """warcio's writer, without a ``WARC-Payload-Digest`` on ``metadata`` records.

    A payload digest is the digest of an HTTP message's entity body; a JSON metadata record
    has no HTTP message, so its ``WARC-Block-Digest`` is its only digest (WARC 1.1 §5.9).
    warcio would add one over the whole block, which strict readers (warcat, ``fastwarc
    check -p``) reject.
    """

    NO_PAYLOAD_DIGEST_TYPES = (*WARCWriter.NO_PAYLOAD_DIGEST_TYPES, "metadata")


def _http_protocol(version: str) -> tuple[str, str | None]:
    """(status-line protocol, ``WARC-Protocol`` value or None) for ``Exchange.http_version``.

    WARC stores HTTP/1.x messages; an HTTP/2 or /3 exchange is written in HTTP/1.1 form and
    the real protocol is named in ``WARC-Protocol`` (as browsertrix and warcprox do).
    """
    v = version.strip().upper()
    if not v.startswith("HTTP/"):
        v = "HTTP/" + v
    if v in ("HTTP/1.0", "HTTP/1.1"):
        return v, None
    return "HTTP/1.1", {"HTTP/2": "h2", "HTTP/2.0": "h2", "HTTP/3": "h3"}.get(v, v.lower())


def response_headers_for_warc(headers: Headers) -> list[tuple[str, str]]:
    """Response headers in received order; ``Transfer-Encoding`` renamed (body is de-chunked)."""
    return [
        ("X-Orig-Transfer-Encoding" if k.lower() == "transfer-encoding" else k, v)
        for k, v in headers
    ]


# Fields of a 304 that must not replace the stored response's (RFC 9111 §3.2): they describe
# the 304's own (empty) message, not the representation it validated.
_NOT_FRESHENED = frozenset({
    "content-length", "content-encoding", "content-type", "content-range", "transfer-encoding",
    "x-orig-transfer-encoding", "connection", "keep-alive",
})  # fmt: skip


def freshened_headers(
    stored: Headers, not_modified: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """``stored`` response headers updated with the fields of a ``304`` (RFC 9111 §4.3.4):
    a field the 304 carries replaces every stored field of that name, in the stored order;
    fields only the 304 has are appended; payload-framing fields are never taken from it."""
    fresh: dict[str, list[tuple[str, str]]] = {}
    for k, v in not_modified:
        if k.lower() not in _NOT_FRESHENED:
            fresh.setdefault(k.lower(), []).append((k, v))
    out: list[tuple[str, str]] = []
    for k, v in stored:
        low = k.lower()
        if low not in fresh:
            out.append((k, v))
        elif low not in {o.lower() for o, _ in out}:
            out.extend(fresh[low])
    done = {k.lower() for k, _ in out}
    out.extend(kv for low, kvs in fresh.items() if low not in done for kv in kvs)
    return out


def request_headers_for_warc(headers: Headers) -> list[tuple[str, str]]:
    """Request headers in sent order without credentials (cookies, authorization)."""
    return [(k, v) for k, v in headers if k.lower() not in SECRET_REQUEST_HEADERS]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _warcio_version() -> str:
    try:
        return version("warcio")
    except PackageNotFoundError:  # vendored or run from a source tree
        return "unknown"


def _field_value(value: str) -> str:
    return " ".join(str(value).split())  # warc-fields are one line each


class WarcWriter:
    """Writes exchanges into rotating ``.warc.gz`` files in ``directory`` (``ARCHIVE/warc``).

    Files are opened lazily (on the first record), rotated before an exchange once the current
    file has reached ``max_bytes``, and closed and renamed by ``close()``. A metadata record goes
    into the file of the response it refers to, if that file is still open. Calls are serialised
    by a lock; the writer is not reusable after ``close()``.
    """

    def __init__(
        self,
        directory: Path,
        *,
        host: str,
        prefix: str = "commonspace",
        max_bytes: int = 1 << 30,
        software: str = "commonspace-scraper/0.1.0",
        operator: str | None = None,
        user_agent: str | None = None,
        robots_policy: str = "obey",
        extra_info: Mapping[str, str] | None = None,
        sync_each: bool = True,
    ) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        warc_name(prefix, datetime.now(UTC), 0, host)  # validates the prefix early
        self.directory = Path(directory)
        self.host = host_label(host)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self._info: dict[str, str] = {
            "software": f"{software} warcio/{_warcio_version()}",
            "format": "WARC File Format 1.1",
            "conformsTo": CONFORMS_TO,
            "operator": operator or "",
            "http-header-user-agent": user_agent or "",
            "robots": robots_policy,
        }
        self._info.update(extra_info or {})
        self._lock = threading.Lock()
        self._fh: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._open_path: Path | None = None
        self._final_name = ""
        self._warcinfo_id = ""
        self._written: list[str] = []
        self._closed = False
        self._sync_each = sync_each
        self._dirty = False

    # ------------------------------------------------------------------ overridable

    def _new_record_id(self) -> str:
        """A new ``<urn:uuid:…>`` record id (tests override this to be deterministic)."""
        return f"<urn:uuid:{uuid.uuid4()}>"

    def _now(self) -> datetime:
        """The current time (tests override this to be deterministic)."""
        return datetime.now(UTC)

    # ------------------------------------------------------------------ public API

    @property
    def current_file(self) -> str | None:
        """Final name of the file being written, if one is open."""
        return self._final_name if self._fh is not None else None

    @property
    def files(self) -> list[str]:
        """Final names of every file this writer has opened, in order."""
        return list(self._written)

    def _writer_for_pair(self) -> WARCWriter:
        """The writer for the next response/revisit + request pair, rotating the file first
        when it has reached ``max_bytes`` (a pair never straddles two files)."""
        self._check_usable()
        if self._fh is not None and self._fh.tell() >= self.max_bytes:
            self._close_file()
        return self._ensure_file()[1]

    def write_exchange(self, ex: Exchange) -> Capture:
        """Write ``ex`` as a response + request pair; return where the response is stored."""
        with self._lock:
            writer = self._writer_for_pair()
            date = iso_utc(ex.started_at)
            response = self._response_record(writer, ex, date)
            resp_id = response.rec_headers.get_header("WARC-Record-ID")
            request = self._request_record(writer, ex, date, resp_id)
            (offset, length), _ = self._append(response, request)
            return Capture(
                warc_file=self._final_name,
                offset=offset,
                length=length,
                record_id=resp_id,
                payload_digest=response.rec_headers.get_header("WARC-Payload-Digest"),
                fetched_at=date,
                status=ex.status,
            )

    def write_revisit(
        self,
        ex: Exchange,
        original: Capture,
        original_uri: str,
        original_headers: Headers | None = None,
    ) -> Capture:
        """Write ``ex`` (a 304, or a 200 whose payload ``original`` already holds) as a
        ``revisit`` (profile identical-payload-digest, no payload, ``WARC-Refers-To*`` naming
        the original response record) followed by its request. A 200's HTTP headers are stored
        as received; a 304's, when the original's ``original_headers`` are given, as the
        original's status and headers freshened by the 304 (see the module notes). The returned
        capture is the revisit's (with the status received); its ``payload_digest`` is the
        original's."""
        with self._lock:
            writer = self._writer_for_pair()
            date = iso_utc(ex.started_at)
            protocol, _ = _http_protocol(ex.http_version)
            status = f"{ex.status} {ex.reason}"
            headers = response_headers_for_warc(ex.response_headers)
            if ex.status == 304 and original_headers is not None:
                status = f"{original.status} {_reason(original.status)}"
                headers = freshened_headers(original_headers, headers)
            http = _WireHeaders(status, headers, protocol)
            rev_id = self._new_record_id()
            revisit = writer.create_revisit_record(
                ex.url, original.payload_digest, original_uri, original.fetched_at,
                http_headers=http,
                warc_headers_dict={
                    "WARC-Record-ID": rev_id, "WARC-Date": date,
                    "WARC-Warcinfo-ID": self._warcinfo_id, "WARC-Refers-To": original.record_id,
                },
            )  # fmt: skip
            request = self._request_record(writer, ex, date, rev_id)
            (offset, length), _ = self._append(revisit, request)
            return Capture(
                warc_file=self._final_name, offset=offset, length=length, record_id=rev_id,
                payload_digest=original.payload_digest, fetched_at=date, status=ex.status,
            )  # fmt: skip

    def write_metadata(
        self,
        refers_to: Capture | None,
        target_uri: str,
        payload: bytes,
        content_type: str = "application/json",
    ) -> str:
        """Write a ``metadata`` record about ``target_uri`` (and the response ``refers_to``,
        when there is one); return its record id."""
        with self._lock:
            self._check_usable()
            _, writer = self._ensure_file()
            record_id = self._new_record_id()
            headers = {
                "WARC-Type": "metadata",
                "WARC-Record-ID": record_id,
                "WARC-Date": iso_utc(self._now()),
                "WARC-Target-URI": target_uri,
                "WARC-Warcinfo-ID": self._warcinfo_id,
            }
            if refers_to is not None:
                headers["WARC-Refers-To"] = refers_to.record_id
                headers["WARC-Concurrent-To"] = refers_to.record_id
            record = writer.create_warc_record(
                target_uri,
                "metadata",
                payload=BytesIO(payload),
                length=len(payload),
                warc_content_type=content_type,
                warc_headers_dict=headers,
            )
            self._append(record)
            return record_id

    def close(self) -> list[str]:
        """Close and rename the open file; return the names of every file written (idempotent)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._close_file()
            return list(self._written)

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ records

    def _response_record(self, writer: WARCWriter, ex: Exchange, date: str) -> Any:
        protocol, warc_protocol = _http_protocol(ex.http_version)
        http = _WireHeaders(
            f"{ex.status} {ex.reason}", response_headers_for_warc(ex.response_headers), protocol
        )
        headers = {
            "WARC-Type": "response",
            "WARC-Record-ID": self._new_record_id(),
            "WARC-Date": date,
            "WARC-Target-URI": ex.url,
            "WARC-Warcinfo-ID": self._warcinfo_id,
        }
        if ex.ip_address:
            headers["WARC-IP-Address"] = ex.ip_address
        if warc_protocol:
            headers["WARC-Protocol"] = warc_protocol
        if ex.truncated:
            headers["WARC-Truncated"] = ex.truncated
        return writer.create_warc_record(
            ex.url,
            "response",
            payload=BytesIO(ex.body),
            length=len(ex.body),
            warc_headers_dict=headers,
            http_headers=http,
        )

    def _request_record(self, writer: WARCWriter, ex: Exchange, date: str, resp_id: str) -> Any:
        protocol, _ = _http_protocol(ex.http_version)
        parts = urlsplit(ex.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        http = _WireHeaders(
            f"{ex.method} {target} {protocol}", request_headers_for_warc(ex.request_headers)
        )
        headers = {
            "WARC-Type": "request",
            "WARC-Record-ID": self._new_record_id(),
            "WARC-Date": date,
            "WARC-Target-URI": ex.url,
            "WARC-Concurrent-To": resp_id,
            "WARC-Warcinfo-ID": self._warcinfo_id,
        }
        if ex.ip_address:
            headers["WARC-IP-Address"] = ex.ip_address
        return writer.create_warc_record(
            ex.url, "request", payload=BytesIO(b""), length=0,
            warc_headers_dict=headers, http_headers=http,
        )  # fmt: skip

    # ------------------------------------------------------------------ files

    def _check_usable(self) -> None:
        if self._closed:
            raise ValueError("WarcWriter is closed")

    def _ensure_file(self) -> tuple[BinaryIO, WARCWriter]:
        if self._fh is None or self._writer is None:
            self._open_file()
        assert self._fh is not None and self._writer is not None
        return self._fh, self._writer

    def _open_file(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(str(self.directory), f"cannot create WARC folder: {exc}") from exc
        serial = next_serial(self.directory)
        while True:  # another process may take a serial between the scan and the open
            final = warc_name(self.prefix, self._now(), serial, self.host)
            path = self.directory / (final + OPEN_SUFFIX)
            if (self.directory / final).exists():
                serial += 1
                continue
            try:
                fh: BinaryIO = open(path, "xb")  # noqa: SIM115 - kept open across calls
            except FileExistsError:
                serial += 1
                continue
            except OSError as exc:
                raise ArchiveError(str(path), f"cannot create WARC file: {exc}") from exc
            break
        self._fh, self._open_path, self._final_name = fh, path, final
        self._writer = _RecordWriter(fh, gzip=True, warc_version=WARC_VERSION)
        self._written.append(final)
        self._warcinfo_id = self._new_record_id()
        fields = self._info_payload()
        info = self._writer.create_warc_record(
            "",
            "warcinfo",
            payload=BytesIO(fields),
            length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Type": "warcinfo",
                "WARC-Record-ID": self._warcinfo_id,
                "WARC-Date": iso_utc(self._now()),
                "WARC-Filename": final,
            },
        )
        try:
            self._append(info)
        except ArchiveError:  # a file without its warcinfo must not receive records
            self._written.pop()  # (_undo has removed it)
            raise
        fsync_dir(self.directory)

    def _append(self, *records: Any) -> list[tuple[int, int]]:
        """Write ``records`` durably; return (offset, length) of each one's gzip member.

        On a write error the partial bytes are cut off again, so the file stays readable.
        """
        fh, writer = self._ensure_file()
        start, path = fh.tell(), self._open_path
        spans = []
        try:
            for record in records:
                offset = fh.tell()
                writer.write_record(record)
                spans.append((offset, fh.tell() - offset))
            self._sync()
        except OSError as exc:
            self._undo(start)
            advice = f": {DISK_ADVICE}" if exc.errno in _DISK_FULL else ""
            raise ArchiveError(str(path), f"cannot write WARC record: {exc}{advice}") from exc
        return spans

    def _info_payload(self) -> bytes:
        lines = [f"{k}: {_field_value(v)}\r\n" for k, v in self._info.items() if v]
        return "".join(lines).encode("utf-8")

    def _sync(self) -> None:
        assert self._fh is not None
        self._fh.flush()
        if self._sync_each:
            _fsync(self._fh)
        else:
            self._dirty = True

    def sync(self) -> None:
        """fsync what has been written since the last sync (with ``sync_each=False``)."""
        with self._lock:
            if self._dirty and self._fh is not None:
                try:
                    _fsync(self._fh)
                except OSError as exc:
                    advice = f": {DISK_ADVICE}" if exc.errno in _DISK_FULL else ""
                    raise ArchiveError(
                        str(self._open_path), f"cannot write WARC record: {exc}{advice}"
                    ) from exc
            self._dirty = False

    def _undo(self, start: int) -> None:
        """Cut a half-written record off the end of the file and finish the file there, so it
        stays readable; the next record starts a new file (a file cut back to nothing, its
        warcinfo not written, is removed).

        The buffered handle may still hold bytes the disk refused, and would try them again on
        every later flush, even on close. So it is closed first — what it could not write goes
        with it — and the file is then cut back by name and renamed as finished."""
        fh, path = self._fh, self._open_path
        self._fh, self._writer, self._open_path = None, None, None
        if fh is None or path is None:
            return
        with suppress(OSError):
            fh.close()
        try:
            if start == 0:
                path.unlink()
                return
            os.truncate(path, start)
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            path.rename(path.with_name(self._final_name))
            fsync_dir(self.directory)
        except OSError:  # the disk is failing: the .open file is left for the next run to repair
            pass

    def _close_file(self) -> None:
        fh, path = self._fh, self._open_path
        self._fh, self._writer, self._open_path = None, None, None
        if fh is None or path is None:
            return
        try:
            fh.flush()
            _fsync(fh)
        except OSError as exc:
            raise ArchiveError(str(path), f"cannot finish WARC file: {exc}") from exc
        finally:
            # After a failed flush, close() tries the same write again and raises the same
            # error, which would replace the ArchiveError above with a bare OSError.
            with suppress(OSError):
                fh.close()
        final = path.with_name(self._final_name)
        try:
            path.rename(final)
        except OSError as exc:
            raise ArchiveError(str(path), f"cannot rename finished WARC file: {exc}") from exc
        fsync_dir(self.directory)


def _fsync(fh: BinaryIO) -> None:
    os.fsync(fh.fileno())
