"""Deterministic invented articles for the sample site.

Everything is derived from ``random.Random`` instances seeded with strings built from the site
seed and a node id, so the same seed always gives the same site and one article can be
(re)generated without generating the others. All prose is assembled from ``words``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random

from . import words as W
from .truth import REGIONS, SECTION_TYPES, THEMES, Term

# --------------------------------------------------------------------------------------------
# Generation


NOW = datetime(2025, 9, 15, 9, 0, tzinfo=UTC)  # the site's fixed "now"
DRUPAL_START = datetime(2020, 11, 20, tzinfo=UTC)
LEGACY_START = datetime(2014, 3, 1, tzinfo=UTC)

_SOURCE_FORMS = (
    "commonspace",
    "commonspace_agencies",
    "Commonspace_agencies",
    "with_agencies",
    "AND_AGENCIES",
    "outlets",
    "none",
    "one_outlet",
    "outlets_no_agencies",
)
_PHOTO_FORMS = ("archive", "upper", "credit", "none")


class _Slots(dict[str, str]):
    """Template values drawn lazily, so a template only pays for the slots it uses."""

    def __init__(self, ctx: _Ctx) -> None:
        super().__init__()
        self.ctx = ctx

    def __missing__(self, key: str) -> str:
        r = self.ctx.rng
        if key in ("country", "country2"):
            cs = self.ctx.countries
            a, b = r.sample(cs, 2) if len(cs) > 1 else (cs[0], cs[0])
            self["country"], self["country2"] = a, b
        elif key in ("city", "city2"):
            self["city"], self["city2"] = r.sample(self.ctx.cities, 2)
        elif key in ("topic", "topic2", "topic_cap"):
            t1, t2 = r.sample(W.TOPICS, 2)
            self["topic"], self["topic2"], self["topic_cap"] = t1, t2, _capital(t1)
        elif key == "clause":
            self[key] = r.choice(W.CLAUSES).format_map(self)
        else:
            bank = W.SIMPLE_SLOTS.get(key)
            if bank is not None:
                self[key] = r.choice(bank)
            elif key == "year":
                self[key] = str(r.randint(1994, 2019))
            elif key == "pct":
                self[key] = str(r.randint(3, 41))
            elif key == "region":
                self[key] = self.ctx.region_name
            else:
                raise KeyError(key)
        return self[key]


@dataclass
class _Ctx:
    rng: Random
    region: str
    countries: tuple[str, ...]
    cities: tuple[str, ...]

    def fill(self, template: str) -> str:
        if "{" not in template:
            return template
        return template.format_map(_Slots(self))

    @property
    def region_name(self) -> str:
        return next(t.name for t in REGIONS if t.slug == self.region)

    def name(self) -> str:
        return f"{self.rng.choice(W.FIRST)} {self.rng.choice(W.LAST)}"

    def sentence(self) -> str:
        s = self.fill(self.rng.choice(W.SENTENCES))
        return s[0].upper() + s[1:]

    def paragraph(self, lo: int = 2, hi: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))


def _capital(s: str) -> str:
    return s[0].upper() + s[1:] if s else s


def _typo(title: str, rng: Random, force: bool) -> str:
    if not (force or rng.random() < 0.3):
        return title
    for right, wrong in W.TYPOS.items():
        for variant in (right, right.capitalize()):
            if variant in title:
                return title.replace(variant, wrong if variant == right else wrong.capitalize(), 1)
    return title


@dataclass
class Draft:
    """An article being built; turned into ``ArticleTruth`` once its path is known."""

    section: str | None
    type: str | None
    title: str
    lede: str | None
    body: list[str]
    quotes: list[tuple[str, str | None, int]]
    source_text: str | None = None
    source_outlets: tuple[tuple[str, str | None], ...] = ()
    source_agencies: bool = False
    photo_text: str | None = None
    photo_caption: str | None = None
    photo_credit: str | None = None
    entries: tuple[tuple[str, str], ...] = ()


def _quote_block(ctx: _Ctx, body: list[str], quotes: list[tuple[str, str | None, int]]) -> None:
    """Append one or two paragraphs carrying direct quotes, recording them as truth."""
    r = ctx.rng
    curly = r.random() < 0.5
    o, c = ("“", "”") if curly else ('"', '"')
    name = ctx.name()
    role = f"{r.choice(W.ROLES)} {r.choice(W.INSTITUTES)}"
    t1, t2 = r.sample(W.QUOTE_SENTENCES, 2)
    s1, s2 = _capital(ctx.fill(t1)), _capital(ctx.fill(t2))
    i = len(body)
    form = r.randrange(7)
    if form == 0:  # both quotes in one paragraph, second attributed to "the expert"
        body.append(f"{name}, {role}, pointed out that {o}{s1}.{c} {o}{s2},{c} the expert added.")
        quotes += [(s1 + ".", name, i), (s2, name, i)]
    elif form == 1:  # the same, over two paragraphs
        body.append(f"{name}, {role}, pointed out that {o}{s1}.{c}")
        body.append(f"{o}{s2},{c} the expert added.")
        quotes += [(s1 + ".", name, i), (s2, name, i + 1)]
    elif form == 2:
        body.append(f"{o}{s1},{c} {name} said on {r.choice(W.WEEKDAYS)}.")
        quotes.append((s1, name, i))
    elif form == 3:
        body.append(f"{name} told commonspace.eu: {o}{s1}. {s2}.{c}")
        quotes.append((f"{s1}. {s2}.", name, i))
    elif form == 4:
        body.append(f"Speaking in {r.choice(ctx.cities)}, {name} said that {o}{s1}.{c}")
        quotes.append((s1 + ".", name, i))
    elif form == 5:
        body.append(f"{o}{s1},{c} said {name}, {role}.")
        quotes.append((s1, name, i))
    else:  # an unattributed quoted phrase
        phrase = r.choice(W.QUOTE_PHRASES)
        body.append(
            f"A joint statement issued in {r.choice(ctx.cities)} called the talks "
            f"{o}{phrase}{c}. {ctx.sentence()}"
        )
        quotes.append((phrase, None, i))


def _source(ctx: _Ctx, form: str) -> tuple[str | None, tuple[tuple[str, str | None], ...], bool]:
    r = ctx.rng
    cs = ("commonspace.eu", None)
    if form == "commonspace":
        return "source: commonspace.eu", (cs,), False
    if form == "commonspace_agencies":
        return "source: commonspace.eu with agencies", (cs,), True
    if form == "Commonspace_agencies":
        return "Source: commonspace.eu with agencies", (cs,), True
    if form == "with_agencies":
        return "source: with agencies", (), True
    if form == "AND_AGENCIES":
        return "SOURCE: and agencies", (), True
    if form == "links":
        return "source: LINKS Europe", (("LINKS Europe", None),), False
    if form in ("outlets", "outlets_no_agencies"):
        outlets = tuple(r.sample(W.OUTLETS, r.randint(1, 3)))
        named = " ".join(f"{n} ({p})" for n, p in outlets)
        if form == "outlets":
            return f"source: commonspace.eu with {named} and agencies.", (cs, *outlets), True
        return f"source: commonspace.eu with {named}", (cs, *outlets), False
    if form == "one_outlet":
        outlet = r.choice(W.SINGLE_OUTLETS)
        return f"source: commonspace.eu with {outlet} and agencies", (cs, (outlet, None)), True
    return None, (), False


def _photo(ctx: _Ctx, form: str) -> tuple[str | None, str | None, str | None]:
    """(raw line, caption, credit) — caption keeps "(archive picture)" when present."""
    caption = ctx.fill(ctx.rng.choice(W.CAPTIONS))
    if form == "archive":
        return f"photo: {caption} (archive picture)", f"{caption} (archive picture)", None
    if form == "upper":
        return f"PHOTO: {caption}", caption, None
    if form == "credit":
        credit = ctx.rng.choice(W.CREDITS)
        return f"Photo: {caption}; {credit}", caption, credit
    return None, None, None


def draft_article(
    seed: int, key: int, section: str | None, region: str, legacy: bool, forced: int | None
) -> Draft:
    """Invent one article. ``forced`` (small index) pins rare features so small sites show them."""
    rng = Random(f"{seed}:article:{key}")
    countries, cities = W.PLACES[region]
    ctx = _Ctx(rng, region, countries, cities)
    f = forced if forced is not None else -1
    typ = None if legacy else SECTION_TYPES.get(section or "news")
    quotes: list[tuple[str, str | None, int]] = []
    body: list[str] = []
    lede: str | None = None
    entries: tuple[tuple[str, str], ...] = ()
    sec = section or "news"

    # Title
    bank = {
        "news": W.NEWS_TITLES,
        "opinion": W.OPINION_TITLES,
        "analysis": W.ANALYSIS_TITLES,
        "editorial": W.EDITORIAL_TITLES,
        "commentary": W.COMMENTARY_TITLES,
        "event": W.EVENT_TITLES,
        "live-blog": W.LIVE_TITLES,
        "interview": (),
    }[sec]
    guest = ctx.name()
    if sec == "interview":
        thursday = f == 2 or rng.random() < 0.5
        title = (
            f"Thursday Interview: {guest}"
            if thursday
            else f"Interview: {guest} on {rng.choice(W.TOPICS)}"
        )
    else:
        title = ctx.fill(rng.choice(bank) if f != 0 else W.NEWS_TITLES[2])
        title = _capital(_typo(title, rng, force=f == 0))
        if sec == "analysis" and rng.random() < 0.5:
            title = f"Analysis: {title}"
        elif sec == "editorial" and rng.random() < 0.4:
            title = f"Editorial: {title}"
        elif sec == "commentary":
            monday = rng.random() < 0.6
            typ = "Monday Commentary" if monday and not legacy else typ
            if monday:
                title = f"Monday Commentary: {title}"
        elif sec == "news" and (f == 8 or rng.random() < 0.04):
            title = f"Opinion: {ctx.fill(rng.choice(W.OPINION_TITLES))}"  # label stays "News"
    if f == 11 or rng.random() < 0.04:
        title = " " + title

    # Lede and body
    if sec == "interview":
        lede = (
            f"This week commonspace.eu speaks with {guest}, {rng.choice(W.ROLES)} "
            f"{rng.choice(W.INSTITUTES)}, about {rng.choice(W.TOPICS)} and the mood in "
            f"{rng.choice(cities)}."
        )
        body.append(ctx.paragraph(1, 2))
        for q in rng.sample(W.QUESTIONS, rng.randint(3, 5)):
            body.append(f"commonspace.eu: {ctx.fill(q)}")
            body.append(f"{guest}: {rng.choice(W.ANSWERS).format(s=ctx.sentence())}")
    elif sec == "live-blog":
        lede = f"Follow the latest from {rng.choice(cities)} as it happens. {ctx.sentence()}"
        minute = 18 * 60 + 45
        items = []
        for _ in range(rng.randint(5, 9)):
            stamp = f"{minute // 60:02d}.{minute % 60:02d} GMT"
            text = ctx.paragraph(1, 2)
            items.append((stamp, text))
            body.append(f"{stamp}: {text}")
            minute -= rng.choice((10, 15, 20, 30, 45))
        entries = tuple(items)
    else:
        if sec in ("opinion", "analysis", "commentary"):
            verb = {"opinion": "writes", "analysis": "argues", "commentary": "writes"}[sec]
            kind = {"opinion": "op-ed", "analysis": "analysis", "commentary": "commentary"}[sec]
            lede = f"{ctx.sentence()[:-1]}, {verb} {ctx.name()} in this {kind} for commonspace.eu."
        elif rng.random() < 0.45:
            lede = ctx.paragraph(1, 2)
        n = rng.randint(3, 7)
        quote_at = {rng.randrange(1, n + 1) for _ in range(rng.randint(0, 2))}
        if f in (1, 4, 5):
            quote_at.add(1)
        for k in range(n):
            body.append(ctx.paragraph())
            if k + 1 in quote_at and sec not in ("editorial",):
                _quote_block(ctx, body, quotes)

    d = Draft(section, typ, title, lede, body, quotes, entries=entries)
    # Source and photo lines
    if sec == "event":
        form = "links" if rng.random() < 0.8 else "none"
    elif f >= 0 and f < len(_SOURCE_FORMS):
        form = _SOURCE_FORMS[f]
    elif legacy:
        form = rng.choice(("AND_AGENCIES", "with_agencies", "none"))
    else:
        form = rng.choice(_SOURCE_FORMS)
    if sec in ("interview", "live-blog"):
        form = "none" if f < 0 else form
    d.source_text, d.source_outlets, d.source_agencies = _source(ctx, form)
    pform = _PHOTO_FORMS[f % len(_PHOTO_FORMS)] if f >= 0 else rng.choice(_PHOTO_FORMS)
    d.photo_text, d.photo_caption, d.photo_credit = _photo(ctx, pform)
    return d


def assign_terms(
    rng: Random, primary: Term, typ: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(region names, theme names) of a new article whose main region is ``primary``."""
    regions = [primary.name]
    if rng.random() < 0.12:
        other = rng.choice(REGIONS)
        if other.name not in regions:
            regions.append(other.name)
    themes: list[str] = []
    if typ == "Monday Commentary":
        themes.append("Monday Commentary")
    if rng.random() < 0.35:
        t = rng.choice(THEMES[1:])  # Monday Commentary only holds the commentaries
        if t.name not in themes:
            themes.append(t.name)
    return tuple(regions), tuple(themes)


def plan_dates(rng: Random, n: int) -> tuple[list[datetime], int]:
    """Publication times, oldest first, and how many of the oldest are legacy imports."""
    n_legacy = max(2, n // 10) if n >= 8 else 1
    n_modern = n - n_legacy
    out: list[datetime] = []
    for start, end, count in (
        (LEGACY_START, DRUPAL_START - timedelta(days=21), n_legacy),
        (DRUPAL_START, NOW - timedelta(days=1), n_modern),
    ):
        span = (end - start).total_seconds()
        for k in range(count):
            base = start + timedelta(seconds=span * (k + rng.random() * 0.8) / max(count, 1))
            day = base.replace(
                hour=rng.randint(4, 17),
                minute=rng.randint(0, 59),
                second=rng.randint(0, 59),
                microsecond=0,
            )
            out.append(day)
    out.sort()
    return out, n_legacy
