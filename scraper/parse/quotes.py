"""Direct quotes in the body and who said them.

Quotes are found between straight or typographic quotation marks (``"…"``, ``“…”``, ``«…»``,
``„…“``); a quote left open at the end of a paragraph continues when the next paragraph opens
with a quotation mark, as English punctuation does it. Quotes under four words are scare
quotes and skipped.

The speaker comes from the sentence around the quote:

* before it: ``Vasily Kashin, a leading researcher at …, pointed out that "…"`` and
  ``Speaking about this visit Murad Muradov said: "…"`` (also when "… said:" ends the
  previous paragraph);
* after it: ``"…," the expert added`` / ``"…," said Wang Yi`` / ``"…," he said``.

"he", "she", "the expert", "the analyst" and the like resolve to the last named speaker. Anything
else ("the statement said", an unnamed source) leaves the speaker None rather than guess.

Q&A interviews (``Q:``/``A:`` labels, ``Name:`` labels, or bold questions) give one quote per
answer, spoken by the interviewee named in the title ("Thursday Interview: Murad Muradov") or in
the lead ("… an interview with X"); questions are not quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.model import Quote

OPENERS = '"“«„'
CLOSERS = '"”»'
_MARKS = '"“”«»„'
_POSSESSIVE = re.compile(r"['’]s$")
_MARK = re.compile(f"[{_MARKS}]")
MIN_WORDS = 4

_VERBS = (
    r"said|says|added|adds|explained|explains|noted|notes|stressed|stresses|pointed out|"
    r"points out|told|tells|stated|states|declared|declares|argued|argues|warned|warns|"
    r"emphasi[sz]ed|emphasi[sz]es|underlined|underlines|insisted|insists|remarked|remarks|"
    r"commented|comments|wrote|writes|continued|continues|concluded|concludes|observed|"
    r"observes|suggested|suggests|announced|announces|claimed|claims|asked|asks|replied|"
    r"replies|recalled|recalls|admitted|admits|acknowledged|acknowledges|highlighted|"
    r"highlights|believes|believed|went on|goes on|"
    # Russian pages (/ru/news/…): the same verbs, both genders.
    r"сказал|сказала|заявил|заявила|отметил|отметила|добавил|добавила|подчеркнул|подчеркнула|"
    r"пояснил|пояснила|сообщил|сообщила|считает|говорит"
)
_WHO = r"[^,.;:!?\"“”«»]{1,120}?"
_WHO_COMMAS = r"[^.;:!?\"“”«»]{1,160}?"


class _Caseless:
    """A case-insensitive pattern that, on ASCII text, runs without re.I on the lowercased text:
    the same matches at the same places, several times faster (re.I compares every character
    of every alternative case-blind). Read groups by their span, from the original text."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags | re.I)
        self.lowered = re.compile(pattern, flags)

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        if text.isascii():
            return self.lowered.match(text.lower(), pos)
        return self.pattern.match(text, pos)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        if text.isascii():
            return self.lowered.search(text.lower(), pos)
        return self.pattern.search(text, pos)


