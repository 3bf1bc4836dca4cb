"""The sample site: what it serves over real HTTP, and that its ground truth matches."""

from __future__ import annotations

import gzip
import http.client
import re
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

import httpx
import pytest

import tests.samplesite as samplesite
from tests.samplesite import ArticleTruth, SampleSite, SiteConfig
from tests.samplesite.server import accepts_gzip, chunk

SEED = 7


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return SampleSite(SiteConfig(seed=SEED, n_articles=30, per_page=10))


@pytest.fixture(scope="module")
def base(site: SampleSite) -> Iterator[str]:
    with site.serve() as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=10) as c:
        yield c


# ------------------------------------------------------------------------------- helpers


class _BodyField(HTMLParser):
    """Collects the text of each <p> in the first body field, and the h1 title span."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.title: str | None = None
        self._depth = 0  # div depth inside the body field; 0 = outside
        self._done = False
        self._p: list[str] | None = None
        self._in_h1 = False
        self._h1: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag == "h1":
            self._in_h1 = True
        if tag == "div" and not self._done:
            if self._depth:
                self._depth += 1
            elif "field--name-body" in cls:
                self._depth = 1
        if tag == "p" and self._depth:
            self._p = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1" and self._in_h1:
            self._in_h1 = False
            self.title = "".join(self._h1)
        if tag == "p" and self._p is not None:
            text = " ".join("".join(self._p).split())
            if text:
                self.paragraphs.append(text)
            self._p = None
        if tag == "div" and self._depth:
            self._depth -= 1
            self._done = self._depth == 0

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self._h1.append(data)
        if self._p is not None:
            self._p.append(data)


def parse_body(html: bytes) -> _BodyField:
    p = _BodyField()
    p.feed(html.decode())
    return p


def own_part(html: bytes) -> bytes:
    """The page without its per-request "Related articles"/"Popular" region."""
    return re.sub(rb'<div class="region region-content-bottom">.*?</main>', b"", html, flags=re.S)


def canonical(html: bytes) -> str:
    m = re.search(rb'<link rel="canonical" href="([^"]+)"', html)
    assert m, "no canonical link"
    return m.group(1).decode()


def hrefs(html: bytes) -> list[str]:
    """Item links of a listing's paged list (not its featured items), in page order."""
    html = html.split(b'<div class="view-content">', 1)[-1]
    rows = re.findall(rb'<h2 class="node__title"><a href="([^"]+)"', html)
    return [h.decode().replace("&amp;", "&") for h in rows]


def by_parity(site: SampleSite, parity: int) -> ArticleTruth:
    return next(a for a in site.articles if a.node_id % 2 == parity)


def raw_get(base: str, target: str, headers: dict[str, str]) -> bytes:
    """Send one HTTP/1.1 request on a raw socket and return the response bytes as sent."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        out = b""
        while data := s.recv(65536):
            out += data
    return out


# ------------------------------------------------------------------------------- truth


def test_public_api_is_pinned() -> None:
    """The package exports exactly the documented names."""
    assert sorted(samplesite.__all__) == sorted(
        ["TERMS", "ArticleTruth", "Response", "SampleSite", "SiteConfig", "Term"]
    )


def test_truth_matches_every_rendered_article(site: SampleSite, client: httpx.Client) -> None:
    """Each page's title, lede, body, source and photo lines are exactly the ground truth."""
    for a in site.articles:
        page = parse_body(client.get(a.url_path).content)
        expected = [a.lede] if a.lede else []
        expected += list(a.body)
        expected += [x for x in (a.source_text, a.photo_text) if x]
        assert page.title == a.title
        assert page.paragraphs == expected, a.url_path
        for (text, _speaker), i in zip(a.quotes, a.quote_paragraphs, strict=True):
            assert text.rstrip(".") in a.body[i]


