"""The public API of the archive package is pinned, so a change to it is a deliberate one."""

from __future__ import annotations

import archive


def test_archive_exports() -> None:
    """archive.__all__ lists exactly the public names, and each one exists."""
    assert sorted(archive.__all__) == [
        "CAPTURE_KINDS",
        "Failure",
        "Index",
        "SCHEMA_VERSION",
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
    for name in archive.__all__:
        assert hasattr(archive, name), name
