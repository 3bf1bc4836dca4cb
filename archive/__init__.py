"""Keeping what the scraper fetched: WARC files, the SQLite index, article JSON files.

``archive`` never fetches anything. ``WarcWriter`` stores HTTP exchanges faithfully,
``reader`` reads them back (for ``scrape reindex`` and re-parsing), ``Index`` answers what was
seen when, and ``write_article_json`` keeps the latest JSON of each article. The folder layout
is described in ``archive.layout``.

Provenance: ``find_quote`` says where a quote came from and re-verifies the stored bytes,
``article_details`` shows one article, ``verify_archive`` checks every byte and pointer,
``reindex`` rebuilds the index from the WARC files (every index row comes from a crawl event
stored as a metadata record, see ``archive.events``), ``build_bundle`` writes a WACZ evidence
package (``verify_wacz`` checks one), ``prepare_replay`` sets up pywb. ``ArchiveReader`` keeps
an archive open for reading only and answers the same questions (``scrape serve``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Submodule of each public name. They are imported on first use (PEP 562), so that a command
# needing one corner of the archive (``scrape quote``) does not pay for all of it at start-up.
_WHERE = {
    "article_json_path": "articles",
    "article_relpath": "articles",
    "write_article_json": "articles",
    "BundleReport": "bundle",
    "build_bundle": "bundle",
    "verify_wacz": "bundle",
    "surt": "cdxj",
    "ArticleDetails": "details",
    "article_details": "details",
    "apply_event": "events",
    "failure_event": "events",
    "infer_kind": "events",
    "listing_event": "events",
    "log_event": "events",
    "soft404_event": "events",
    "ExportOptions": "export",
    "count_articles": "export",
    "Change": "history",
    "History": "history",
    "diff_versions": "history",
    "FORMATS": "export",
    "export_articles": "export",
    "export_parquet": "parquet",
    "CAPTURE_KINDS": "index",
    "Failure": "index",
    "Index": "index",
    "SCHEMA_VERSION": "schema",
    "VersionRow": "index",
    "closed_warcs": "layout",
    "iso_utc": "layout",
    "utc_now": "layout",
    "open_warcs": "layout",
    "parse_warc_name": "layout",
    "warc_name": "layout",
    "MAX_QUOTE_CHARS": "quotes",
    "QuoteMatch": "quotes",
    "QuoteQuery": "quotes",
    "failed_checks": "quotes",
    "find_quote": "quotes",
    "ArchiveReader": "reading",
    "ServedCapture": "reading",
    "WarcRecord": "reader",
    "iter_metadata": "reader",
    "iter_records": "reader",
    "payload_digest_of": "reader",
    "read_record": "reader",
    "ReindexReport": "rebuild",
    "reindex": "rebuild",
    "ReplaySetup": "replay",
    "prepare_replay": "replay",
    "serve": "replay",
    "CaptureCheck": "verify",
    "Problem": "verify",
    "VerifyReport": "verify",
    "check_capture": "verify",
    "verify_archive": "verify",
    "WarcWriter": "warc",
}

if TYPE_CHECKING:
    from .articles import article_json_path, article_relpath, write_article_json
    from .bundle import BundleReport, build_bundle, verify_wacz
    from .cdxj import surt
    from .details import ArticleDetails, article_details
    from .events import (
        apply_event,
        failure_event,
        infer_kind,
        listing_event,
        log_event,
        soft404_event,
    )
    from .export import FORMATS, ExportOptions, count_articles, export_articles
    from .history import Change, History, diff_versions
    from .index import CAPTURE_KINDS, Failure, Index, VersionRow
    from .layout import closed_warcs, iso_utc, open_warcs, parse_warc_name, utc_now, warc_name
    from .parquet import export_parquet
    from .quotes import MAX_QUOTE_CHARS, QuoteMatch, QuoteQuery, failed_checks, find_quote
    from .reader import WarcRecord, iter_metadata, iter_records, payload_digest_of, read_record
    from .reading import ArchiveReader, ServedCapture
    from .rebuild import ReindexReport, reindex
    from .replay import ReplaySetup, prepare_replay, serve
    from .schema import SCHEMA_VERSION
    from .verify import CaptureCheck, Problem, VerifyReport, check_capture, verify_archive
    from .warc import WarcWriter


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "CAPTURE_KINDS",
    "FORMATS",
    "MAX_QUOTE_CHARS",
    "SCHEMA_VERSION",
    "ArchiveReader",
    "ArticleDetails",
    "BundleReport",
    "CaptureCheck",
    "Change",
    "ExportOptions",
    "Failure",
    "History",
    "Index",
    "Problem",
    "QuoteMatch",
    "QuoteQuery",
    "ReindexReport",
    "ReplaySetup",
    "ServedCapture",
    "VerifyReport",
    "VersionRow",
    "WarcRecord",
    "WarcWriter",
    "apply_event",
    "article_details",
    "article_json_path",
    "article_relpath",
    "build_bundle",
    "check_capture",
    "closed_warcs",
    "count_articles",
    "diff_versions",
    "export_articles",
    "export_parquet",
    "failed_checks",
    "failure_event",
    "find_quote",
    "infer_kind",
    "iso_utc",
    "iter_metadata",
    "iter_records",
    "listing_event",
    "log_event",
    "open_warcs",
    "parse_warc_name",
    "payload_digest_of",
    "prepare_replay",
    "read_record",
    "reindex",
    "serve",
    "soft404_event",
    "surt",
    "utc_now",
    "verify_archive",
    "verify_wacz",
    "warc_name",
    "write_article_json",
]