def test_site_covers_every_kind_of_article(site: SampleSite) -> None:
    """Even a 30-article site has each section, quotes, typos, legacy items and odd titles."""
    arts = site.articles
    assert {a.section for a in arts} >= {
        "news",
        "opinion",
        "analysis",
        "interview",
        "editorial",
        "commentary",
        "event",
        "live-blog",
        None,
    }
    assert any(a.title.startswith("Thursday Interview: ") for a in arts)
    assert any(a.type == "News" and a.title.startswith("Opinion: ") for a in arts)
    assert any(a.title.startswith(" ") for a in arts)
    assert any("succesfully" in a.url_path for a in arts)
    assert any(a.lede and "in this op-ed for commonspace.eu" in a.lede for a in arts)
    assert any(s for a in arts for _, s in a.quotes)
    assert any(a.source_text == "source: LINKS Europe" for a in arts if a.section == "event")
    assert any(len(a.source_outlets) >= 2 and a.source_agencies for a in arts)
    assert any(a.photo_credit for a in arts)
    assert [a.published for a in arts] == sorted((a.published for a in arts), reverse=True)
    assert all(a.published.endswith("+00:00") for a in arts)
    legacy = [a for a in arts if a.legacy]
    assert legacy and all(a.type is None and a.published < "2020-11" for a in legacy)
    live = next(a for a in arts if a.section == "live-blog")
    times = [t for t, _ in live.entries]
    assert times == sorted(times, reverse=True) and times[0].endswith(" GMT")


def test_generation_is_deterministic() -> None:
    """2 000 articles generate with distinct URLs; same seed, same truth. (How fast is not a
    test's business: no test asserts a wall time.)"""
    big = SampleSite(SiteConfig(seed=3, n_articles=2000))
    assert len(big.articles) == 2000
    assert len({a.url_path for a in big.articles}) == 2000
    assert (
        SampleSite(SiteConfig(seed=3, n_articles=40)).articles
        == SampleSite(SiteConfig(seed=3, n_articles=40)).articles
    )
    assert (
        SampleSite(SiteConfig(seed=4, n_articles=40)).articles
        != SampleSite(SiteConfig(seed=3, n_articles=40)).articles
    )


def test_same_seed_serves_identical_pages() -> None:
    """Two sites with one seed serve byte-identical article pages for the same requests."""
    pages = []
    for _ in range(2):
        s = SampleSite(SiteConfig(seed=SEED, n_articles=30))
        with s.serve() as url, httpx.Client(base_url=url) as c:
            a = s.articles[3]
            html = c.get(a.url_path).content.replace(url.encode(), b"BASE")
            pages.append(html.replace(quote(url, safe="").encode(), b"BASE"))
    assert pages[0] == pages[1]


# ------------------------------------------------------------------------------- listings


def test_listing_pages_walk_to_section_articles(site: SampleSite, client: httpx.Client) -> None:
    """Following ?page=N until nothing new shows every article of the section, in order."""
    for slug in site.listing_slugs():
        seen: list[str] = []
        page = 0
        while True:
            html = client.get(f"/{slug}", params={"page": page}).content
            assert b'rel="next"' in html
            new = [urlsplit(h).path.removeprefix("/index.php") for h in hrefs(html)]
            new = [h for h in new if h not in seen]
            if not new:
                break
            seen += new
            page += 1
        assert seen == [a.url_path for a in site.section_articles(slug)], slug


def test_pagination_past_the_end_shows_recent_items(site: SampleSite, client: httpx.Client) -> None:
    """A page far past the end answers 200 with page 0's items and still links onwards."""
    first = client.get("/region/south-caucasus")
    late = client.get("/region/south-caucasus?page=40")
    assert late.status_code == 200
    assert hrefs(late.content) == hrefs(first.content)
    assert b'href="?page=41" title="Go to next page" rel="next"' in late.content
    assert "Region" in late.text and "Filter archive" in late.text
    assert "Publication date" in late.text


