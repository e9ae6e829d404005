#!/usr/bin/env bash
# Starts a Meridian server with the sample chat module (samples/chat) published as database
# "chat", and keeps it running until Ctrl+C. Needs only the .NET 10 SDK.
#   ./run.sh [--listen-addr HOST:PORT] [--data-dir DIR]
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

listen="127.0.0.1:3000"
data_dir="${MERIDIAN_DATA_DIR:-$PWD/.meridian/data}"
while [ $# -gt 0 ]; do
    case "$1" in
        --listen-addr) listen="$2"; shift 2 ;;
        --data-dir) data_dir="$2"; shift 2 ;;
        *) echo "usage: ./run.sh [--listen-addr HOST:PORT] [--data-dir DIR]" >&2; exit 2 ;;
    esac
done

echo "Building Meridian ..."
dotnet build src/Meridian.Cli -c Release -nologo -v quiet
cli=(dotnet src/Meridian.Cli/bin/Release/net10.0/Meridian.Cli.dll)
export MERIDIAN_CONFIG_DIR="${MERIDIAN_CONFIG_DIR:-$PWD/.meridian/cli}"

out=$(mktemp)
"${cli[@]}" start --listen-addr "$listen" --data-dir "$data_dir" > >(tee "$out") &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$out"' EXIT INT TERM

url=""
for _ in $(seq 1 300); do
    url=$(sed -n 's/^Meridian listening on //p' "$out")
    [ -n "$url" ] && break
    if ! kill -0 $server 2>/dev/null; then echo "The server did not start." >&2; exit 1; fi
    sleep 0.2
done
[ -n "$url" ] || { echo "The server did not report its address in time." >&2; exit 1; }

"${cli[@]}" publish -p samples/chat -s "$url" --yes chat
cat <<MSG

The chat module is published as database "chat" at $url
  WebSocket (SpacetimeDB SDKs): ${url/http/ws}  database name: chat
  Try:  dotnet src/Meridian.Cli/bin/Release/net10.0/Meridian.Cli.dll call -s $url chat send_message '"hello"'
        dotnet src/Meridian.Cli/bin/Release/net10.0/Meridian.Cli.dll sql -s $url chat "SELECT * FROM message"
Press Ctrl+C to stop.
MSG
wait $server
