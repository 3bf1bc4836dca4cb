# The front door. Every target creates the virtual environment it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install test check lint demo bench parse-report clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest

check: $(STAMP)
	$(VENV)/bin/ruff check core scraper archive cli.py views.py tests bench
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

clean:
	rm -rf $(VENV) demo-archive .pytest_cache .mypy_cache .ruff_cache