def test_publication_date_filter_and_index_php_listings(
    site: SampleSite, client: httpx.Client
) -> None:
    """created[min]/[max] filter a listing; /index.php/ listings match the clean ones."""
    arts = site.section_articles("voices")
    cut = arts[len(arts) // 2].published[:10]
    html = client.get("/voices", params={"created[min]": cut}).content
    assert hrefs(html) == hrefs(client.get("/voices").content)[: len(hrefs(html))]
    paths = {urlsplit(h).path.removeprefix("/index.php") for h in hrefs(html)}
    assert paths == {a.url_path for a in arts if a.published[:10] >= cut}
    assert b"created%5Bmin%5D=" in html.split(b'class="pager"')[1]
    assert client.get("/index.php/region/russia").content == client.get("/region/russia").content


def test_concurrent_requests(site: SampleSite, client: httpx.Client) -> None:
    """Many threads fetching at once all get complete, correct pages."""
    paths = [a.url_path for a in site.articles] * 3

    def fetch(path: str) -> str | None:
        return parse_body(client.get(path).content).title

    with ThreadPoolExecutor(max_workers=8) as pool:
        titles = list(pool.map(fetch, paths))
    assert titles == [a.title for a in site.articles] * 3


def test_term_ids_and_aliases_answer_the_same_listing(
    site: SampleSite, client: httpx.Client
) -> None:
    """/taxonomy/term/N and the old turkey-and-levant alias show the canonical listing."""
    assert site.term_ids()["region/south-caucasus"] == 24
    assert site.term_ids()["region/turkey-and-levant"] == 27
    for alias, path in (
        ("/taxonomy/term/24", "/region/south-caucasus"),
        ("/taxonomy/term/47", "/region/ukraine-and-eastern-europe"),
        ("/region/turkey-and-levant", "/region/turkiye-and-levant"),
    ):
        html = client.get(alias).content
        assert canonical(html).endswith(path)
        assert hrefs(html) == hrefs(client.get(path).content)
    assert b"Culture and Lifestyle" in client.get("/taxonomy/term/20").content


def test_listing_links_use_duplicate_url_forms(
    site: SampleSite, client: httpx.Client, base: str
) -> None:
    """Listings link some items as /index.php/…, ?PageSpeed=noscript and absolute URLs."""
    links = [
        h
        for slug in [*site.listing_slugs(), ""]
        for p in range(3)
        for h in hrefs(client.get(f"/{slug}?page={p}").content)
    ]
    assert any(h.startswith("/index.php/") for h in links)
    assert any(h.endswith("?PageSpeed=noscript") for h in links)
    assert any(h.startswith(base) for h in links)


def test_archive_view_has_username_and_date_lines(site: SampleSite, client: httpx.Client) -> None:
    """/node lists title, teaser, then '<username> Day, MM/DD/YYYY - HH:MM'."""
    html = client.get("/node?page=1").text
    a = site.section_articles("node")[10]
    assert re.search(
        rf">{re.escape(a.authors[0])}</span></span> <span property="
        rf'"schema:dateCreated" content="{re.escape(a.published)}"',
        html,
    )
    assert re.search(r">\w{3}, \d\d/\d\d/\d{4} - \d\d:\d\d</span>", html)


# ------------------------------------------------------------------------------- articles


def test_related_block_changes_but_article_does_not(site: SampleSite, client: httpx.Client) -> None:
    """Two fetches of one article differ only in the Related/Popular region."""
    a = site.articles[0]
    one, two = client.get(a.url_path).content, client.get(a.url_path).content
    assert one != two
    assert own_part(one) == own_part(two)
    assert b'<h2 class="block__title">Related articles</h2>' in one
    assert b'<h2 class="block__title">Popular</h2>' in one


def test_duplicate_urls_serve_the_same_article(
    site: SampleSite, client: httpx.Client, base: str
) -> None:
    """index.php, PageSpeed, /node/N, /ru/ and absolute forms answer with the same article."""
    a = next(x for x in site.articles if x.section == "news")
    clean = own_part(client.get(a.url_path).content)
    for variant in (
        f"/index.php{a.url_path}",
        f"{a.url_path}?PageSpeed=noscript",
        f"/index.php{a.url_path}?PageSpeed=noscript",
        f"/node/{a.node_id}",
        f"/ru{a.url_path}",
        f"{base}{a.url_path}",
    ):
        html = client.get(variant).content
        assert own_part(html) == clean, variant
        assert canonical(html) == base + a.url_path


def test_soft_404s_answer_200_with_the_front_page(client: httpx.Client, base: str) -> None:
    """Unknown articles, legacy ?m= URLs, image URLs and garbage answer the front page."""
    front = client.get("/").content
    for path in (
        "/news/no-such-article",
        "/index.php?m=23&news_id=1234",
        "/sites/default/files/styles/article_full/public/2024-01/x.jpg",
        "/zzz-garbage/qq",
        "/taxonomy/term/999/feed",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.content == front, path
        assert canonical(r.content) == base + "/"


def test_conditional_requests_get_304(site: SampleSite, client: httpx.Client) -> None:
    """If-None-Match and If-Modified-Since with the article's validators answer 304."""
    a = site.articles[1]
    r = client.get(a.url_path)
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert parsedate_to_datetime(modified) == a.modified_dt
    r2 = client.get(a.url_path, headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b"" and r2.headers["etag"] == etag
    assert client.get(a.url_path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(a.url_path, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_edits_and_new_articles_show_up() -> None:
    """edit_article changes text and validators; add_article tops the front page."""
    s = SampleSite(SiteConfig(seed=SEED, n_articles=30))
    with s.serve() as url, httpx.Client(base_url=url) as c:
        a = s.articles[5]
        etag = c.get(a.url_path).headers["etag"]
        edited = s.edit_article(a.node_id, body=["A corrected first paragraph.", "More."])
        r = c.get(a.url_path, headers={"If-None-Match": etag})
        assert r.status_code == 200 and r.headers["etag"] != etag
        assert parse_body(r.content).paragraphs[
            -2 - bool(edited.source_text) - bool(edited.photo_text) :
        ][:2] == ["A corrected first paragraph.", "More."]
        assert edited.modified > a.modified
        new = s.add_article(title="Brand new story from Tbilisi")
        assert s.articles[0] == new
        assert hrefs(c.get("/").content)[0].endswith(new.url_path)
        assert parse_body(c.get(new.url_path).content).title == "Brand new story from Tbilisi"


# ------------------------------------------------------------------------------- wire


def test_even_articles_and_listings_are_gzipped_on_the_wire(site: SampleSite, base: str) -> None:
    """With Accept-Encoding: gzip, even node ids and listings come gzip-encoded."""
    a = by_parity(site, 0)
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
    try:
        for path in (a.url_path, "/region/south-caucasus"):
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            r = conn.getresponse()
            raw = r.read()
            assert r.getheader("Content-Encoding") == "gzip"
            assert r.getheader("Content-Length") == str(len(raw))
            assert gzip.decompress(raw) == site.served_bodies[path][-1]
        conn.request("GET", a.url_path)  # no Accept-Encoding: identity
        r = conn.getresponse()
        assert r.getheader("Content-Encoding") is None and r.read().startswith(b"<!DOCTYPE")
    finally:
        conn.close()


def test_odd_articles_and_feeds_are_chunked_on_the_wire(site: SampleSite, base: str) -> None:
    """Odd node ids and RSS feeds use Transfer-Encoding: chunked, framed for real."""
    for path in (by_parity(site, 1).url_path, "/taxonomy/term/24/feed"):
        raw = raw_get(base, path, {})
        head, _, rest = raw.partition(b"\r\n\r\n")
        assert b"\r\nTransfer-Encoding: chunked" in head
        assert b"Content-Length" not in head
        assert rest == chunk(site.served_bodies[path][-1])
        assert rest.endswith(b"\r\n0\r\n\r\n") and rest.count(b"\r\n") > 4
    head, _, rest = raw_get(base, "/", {"Accept-Encoding": "gzip"}).partition(b"\r\n\r\n")
    assert b"Content-Encoding: gzip" in head and b"Transfer-Encoding: chunked" in head


def test_keep_alive_and_head(site: SampleSite, base: str) -> None:
    """One HTTP/1.1 connection carries several requests; HEAD sends headers only."""
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
    try:
        for a in site.articles[:4]:
            conn.request("GET", a.url_path)
            r = conn.getresponse()
            assert r.status == 200 and r.version == 11 and r.read()
        conn.request("HEAD", "/robots.txt")
        r = conn.getresponse()
        assert r.status == 200 and r.read() == b"" and int(r.getheader("Content-Length") or 0) > 100
    finally:
        conn.close()


def test_request_log_and_served_bodies(site: SampleSite, client: httpx.Client) -> None:
    """Every request is logged with its status; bodies are kept decoded, per target."""
    target = "/voices?page=1&PageSpeed=noscript"
    r = client.get(target, headers={"Accept-Encoding": "gzip"})
    assert ("GET", target, 200) in site.request_log
    assert site.served_bodies[target][-1] == r.content


def test_rss_items_carry_guid_pubdate_and_node_html(
    site: SampleSite, client: httpx.Client, base: str
) -> None:
    """Feed items: link, RFC 822 pubDate, dc:creator, 'N at BASE' guid, escaped node HTML."""
    r = client.get("/taxonomy/term/24/feed")
    assert r.headers["content-type"].startswith("application/rss+xml")
    items = ElementTree.fromstring(r.content).findall("./channel/item")
    expected = site.section_articles("region/south-caucasus")[:10]
    assert len(items) == len(expected)
    dc = "{http://purl.org/dc/elements/1.1/}creator"
    for item, a in zip(items, expected, strict=True):
        assert item.findtext("link") == base + a.url_path
        assert item.findtext("guid") == f"{a.node_id} at {base}"
        assert item.find("guid").get("isPermaLink") == "false"  # type: ignore[union-attr]
        assert parsedate_to_datetime(item.findtext("pubDate") or "") == a.published_dt
        assert item.findtext(dc) == a.authors[0]
        desc = item.findtext("description") or ""
        assert 'class="field field--name-title field--type-string' in desc
        assert f'content="{a.published}"' in desc
        assert parse_body(desc.encode()).paragraphs[-1] in (a.photo_text, a.source_text, a.body[-1])


def test_robots_txt_crawl_delay_only_when_configured(client: httpx.Client) -> None:
    """robots.txt is Drupal's, with Crawl-delay only when the config sets one."""
    text = client.get("/robots.txt").text
    assert "Disallow: /admin/" in text and "Disallow: /index.php/admin/" in text
    assert "Crawl-delay" not in text
    slow = SampleSite(SiteConfig(n_articles=10, crawl_delay=2))
    assert "Crawl-delay: 2\n" in slow.handle("GET", "/robots.txt", {}).body.decode()


def test_accept_encoding_parsing() -> None:
    """gzip is used only when the client's Accept-Encoding allows it."""
    assert accepts_gzip("gzip, deflate") and accepts_gzip("br;q=1.0, gzip;q=0.8")
    assert not accepts_gzip("gzip;q=0") and not accepts_gzip("identity") and not accepts_gzip(None)


def test_demo_picks_the_real_site_only_when_it_answers(site_url: str) -> None:
    """`make demo` scrapes the real site only if a connection to it opens."""
    from tests.samplesite.demo import site_reachable

    assert site_reachable(site_url)
    assert not site_reachable("http://127.0.0.1:9", timeout=1.0)
