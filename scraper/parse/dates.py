"""Dates as the site writes them, to ISO 8601.

Forms read:

    2025-08-23T06:34:08+00:00      ISO 8601 (RDFa ``content``, JSON-LD, ``article:*`` meta)
    2025-08-23T08:34:08            ISO without offset: local time at the site (Europe/Brussels)
    Sat, 08/23/2025 - 08:34        Drupal's display format: month first, local time
    Sat, 23 Aug 2025 06:34:08 +0000   RFC 822 (RSS ``pubDate``)
    27 April 2016, April 27, 2016  written dates (legacy pages, the redesigned theme)
    27.04.2016, 27 апреля 2016     day-first numeric, Russian month names

A date with a time comes back with its offset (``2023-06-09T11:21:00+02:00``); a date without a
time comes back as the date alone (``2016-04-27``): no time or offset is invented.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from scraper.parse.memo import remember

SITE_TZ = ZoneInfo("Europe/Brussels")

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
    "января": 1, "январь": 1, "февраля": 2, "февраль": 2, "марта": 3, "март": 3, "апреля": 4,
    "апрель": 4, "мая": 5, "май": 5, "июня": 6, "июнь": 6, "июля": 7, "июль": 7, "августа": 8,
    "август": 8, "сентября": 9, "сентябрь": 9, "октября": 10, "октябрь": 10, "ноября": 11,
    "ноябрь": 11, "декабря": 12, "декабрь": 12,
}  # fmt: skip

_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?\s+)?"
_TIME = r"(?:\s*(?:[-–—,·|]|at)?\s*(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?)?"
_TAIL = r"\s*(?:h|hrs|cet|cest)?\s*$"
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$",
    re.I,
)
_DRUPAL = re.compile(
    rf"^(?:[^\W\d_]{{2,12}}\.?,?\s+)?"
    rf"(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})/(?P<y>\d{{4}}){_TIME}{_TAIL}",
    re.I,
)
_DAY_FIRST = re.compile(
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?P<mon>[^\W\d_]{{3,9}})\.?,?\s+"
    rf"(?P<y>\d{{4}})(?:\s*г\.?)?{_TIME}{_TAIL}",
    re.I,
)
_MONTH_FIRST = re.compile(
    rf"^{_WEEKDAY}(?P<mon>[^\W\d_]{{3,9}})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    rf"(?P<y>\d{{4}}){_TIME}{_TAIL}",
    re.I,
)
_DOTTED = re.compile(
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}){_TIME}{_TAIL}"
)
_RFC822 = re.compile(r"^(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", re.I)
_PREFIX = re.compile(
    r"^(?:published|posted|first published|date|updated|last updated|modified)"
    r"(?:\s+on)?\s*[:\-–]?\s*",
    re.I,
)


def _local(y: int, m: int, d: int, h: str | None, mi: str | None, s: str | None) -> str | None:
    try:
        if h is None or mi is None:
            return date(y, m, d).isoformat()
        naive = datetime(y, m, d, int(h), int(mi), int(s or 0))
    except ValueError:
        return None
    return naive.replace(tzinfo=SITE_TZ).isoformat()


def _iso(match: re.Match[str]) -> str | None:
    y, m, d, hh, mm, ss, tz = match.groups()
    if hh is None:
        return _local(int(y), int(m), int(d), None, None, None)
    if tz is None:
        return _local(int(y), int(m), int(d), hh, mm, ss)
    try:
        naive = datetime(int(y), int(m), int(d), int(hh), int(mm), int(ss or 0))
    except ValueError:
        return None
    if tz.upper() == "Z":
        offset = timedelta(0)
    else:
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        if int(digits[:2]) > 23 or int(digits[2:]) > 59:
            return None
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return naive.replace(tzinfo=timezone(offset)).isoformat()


#: text → parse_date(text). The same dates (teasers, the page's own metadata) and the same
#: non-dates come back page after page; bounded, and parse_date is a pure function.
_PARSED: dict[str, str | None] = {}


def parse_date(text: str | None) -> str | None:
    """ISO 8601 for one date as the site writes it, or None when ``text`` is not (only) a date."""
    if not text or len(text) > 80:
        return None
    try:
        return _PARSED[text]
    except KeyError:  # (not `in`: another thread may clear the memo in between)
        pass
    return remember(_PARSED, text, _parse_date(text))


def _parse_date(text: str) -> str | None:
    text = _PREFIX.sub("", " ".join(text.split())).strip()
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        return _iso(match)
    match = _DRUPAL.match(text)
    if match:
        g = match.groupdict()
        return _local(int(g["y"]), int(g["m"]), int(g["d"]), g["h"], g["mi"], g["s"])
    if _RFC822.match(text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=SITE_TZ)
            return parsed.isoformat()
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        match = pattern.match(text)
        if match:
            g = match.groupdict()
            month = MONTHS.get(g["mon"].lower())
            if month:
                return _local(int(g["y"]), month, int(g["d"]), g["h"], g["mi"], g["s"])
    match = _DOTTED.match(text)
    if match:
        g = match.groupdict()
        return _local(int(g["y"]), int(g["m"]), int(g["d"]), g["h"], g["mi"], g["s"])
    return None


def is_update_line(text: str) -> bool:
    """Whether a visible date line announces a modification ("Updated: …")."""
    return text.lower().lstrip().startswith(("updated", "last updated", "modified"))
