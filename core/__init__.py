"""The words every layer speaks: the data model, the error tree, URLs and safe printing.

    core.errors    ScraperError and its tree, the exit codes
    core.model     Article, Listing, Teaser, Exchange, Capture (frozen dataclasses)
    core.urls      canonical URLs of commonspace.eu and what a URL says about its page
    core.sanitize  text made safe for a terminal or a JSON line
    core.words     counting words ("1 version", "2 versions")

``core`` imports nothing of this project. ``archive/`` (keeping bytes and records) and
``scraper/`` (getting pages and turning them into data) both stand on it; see
``tests/test_layers.py`` for the whole picture.
"""
