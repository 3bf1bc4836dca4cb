"""Ground truth of the sample site: what a correct parser must extract, and the terms.

Also the small pure helpers the truth is defined with: pathauto-style slugs and the Drupal
date formats (UTC in metadata, Europe/Brussels wall time on display).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

# --------------------------------------------------------------------------------------------
# Ground truth


@dataclass(frozen=True)
class ArticleTruth:
    """What a correct parser must extract from one article page (see ``render.article_parts``).

    Conventions: ``title`` is exactly as shown (a leading space is kept); ``lede`` is the
    first body-field paragraph when it is wholly bold, and is not part of ``body``; ``body``
    holds the other paragraphs with whitespace collapsed, without empty ``&nbsp;`` paragraphs
    and without the ``source:``/``photo:`` lines. ``source_outlets`` lists every outlet the
    source line names, "commonspace.eu" and "LINKS Europe" included, in order, with the
    bracketed city or None. ``photo_caption`` is the text after ``photo:`` (up to ``;``),
    keeping "(archive picture)"; ``photo_credit`` is what follows ``;``. A quote's text is
    what stands between the quote marks, minus a trailing comma; a quote attributed to
    "the expert" has the speaker named earlier in the same block; unattributed quoted
    phrases have speaker None. ``regions``/``themes`` are term names.
    """

    node_id: int
    url_path: str
    section: str | None
    type: str | None
    title: str
    lede: str | None
    body: tuple[str, ...]
    source_text: str | None
    source_outlets: tuple[tuple[str, str | None], ...]
    source_agencies: bool
    photo_caption: str | None
    photo_credit: str | None
    published: str
    authors: tuple[str, ...]
    regions: tuple[str, ...]
    themes: tuple[str, ...]
    quotes: tuple[tuple[str, str | None], ...]
    editors_choice: bool
    # Extras beyond the brief's list (all derivable from the page too).
    quote_paragraphs: tuple[int, ...] = ()  # index in ``body`` of each quote in ``quotes``
    entries: tuple[tuple[str, str], ...] = ()  # live blogs: ("16.30 GMT", text), newest first
    teaser: str = ""  # the teaser paragraph listings show
    modified: str = ""  # ISO 8601 UTC of the last edit (== published until edited)
    images: tuple[str, ...] = ()  # site paths of images in the article (all soft-404 to HTML)
    legacy: bool = False  # imported from the pre-2020 CMS: no type label in listings
    photo_text: str | None = None  # the raw photo line
    revision: int = 1

    @property
    def published_dt(self) -> datetime:
        return datetime.fromisoformat(self.published)

    @property
    def modified_dt(self) -> datetime:
        return datetime.fromisoformat(self.modified or self.published)


@dataclass(frozen=True)
class Term:
    """A taxonomy term with its own listing page and RSS feed."""

    tid: int
    kind: str  # "Region" or "Theme"
    slug: str
    name: str
    description: str
    path: str  # canonical listing path, e.g. "/region/south-caucasus" or "/taxonomy/term/20"
    aliases: tuple[str, ...] = field(default=())


def _region(tid: int, slug: str, name: str, desc: str, *aliases: str) -> Term:
    return Term(tid, "Region", slug, name, desc, f"/region/{slug}", aliases)


def _theme(tid: int, slug: str, name: str, desc: str) -> Term:
    return Term(tid, "Theme", slug, name, desc, f"/theme/{slug}")


TERMS: tuple[Term, ...] = (
    _region(
        24,
        "south-caucasus",
        "South Caucasus",
        "Reporting and comment on Armenia, Azerbaijan and Georgia, and on the long search "
        "for peace between their peoples.",
    ),
    _region(
        25,
        "central-asia",
        "Central Asia",
        "Five republics between the Caspian and the Pamirs: politics, water, trade routes "
        "and the region's place between larger powers.",
    ),
    _region(
        26,
        "russia",
        "Russia",
        "Coverage of Russia's domestic scene and of its relations with its neighbours.",
    ),
    _region(
        47,
        "ukraine-and-eastern-europe",
        "Ukraine and Eastern Europe",
        "Ukraine, Moldova and Belarus: war, reform and the road towards the European Union.",
    ),
    _region(
        28,
        "gulf-and-red-sea-regions",
        "Gulf and Red Sea Regions",
        "Security, diplomacy and humanitarian questions around the Gulf and the Red Sea.",
    ),
    _region(
        27,
        "turkiye-and-levant",
        "Türkiye and the Levant",
        "Türkiye and its southern neighbours, from Ankara's diplomacy to the future of Syria.",
        "/region/turkey-and-levant",
    ),
    _region(
        29,
        "north-africa-and-sahel",
        "North Africa and Sahel",
        "From the Maghreb to the Sahel: migration, energy and fragile transitions.",
    ),
    _region(
        30,
        "eu-plus",
        "EU Plus",
        "The European Union and the countries around it that want a closer relationship.",
    ),
    _region(
        31,
        "global",
        "Global",
        "Stories that cross regions: the UN system, climate, arms control and trade.",
    ),
    _theme(
        40,
        "monday-commentary",
        "Monday Commentary",
        "Every Monday, an editorial look at the week ahead in our regions.",
    ),
    _theme(
        41,
        "landmine-free-south-caucasus",
        "Landmine Free South Caucasus",
        "A campaign for a South Caucasus free of landmines, and news from the deminers.",
    ),
    _theme(
        42,
        "diplomacy",
        "Diplomacy",
        "Negotiations, summits and the people who try to make them work.",
    ),
    _theme(
        43,
        "conflict-and-peace",
        "Conflict and Peace",
        "How conflicts start, how they are frozen, and how they might end.",
    ),
    Term(
        20,
        "Theme",
        "culture-and-lifestyle",
        "Culture and Lifestyle",
        "Books, film, food and festivals from the regions we cover.",
        "/taxonomy/term/20",
    ),
)
TERMS_BY_TID = {t.tid: t for t in TERMS}
REGIONS = tuple(t for t in TERMS if t.kind == "Region")
THEMES = tuple(t for t in TERMS if t.kind == "Theme")

# section (URL prefix) -> type label shown on the page and in listings
SECTION_TYPES = {
    "news": "News",
    "opinion": "Opinion",
    "analysis": "Analysis",
    "interview": "Interview",
    "editorial": "Editorial",
    "commentary": "Commentary",
    "event": "Event",
    "live-blog": "Live blog",
}
VOICES_SECTIONS = frozenset({"opinion", "analysis", "editorial", "interview", "commentary"})

# CMS accounts (name -> uid); articles carry exactly one.
ACCOUNTS = {
    "dennis2020": 13,
    "commonspace": 2,
    "links_editor": 5,
    "mh.desk": 21,
    "ana_k2021": 34,
    "newsroom": 40,
}
LEGACY_ACCOUNT = ("admin", 1)

_STOPWORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "as",
        "at",
        "before",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "like",
        "of",
        "off",
        "on",
        "onto",
        "per",
        "since",
        "than",
        "that",
        "the",
        "this",
        "to",
        "up",
        "via",
        "with",
    )
)
SLUG_MAX = 80
RESERVED_TOP = frozenset(
    {
        "region",
        "theme",
        "voices",
        "node",
        "taxonomy",
        "news",
        "opinion",
        "analysis",
        "interview",
        "editorial",
        "commentary",
        "event",
        "live-blog",
        "ru",
        "index.php",
        "sites",
        "user",
        "admin",
        "rss.xml",
        "robots.txt",
        "search",
    }
)

# --------------------------------------------------------------------------------------------
# Helpers


def slugify(title: str, max_len: int = SLUG_MAX) -> str:
    """Pathauto-style alias: transliterate, lowercase, drop stop-words, hyphenate, truncate."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("'", "")
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in _STOPWORDS]
    slug = ""
    for w in words:
        cand = f"{slug}-{w}" if slug else w
        if len(cand) > max_len:
            break
        slug = cand
    return slug or "node"


