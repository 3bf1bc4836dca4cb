"""Reading WARC files strictly, without warcio: every gzip member to its end, every digest.

``warcio`` is lenient on purpose (it reads what it can); evidence needs the opposite. This
module walks the gzip members itself, so it notices what a lenient reader lets through:

* a gzip member torn off at the end of the file, or damaged in the middle;
* a record block shorter than its ``Content-Length``, or bytes after it;
* a ``WARC-Block-Digest`` or ``WARC-Payload-Digest`` that does not match the stored bytes.

Damage is kept to the damaged record: after a gzip member that cannot be read, the scan looks
for the next member that can (the gzip magic bytes, then a whole member whose data starts a WARC
record) and goes on from there, so one flipped byte costs one record, not the rest of the file.
The bytes in between are one damaged "record" with the offset and length of the gap.

Each problem has a kind (``problem_kind``): ``tampered`` — stored bytes differ from a digest
(the gzip CRC included); ``missing`` — bytes are gone (a file cut short, a short record).

Digests are ``ALGO:VALUE`` with base32 or hex values, for sha1, sha256 and md5.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from core.errors import ArchiveError

_CHUNK = 1 << 20
_PROBE = 1 << 16  # read size when trying whether a gzip member starts at a candidate offset
_FIRST = 1 << 16  # first read of a member: most records fit (an article page's: ~20 KB)
_GZIP_MAGIC = b"\x1f\x8b\x08"
#: A gzip member that inflates past this is not a record this scraper wrote (a response is
#: capped at ``max_response_bytes``, 8 MB by default); reading stops there.
MAX_MEMBER_BYTES = 256 << 20
TORN = "torn gzip member: the file ends inside it"
DAMAGED = "damaged gzip data"
TAMPERED, MISSING = "tampered", "missing"
_MISSING_PROBLEMS = (TORN, "record is shorter than its Content-Length")
_ALGOS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}


def digest_matches(claimed: str, data: bytes) -> bool:
    """Whether ``claimed`` (``sha1:BASE32``, ``sha256:hex``…) is the digest of ``data``."""
    algo, _, value = claimed.partition(":")
    make = _ALGOS.get(algo.strip().lower())
    if make is None or not value:
        return False
    raw = make(data).digest()
    value = value.strip()
    return value.upper() in (base64.b32encode(raw).decode("ascii"), raw.hex().upper())


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


@dataclass(frozen=True)
class ScannedRecord:
    """One record as the strict reader saw it; ``problems`` is empty when it is intact.

    ``block`` is kept only for ``metadata`` and ``warcinfo`` records (they are small and are
    what reindexing and bundles read); ``payload_sha1`` is the recomputed payload digest.
    """

    warc_file: str
    offset: int
    length: int
    rec_type: str
    record_id: str
    headers: dict[str, str]
    payload_sha1: str | None
    problems: tuple[str, ...] = ()
    block: bytes | None = field(default=None, repr=False)
    http_status: int | None = None  # of a response or revisit: its HTTP status code

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def payload_digest(self) -> str | None:
        """The ``WARC-Payload-Digest`` the record claims."""
        return self.header("WARC-Payload-Digest")


def problem_kind(problem: str) -> str:
    """``missing`` for bytes that are gone (a cut), ``tampered`` for bytes that differ."""
    return MISSING if problem.startswith(_MISSING_PROBLEMS) else TAMPERED


def _zlib_reason(exc: zlib.error) -> str:
    """zlib's complaint in words: ``Error -3 … incorrect data check`` is a CRC mismatch."""
    text = str(exc)
    for key, said in (("data check", "the CRC does not match the data"),
                      ("length check", "the length does not match the data"),
                      ("header check", "no gzip header here")):  # fmt: skip
        if key in text:
            return said
    return "the compressed data is not valid deflate data"


def _inflate(fh: BinaryIO, pos: int, chunk: int = _CHUNK) -> tuple[int, bytes] | str:
    """(compressed length, data) of the gzip member at ``pos``, or why it cannot be read."""
    fh.seek(pos)
    inflater = zlib.decompressobj(wbits=31)
    parts: list[bytes] = []
    size = used = 0
    while True:
        data = fh.read(chunk)
        if not data:
            return TORN
        while data:
            try:
                out = inflater.decompress(data, MAX_MEMBER_BYTES + 1 - size)
            except zlib.error as exc:
                return f"{DAMAGED} ({_zlib_reason(exc)})"
            parts.append(out)
            size += len(out)
            if size > MAX_MEMBER_BYTES:
                return f"{DAMAGED} (a member inflating past {MAX_MEMBER_BYTES >> 20} MB)"
            if inflater.eof:
                return used + len(data) - len(inflater.unused_data), b"".join(parts)
            used += len(data) - len(inflater.unconsumed_tail)
            data = inflater.unconsumed_tail
        chunk = _CHUNK


def _next_member(fh: BinaryIO, pos: int) -> int | None:
    """The offset after ``pos`` of the next gzip member that inflates whole into data that
    starts a WARC record, or None."""
    fh.seek(pos)
    window, base = b"", pos
    while True:
        data = fh.read(_CHUNK)
        if not data:
            return None
        window += data
        at = window.find(_GZIP_MAGIC)
        while at >= 0:
            found = _inflate(fh, base + at, _PROBE)
            if not isinstance(found, str) and found[1].startswith((b"WARC/1.0", b"WARC/1.1")):
                return base + at
            at = window.find(_GZIP_MAGIC, at + 1)
        keep = len(_GZIP_MAGIC) - 1  # a magic split across two reads is found next time
        base, window = base + len(window) - keep, window[-keep:]
        fh.seek(base + keep)


