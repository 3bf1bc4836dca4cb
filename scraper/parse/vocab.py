"""The words the site uses for its labels, block headings and page furniture."""

from __future__ import annotations

import re

from scraper.parse.memo import remember

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
    "related links": "related",
    "related posts": "related",
    "recommended": "related",
    "recommended for you": "related",
    "you might also like": "related",
    "you may also be interested in": "related",
    "read next": "related",
    "what to read next": "related",
    "more stories": "related",
    "most viewed": "popular",
    "most shared": "popular",
    "popular stories": "popular",
    "trending stories": "popular",
    # the same headings in the other languages of the web
    "lesen sie auch": "related",
    "auch interessant": "related",
    "mehr zum thema": "related",
    "ähnliche beiträge": "related",
    "ähnliche artikel": "related",
    "verwandte artikel": "related",
    "verwandte themen": "related",
    "weitere artikel": "related",
    "lire aussi": "related",
    "à lire aussi": "related",
    "sur le même sujet": "related",
    "lee también": "related",
    "leia também": "related",
    "veja também": "related",
    "meistgelesen": "popular",
    "meistgelesene artikel": "popular",
    "les plus lus": "popular",
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
        "comments are closed",
        "top video",
        "top videos",
        "latest stories",
        "latest articles",
        "sponsored content",
        "about the author",
        "kommentare",
        "kommentare geschlossen",
        "über den autor",
        "zum autor",
        "commentaires",
        "comentarios",
    }
)
#: Lines that begin so are stop lines too ("More news from the valley").
STOP_PREFIXES = ("more news from ", "more stories from ", "more from ")
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
        "weiterlesen",
        "mehr lesen",
        "lire la suite",
        "leer más",
        "teilen",
        "drucken",
        "partager",
        "compartir",
    }
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|all rights reserved", re.I)
_READ_TIME = re.compile(r"^\d+\s*(?:min|minute)s?\s*(?:read)?$", re.I)


#: Answers about texts up to MEMO_CHARS long are remembered (``memo.remember``: bounded; the
#: memos hold only pure functions of the text).
MEMO_CHARS = 200
_KEYS: dict[str, str] = {}


def key(text: str) -> str:
    """A label's comparison form: lowercase, plain apostrophes, no trailing colon or dots."""
    # remembered: every parser asks it of the same lines, and a site repeats its labels and
    # headlines on every page
    k = _KEYS.get(text)
    if k is None:
        k = _key(text)
        if len(text) <= MEMO_CHARS:
            remember(_KEYS, text, k)
    return k


def _key(text: str) -> str:
    if "’" in text or "‘" in text or "`" in text or "´" in text:
        text = text.translate(_APOSTROPHES)
    return text.lower().strip().rstrip(":.…").strip()


#: No label, flag or interface text is longer than this; longer lines skip the checks.
MAX_LABEL = 40


#: What a short text is as a label, as bits. The body, the teasers and the fields ask the label
#: tests of the same short lines over and over, so each text's answers are remembered together;
#: the tests look the memo up themselves (a call less on the common path).
_FLAG, _TYPE, _UI = 1, 2, 4
_KINDS: dict[str, int] = {}


def _kinds(text: str) -> int:
    """The label bits of ``text`` (at most MAX_LABEL long), worked out and remembered."""
    kinds = _KINDS.get(text)
    if kinds is None:
        k = key(text)
        kinds = (
            (_FLAG if k in FLAG_LABELS else 0)
            | (_TYPE if k in TYPE_LABELS else 0)
            | (_UI if k in UI_LINES or k in DECORATION_LABELS or _READ_TIME.match(k) else 0)
        )
        remember(_KINDS, text, kinds)
    return kinds


def is_type_label(text: str) -> bool:
    if len(text) > MAX_LABEL:
        return False
    kinds = _KINDS.get(text)
    return bool((_kinds(text) if kinds is None else kinds) & _TYPE)


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
    if len(text) > MAX_LABEL:
        return False
    kinds = _KINDS.get(text)
    return bool((_kinds(text) if kinds is None else kinds) & _FLAG)


def is_ui(text: str) -> bool:
    if len(text) > MAX_LABEL:
        return False
    kinds = _KINDS.get(text)
    return bool((_kinds(text) if kinds is None else kinds) & _UI)


def is_footer_line(text: str) -> bool:
    return len(text) < 200 and bool(_COPYRIGHT.search(text))


#: What a line says about the page's blocks: the kind of block it heads (None if it heads
#: none), whether that heading is also an item flag (see AMBIGUOUS_HEADINGS), and whether it is
#: a stop line or a footer line.
BlockMark = tuple[str | None, bool, bool]
_MARKS: dict[str, BlockMark] = {}


def block_mark(text: str) -> BlockMark:
    # remembered (a case-insensitive regex search is slow): asked of most lines of every page,
    # and a site repeats its short lines on every page
    mark = _MARKS.get(text)
    if mark is None:
        k = key(text)
        mark = (
            BLOCK_HEADINGS.get(k),
            k in AMBIGUOUS_HEADINGS,
            k in STOP_LINES or k.startswith(STOP_PREFIXES) or is_footer_line(text),
        )
        if len(text) <= MEMO_CHARS:
            remember(_MARKS, text, mark)
    return mark
