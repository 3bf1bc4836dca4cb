"""Parse quality report: per-field accuracy of the parser (``make parse-report``).

Two corpora:

1. The golden fixtures (``tests/fixtures/pages``): for each field of the hand-checked expected
   outputs, how many fixtures the parser matches exactly, overall and per markup family (the
   file-name prefix: drupal / redesign / legacy / listing; anything else counts as "other").
2. The sample site's ground truth (300 articles, seed 7): title, lede, body, source, photo,
   published, type, node_id, section, quotes of four words or more (articles that are not Q&A
   interviews) and, for interviews, whether every answer is attributed to the interviewee.

Run with ``python -m tests.parse_report``. It prints and exits 0; it is a report, not a test.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from core.model import Article
from scraper.parse import parse_article, parse_page
from tests.samplesite import ArticleTruth, SampleSite, SiteConfig

PAGES = Path(__file__).parent / "fixtures" / "pages"
FAMILIES = ("drupal", "redesign", "legacy", "listing", "unseen", "other")
SITE = "https://www.commonspace.eu"
TRUTH_FIELDS = (
    "title",
    "lede",
    "body",
    "source",
    "photo",
    "published",
    "type",
    "node_id",
    "section",
    "quotes",
    "qa_answers",
)


def family(name: str) -> str:
    prefix = name.split("_", 1)[0]
    return prefix if prefix in FAMILIES else "other"


def _pct(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.0f}%)" if total else "-"


def fixture_report() -> list[str]:
    """Per-field exact matches against every ``*.expected.json``."""
    hits: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    seen: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, int] = defaultdict(int)
    pages = sorted(p for p in PAGES.iterdir() if p.suffix in (".html", ".xml"))
    for page in pages:
        spec = json.loads(page.with_name(page.stem + ".expected.json").read_text("utf-8"))
        given, expected = spec["input"], spec["output"]
        got = parse_page(
            page.read_bytes(), given["url"], listing_type=given.get("listing_type")
        ).to_dict()
        fam = family(page.stem)
        counts[fam] += 1
        for key, want in expected.items():
            seen[key][fam] += 1
            if got.get(key) == want:
                hits[key][fam] += 1
    present = [f for f in FAMILIES if counts[f]]
    head = f"{'field':<14}{'all':>16}" + "".join(f"{f:>14}" for f in present)
    out = [
        f"Golden fixtures: {len(pages)} pages " + ", ".join(f"{f} {counts[f]}" for f in present),
        head,
        "-" * len(head),
    ]
    for key in sorted(seen):
        total = sum(seen[key].values())
        row = f"{key:<14}{_pct(sum(hits[key].values()), total):>16}"
        for f in present:
            row += f"{_pct(hits[key][f], seen[key][f]):>14}"
        out.append(row)
    return out


def _same_instant(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a == b
    try:
        return datetime.fromisoformat(a) == datetime.fromisoformat(b)
    except ValueError:
        return a == b


def _long_quotes(pairs: list[tuple[str, str | None]]) -> set[tuple[str, str | None]]:
    return {(" ".join(t.split()), s) for t, s in pairs if len(t.split()) >= 4}


def compare(truth: ArticleTruth, art: Article) -> dict[str, bool]:
    """Which fields of ``art`` agree with the ground truth (see the module docstring)."""
    outlets = tuple((o.name, o.place) for o in art.source.outlets) if art.source else ()
    src_ok = (art.source is None and truth.source_text is None) or (
        art.source is not None
        and truth.source_text is not None
        and outlets == truth.source_outlets
        and art.source.agencies == truth.source_agencies
    )
    photo = (art.photo.caption, art.photo.credit) if art.photo else (None, None)
    out = {
        "title": (art.title or "").strip() == truth.title.strip(),
        "lede": art.lede == truth.lede,
        "body": list(art.body) == list(truth.body),
        "source": src_ok,
        "photo": photo == (truth.photo_caption, truth.photo_credit),
        "published": _same_instant(art.published, truth.published),
        "type": art.type == truth.type,
        "node_id": art.node_id == truth.node_id,
        "section": art.section == truth.section,
    }
    if truth.type == "Interview":
        # The truth lists no Q&A answers; the parser gives one quote per answer, spoken by
        # the interviewee the title names ("Thursday Interview: X", "Interview: X on …").
        guest = truth.title.split(":", 1)[-1].split(" on ", 1)[0].strip()
        out["qa_answers"] = bool(art.quotes) and all(q.speaker == guest for q in art.quotes)
    else:
        out["quotes"] = _long_quotes([(q.text, q.speaker) for q in art.quotes]) == _long_quotes(
            list(truth.quotes)
        )
    return out


def site_report(n_articles: int = 300) -> list[str]:
    site = SampleSite(SiteConfig(seed=7, n_articles=n_articles))
    hits: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    misses: dict[str, list[int]] = defaultdict(list)
    articles = site.articles
    for truth in articles:
        art = parse_article(site.render_article(truth.node_id), SITE + truth.url_path)
        for key, ok in compare(truth, art).items():
            totals[key] += 1
            if ok:
                hits[key] += 1
            else:
                misses[key].append(truth.node_id)
    out = [
        f"Sample site ground truth: {len(articles)} articles (seed 7)",
        f"{'field':<14}{'matches':>16}  first misses (node ids)",
        "-" * 60,
    ]
    for key in TRUTH_FIELDS:
        first = ", ".join(map(str, misses[key][:5]))
        out.append(f"{key:<14}{_pct(hits[key], totals[key]):>16}  {first}")
    return out


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 300
    print("Parse quality report")
    print(
        "Fixtures: exact match of each top-level field of the hand-checked expected output.\n"
        "Sample site: titles compared stripped (the truth keeps leading spaces, the parser\n"
        "strips them); authors skipped (the truth lists CMS account names, the parser prefers\n"
        "people's names); quotes compared as sets of (text, speaker) of four words or more\n"
        "on articles that are not Q&A interviews (the truth lists no answers as quotes);\n"
        "qa_answers: every quote of an interview is spoken by the interviewee the title names."
    )
    print()
    print("\n".join(fixture_report()))
    print()
    print("\n".join(site_report(n)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
