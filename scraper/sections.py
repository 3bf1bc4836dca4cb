"""The listings the site has, and how a user's SECTION argument maps to a listing URL.

A SECTION is a region slug (``south-caucasus``), ``region/<slug>``, ``theme/<slug>``,
``voices``, ``front``, ``taxonomy/term/<N>``, or a full listing URL on the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from core.errors import UsageError


@dataclass(frozen=True)
class Section:
    """One listing of the site: ``path`` is relative to the base URL (``region/russia``)."""

    path: str
    name: str
    kind: str
    term_id: int | None = None

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + "/" + self.path

    @property
    def feed_path(self) -> str | None:
        return f"taxonomy/term/{self.term_id}/feed" if self.term_id is not None else None


REGIONS: tuple[Section, ...] = (
    Section("region/south-caucasus", "South Caucasus", "region", 24),
    Section("region/central-asia", "Central Asia", "region"),
    Section("region/russia", "Russia", "region"),
    Section("region/ukraine-and-eastern-europe", "Ukraine and Eastern Europe", "region", 47),
    Section("region/gulf-and-red-sea-regions", "Gulf and Red Sea Regions", "region"),
    Section("region/turkiye-and-levant", "Türkiye and the Levant", "region", 27),
    Section("region/turkey-and-levant", "Turkey and the Levant (former slug)", "region"),
    Section("region/north-africa-and-sahel", "North Africa and Sahel", "region"),
    Section("region/eu-plus", "EU Plus", "region"),
    Section("region/global", "Global", "region"),
)

THEMES: tuple[Section, ...] = (
    Section("theme/monday-commentary", "Monday Commentary", "theme"),
    Section("theme/landmine-free-south-caucasus", "Landmine Free South Caucasus", "theme"),
    Section("theme/diplomacy", "Diplomacy", "theme"),
    Section("theme/conflict-and-peace", "Conflict and Peace", "theme"),
)

OTHER: tuple[Section, ...] = (
    Section("voices", "Voices: opinion, analysis, editorial, interview, commentary", "voices"),
    Section("taxonomy/term/20", "Culture and Lifestyle", "term", 20),
)

ALL_SECTIONS: tuple[Section, ...] = REGIONS + THEMES + OTHER


def resolve_section(spec: str, base_url: str) -> str:
    """The listing URL for a user's SECTION argument, or ``UsageError`` naming the choices."""
    raw = spec.strip()
    if not raw:
        raise UsageError("empty section: run `scrape sections` to see the choices")
    if "://" in raw:
        base_host = urlsplit(base_url).hostname or ""
        host = urlsplit(raw).hostname or ""
        if _bare(host) != _bare(base_host):
            raise UsageError(
                f"{raw}: not a page of {base_url} (pass --base-url to scrape another copy)"
            )
        return raw
    path = raw.strip("/")
    for section in ALL_SECTIONS:
        if path in (section.path, section.path.split("/", 1)[-1]):
            return section.url(base_url)
    if path.startswith(("region/", "theme/", "taxonomy/term/")) and _slug_ok(path):
        return base_url.rstrip("/") + "/" + path
    if path in ("front", "home"):
        return base_url.rstrip("/") + "/"
    raise UsageError(
        f"unknown section {spec!r}: give a region slug, region/<slug>, theme/<slug>, voices "
        "or a listing URL (`scrape sections` lists them)"
    )


def _bare(host: str) -> str:
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def _slug_ok(path: str) -> bool:
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-/")
    return all(c in allowed for c in path) and ".." not in path
