"""Class names read as words: ``share-bar``, ``site_footer``, ``socialLinks`` say "share",
"footer", "social"; ``content-with-sidebar-wrp`` says "sidebar" too, but so does the body
wrapper ``l-sidebar-fixed``: a word is a clue, never proof (``layout.py`` weighs it against the
text an element holds).

A CSS substring test (``[class*=sidebar]``) finds the letters anywhere, inside longer words
too (``nosidebar``, ``sidebarless``); here a class token is cut at ``-``, ``_`` and lower-to-upper
case changes, and only whole words count (a vocabulary lists the plurals it means too).
"""

from __future__ import annotations

import re

from scraper.parse.memo import remember

_CUT = re.compile(r"[-_]+|(?<=[a-z])(?=[A-Z])")
#: token → its words, lowercased. Tokens repeat across pages and sites (``container``,
#: ``row``, ``menu-item``); bounded, and the answer is a pure function of the token.
_WORDS: dict[str, frozenset[str]] = {}
#: Class prefixes of the terms a post is filed under (WordPress's ``post_class``): the rest of
#: such a token is a term's name, not what the element is.
_TAXONOMIES = frozenset({"category", "tag", "post_tag"})


def words(token: str) -> frozenset[str]:
    """The words of one class token (``shareBar-item`` → share, bar, item); a taxonomy
    term's class (``category-no-newsletter``, ``tag-social-media``) says only its taxonomy."""
    found = _WORDS.get(token)
    if found is None:
        head = token.split("-", 1)[0]
        if head in _TAXONOMIES and "-" in token:
            parts = [head]
        elif token.islower() or token.isdigit():  # no case change to cut at (most tokens)
            parts = token.replace("_", "-").split("-")
        else:
            parts = _CUT.split(token)
        found = remember(_WORDS, token, frozenset(w.lower() for w in parts if w))
    return found


def words_of(value: str) -> frozenset[str]:
    """The words of every class token of ``value`` (a ``class`` or ``id`` attribute)."""
    tokens = value.split()
    if len(tokens) == 1:
        return words(tokens[0])
    return frozenset().union(*map(words, tokens))
