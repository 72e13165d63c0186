# Two commands set everything up on a fresh machine: `make serve` and `make test`.
# Every other target is listed by `make help`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PY      := .venv/bin/python
VENV_BIN := .venv/bin/
VENV    := .venv/.installed
NODE    := node_modules/.installed
DEBIAN  := .cache/debian.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

# Publishing, with pelican-quickstart's names: `make publish` builds PUBLISHCONF into
# PUBLISHDIR (SITEURL from the environment or publishconf.py); the author's builds keep
# OUTPUTDIR. Neither touches the other's tree.
OUTPUTDIR   := output
PUBLISHDIR  := public
CONFFILE    := pelicanconf.py
PUBLISHCONF := publishconf.py
SSH_HOST       ?= localhost
SSH_PORT       ?= 22
SSH_USER       ?= root
SSH_TARGET_DIR ?= /var/www
SSH_OPTS       ?=
GITHUB_PAGES_REMOTE ?= origin
GITHUB_PAGES_BRANCH ?= gh-pages
GITHUB_PAGES_COMMIT_MESSAGE ?= Generate Pelican site
CNAME ?=

.PHONY: help deps html serve publish github rsync_upload clean test test-fast bench labs lab-% sweep notes note newpost lock import lighthouse

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
	$(PY) -m tools.build $(CONFFILE) --output $(OUTPUTDIR)

# A clean build (no cache): what ships is built from nothing but the sources.
# gh-pages holds only generated files: each `make github` replaces it (--force).
publish: deps ## Build public/ for readers (SITEURL=https://... ; no drafts or future posts)
	$(PY) -m tools.build $(PUBLISHCONF) --output $(PUBLISHDIR) --no-cache

github: publish ## Publish public/ to the gh-pages branch of origin (CNAME=blog.example.org)
	$(VENV_BIN)ghp-import -m "$(GITHUB_PAGES_COMMIT_MESSAGE)" -b $(GITHUB_PAGES_BRANCH) \
	  --no-jekyll $(if $(CNAME),--cname "$(CNAME)") \
	  --push --force --remote $(GITHUB_PAGES_REMOTE) "$(PUBLISHDIR)"

rsync_upload: publish ## Upload public/ with rsync over ssh (SSH_HOST= SSH_PORT= SSH_USER= SSH_TARGET_DIR= SSH_OPTS=)
	rsync -e "ssh -p $(SSH_PORT) $(SSH_OPTS)" -P -rvzc --perms --chmod=D755,F644 --delete \
	  "$(PUBLISHDIR)"/ "$(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)"

serve: deps ## Build, serve on http://127.0.0.1:8000 (HOST= PORT=), rebuild and reload on changes
	$(PY) -m tools.serve --host $(HOST) --port $(PORT)

clean: ## Remove output/, public/ and the build's caches (rendered documents, compiled templates)
	rm -rf output output.* public public.* .cache/pelican .cache/jinja

# --- authoring ------------------------------------------------------------
# What the author types reaches the tools byte for byte: each value is taken unexpanded
# ($(value): `$HOME`, `$(...)` stay text), exported to the recipe as ARG_<NAME>, and
# quoted there as "$$ARG_<NAME>" (the shell substitutes it once and never evaluates
# backticks, quotes, `&` or `;` inside), as --option="..." so a value starting with "-"
# stays a value. The raw variables themselves are not exported:
# make would expand them to build the recipe's environment. The tools refuse newlines.
AUTHOR_TEXT := URL COMMENT TAGS TITLE WEEK YEAR NOTES_LANG APPEND POST_LANG SLUG LAB FROM IMPORT_LANG
$(foreach name,$(AUTHOR_TEXT),$(eval export ARG_$(name) := $$(value $(name)))$(eval unexport $(name)))

notes: deps ## Write this week's reading notes from the inbox (WEEK= YEAR= NOTES_LANG=zh APPEND=1)
	$(PY) -m tools.notes write --week="$$ARG_WEEK" --year="$$ARG_YEAR" --lang="$$ARG_NOTES_LANG" \
	  --append="$$ARG_APPEND"

note: deps ## Add a link to the reading-notes inbox (URL= COMMENT= TAGS=a,b TITLE=)
	$(PY) -m tools.notes add --comment="$$ARG_COMMENT" --tags="$$ARG_TAGS" --title="$$ARG_TITLE" \
	  -- "$$ARG_URL"

newpost: deps ## Start a post (TITLE= POST_LANG=en|zh SLUG= LAB=), or the other language of one (FROM=content/posts/x.md)
	$(PY) -m tools.newpost --title="$$ARG_TITLE" --lang="$$ARG_POST_LANG" --slug="$$ARG_SLUG" \
	  --lab="$$ARG_LAB" --from="$$ARG_FROM"

import: deps ## Move a Hexo, Hugo, Jekyll or Pelican blog, or a GitBook, MkDocs or Hugo docs book, into content/ (FROM=dir IMPORT_LANG=zh|en SLUG=book-slug); never overwrites
	$(PY) -m tools.importer "$$ARG_FROM" $(if $(IMPORT_LANG),--lang="$$ARG_IMPORT_LANG") $(if $(SLUG),--slug="$$ARG_SLUG")

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
