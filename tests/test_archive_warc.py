"""WarcWriter: what is written can be read back with warcio, byte for byte and link for link."""

from __future__ import annotations

import gzip
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import WarcWriter, parse_warc_name, payload_digest_of
from core.errors import UsageError
from core.model import Exchange
from tests import provenance_archive

T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
HTML = "<html><body><p>Ереван – Baku: peace talks</p></body></html>".encode()


class FixedWriter(provenance_archive.FixedWriter):
    """The shared deterministic writer, starting at this module's ``T0``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, start=T0, **kwargs)


def make_exchange(
    url: str = "https://www.commonspace.eu/news/peace-talks",
    body: bytes = HTML,
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),),
    status: int = 200,
    reason: str = "OK",
    truncated: str | None = None,
    http_version: str = "HTTP/1.1",
) -> Exchange:
    """An exchange as the fetcher would produce it."""
    return Exchange(
        method="GET",
        url=url,
        request_headers=(
            ("Host", "www.commonspace.eu"),
            ("User-Agent", "test-agent/1.0"),
            ("Cookie", "session=secret"),
            ("Authorization", "Basic c2VjcmV0"),
            ("Accept-Encoding", "gzip"),
        ),
        http_version=http_version,
        status=status,
        reason=reason,
        response_headers=headers,
        body=body,
        started_at=T0,
        truncated=truncated,
        ip_address="127.0.0.1",
    )


def gzip_exchange() -> Exchange:
    """A response the server sent gzip-compressed."""
    return make_exchange(
        url="https://www.commonspace.eu/news/gzipped",
        body=gzip.compress(HTML, mtime=0),
        headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
    )


def chunked_exchange() -> Exchange:
    """A response the server sent chunked (the fetcher has already de-chunked the body)."""
    return make_exchange(
        url="https://www.commonspace.eu/news/chunked",
        headers=(("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")),
    )


def records(path: Path) -> list[tuple[Any, bytes]]:
    """(record, raw payload) of every record in a WARC file."""
    out = []
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            out.append((rec, rec.raw_stream.read()))
    return out


def warcio_check(path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``warcio check -v`` on ``path`` in a separate interpreter."""
    code = "import sys; from warcio.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, "check", "-v", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, list[Any], list[Exchange]]:
    """Four exchanges (plain, gzip, chunked, truncated) written into one closed file."""
    exchanges = [
        make_exchange(),
        gzip_exchange(),
        chunked_exchange(),
        make_exchange(
            url="https://www.commonspace.eu/news/cut", body=HTML[:20], truncated="length"
        ),
    ]
    with FixedWriter(tmp_path, host="www.commonspace.eu") as writer:
        captures = [writer.write_exchange(ex) for ex in exchanges]
        names = writer.close()
    assert len(names) == 1
    return tmp_path / names[0], captures, exchanges


def test_record_types_and_order(written: tuple[Path, list[Any], list[Exchange]]) -> None:
    """A file is a warcinfo record followed by one response + request pair per exchange."""
    path, _, _ = written
    types = [rec.rec_type for rec, _ in records(path)]
    assert types == ["warcinfo"] + ["response", "request"] * 4


def test_warcinfo_names_final_file_and_software(tmp_path: Path) -> None:
    """warcinfo carries the final file name, software, operator, user agent and robots policy."""
    with FixedWriter(
        tmp_path,
        host="127.0.0.1:54321",
        operator="Jane Doe <jane@example.org>",
        user_agent="commonspace-scraper/0.1.0 (+mailto:jane@example.org)",
        robots_policy="obey",
        extra_info={"description": "test crawl"},
    ) as writer:
        writer.write_exchange(make_exchange())
    (name,) = writer.files
    assert name.endswith("-00000-127.0.0.1_54321.warc.gz")
    rec, payload = records(tmp_path / name)[0]
    assert rec.rec_headers.get_header("WARC-Filename") == name
    text = payload.decode()
    assert "software: commonspace-scraper/0.1.0" in text
    assert "format: WARC File Format 1.1" in text
    assert "conformsTo: https://iipc.github.io/" in text
    assert "operator: Jane Doe <jane@example.org>" in text
    assert "http-header-user-agent: commonspace-scraper/0.1.0 (+mailto:jane@example.org)" in text
    assert "robots: obey" in text
    assert "description: test crawl" in text


