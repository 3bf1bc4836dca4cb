"""Make scraped text safe to print: no terminal escapes, no control or bidi tricks, no markup,
no passwords.

Anything that came from the network passes through ``for_terminal`` before rich prints it, and
so does every message and log line; ``redact`` hides the password of any ``user:password@``
in a URL on the way (a user's ``--base-url`` included).
"""

from __future__ import annotations

import json
import re

from rich.markup import escape

# ESC-introduced sequences (CSI, OSC, DCS, …) and 8-bit CSI, then any remaining C0/C1 controls.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, terminated by BEL or ST (or not at all)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b."  # any other two-byte escape
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# scheme://user:password@ — the password is everything up to the "@" of the authority.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/@:\s]*):[^/@\s]*@")


def redact(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` replaced by ``***``."""
    return _USERINFO.sub(r"\1:***@", text) if "@" in text else text


def strip_controls(text: str) -> str:
    """Remove escape sequences, C0/C1 control characters (except tab/newline) and bidi controls."""
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return _BIDI.sub("", text)


def for_terminal(text: object, *, one_line: bool = True) -> str:
    """Scraped text made safe for a rich console: controls stripped and rich markup escaped."""
    s = redact(strip_controls(str(text)))
    if one_line:
        s = " ".join(s.split())
    return escape(s)


# C1 controls, DEL, bidi controls, and line/paragraph separators: json.dumps(ensure_ascii=False)
# leaves them raw, and a terminal may act on them. As \uXXXX escapes the JSON decodes the same.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe_json(obj: object, *, indent: int | None = None) -> str:
    """JSON that is safe to print: readable UTF-8, but every character a terminal could act on
    (C0 and C1 controls, bidi overrides) escaped. Decodes to exactly ``obj``."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
