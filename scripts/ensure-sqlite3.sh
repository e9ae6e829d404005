#!/usr/bin/env bash
# Makes sure the SQLite command-line shell `sqlite3` is installed (Debian's sqlite3 package), for the tests that
# read a running `meridian mirror` file with it. Idempotent: when sqlite3 already runs, it does nothing.
# Works unattended (CI=true, no standard input): apt-get update first, then a non-interactive install.
#   bash scripts/ensure-sqlite3.sh
set -euo pipefail

if command -v sqlite3 >/dev/null 2>&1 && sqlite3 -version >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-sqlite3: sqlite3 is missing and this system has no apt-get; install the SQLite shell (sqlite3) yourself." >&2
    exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo_cmd=(sudo -n)
    else
        echo "ensure-sqlite3: sqlite3 is missing; installing it needs root (or passwordless sudo):" >&2
        echo "  apt-get update && apt-get install -y sqlite3" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-sqlite3: installing sqlite3 ..." >&2
"${sudo_cmd[@]}" apt-get update -qq </dev/null >&2
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends sqlite3 </dev/null >&2

if ! sqlite3 -version >/dev/null 2>&1; then
    echo "ensure-sqlite3: sqlite3 was installed but does not run." >&2
    exit 1
fi
