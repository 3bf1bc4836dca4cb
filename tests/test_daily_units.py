"""The pure parts of daily archiving: change classification, the drift alarm, the schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.history import diff_versions, word_diff
from core.errors import EXIT_DRIFT, LayoutDrift, UsageError
from scraper.daily import Schedule, detect_drift, field_rates, read_toml

OLD = {
    "title": "Minister visits Baku",
    "lede": "The minister arrived on Monday.",
    "body": ['"We will build the bridge," the minister said.', "Talks went well."],
    "quotes": [{"text": "We will build the bridge,", "speaker": "the minister", "paragraph": 0}],
    "source": {"text": "source: commonspace.eu"},
}


def kinds(new: dict) -> set[str]:
    return {c.kind for c in diff_versions(OLD, {**OLD, **new})}


def test_word_diff_names_replaced_words() -> None:
    """word_diff reports only the words that differ."""
    (op,) = word_diff("talks went well today", "talks went badly today")
    assert (op.op, op.old, op.new) == ("replace", "well", "badly")


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        ({"title": "Minister visits Yerevan"}, {"headline"}),
        ({"lede": "The minister arrived on Tuesday."}, {"lede"}),
        ({"body": [OLD["body"][0], "Talks went badly."]}, {"body"}),
        ({"source": {"text": "source: commonspace.eu with agencies"}}, {"source line"}),
        ({"body": [*OLD["body"], "Correction: the visit was on Tuesday."]}, {"correction note"}),
        ({"body": ["The minister spoke.", "Talks went well."], "quotes": []},
         {"body", "quote removed"}),
        ({}, set()),
    ],
)  # fmt: skip
def test_changes_are_classified(new: dict, expected: set[str]) -> None:
    """Each kind of edit is named: headline, lede, body, source line, correction, quote."""
    assert kinds(new) == expected


def test_related_block_is_not_a_change() -> None:
    """A different Related block alone gives no change at all."""
    assert diff_versions(OLD, {**OLD, "related": [{"title": "x", "url": "u"}]}) == []


def test_drift_names_fields_missing_from_most_new_articles() -> None:
    """Fields usually present but missing from most new articles are reported; others are not."""
    usual = {"title": 1.0, "published": 0.98, "body": 1.0, "lede": 0.3, "source": 0.9}
    new = [{"title": "t", "body": ["b"], "lede": None, "published": None}] * 4
    assert set(detect_drift(usual, new)) == {"published", "source"}
    assert detect_drift(usual, new[:2]) == {}  # too few new articles to judge
    message = str(LayoutDrift(detect_drift(usual, new)))
    assert "published (0% of new articles, usually 98%)" in message
    assert LayoutDrift({}).exit_code == EXIT_DRIFT


def test_drift_names_fields_no_longer_read_from_the_sites_markup() -> None:
    """Bodies (or dates, titles) the generic layer gave instead of the site's own markup, in
    most new articles where the archive had them from the markup, are layout drift too;
    every field is still present, and the JSON is kept (the alarm is about the markup)."""
    old = {"title": "t", "body": ["b"], "published": "2025-01-01",
           "evidence": {"body": "rdfa", "title": "rdfa", "published": "rdfa"}}  # fmt: skip
    _, usual = field_rates([old] * 20)
    generic = {**old, "evidence": {"body": "generic", "title": "rdfa", "published": "url"}}
    drift = detect_drift(usual, [generic] * 3)
    assert set(drift) == {"body from the site's markup", "published from the site's markup"}
    assert drift["body from the site's markup"] == (1.0, 0.0)
    assert detect_drift(usual, [old] * 3) == {}
    assert "body from the site's markup (0% of new articles, usually 100%)" in str(
        LayoutDrift(drift)
    )


def test_schedule_is_keyed_to_publication_date() -> None:
    """Every run while young, then weekly up to 30 days, then never."""
    now = datetime(2025, 9, 30, tzinfo=UTC)
    s = Schedule()
    day = timedelta(days=1)
    assert s.due(now - 2 * day, now - timedelta(hours=1), now)
    assert not s.due(now - 10 * day, now - 2 * day, now)
    assert s.due(now - 10 * day, now - 8 * day, now)
    assert not s.due(now - 40 * day, now - 20 * day, now)


def test_toml_config_is_checked(tmp_path: Path) -> None:
    """A config file sets sections, feeds and the schedule; a bad one is a usage error."""
    path = tmp_path / "daily.toml"
    path.write_text('sections = ["voices"]\nfeeds = false\n[recheck]\ninterval_days = 2\n')
    opts = read_toml(path)
    assert opts == {"sections": ("voices",), "feeds": False, "schedule": Schedule(interval_days=2)}
    path.write_text("[recheck]\nhourly = 1\n")
    with pytest.raises(UsageError, match="recheck"):
        read_toml(path)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[recheck]\nuntil_days = 1e400\n", "until_days must be a whole number of days"),
        ("[recheck]\nuntil_days = 2.5\n", "until_days must be a whole number of days"),
        ("[recheck]\ninterval_days = 0\n", "interval_days must be from 1 to 3650 days, not 0"),
        ("[recheck]\nevery_run_days = -1\n", "every_run_days must be from 1 to 3650"),
        ("[recheck]\nuntil_days = 99999999999\n", "until_days must be from 1 to 3650"),
        ("[recheck]\nuntil_days = true\n", "until_days must be a whole number of days"),
        ("[recheck]\nevery_run_days = 9\nuntil_days = 5\n", "must not be more than until_days"),
        ("sections = []\n", "sections = [] names no section"),
        ('recheck = "no"\n', "unknown or malformed key 'recheck'"),
    ],
)
def test_config_values_are_range_checked(tmp_path: Path, text: str, said: str) -> None:
    """Out-of-range, fractional, huge or empty config values are usage errors naming the key
    and the file (never a traceback, never "all sections" for an empty list)."""
    path = tmp_path / "daily.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        read_toml(path)
    assert said in str(info.value) and str(path) in str(info.value)


def test_recheck_false_turns_rechecks_off(tmp_path: Path) -> None:
    """`recheck = false` gives a schedule under which nothing is ever due."""
    path = tmp_path / "daily.toml"
    path.write_text("recheck = false\n")
    schedule = read_toml(path)["schedule"]
    now = datetime(2025, 9, 30, tzinfo=UTC)
    assert not schedule.enabled and not schedule.due(now, now - timedelta(days=9), now)
