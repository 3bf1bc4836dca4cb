"""Getting commonspace.eu's pages and turning them into data.

    scraper.fetch, .transport, .robots, .sitepolicy   getting pages politely and faithfully
    scraper.parse                                    bytes to frozen dataclasses (pure, no I/O)
    scraper.crawl, .daily                            orchestration: fetch, parse, then keep
                                                     through ``archive``
    scraper.config, .sections                        what a run is asked to do

Only ``crawl`` and ``daily`` import ``archive``; the parser imports nothing but ``core``.
"""

__version__ = "0.1.0"
