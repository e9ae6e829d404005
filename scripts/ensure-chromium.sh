#!/usr/bin/env bash
# Makes sure a headless Chromium from Debian's packages is installed, for the samples' browser
# tests. Idempotent: does nothing when one is already on PATH. Works unattended (CI=true, no stdin);
# installing needs root (or passwordless sudo). Prints the browser's path as its last line.
#   bash scripts/ensure-chromium.sh
set -euo pipefail

find_chromium() {
    if [ -n "${MERIDIAN_CHROMIUM:-}" ] && [ -x "$MERIDIAN_CHROMIUM" ]; then
        echo "$MERIDIAN_CHROMIUM"
        return 0
    fi
    local name
    for name in chromium chromium-browser; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

if path="$(find_chromium)"; then
    echo "$path"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "scripts/ensure-chromium.sh: Chromium is not installed and installing it needs root:" >&2
    echo "  apt-get update && apt-get install -y chromium" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "scripts/ensure-chromium.sh: no apt-get here; install Chromium and set MERIDIAN_CHROMIUM to its path." >&2
    exit 1
fi

echo "== installing Debian's chromium (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q </dev/null >&2
"${sudo[@]}" apt-get install -y -q --no-install-recommends chromium fonts-liberation </dev/null >&2

if ! path="$(find_chromium)"; then
    echo "scripts/ensure-chromium.sh: apt-get installed chromium but it is not on PATH" >&2
    exit 1
fi
echo "$path"
