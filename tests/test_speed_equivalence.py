"""Fast paths of the article parser against the plain code they stand in for.

Each fast path must give exactly what the slower form gives; these tests feed both the same
inputs (fixture pages, invented text, awkward characters) and compare.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborNode

from scraper.parse import article, interview, quotes
from scraper.parse.context import Context, build_context
from scraper.parse.fields import Fields
from scraper.parse.markup import (
    HIDDEN_SELECTOR,
    LABEL_SELECTOR,
    STANDARD_TAG_IDS,
    UNREAD_SELECTOR,
)
from scraper.parse.select import matcher, matches

PAGES = Path(__file__).parent / "fixtures" / "pages"


def contexts() -> list[Context]:
    out = []
    for page in sorted(PAGES.glob("*.html")):
        spec = json.loads(page.with_name(page.stem + ".expected.json").read_text("utf-8"))
        try:
            out.append(build_context(page.read_bytes(), spec["input"]["url"]))
        except Exception:  # pages the parser rejects have no context to test
            continue
    return out


def inside(node: LexborNode, ids: set[int], limit: int = 600) -> bool:
    """What Fields.inside replaces: whether ``node`` or one of its ancestors is in ``ids``,
    climbing lexbor's parents."""
    current: LexborNode | None = node
    while current is not None and limit > 0:
        if current.mem_id in ids:
            return True
        current = current.parent
        limit -= 1
    return False


def test_fields_inside_agrees_with_lexbor_parents() -> None:
    """Fields.inside (climbing Page.parents) answers as climbing lexbor's parents does, for
    every element of every fixture page, hidden and <head> ones included, at every limit."""
    rng = random.Random(7)
    checked = 0
    for ctx in contexts():
        fields = Fields(ctx, None)
        nodes = ctx.page.tree.root.css("*") if ctx.page.tree.root is not None else []
        all_ids = [n.mem_id for n in nodes]
        document = ctx.page.tree.root.parent if ctx.page.tree.root is not None else None
        id_sets = [fields.foreign, set(), set(rng.sample(all_ids, min(5, len(all_ids))))]
        if document is not None:
            id_sets.append({document.mem_id})  # only the document node above <html>
        for node in nodes:
            for ids in id_sets:
                for limit in (600, 1, 2, 3, 7):
                    assert fields.inside(node, ids, limit) == inside(node, ids, limit)
                    checked += 1
    assert checked > 1000


def _old_cyrillic_share(texts: list[str]) -> float | None:
    sample = " ".join(texts)[:4000]
    letters = len(re.sub(r"[\W\d_]+", "", sample))
    if letters < 40:
        return None
    return len(re.sub(r"[^\u0400-\u04ff]+", "", sample)) / letters


@pytest.mark.parametrize(
    "texts",
    [
        ["Plain English text, long enough to count: " * 3],
        ["«Москва» — столица России, 2024 год; текст достаточно длинный для подсчёта. " * 2],
        ["Mixed “quotes” — and Кириллица, café, naïve, ½ ² ٣ _under_ 12 " * 3],
        ["short"],
        ["x" * 5000, "Русский"],
        ["\u0400\u04ff\u0500\u03ff ǅ ß ſ K İ ı " * 10],
    ],
)
def test_cyrillic_share_counts_as_the_regexes_do(texts: list[str]) -> None:
    assert article._cyrillic_share(texts) == _old_cyrillic_share(texts)


def test_image_hint_filter_on_lowercased_ascii() -> None:
    """The case-sensitive filter on lowercased ASCII finds what re.I finds on the original."""
    for hint in [
        "/themes/custom/LOGO.svg",
        "/files/Icon-small.PNG alt",
        "/files/photo.jpg A picture of a Brand new bridge",
        "/files/photo.jpg",
        "FLAG-Armenia",
        "flag armenia",
        "PiXeL.gif",
    ]:
        assert hint.isascii()
        lowered = bool(article._NOT_CONTENT_LOWER.search(hint.lower()))
        assert lowered == bool(article._NOT_CONTENT_IMAGE.search(hint))


#: what _before_match replaces: the whole sentence matched against the verb pattern
_BEFORE = re.compile(rf"^(?P<pre>.*?){quotes._SAID_AT_END}", re.I | re.S)


def _slow_before(sentence: str) -> str | None:
    match = _BEFORE.match(sentence)
    return match.group("pre") if match else None


def test_before_match_agrees_with_the_full_regex() -> None:
    """_before_match (search near the end, lowercased ASCII) = _BEFORE.match's ``pre``."""
    words = [
        "said", "SAID", "Said", "pointed", "out", "went", "on", "that", "That", "he", "the",
        "minister", "told", "reporters", "in", "Baku", ":", ",", "—", "said:", "(said", "x.y",
        "it’s", "сказал", "Заявил", "İstanbul", "ſaid", "Kelvin", "on:", "that,", "a-b", "’",
    ]  # fmt: skip
    spaces = [" ", "  ", "\n", "\t", " \u00a0", "\u2003"]
    rng = random.Random(11)
    sentences = [
        "Speaking in Riyadh, Anahit van der Berg said that ",
        "Elif Rakhimova, an analyst, pointed out that ",
        "",
        "said",
        " said ",
        "The minister said: ",
        "He went on to say, and then he went on",
    ]
    for _ in range(4000):
        n = rng.randint(0, 30)
        parts = []
        for _ in range(n):
            parts.append(rng.choice(words))
            parts.append(rng.choice(spaces))
        sentences.append("".join(parts).rstrip() if rng.random() < 0.3 else "".join(parts))
    matched = 0
    for sentence in sentences:
        expected = _slow_before(sentence)
        assert quotes._before_match(sentence) == expected, sentence
        matched += expected is not None
    assert matched > 100


