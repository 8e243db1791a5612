# The two commands of the README. The demo's clock is pinned so that its incidents, its
# ongoing outage and its upcoming maintenance stay meaningful as the calendar moves on.
DEMO_NOW ?= 2026-11-22T21:00:00Z
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: demo test test-core site goldens bench messages fuzz

demo:
	scripts/setup demo
	.venv/bin/mkstatus serve --now $(DEMO_NOW) --dev-addr $(ADDR)

test:
	scripts/setup test
	.venv/bin/python -m pytest $(PYTEST_ARGS)

# The pure core (incidents, compute, samples) in seconds, while you work; `make test` runs
# everything, as CI does.
test-core:
	scripts/setup test
	.venv/bin/python -m pytest -q -m "not slow" tests/incidents tests/compute tests/samples

site:
	scripts/setup demo
	.venv/bin/mkstatus build --now $(DEMO_NOW)
	.venv/bin/mkstatus notify --dry-run --now $(DEMO_NOW)   # what a deploy would send

goldens:
	scripts/setup test
	.venv/bin/python -m tests.goldens --update

# The interface's words: extract every msgid into the template catalog, merge it into
# each language's catalog (new msgids arrive empty, changed ones fuzzy: translate them),
# and compile the .mo files the wheel ships. See guide/languages.md.
LOCALE = generator/mkstatus/locale
messages:
	scripts/setup demo
	.venv/bin/pybabel extract --mapping-file babel.cfg --keywords N_ --no-location \
	    --sort-output --project mkstatus --copyright-holder "mkstatus contributors" \
	    --msgid-bugs-address "" --omit-header --output-file $(LOCALE)/mkstatus.pot .
	.venv/bin/pybabel update --domain mkstatus --input-file $(LOCALE)/mkstatus.pot \
	    --output-dir $(LOCALE) --no-wrap --ignore-obsolete
	.venv/bin/pybabel compile --domain mkstatus --directory $(LOCALE) --statistics

# The long fuzz run (the bounded one is part of `make test`): FUZZ_ARGS="-n 100000 --seed 7"
FUZZ_ARGS ?=
fuzz:
	scripts/setup demo
	.venv/bin/python bench/fuzz.py $(FUZZ_ARGS)
