"""The ``source:`` and ``photo:`` lines, in every form the site is known to write them."""

from __future__ import annotations

import pytest

from core.model import Outlet, Photo
from scraper.parse import parse_photo_line, parse_source_line

CS = Outlet("commonspace.eu")

SOURCE_CASES = [
    ("source: commonspace.eu", [CS], False),
    ("source: commonspace.eu with agencies", [CS], True),
    ("Source: commonspace.eu with agencies", [CS], True),
    ("source: with agencies", [], True),
    ("SOURCE: and agencies", [], True),
    ("source: LINKS Europe", [Outlet("LINKS Europe")], False),
    (
        "source: commonspace.eu with Nezavisimaya Gazeta (Moscow) TASS (Moscow) and agencies.",
        [CS, Outlet("Nezavisimaya Gazeta", "Moscow"), Outlet("TASS", "Moscow")],
        True,
    ),
    ("SOURCE: COMMONSPACE.EU WITH AGENCIES", [Outlet("COMMONSPACE.EU")], True),
    (
        "source: Reuters, AFP and TASS (Moscow)",
        [Outlet("Reuters"), Outlet("AFP"), Outlet("TASS", "Moscow")],
        False,
    ),
    (
        "source: commonspace.eu with agencies and Interfax (Moscow)",
        [CS, Outlet("Interfax", "Moscow")],
        True,
    ),
    ("source:   commonspace.eu\u00a0with  agencies ", [CS], True),
    ("sources: agencies", [], True),
    ("source:", [], False),
    ("Источник: commonspace.eu и агентства", [CS], True),
]


@pytest.mark.parametrize(("line", "outlets", "agencies"), SOURCE_CASES)
def test_source_line_forms(line: str, outlets: list[Outlet], agencies: bool) -> None:
    """Each known form gives its outlets (city in brackets as place) and the agencies flag."""
    source = parse_source_line(line)
    assert source is not None
    assert list(source.outlets) == outlets
    assert source.agencies is agencies
    assert source.text == " ".join(line.split())


@pytest.mark.parametrize(
    "line", ["", "resource: x", "The source: of the river", "photo: a caption", "Sourced from TASS"]
)
def test_not_a_source_line(line: str) -> None:
    """Lines that do not open with ``source:`` are not source lines."""
    assert parse_source_line(line) is None


PHOTO_CASES = [
    ("photo: A view of Baku (archive picture)", "A view of Baku (archive picture)", None),
    ("PHOTO: The summit in Granada", "The summit in Granada", None),
    (
        "Photo: Leaders meet in Brussels; EU press service",
        "Leaders meet in Brussels",
        "EU press service",
    ),
    ("Photo: a; b; c", "a; b", "c"),
    ("photo: ; Reuters", None, "Reuters"),
]


@pytest.mark.parametrize(("line", "caption", "credit"), PHOTO_CASES)
def test_photo_line_forms(line: str, caption: str | None, credit: str | None) -> None:
    """The caption keeps "(archive picture)"; a credit is what follows the last semicolon."""
    assert parse_photo_line(line) == Photo(caption, credit)


@pytest.mark.parametrize("line", ["", "photo:", "photograph of a bridge", "source: x"])
def test_not_a_photo_line(line: str) -> None:
    """Empty photo lines and other text give None."""
    assert parse_photo_line(line) is None
