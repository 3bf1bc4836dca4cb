"""The capture origin: archived responses, exactly as stored, on a port of their own.

Archived HTML is hostile until shown otherwise. It is never served from the desk's origin;
here every response carries

    Content-Security-Policy: sandbox; default-src 'none'; style-src 'unsafe-inline';
                             img-src data:; font-src data:; frame-ancestors <desk>

``sandbox`` gives the page an opaque origin with no scripts, forms, popups or navigation of
the desk; ``default-src 'none'`` stops every fetch (scripts, images, styles, fonts, frames,
beacons) to the live site or anywhere else; only styles and ``data:`` images inside the page
itself apply. The desk's ``<iframe sandbox>`` sets the same flags a second time.

One route: ``/?id=RECORD_ID``. The body is sent as the site sent it (content encoding undone),
with the Content-Type the site gave if it is a text or image type, else as an octet stream.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from core.errors import ScraperError

from .app import allowed_hosts
from .config import DeskConfig
from .readers import Readers

_SHOWN = ("text/", "image/")


def frame_csp(desk_origin: str) -> str:
    return (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"font-src data:; form-action 'none'; base-uri 'none'; frame-ancestors {desk_origin}"
    )


def create_frame_app(config: DeskConfig, readers: Readers, desk_port: int) -> Starlette:
    """The ASGI app of the capture origin; only the desk on ``desk_port`` may frame it."""

    def shown(request: Request) -> Response:
        headers = {
            "Content-Security-Policy": frame_csp(f"http://{request.url.hostname}:{desk_port}"),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            "Cross-Origin-Resource-Policy": "same-origin",
        }
        record_id = request.query_params.get("id", "")
        try:
            with readers.borrow() as reader:
                served = reader.served(record_id)
                payload = served.payload if served is not None else b""
        except ScraperError as exc:
            return PlainTextResponse(str(exc), status_code=503, headers=headers)
        if served is None:
            return PlainTextResponse("no such capture", status_code=404, headers=headers)
        if served.sha256 is None:
            why = f"the stored bytes cannot be read: {served.check.detail}"
            return PlainTextResponse(why, status_code=410, headers=headers)
        media = served.content_type.strip() or "application/octet-stream"
        if not media.lower().startswith(_SHOWN) or "\n" in media or "\r" in media:
            media = "application/octet-stream"
        return Response(payload, headers={**headers, "Content-Type": media})

    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(config),
                             www_redirect=False)]  # fmt: skip
    return Starlette(routes=[Route("/", shown)], middleware=middleware)