def test_request_and_response_are_linked(written: tuple[Path, list[Any], list[Exchange]]) -> None:
    """Each request names its response, written just before it, in WARC-Concurrent-To; both
    carry URL, date and IP."""
    path, captures, exchanges = written
    recs = [rec for rec, _ in records(path)][1:]
    for i, (resp, req) in enumerate(zip(recs[0::2], recs[1::2], strict=True)):
        assert req.rec_headers.get_header("WARC-Concurrent-To") == captures[i].record_id
        assert resp.rec_headers.get_header("WARC-Record-ID") == captures[i].record_id
        for rec in (req, resp):
            assert rec.rec_headers.get_header("WARC-Target-URI") == exchanges[i].url
            assert rec.rec_headers.get_header("WARC-Date") == "2024-05-01T12:00:00.123456Z"
            assert rec.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"


def test_payload_digest_is_over_stored_body(
    written: tuple[Path, list[Any], list[Exchange]],
) -> None:
    """WARC-Payload-Digest is the sha1 of exactly Exchange.body (gzip bytes if gzip was sent)."""
    path, captures, exchanges = written
    responses = [(rec, body) for rec, body in records(path) if rec.rec_type == "response"]
    for (rec, body), cap, ex in zip(responses, captures, exchanges, strict=True):
        assert body == ex.body
        digest = rec.rec_headers.get_header("WARC-Payload-Digest")
        assert digest == payload_digest_of(ex.body) == cap.payload_digest
        assert rec.rec_headers.get_header("WARC-Block-Digest").startswith("sha1:")


