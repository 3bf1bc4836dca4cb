"""archive.quotes' shortcuts give the answers of the slow way: the C matcher, the ASCII
word pass, and ranking near matches without the runs FTS5's bm25 all but ignores."""

from __future__ import annotations

import difflib
from pathlib import Path

import cydifflib
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import Index, QuoteQuery, find_quote
from archive.quotes import _WORD, _candidates, _Doc, _ranked_runs, _shingles, fold, words
from core.model import Article

_TOKENS = st.sampled_from(["in", "the", "talks", "baku", "river", "said", "on", "s"])


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_TOKENS, min_size=1, max_size=20),
    st.lists(_TOKENS, max_size=120),
    st.booleans(),
)
def test_c_matcher_agrees_with_difflib(qw: list[str], dw: list[str], as_text: bool) -> None:
    """cydifflib's SequenceMatcher finds difflib's blocks and ratios, on word lists (the
    alignment) and on strings (the score), so swapping it in changed no answer."""
    a, b = (" ".join(qw), " ".join(dw)) if as_text else (qw, dw)
    slow = difflib.SequenceMatcher(None, a, b, autojunk=False)
    fast = cydifflib.SequenceMatcher(None, a, b, autojunk=False)
    assert [tuple(m) for m in fast.get_matching_blocks()] == [
        tuple(m) for m in slow.get_matching_blocks()
    ]
    assert (fast.ratio(), fast.quick_ratio(), fast.real_quick_ratio()) == (
        slow.ratio(),
        slow.quick_ratio(),
        slow.real_quick_ratio(),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="aZ é’ß\u0301İ-9_.", max_size=30), max_size=5))
def test_doc_words_are_folded_words(paragraphs: list[str]) -> None:
    """The one-pass lower-casing of an ASCII text gives the words fold() gives one by one."""
    doc = _Doc({"title": "T", "body": paragraphs})
    assert doc.words == [fold(w) for seg in doc.segments for w in _WORD.findall(seg)]


STOCK = "as the talks went on through the night"
QUOTE = "officials in gyumri said as the talks went on the river border stayed shut"


def stock_archive(root: Path, holders: int, others: int) -> None:
    """``holders`` versions with part of the quote after the stock sentence, ``others`` with the
    stock sentence only, and 10 without it: the stock run is in more than half the rows."""
    qw = QUOTE.split()
    with Index.open(root) as index:
        for n in range(holders + others + 10):
            url = f"https://www.commonspace.eu/news/a-{n}"
            if n < holders:  # each keeps a different share of the quote's other words
                kept = " ".join(qw[: 4 + n % 6]) + " and " + " ".join(qw[6 + n % 5 :])
                body = (f"{STOCK}.", f"{kept}.", f"Filler number {n} " * (1 + n % 4))
            elif n < holders + others:
                body = (f"{STOCK}.", f"Filler number {n} " * (1 + n % 7))
            else:
                body = (f"Paragraph {n} on trade.",)
            index.record_article(Article(url, url, title=f"A {n}", body=body), "2024-01-01")


def reference(index: Index, qw: list[str], limit: int) -> list[str]:
    """What the shingle stage found before: one OR of every run, bm25-ranked."""
    return [u for _, u in index.search_urls(" OR ".join(_shingles(qw)), limit)]


def test_stock_run_is_left_out_of_the_ranking(tmp_path: Path) -> None:
    """A run in more than half of the versions is ranked without: every candidate the single
    query gave is still there, in its order; the only extras are tied with the last one."""
    stock_archive(tmp_path, holders=40, others=30)
    qw = words("as the talks went on the river border stayed shut in gyumri")
    with Index.open_readonly(tmp_path) as index:
        rare, stock = _ranked_runs(index, _shingles(qw))
        assert '"as the talks went"' in stock and rare  # the stock sentence, and a run that
        for run in stock:  # every holder has (40 of 80 rows): IDF 1e-6 at half the rows too
            assert index.count_matches(run, 1000) >= 40
        got, before = _candidates(index, qw, 20), reference(index, qw, 20)
        assert set(before) <= set(got) and len(got) > 20  # this archive has ties at the cut
        rows = index._conn.execute(
            "SELECT v.url, bm25(versions_fts) FROM versions_fts JOIN versions v"
            " ON v.id = versions_fts.rowid WHERE versions_fts MATCH ?",
            (" OR ".join(rare),),
        ).fetchall()
        score = dict(rows)
        last = max(score[u] for u in before)
        assert all(abs(score[u] - last) < 1e-5 for u in set(got) - set(before))
        assert [u for u in got if u in before][:12] == before[:12]  # the untied head


def test_few_rare_holders_are_topped_up(tmp_path: Path) -> None:
    """When the other runs fill fewer places than asked, the versions holding only the stock
    run follow, in the order the single query gave them."""
    stock_archive(tmp_path, holders=5, others=60)
    qw = words("as the talks went on the river border stayed shut in gyumri")
    with Index.open_readonly(tmp_path) as index:
        got = _candidates(index, qw, 30)
        assert len(got) == 30
        assert got == reference(index, qw, 30)


def test_no_run_dropped_below_half(tmp_path: Path) -> None:
    """A run in fewer than half of the versions keeps its weight: one query as before."""
    stock_archive(tmp_path, holders=10, others=20)  # the stock run: in 30 rows of 40, then
    with Index.open(tmp_path) as index:  # of 120 (a quarter)
        for n in range(80):
            url = f"https://www.commonspace.eu/news/b-{n}"
            index.record_article(Article(url, url, title="B", body=("Other text.",)), "2024-01-01")
    qw = words("as the talks went on the river border stayed shut in gyumri")
    with Index.open_readonly(tmp_path) as index:
        assert index.count_matches('"as the talks went"', 1000) == 30
        assert index.count_matches('"as the talks went"', 7) == 7
        assert _ranked_runs(index, _shingles(qw)) == (_shingles(qw), [])
        assert _candidates(index, qw, 20) == reference(index, qw, 20)


def test_near_quote_found_past_the_stock_run(tmp_path: Path) -> None:
    """End to end: the article holding the quote with one word changed comes first."""
    stock_archive(tmp_path, holders=40, others=30)
    url = "https://www.commonspace.eu/news/the-one"
    with Index.open(tmp_path) as index:
        body = (f"{STOCK}.", f"{QUOTE}, a spokesman added.")
        index.record_article(Article(url, url, title="The one", body=body), "2024-01-02")
    near = QUOTE.replace("stayed", "remained")
    matches = find_quote(tmp_path, QuoteQuery(near, verify=False))
    assert matches and matches[0].url == url and matches[0].kind == "near"
