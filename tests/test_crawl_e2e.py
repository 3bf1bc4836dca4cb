"""End to end: `scrape section` against the sample site over real HTTP, then the artefacts."""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner, Result
from warcio.archiveiterator import ArchiveIterator

from archive import Index, iter_records
from cli import app
from tests.samplesite import ArticleTruth, SampleSite

SECTION = "region/south-caucasus"


@dataclass
class Crawl:
    archive: Path
    exit_code: int
    output: str
    requests: list[tuple[str, str, int]]


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def run_cli(*args: str) -> tuple[int, str]:
    """Exit code and the interleaved stdout + stderr of one `scrape` command."""
    result = invoke(*args)
    return result.exit_code, result.output


def crawl(site: SampleSite, base: str, archive: Path, *extra: str) -> Crawl:
    before = len(site.request_log)
    code, output = run_cli(
        "section", SECTION, "--base-url", base, "--archive", str(archive), "--delay", "0", *extra
    )
    return Crawl(archive, code, output, list(site.request_log[before:]))


@pytest.fixture(scope="module")
def first(
    sample_site: SampleSite, site_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Crawl:
    return crawl(sample_site, site_url, tmp_path_factory.mktemp("e2e") / "archive")


def latest(archive: Path) -> dict[str, dict]:
    with Index.open(archive) as index:
        return {a["url"]: a for a in index.latest_articles()}


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_crawl_succeeds_with_summary(first: Crawl) -> None:
    """A section crawl exits 0 and prints the summary."""
    assert first.exit_code == 0, first.output
    assert "articles" in first.output and "WARC file " in first.output


def test_every_listed_article_is_archived(first: Crawl, sample_site: SampleSite) -> None:
    """Every article the section lists ends up in the archive, and nothing else does."""
    truth = {a.url_path for a in sample_site.section_articles(SECTION)}
    got = {path_of(u) for u in latest(first.archive)}
    assert got == truth


def test_each_article_fetched_once(first: Crawl, sample_site: SampleSite) -> None:
    """An article listed several times, under several URL spellings, is fetched once."""
    article_paths = {a.url_path for a in sample_site.articles}
    fetched = Counter(
        urlsplit(path).path.removeprefix("/index.php")
        for _m, path, _s in first.requests
        if urlsplit(path).path.removeprefix("/index.php") in article_paths
    )
    assert fetched, "no article was fetched"
    assert max(fetched.values()) == 1


def test_fields_match_the_site(first: Crawl, sample_site: SampleSite) -> None:
    """Title, lede, body, source, photo, date and type match what the site published."""
    by_path: dict[str, ArticleTruth] = {a.url_path: a for a in sample_site.articles}
    articles = latest(first.archive)
    assert articles
    for url, got in articles.items():
        want = by_path[path_of(url)]
        assert got["title"] == want.title.strip(), url
        assert got["lede"] == want.lede, url
        assert got["body"] == list(want.body), url
        assert got["node_id"] == want.node_id, url
        assert got["published"] is not None and got["published"][:19] == want.published[:19]
        assert got["type"] == want.type, url
        assert got["section"] == want.section, url
        if want.source_text is None:
            assert got["source"] is None, url
        else:
            assert got["source"]["agencies"] == want.source_agencies, url
            outlets = [(o["name"], o["place"]) for o in got["source"]["outlets"]]
            assert outlets == [tuple(o) for o in want.source_outlets], url
        got_quotes = {q["text"]: q["speaker"] for q in got["quotes"]}
        for text, speaker in want.quotes:
            if len(text.split()) >= 4:  # shorter ones are scare quotes, skipped by design
                assert got_quotes.get(text, "missing") == speaker, (url, text)
        for block in ("related", "popular"):
            for item in got[block]:
                assert item["title"] not in " ".join(got["body"]), url


def test_article_json_files_written(first: Crawl) -> None:
    """Each article's latest JSON is also a file under articles/ that loads as JSON."""
    files = list((first.archive / "articles").rglob("*.json"))
    assert len(files) == len(latest(first.archive))
    doc = json.loads(files[0].read_text("utf-8"))
    assert doc["schema_version"] == 1 and doc["capture"]["warc_file"].endswith(".warc.gz")


def warc_files(archive: Path) -> list[Path]:
    return sorted((archive / "warc").glob("*.warc.gz"))


def test_warc_files_are_valid(first: Crawl) -> None:
    """`warcio check` passes and no `.open` file is left behind."""
    files = warc_files(first.archive)
    assert files
    assert not list((first.archive / "warc").glob("*.open"))
    warcio = Path(sys.executable).with_name("warcio")
    for f in files:
        done = subprocess.run([str(warcio), "check", str(f)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_warc_records_are_linked(first: Crawl) -> None:
    """warcinfo first; each response has its request; each metadata record refers to one."""
    for f in warc_files(first.archive):
        with f.open("rb") as fh:
            records = [(r.rec_type, dict(r.rec_headers.headers)) for r in ArchiveIterator(fh)]
        assert records[0][0] == "warcinfo"
        assert records[0][1]["WARC-Filename"] == f.name
        ids = {h["WARC-Record-ID"]: t for t, h in records}
        for rtype, headers in records:
            if rtype == "request":
                assert ids[headers["WARC-Concurrent-To"]] == "response"
            if rtype == "metadata":
                assert ids[headers["WARC-Refers-To"]] == "response"
        responses = sum(1 for t, _ in records if t == "response")
        requests = sum(1 for t, _ in records if t == "request")
        assert responses == requests > 0


def test_warc_payloads_are_what_the_site_served(first: Crawl, sample_site: SampleSite) -> None:
    """The decoded payload of every response record is byte for byte what the site sent."""
    base_len = 0
    checked = 0
    for f in warc_files(first.archive):
        for rec in iter_records(f):
            if rec.rec_type != "response":
                continue
            parts = urlsplit(rec.target_uri)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            served = sample_site.served_bodies.get(target)
            assert served, target
            assert rec.payload in served, target
            checked += 1
    assert checked > base_len


def test_gzip_and_chunked_are_stored_faithfully(first: Crawl) -> None:
    """gzip bodies stay gzip with their header; chunked ones are de-chunked and say so."""
    gz = chunked = 0
    for f in warc_files(first.archive):
        for rec in iter_records(f):
            if rec.rec_type != "response":
                continue
            if (rec.http_header("Content-Encoding") or "").lower() == "gzip":
                assert rec.body[:2] == b"\x1f\x8b"
                assert gzip.decompress(rec.body) == rec.payload
                gz += 1
            if rec.http_header("X-Orig-Transfer-Encoding"):
                assert rec.http_header("Transfer-Encoding") is None
                chunked += 1
    assert gz > 0 and chunked > 0


def test_captures_point_at_their_records(first: Crawl) -> None:
    """An article's `capture` names the WARC file and offset of the response it came from."""
    for doc in list(latest(first.archive).values())[:10]:
        cap = doc["capture"]
        with (first.archive / "warc" / cap["warc_file"]).open("rb") as fh:
            fh.seek(cap["offset"])
            rec = next(iter(ArchiveIterator(fh)))
            assert rec.rec_type == "response"
            assert rec.rec_headers.get_header("WARC-Record-ID") == cap["record_id"]
            assert rec.rec_headers.get_header("WARC-Payload-Digest") == cap["payload_digest"]


def test_second_run_finds_everything_unchanged(
    first: Crawl, sample_site: SampleSite, site_url: str
) -> None:
    """Crawling again records no new version (Related changes are not edits) in a new file."""
    before = set(warc_files(first.archive))
    again = crawl(sample_site, site_url, first.archive)
    assert again.exit_code == 0, again.output
    assert "0 new" in again.output and "0 updated" in again.output
    after = set(warc_files(first.archive))
    assert before < after


def test_pages_limit(sample_site: SampleSite, site_url: str, tmp_path: Path) -> None:
    """--pages 1 reads one listing page and only the articles on it."""
    done = crawl(sample_site, site_url, tmp_path / "a", "--pages", "1", "--concurrency", "4")
    assert done.exit_code == 0, done.output
    listing_requests = [p for _m, p, _s in done.requests if p.startswith("/region/")]
    assert len(listing_requests) == 1
    page0 = {a.url_path for a in sample_site.listing_page(SECTION, 0)}
    assert {path_of(u) for u in latest(tmp_path / "a")} == page0


def test_soft_404_is_not_an_article(site_url: str, tmp_path: Path) -> None:
    """A stale article URL answering with a listing is recorded as a soft 404, not archived."""
    code, output = run_cli(
        "article",
        site_url + "/news/no-such-article-here",
        "--base-url",
        site_url,
        "--archive",
        str(tmp_path / "a"),
        "--delay",
        "0",
    )
    assert code == 1, output
    assert "soft 404" in output.lower()
    assert latest(tmp_path / "a") == {}
    with Index.open(tmp_path / "a") as index:
        kinds = [f.kind for f in index.open_failures()]
    assert kinds == ["soft404"]


def test_export_jsonl_and_csv(first: Crawl, tmp_path: Path) -> None:
    """export writes one JSON object per article, and a CSV with the same rows."""
    out = tmp_path / "all.jsonl"
    code, output = run_cli("export", "--archive", str(first.archive), "--out", str(out))
    assert code == 0, output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == len(latest(first.archive))
    result = invoke("export", "--archive", str(first.archive), "--format", "csv")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["url"] for r in table} == {r["url"] for r in rows}


def test_parse_command_reads_a_saved_page(sample_site: SampleSite, tmp_path: Path) -> None:
    """`scrape parse FILE --url URL` prints the article JSON of a saved page."""
    truth = sample_site.articles[0]
    page = tmp_path / "page.html"
    page.write_bytes(sample_site.render_article(truth.node_id))
    code, output = run_cli(
        "parse", str(page), "--url", "https://www.commonspace.eu" + truth.url_path
    )
    assert code == 0, output
    doc = json.loads(output)
    assert doc["kind"] in ("article", "live_blog")
    assert doc["title"] == truth.title.strip()


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["section", "atlantis"], 2, "unknown section"),
        (["section", "voices", "--delay", "-1"], 2, "--delay"),
        (["section", "voices", "--since", "yesterday"], 2, "--since"),
        (["parse", "/no/such/file.html"], 2, "/no/such/file.html"),
        (["export", "--archive", "/no/such/archive"], 3, "no archive"),
    ],
)
def test_bad_input_is_one_clear_line(args: list[str], code: int, needle: str) -> None:
    """Bad input gives a one-line error with a distinct exit code, never a traceback."""
    got, output = run_cli(*args)
    assert got == code, output
    assert needle in output
    assert "Traceback" not in output


