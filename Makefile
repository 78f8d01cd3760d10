# Pressroom: `make` sets up .venv and builds every output; `make test` runs the tests.
# Outputs depend on every file and folder under content/ and templates/ and on the package source,
# so a file added, edited, removed or renamed rebuilds them and a second `make` rebuilds nothing.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
PRESSROOM   := $(BIN)/pressroom
OUT         := build
INSTALLED   := $(VENV)/.installed
SYSTEM_DEPS := $(VENV)/.system-deps

# Debian packages: the build needs Pango (WeasyPrint), the fonts and HarfBuzz subsetting;
# the tests also read PDFs back with poppler and open the .docx in LibreOffice and pandoc.
BUILD_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core
TEST_PACKAGES  := poppler-utils libreoffice-writer-nogui pandoc

SOURCES   := $(shell find src -name '*.py') pyproject.toml
# Folders too: a folder changes when a file in it is added, removed or renamed.
CONTENT   := $(shell find content 2>/dev/null) $(wildcard pressroom.yaml)
TEMPLATES := $(shell find templates 2>/dev/null)
INPUTS    := $(CONTENT) $(TEMPLATES) $(SOURCES) $(INSTALLED)

.DEFAULT_GOAL := all
.PHONY: all brochure report reports check test bench clean help system-deps test-deps reference-doc

all: brochure report reports ## Build every output into build/

brochure: $(OUT)/brochure.pdf ## Build build/brochure.pdf
report: $(OUT)/report.docx ## Build build/report.docx (general edition)
reports: $(OUT)/reports/.built ## Build build/reports/<funder>.docx for every funder

$(OUT)/brochure.pdf: $(INPUTS)
	$(PRESSROOM) build brochure --out $(OUT)

$(OUT)/report.docx: $(INPUTS)
	$(PRESSROOM) build report --out $(OUT)

$(OUT)/reports/.built: $(INPUTS)
	$(PRESSROOM) build reports --out $(OUT)
	@touch $@

check: $(INSTALLED) ## Validate content and templates without writing anything
	$(PRESSROOM) check

test: $(INSTALLED) test-deps ## Run the test suite
	$(BIN)/python -m pytest

reference-doc: $(INSTALLED) ## Rebuild templates/report/reference.docx from the style definitions
	$(BIN)/python -m pressroom.report.reference templates/report/reference.docx

$(INSTALLED): pyproject.toml $(SYSTEM_DEPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(SYSTEM_DEPS):
	@$(MAKE) --no-print-directory system-deps PACKAGES="$(BUILD_PACKAGES)"
	@mkdir -p $(VENV) && touch $@

test-deps:
	@$(MAKE) --no-print-directory system-deps PACKAGES="$(TEST_PACKAGES)" OPTIONAL=1

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
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

bench: $(INSTALLED) ## Time builds against Pandoc on 100 and 1000 copies of the article
	$(BIN)/python tests/benchmark.py
