"""``scrape quote``: which article said this, in which version, fetched when, stored where.

Finding a quote is two steps. FTS5 proposes candidate versions (all words, then any word,
ranked by bm25); then each candidate is re-read word by word and the best-matching span of
its title, lede and body is scored with difflib's matcher (``cydifflib``: the same algorithm
compiled, the same blocks and ratios, about ten times faster). Words are compared case-,
accent- and punctuation-blind, so curly vs straight quotes, dashes and extra whitespace do not
matter; a span may run across a paragraph break (a quote split across paragraphs); small edits
lower the score instead of losing the match.

Every version of a matching article is scored, so a quote can be shown as present in one
version and gone from a later one. Each capture of a version that contains the quote is
re-read from its WARC file and its payload digest recomputed (``verify.check_capture``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import Any

from cydifflib import SequenceMatcher

from core.errors import ArchiveError, UsageError
from core.model import Capture

from .index import Index, VersionRow
from .verify import VERIFIED, CaptureCheck, check_capture

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")
_KIND_ORDER = {"exact": 0, "normalized": 1, "split": 2, "near": 3}
MIN_QUOTE_CHARS = 3
MAX_QUOTE_CHARS = 2000  # a long paragraph; bounds the work of one search
_MIN_WORDS = 0.6  # share of the quote's words a span needs before it is scored closely
_NUDGES = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


@dataclass(frozen=True)
class QuoteQuery:
    """What to look for and how hard: the one settings object of ``find_quote``."""

    text: str
    limit: int = 10
    min_score: float = 0.75
    candidates: int = 60
    verify: bool = True


@dataclass(frozen=True)
class QuoteCapture:
    """One capture of a version containing the quote, with the result of re-verifying it."""

    capture: Capture
    check: CaptureCheck

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.capture.to_dict(),
            "verified": self.check.verified,
            "status": self.check.status,
            "detail": self.check.detail,
        }


@dataclass(frozen=True)
class VersionHit:
    """Whether version ``number`` (1 = oldest) of the article contains the quote."""

    number: int
    content_hash: str
    first_seen: str
    last_seen: str
    contains: bool
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "content_hash": self.content_hash,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "contains": self.contains,
            "score": round(self.score, 3),
        }


@dataclass(frozen=True)
class QuoteMatch:
    """An article containing the quote: where, how closely, in which versions and captures."""

    url: str
    title: str | None
    published: str | None
    section: str | None
    speaker: str | None
    score: float
    kind: str  # exact | normalized | split | near
    text: str
    sentence: str
    version: VersionHit
    versions: tuple[VersionHit, ...]
    captures: tuple[QuoteCapture, ...]
    gone_in: VersionHit | None
    version_ids: tuple[int, ...] = field(default=(), repr=False, compare=False)
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # its JSON

    @property
    def verified(self) -> bool:
        """Every capture was re-read and still has its recorded digest."""
        return bool(self.captures) and all(c.check.verified for c in self.captures)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "published": self.published,
            "section": self.section,
            "speaker": self.speaker,
            "score": round(self.score, 3),
            "match": self.kind,
            "text": self.text,
            "sentence": self.sentence,
            "version": self.version.to_dict(),
            "versions": [v.to_dict() for v in self.versions],
            "gone_in": self.gone_in.to_dict() if self.gone_in else None,
            "captures": [c.to_dict() for c in self.captures],
            "verified": self.verified,
        }


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A word compared blind to case and accents."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return [fold(m.group()) for m in _WORD.finditer(text)]


@dataclass(frozen=True)
class _Span:
    score: float
    kind: str
    text: str
    sentence: str


class _Doc:
    """A version's title, lede and body paragraphs as one run of words with positions."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.segments: list[str] = [
            s for s in (data.get("title"), data.get("lede"), *(data.get("body") or [])) if s
        ]
        if all(seg.isascii() for seg in self.segments):  # fold(): its lower case, all at once
            per = [_WORD.findall(seg.lower()) for seg in self.segments]
            self.words: list[str] = list(chain.from_iterable(per))
        else:
            per = [_WORD.findall(seg) for seg in self.segments]
            self.words = [fold(w) for w in chain.from_iterable(per)]
        self._counts = [len(p) for p in per]  # words of each segment

    def place(self, k: int) -> tuple[int, int, int]:
        """(segment, start, end) of word ``k``: found when a span needs it, as only the best
        version's span and every exact hit's do."""
        for n, count in enumerate(self._counts):
            if k < count:
                m = next(islice(_WORD.finditer(self.segments[n]), k, None))
                return n, m.start(), m.end()
            k -= count
        raise IndexError(k)

    def span(self, i: int, j: int, raw: str) -> _Span:
        """The text of words ``i..j`` (exclusive), its sentence and its kind of match."""
        (s0, a, _), (s1, _, b) = self.place(i), self.place(j - 1)
        if s0 == s1:
            text = self.segments[s0][a:b]
            kind = "exact" if raw.strip() in self.segments[s0] else "normalized"
            return _Span(1.0, kind, text, _sentence(self.segments[s0], a, b))
        parts = [self.segments[s0][a:], *self.segments[s0 + 1 : s1], self.segments[s1][:b]]
        head = _sentence(self.segments[s0], a, len(self.segments[s0]))
        tail = _sentence(self.segments[s1], 0, b)
        return _Span(1.0, "split", " ¶ ".join(parts), " ¶ ".join([head, tail]))


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` around ``start..end``."""
    left, right = 0, len(text)
    for m in _SENTENCE_END.finditer(text):
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end - 1:
            right = m.end()
            break
    return text[left:right].strip()


def _score(doc: _Doc, qw: list[str], raw: str) -> _Span | None:
    """The best span of ``doc`` for the query words ``qw``, or None if nothing is close."""
    n, dw = len(qw), doc.words
    if not dw:
        return None
    joined, target = " " + " ".join(dw) + " ", " " + " ".join(qw) + " "
    at = joined.find(target)
    if at >= 0:
        i = joined.count(" ", 0, at + 1) - 1
        return doc.span(i, i + n, raw)
    slack = max(2, n // 4)
    if _most_on_a_diagonal(qw, dw, slack) < _MIN_WORDS * n:
        return None  # no alignment below can have enough words: spare it the matcher
    blocks = [b for b in SequenceMatcher(None, qw, dw, autojunk=False).get_matching_blocks()
              if b.size]  # fmt: skip
    best: list[Any] = []
    for anchor in blocks:  # blocks on (nearly) the same diagonal belong to one occurrence
        group = [b for b in blocks if abs((b.b - b.a) - (anchor.b - anchor.a)) <= slack]
        if sum(b.size for b in group) > sum(b.size for b in best):
            best = group
    if sum(b.size for b in best) < _MIN_WORDS * n:  # too few words in common to be close
        return None
    first, last = min(best, key=lambda b: b.b), max(best, key=lambda b: b.b + b.size)
    start = max(0, first.b - first.a)
    end = min(len(dw), last.b + last.size + (n - last.a - last.size))
    query = " ".join(qw)
    score, i, j = 0.0, start, end
    for di, dj in _NUDGES:  # the span's edges may be a word off: try each neighbour
        a, b = start + di, end + dj
        if 0 <= a < b <= len(dw):
            matcher = SequenceMatcher(None, query, " ".join(dw[a:b]), autojunk=False)
            if matcher.real_quick_ratio() > score and matcher.quick_ratio() > score:
                r = matcher.ratio()
                if r > score:
                    score, i, j = r, a, b
    span = doc.span(i, j, raw)
    return _Span(score, "split" if span.kind == "split" else "near", span.text, span.sentence)


def _most_on_a_diagonal(qw: list[str], dw: list[str], slack: int) -> int:
    """An upper bound on the words of any group ``_score`` can form: the most word pairs
    (query position a, document position b, same word) whose diagonals ``b - a`` lie within
    ``slack`` of one another. Each matching block's words are such pairs, so a group of
    blocks never has more."""
    where: dict[str, list[int]] = {}
    for a, w in enumerate(qw):
        where.setdefault(w, []).append(a)
    votes: Counter[int] = Counter()
    for b, w in enumerate(dw):
        for a in where.get(w, ()):
            votes[b - a] += 1
    diagonals = sorted(votes)
    best = total = low = 0
    for d in diagonals:  # a window of diagonals [d - 2*slack, d]
        total += votes[d]
        while diagonals[low] < d - 2 * slack:
            total -= votes[diagonals[low]]
            low += 1
        best = max(best, total)
    return best


def _speaker(data: dict[str, Any], qw: list[str]) -> str | None:
    best, who = 0.6, None
    for q in data.get("quotes") or []:
        qq = words(str(q.get("text") or ""))
        if not qq or not q.get("speaker"):
            continue
        inside = " ".join(qq) in " ".join(qw) or " ".join(qw) in " ".join(qq)
        ratio = 1.0 if inside else SequenceMatcher(None, qq, qw, autojunk=False).ratio()
        if ratio >= best:
            best, who = ratio, str(q["speaker"])
    return who


def _fts(terms: list[str], op: str) -> str:
    return f" {op} ".join(f'"{t}"' for t in dict.fromkeys(terms))


def _phrase(terms: list[str]) -> str:
    return '"' + " ".join(terms) + '"'


def _shingles(qw: list[str], size: int = 4) -> list[str]:
    """Overlapping word runs of the quote, as phrases: a version with a word or two edited
    still contains most of them, and bm25 ranks it by how many it contains."""
    runs = [qw[i : i + size] for i in range(0, max(1, len(qw) - size + 1), 2)]
    return list(dict.fromkeys(_phrase(r) for r in runs))


def _ranked_runs(index: Index, runs: list[str]) -> tuple[list[str], list[str]]:
    """The quote's runs split into those that rank versions and the stock phrases among them.

    FTS5's bm25 gives a phrase found in at least half of the rows an IDF of 1e-6 instead of a
    negative one, so it adds less than a millionth to a score, while ranking the thousands of
    rows holding it costs most of a search. The other runs alone rank versions in the same
    order, but for ties: ``_candidates`` keeps every version tied at the cut. Counting stops
    at half of the rows, so telling a stock phrase is a bounded read."""
    half = (index.max_version_id() + 1) // 2
    if len(runs) < 2 or half < 1:
        return runs, []
    stock = [r for r in runs if index.count_matches(r, half) >= half]
    return [r for r in runs if r not in stock], stock


def _near_stage(index: Index, qw: list[str], limit: int) -> list[tuple[int, str]]:
    """Versions sharing runs of the quote's words (a word or two changed), bm25-ranked.

    Without its stock phrases when the other runs fill ``limit`` places; each stock phrase
    moves a score by at most ``1e-6 * (k1 + 1)``, so versions that close to the cut are
    kept too. Otherwise (or when every run is a stock phrase) the OR of all runs."""
    runs = _shingles(qw)
    rare, stock = _ranked_runs(index, runs)
    if rare and stock:
        tolerance = 2.5e-6 * len(stock)  # k1 = 1.2 in FTS5's bm25
        hits = index.search_urls(" OR ".join(rare), limit, tolerance, 4 * limit)
        if len(hits) >= limit:
            return hits
    return index.search_urls(" OR ".join(runs), limit)


def _candidates(index: Index, qw: list[str], limit: int) -> list[str]:
    """URLs of the articles worth scoring, most promising first.

    Exact word sequences first: a phrase query finds every version containing the quote's
    words in order (case, accents, punctuation and paragraph breaks aside), however common the
    words are. When there is any, those are the answer. Otherwise near matches: versions
    sharing runs of the quote's words (``_near_stage``), then, for short or heavily edited
    quotes, versions with all or the rarer of its words, each stage cut at ``limit``."""
    found = dict(index.search_urls(_phrase(qw), max(limit, 1000)))
    if found:
        return list(dict.fromkeys(found.values()))
    if len(qw) >= 6:
        found.update(_near_stage(index, qw, limit))
    for query in (_fts(qw, "AND"), _fts([w for w in qw if len(w) > 3] or qw, "OR")):
        if len(found) >= limit:
            break
        for version_id, url in index.search_urls(query, limit):
            found.setdefault(version_id, url)
    return list(dict.fromkeys(found.values()))


def _match(url: str, rows: list[VersionRow], query: QuoteQuery, qw: list[str]) -> QuoteMatch | None:
    spans = [_score(_Doc(v.json), qw, query.text) for v in rows]
    hits = [
        VersionHit(n, v.content_hash, v.first_seen, v.last_seen,
                   s is not None and s.score >= query.min_score, s.score if s else 0.0)
        for n, (v, s) in enumerate(zip(rows, spans, strict=True), start=1)
    ]  # fmt: skip
    containing = [n for n, h in enumerate(hits) if h.contains]
    if not containing:
        return None
    best = max(containing, key=lambda n: (hits[n].score, n))
    span, row = spans[best], rows[best]
    assert span is not None
    gone = next((h for h in hits[containing[0] :] if not h.contains), None)
    return QuoteMatch(
        url=url, title=row.json.get("title"), published=row.json.get("published"),
        section=row.json.get("section"), speaker=None, score=span.score,
        kind=span.kind, text=span.text, sentence=span.sentence, version=hits[best],
        versions=tuple(hits), captures=(), gone_in=gone,
        version_ids=tuple(rows[n].id for n in containing), data=row.json,
    )  # fmt: skip


def _with_captures(index: Index, archive_dir: Path, match: QuoteMatch, verify: bool) -> QuoteMatch:
    """``match`` with every capture of its containing versions, each re-verified."""
    captures = []
    for version_id in match.version_ids:
        for cap in index.version_captures(version_id):
            check = check_capture(archive_dir, cap) if verify else CaptureCheck("unchecked")
            captures.append(QuoteCapture(cap, check))
    return replace(match, captures=tuple(captures))


def find_quote(archive_dir: Path, query: QuoteQuery) -> list[QuoteMatch]:
    """Articles containing ``query.text`` (exactly or nearly), best match first."""
    check_quote(query.text)
    with Index.open_readonly(archive_dir) as index:
        return search_quotes(index, archive_dir, query)


def check_quote(text: str) -> None:
    """UsageError unless ``text`` is a quote that can be looked for."""
    if len(text) > MAX_QUOTE_CHARS:
        raise UsageError(
            f"quote is {len(text):,} characters long: give at most {MAX_QUOTE_CHARS:,} (a "
            "sentence or a paragraph)"
        )
    if sum(len(w) for w in words(text)) < MIN_QUOTE_CHARS:
        raise UsageError(
            f"quote {text.strip()!r} is too short: give at least {MIN_QUOTE_CHARS} letters or "
            "digits"
        )


def search_quotes(index: Index, archive_dir: Path, query: QuoteQuery) -> list[QuoteMatch]:
    """``find_quote`` on an index already open (``scrape serve`` keeps one open)."""
    check_quote(query.text)
    qw = words(query.text)
    if not index.has_articles():
        raise ArchiveError(str(archive_dir), "the archive has no articles yet")
    urls = _candidates(index, qw, query.candidates)
    rows = index.versions_of(urls)
    matches = [m for url in urls if url in rows and (m := _match(url, rows[url], query, qw))]
    matches.sort(key=lambda m: m.published or "", reverse=True)  # newest first on ties
    matches.sort(key=lambda m: (-m.score, _KIND_ORDER[m.kind]))
    shown = [replace(m, speaker=_speaker(m.data, qw)) for m in matches[: query.limit]]
    return [_with_captures(index, archive_dir, m, query.verify) for m in shown]


def failed_checks(matches: list[QuoteMatch]) -> set[str]:
    """The states of the captures of ``matches`` that did not verify: ``tampered``, ``missing``
    or ``index`` (see ``CaptureCheck``); empty when every capture checked out."""
    return {
        c.check.status for m in matches for c in m.captures
        if c.check.status not in (VERIFIED, "unchecked")
    }  # fmt: skip
