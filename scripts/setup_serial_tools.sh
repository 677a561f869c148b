#!/bin/sh
# Installs socat (the serial tests' null-modem pair: two pseudo-terminals joined, each
# opened as a COM port) with apt-get when it is missing. Run by `make pytest`; the tests
# that need it skip, saying why, only when this could not install it.
set -e
command -v socat >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # The package lists may be missing or stale: install, else update and install again.
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq socat >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq socat >/dev/null 2>&1; } || true
fi
command -v socat >/dev/null 2>&1 || echo "setup_serial_tools: socat not installed (no root or no apt-get); the null-modem tests will skip" >&2
exit 0
