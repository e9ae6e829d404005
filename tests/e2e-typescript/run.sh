#!/usr/bin/env bash
# TypeScript end-to-end tests: the official SpacetimeDB TypeScript SDK against a
# Meridian server. Called from the repository root as `bash tests/e2e-typescript/run.sh`.
# Installs the pinned npm packages (only when node_modules is missing or stale),
# builds the Meridian CLI, generates the bindings with `meridian generate`, compiles
# them and the tests, and runs the tests with
# node's TAP reporter, whose output ends with "# pass N", "# fail N", "# skipped N".
# Exits non-zero when anything fails. See README.md for the CLI contract and settings.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! command -v node >/dev/null 2>&1; then
    echo "tests/e2e-typescript: Node.js 20 or newer is required, and 'node' is not on PATH." >&2
    exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
    echo "tests/e2e-typescript: Node.js 20 or newer is required; this is $(node --version)." >&2
    exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "tests/e2e-typescript: npm (shipped with Node.js) is required, and 'npm' is not on PATH." >&2
    exit 1
fi

cd "$here" || exit 1

# npm ci only when node_modules does not match package-lock.json (and this Node).
stamp="node_modules/.meridian-e2e-installed"
wanted="$(node -e '
  const { createHash } = require("node:crypto");
  const { readFileSync } = require("node:fs");
  const h = createHash("sha256");
  for (const f of ["package.json", "package-lock.json", ".npmrc"]) h.update(readFileSync(f));
  h.update(process.version);
  console.log(h.digest("hex"));
')" || exit 1
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "== npm ci (tests/e2e-typescript)"
    if ! npm ci --no-audit --no-fund --loglevel=error; then
        echo "tests/e2e-typescript: npm ci failed" >&2
        exit 1
    fi
    echo "$wanted" > "$stamp"
fi

if [ -z "${MERIDIAN_CLI:-}" ]; then
    if [ ! -d "$root/src/Meridian.Cli" ]; then
        echo "note: $root/src/Meridian.Cli does not exist yet; the tests will fail for want of a server."
    elif ! command -v dotnet >/dev/null 2>&1; then
        echo "note: 'dotnet' is not on PATH, so the Meridian CLI cannot be built; the tests will fail."
    else
        echo "== dotnet build src/Meridian.Cli -c Debug"
        build_log="$(mktemp)"
        if ! (cd "$root" && DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
                dotnet build src/Meridian.Cli -c Debug -nologo -v quiet) >"$build_log" 2>&1; then
            grep -E "error|Error" "$build_log" | sort -u | tail -n 40
            rm -f "$build_log"
            echo "tests/e2e-typescript: building the Meridian CLI failed" >&2
            exit 1
        fi
        rm -f "$build_log"
    fi
else
    echo "== using MERIDIAN_CLI=$MERIDIAN_CLI"
fi

# The bindings are generated from the modules at every run:
# src/module_bindings from the chat module (or MERIDIAN_E2E_MODULE_DIR),
# src/everything_bindings from tests/Modules/Everything (every kind of type),
# src/kanban_bindings from samples/kanban/module (visibility filters),
# src/procedures_bindings from tests/Modules/Procedures (procedures),
# src/leaderboard_bindings from tests/Modules/Leaderboard (a live ordered window),
# src/views_bindings from tests/Modules/Views (views with and without a primary key) and
# src/migrate_v1_bindings, src/migrate_v2_bindings from tests/Modules/MigrateE2eV1, V2 (a migration).
if [ -n "${MERIDIAN_E2E_GENERATE:-}" ]; then
    read -r -a generate_cli <<< "$MERIDIAN_E2E_GENERATE"
elif [ -n "${MERIDIAN_CLI:-}" ]; then
    read -r -a generate_cli <<< "$MERIDIAN_CLI"
else
    generate_cli=(dotnet "$root/src/Meridian.Cli/bin/Debug/net10.0/Meridian.Cli.dll")
fi
generate() { # generate MODULE_DIR OUT_DIR
    echo "== meridian generate --lang typescript --out-dir tests/e2e-typescript/$2 -p $1"
    if ! (cd "$root" && DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
            "${generate_cli[@]}" generate --lang typescript --out-dir "tests/e2e-typescript/$2" -p "$1" --yes); then
        echo "tests/e2e-typescript: generating the bindings of $1 failed" >&2
        exit 1
    fi
}
generate "${MERIDIAN_E2E_MODULE_DIR:-samples/chat}" src/module_bindings
generate tests/Modules/Everything src/everything_bindings
generate samples/kanban/module src/kanban_bindings
generate tests/Modules/Procedures src/procedures_bindings
generate tests/Modules/Leaderboard src/leaderboard_bindings
generate tests/Modules/Views src/views_bindings
generate tests/Modules/MigrateE2eV1 src/migrate_v1_bindings
generate tests/Modules/MigrateE2eV2 src/migrate_v2_bindings

echo "== compiling the generated bindings and the tests (tsc --strict)"
rm -rf dist
if ! node node_modules/typescript/bin/tsc -p .; then
    echo "tests/e2e-typescript: tsc failed" >&2
    exit 1
fi
echo "== type-checking the golden bindings of tests/Meridian.Codegen.Tests (tsc --strict)"
if ! node node_modules/typescript/bin/tsc -p tsconfig.golden.json; then
    echo "tests/e2e-typescript: the golden bindings do not type-check" >&2
    exit 1
fi

echo "== node --test"
# Generated bindings import each other without an extension (as for bundlers); this
# hook lets Node's ESM loader resolve them to the compiled .js files.
runner=(node --import ./resolve-extensionless.mjs --test --test-reporter=tap)
# Every wait inside the tests is bounded; this is the backstop against anything
# left keeping a test file alive. (Not --test-force-exit: on Node 20 it can cut
# off the end of the TAP summary.)
if command -v timeout >/dev/null 2>&1; then
    runner=(timeout --kill-after=30 "${MERIDIAN_E2E_SUITE_TIMEOUT:-2400}" "${runner[@]}")
fi
shopt -s nullglob
test_files=(dist/*.test.js)
if [ "${#test_files[@]}" -eq 0 ]; then
    echo "tests/e2e-typescript: no compiled test files in dist/" >&2
    exit 1
fi
"${runner[@]}" "${test_files[@]}"
status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "tests/e2e-typescript: the test run was stopped after ${MERIDIAN_E2E_SUITE_TIMEOUT:-2400} s" >&2
fi
exit "$status"
