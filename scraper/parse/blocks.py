"""Teaser items: what a listing, "Related articles" or "Popular" shows for one article.

An item, as the site draws it: the flag "Editor's choice", a type label, the title twice (image
link and heading link), then the teaser paragraph; older lists end with a line
``dennis2020 Fri, 06/09/2023 - 11:21``. The title is read once, whatever number of times it is
shown; everything that is not a label, the title, a date or interface text is the teaser.
"""

from __future__ import annotations

import re

from scraper.model import Teaser
from scraper.parse import vocab
from scraper.parse.dates import parse_date
from scraper.parse.dom import Page
from scraper.parse.layout import Layout, Run

#: Elements whose class says they hold a type label (not Drupal's ``field--type-*`` or
#: ``field--label-*`` classes, which every field carries).
TYPE_CLASS_SELECTOR = (
    "[class*=field--name-type], [class*=field--name-field-type], [class*=views-field-type], "
    "[class*=content-type], [class*=kicker], [class*=__type], [class~=type], [class~=label], "
    "[class*=__label], [class*=category]"
)
_BYLINE_DATE = re.compile(
    r"^(?:submitted\s+by\s+)?(?P<user>[\w.@-]{2,60})\s+(?:on\s+)?"
    r"(?P<date>(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\d{1,2}/\d{1,2}/\d{4}\s*-\s*\d{1,2}:\d{2})$",
    re.I,
)


class TeaserReader:
    """Reads teaser items out of a page's layout."""

    def __init__(self, page: Page, layout: Layout) -> None:
        self.page = page
        self.layout = layout
        self.type_ids = page.shown_ids(TYPE_CLASS_SELECTOR)

    def _title(self, run: Run) -> str | None:
        page = self.page
        for i in range(run.start, run.end):
            line = page.lines[i]
            if line.heading and not _is_meta(line.text) and not _BYLINE_DATE.match(line.text):
                return line.text
        own_line = [
            page.links[j].text
            for j in run.links
            if page.links[j].line < len(page.lines)
            and page.links[j].text == page.lines[page.links[j].line].text
        ]
        linked = [
            line.text
            for line in page.lines[run.start : run.end]
            if line.link_chars * 5 >= line.chars * 4 and not _BYLINE_DATE.match(line.text)
        ]
        others = [page.links[j].text for j in run.links if 0 < len(page.links[j].text) <= 300]
        for text in own_line + linked + others:
            if text and not _is_meta(text):
                return text
        for j in run.links:
            if page.links[j].img_alt:
                return page.links[j].img_alt
        return None

    def read(self, run: Run) -> Teaser | None:
        """The item ``run`` stands for; None when it has no title to show."""
        page = self.page
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
            line = page.lines[i]
            text = line.text
            k = vocab.key(text) if len(text) <= vocab.MAX_LABEL else text
            if text == title or k == title_key or vocab.is_ui(text):
                continue
            if vocab.is_flag(text):
                flag = True
                continue
            for label in vocab.FLAG_LABELS if len(text) <= vocab.MAX_LABEL else ():
                if k.startswith(label + " ") and vocab.is_type_label(k[len(label) + 1 :]):
                    flag = True
                    type_label = type_label or text[len(label) + 1 :].strip()
                    k = ""
            if not k:
                continue
            if type_label is None and (
                vocab.is_type_label(text)
                or (line.block in self.type_ids and len(text.split()) <= 3 and not line.link_chars)
            ):
                type_label = text
                continue
            match = _BYLINE_DATE.match(text)
            if match:
                username, when = match.group("user"), parse_date(match.group("date"))
                continue
            date = date_line(text)
            if date:
                when = when or date
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


def _is_meta(text: str) -> bool:
    return vocab.is_flag(text) or vocab.is_type_label(text) or vocab.is_ui(text)


def date_line(text: str) -> str | None:
    if len(text) > 60:
        return None
    for part in re.split(r"\s+[|·•]\s+", text):
        date = parse_date(part)
        if date:
            return date
    return None


def dedupe_items(items: list[Teaser]) -> list[Teaser]:
    """One entry per article URL, first place kept (Related/Popular)."""
    seen: set[str] = set()
    out: list[Teaser] = []
    for item in items:
        if item.url not in seen:
            seen.add(item.url)
            out.append(item)
    return out
