# Two commands set everything up on a fresh machine: `make serve` and `make test`.
# Every other target is listed by `make help`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PY      := .venv/bin/python
VENV    := .venv/.installed
NODE    := node_modules/.installed
DEBIAN  := .cache/debian.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: help deps html serve publish clean test test-fast bench lighthouse labs lab-% sweep notes note newpost lock

help: ## List every target with what it does
	@grep -hE '^[a-zA-Z%_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# --- installing -----------------------------------------------------------

$(VENV): requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# PUPPETEER_SKIP_DOWNLOAD: mermaid-cli's puppeteer drives Debian's chromium, never a
# browser of its own (nothing is downloaded but npm packages)
$(NODE): package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --omit=optional --no-audit --no-fund --loglevel=error
	@touch $@

# Debian packages (chromium, etcd, runc, qemu, docker ...): installed when root,
# otherwise listed so the tests that need them skip with the reason.
$(DEBIAN): tools/debian-packages.txt tools/install-debian.sh
	@mkdir -p $(dir $@)
	bash tools/install-debian.sh tools/debian-packages.txt && touch $@ || true

deps: $(VENV) $(NODE) ## Install pinned Python packages and the site's own (editable) into .venv, and npm packages

lock: ## Re-pin requirements.lock from requirements.txt
	rm -rf .cache/lock-venv && python3 -m venv .cache/lock-venv
	.cache/lock-venv/bin/pip install --quiet -r requirements.txt
	.cache/lock-venv/bin/pip freeze --exclude-editable > requirements.lock

# --- the site -------------------------------------------------------------

html: deps ## Build the site into output/ (strict; a failed build keeps the old output/)
	$(PY) -m tools.build pelicanconf.py

publish: deps ## Build for publishing with publishconf.py (absolute URLs, feeds)
	$(PY) -m tools.build publishconf.py

serve: deps ## Build, serve on http://127.0.0.1:8000 (HOST= PORT=), rebuild and reload on changes
	$(PY) -m tools.serve --host $(HOST) --port $(PORT)

clean: ## Remove output/ and build caches
	rm -rf output output.* .cache/pelican

# --- authoring ------------------------------------------------------------

notes: deps ## Write this week's reading notes from the inbox (WEEK= YEAR= NOTES_LANG=zh APPEND=1)
	$(PY) -m tools.notes write $(if $(WEEK),--week $(WEEK)) $(if $(YEAR),--year $(YEAR)) \
	  $(if $(NOTES_LANG),--lang $(NOTES_LANG)) $(if $(APPEND),--append)

note: deps ## Add a link to the reading-notes inbox (URL= COMMENT= TAGS=a,b TITLE=)
	$(PY) -m tools.notes add "$(URL)" --comment "$(COMMENT)" --tags "$(TAGS)" $(if $(TITLE),--title "$(TITLE)")

newpost: deps ## Start a post (TITLE= POST_LANG=en|zh SLUG= LAB=)
	$(PY) -m tools.newpost --title "$(TITLE)" $(if $(POST_LANG),--lang $(POST_LANG)) \
	  $(if $(SLUG),--slug $(SLUG)) $(if $(LAB),--lab $(LAB))

# --- labs -----------------------------------------------------------------

labs: deps $(DEBIAN) ## Run every lab (exit 0 passed, 1 failed, 77 skipped)
	$(PY) -m labs run --all

lab-%: deps $(DEBIAN) ## Run one lab, e.g. `make lab-flannel` (V=1 shows its output live, V=2 daemons' logs too; KEEP=1 leaves its state, UNTIL=step)
	$(PY) -m labs run $* $(if $(filter 2,$(V)),-vv,$(if $(V),-v)) $(if $(KEEP),--keep) $(if $(UNTIL),--until $(UNTIL))

sweep: deps ## Remove leftovers of crashed lab runs (lab- namespaces, links, processes, dirs)
	$(PY) -m labs sweep --all

# --- checking -------------------------------------------------------------

test: deps $(DEBIAN) ## Install what is missing, then run every test (site, browser, labs)
	$(PY) -m pytest

test-fast: deps ## Run the tests that need neither a browser nor root
	$(PY) -m pytest -m 'not browser and not lab'

lighthouse: deps ## Lighthouse on the publish build, mobile emulation, in Debian's chromium (figures for BENCHMARKS.md)
	$(PY) -m tools.lighthouse

bench: deps ## Benchmarks: build time vs stock Pelican and Hugo, lab harness overhead (BENCH_ARGS=--help)
	-bash tools/install-debian.sh tools/bench-debian-packages.txt
	$(PY) -m tools.bench $(BENCH_ARGS)
