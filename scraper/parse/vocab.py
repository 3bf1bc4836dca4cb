"""The words the site uses for its labels, block headings and page furniture."""

from __future__ import annotations

import re

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})

#: Type labels as listings show them (lowercased key → nothing; the page's spelling is kept).
TYPE_LABELS = frozenset(
    {
        "news",
        "opinion",
        "analysis",
        "interview",
        "thursday interview",
        "monday commentary",
        "commentary",
        "editorial",
        "event",
        "live blog",
        "live-blog",
    }
)
FLAG_LABELS = frozenset({"editor's choice", "editors' choice", "editors choice", "editor's pick"})
#: Labels that decorate an item or an article but say nothing about it we keep.
DECORATION_LABELS = frozenset(
    {"trending", "featured", "breaking", "breaking news", "exclusive", "new", "updated", "live"}
)
#: Headings that open a block which is not the article ("kind" of the block).
BLOCK_HEADINGS = {
    "related articles": "related",
    "related": "related",
    "related news": "related",
    "related content": "related",
    "related stories": "related",
    "read also": "related",
    "see also": "related",
    "more on this topic": "related",
    "popular": "popular",
    "most popular": "popular",
    "most read": "popular",
    "trending": "popular",
    "trending now": "popular",
    "editor's choice": "editors",
    "editors' choice": "editors",
    "editors choice": "editors",
    "editor's picks": "editors",
}
#: Block names that are also item flags: only a real heading (h2/h3, a title class) opens a block.
AMBIGUOUS_HEADINGS = frozenset({"trending", "editor's choice", "editors' choice", "editors choice"})
#: Lines after which nothing is article text any more.
STOP_LINES = frozenset(
    {
        "newsletter",
        "subscribe",
        "subscribe to our newsletter",
        "sign up for our newsletter",
        "sign up to our newsletter",
        "get our newsletter",
        "comments",
        "leave a comment",
        "you may also like",
        "latest news",
        "more news",
        "more from commonspace.eu",
        "filter archive",
    }
)
#: Interface text that is never article text.
UI_LINES = frozenset(
    {
        "read more",
        "read more »",
        "read more ›",
        "more",
        "share",
        "share this",
        "share this article",
        "share on facebook",
        "share on twitter",
        "share on x",
        "share on linkedin",
        "tweet",
        "facebook",
        "twitter",
        "x",
        "linkedin",
        "whatsapp",
        "telegram",
        "email",
        "e-mail",
        "print",
        "copy link",
        "back to top",
        "top",
        "close",
        "menu",
        "search",
        "skip to main content",
        "print this page",
    }
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|all rights reserved", re.I)
_READ_TIME = re.compile(r"^\d+\s*(?:min|minute)s?\s*(?:read)?$", re.I)


def key(text: str) -> str:
    """A label's comparison form: lowercase, plain apostrophes, no trailing colon or dots."""
    if "’" in text or "‘" in text or "`" in text or "´" in text:
        text = text.translate(_APOSTROPHES)
    return text.lower().strip().rstrip(":.…").strip()


#: No label, flag or interface text is longer than this; longer lines skip the checks.
MAX_LABEL = 40


def is_type_label(text: str) -> bool:
    return len(text) <= MAX_LABEL and key(text) in TYPE_LABELS


def type_in_labels(text: str) -> str | None:
    """The type label in a line made only of labels ("Trending Analysis" → "Analysis")."""
    if is_type_label(text):
        return text.strip()
    words = text.split()
    for size in (1, 2, 3):
        for cut in (size, len(words) - size):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            if not head or not tail:
                continue
            if is_type_label(tail) and (is_flag(head) or key(head) in DECORATION_LABELS):
                return tail
            if is_type_label(head) and (is_flag(tail) or key(tail) in DECORATION_LABELS):
                return head
    return None


def is_flag(text: str) -> bool:
    return len(text) <= MAX_LABEL and key(text) in FLAG_LABELS


def is_ui(text: str) -> bool:
    if len(text) > MAX_LABEL:
        return False
    k = key(text)
    return k in UI_LINES or k in DECORATION_LABELS or bool(_READ_TIME.match(k))


def is_footer_line(text: str) -> bool:
    return len(text) < 200 and bool(_COPYRIGHT.search(text))
