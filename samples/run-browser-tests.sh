#!/usr/bin/env bash
# The samples' browser tests (kanban, terminal-academy): Playwright drives Debian's headless
# Chromium against each sample's web client and a real Meridian server. Called by ./test.sh from
# the repository root as `bash samples/run-browser-tests.sh`. Installs Chromium
# (scripts/ensure-chromium.sh) and the pinned npm packages when missing, builds the CLI, generates
# the bindings with `meridian generate --lang typescript`, type-checks and bundles the web clients,
# and runs node's test runner, whose TAP output ends with "# pass N", "# fail N".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
samples=(kanban terminal-academy)

if ! chromium="$(bash "$root/scripts/ensure-chromium.sh" </dev/null | tail -n 1)"; then
    echo "samples: no Chromium, and it could not be installed" >&2
    exit 1
fi
echo "== chromium: $chromium"
bash "$here/tools/install.sh" || exit 1

# ./test.sh has built the whole solution already and says so with MERIDIAN_SAMPLES_SKIP_CLI_BUILD=1.
if [ -z "${MERIDIAN_CLI:-}" ] && [ -z "${MERIDIAN_SAMPLES_SKIP_CLI_BUILD:-}" ]; then
    echo "== dotnet build src/Meridian.Cli -c Debug"
    build_log="$(mktemp)"
    if ! (cd "$root" && DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build src/Meridian.Cli -c Debug -nologo -v quiet) >"$build_log" 2>&1; then
        grep -E "error" "$build_log" | sort -u | tail -n 40
        rm -f "$build_log"
        echo "samples: building the Meridian CLI failed" >&2
        exit 1
    fi
    rm -f "$build_log"
fi

cd "$here" || exit 1
present=()
for s in "${samples[@]}"; do
    if [ -d "$s/web" ]; then present+=("$s"); fi
done
node tools/build.mjs "${present[@]}" || { echo "samples: building the web clients failed" >&2; exit 1; }
echo "== tsc --noEmit (the web clients with their generated bindings)"
node node_modules/typescript/bin/tsc -p tsconfig.json || { echo "samples: the web clients do not type-check" >&2; exit 1; }

echo "== node --test (browser tests)"
shopt -s nullglob
tests=()
for s in "${present[@]}"; do tests+=("$s"/test/*.test.mjs); done
runner=(node --test --test-reporter=tap --test-concurrency=1)
if command -v timeout >/dev/null 2>&1; then
    runner=(timeout --kill-after=30 "${MERIDIAN_SAMPLES_SUITE_TIMEOUT:-900}" "${runner[@]}")
fi
"${runner[@]}" "${tests[@]}"
