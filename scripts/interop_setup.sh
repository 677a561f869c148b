#!/usr/bin/env bash
# make interop: what the Samba interop tests need beyond make build, installed when
# missing — Debian's samba package (smbd, smbpasswd) with apt-get, and the SMB client
# library (tests/interop/requirements.txt) into the project's venv. Idempotent: a
# machine that has both installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

if ! command -v smbd >/dev/null 2>&1 && ! test -x /usr/sbin/smbd; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "interop: installing samba with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends samba
    else
        echo "interop: smbd is missing and cannot be installed here (needs root and apt-get);" \
             "the interop tests will skip" >&2
    fi
fi

stamp=.venv/.interop-deps
if [ ! -f "$stamp" ] || [ tests/interop/requirements.txt -nt "$stamp" ]; then
    "$PY" -m pip install -q -r tests/interop/requirements.txt
    touch "$stamp"
fi
