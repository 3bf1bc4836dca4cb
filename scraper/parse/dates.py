"""Dates as the site writes them, to ISO 8601.

Forms read:

    2025-08-23T06:34:08+00:00      ISO 8601 (RDFa ``content``, JSON-LD, ``article:*`` meta)
    2025-08-23T08:34:08            ISO without offset: local time at the site (Europe/Brussels)
    Sat, 08/23/2025 - 08:34        Drupal's display format: month first, local time
    Sat, 23 Aug 2025 06:34:08 +0000   RFC 822 (RSS ``pubDate``)
    27 April 2016, April 27, 2016  written dates (legacy pages, the redesigned theme)
    27.04.2016, 27 апреля 2016     day-first numeric, Russian month names
    5. April 2017, 9 décembre 2019, 5 de mayo de 2022   the months of other languages (German,
                                   French, Spanish, Italian, Portuguese, Dutch, Polish,
                                   Ukrainian), with a weekday or a word before, a time after
    28.01.22, 8.Dezember 2010      a two-digit year (00-68 are 20yy), no space after the dot
    Thu 2 Jan 2020 14.30 GMT       a zone named after the time: the time is on that clock
    14:30, 2 January 2020          the time first
    2020.01.02, 2020/01/02, 2020年1月2日   year first (East Asian, Central European pages)
    02-01-2020                     dashes: the day first, unless it cannot be a month

A line of parts ("By Ann | 5 May 2020 | 3 comments") shows the date of one part
(``shown_date``). A date with a time comes back with its offset
(``2023-06-09T11:21:00+02:00``); a date without a time comes back as the date alone
(``2016-04-27``): no time or offset is invented.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
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
    "ноябрь": 11, "декабря": 12, "декабрь": 12, "янв": 1, "фев": 2, "мар": 3, "апр": 4,
    "июн": 6, "июл": 7, "авг": 8, "сен": 9, "сент": 9, "окт": 10, "ноя": 11, "дек": 12,
}  # fmt: skip
#: Month names of the other languages news pages are commonly written in (German, French,
#: Spanish, Italian, Portuguese, Dutch, Polish, Ukrainian), for dates that pages show.
MONTHS.update({
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mär": 3, "mai": 5,
    "juni": 6, "juli": 7, "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "mars": 3, "avril": 4,
    "avr": 4, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12, "déc": 12,
    "enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5,
    "junio": 6, "julio": 7, "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9,
    "octubre": 10, "noviembre": 11, "diciembre": 12, "dic": 12,
    "gennaio": 1, "gen": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "mag": 5, "giugno": 6,
    "giu": 6, "luglio": 7, "lug": 7, "settembre": 9, "set": 9, "ottobre": 10, "ott": 10,
    "dicembre": 12,
    "janeiro": 1, "fevereiro": 2, "fev": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "out": 10, "novembro": 11, "dezembro": 12,
    "januari": 1, "februari": 2, "maart": 3, "mrt": 3, "mei": 5, "augustus": 8,
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6,
    "lipca": 7, "sierpnia": 8, "września": 9, "października": 10, "listopada": 11,
    "grudnia": 12,
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6,
    "липня": 7, "серпня": 8, "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
})  # fmt: skip
#: A month name as a pattern (the longest first, so that "sept" is not read as "sep").
MONTH_NAME = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))

#: a word before the date: a weekday in any language ("Sat", "Di", "mercredi"), "on", "am"
_WEEKDAY = r"(?:[^\W\d_]{2,12}\.?,?\s+)?"
_TIME = (
    r"(?:\s*(?:[-–—,·|]|at|um|à|a\s+las|alle|в|kl\.?)?\s*"
    r"(?P<h>\d{1,2})[:.h](?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ap>[ap])\.?\s?m\.?)?)?"
)
#: Zone names a page may write after the time, to the zone they name (the time is read on
#: that clock; CET/CEST, the site's own, as before)
ZONES = {
    "utc": UTC, "gmt": UTC, "z": UTC,
    "bst": timezone(timedelta(hours=1)), "wet": UTC,
    "west": timezone(timedelta(hours=1)), "cet": SITE_TZ, "cest": SITE_TZ, "mez": SITE_TZ,
    "mesz": SITE_TZ, "eet": timezone(timedelta(hours=2)),
    "eest": timezone(timedelta(hours=3)), "msk": timezone(timedelta(hours=3)),
    "est": timezone(timedelta(hours=-5)), "edt": timezone(timedelta(hours=-4)),
    "cst": timezone(timedelta(hours=-6)), "cdt": timezone(timedelta(hours=-5)),
    "mst": timezone(timedelta(hours=-7)), "mdt": timezone(timedelta(hours=-6)),
    "pst": timezone(timedelta(hours=-8)), "pdt": timezone(timedelta(hours=-7)),
    "et": ZoneInfo("America/New_York"), "ct": ZoneInfo("America/Chicago"),
    "mt": ZoneInfo("America/Denver"), "pt": ZoneInfo("America/Los_Angeles"),
}  # fmt: skip
_ZONE = "|".join(sorted(ZONES, key=len, reverse=True))
_TAIL = rf"\s*(?:h|hrs|uhr)?\s*(?:(?P<tz>{_ZONE})\b\.?)?\s*$"
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.:]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?$",
    re.I,
)
_DRUPAL = re.compile(
    rf"^(?:[^\W\d_]{{2,12}}\.?,?\s+)?"
    rf"(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})/(?P<y>\d{{4}}|\d{{2}}(?!\d)){_TIME}{_TAIL}",
    re.I,
)
_DAY_FIRST = re.compile(
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º)?(?:\.\s*|\s+)(?:de\s+)?"
    rf"(?P<mon>[^\W\d_]{{3,12}})\.?,?\s+(?:de\s+)?"
    rf"(?P<y>\d{{4}})(?:\s*г\.?|\s*р\.?)?{_TIME}{_TAIL}",
    re.I,
)
_MONTH_FIRST = re.compile(
    rf"^{_WEEKDAY}(?P<mon>[^\W\d_]{{3,12}})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    rf"(?P<y>\d{{4}}){_TIME}{_TAIL}",
    re.I,
)
_DOTTED = re.compile(
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})\.\s?(?P<m>\d{{1,2}})\.\s?(?P<y>\d{{4}}|\d{{2}}(?!\d))"
    rf"{_TIME}{_TAIL}",
    re.I,
)
#: Year first: "2020.01.02", "2020/01/02 14:30" (East Asian and Central European pages)
_YEAR_FIRST = re.compile(
    rf"^(?P<y>\d{{4}})([./])(?P<m>\d{{1,2}})\2(?P<d>\d{{1,2}})\.?{_TIME}{_TAIL}", re.I
)
#: "2019年6月24日 11時30分", "2019년 6월 24일"
_CJK = re.compile(
    r"^(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?"
    r"(?:\s*(?:[（(][^)）]{1,3}[)）])?\s*(?P<h>\d{1,2})\s*[:時시]\s*(?P<mi>\d{2})\s*[分분]?"
    r"(?::(?P<s>\d{2}))?)?\s*$"
)
#: Day first with dashes: "02-01-2020" (month first only where the day cannot be a month)
_DASHED = re.compile(
    rf"^{_WEEKDAY}(?P<a>\d{{1,2}})-(?P<b>\d{{1,2}})-(?P<y>\d{{4}}){_TIME}{_TAIL}", re.I
)
#: The time before the date: "14:30, 2 January 2020", "9:25 PM ET, Mon February 24, 2020"
_TIME_FIRST = re.compile(
    rf"^(?P<h>\d{{1,2}})[:.h](?P<mi>\d{{2}})(?:\s*(?P<ap>[ap])\.?\s?m\.?)?"
    rf"(?:\s*(?P<tz>{_ZONE})\b)?\s*(?:uhr|h)?\s*[,|·–—-]?\s*(?P<rest>.+)$",
    re.I,
)
_RFC822 = re.compile(r"^(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", re.I)
_PREFIX = re.compile(
    r"^(?:published|posted|first published|date|updated|last updated|last modified|modified|"
    r"written|"
    r"veröffentlicht|erschienen|aktualisiert|zuletzt aktualisiert|stand|datum|"
    r"publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|"
    r"опубликовано|обновлено|дата)"
    r"(?:\s+(?:on|am|le|el|il|em))?\s*[:\-–]?\s*",
    re.I,
)
_UPDATE = (
    "updated", "last updated", "last modified", "modified", "aktualisiert", "zuletzt aktualisiert",
    "mis à jour", "actualizado", "aggiornato", "обновлено",
)  # fmt: skip


#: the last two-digit year read as 20yy ("31.10.23"), later ones being 19yy ("10.12.98"):
#: POSIX's ``strptime %y`` pivot, fixed so that a page reads the same in any year
_TWO_DIGITS_UNTIL = 68


def _year(digits: str) -> int:
    """A year as written: four digits, or two ("28.01.22")."""
    year = int(digits)
    if year < 100:
        year += 2000 if year <= _TWO_DIGITS_UNTIL else 1900
    return year


def _local(
    y: int,
    m: int,
    d: int,
    h: str | None,
    mi: str | None,
    s: str | None,
    ap: str | None = None,
    zone: str | None = None,
) -> str | None:
    try:
        if h is None or mi is None:
            return date(y, m, d).isoformat()
        hour = int(h)
        if ap is not None:  # 12-hour clock: 12:05 am is 00:05, 12:05 pm is 12:05
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ap.lower() == "p" else 0)
        naive = datetime(y, m, d, hour, int(mi), int(s or 0))
    except ValueError:
        return None
    return naive.replace(tzinfo=ZONES[zone.lower()] if zone else SITE_TZ).isoformat()


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
    if tz.upper() in ("Z", "UTC", "GMT"):
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
_PARSED_DAY_FIRST: dict[str, str | None] = {}
DIGIT = re.compile(r"\d")  # any script's digits, as the forms' \d and int() read them


def parse_date(text: str | None, day_first: bool = False) -> str | None:
    """ISO 8601 for one date as the site writes it, or None when ``text`` is not (only) a date.

    ``day_first``: read ``05/06/2022`` as 5 June (pages in languages that write the day first);
    otherwise it is Drupal's month-first display, 6 May."""
    if not text or len(text) > 80 or DIGIT.search(text) is None:
        return None  # (every form below has digits: a line without any is no date)
    memo = _PARSED_DAY_FIRST if day_first else _PARSED
    try:
        return memo[text]
    except KeyError:  # (not `in`: another thread may clear the memo in between)
        pass
    return remember(memo, text, _parse_date(text, day_first))


