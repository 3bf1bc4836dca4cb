"""archive.quotes: exact and near matches, versions, speakers, and re-verified captures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import Index, QuoteQuery, failed_checks, find_quote
from core.errors import ArchiveError, UsageError
from tests.provenance_archive import ANALYSIS, BORDER, PEACE, QUOTE, build_archive


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The sample provenance archive."""
    build_archive(tmp_path / "archive")
    return tmp_path / "archive"


def flip_byte(path: Path, offset: int) -> None:
    """Change one byte of a file in place."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_exact_match_with_everything(archive: Path) -> None:
    """An exact quote finds its article with title, speaker, sentence and verified captures."""
    [m] = find_quote(archive, QuoteQuery(QUOTE))
    assert (m.url, m.kind, m.score) == (PEACE, "exact", 1.0)
    assert m.title == "Armenia and Azerbaijan resume peace talks"
    assert m.published == "2024-05-01T10:00:00+04:00"
    assert m.speaker == "the envoy"
    assert m.sentence == f"“{QUOTE},” the envoy said."
    assert len(m.captures) == 2 and m.verified
    assert [c.capture.fetched_at for c in m.captures] == [
        "2024-05-01T13:00:00.000000Z",
        "2024-05-01T14:00:00.000000Z",
    ]


def test_present_then_gone(archive: Path) -> None:
    """A quote edited out of a later version is reported as gone in that version."""
    [m] = find_quote(archive, QuoteQuery(QUOTE))
    assert [v.contains for v in m.versions] == [True, False]
    assert m.gone_in is not None and m.gone_in.number == 2
    assert m.version.number == 1


def test_curly_quotes_case_and_whitespace(archive: Path) -> None:
    """Straight vs curly quotes, case and extra whitespace still match fully."""
    text = '"we ARE   close to a deal,\nand nobody will stop it now"'
    [m] = find_quote(archive, QuoteQuery(text))
    assert (m.url, m.score, m.kind) == (PEACE, 1.0, "normalized")


def test_small_edit_is_a_near_match(archive: Path) -> None:
    """A quote with one word changed is a near match, ranked below 1.0."""
    [m] = find_quote(archive, QuoteQuery("We are near to a deal and nobody will stop it now"))
    assert m.url == PEACE and m.kind == "near" and 0.8 < m.score < 1.0


def test_quote_split_across_paragraphs(archive: Path) -> None:
    """A quote running over a paragraph break is found, with its speaker."""
    [m] = find_quote(archive, QuoteQuery("The border will be opened in the spring"))
    assert (m.url, m.kind, m.speaker) == (BORDER, "split", "the minister")
    assert "¶" in m.text


def test_ranking_and_unrelated(archive: Path) -> None:
    """Unrelated text finds nothing; a title phrase finds its article."""
    assert find_quote(archive, QuoteQuery("zebras dancing on the moon tonight")) == []
    [m] = find_quote(archive, QuoteQuery("The energy corridor"))
    assert m.url == ANALYSIS


def test_json_form(archive: Path) -> None:
    """to_dict gives the documented JSON: captures each with verified true/false."""
    [m] = find_quote(archive, QuoteQuery(QUOTE))
    d = json.loads(json.dumps(m.to_dict()))
    assert d["url"] == PEACE and d["speaker"] == "the envoy" and d["verified"] is True
    assert {"fetched_at", "warc_file", "offset", "record_id", "payload_digest"} <= set(
        d["captures"][0]
    )
    assert [c["verified"] for c in d["captures"]] == [True, True]
    assert d["gone_in"]["number"] == 2


def test_tampered_byte_is_caught(archive: Path) -> None:
    """Flipping a byte inside a captured record makes that capture unverified."""
    [m] = find_quote(archive, QuoteQuery(QUOTE))
    cap = m.captures[0].capture
    flip_byte(archive / "warc" / cap.warc_file, cap.offset + cap.length // 2)
    [m] = find_quote(archive, QuoteQuery(QUOTE))
    assert [c.check.status for c in m.captures] == ["tampered", "verified"]
    assert not m.verified and failed_checks([m]) == {"tampered"}


def test_missing_warc_file(archive: Path) -> None:
    """A deleted WARC file leaves the captures marked missing, not a crash."""
    for warc in (archive / "warc").iterdir():
        warc.unlink()
    [m] = find_quote(archive, QuoteQuery(QUOTE))
    assert {c.check.status for c in m.captures} == {"missing"}


def test_bad_input(tmp_path: Path, archive: Path) -> None:
    """A one-character quote, no archive and an empty archive are clear errors."""
    with pytest.raises(UsageError, match="too short"):
        find_quote(archive, QuoteQuery("a"))
    with pytest.raises(ArchiveError, match="scrape section"):
        find_quote(tmp_path / "nowhere", QuoteQuery(QUOTE))
    Index.open(tmp_path / "empty").close()
    with pytest.raises(ArchiveError, match="no articles"):
        find_quote(tmp_path / "empty", QuoteQuery(QUOTE))


def test_corrupt_index_says_reindex(archive: Path) -> None:
    """A corrupt index.sqlite gives an ArchiveError that says to run scrape reindex."""
    (archive / "index.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(ArchiveError, match="scrape reindex"):
        find_quote(archive, QuoteQuery(QUOTE))


def crowded_archive(root: Path) -> tuple[Path, str]:
    """300 versions rich in the quote's words, and one long article with the quote itself."""
    from core.model import Article

    quote = "the border commission will meet again in the spring to settle the last villages"
    noise = " ".join(reversed(quote.split())) + " hamlets. " + "border spring villages " * 5
    with Index.open(root) as index:
        for n in range(300):
            url = f"https://www.commonspace.eu/news/noise-{n}"
            index.record_article(Article(url, url, title=f"Noise {n}", body=(noise,)), "2024-01-01")
        url = "https://www.commonspace.eu/news/the-one"
        filler = tuple(f"Paragraph {i} about unrelated matters of trade." for i in range(40))
        body = (*filler[:20], f"An official said {quote} after the talks.", *filler[20:])
        index.record_article(Article(url, url, title="The one", body=body), "2024-01-02")
    return root, quote


