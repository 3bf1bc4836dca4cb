"""Golden files for the parser: every page under fixtures/pages against its expected JSON.

Each ``name.html`` (or ``name.xml``) sits beside ``name.expected.json``::

    {"input": {"url": "...", "listing_type": null}, "output": {...parse_page(...).to_dict()...}}

``output`` is the spec, checked by hand; ``pytest --update tests/test_parse_golden.py`` rewrites it
from the parser so that every change shows up in the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scraper.parse import parse_page

PAGES = Path(__file__).parent / "fixtures" / "pages"
CASES = sorted(p for p in PAGES.iterdir() if p.suffix in (".html", ".xml"))


def expected_path(page: Path) -> Path:
    return page.with_name(page.stem + ".expected.json")


def parsed(page: Path, spec: dict[str, Any]) -> dict[str, Any]:
    given = spec["input"]
    result = parse_page(page.read_bytes(), given["url"], listing_type=given.get("listing_type"))
    out = result.to_dict()
    out.pop("capture", None)
    return out


@pytest.mark.parametrize("page", CASES, ids=lambda p: p.name)
def test_golden_page(page: Path, request: pytest.FixtureRequest) -> None:
    """parse_page gives exactly the hand-checked expected JSON for each fixture page."""
    path = expected_path(page)
    spec = json.loads(path.read_text(encoding="utf-8"))
    got = parsed(page, spec)
    if request.config.getoption("--update"):
        spec["output"] = got
        path.write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == spec.get("output"), f"{page.name}: run pytest --update and review the diff"


def test_every_fixture_has_expectations() -> None:
    """Each fixture page has an expected.json with an input URL (no page is silently skipped)."""
    assert len(CASES) >= 30
    for page in CASES:
        spec = json.loads(expected_path(page).read_text(encoding="utf-8"))
        assert spec["input"]["url"].startswith(("http://", "https://"))
