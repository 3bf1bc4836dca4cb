"""``python -m tests.samplesite serve --port 8000 --articles 200 --seed 7``."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from .site import SampleSite, SiteConfig


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.samplesite", description="Serve the commonspace-like sample site."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server in the foreground")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument("--articles", type=int, default=200)
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument("--per-page", type=int, default=10)
    serve.add_argument("--crawl-delay", type=float, default=None)
    args = parser.parse_args(argv)

    site = SampleSite(
        SiteConfig(
            seed=args.seed,
            n_articles=args.articles,
            per_page=args.per_page,
            crawl_delay=args.crawl_delay,
            record_bodies=False,
        )
    )
    with site.serve(args.host, args.port) as base:
        print(f"sample site with {args.articles} articles (seed {args.seed}) at {base}", flush=True)
        print("press Ctrl-C to stop", flush=True)
        # Stop cleanly on Ctrl-C and on SIGTERM (even when started in the background).
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
