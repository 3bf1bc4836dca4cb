"""Fetch, crawl and parse commonspace.eu."""

__version__ = "0.1.0"
