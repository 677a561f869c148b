# winfile: `make demo` builds into .venv and runs the tour; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))

.PHONY: demo test build venv cargo-test pytest stubtest compat-table clean bench bench-smoke bench-iocp fuzz fuzz-calls fuzz-paths

demo: build
	$(PY) examples/tour.py

test: cargo-test stubtest pytest

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

# Everything under the default engine (io_uring where the kernel allows it), then the
# tests that go through the completion engine again on the thread pool (mio's TestPoll).
ENGINE_TESTS := tests/win32file/test_overlapped.py tests/win32file/test_notify.py tests/win32event
pytest: build
	$(PY) -m pytest -q
	WINFILE_ENGINE=pool $(PY) -m pytest -q $(ENGINE_TESTS)

# Stubs vs the built modules: our python/*.pyi, then typeshed's types-pywin32.
stubtest: build
	$(PY) scripts/stubtest.py

# Regenerate README.md's compatibility table from python/winfile/compat.py.
compat-table: venv
	$(PY) scripts/compat_table.py --write

# Long robustness runs with a random seed (the seed is printed, replay with --seed):
# every function with random arguments, then generated Windows names of every path form
# against the containment rule (docs/path-containment.md).
WINFILE_FUZZ_EXAMPLES ?= 20000
export WINFILE_FUZZ_EXAMPLES
fuzz: fuzz-calls fuzz-paths

fuzz-calls: build
	$(PY) tests/robustness_harness.py

fuzz-paths: build
	$(PY) tests/path_forms_harness.py

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

# QD32 random reads through a completion port (Rust and Python) vs fio's io_uring engine.
bench-iocp: build
	$(PY) benches/bench_iocp.py
