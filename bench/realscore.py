"""How ``make realpages`` scores one tool's output against a corpus's ground truth.

- **Body, bag of words** (the AEB corpus, whose ground truth is each article's full text):
  the words (``\\w+``, lowercased) of the tool's body and of the true body as multisets;
  precision = shared words ÷ the tool's words, recall = shared ÷ true words, F1 per page,
  then the mean and median over pages. An empty body scores 0.
- **Body, snippets** (trafilatura's set, whose ground truth is snippets the body must and must
  not hold): a snippet counts when it is in the whitespace-normalised body; precision, recall
  and F1 over all snippets of all pages, as trafilatura's own evaluation counts them.
- **Title**: exact, after whitespace normalisation. **Date**: the ``YYYY-MM-DD`` the tool gives
  (for ours, the date part of ``published``, in the page's own offset) equals the true date;
  "found" is any date at all, over the pages that have one.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .corpora import Page

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def bag_of_words(pred: str, true: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of ``pred`` against ``true`` as bags of words."""
    have, want = words(pred), words(true)
    shared = sum((have & want).values())
    p = shared / sum(have.values()) if have else 0.0
    r = shared / sum(want.values()) if want else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def snippets(page: Page, text: str) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) of one page's snippets in ``text``."""
    body = norm(text)
    tp = sum(1 for s in page.with_ if norm(s) in body)
    fp = sum(1 for s in page.without if norm(s) in body)
    return tp, fp, len(page.with_) - tp, len(page.without) - fp


@dataclass
class Scored:
    """One tool on one page."""

    page: Page
    text: str
    error: str | None
    f1: float | None = None  # bag of words (aeb)
    precision: float | None = None
    recall: float | None = None
    counts: tuple[int, int, int, int] | None = None  # snippets (trafilatura)
    title_ok: bool | None = None
    date_ok: bool | None = None
    date_found: bool | None = None
    layer: str | None = None
    kind: str | None = None


def score(page: Page, out: dict[str, Any]) -> Scored:
    text = out.get("text") or ""
    s = Scored(page, text, out.get("error"), layer=out.get("layer"), kind=out.get("kind"))
    if page.corpus == "aeb":
        s.precision, s.recall, s.f1 = bag_of_words(text, page.body or "")
    else:
        s.counts = snippets(page, text)
    if page.title:
        s.title_ok = norm(out.get("title") or "") == norm(page.title)
    if page.date:
        got = (out.get("published") or "")[:10]
        s.date_found = bool(got)
        s.date_ok = got == page.date
    return s


def _pct(n: int, d: int) -> float | None:
    return round(100 * n / d, 1) if d else None


def summary(rows: list[Scored], peer: list[Scored] | None = None) -> dict[str, Any]:
    """The issue's measures over ``rows`` (one tool); ``peer`` (the other tool on the same
    pages, in the same order) for "empty where the peer finds text"."""
    out: dict[str, Any] = {"pages": len(rows), "crashes": sum(1 for r in rows if r.error)}
    if any(r.kind for r in rows):
        out["taken_for_listing"] = sum(1 for r in rows if r.kind == "listing")
    empty = [not r.text.strip() for r in rows]
    out["empty_bodies"] = sum(empty)
    if peer is not None:
        out["empty_where_peer_has_text"] = sum(
            1 for e, p in zip(empty, peer, strict=True) if e and p.text.strip()
        )
    f1s = [r.f1 for r in rows if r.f1 is not None]
    if f1s:
        out["bow_f1_mean"] = round(statistics.mean(f1s), 3)
        out["bow_f1_median"] = round(statistics.median(f1s), 3)
        out["bow_precision_mean"] = round(statistics.mean(r.precision or 0 for r in rows), 3)
        out["bow_recall_mean"] = round(statistics.mean(r.recall or 0 for r in rows), 3)
        out["bow_f1_below_0_5"] = sum(1 for f in f1s if f < 0.5)
        out["bow_precision_below_0_8"] = sum(
            1 for r in rows if r.text.strip() and (r.precision or 0) < 0.8
        )
    counts = [r.counts for r in rows if r.counts is not None]
    if counts:
        tp, fp, fn, _ = (sum(c[i] for c in counts) for i in range(4))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out["snippet_precision"] = round(p, 3)
        out["snippet_recall"] = round(r, 3)
        out["snippet_f1"] = round(2 * p * r / (p + r), 3) if p + r else 0.0
    titles = [r.title_ok for r in rows if r.title_ok is not None]
    if titles:
        out["title_exact_pct"] = _pct(sum(titles), len(titles))
        out["title_pages"] = len(titles)
    dates = [r for r in rows if r.date_ok is not None]
    if dates:
        out["date_correct_pct"] = _pct(sum(bool(r.date_ok) for r in dates), len(dates))
        out["date_found_pct"] = _pct(sum(bool(r.date_found) for r in dates), len(dates))
        out["date_pages"] = len(dates)
    layers = Counter(r.layer or "-" for r in rows if r.text.strip())
    if any(r.layer for r in rows):
        out["body_layers"] = dict(layers.most_common())
    return out


def badness(r: Scored) -> float:
    """How wrong one page is, 0 (right) to 1, for the list of worst pages."""
    if r.f1 is not None:
        return 1 - r.f1
    tp, fp, fn, tn = r.counts or (0, 0, 0, 0)
    return (fn / (tp + fn) if tp + fn else 0.0) * 0.7 + (fp / (fp + tn) if fp + tn else 0.0) * 0.3
