"""Teaser items: what a listing, "Related articles" or "Popular" shows for one article.

An item, as the site draws it: the flag "Editor's choice", a type label, the title twice (image
link and heading link), then the teaser paragraph; older lists end with a line
``dennis2020 Fri, 06/09/2023 - 11:21``. The title is read once, whatever number of times it is
shown; everything that is not a label, the title, a date or interface text is the teaser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.model import Teaser
from scraper.parse import vocab
from scraper.parse.dates import parse_date, shown_date
from scraper.parse.dom import Page
from scraper.parse.layout import Layout, Run
from scraper.parse.memo import remember

#: Elements whose class says they hold a type label (not Drupal's ``field--type-*`` or
#: ``field--label-*`` classes, which every field carries).
TYPE_CLASS_SELECTOR = (
    "[class*=field--name-type], [class*=field--name-field-type], [class*=views-field-type], "
    "[class*=content-type], [class*=kicker], [class*=__type], [class~=type], [class~=label], "
    "[class*=__label], [class*=category]"
)
_DATE_PARTS = re.compile(r"\s+[|·•]\s+")
_BYLINE_DATE = re.compile(
    r"^(?:submitted\s+by\s+)?(?P<user>[\w.@-]{2,60})\s+(?:on\s+)?"
    r"(?P<date>(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\d{1,2}/\d{1,2}/\d{4}\s*-\s*\d{1,2}:\d{2})$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a line's text alone says about its place in a teaser item (see ``_shape``)."""

    key: str  # vocab.key of a label-length text, else the text itself
    ui: bool
    flag: bool  # "Editor's choice"
    flagged_type: str | None  # "Editor's choice Analysis": the type label after the flag
    type_label: bool
    few_words: bool  # three words at most
    byline: tuple[str, str | None] | None  # "dennis2020 Fri, 06/09/2023 - 11:21": user, date
    date: str | None  # date_line of the text

    @property
    def meta(self) -> bool:
        return self.flag or self.type_label or self.ui


#: text → its _Shape. Related and Popular blocks repeat the same items on page after page, so
#: most lines are met before; bounded, and only for the pure function ``_read_shape``.
_SHAPES: dict[str, _Shape] = {}


def _shape(text: str) -> _Shape:
    shape = _SHAPES.get(text)
    return shape if shape is not None else remember(_SHAPES, text, _read_shape(text))


def _read_shape(text: str) -> _Shape:
    short = len(text) <= vocab.MAX_LABEL
    k = vocab.key(text) if short else text
    flagged: str | None = None
    for label in vocab.FLAG_LABELS if short else ():
        if k.startswith(label + " ") and vocab.is_type_label(k[len(label) + 1 :]):
            flagged = text[len(label) + 1 :].strip()
            break
    match = _BYLINE_DATE.match(text)
    return _Shape(
        key=k,
        ui=vocab.is_ui(text),
        flag=vocab.is_flag(text),
        flagged_type=flagged,
        type_label=vocab.is_type_label(text),
        few_words=len(text.split()) <= 3,
        byline=(match.group("user"), parse_date(match.group("date"))) if match else None,
        date=date_line(text),
    )


class TeaserReader:
    """Reads teaser items out of a page's layout."""

    def __init__(self, page: Page, layout: Layout) -> None:
        self.page = page
        self.layout = layout
        self.type_ids = page.shown_ids(TYPE_CLASS_SELECTOR)

    def _title(self, run: Run) -> str | None:
        page = self.page
        lines, links = page.lines, page.links
        for i in range(run.start, run.end):
            line = lines[i]
            if line.heading:
                shape = _shape(line.text)
                if not shape.meta and shape.byline is None:
                    return line.text
        own_line = [
            links[j].text
            for j in run.links
            if links[j].line < len(lines) and links[j].text == lines[links[j].line].text
        ]
        linked = [
            line.text
            for line in lines[run.start : run.end]
            if line.link_chars * 5 >= line.chars * 4 and _shape(line.text).byline is None
        ]
        others = [links[j].text for j in run.links if 0 < len(links[j].text) <= 300]
        for text in own_line + linked + others:
            if text and not _shape(text).meta:
                return text
        for j in run.links:
            if links[j].img_alt:
                return links[j].img_alt
        return None

    def read(self, run: Run) -> Teaser | None:
        """The item ``run`` stands for; None when it has no title to show."""
        lines = self.page.lines
        title = self._title(run)
        if not title:
            return None
        flag = False
        type_label: str | None = None
        username: str | None = None
        when: str | None = None
        teaser: list[str] = []
        title_key = vocab.key(title)
        for i in range(run.start, run.end):
            line = lines[i]
            text = line.text
            shape = _shape(text)
            if text == title or shape.key == title_key or shape.ui:
                continue
            if shape.flag:
                flag = True
                continue
            if shape.flagged_type is not None:
                flag = True
                type_label = type_label or shape.flagged_type
                continue
            if not shape.key:
                continue
            if type_label is None and (
                shape.type_label
                or (line.block in self.type_ids and shape.few_words and not line.link_chars)
            ):
                type_label = text
                continue
            if shape.byline is not None:
                username, when = shape.byline
                continue
            if shape.date:
                when = when or shape.date
                continue
            if line.link_chars >= line.chars and line.heading:
                continue  # another heading link of the same item
            teaser.append(text)
        return Teaser(
            title=title,
            url=run.url,
            type=type_label,
            editors_choice=flag,
            teaser=" ".join(teaser) or None,
            username=username,
            date=when,
        )

    def read_all(self, runs: list[Run]) -> list[Teaser]:
        items: list[Teaser] = []
        for run in runs:
            item = self.read(run)
            if item is not None:
                items.append(item)
        return items


def date_line(text: str, day_first: bool = False) -> str | None:
    """The date a teaser's short line shows (alone, or beside other parts split by ``|``,
    ``·``)."""
    return shown_date(text, day_first, 60, _DATE_PARTS)


def dedupe_items(items: list[Teaser]) -> list[Teaser]:
    """One entry per article URL, first place kept (Related/Popular)."""
    seen: set[str] = set()
    out: list[Teaser] = []
    for item in items:
        if item.url not in seen:
            seen.add(item.url)
            out.append(item)
    return out
