# The two commands of the README. The demo's clock is pinned so that its incidents, its
# ongoing outage and its upcoming maintenance stay meaningful as the calendar moves on.
DEMO_NOW ?= 2026-11-22T21:00:00Z
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: demo test site goldens bench

demo:
	scripts/setup demo
	.venv/bin/mkstatus serve --now $(DEMO_NOW) --dev-addr $(ADDR)

test:
	scripts/setup test
	.venv/bin/python -m pytest $(PYTEST_ARGS)

site:
	scripts/setup demo
	.venv/bin/mkstatus build --now $(DEMO_NOW)
	.venv/bin/mkstatus notify --dry-run --now $(DEMO_NOW)   # what a deploy would send

goldens:
	scripts/setup test
	.venv/bin/python -m tests.goldens --update
