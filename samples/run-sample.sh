#!/usr/bin/env bash
# bash samples/run-sample.sh SAMPLE [--server-port 3000] [--web-port 8080]
# Runs a web sample (kanban, terminal-academy) on a fresh machine with the .NET 10 SDK and Node.js 20+:
# installs the pinned npm packages, builds the Meridian CLI, starts a server, publishes the module,
# generates the bindings, bundles the web client and serves it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/tools/install.sh"
echo "== dotnet build src/Meridian.Cli -c Debug"
(cd "$here/.." && DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build src/Meridian.Cli -c Debug -nologo -v quiet)
exec node "$here/tools/run-sample.mjs" "$@"
