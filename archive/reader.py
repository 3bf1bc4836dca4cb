"""Reading WARC files back: every record, one record at an offset, and the article metadata.

This is how ``scrape reindex`` rebuilds the index from the WARC files alone, and how a stored
page is re-parsed. Records come back as plain ``WarcRecord`` values with their bytes read, so
no file handle outlives the call that produced them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from core.errors import ArchiveError
from core.model import Headers

from .layout import closed_warcs

_CHECK_HINT = "`scrape verify` says which records are damaged"


def payload_digest_of(data: bytes) -> str:
    """``sha1:BASE32`` of ``data``: the form of ``WARC-Payload-Digest`` and ``Capture``."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _first(headers: Headers | None, name: str) -> str | None:
    low = name.lower()
    for key, value in headers or ():
        if key.lower() == low:
            return value
    return None


@dataclass(frozen=True)
class WarcRecord:
    """One WARC record, read. ``body`` is the stored payload (for a response: the entity body
    as received, possibly gzip); ``payload`` is it decoded (de-chunked, gzip/deflate/br undone).
    """

    warc_file: str
    offset: int
    length: int
    rec_type: str
    warc_headers: Headers
    http_status: int | None
    http_headers: Headers | None
    body: bytes

    def header(self, name: str) -> str | None:
        """The first WARC header called ``name`` (case-insensitive), or None."""
        return _first(self.warc_headers, name)

    def http_header(self, name: str) -> str | None:
        """The first HTTP header called ``name`` (case-insensitive), or None."""
        return _first(self.http_headers, name)

    @property
    def record_id(self) -> str:
        return self.header("WARC-Record-ID") or ""

    @property
    def target_uri(self) -> str | None:
        return self.header("WARC-Target-URI")

    @property
    def date(self) -> str | None:
        return self.header("WARC-Date")

    @property
    def content_type(self) -> str | None:
        """The record's own Content-Type (for an HTTP record: ``application/http; …``)."""
        return self.header("Content-Type")

    @cached_property
    def payload(self) -> bytes:
        """The body with transfer and content encodings undone (unchanged if it has none)."""
        if self.http_headers is None:
            return self.body
        encoding = (self.http_header("Content-Encoding") or "").strip().lower() or None
        if encoding not in BufferedReader.get_supported_decompressors():
            encoding = None
        chunked = (self.http_header("Transfer-Encoding") or "").lower() == "chunked"
        if not encoding and not chunked:
            return self.body
        reader_type = ChunkedDataReader if chunked else BufferedReader
        reader = reader_type(BytesIO(self.body), decomp_type=encoding)
        try:
            return bytes(reader.read())
        except (zlib.error, OSError, ValueError) as exc:
            raise ArchiveError(
                f"{self.warc_file}@{self.offset}", f"cannot decode {encoding} body: {exc}"
            ) from exc
        finally:
            reader.close()


def _to_record(name: str, rec: ArcWarcRecord, it: ArchiveIterator) -> WarcRecord:
    body = rec.raw_stream.read()
    http = rec.http_headers
    status: int | None = None
    http_headers: Headers | None = None
    if http is not None and rec.rec_type in ("response", "request", "revisit"):
        http_headers = tuple((str(k), str(v)) for k, v in http.headers)
        if rec.rec_type != "request":
            code = http.get_statuscode()
            status = int(code) if code.isdigit() else None
    return WarcRecord(
        warc_file=name,
        offset=it.get_record_offset(),
        length=it.get_record_length(),
        rec_type=str(rec.rec_type),
        warc_headers=tuple((str(k), str(v)) for k, v in rec.rec_headers.headers),
        http_status=status,
        http_headers=http_headers,
        body=bytes(body),
    )


def _problem(rec: ArcWarcRecord, record: WarcRecord) -> str | None:
    """Why a record read by warcio is not a complete WARC record, or None if it is."""
    if rec.format != "warc":
        return "not a WARC record"
    if not rec.rec_type or not record.record_id or rec.length is None:
        return "record headers are incomplete"
    expected = int(rec.length) - (rec.http_headers.total_len if rec.http_headers else 0)
    if len(record.body) != expected:
        return f"record block is incomplete ({len(record.body)} of {expected} bytes)"
    return None


# What warcio raises on malformed input (AttributeError: a record without WARC-Target-URI).
_WARCIO_ERRORS = (ArchiveLoadFailed, EOFError, zlib.error, ValueError, AttributeError)


def _why(exc: BaseException) -> str:
    """What went wrong, in words: warcio's messages quote the bytes it could not read."""
    if isinstance(exc, zlib.error):
        return "the gzip data is damaged"
    if isinstance(exc, EOFError):
        return "the file ends inside a record"
    return "not a WARC record"


def _iter_stream(fh: BinaryIO, path: Path, *, whole_file: bool) -> Iterator[WarcRecord]:
    """Records from ``fh``'s position on; with ``whole_file``, also check nothing is left over."""
    name = path.name.removesuffix(".open")
    end = fh.tell()
    it = ArchiveIterator(fh)
    records = iter(it)
    while True:
        try:
            rec = next(records)
            record = _to_record(name, rec, it)
        except StopIteration:
            break
        except _WARCIO_ERRORS as exc:
            raise ArchiveError(
                str(path), f"damaged WARC data after offset {end} ({_why(exc)}); {_CHECK_HINT}"
            ) from exc
        problem = _problem(rec, record)
        if problem:
            raise ArchiveError(str(path), f"offset {record.offset}: {problem}; {_CHECK_HINT}")
        end = record.offset + record.length
        yield record
    if whole_file and end != os.fstat(fh.fileno()).st_size:
        raise ArchiveError(
            str(path), f"incomplete or unreadable data after offset {end}; {_CHECK_HINT}"
        )


def iter_records(path: Path) -> Iterator[WarcRecord]:
    """Every record of the WARC file at ``path``, in file order."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        raise ArchiveError(str(path), f"cannot open WARC file: {exc}") from exc
    try:
        yield from _iter_stream(fh, Path(path), whole_file=True)
    finally:
        fh.close()


def read_record(warc_path: Path, offset: int) -> WarcRecord:
    """The record whose gzip member starts at ``offset`` (a ``Capture.offset``) in ``warc_path``."""
    try:
        with open(warc_path, "rb") as fh:
            fh.seek(offset)
            for record in _iter_stream(fh, Path(warc_path), whole_file=False):
                return record
    except OSError as exc:
        raise ArchiveError(str(warc_path), f"cannot read WARC file: {exc}") from exc
    raise ArchiveError(str(warc_path), f"no WARC record at offset {offset}")


def iter_metadata(archive_dir: Path) -> Iterator[tuple[WarcRecord, dict[str, Any]]]:
    """(record, parsed JSON) of every JSON ``metadata`` record in the closed WARC files of
    ``archive_dir``, oldest file first and in file order within a file.
    """
    for path in closed_warcs(archive_dir):
        for record in iter_records(path):
            if record.rec_type != "metadata":
                continue
            ctype = (record.content_type or "").split(";")[0].strip().lower()
            if ctype != "application/json":
                continue
            try:
                data = json.loads(record.body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ArchiveError(
                    f"{path}@{record.offset}", f"metadata record is not valid JSON: {exc}"
                ) from exc
            if not isinstance(data, dict):
                raise ArchiveError(f"{path}@{record.offset}", "metadata record is not an object")
            yield record, data
