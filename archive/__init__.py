"""Keeping what the scraper fetched: WARC files, the SQLite index, article JSON files.

``archive`` never fetches anything. ``WarcWriter`` stores HTTP exchanges faithfully,
``reader`` reads them back (for ``scrape reindex`` and re-parsing), ``Index`` answers what was
seen when, and ``write_article_json`` keeps the latest JSON of each article. The folder layout
is described in ``archive.layout``.
"""

from __future__ import annotations

from .articles import article_json_path, article_relpath, write_article_json
from .export import export_articles
from .index import CAPTURE_KINDS, SCHEMA_VERSION, Failure, Index
from .layout import closed_warcs, iso_utc, open_warcs, parse_warc_name, warc_name
from .reader import WarcRecord, iter_metadata, iter_records, payload_digest_of, read_record
from .warc import WarcWriter

__all__ = [
    "CAPTURE_KINDS",
    "SCHEMA_VERSION",
    "Failure",
    "Index",
    "WarcRecord",
    "WarcWriter",
    "article_json_path",
    "article_relpath",
    "closed_warcs",
    "export_articles",
    "iso_utc",
    "iter_metadata",
    "iter_records",
    "open_warcs",
    "parse_warc_name",
    "payload_digest_of",
    "read_record",
    "warc_name",
    "write_article_json",
]
