"""Live blogs: timestamped entries such as ``16.30 GMT: …``, newest first.

An entry starts at a paragraph that opens with a time (``16.30 GMT: text``, ``09:15 - text``)
or at a paragraph that is only a time, the text following; paragraphs up to the next time belong
to it (joined with a newline), except after the last entry, where they are the blog's own text.
The page lists entries newest first; when a page lists them oldest first (times only rising),
the order is turned round.
"""

from __future__ import annotations

import re

from core.model import LiveEntry

_ZONE = r"(?:\s*(?:GMT|UTC|CET|CEST|BST|EET|EEST|MSK|AZT|AMT|GET|local time|hrs|h))?"
_ENTRY = re.compile(rf"^(?P<time>\d{{1,2}}[.:]\d{{2}}{_ZONE})\s*[:–—-]\s*(?P<text>\S.*)$", re.S)
_TIME_ONLY = re.compile(rf"^(?P<time>\d{{1,2}}[.:]\d{{2}}{_ZONE})\s*[:–—-]?$")


def _minutes(time: str) -> int:
    hours, minutes = re.split(r"[.:]", time[:5].strip(), maxsplit=1)[:2]
    return int(hours) * 60 + int(re.sub(r"\D", "", minutes) or 0)


def live_entries(paragraphs: list[str]) -> list[LiveEntry]:
    """The timestamped entries among ``paragraphs``, newest first."""
    entries: list[tuple[str, list[str]]] = []
    for text in paragraphs:
        match = _ENTRY.match(text)
        if match:
            entries.append((match.group("time"), [match.group("text")]))
            continue
        match = _TIME_ONLY.match(text)
        if match:
            entries.append((match.group("time"), []))
            continue
        if entries:
            entries[-1][1].append(text)
    if entries:  # text after the last (oldest) entry is the blog's own intro, not the entry's
        last_time, last_parts = entries[-1]
        entries[-1] = (last_time, last_parts[:1])
    result = [LiveEntry(time=t, text="\n".join(parts)) for t, parts in entries if parts]
    times = [_minutes(e.time) for e in result]
    if len(times) >= 2 and times == sorted(times) and times[0] != times[-1]:
        result.reverse()
    return result
