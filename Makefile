# winfile: `make demo` builds into .venv and runs the tour; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))

.PHONY: serial-tools demo test lint build venv cargo-test pytest stubtest compat-table clean bench bench-smoke bench-iocp fuzz fuzz-calls fuzz-paths wheel sdist fuzz-txn

demo: build
	$(PY) examples/tour.py

test: cargo-test stubtest wheel pytest

# The gates CI runs before the tests: formatting and clippy with warnings as errors.
lint:
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings

venv: $(VENV)/.deps

$(VENV)/.deps: requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

build: venv
	$(VENV)/bin/maturin develop --release -q

# A manylinux2014 (glibc 2.17) abi3 wheel for this machine's architecture in dist/:
# linked by zig (the ziglang package) against glibc 2.17's symbols, checked by
# auditwheel (which must agree on the tag) and scripts/check_wheel.py;
# tests/test_wheel.py installs it into a fresh venv with no Rust on PATH.
WHEEL_PLAT := manylinux2014
# Rebuilt only when a tracked source changed since the last build (dist/.wheel).
WHEEL_INPUTS := $(shell git ls-files crates python scripts/check_wheel.py pyproject.toml Cargo.toml Cargo.lock README.md 2>/dev/null)
wheel: dist/.wheel

dist/.wheel: $(VENV)/.deps $(WHEEL_INPUTS)
	rm -f dist/winfile-*.whl
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/maturin build --release --strip --zig \
		--compatibility $(WHEEL_PLAT) --out dist -q
	$(VENV)/bin/auditwheel show dist/winfile-*.whl | tee dist/auditwheel.txt
	grep -q '"manylinux_2_17_' dist/auditwheel.txt
	$(VENV)/bin/python scripts/check_wheel.py dist/winfile-*.whl
	touch $@

sdist: venv
	rm -f dist/winfile-*.tar.gz
	$(VENV)/bin/maturin sdist --out dist

# The engine line says plainly whether io_uring ran or the kernel refused it (then the
# "uring" runs of the engine tests ran on the thread pool).
cargo-test:
	cargo test -p winfile
	cargo run -q -p winfile --example engine

# Everything under the default engine (io_uring where the kernel allows it), then the
# tests that go through the completion engine again on the thread pool (mio's TestPoll).
ENGINE_TESTS := tests/win32file/test_overlapped.py tests/win32file/test_completion_path.py tests/win32file/test_notify.py tests/win32event
ENGINE_TESTS += tests/win32file/test_sockets.py tests/win32file/test_sockets_select.py tests/win32file/test_socket_reactor.py
ENGINE_TESTS += tests/win32file/test_transmit.py
ENGINE_TESTS += tests/win32file/test_socket_tie.py tests/win32file/test_socket_fast_entry.py tests/win32file/test_socket_short_read.py
ENGINE_TESTS += tests/win32pipe
ENGINE_TESTS += tests/win32file/test_mailslot.py tests/win32file/test_streams.py
ENGINE_TESTS += tests/win32file/test_comm_overlapped.py
ENGINE_TESTS += tests/win32file/test_port_workers.py tests/win32file/test_socket_at_once.py
ENGINE_TESTS += tests/win32file/test_completion_token.py
ENGINE_TESTS += tests/win32file/test_waiting_op_path.py tests/win32file/test_socket_lent_export.py
pytest: build serial-tools
	$(PY) -m pytest -q
	WINFILE_ENGINE=pool $(PY) -m pytest -q $(ENGINE_TESTS)

# socat for the serial tests' null-modem pair (apt-get when missing; the tests skip,
# saying why, only when it cannot be installed).
serial-tools:
	sh scripts/setup_serial_tools.sh

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
fuzz: fuzz-calls fuzz-paths fuzz-txn

fuzz-calls: build
	$(PY) tests/robustness_harness.py

fuzz-paths: build
	$(PY) tests/path_forms_harness.py

# Transactions killed (SIGKILL) before, during and after the commit decision, then
# recovered by the next winfile process: the tree must be the before- or after-state.
WINFILE_TXN_CRASH_ITERATIONS ?= 1000
export WINFILE_TXN_CRASH_ITERATIONS
fuzz-txn: build
	$(PY) tests/txn_crash_harness.py

clean:
	cargo clean
	rm -rf $(VENV) dist python/winfile/*.so

# Benchmarks (never part of `make test`; tests/test_bench_smoke.py runs the smoke mode).
# watchdog is the change-notification baseline (not a test dependency); pyserial the
# serial ports' (benches/bench_serial.py).
bench: build
	$(PY) -c "import watchdog" 2>/dev/null || $(PY) -m pip install -q watchdog
	$(PY) -c "import serial" 2>/dev/null || $(PY) -m pip install -q pyserial
	$(PY) benches/run.py

bench-smoke: build
	$(PY) benches/run.py --smoke --json benches/results-smoke.json

# QD32 random reads through a completion port (Rust and Python) vs fio's io_uring engine.
bench-iocp: build
	$(PY) benches/bench_iocp.py

# Samba interop (docs/across-machines.md): installs samba (apt-get, when smbd is missing)
# and smbprotocol (tests/interop/requirements.txt) if needed, runs the tests against a
# private smbd on 127.0.0.1, then GetFileAttributesEx of 10k files the SMB client wrote,
# winfile against the client's own query (INTEROP_BENCH_FILES to change the count).
INTEROP_BENCH_FILES ?= 10000
interop: build
	PY=$(PY) scripts/interop_setup.sh
	WINFILE_INTEROP=1 $(PY) -m pytest -q tests/interop
	$(PY) tests/interop/bench_attributes.py -n $(INTEROP_BENCH_FILES) --json benches/results-interop.json
