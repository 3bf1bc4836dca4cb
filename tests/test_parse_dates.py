"""Dates as the site writes them, to ISO 8601 (local times are Europe/Brussels)."""

from __future__ import annotations

import pytest

from scraper.parse import parse_date

CASES = [
    ("2025-08-23T06:34:08+00:00", "2025-08-23T06:34:08+00:00"),  # RDFa content attribute
    ("2025-08-23T06:34:08Z", "2025-08-23T06:34:08+00:00"),
    ("2025-08-23T08:34:08.123+02:00", "2025-08-23T08:34:08+02:00"),
    ("2025-08-23T08:34:08", "2025-08-23T08:34:08+02:00"),  # no offset: the site's local time
    ("2025-01-23 08:34", "2025-01-23T08:34:00+01:00"),
    ("2025-08-23", "2025-08-23"),  # a date alone stays a date
    ("Sat, 08/23/2025 - 08:34", "2025-08-23T08:34:00+02:00"),  # Drupal display, month first
    ("Fri, 06/09/2023 - 11:21", "2023-06-09T11:21:00+02:00"),
    ("Mon, 01/02/2023 - 09:00", "2023-01-02T09:00:00+01:00"),  # winter: CET
    ("Пн, 10/07/2024 - 14:30", "2024-10-07T14:30:00+02:00"),  # Russian interface weekday
    ("Sat, 23 Aug 2025 06:34:08 +0000", "2025-08-23T06:34:08+00:00"),  # RSS pubDate
    ("Tue, 13 Jul 2021 10:00:00 GMT", "2021-07-13T10:00:00+00:00"),
    ("27 April 2016", "2016-04-27"),  # legacy date line
    ("Wednesday 27 April 2016", "2016-04-27"),
    ("April 27, 2016", "2016-04-27"),
    ("27 Apr. 2016", "2016-04-27"),
    ("27.04.2016", "2016-04-27"),
    ("27 апреля 2016", "2016-04-27"),
    ("Published: 19 January 2026", "2026-01-19"),
    ("Thursday, 24 February 2022 · 09:15", "2022-02-24T09:15:00+01:00"),
    ("31 October 2021 02:30", "2021-10-31T02:30:00+02:00"),  # ambiguous hour: first (summer)
]


@pytest.mark.parametrize(("text", "iso"), CASES)
def test_date_forms(text: str, iso: str) -> None:
    """Each form gives the ISO string with its offset (or the date alone)."""
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "yesterday",
        "2016-02-30",
        "13/45/2020 - 10:00",
        "32 April 2016",
        "2025-08-23T25:00:00",
        "2025-08-23T10:00:00+25:00",
        "The summit of 27 April 2016 was a failure",
        "x" * 500,
    ],
)
def test_not_dates(text: str | None) -> None:
    """Impossible dates and sentences that merely contain a date give None, never a guess."""
    assert parse_date(text) is None
