# The front door. Every target creates the virtual environment it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install test check lint demo bench parse-report realpages clean browsers screenshots

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# A real browser for the tests that open our outputs the way users do (tests/browser.py):
# Debian's Chromium and its driver from apt-get, and ReplayWeb.page from the npm registry at
# a pinned version, unpacked into .browsers/replaywebpage. Idempotent: Chromium is looked for
# on every run (cheap), ReplayWeb.page is fetched once per version (a stamp). Playwright, which
# drives Chromium, is a Python package of the test extra. Any project test that needs a
# browser depends on this target. A failed install fails `make test`; on a developer's machine
# SKIP_BROWSER_TESTS=1 skips both the install and the browser tests (under CI it is ignored).
RWP_VERSION := 2.5.3
BROWSERS    := .browsers
RWP_STAMP   := $(BROWSERS)/.replaywebpage-$(RWP_VERSION)
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)

browsers: $(RWP_STAMP)
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		echo "browsers: installing Debian's chromium and chromium-driver with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver \
			>/dev/null || { echo "browsers: apt-get could not install chromium;" \
			"the browser tests cannot run (SKIP_BROWSER_TESTS=1 skips them locally)" >&2; \
			exit 1; }; \
	fi

$(RWP_STAMP):
	rm -rf $(BROWSERS)/replaywebpage $(BROWSERS)/pack $(BROWSERS)/.replaywebpage-*
	mkdir -p $(BROWSERS)/pack
	npm pack --silent --pack-destination $(BROWSERS)/pack replaywebpage@$(RWP_VERSION) >/dev/null
	tar -xzf $(BROWSERS)/pack/replaywebpage-$(RWP_VERSION).tgz -C $(BROWSERS)/pack
	mv $(BROWSERS)/pack/package $(BROWSERS)/replaywebpage
	rm -rf $(BROWSERS)/pack
	touch $@

# ("1:" only when SKIP_BROWSER_TESTS=1 and CI is unset: under CI the browsers are installed)
ifeq ($(SKIP_BROWSER_TESTS):$(CI),1:)
TEST_NEEDS := $(STAMP)
else
TEST_NEEDS := $(STAMP) browsers
endif

test: $(TEST_NEEDS)
	$(PY) -m pytest

# The README's screenshots of `scrape serve` (docs/desk-*.png), taken by the browser tests'
# machinery on an archive crawled from the sample site.
screenshots: $(STAMP) browsers
	$(PY) -m tests.desk_screens docs

check: $(STAMP)
	$(VENV)/bin/ruff check core scraper archive desk commands cli.py cmdline.py views.py tests bench
	$(VENV)/bin/mypy

demo: $(STAMP)
	$(PY) -m tests.samplesite.demo

# Per-field accuracy of the parser over the golden fixtures and the sample site's ground truth.
parse-report: $(STAMP)
	$(PY) -m tests.parse_report

# Benchmarks against trafilatura, newspaper4k, wget and Scrapy (bench/README.md). Not part of
# `make test`. Peer tools live in their own venv; a peer that cannot be installed (or wget,
# if apt-get cannot add it) is reported as unavailable in the table instead of failing.
PEERS       := bench/.venv-peers
PEERS_STAMP := $(PEERS)/.installed-stamp

# pip 23.2's resolver can fail on trafilatura + newspaper4k together: pip is upgraded first.
$(PEERS_STAMP): bench/peers/requirements.txt bench/peers/requirements-scrapy.txt
	test -x $(PEERS)/bin/python || $(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet --upgrade pip
	$(PEERS)/bin/python -m pip install --quiet -r bench/peers/requirements.txt
	$(PEERS)/bin/python -m pip install --quiet -r bench/peers/requirements-scrapy.txt \
		|| echo "bench: Scrapy could not be installed; the crawl row will say so"
	touch $@

bench: $(STAMP)
	$(MAKE) --no-print-directory $(PEERS_STAMP) || echo "bench: peer tools unavailable"
	command -v wget >/dev/null || apt-get install -y -qq wget >/dev/null 2>&1 \
		|| (apt-get update -qq && apt-get install -y -qq wget) >/dev/null 2>&1 \
		|| echo "bench: wget unavailable; its figures will say so"
	$(PY) -m bench.run

# The parser on real pages, side by side with trafilatura in the same run (bench/realpages.py):
# CORPUS names the folder(s) of trafilatura's evaluation set and/or scrapinghub's
# article-extraction-benchmark, separated by ':'. Not part of `make test`.
realpages: $(STAMP)
	CORPUS="$(CORPUS)" $(PY) -m bench.realpages --check
	$(MAKE) --no-print-directory $(PEERS_STAMP) || echo "realpages: peer tools unavailable"
	CORPUS="$(CORPUS)" $(PY) -m bench.realpages

clean:
	rm -rf $(VENV) $(BROWSERS) demo-archive .pytest_cache .mypy_cache .ruff_cache
