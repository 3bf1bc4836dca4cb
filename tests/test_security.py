"""The scraper cannot be turned against its user: addresses, cookies, terminals, CSV, XML."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from archive import WarcWriter, iter_records
from archive.export import CSV_COLUMNS, csv_row, safe_cell
from core.errors import OffSiteError, ParseError, UsageError
from core.sanitize import for_terminal, strip_controls
from scraper.config import CrawlConfig
from scraper.fetch import Fetcher
from scraper.parse.feed import parse_feed
from scraper.robots import RobotsRules
from scraper.sitepolicy import SitePolicy
from scraper.transport import GuardedTransport, is_global, make_client, no_cookies
from tests.samplesite import SampleSite
from tests.samplesite import faults as f

BASE = "https://www.commonspace.eu"
UA = "commonspace-scraper/0.1.0 (+https://github.com/links-europe/commonspace-scraper)"


# ---------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("224.0.0.1", False),
        ("not-an-ip", False),
    ],
)
def test_is_global(address: str, ok: bool) -> None:
    """Only addresses on the public internet count as global."""
    assert is_global(address) is ok


class FakeStream:
    """Stands in for httpcore's network stream: says which address it is connected to."""

    def __init__(self, address: str) -> None:
        self.address = address

    def get_extra_info(self, name: str) -> Any:
        return (self.address, 443) if name == "server_addr" else None


def guarded(resolve_to: list[str], peer: str | None, base: str = BASE) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        ext = {"network_stream": FakeStream(peer)} if peer else {}
        return httpx.Response(200, content=b"ok", extensions=ext)

    transport = GuardedTransport(
        httpx.MockTransport(handler), SitePolicy(base), resolve=lambda _h, _p: resolve_to
    )
    return httpx.Client(transport=transport)


def test_site_name_resolving_to_private_address_is_refused() -> None:
    """A public site whose name resolves to a private address is refused before connecting."""
    with guarded(["10.0.0.7"], None) as client, pytest.raises(OffSiteError, match=r"10\.0\.0\.7"):
        client.get(BASE + "/news/a")


def test_rebinding_between_lookup_and_connect_is_caught() -> None:
    """An address that turns private between our lookup and the connection is refused."""
    with (
        guarded(["93.184.216.34"], "127.0.0.1") as client,
        pytest.raises(OffSiteError, match=r"connected to 127\.0\.0\.1"),
    ):
        client.get(BASE + "/news/a")


def test_public_address_is_fetched() -> None:
    """A public site resolving to public addresses is fetched normally."""
    with guarded(["93.184.216.34"], "93.184.216.34") as client:
        assert client.get(BASE + "/").status_code == 200


def test_local_base_url_skips_address_checks() -> None:
    """When the base URL is itself local (tests, demo), its own host is allowed."""
    with guarded(["127.0.0.1"], "127.0.0.1", "http://127.0.0.1:8123") as client:
        assert client.get("http://127.0.0.1:8123/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pass@www.commonspace.eu/news/a",
        "https://www.commonspace.eu@evil.example/news/a",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ],
)
def test_policy_refuses_credentials_and_other_hosts(url: str) -> None:
    """URLs with credentials, other hosts, local addresses and other schemes are refused."""
    assert not SitePolicy(BASE).allows(url)


# ---------------------------------------------------------------- cookies and credentials


def test_no_cookie_is_kept_sent_or_archived(
    sample_site: SampleSite, site_url: str, tmp_path: Path
) -> None:
    """A Set-Cookie is never sent back, and no Cookie/Authorization reaches the WARC."""
    sample_site.inject("/set-cookie", f.Body(b"hi", headers=[("Set-Cookie", "sid=s3cret; Path=/")]))
    try:
        cfg = CrawlConfig(base_url=site_url, delay=0)
        policy = SitePolicy(site_url)
        with make_client(cfg, policy) as client:
            fetcher = Fetcher(client, cfg, policy)
            first = fetcher.fetch(site_url + "/set-cookie")
            second = fetcher.fetch(site_url + "/robots.txt")
            assert not client.cookies
    finally:
        sample_site.clear_faults()
    assert first.final.header("set-cookie") == "sid=s3cret; Path=/"
    assert all(k.lower() != "cookie" for k, _ in second.final.request_headers)
    # Even a request that did carry credentials is archived without them.
    leaky = replace(
        second.final,
        request_headers=(
            *second.final.request_headers,
            ("Cookie", "sid=s3cret"),
            ("Authorization", "Basic czNjcmV0"),
        ),
    )
    with WarcWriter(tmp_path, host="test") as writer:
        for ex in (*first.exchanges, leaky):
            writer.write_exchange(ex)
        (name,) = writer.files
    requests = [r for r in iter_records(tmp_path / name) if r.rec_type == "request"]
    assert len(requests) == 2
    for rec in requests:
        assert not {k.lower() for k, _ in rec.http_headers or ()} & {
            "cookie",
            "authorization",
            "proxy-authorization",
        }
        assert "s3cret" not in str(rec.http_headers)


