"""The public API of the archive package is pinned, so a change to it is a deliberate one."""

from __future__ import annotations

from pathlib import Path

import archive


def test_archive_exports() -> None:
    """archive.__all__ lists exactly the public names, and each one exists."""
    assert sorted(archive.__all__) == [
        "ArchiveReader",
        "ArticleDetails",
        "BundleReport",
        "CAPTURE_KINDS",
        "CaptureCheck",
        "Change",
        "ExportOptions",
        "FORMATS",
        "Failure",
        "History",
        "Index",
        "MAX_QUOTE_CHARS",
        "Problem",
        "QuoteMatch",
        "QuoteQuery",
        "ReindexReport",
        "ReplaySetup",
        "SCHEMA_VERSION",
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
    for name in archive.__all__:
        assert hasattr(archive, name), name


def test_no_public_name_is_a_submodule_name() -> None:
    """No public name is also the name of a submodule: importing that submodule anywhere
    would replace the name on the package with the module (``archive.reindex`` once did)."""
    modules = {p.stem for p in Path(archive.__file__).parent.glob("*.py")}
    assert modules.isdisjoint(archive.__all__)