_AFTER_WHO_VERB = _Caseless(rf"^\s*[,;–—-]?\s*(?P<who>{_WHO_COMMAS}),?\s+(?:{_VERBS})\b")
_AFTER_VERB_WHO = _Caseless(
    rf"^\s*[,;–—-]?\s*[–—]?\s*(?:{_VERBS})\s+(?P<who>{_WHO})\s*(?:[,.;:!?]|$)"
)
_AFTER_ACCORDING = _Caseless(rf"^\s*[,;–—-]?\s*according to\s+(?P<who>{_WHO})\s*(?:[,.;]|$)")
_SAID_AT_END = rf"\b(?:{_VERBS})\b(?P<post>(?:\s+[\w’'.-]+){{0,8}}?)\s*(?:that)?\s*[:,]?\s*$"
#: "X, a researcher, said:": :func:`_before_match` finds what precedes the verb by searching for
#: the verb and what may follow it near the end of the sentence only.
_BEFORE_TAIL = _Caseless(_SAID_AT_END, re.S)
#: Whitespace-separated chunks a _BEFORE_TAIL match can span from its verb on: the verb (two
#: words at most), eight words, "that" and the colon.
_BEFORE_CHUNKS = 12
_BEFORE_ACCORDING = _Caseless(rf"according to\s+(?P<who>{_WHO})\s*,\s*$")
_ANAPHOR = re.compile(
    r"^(?:he|she|the\s+(?:[\w-]+\s+){0,3}?(?:expert|analyst|researcher|minister|official|"
    r"diplomat|president|spokesman|spokeswoman|spokesperson|author|ambassador|professor|"
    r"scholar|commander|leader|chairman|chairwoman|envoy|politician|interviewee|mp|senator|"
    r"general|journalist|economist|historian|activist|scientist|lawyer|deputy|governor|"
    r"mayor|negotiator|adviser|advisor|director|chief|head))$",
    re.I,
)
_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.\-]*$")
_PARTICLES = frozenset(
    {"al", "al-", "bin", "ibn", "de", "van", "von", "der", "du", "la", "le", "el", "da", "di"}
)
_TITLES = frozenset(
    [
        "president",
        "minister",
        "foreign",
        "prime",
        "deputy",
        "dr",
        "dr.",
        "professor",
        "prof",
        "prof.",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "ambassador",
        "general",
        "gen.",
        "chairman",
        "chairwoman",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "senator",
        "secretary",
        "chief",
        "commander",
        "colonel",
        "lieutenant",
        "captain",
        "sir",
        "lord",
        "mp",
        "speaker",
        "mayor",
        "governor",
        "former",
        "acting",
        "vice",
        "defence",
        "defense",
        "interior",
        "finance",
        "economy",
        "sheikh",
        "king",
        "queen",
        "prince",
    ]
)
_STOP_FIRST = frozenset(
    [
        "the",
        "this",
        "that",
        "these",
        "those",
        "a",
        "an",
        "in",
        "on",
        "at",
        "as",
        "but",
        "and",
        "however",
        "speaking",
        "according",
        "meanwhile",
        "earlier",
        "later",
        "today",
        "yesterday",
        "during",
        "after",
        "before",
        "while",
        "when",
        "if",
        "it",
        "its",
        "his",
        "her",
        "their",
        "our",
        "we",
        "they",
        "he",
        "she",
        "i",
    ]
)
_ORG_WORDS = frozenset(
    [
        "ministry",
        "government",
        "council",
        "agency",
        "university",
        "institute",
        "academy",
        "organization",
        "organisation",
        "office",
        "committee",
        "party",
        "union",
        "service",
        "press",
        "news",
        "newspaper",
        "gazeta",
        "statement",
        "times",
        "post",
        "tass",
        "reuters",
        "bank",
        "fund",
        "centre",
        "center",
    ]
)
_ABBREV = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "rev",
        "jr",
        "sr",
        "no",
        "vs",
    }
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”»]?\s+")
_SUBJECT = re.compile(
    rf"^(?P<name>[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]+(?:\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]+){{1,3}})"
    rf"(?:,|\s+who\b|\s+(?:{_VERBS}|accused|criticised|criticized|urged|denied|rejected|"
    rf"welcomed|called|insisted)\b)"
)
_NEW_SENTENCE = re.compile(r"[.!?]\s+\S")
_BOUNDARY = re.compile(r"[.!?][\"”»)]?\s+")


@dataclass
class _Found:
    start: int  # paragraph index
    end: int
    before: str  # text before the opening mark in the first paragraph
    after: str  # text after the closing mark in the last paragraph
    text: str
    close: int = -1  # position of the closing mark in the last paragraph


