#!/usr/bin/env bash
# Runs Meridian's whole test suite and ends with one line: "N passed, N failed[, N skipped]".
# Needs only the .NET 10 SDK (and Node.js for the TypeScript end-to-end and the samples' browser tests,
# which install Debian's chromium through scripts/ensure-chromium.sh).
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

passed=0 failed=0 skipped=0 status=0

echo "== building"
if ! dotnet build Meridian.slnx -c Debug 2>&1 | tee "$log_dir/build.log" | grep -E "error|Warn|Build succeeded|Elapsed"; then
    :
fi
if ! grep -q "Build succeeded" "$log_dir/build.log"; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

echo "== .NET tests"
# --blame-hang-timeout names the test that hung instead of letting CI time out silently.
dotnet test Meridian.slnx -c Debug --no-build --blame-hang-timeout 10m 2>&1 | tee "$log_dir/test.log"
test_status=${PIPESTATUS[0]}
while read -r p f s; do
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done < <(sed -nE 's/.*(Passed|Failed)!.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\3 \2 \4/p' "$log_dir/test.log")
if [ "$test_status" -ne 0 ]; then
    status=1
    # A crashed or hung test host reports no summary line: count it as a failure.
    if [ "$failed" -eq 0 ]; then failed=1; fi
fi

# A suite run by node's test runner (TAP): its "# pass N", "# fail N", "# skipped N" lines are added in.
run_tap_suite() { # run_tap_suite TITLE SCRIPT LOG
    echo "== $1"
    bash "$2" 2>&1 | tee "$log_dir/$3"
    local suite_status=${PIPESTATUS[0]} p f s
    p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$log_dir/$3" | tail -n 1)
    f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$log_dir/$3" | tail -n 1)
    s=$(sed -nE 's/^# skipped ([0-9]+)$/\1/p' "$log_dir/$3" | tail -n 1)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
    if [ "$suite_status" -ne 0 ]; then
        status=1
        if [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
    fi
}

if [ -f tests/e2e-typescript/run.sh ]; then
    run_tap_suite "TypeScript end-to-end tests" tests/e2e-typescript/run.sh e2e.log
fi
if [ -f samples/run-browser-tests.sh ]; then
    # The solution (the CLI and the sample modules included) was built above.
    MERIDIAN_SAMPLES_SKIP_CLI_BUILD=1 run_tap_suite "samples: browser tests (headless Chromium)" samples/run-browser-tests.sh samples.log
fi

if [ "$failed" -gt 0 ]; then status=1; fi
summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then summary="$summary, $skipped skipped"; fi
echo "$summary"
exit $status
