"""Response bytes to HTML text: decoding and the guards against hostile input."""

from __future__ import annotations

import codecs
import re

from scraper.errors import ParseError

MAX_BYTES = 20 * 1024 * 1024
#: Nesting depth of block elements kept; deeper block tags are dropped before parsing, because
#: HTML tree building is quadratic in it (100 000 nested divs would take minutes).
MAX_BLOCK_DEPTH = 1000
#: Pages with at most this many start tags are not checked for nesting: even if every tag
#: nested (the worst case) lexbor builds the tree in about 10 ms.
UNGUARDED_TAGS = 3000
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{2,40})""", re.I)
_XML_ENC = re.compile(rb"""^\s*<\?xml[^>]{0,100}encoding\s*=\s*["']([a-zA-Z0-9_.:-]{2,40})""", re.I)
_DEEP_TAGS = (
    "address|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset|figcaption|"
    "figure|footer|form|header|hgroup|main|menu|nav|ol|section|summary|ul|search|pre|listing"
)
_BLOCK_TAG_RE = re.compile(rf"<(/?)(?:{_DEEP_TAGS})(?=[\s>/])[^>]*>", re.I)
_BLOCK_OPEN_RE = re.compile(rf"<(?:{_DEEP_TAGS})[\s>/]", re.I)
_START_TAG_RE = re.compile(r"<[a-zA-Z]")
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data (decompress it first)"),
    (b"RIFF", "a RIFF (WebP/AVI) file"),
)


def _binary_reason(head: bytes) -> str | None:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if head and controls * 10 > len(head):
        return "binary data (control characters)"
    return None


def _lookup(name: bytes) -> str | None:
    try:
        enc = codecs.lookup(name.decode("ascii", "replace")).name
    except LookupError:
        return None
    if enc in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"  # what browsers do (WHATWG encoding standard)
    if enc.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a <meta> cannot declare UTF-16; the bytes would have a BOM
    return enc


def _looks_cyrillic_1251(data: bytes) -> bool:
    high = [b for b in data[:65536] if b >= 0x80]
    if not high:
        return False
    cyr = sum(1 for b in high if b >= 0xC0 or b in (0xA8, 0xB8))
    return cyr * 10 >= len(high) * 8


def decode_html(data: bytes, url: str) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings) of a response body; ParseError when it is not a text page.

    Order: byte-order mark, ``<meta charset>`` / ``http-equiv`` / XML declaration, strict UTF-8,
    windows-1251 when the bytes look like Cyrillic in it, then UTF-8 with replacement characters.
    """
    warnings: list[str] = []
    if len(data) > MAX_BYTES:
        data = data[:MAX_BYTES]
        warnings.append(f"input truncated to its first {MAX_BYTES // (1024 * 1024)} MB")
    if not data or data.isspace():  # (strip() would copy the page)
        raise ParseError(url, "empty response body: nothing to parse")
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc, "replace"), enc.removesuffix("-sig"), warnings
    reason = _binary_reason(data[:1024])
    if reason:
        raise ParseError(url, f"not an HTML page: the body is {reason}")
    head = data[:4096]
    match = _XML_ENC.search(head) or _CHARSET.search(head)
    declared = _lookup(match.group(1)) if match else None
    if declared and declared != "utf-8":
        return data.decode(declared, "replace"), declared, warnings
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError:
        pass
    if not declared and _looks_cyrillic_1251(data):
        return data.decode("cp1251", "replace"), "cp1251", warnings
    warnings.append("bytes that are not valid UTF-8 were replaced with U+FFFD")
    return data.decode("utf-8", "replace"), "utf-8", warnings


def flatten_deep_nesting(text: str) -> tuple[str, bool]:
    """Drop block tags nested deeper than MAX_BLOCK_DEPTH; (text, whether anything was dropped)."""
    # A page cannot nest deeper than it has start tags; below UNGUARDED_TAGS even the worst
    # nesting parses in a few milliseconds, so only pages with more tags are measured.
    if text.count("<") <= UNGUARDED_TAGS or len(_START_TAG_RE.findall(text)) <= UNGUARDED_TAGS:
        return text, False
    if len(_BLOCK_OPEN_RE.findall(text)) <= MAX_BLOCK_DEPTH:
        return text, False
    depth = peak = 0
    for match in _BLOCK_TAG_RE.finditer(text):
        depth = depth - 1 if match.group(1) else depth + 1
        peak = max(peak, depth)
    if peak <= MAX_BLOCK_DEPTH:
        return text, False
    out: list[str] = []
    pos = depth = 0
    for match in _BLOCK_TAG_RE.finditer(text):
        closing = bool(match.group(1))
        if closing:
            depth -= 1
        deep = depth >= MAX_BLOCK_DEPTH
        if not closing:
            depth += 1
        if deep:
            out.append(text[pos : match.start()])
            pos = match.end()
    out.append(text[pos:])
    return "".join(out), True
