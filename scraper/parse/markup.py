"""What the reading makes of HTML's tags: which are blocks, headings or skipped; which
elements are hidden, unread or labels; lexbor's numbers for the tags it looks for; and the one
text normalisation (:func:`norm`) that every reader of the page shares."""

from __future__ import annotations

import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "rt",  # ruby annotations: the reading printed over the characters, not the text
        "rp",
        "head",
        "title",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "select",
        "textarea",
        "canvas",
        "video",
        "audio",
        "map",
        "button",
        "input",
    ]
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
#: Inline elements drawn as separate labels (a type "kicker", an "Editor's choice" badge).
LABEL_SELECTOR = "[class*=kicker], [class*=badge], [class*=eyebrow], [class*=flag]"
#: Site navigation and the site footer: never article text, never teasers, and often half of a
#: page's elements, so the reading skips them (menus, pagers and the like are read by CSS).
#: ``aria-hidden`` marks what is only decoration or a copy (icon sprites, off-canvas copies of
#: the menus): not read, and no metadata is looked for in it either.
UNREAD_SELECTOR = "nav, [role=navigation], [role=contentinfo], [role=search], [aria-hidden=true]"
#: Hidden from view but not from meaning: not read, yet metadata in it counts (Drupal keeps the
#: author and date of a node in a visually hidden block).
HIDDEN_SELECTOR = (
    "[hidden], .visually-hidden, .element-invisible, .sr-only, "
    ".screen-reader-text, [style*='display:none'], [style*='display: none']"
)

#: lexbor's tag_ids of ``<script>`` and ``<style>``, whose texts ``load.load_tree`` may cut.
RAW_TAG_IDS = frozenset(
    node.tag_id
    for node in LexborHTMLParser("<script></script><style></style>").css("script, style")
)
#: lexbor's tag_ids of the tags ``METADATA_QUERY`` names, and the tags whose content is text
#: (no element inside can be metadata)
METADATA_TAG_IDS = {
    node.tag_id: node.tag or ""
    for node in LexborHTMLParser("<meta><link><script></script><base>").css(
        "html, meta, link, script, base"
    )
}
TEXT_ONLY = frozenset({"script", "style", "title", "textarea", "iframe", "xmp", "noembed"})
#: lexbor's tag_ids of ``<svg>`` and ``<math>``, where a script's text is markup.
FOREIGN_TAG_IDS = frozenset(
    node.tag_id for node in LexborHTMLParser("<svg></svg><math>").css("svg, math")
)
JSONLD = "application/ld+json"
JSONLD_SELECTOR = f'script[type="{JSONLD}"]'
#: lexbor's tag_id of text nodes (``LXB_TAG__TEXT``).
TEXT_TAG_ID = 2
INVISIBLE_CHARS = frozenset("\u200b\u200c\u200d\u2060\ufeff\xad")
#: Zero-width non-joiner and joiner: part of the spelling inside a word (Persian, Bengali,
#: Hindi; emoji sequences), so kept there; alone or at a word's edge they carry nothing.
JOINERS = "\u200c\u200d"
_INVISIBLE = re.compile(f"[{''.join(sorted(INVISIBLE_CHARS - set(JOINERS)))}]")
_STRAY_JOINERS = re.compile(f"(?<!\\S)[{JOINERS}]+|[{JOINERS}]+(?!\\S)")
#: What the walk does with an element, by tag (a label reads as a block whatever its tag).
SKIP, INLINE, BR, IMG, BOLD, LINK, BLOCK, HEADING = range(8)
#: lexbor numbers the tags HTML defines below this (about 200 of them), the same in every
#: document; other tags get per-document numbers far above it. (The walk remembers what it does
#: with each standard tag for good, with custom tags only for one walk.)
STANDARD_TAG_IDS = 1024


def tag_kind(tag: str) -> int:
    """What the walk does with an element of this tag (one of the kinds above)."""
    if tag in SKIP_TAGS or tag[0] == "-":
        return SKIP
    if tag in HEADINGS:
        return HEADING
    if tag in BLOCK_TAGS:
        return BLOCK
    return {"br": BR, "img": IMG, "b": BOLD, "strong": BOLD, "a": LINK}.get(tag, INLINE)


def norm(text: str) -> str:
    """Whitespace collapsed (``&nbsp;`` included), invisible characters removed (a joiner only
    outside a word), ends stripped, in Unicode's composed form (NFC: a letter and its accent
    written apart, as some pages in Bengali or German do, become the one character the same
    words elsewhere are written with)."""
    # Most text is already clean: every character str.split() breaks on, but the plain space,
    # and every invisible one is non-printable, so a printable text with single inner spaces
    # is its own normal form.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text if text.isascii() else _composed(text)
    if not text.isascii() and (  # plain `in` tests: several times faster than a regex search
        "\u200b" in text
        or "\u200c" in text
        or "\u200d" in text
        or "\u2060" in text
        or "\ufeff" in text
        or "\xad" in text
    ):
        text = _INVISIBLE.sub("", text)
        if "\u200c" in text or "\u200d" in text:
            text = _STRAY_JOINERS.sub("", text)
    text = " ".join(text.split())
    return text if text.isascii() else _composed(text)


def _composed(text: str) -> str:
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)