def _parse_date(text: str, day_first: bool = False) -> str | None:
    text = _PREFIX.sub("", " ".join(text.split())).strip()
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        return _iso(match)
    match = _DRUPAL.match(text)
    if match:
        g = match.groupdict()
        m, d = (g["d"], g["m"]) if day_first else (g["m"], g["d"])
        return _local(_year(g["y"]), int(m), int(d), g["h"], g["mi"], g["s"], g["ap"], g["tz"])
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
                return _local(
                    int(g["y"]), month, int(g["d"]), g["h"], g["mi"], g["s"], g["ap"], g["tz"]
                )
    match = _DOTTED.match(text)
    if match:
        g = match.groupdict()
        return _local(
            _year(g["y"]), int(g["m"]), int(g["d"]), g["h"], g["mi"], g["s"], g["ap"], g["tz"]
        )
    return _other_forms(text, day_first)


def _other_forms(text: str, day_first: bool) -> str | None:
    """The forms tried after the common ones: year first, CJK, dashes, the time first."""
    if text[:1].isdigit():
        for pattern in (_YEAR_FIRST, _CJK):
            match = pattern.match(text)
            if match:
                g = match.groupdict()
                return _local(
                    int(g["y"]), int(g["m"]), int(g["d"]), g["h"], g["mi"], g.get("s"),
                    g.get("ap"), g.get("tz"),
                )  # fmt: skip
    match = _DASHED.match(text)
    if match:
        g = match.groupdict()
        a, b = int(g["a"]), int(g["b"])
        d, m = (b, a) if b > 12 else (a, b)
        return _local(int(g["y"]), m, d, g["h"], g["mi"], g["s"], g["ap"], g["tz"])
    match = _TIME_FIRST.match(text)
    if match:
        g = match.groupdict()
        day = parse_date(g["rest"], day_first)
        if day is not None and len(day) == 10:
            y, m, d = map(int, day.split("-"))
            return _local(y, m, d, g["h"], g["mi"], None, g["ap"], g["tz"])
    return None