def _scan(paragraphs: list[str], skip: set[int]) -> list[_Found]:
    """Every quoted passage, continued over paragraphs that open with a quotation mark."""
    found: list[_Found] = []
    open_at: tuple[int, int] | None = None  # (paragraph, position) of the opening mark
    parts: list[str] = []
    opener = ""
    begin = 0

    def unfinished(last: int) -> None:
        start = paragraphs[open_at[0]] if open_at else ""
        before = start[: open_at[1]] if open_at else ""
        found.append(_Found(open_at[0] if open_at else last, last, before, "", "\n".join(parts)))

    for p, text in enumerate(paragraphs):
        if p in skip:
            open_at, parts = None, []
            continue
        start = 0
        if open_at is not None:
            if text[:1] in OPENERS:
                start = begin = 1
            else:
                unfinished(p - 1)
                open_at, parts = None, []
        n = len(text)
        # most paragraphs hold no quotation mark: `in` finds that out far faster than re (and
        # in ASCII text only the straight one can be)
        has_mark = '"' in text or (not text.isascii() and any(ch in text for ch in _MARKS))
        for mark in _MARK.finditer(text, start) if has_mark else ():
            i = mark.start()
            ch = text[i]
            if open_at is None:
                if (
                    ch in OPENERS
                    and (ch != '"' or i == 0 or not text[i - 1].isalnum())
                    and i + 1 < n
                    and not text[i + 1].isspace()
                ):
                    open_at, opener, begin = (p, i), ch, i + 1
            elif (ch in CLOSERS or (opener == "„" and ch == "“")) and not text[i - 1].isspace():
                parts.append(text[begin:i])
                before = paragraphs[open_at[0]][: open_at[1]]
                found.append(_Found(open_at[0], p, before, text[i + 1 :], "\n".join(parts), i))
                open_at, parts = None, []
        if open_at is not None:
            parts.append(text[begin:])
    if open_at is not None:
        unfinished(len(paragraphs) - 1)
    return found


def _strip_titles(tokens: list[str]) -> list[str]:
    while len(tokens) > 2 and (
        tokens[0].lower() in _TITLES or tokens[1].lower().rstrip(".") in _TITLES
    ):
        tokens = tokens[1:]
    while tokens and tokens[0].lower() in _TITLES:
        tokens = tokens[1:]
    return tokens


def _name(text: str) -> str | None:
    """``text`` as a person's name (2–5 capitalised words), else None."""
    tokens = _strip_titles(text.split())
    if not 2 <= len(tokens) <= 5 or tokens[0].lower() in _STOP_FIRST:
        return None
    for token in tokens:
        low = _POSSESSIVE.sub("", token.lower())
        if low in _ORG_WORDS or any(c.isdigit() for c in token):
            return None
        if not (_TOKEN.match(token) or token.lower() in _PARTICLES):
            return None
    return " ".join(tokens).rstrip(".")


def _trailing_name(text: str) -> str | None:
    tokens = text.split()
    run: list[str] = []
    for token in reversed(tokens):
        if _TOKEN.match(token) or (run and token.lower() in _PARTICLES):
            run.append(token)
        else:
            break
    run.reverse()
    while run and run[0].lower() in _PARTICLES:
        run = run[1:]
    return _name(" ".join(run)) if len(run) >= 2 else None


# What an attribution names: a person, someone named earlier ("he", "the expert"), or a
# non-person ("the statement said"); None when there is no attribution at all.
Attribution = tuple[str, str | None] | None


def _who(text: str) -> Attribution:
    segments = [s.strip(" ;–—-") for s in text.split(",") if s.strip(" ;–—-")]
    if not segments:
        return None
    if _ANAPHOR.match(segments[0]) or _ANAPHOR.match(segments[-1]):
        return ("anaphor", None)
    for segment in segments:
        name = _name(segment)
        if name:
            return ("name", name)
    name = _trailing_name(segments[-1])
    return ("name", name) if name else ("other", None)


