"""Real article pages with ground truth, read from where they lie (never copied into the repo).

Two public corpora are understood; a folder is recognised by what it holds:

- **trafilatura's evaluation set** (https://github.com/adbar/trafilatura, ``tests/``):
  ``evaldata.json`` beside ``cache/`` and ``eval/`` (990 pages; a checkout's root works too,
  through its ``tests/``). Each page has text snippets that must be in the body (``with``)
  and snippets that must not (``without``); most also have the title and the date.
- **scrapinghub's article-extraction-benchmark**
  (https://github.com/scrapinghub/article-extraction-benchmark): ``ground-truth.json`` beside
  ``html/*.html.gz`` (181 pages, the full text of each article body, ``articleBody``).

Every page also gets a *half*, ``A`` or ``B``, from a hash of its URL: rules are developed
looking at half A only, and both halves are reported, so that a rule fitted to the pages it was
tried on shows as a gap between them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

WHERE = {
    "trafilatura": (
        "git clone https://github.com/adbar/trafilatura  (then CORPUS=trafilatura/tests)"
    ),
    "aeb": (
        "git clone https://github.com/scrapinghub/article-extraction-benchmark  "
        "(then CORPUS=article-extraction-benchmark)"
    ),
}


@dataclass(frozen=True)
class Page:
    """One page of a corpus and what is known to be right about it."""

    corpus: str  # "trafilatura" or "aeb"
    key: str  # the corpus's own name for the page
    url: str
    path: str  # the file, as it lies
    gzipped: bool
    half: str  # "A" (looked at while developing) or "B" (only measured)
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD; "" when the corpus says the page has none
    body: str | None = None  # the full text of the article (aeb)
    with_: tuple[str, ...] = field(default=())  # snippets the body must hold (trafilatura)
    without: tuple[str, ...] = field(default=())  # snippets it must not hold

    def read(self) -> bytes:
        import gzip

        data = Path(self.path).read_bytes()
        return gzip.decompress(data) if self.gzipped else data


_STAND_IN = "https://corpus.invalid/"


def half_of(url: str) -> str:
    return "A" if hashlib.sha1(url.encode()).digest()[0] % 2 == 0 else "B"


def kind_of(folder: Path) -> tuple[str, Path] | None:
    """Which corpus ``folder`` holds, and the folder its index file is in."""
    for base in (folder, folder / "tests"):
        if (base / "evaldata.json").is_file() and (
            (base / "cache").is_dir() or (base / "eval").is_dir()
        ):
            return "trafilatura", base
        if (base / "ground-truth.json").is_file() and (base / "html").is_dir():
            return "aeb", base
    return None


def _trafilatura(base: Path) -> list[Page]:
    data = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in sorted(data.items()):
        path = next(
            (base / sub / item["file"] for sub in ("cache", "eval")
             if (base / sub / item["file"]).is_file()),
            None,
        )  # fmt: skip
        if path is None:
            continue
        date = item.get("date")
        # a few keys are labels ("hard::name.html"), not URLs: the tools get a stand-in
        where = url if url.startswith(("http://", "https://")) else _STAND_IN + item["file"]
        pages.append(
            Page(
                "trafilatura", item["file"], where, str(path), False, half_of(url),
                title=item.get("title") or None,
                date=date if isinstance(date, str) else None,
                with_=tuple(item.get("with") or ()),
                without=tuple(item.get("without") or ()),
            )
        )  # fmt: skip
    return pages


def _aeb(base: Path) -> list[Page]:
    data = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in sorted(data.items()):
        path = base / "html" / f"{key}.html.gz"
        if path.is_file():
            url = item.get("url") or _STAND_IN + key
            body = item.get("articleBody") or ""
            pages.append(Page("aeb", key, url, str(path), True, half_of(url), body=body))
    return pages


def load(folder: Path) -> tuple[str, list[Page]]:
    """The corpus in ``folder``: its kind and its pages. ValueError if it is neither kind."""
    found = kind_of(folder)
    if found is None:
        raise ValueError(f"{folder}: neither trafilatura's evaluation set nor the AEB corpus")
    kind, base = found
    return kind, (_trafilatura(base) if kind == "trafilatura" else _aeb(base))


def folders(spec: str) -> list[Path]:
    """The folders named in ``CORPUS`` (several separated by ``:``)."""
    return [Path(p).expanduser() for p in spec.split(os.pathsep) if p.strip()]


def manifest(pages: list[Page]) -> list[tuple[str, str, bool]]:
    """What the child processes read: (file, URL, gzipped) of each page, in order."""
    return [(p.path, p.url, p.gzipped) for p in pages]