def test_common_words_never_hide_the_article(tmp_path: Path) -> None:
    """The article with the exact words wins even when hundreds of others rank higher by words."""
    root, quote = crowded_archive(tmp_path)
    for text in (quote, quote.replace("villages", "hamlets")):
        matches = find_quote(root, QuoteQuery(text, verify=False))
        assert matches and matches[0].url.endswith("/the-one"), text


def _groups_best(qw: list[str], dw: list[str], slack: int) -> int:
    """The words of the best group ``_score`` forms (SequenceMatcher blocks on one diagonal)."""
    from difflib import SequenceMatcher

    blocks = [b for b in SequenceMatcher(None, qw, dw, autojunk=False).get_matching_blocks()
              if b.size]  # fmt: skip
    return max(
        (sum(b.size for b in blocks if abs((b.b - b.a) - (a.b - a.a)) <= slack) for a in blocks),
        default=0,
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("abcdef"), min_size=1, max_size=14),
    st.lists(st.sampled_from("abcdefgh"), max_size=60),
)
def test_diagonal_bound_never_below_the_matcher(qw: list[str], dw: list[str]) -> None:
    """The cheap bound that spares a document the matcher is never below what the matcher
    would find, so skipping on it cannot lose a match."""
    from archive.quotes import _most_on_a_diagonal

    slack = max(2, len(qw) // 4)
    assert _most_on_a_diagonal(qw, dw, slack) >= _groups_best(qw, dw, slack)


def test_diagonal_bound_is_tight_on_a_copy() -> None:
    """On the quote itself inside a document the bound counts exactly its words."""
    from archive.quotes import _most_on_a_diagonal

    qw = ["one", "two", "three", "four", "five", "six"]
    assert _most_on_a_diagonal(qw, ["x", "y", *qw, "z"], 2) == 6
    assert _most_on_a_diagonal(qw, ["x", "y", "z"], 2) == 0