def _before(before: str) -> Attribution:
    """The attribution that introduces a quote: ``X, a researcher, said: "…"``."""
    sentence = _sentence_tail(before)
    match = _BEFORE_ACCORDING.search(sentence)
    if match:
        return _who(_group(sentence, match, "who"))
    pre = _before_match(sentence)
    if pre is None or not pre.strip(" ,"):
        return None
    return _who(pre.strip(" ,"))


def _before_match(sentence: str) -> str | None:
    """What precedes the verb when ``sentence`` ends with one and what may follow it (``^(.*?)``
    and _SAID_AT_END, case-blind, matched against the whole sentence), a few times faster: the
    verb must lie among the last _BEFORE_CHUNKS chunks, so the search starts there instead of
    trying the verbs at every character of a long sentence."""
    head = sentence.rsplit(None, _BEFORE_CHUNKS)
    start = len(head[0]) if len(head) > _BEFORE_CHUNKS else 0
    match = _BEFORE_TAIL.search(sentence, start)
    return sentence[: match.start()] if match else None


def _after(after: str, quote: str) -> Attribution:
    """The attribution that follows a quote: ``"…," the expert added``."""
    if quote.rstrip().endswith(".") and not after.lstrip().startswith(","):
        return None
    for pattern in (_AFTER_ACCORDING, _AFTER_VERB_WHO, _AFTER_WHO_VERB):
        match = pattern.match(after)
        if match:
            return _who(_group(after, match, "who"))
    return None


def _group(text: str, match: re.Match[str], name: str) -> str:
    """Group ``name`` of a :class:`_Caseless` match, as ``text`` writes it."""
    start, end = match.span(name)
    return text[start:end]


def _recent_subject(text: str) -> str | None:
    """The last person a sentence of ``text`` opens with ("Levon Aghababyan, who …, accused")."""
    found = None
    for sentence in _SENTENCE_SPLIT.split(text):
        match = _SUBJECT.match(sentence.strip())
        if match:
            name = _name(match.group("name"))
            found = name or found
    return found


def _sentence_tail(text: str) -> str:
    start = 0
    for match in _BOUNDARY.finditer(text):
        word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
        if word.lower() in _ABBREV or (len(word) == 1 and word.isupper()):
            continue
        start = match.end()
    return text[start:]


def find_quotes(
    paragraphs: list[str], bold: list[bool], title: str | None = None, lede: str | None = None
) -> list[Quote]:
    """Quotes in ``paragraphs`` (the body) with their speakers, in order of appearance."""
    from scraper.parse.interview import interview_quotes

    qa_quotes, qa_paragraphs = interview_quotes(paragraphs, bold, title, lede)
    last_speaker: str | None = None
    quotes: list[Quote] = []
    previous: tuple[_Found, str | None] | None = None
    for found in _scan(paragraphs, qa_paragraphs):
        text = found.text.strip().rstrip(",").strip()
        if len(text.split()) < MIN_WORDS:
            continue
        after = _after(found.after, text)
        before = _before(found.before)
        if before is None and not found.before.strip() and found.start > 0:
            intro = paragraphs[found.start - 1].rstrip()
            if intro.endswith(":") and found.start - 1 not in qa_paragraphs:
                before = _before(intro)
        who: str | None = None
        if after is not None and after[0] == "name":
            who = after[1]
        elif before is not None and before[0] == "name":
            who = before[1]
        elif "anaphor" in (after and after[0], before and before[0]):
            who = _recent_subject(found.before) or last_speaker
        elif after is None and before is None and previous is not None and previous[1]:
            # "…," said X. "…" — a second quote right after an attributed one, same speaker.
            last, said = previous
            between = found.before[last.close + 1 :] if last.end == found.start else None
            if (
                between is not None
                and len(between.split()) <= 20
                and not _NEW_SENTENCE.search(between.strip())
            ):
                who = said
        if who:
            last_speaker = who
        previous = (found, who)
        quotes.append(Quote(text=text, speaker=who, paragraph=found.start))
    quotes.extend(qa_quotes)
    quotes.sort(key=lambda q: q.paragraph)
    return quotes
