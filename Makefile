# winfile: `make demo` builds into .venv and runs the tour; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))

.PHONY: demo test build venv cargo-test pytest stubtest compat-table clean bench bench-smoke fuzz

demo: build
	$(PY) examples/tour.py

test: cargo-test pytest stubtest

venv: $(VENV)/.deps

$(VENV)/.deps: requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

build: venv
	$(VENV)/bin/maturin develop --release -q

cargo-test:
	cargo test -p winfile

pytest: build
	$(PY) -m pytest -q

# Stubs vs the built modules: our python/*.pyi, then typeshed's types-pywin32.
stubtest: build
	$(PY) scripts/stubtest.py

# Regenerate README.md's compatibility table from python/winfile/compat.py.
compat-table: venv
	$(PY) scripts/compat_table.py --write

# Long robustness run with a random seed (the seed is printed, replay with --seed).
WINFILE_FUZZ_EXAMPLES ?= 20000
export WINFILE_FUZZ_EXAMPLES
fuzz: build
	$(PY) tests/robustness_harness.py

clean:
	cargo clean
	rm -rf $(VENV) python/winfile/*.so

# Benchmarks (never part of `make test`; tests/test_bench_smoke.py runs the smoke mode).
# watchdog is the change-notification baseline (not a test dependency).
bench: build
	$(PY) -c "import watchdog" 2>/dev/null || $(PY) -m pip install -q watchdog
	$(PY) benches/run.py

bench-smoke: build
	$(PY) benches/run.py --smoke --json benches/results-smoke.json