def test_archive_that_is_a_file(site_url: str, tmp_path: Path) -> None:
    """An --archive path that is a file is refused with the archive exit code."""
    path = tmp_path / "file"
    path.write_text("x")
    code, output = run_cli(
        "section", "voices", "--base-url", site_url, "--archive", str(path), "--delay", "0"
    )
    assert code == 3, output
    assert str(path) in output


def test_every_command_has_help() -> None:
    """Every command explains itself in --help."""
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, name
        code, output = run_cli(name, "--help")
        assert code == 0 and "Usage" in output, name


def test_sections_lists_urls() -> None:
    """`scrape sections` names the listings with their URLs."""
    code, output = run_cli("sections", "--base-url", "https://www.commonspace.eu")
    assert code == 0
    assert "https://www.commonspace.eu/region/south-caucasus" in output
    assert "voices" in output


def test_since_stops_after_a_page_of_older_articles(
    sample_site: SampleSite, site_url: str, tmp_path: Path
) -> None:
    """--since learns dates from the articles and stops once a whole page is older."""
    listed = sample_site.section_articles(SECTION)
    per_page = len(sample_site.listing_page(SECTION, 0))
    cutoff = listed[per_page + per_page // 2].published[:10]  # in the middle of page 1
    done = crawl(sample_site, site_url, tmp_path / "a", "--since", cutoff)
    assert done.exit_code == 0, done.output
    pages = [p for _m, p, _s in done.requests if urlsplit(p).path == "/region/south-caucasus"]
    first_old_page = next(
        n for n in range(len(listed))
        if all(a.published[:10] < cutoff for a in sample_site.listing_page(SECTION, n))
    )  # fmt: skip
    assert len(pages) == first_old_page + 1
    assert "older than" in done.output
    newer = {a.url_path for a in listed if a.published[:10] >= cutoff}
    assert newer <= {path_of(u) for u in latest(tmp_path / "a")}
