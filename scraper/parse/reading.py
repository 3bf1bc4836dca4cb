"""What one reading of a page is made of (``dom.Page``): its lines of text, its links and its
images, and the span of them each element holds."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Line:
    """One block of visible text: a paragraph, a heading, a list item, a ``<br>``-split line."""

    text: str
    tag: str  # tag of the block element that holds it
    block: int  # mem_id of that element
    bold: bool  # (nearly) all of it inside <strong>/<b>
    heading: int  # 1–6 inside <h1>–<h6>, else 0
    link_chars: int  # how much of it is link text
    chars: int


@dataclass(slots=True)
class Link:
    href: str
    path: tuple[int, ...]  # mem_ids of its ancestors and itself, outermost first (at most 49)
    line: int  # index of the line its text starts in
    heading: int
    parts: list[str] = field(default_factory=list)
    img_alt: str | None = None
    has_img: bool = False
    text: str = ""


@dataclass(slots=True)
class Img:
    attrs: dict[str, str | None]
    line: int
    link: int | None  # index of the link that wraps it
    path: tuple[int, ...]  # like Link.path


Span = tuple[int, int, int, int, int, int]  # lines, links and images an element holds: [a, b)
EMPTY_SPAN: Span = (0, 0, 0, 0, 0, 0)
