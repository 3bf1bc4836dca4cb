"""Response bytes to HTML text: decoding and the guards against hostile input."""

from __future__ import annotations

import codecs
import re

from core.errors import ParseError

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
#: the same two on bytes (the fast road's check: ``nests_deeper``)
_BLOCK_TAG_BYTES = re.compile(rf"<(/?)(?:{_DEEP_TAGS})(?=[\s>/])[^>]*>".encode(), re.I)
_BLOCK_OPEN_BYTES = re.compile(rf"<(?:{_DEEP_TAGS})[\s>/]".encode(), re.I)
_START_TAG_RE = re.compile(r"<[a-zA-Z]")
#: What the text of a ``<script>``/``<style>`` element is replaced with (see :func:`cut_raw_text`):
#: a zero-width space, which no real script or style consists of and ``norm`` drops.
RAW_MARK = "\u200b"
_RAW_MARK = RAW_MARK.encode()
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])
_BOM_ENCODINGS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BOMS = tuple(bom for bom, _ in _BOM_ENCODINGS)
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


def _declared(data: bytes) -> str | None:
    """The encoding a ``<meta charset>``, ``http-equiv`` or XML declaration names, if known."""
    head = data[:4096]
    match = _XML_ENC.search(head) or _CHARSET.search(head)
    return _lookup(match.group(1)) if match else None


def plain_utf8(data: bytes) -> tuple[bytes, int] | None:
    """The bytes to hand lexbor unchanged but for :func:`cut_raw_text`, and its count of cuts;
    None when the page needs :func:`decode_html` (a byte-order mark, a declared encoding other
    than UTF-8, too large, empty or binary) or the nesting guard (more than UNGUARDED_TAGS
    tags, and block elements nested deeper than MAX_BLOCK_DEPTH).

    The bytes are not checked to be UTF-8 here: lexbor passes through what it cannot read and
    selectolax turns that into U+FFFD, so the reader looks for U+FFFD in what it read and only
    then checks the bytes (see :func:`is_utf8`; ``dom.Page``)."""
    if len(data) > MAX_BYTES or not data or data.isspace() or data.startswith(_BOMS):
        return None
    if _binary_reason(data[:1024]) is not None or _declared(data) not in (None, "utf-8"):
        return None
    cut, n = cut_raw_text(data)
    if cut.count(b"<") > UNGUARDED_TAGS and nests_deeper(cut):
        return None
    return cut, n


def nests_deeper(data: bytes) -> bool:
    """Whether block elements in ``data`` nest deeper than MAX_BLOCK_DEPTH (so that it needs
    :func:`flatten_deep_nesting`): never when it has fewer block start tags than that."""
    if len(_BLOCK_OPEN_BYTES.findall(data)) <= MAX_BLOCK_DEPTH:
        return False
    depth = 0
    for match in _BLOCK_TAG_BYTES.finditer(data):
        depth = depth - 1 if match.group(1) else depth + 1
        if depth > MAX_BLOCK_DEPTH:
            return True
    return False


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8 (the check the fast road puts off; ``load.py``)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


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
    for bom, enc in _BOM_ENCODINGS:
        if data.startswith(bom):
            return data.decode(enc, "replace"), enc.removesuffix("-sig"), warnings
    reason = _binary_reason(data[:1024])
    if reason:
        raise ParseError(url, f"not an HTML page: the body is {reason}")
    declared = _declared(data)
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


def cut_raw_text(data: bytes) -> tuple[bytes, int]:
    """``data`` with the text of plain ``<script>`` and ``<style>`` elements replaced by
    :data:`RAW_MARK`, and how many were cut.

    Nothing reads that text (JSON-LD excepted, which is never cut), yet it is often half of a
    page's bytes, and lexbor reads it character by character. Comments are passed over (the
    scripts of old IE conditional comments are comment text), and so are ``<svg>`` and
    ``<math>`` elements (their scripts' and styles' text is markup). Only plain cases are cut: a
    lower-case start tag with balanced quotes, and (scripts) no ``<!--`` in the text, which
    could let the script run past its first end tag; the text ends where lexbor ends it, at
    the first end tag of that name in any case.

    What this scan cannot see is checked in the parsed tree (``dom.Page``), which is read
    from the bytes as they came unless every mark is the whole text of a script or style
    element outside ``<svg>``/``<math>``: a ``<script`` that only looked like a start tag (in
    a comment, an attribute, a ``<title>``) leaves its mark elsewhere, and inside SVG or
    MathML a script's text is markup.
    """
    out: list[bytes] = []
    pos = n = 0
    search = _RAW_OPEN_RE.search
    match = search(data)
    while match is not None:
        name = match.group(1)
        if name is None:  # a comment: what looks like a script in it is comment text
            close = data.find(b"-->", match.start() + 2)
            if close < 0:
                break
            match = search(data, close + 3)
            continue
        if name in _FOREIGN:  # in SVG and MathML a script's or style's text is markup
            close = data.find(b"</" + name, match.end())
            if close < 0:
                break
            match = search(data, close)
            continue
        gt = data.find(b">", match.end() - 1)
        end = _raw_end(data, name, gt) if gt >= 0 else -1
        if end > gt + 1 and _plain_tag(data[match.start() : gt], name):
            out.append(data[pos : gt + 1])
            out.append(_RAW_MARK)
            pos = end
            n += 1
            match = search(data, end)
        else:
            match = search(data, match.end())
    if not n:
        return data, 0
    out.append(data[pos:])
    return b"".join(out), n


_RAW_OPEN_RE = re.compile(rb"<(?:(script|style|svg|math)[ \t\n\r\f/>]|!--)")
_FOREIGN = (b"svg", b"math")
_NAME_ENDS = frozenset(b" \t\n\r\f/>")
#: ``<`` signs in a script's text looked at before giving up on cutting it (each costs a
#: Python step, and most scripts have a handful)
_RAW_LT_LIMIT = 64


def _raw_end(data: bytes, name: bytes, gt: int) -> int:
    """Where the text of the ``name`` element whose start tag ends at ``gt`` ends (the ``<``
    of its end tag), or -1: no end tag, a ``<!--`` in a script, or too many ``<``."""
    find, size = data.find, len(name)
    at = gt
    for _ in range(_RAW_LT_LIMIT):
        at = find(b"<", at + 1)
        if at < 0:
            return -1
        follows = data[at + 1 : at + 2]
        if follows == b"/":
            after = at + 2 + size
            if data[at + 2 : after].lower() == name and (
                after == len(data) or data[after] in _NAME_ENDS
            ):
                return at
        elif follows == b"!" and name == b"script" and data[at : at + 4] == b"<!--":
            return -1
    return -1


def _plain_tag(tag: bytes, name: bytes) -> bool:
    """Whether a start tag (up to its first ``>``) is whole and its text may be cut."""
    if (b'"' in tag or b"'" in tag) and (tag.count(b'"') % 2 or tag.count(b"'") % 2):
        return False  # a quoted value holding ">": the tag goes on past it
    return not (name == b"script" and b"ld+json" in tag.lower())  # JSON-LD is read


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