def same_moment_shown(structured: str, shown: str) -> str | None:
    """``structured`` (with an offset) in the zone the page shows it in, when ``shown`` is the
    same moment on the page's own clock: the same minutes past the hour, whole quarter hours
    away (``2020-02-25T02:25:54+00:00`` shown as "February 24, 2020 9:25pm" is
    ``2020-02-24T21:25:54-05:00``); None otherwise. The zone is applied once: to present the
    moment, never to move it."""
    if len(structured) <= 10 or len(shown) <= 10:
        return None
    try:
        moment, clock = datetime.fromisoformat(structured), datetime.fromisoformat(shown)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.minute != clock.minute:
        return None
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    offset = clock.replace(tzinfo=None, second=0) - utc.replace(second=0, microsecond=0)
    quarters = round(offset / timedelta(minutes=15))
    if abs(quarters) > 14 * 4 or offset != quarters * timedelta(minutes=15):
        return None
    return moment.astimezone(timezone(quarters * timedelta(minutes=15))).isoformat()


def is_update_line(text: str) -> bool:
    """Whether a visible date line announces a modification ("Updated: …")."""
    return text.lower().lstrip().startswith(_UPDATE)


#: What parts a meta line's date stands between ("By Ann | 5 May 2020 | 3 comments", "⋅", "/")
LINE_PARTS = re.compile(r"\s+[|·•⋅/]\s+|^[|·•⋅]\s*")


def shown_date(
    text: str, day_first: bool = False, limit: int = 80, parts: re.Pattern[str] = LINE_PARTS
) -> str | None:
    """The date a line of at most ``limit`` characters shows, alone or as one of its
    ``parts`` (a meta line's)."""
    if len(text) > limit or DIGIT.search(text) is None:
        return None
    for part in parts.split(text):
        date = parse_date(part, day_first)
        if date:
            return date
    return None
