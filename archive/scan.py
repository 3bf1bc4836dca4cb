"""Reading WARC files strictly, without warcio: every gzip member to its end, every digest.

``warcio`` is lenient on purpose (it reads what it can); evidence needs the opposite. This
module walks the gzip members itself, so it notices what a lenient reader lets through:

* a gzip member torn off at the end of the file, or damaged in the middle;
* a record block shorter than its ``Content-Length``, or bytes after it;
* a ``WARC-Block-Digest`` or ``WARC-Payload-Digest`` that does not match the stored bytes.

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

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def payload_digest(self) -> str | None:
        """The ``WARC-Payload-Digest`` the record claims."""
        return self.header("WARC-Payload-Digest")


def _members(fh: BinaryIO, start: int) -> Iterator[tuple[int, int, bytes | None, str | None]]:
    """(offset, compressed length, decompressed bytes or None, error) of each gzip member."""
    pos, pending = start, b""
    while True:
        if not pending:
            pending = fh.read(_CHUNK)
            if not pending:
                return
        begin, parts = pos, []
        inflater = zlib.decompressobj(wbits=31)
        error = None
        while True:
            try:
                parts.append(inflater.decompress(pending))
            except zlib.error as exc:
                error = f"damaged gzip data ({exc})"
                break
            if inflater.eof:
                used = len(pending) - len(inflater.unused_data)
                pos, pending = pos + used, inflater.unused_data
                break
            pos += len(pending)
            pending = fh.read(_CHUNK)
            if not pending:
                error = "torn gzip member: the file ends inside it"
                break
        if error is not None:
            yield begin, pos - begin, None, error
            return
        yield begin, pos - begin, b"".join(parts), None


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
    payload_sha1 = None
    if headers.get("content-type", "").startswith("application/http"):
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
        name, offset, length, rec_type, record_id, headers, payload_sha1, tuple(problems), keep
    )


def scan_stream(fh: BinaryIO, name: str, start: int = 0) -> Iterator[ScannedRecord]:
    """Every record from ``fh``'s position ``start`` on; a damaged member ends the scan
    with a record whose ``problems`` say what is wrong (nothing after it can be trusted)."""
    for offset, length, data, error in _members(fh, start):
        if data is None:
            yield ScannedRecord(name, offset, length, "", "", {}, None, (error or "unreadable",))
            return
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


def scan_one(path: Path, offset: int) -> ScannedRecord:
    """The one record whose gzip member starts at ``offset`` of ``path``."""
    name = Path(path).name.removesuffix(".open")
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            for record in scan_stream(fh, name, offset):
                return record
    except OSError as exc:
        raise ArchiveError(str(path), f"cannot read WARC file: {exc.strerror or exc}") from exc
    return ScannedRecord(name, offset, 0, "", "", {}, None, (f"no record at offset {offset}",))