def test_gzip_body_kept_compressed(written: tuple[Path, list[Any], list[Exchange]]) -> None:
    """A gzip response keeps Content-Encoding and its compressed body; decoding gives the page."""
    path, _, _ = written
    rec, body = [r for r in records(path) if r[0].rec_type == "response"][1]
    assert rec.http_headers.get_header("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == HTML


def test_chunked_header_renamed(written: tuple[Path, list[Any], list[Exchange]]) -> None:
    """Transfer-Encoding becomes X-Orig-Transfer-Encoding since the stored body is de-chunked."""
    path, _, _ = written
    rec, body = [r for r in records(path) if r[0].rec_type == "response"][2]
    assert rec.http_headers.get_header("Transfer-Encoding") is None
    assert rec.http_headers.get_header("X-Orig-Transfer-Encoding") == "chunked"
    assert body == HTML


def test_truncated_body_is_marked(written: tuple[Path, list[Any], list[Exchange]]) -> None:
    """A truncated body gets WARC-Truncated with the reason; complete ones get none."""
    path, _, _ = written
    responses = [rec for rec, _ in records(path) if rec.rec_type == "response"]
    assert [r.rec_headers.get_header("WARC-Truncated") for r in responses] == [
        None,
        None,
        None,
        "length",
    ]


def test_request_record_has_no_credentials(
    written: tuple[Path, list[Any], list[Exchange]],
) -> None:
    """Request records keep the request line and headers but never Cookie or Authorization."""
    path, _, _ = written
    req = next(rec for rec, _ in records(path) if rec.rec_type == "request")
    assert req.http_headers.protocol == "GET"
    assert req.http_headers.statusline == "/news/peace-talks HTTP/1.1"
    names = [k.lower() for k, _ in req.http_headers.headers]
    assert names == ["host", "user-agent", "accept-encoding"]


def test_capture_points_at_response(written: tuple[Path, list[Any], list[Exchange]]) -> None:
    """Capture.offset/length delimit the response's gzip member; seeking there reads it."""
    path, captures, exchanges = written
    data = path.read_bytes()
    for cap, ex in zip(captures, exchanges, strict=True):
        assert cap.warc_file == path.name
        assert cap.fetched_at == "2024-05-01T12:00:00.123456Z"
        assert cap.status == 200
        member = data[cap.offset : cap.offset + cap.length]
        assert gzip.decompress(member).startswith(b"WARC/1.1\r\nWARC-Type: response\r\n")
        with path.open("rb") as fh:
            fh.seek(cap.offset)
            rec = next(iter(ArchiveIterator(fh)))
            assert rec.rec_headers.get_header("WARC-Record-ID") == cap.record_id
            assert rec.raw_stream.read() == ex.body


def test_warcio_check_passes(written: tuple[Path, list[Any], list[Exchange]]) -> None:
    """`warcio check` verifies every block and payload digest in the file."""
    path, _, _ = written
    result = warcio_check(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("digest pass") == 9


def test_rotation_starts_new_files_with_warcinfo(tmp_path: Path) -> None:
    """Past max_bytes a new file is started; every file begins with its own warcinfo."""
    with FixedWriter(tmp_path, host="www.commonspace.eu", max_bytes=1500) as writer:
        captures = [
            writer.write_exchange(make_exchange(url=f"https://x.test/{i}")) for i in range(6)
        ]
    names = writer.files
    assert len(names) >= 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert [parse_warc_name(n).serial for n in names] == list(range(len(names)))  # type: ignore[union-attr]
    seen = set()
    for name in names:
        recs = records(tmp_path / name)
        assert recs[0][0].rec_type == "warcinfo"
        assert recs[0][0].rec_headers.get_header("WARC-Filename") == name
        seen |= {r.rec_headers.get_header("WARC-Record-ID") for r, _ in recs}
    assert {c.record_id for c in captures} <= seen
    assert {c.warc_file for c in captures} == set(names)


def test_file_is_open_until_closed(tmp_path: Path) -> None:
    """While written, a file is NAME.warc.gz.open; close() renames it to NAME.warc.gz."""
    writer = FixedWriter(tmp_path, host="www.commonspace.eu")
    assert list(tmp_path.iterdir()) == []  # nothing until the first record
    cap = writer.write_exchange(make_exchange())
    assert [p.name for p in tmp_path.iterdir()] == [cap.warc_file + ".open"]
    assert writer.current_file == cap.warc_file
    assert writer.close() == [cap.warc_file]
    assert [p.name for p in tmp_path.iterdir()] == [cap.warc_file]
    assert writer.close() == [cap.warc_file]  # idempotent
    with pytest.raises(ValueError):
        writer.write_exchange(make_exchange())


def test_records_are_readable_before_close(tmp_path: Path) -> None:
    """Each call leaves complete, flushed records: the .open file reads back mid-crawl."""
    with FixedWriter(tmp_path, host="www.commonspace.eu") as writer:
        cap = writer.write_exchange(make_exchange())
        recs = records(tmp_path / (cap.warc_file + ".open"))
        assert [r.rec_type for r, _ in recs] == ["warcinfo", "response", "request"]


def test_serial_continues_and_stale_open_left_alone(tmp_path: Path) -> None:
    """A new writer never appends: it takes the next serial, leaving a stale .open untouched."""
    with FixedWriter(tmp_path, host="www.commonspace.eu") as first:
        first.write_exchange(make_exchange())
    stale = tmp_path / "commonspace-20240101000000000000-00004-www.commonspace.eu.warc.gz.open"
    stale.write_bytes(b"half a record")
    with FixedWriter(tmp_path, host="www.commonspace.eu") as second:
        cap = second.write_exchange(make_exchange())
    assert parse_warc_name(cap.warc_file).serial == 5  # type: ignore[union-attr]
    assert stale.read_bytes() == b"half a record"
    assert len(list(tmp_path.iterdir())) == 3


def test_metadata_record_refers_to_response(tmp_path: Path) -> None:
    """A metadata record carries the JSON and points at its response with WARC-Refers-To."""
    payload = b'{"url": "https://www.commonspace.eu/news/peace-talks"}'
    with FixedWriter(tmp_path, host="www.commonspace.eu") as writer:
        cap = writer.write_exchange(make_exchange())
        rid = writer.write_metadata(cap, "https://www.commonspace.eu/news/peace-talks", payload)
    rec, body = records(tmp_path / cap.warc_file)[-1]
    assert rec.rec_type == "metadata"
    assert rec.rec_headers.get_header("WARC-Record-ID") == rid
    assert rec.rec_headers.get_header("WARC-Refers-To") == cap.record_id
    assert rec.rec_headers.get_header("Content-Type") == "application/json"
    assert rec.rec_headers.get_header("WARC-Target-URI").endswith("/news/peace-talks")
    assert body == payload
    assert warcio_check(tmp_path / cap.warc_file).returncode == 0


def test_deterministic_output(tmp_path: Path) -> None:
    """With fixed ids and clock, two writers produce identical bytes (apart from the name)."""
    outputs = []
    for sub in ("a", "b"):
        with FixedWriter(tmp_path / sub, host="www.commonspace.eu") as writer:
            cap = writer.write_exchange(gzip_exchange())
        outputs.append((tmp_path / sub / cap.warc_file).read_bytes())
    assert outputs[0] == outputs[1]


def test_header_bytes_round_trip(tmp_path: Path) -> None:
    """Non-ASCII header bytes (decoded as latin-1 by the fetcher) are written back unchanged."""
    value = 'attachment; filename="Ереван.pdf"'.encode().decode("latin-1")
    ex = make_exchange(headers=(("Content-Disposition", value),), reason="")
    with FixedWriter(tmp_path, host="h") as writer:
        cap = writer.write_exchange(ex)
    block = gzip.decompress((tmp_path / cap.warc_file).read_bytes()[cap.offset :])
    assert b'filename="\xd0\x95\xd1\x80' in block
    assert b"\r\nHTTP/1.1 200 \r\n" in block


def test_http2_written_as_http11_with_protocol(tmp_path: Path) -> None:
    """An HTTP/2 exchange is stored in HTTP/1.1 form with WARC-Protocol: h2."""
    with FixedWriter(tmp_path, host="h") as writer:
        cap = writer.write_exchange(make_exchange(http_version="HTTP/2"))
    resp = next(r for r, _ in records(tmp_path / cap.warc_file) if r.rec_type == "response")
    assert resp.http_headers.protocol == "HTTP/1.1"
    assert resp.rec_headers.get_header("WARC-Protocol") == "h2"


def test_records_survive_sigkill(tmp_path: Path) -> None:
    """Every capture returned before the process is killed is readable in the .open file."""
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
from pathlib import Path
from tests.test_archive_warc import FixedWriter, make_exchange
w = FixedWriter(Path({str(tmp_path)!r}), host="h")
for i in range(3):
    print(w.write_exchange(make_exchange(url=f"https://x.test/{{i}}")).record_id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert proc.returncode == -9, proc.stderr
    ids = proc.stdout.split()
    (path,) = tmp_path.iterdir()
    assert path.name.endswith(".warc.gz.open")
    found = {rec.rec_headers.get_header("WARC-Record-ID") for rec, _ in records(path)}
    assert len(ids) == 3 and set(ids) <= found


def test_concurrent_calls_keep_pairs_together(tmp_path: Path) -> None:
    """Calls from several threads are serialised: each request sits right before its response."""
    with WarcWriter(tmp_path, host="h") as writer:

        def work(t: int) -> None:
            for i in range(10):
                writer.write_exchange(make_exchange(url=f"https://x.test/{t}/{i}"))

        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    (name,) = writer.files
    recs = [rec for rec, _ in records(tmp_path / name)][1:]
    assert len(recs) == 80
    for resp, req in zip(recs[0::2], recs[1::2], strict=True):
        assert req.rec_headers.get_header("WARC-Concurrent-To") == resp.rec_headers.get_header(
            "WARC-Record-ID"
        )


def test_bad_prefix_is_a_usage_error(tmp_path: Path) -> None:
    """A prefix that cannot be part of a file name is refused up front."""
    with pytest.raises(UsageError):
        WarcWriter(tmp_path, host="h", prefix="../evil")