def test_qa_labels_start_with_q_or_a_only() -> None:
    """The prefilter of interview._turns: no other first character lets _QA match."""
    for code in range(0x110000):
        ch = chr(code)
        if ch in "qQaA":
            continue
        for rest in ("uestion: x", "nswer: x", ": x", ". x"):
            assert interview._QA.match(ch + rest) is None, hex(code)


def test_caseless_patterns_match_as_re_i_does() -> None:
    """quotes._Caseless (lowercased ASCII, no re.I) matches where its re.I pattern matches."""
    words = [
        "SAID", "Said", "he", "The", "Expert", "ADDED", "according", "To", "According to",
        "Pointed", "OUT", "Wang", "Yi", "went on", ",", ";", ".", "--", "-", ":", "that", "THAT",
    ]  # fmt: skip
    rng = random.Random(5)
    texts = [", the expert added.", ' said Wang Yi, "', ", According to Wang Yi, ", "SAID"]
    for _ in range(3000):
        texts.append(
            "".join(
                rng.choice(words) + rng.choice([" ", "  ", ""]) for _ in range(rng.randint(0, 9))
            )
        )
    patterns = [
        quotes._AFTER_WHO_VERB,
        quotes._AFTER_VERB_WHO,
        quotes._AFTER_ACCORDING,
        quotes._BEFORE_ACCORDING,
        quotes._BEFORE_TAIL,
    ]
    matched = 0
    for text in texts:
        assert text.isascii()
        for caseless in patterns:
            for fast, slow in (
                (caseless.match(text), caseless.pattern.match(text)),
                (caseless.search(text), caseless.pattern.search(text)),
            ):
                assert (fast is None) == (slow is None), text
                if fast is not None and slow is not None:
                    groups = slow.re.groupindex
                    assert [fast.span(g) for g in groups] == [slow.span(g) for g in groups]
                    assert fast.span() == slow.span()
                    matched += 1
    assert matched > 500


def test_tag_kinds_are_remembered_only_for_standard_tags() -> None:
    """Custom tags are numbered per document; what one page's custom tag was must not leak
    into the next page (a per-walk memo), while standard tags are remembered for good."""
    from scraper.parse import dom

    url = "https://www.commonspace.eu/news/a-b-c"
    first = dom.Page(b"<main><x-teaser><p>One two three</p></x-teaser><nav>menu</nav></main>", url)
    second = dom.Page(b"<main><x-other>Four five six</x-other><script>x()</script></main>", url)
    assert [line.text for line in first.lines] == ["One two three"]
    assert [line.text for line in second.lines] == ["Four five six"]
    assert "x-other" in second.tags.values()
    assert all(tag_id < STANDARD_TAG_IDS for tag_id in dom._KINDS)


def _norm_by_hand(text: str) -> str:
    for ch in "\u200b\u2060\ufeff\xad":
        text = text.replace(ch, "")
    words = []
    for word in text.split():  # a joiner stays only between two other characters of a word
        words.append(word.strip("\u200c\u200d"))
    return unicodedata.normalize("NFC", " ".join(w for w in words if w))


@settings(max_examples=3000, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [
                *"ab .,’é\u0301\xa0\u2009\u200b\u200c\u200d\xad\t\n\r\x0b\x0c\x1c\x1f\x85",
                "\u2028",
                "\u3000",
                "\ufeff",
            ]
        )
    )
)
def test_norm_shortcut_matches_split_and_join(text: str) -> None:
    """The printable-text shortcut in ``markup.norm`` gives what removing the invisible
    characters (joiners only at a word's edges), collapsing whitespace and composing (NFC)
    gives."""
    from scraper.parse.markup import norm

    assert norm(text) == _norm_by_hand(text)


ATTR_VALUES = st.sampled_from(
    [None, "", "sr-only", "visually-hidden x", "display:none", "display: none; color: red",
     "navigation", "search", "true", "false", "topic-kicker", "badge big", "x flag-y",
     "eyebrow", "content", "screen-reader-text", "hidden"]
)  # fmt: skip


@given(
    st.sampled_from(["div", "nav", "span", "a", "p"]),
    st.dictionaries(
        st.sampled_from(["class", "style", "role", "hidden", "aria-hidden", "id", "data-x"]),
        ATTR_VALUES,
        max_size=4,
    ),
)
def test_matchers_asked_together_agree_with_each_alone(
    tag: str, attrs: dict[str, str | None]
) -> None:
    """``select.matches`` (the walk's three verdicts in one go) says what ``element`` of each
    matcher says."""
    trio = tuple(m for m in map(matcher, (HIDDEN_SELECTOR, UNREAD_SELECTOR, LABEL_SELECTOR)))
    assert all(m is not None for m in trio)
    together = matches(trio, tag, attrs)  # type: ignore[arg-type]
    alone = [m.element(tag, attrs) for m in trio if m is not None]
    assert [bool(together & (1 << k)) for k in range(3)] == alone
