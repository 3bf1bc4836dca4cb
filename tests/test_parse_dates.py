"""Dates as the site writes them, to ISO 8601 (local times are Europe/Brussels)."""

from __future__ import annotations

import pytest

from scraper.parse import parse_date
from scraper.parse.dates import same_moment_shown, shown_date

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
    ("5. April 2017", "2017-04-05"),  # German
    ("Di, 21. April 2020 - 16:40", "2020-04-21T16:40:00+02:00"),
    ("Veröffentlicht am 8. Dezember 2010 um 10:56", "2010-12-08T10:56:00+01:00"),
    ("mercredi 9 décembre 2019 à 10h56", "2019-12-09T10:56:00+01:00"),  # French
    ("5 de mayo de 2022", "2022-05-05"),  # Spanish
    ("12 października 2021", "2021-10-12"),  # Polish
    ("February 24, 2020 | 9:25pm", "2020-02-24T21:25:00+01:00"),  # a 12-hour clock
    ("8 January 2020, 12:05 a.m.", "2020-01-08T00:05:00+01:00"),
    ("3.März 2015 um 17:20", "2015-03-03T17:20:00+01:00"),  # no space after the day's dot
    ("14.02.21", "2021-02-14"),  # a two-digit year (POSIX pivot: 00-68 are 20yy)
    ("jeudi 14.02.21", "2021-02-14"),
    ("06.07.21 18:05", "2021-07-06T18:05:00+02:00"),
    ("14.02.97", "1997-02-14"),
    ("2021-3-7 18:05:09", "2021-03-07T18:05:09+01:00"),  # ISO without zero padding
    ("2021-03-07T8:05:09", "2021-03-07T08:05:09+01:00"),
    ("2021-03-07T18:05:09:250Z", "2021-03-07T18:05:09+00:00"),  # milliseconds after a colon
    ("Written: 2021-03-07 18:05", "2021-03-07T18:05:00+01:00"),
    # a zone the page names is the clock the time is read on (applied once, never converted)
    ("Sun 7 Mar 2021 18.05 GMT", "2021-03-07T18:05:00+00:00"),
    ("March 7, 2021 at 6:05 PM EST", "2021-03-07T18:05:00-05:00"),
    ("July 7, 2021 6:05 pm ET", "2021-07-07T18:05:00-04:00"),  # ET in summer: EDT
    ("Last modified on Sun 7 Mar 2021 18.06 GMT", "2021-03-07T18:06:00+00:00"),
    ("2021-03-07 18:05:09 UTC", "2021-03-07T18:05:09+00:00"),
    ("18:05, 7 March 2021", "2021-03-07T18:05:00+01:00"),  # the time first
    ("6:05 PM ET, Sun March 7, 2021", "2021-03-07T18:05:00-05:00"),
    ("18:05 07.03.2021", "2021-03-07T18:05:00+01:00"),
    ("2021.03.07", "2021-03-07"),  # year first
    ("2021/03/07 18:05", "2021-03-07T18:05:00+01:00"),
    ("2021年3月7日", "2021-03-07"),  # Chinese, Japanese, Korean
    ("2021年3月7日 18時05分", "2021-03-07T18:05:00+01:00"),
    ("2021년 3월 7일", "2021-03-07"),
    ("07-03-2021", "2021-03-07"),  # dashes: the day first
    ("12-25-2021", "2021-12-25"),  # unless the day cannot be a month
    ("Sun, 03/07/21 - 18:05", "2021-03-07T18:05:00+01:00"),  # slashes, a two-digit year
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
        "February 24, 2020 13:25 pm",
        "14.02.2112:30",
        "2021/13/07",
        "18:05",
        "10.000 Euro",
        "3-4-5",
        "14.02.213",
        "x" * 500,
    ],
)
def test_not_dates(text: str | None) -> None:
    """Impossible dates and sentences that merely contain a date give None, never a guess."""
    assert parse_date(text) is None


def test_day_first_reads_slashes_the_other_way() -> None:
    """``03/05/2022`` is Drupal's month-first display unless the page writes the day first."""
    assert parse_date("03/05/2022 21:44") == "2022-03-05T21:44:00+01:00"
    assert parse_date("03/05/2022 21:44", day_first=True) == "2022-05-03T21:44:00+02:00"
    assert parse_date("26/10/13, 03:48 pm") is None  # no 26th month
    assert parse_date("26/10/13, 03:48 pm", day_first=True) == "2013-10-26T15:48:00+02:00"


def test_the_same_moment_is_shown_in_the_page_zone() -> None:
    """A UTC timestamp and the page's clock showing the same minutes give the moment in the
    page's zone (applied once); a different minute or no time gives nothing."""
    shown = parse_date("February 24, 2020 | 9:25pm")
    assert shown is not None
    assert same_moment_shown("2020-02-25T02:25:54+00:00", shown) == "2020-02-24T21:25:54-05:00"
    assert same_moment_shown("2020-02-25T02:26:54+00:00", shown) is None
    assert same_moment_shown("2020-02-25", shown) is None


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("By Tom Sample | Published: 3. März 2015 | Comments closed", "2015-03-03"),
        ("⋅ March 3, 2015 ⋅ Email this post ⋅ Print", "2015-03-03"),
        ("Anna Example / 03.03.2015 / 17:20 / Photo: Example", "2015-03-03"),
        ("03.03.15 / 2 comments", "2015-03-03"),
        (
            "Written: 2015-03-03 17:20:11 / Updated: 2015-03-04 09:00:00",
            "2015-03-03T17:20:11+01:00",
        ),
    ],
)
def test_a_meta_line_shows_its_date(line: str, iso: str) -> None:
    """A date is read out of a meta line whose parts are split by |, ·, ⋅ or /."""
    assert shown_date(line) == iso