def test_cookie_jar_refuses_everything() -> None:
    """The crawl client's jar accepts no cookie from any response."""
    jar = no_cookies()
    request = httpx.Request("GET", BASE + "/")
    response = httpx.Response(200, headers={"Set-Cookie": "a=b; Path=/"}, request=request)
    cookies = httpx.Cookies(jar)
    cookies.extract_cookies(response)
    assert len(jar) == 0


# ---------------------------------------------------------------- user agent and robots


def test_user_agent_names_tool_version_and_contact() -> None:
    """The default User-Agent names the tool, its version and a contact URL."""
    ua = CrawlConfig().user_agent
    assert ua.startswith("commonspace-scraper/") and "(+https://" in ua


@pytest.mark.parametrize("ua", ["", "   ", "bad\r\nX-Injected: 1", "bot/1 (контакт)"])
def test_user_agent_must_be_a_clean_line(ua: str) -> None:
    """An empty User-Agent, or one that would inject a header, is a usage error."""
    with pytest.raises(UsageError, match="--user-agent"):
        CrawlConfig(user_agent=ua)


def test_robots_longest_match_and_wildcards() -> None:
    """The most specific rule wins, `*` and `$` work, and our own group beats `*`."""
    body = (
        b"User-agent: *\nDisallow: /\n\n"
        b"User-agent: commonspace-scraper\nDisallow: /news/\nAllow: /news/public\n"
        b"Disallow: /*.pdf$\nDisallow: /*?print=\nCrawl-delay: 4\n"
    )
    rules = RobotsRules.from_response(200, body, UA)
    assert rules.allowed(BASE + "/region/russia")
    assert not rules.allowed(BASE + "/news/a")
    assert rules.allowed(BASE + "/news/public-statement")
    assert not rules.allowed(BASE + "/files/a.pdf")
    assert rules.allowed(BASE + "/files/a.pdf?x=1")
    assert not rules.allowed(BASE + "/region/russia?print=1")
    assert rules.allowed(BASE + "/news/public?print=1")  # the longer Allow wins
    assert rules.crawl_delay == 4.0


# ---------------------------------------------------------------- terminals and CSV


@pytest.mark.parametrize(
    "nasty",
    [
        "\x1b[2J\x1b[1;1H",  # CSI: clear screen
        "\x1b]0;pwned\x07",  # OSC: window title, BEL-terminated
        "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink, ST-terminated
        "\x1bP+q544e\x1b\\",  # DCS
        "\x9b31m\x9d0;x\x07",  # 8-bit CSI and OSC (C1)
        "\x85\x8d\x90",  # other C1 controls
        "\u202eevil\u202c\u2066x\u2069\u200f",  # bidi overrides and isolates
        "\x00\x08\x7f",
    ],
)
def test_terminal_escapes_are_stripped(nasty: str) -> None:
    """No escape, C0/C1 control or bidi control survives sanitising."""
    clean = for_terminal("a" + nasty + "b")
    assert clean.startswith("a") and clean.endswith("b")
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in clean)
    assert not set(clean) & set(
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
    )


def test_rich_markup_is_shown_not_interpreted() -> None:
    """Scraped `[link=…]` or `[bold]` prints literally through rich."""
    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=False, width=200)
    console.print(for_terminal("[link=http://evil]click[/link] [bold red]x[/]"))
    assert console.file.getvalue().strip() == "[link=http://evil]click[/link] [bold red]x[/]"  # type: ignore[attr-defined]
    assert strip_controls("line\nnext\ttab") == "line\nnext\ttab"


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_formula_leads_are_escaped(lead: str) -> None:
    """A cell that a spreadsheet would evaluate starts with a quote instead."""
    assert safe_cell(lead + 'HYPERLINK("http://evil")').startswith("'")
    assert safe_cell("plain title") == "plain title"
    row = csv_row({"url": BASE + "/news/a", "title": "=cmd|' /C calc'!A0", "authors": ["@x"]})
    cells = dict(zip(CSV_COLUMNS, row, strict=True))
    assert cells["title"] == "'=cmd|' /C calc'!A0"
    assert cells["authors"] == "'@x"


# ---------------------------------------------------------------- XML


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title></channel></rss>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_xml_bombs_are_refused(xml: bytes) -> None:
    """Feeds with entity definitions are refused, never expanded."""
    with pytest.raises(ParseError, match="not a well-formed RSS feed"):
        parse_feed(xml, BASE + "/rss.xml")