def _members(
    fh: BinaryIO, start: int, first: int = _FIRST
) -> Iterator[tuple[int, int, bytes | None, str | None]]:
    """(offset, compressed length, decompressed bytes or None, error) of each gzip member from
    ``start``; a stretch that is not a readable member is one item with its error, up to the
    next readable member (see the module notes)."""
    fh.seek(0, 2)
    size = fh.tell()
    pos = start
    while pos < size:
        found = _inflate(fh, pos, first)
        first = _FIRST
        if not isinstance(found, str):
            yield pos, found[0], found[1], None
            pos += found[0]
            continue
        resume = _next_member(fh, pos + 1)
        end = size if resume is None else resume
        yield pos, end - pos, None, found
        pos = end


def _status_code(block: bytes) -> int | None:
    """The status code of the HTTP status line that starts ``block`` (``HTTP/1.1 200 OK``)."""
    parts = block[: block.find(b"\r\n")].split(None, 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _parse(name: str, offset: int, length: int, data: bytes) -> ScannedRecord:
    problems: list[str] = []
    head_end = data.find(b"\r\n\r\n")
    if not data.startswith((b"WARC/1.0\r\n", b"WARC/1.1\r\n")) or head_end < 0:
        return ScannedRecord(name, offset, length, "", "", {}, None, ("not a WARC record",))
    headers: dict[str, str] = {}
    for line in data[:head_end].decode("utf-8", "replace").split("\r\n")[1:]:
        key, _, value = line.partition(":")
        headers.setdefault(key.strip().lower(), value.strip())
    rec_type = headers.get("warc-type", "")
    record_id = headers.get("warc-record-id", "")
    try:
        declared = int(headers.get("content-length", ""))
    except ValueError:
        declared = -1
        problems.append("no valid Content-Length")
    block = data[head_end + 4 :][: max(declared, 0)]
    rest = data[head_end + 4 + len(block) :]
    if declared >= 0 and len(block) < declared:
        problems.append(f"record is shorter than its Content-Length ({len(block)} of {declared})")
    elif rest != b"\r\n\r\n":
        problems.append("unexpected bytes after the record block")
    claimed_block = headers.get("warc-block-digest")
    if claimed_block and not digest_matches(claimed_block, block):
        problems.append("WARC-Block-Digest does not match the stored block")
    payload_sha1 = status = None
    if headers.get("content-type", "").startswith("application/http"):
        status = _status_code(block) if rec_type in ("response", "revisit") else None
        split = block.find(b"\r\n\r\n")
        payload = block[split + 4 :] if split >= 0 else b""
        if split < 0:
            problems.append("HTTP headers are incomplete")
        payload_sha1 = sha1_b32(payload)
        claimed = headers.get("warc-payload-digest")
        if rec_type == "revisit":  # no payload stored: the digest is the original record's
            payload_sha1 = claimed
        elif claimed and not digest_matches(claimed, payload):
            problems.append("WARC-Payload-Digest does not match the stored payload")
    if not rec_type or not record_id:
        problems.append("WARC-Type or WARC-Record-ID missing")
    keep = block if rec_type in ("metadata", "warcinfo") else None
    return ScannedRecord(
        name, offset, length, rec_type, record_id, headers, payload_sha1, tuple(problems), keep,
        status,
    )  # fmt: skip


def scan_stream(
    fh: BinaryIO, name: str, start: int = 0, first: int = _FIRST
) -> Iterator[ScannedRecord]:
    """Every record from offset ``start`` of the seekable ``fh`` on. Damaged bytes come back
    as a record with no type whose ``problems`` say what is wrong; the scan goes on after them
    at the next whole record. ``first``: how much to read first of the first member."""
    for offset, length, data, error in _members(fh, start, first):
        if data is None:
            yield ScannedRecord(name, offset, length, "", "", {}, None, (error or DAMAGED,))
        else:
            yield _parse(name, offset, length, data)


def scan_file(path: Path) -> Iterator[ScannedRecord]:
    """Every record of the WARC file at ``path`` (named without any ``.open`` suffix)."""
    name = Path(path).name.removesuffix(".open")
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        raise ArchiveError(str(path), f"cannot open WARC file: {exc.strerror or exc}") from exc
    try:
        yield from scan_stream(fh, name)
    finally:
        fh.close()


def scan_one(path: Path, offset: int, length: int | None = None) -> ScannedRecord:
    """The one record whose gzip member starts at ``offset`` of ``path``; ``length``, its
    length as indexed, is what is read first (more is read if the member is longer)."""
    name = Path(path).name.removesuffix(".open")
    first = _FIRST if length is None else max(64, min(length, _CHUNK))
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            for record in scan_stream(fh, name, offset, first):
                return record
    except OSError as exc:
        raise ArchiveError(str(path), f"cannot read WARC file: {exc.strerror or exc}") from exc
    return ScannedRecord(name, offset, 0, "", "", {}, None, (f"no record at offset {offset}",))
