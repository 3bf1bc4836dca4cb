"""`make bench`: our figures beside trafilatura, newspaper4k, wget and Scrapy (see README.md)."""