def normalise_ws(text: str) -> str:
    return " ".join(text.split())


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month, 31)  # March and October both have 31 days
    return d - timedelta(days=(d.weekday() + 1) % 7)


def brussels(dt: datetime) -> tuple[datetime, int]:
    """Europe/Brussels local wall time (naive) and its UTC offset in hours, by the EU rule."""
    start = datetime.combine(_last_sunday(dt.year, 3), time(1), tzinfo=UTC)
    end = datetime.combine(_last_sunday(dt.year, 10), time(1), tzinfo=UTC)
    off = 2 if start <= dt < end else 1
    return (dt + timedelta(hours=off)).replace(tzinfo=None), off


_WD = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def drupal_date(dt: datetime) -> str:
    """Drupal's 'medium' date as the site shows it: ``Sat, 08/23/2025 - 08:34`` (local time)."""
    local, _ = brussels(dt)
    return f"{_WD[local.weekday()]}, {local:%m/%d/%Y - %H:%M}"


def local_iso(dt: datetime) -> str:
    """ISO 8601 in local time with offset, as metatag prints ``article:published_time``."""
    local, off = brussels(dt)
    return f"{local:%Y-%m-%dT%H:%M:%S}+0{off}:00"


def iso_utc(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


@dataclass(frozen=True)
class Listing:
    """A listing page: a term, /voices, the front page or the /node archive view."""

    key: str  # "region/south-caucasus", "voices", "front", "node", "taxonomy/term/20"
    path: str  # canonical path
    kind: str | None
    name: str
    description: str | None
    salt: int
    term: Term | None = None


def _listings() -> dict[str, Listing]:
    out: dict[str, Listing] = {}
    for t in TERMS:
        entry = Listing(t.path.lstrip("/"), t.path, t.kind, t.name, t.description, t.tid, t)
        out[entry.key] = entry
        out[f"taxonomy/term/{t.tid}"] = entry
        for alias in t.aliases:
            out[alias.lstrip("/")] = entry
    out["voices"] = Listing(
        "voices",
        "/voices",
        None,
        "Voices",
        "Opinion, analysis, interviews and commentary from our contributors.",
        1,
    )
    out["front"] = Listing("front", "/", None, "Latest", None, 2)
    out["node"] = Listing("node", "/node", None, "Archive", None, 3)
    return out


LISTINGS = _listings()
