"""The desk's routes. Each page is also JSON for scripts: ``?format=json`` or
``Accept: application/json`` on the same route.

    GET /                    search: ``?q=`` a sentence, as ``scrape quote``
    GET /article?url=        one article: fields, versions and their diffs, every capture
    GET /capture?id=         one capture: citation, the page as served (framed), raw bytes
    GET /capture/raw?id=     the response body as stored (a download, never rendered here)
    GET /capture/warc?id=    the WARC record itself, its gzip member byte for byte
    GET /bundle?url=         the article's WACZ evidence package (a download)

Record ids and URLs only ever go to the index as query values; WARC file names come from
the index (``archive.ArchiveReader``). No page of the desk runs a script.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from archive import QuoteQuery, build_bundle, diff_versions, failed_checks
from core.errors import ArchiveError, ScraperError, UsageError

from . import pages
from .config import DeskConfig
from .readers import Readers

SEARCH_LIMIT = 20
CSS = (Path(__file__).with_name("static") / "desk.css").read_bytes()


def allowed_hosts(config: DeskConfig) -> list[str]:
    """Host headers answered: the loopback names and the address served on. Anything else
    (a DNS-rebinding page that points its own name at 127.0.0.1) gets 400. Served on every
    address (0.0.0.0, as the user asked), any name is answered."""
    if config.host in ("0.0.0.0", ""):
        return ["*"]
    return sorted({"127.0.0.1", "localhost", config.host})


def templates() -> Environment:
    env = Environment(
        loader=PackageLoader("desk", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        badge=pages.badge, safe_href=pages.safe_href, qs=pages.query, marked=pages.marked,
        outlets=pages.outlets, teasers=pages.teasers,
    )  # fmt: skip
    return env


def wants_json(request: Request) -> bool:
    if request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return accept.split(",")[0].strip().startswith("application/json")


class Views:
    """The route functions, sharing the readers, the templates and the capture origin."""

    def __init__(self, config: DeskConfig, readers: Readers, capture_port: int) -> None:
        self.config = config
        self.readers = readers
        self.capture_port = capture_port
        self.env = templates()

    # ------------------------------------------------------------------ responses

    def capture_origin(self, request: Request) -> str:
        """The capture origin as this browser reaches it: same host, the other port."""
        return f"http://{request.url.hostname}:{self.capture_port}"

    def headers(self, request: Request) -> dict[str, str]:
        csp = (
            "default-src 'none'; style-src 'self'; img-src 'self'; "
            f"frame-src {self.capture_origin(request)}; form-action 'self'; base-uri 'none'; "
            "frame-ancestors 'none'"
        )
        return {
            "Content-Security-Policy": csp,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
            "Cache-Control": "no-store",
        }

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("archive", str(self.config.archive_dir))
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status, headers=self.headers(request))

    def data(self, request: Request, doc: Any, status: int = 200) -> Response:
        return JSONResponse(doc, status_code=status, headers=self.headers(request))

    def error(self, request: Request, status: int, message: str, **context: Any) -> Response:
        if wants_json(request):
            return self.data(request, {"error": message, "status": status}, status)
        context.setdefault("q", "")
        return self.page(request, "error.html", status, message=message, code=status, **context)

    def failure(self, request: Request, exc: ScraperError, not_found: bool = False) -> Response:
        """An error the archive raised on purpose, as a page that says what to do."""
        if isinstance(exc, ArchiveError):
            return self.error(request, 503, str(exc))
        status = 404 if not_found and "not in the archive" in str(exc) else 400
        return self.error(request, status, str(exc))

    def frame_url(self, request: Request, record_id: str) -> str:
        return f"{self.capture_origin(request)}/{pages.query('id', record_id)}"

    # ------------------------------------------------------------------ routes

    def search(self, request: Request) -> Response:
        text = request.query_params.get("q", "")
        if not text.strip():
            if wants_json(request):
                return self.error(request, 400, "give a quote to look for: ?q=…")
            return self.page(request, "search.html", q="", matches=None)
        try:
            with self.readers.borrow() as reader:
                matches = reader.find_quote(QuoteQuery(text, limit=SEARCH_LIMIT))
        except UsageError as exc:
            return self.error(request, 400, str(exc), q=text)
        except ScraperError as exc:
            return self.failure(request, exc)
        if wants_json(request):
            failed = failed_checks(matches)
            return self.data(request, {"query": text, "matches": [m.to_dict() for m in matches],
                                       "tampered": "tampered" in failed,
                                       "failed_checks": sorted(failed)})  # fmt: skip
        return self.page(request, "search.html", q=text, matches=matches)

    def article(self, request: Request) -> Response:
        url = request.query_params.get("url", "")
        if not url.strip():
            return self.error(request, 400, "give an article URL: ?url=…")
        try:
            with self.readers.borrow() as reader:
                details = reader.details(url)
                history = reader.history(details.url)
                blocks, sha256 = {}, {}
                for c in details.captures:
                    if c.kind == "article":  # Related/Popular then, and the digest to cite
                        blocks[c.capture.record_id] = reader.capture_json(c.capture)
                        served = reader.served(c.capture.record_id)
                        sha256[c.capture.record_id] = served.sha256 if served else None
        except ScraperError as exc:
            return self.failure(request, exc, not_found=True)
        versions = list(details.versions)
        changes = [[] if n == 0 else diff_versions(versions[n - 1].json, v.json)
                   for n, v in enumerate(versions)]  # fmt: skip
        if wants_json(request):
            doc = details.to_dict()
            for entry, found in zip(doc["versions"], changes, strict=True):
                entry["changes"] = [c.to_dict() for c in found]
            for entry in doc["captures"]:
                entry["sha256"] = sha256.get(entry["record_id"])
                block = blocks.get(entry["record_id"]) or {}
                entry["related"] = block.get("related")
                entry["popular"] = block.get("popular")
            doc["revisits"] = history.to_dict()["revisits"]
            doc["bundle"] = "/bundle" + pages.query("url", details.url)
            return self.data(request, doc)
        return self.page(request, "article.html", d=details, history=history, changes=changes,
                         blocks=blocks, sha256=sha256)  # fmt: skip

    def capture(self, request: Request) -> Response:
        record_id = request.query_params.get("id", "")
        try:
            with self.readers.borrow() as reader:
                served = reader.served(record_id)
                title = None
                if served is not None:
                    title = (reader.capture_json(served.capture) or {}).get("title")
        except ScraperError as exc:
            return self.failure(request, exc)
        if served is None:
            return self.error(request, 404, f"no capture {record_id!r} in the index")
        if wants_json(request):
            return self.data(request, {
                **served.citation(), "kind": served.kind, "title": title,
                "http_status": served.http_status, "detail": served.check.detail,
                "content_type": served.content_type,
                "frame": self.frame_url(request, served.capture.record_id),
            })  # fmt: skip
        return self.page(request, "capture.html", s=served, title=title,
                         frame=self.frame_url(request, served.capture.record_id))  # fmt: skip

    def raw(self, request: Request) -> Response:
        record_id = request.query_params.get("id", "")
        try:
            with self.readers.borrow() as reader:
                served = reader.served(record_id)
        except ScraperError as exc:
            return self.failure(request, exc)
        if served is None:
            return self.error(request, 404, f"no capture {record_id!r} in the index")
        if served.sha256 is None:
            why = f"the stored bytes cannot be read: {served.check.detail}"
            return self.error(request, 410, why)
        return self.download(request, served.body, "application/octet-stream",
                             pages.record_name(record_id, ".body"))  # fmt: skip

    def warc(self, request: Request) -> Response:
        record_id = request.query_params.get("id", "")
        try:
            with self.readers.borrow() as reader:
                member = reader.member(record_id)
        except ScraperError as exc:
            return self.failure(request, exc)
        if member is None:
            return self.error(request, 404, f"no capture {record_id!r} in the index")
        name = pages.record_name(record_id, ".warc.gz")
        return self.download(request, member, "application/warc", name)

    def bundle(self, request: Request) -> Response:
        url = request.query_params.get("url", "")
        try:
            with self.readers.borrow() as reader:
                url = reader.history(url).url  # the spelling the archive knows it by
            with tempfile.TemporaryDirectory(prefix="desk-bundle-") as tmp:
                out = Path(tmp) / "bundle.wacz"
                build_bundle(self.config.archive_dir, url, out, software="scrape serve")
                content = out.read_bytes()
        except ScraperError as exc:
            return self.failure(request, exc, not_found=True)
        return self.download(request, content, "application/wacz", pages.file_name(url, ".wacz"))

    def css(self, request: Request) -> Response:
        return Response(CSS, media_type="text/css", headers=self.headers(request))

    def download(self, request: Request, content: bytes, media_type: str, name: str) -> Response:
        headers = self.headers(request)
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(content, media_type=media_type, headers=headers)


def create_app(config: DeskConfig, readers: Readers, capture_port: int) -> Starlette:
    """The desk (search, article, capture pages and downloads) as an ASGI app; archived pages
    are framed from ``capture_port`` (``desk.frame``)."""
    views = Views(config, readers, capture_port)
    routes = [
        Route("/", views.search),
        Route("/article", views.article),
        Route("/capture", views.capture),
        Route("/capture/raw", views.raw),
        Route("/capture/warc", views.warc),
        Route("/bundle", views.bundle),
        Route("/desk.css", views.css),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(config),
                             www_redirect=False)]  # fmt: skip
    return Starlette(routes=routes, middleware=middleware)
