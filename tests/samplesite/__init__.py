"""A deterministic commonspace.eu look-alike served over real HTTP, for end-to-end tests.

    site = SampleSite(SiteConfig(seed=7, n_articles=60, per_page=10, crawl_delay=None))
    site.articles                      # ArticleTruth list, newest first (the ground truth)
    site.listing_slugs()               # ["region/south-caucasus", ..., "voices"]
    site.section_articles(slug)        # a listing's articles in listing order (all pages)
    with site.serve() as base_url:     # threaded HTTP/1.1 server on 127.0.0.1:0
        ...
    site.request_log                   # [(method, path_with_query, status), ...]
    site.served_bodies                 # path_with_query -> [decoded body, ...]
    site.add_article(...); site.edit_article(node_id, body=[...])

Modules: ``truth`` defines the ground truth and the terms, ``content`` and ``words`` invent
the articles, ``render`` writes Drupal-style HTML and RSS, ``site`` holds the state and routes
requests, ``server`` speaks HTTP. ``python -m tests.samplesite serve`` runs it in the
foreground.
"""

from .routes import Response
from .site import SampleSite, SiteConfig
from .truth import TERMS, ArticleTruth, Term

__all__ = ["TERMS", "ArticleTruth", "Response", "SampleSite", "SiteConfig", "Term"]
