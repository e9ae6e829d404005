#!/usr/bin/env bash
# Makes sure the PostgreSQL command-line client `psql` is installed (Debian's postgresql-client), for the tests
# that drive Meridian's PostgreSQL wire protocol with it. Idempotent: when psql already runs, it does nothing.
# Works unattended (CI=true, no standard input): apt-get update first, then a non-interactive install.
set -euo pipefail

if command -v psql >/dev/null 2>&1 && psql --version >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-psql: psql is missing and this system has no apt-get; install the PostgreSQL client (psql) yourself." >&2
    exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo -n)
    else
        echo "ensure-psql: psql is missing; installing it needs root (or sudo)." >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-psql: installing postgresql-client ..." >&2
"${sudo_cmd[@]}" apt-get update -qq </dev/null >&2
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends postgresql-client </dev/null >&2

if ! psql --version >/dev/null 2>&1; then
    echo "ensure-psql: postgresql-client was installed but psql does not run." >&2
    exit 1
fi
