"""Q&A interviews: each answer is a quote by the interviewee.

Three layouts are read: ``Q:`` / ``A:`` labels, ``Name:`` labels (a name used as a label at
least twice; the interviewee is the one named in the title or lead, else the one who says most),
and questions set in bold followed by plain answers. Questions are never quotes. Answers that
run over several paragraphs are one quote (paragraphs joined with a newline) placed at the
paragraph it starts.
"""

from __future__ import annotations

import re

from core.model import Quote

_QA = re.compile(r"^(?P<label>q|a|question|answer)\s*[:.)–—-]\s*(?P<rest>\S.*)$", re.I | re.S)
#: Lower-case name particles ("Anahit van der Berg", "Omar al Hassan").
_PARTICLE = r"(?:al|de|van|von|bin|ibn|der|den|ter|la|le|du|da|di|el)"
_CAP = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]*"
_NAME_LABEL = re.compile(
    rf"^(?P<name>commonspace\.eu|{_CAP}(?:(?:\s+{_PARTICLE})*\s+{_CAP}){{0,3}})"
    r"\s*:\s+(?P<rest>\S.*)$",
    re.S,
)
_NOT_NAMES = frozenset(
    {"source", "sources", "photo", "note", "update", "editor's note", "read more"}
)
_NAME = rf"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]+(?:(?:\s+{_PARTICLE})*\s+[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]+){{1,4}}"
_FROM_TITLE = re.compile(rf"[Ii]nterview(?:\s+with)?\s*[:\-–—]?\s*(?P<name>{_NAME})")
_FROM_LEDE = re.compile(
    rf"(?:interview(?:ed)?\s+with|spoke\s+(?:to|with)|talk(?:s|ed)?\s+(?:to|with)|"
    rf"speaks\s+(?:to|with)|interviews)\s+(?P<name>{_NAME})"
)


def interviewee(title: str | None, lede: str | None) -> str | None:
    """The person interviewed, as the title or the lead names them."""
    if title:
        match = _FROM_TITLE.search(title)
        if match:
            return match.group("name")
    if lede:
        match = _FROM_LEDE.search(lede)
        if match:
            return match.group("name")
    return None


def _turns(paragraphs: list[str], bold: list[bool]) -> list[tuple[int, str, str]] | None:
    """(paragraph, speaker label, text) for each turn; None when this is not a Q&A."""
    # the cheap tests first: a label opens with q/a, a name label needs its colon
    qa = [(m, i) for i, p in enumerate(paragraphs) if p[:1] in "qQaA" and (m := _QA.match(p))]
    answers = [m for m, _ in qa if m.group("label").lower() in ("a", "answer")]
    if len(answers) >= 2:
        return [
            (i, "A" if m.group("label").lower() in ("a", "answer") else "Q", m.group("rest"))
            for m, i in qa
        ]
    named = [(m, i) for i, p in enumerate(paragraphs) if ":" in p and (m := _NAME_LABEL.match(p))]
    counts: dict[str, int] = {}
    for m, _ in named:
        if m.group("name").lower() not in _NOT_NAMES:
            counts[m.group("name")] = counts.get(m.group("name"), 0) + 1
    labels = {name for name, n in counts.items() if n >= 2}
    if labels:
        return [
            (i, m.group("name"), m.group("rest")) for m, i in named if m.group("name") in labels
        ]
    questions = [i for i, p in enumerate(paragraphs) if bold[i] and p.rstrip().endswith("?")]
    if len(questions) >= 2:
        return [(i, "Q", paragraphs[i]) for i in questions]
    return None


def interview_quotes(
    paragraphs: list[str], bold: list[bool], title: str | None, lede: str | None
) -> tuple[list[Quote], set[int]]:
    """Quotes of a Q&A interview and the paragraphs they cover (none if it is not one)."""
    turns = _turns(paragraphs, bold)
    if not turns:
        return [], set()
    guest = interviewee(title, lede)
    bold_layout = all(label == "Q" for _, label, _ in turns)
    names = {label for _, label, _ in turns} - {"Q", "A"}
    starts = [i for i, _, _ in turns] + [len(paragraphs)]
    answering = "A"
    if names:  # "Name:" labels: the interviewee is the guest, else whoever says most
        words: dict[str, int] = {}
        for k, (i, label, _) in enumerate(turns):
            words[label] = words.get(label, 0) + sum(
                len(p.split()) for p in paragraphs[i : starts[k + 1]]
            )
        answering = guest if guest in names else max(sorted(words), key=lambda n: words[n])
    quotes: list[Quote] = []
    covered: set[int] = set()
    for k, (i, label, text) in enumerate(turns):
        stop = starts[k + 1]
        covered.update(range(i, stop))
        if bold_layout:  # the answer is what follows the bold question
            answer = paragraphs[i + 1 : stop]
            if answer:
                quotes.append(Quote("\n".join(answer), guest, i + 1))
            continue
        if label != answering:
            continue  # a question
        parts = [text, *paragraphs[i + 1 : stop]]
        speaker = guest if label == "A" else label
        quotes.append(Quote("\n".join(p.strip() for p in parts), speaker, i))
    return quotes, covered
