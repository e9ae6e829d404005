#!/usr/bin/env bash
# Installs the samples' pinned npm packages (spacetimedb, esbuild, playwright-core, typescript) into
# samples/node_modules, only when missing or stale. playwright-core downloads no browser: the browser
# tests use Debian's Chromium (scripts/ensure-chromium.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "samples: Node.js 20 or newer with npm is required" >&2
    exit 1
fi
stamp="node_modules/.meridian-samples-installed"
wanted="$(node -e '
  const h = require("node:crypto").createHash("sha256");
  for (const f of ["package.json", "package-lock.json", ".npmrc"]) h.update(require("node:fs").readFileSync(f));
  h.update(process.version);
  console.log(h.digest("hex"));
')"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "== npm ci (samples)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
    echo "$wanted" > "$stamp"
fi
