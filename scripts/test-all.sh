#!/usr/bin/env bash
# The one test command (`npm test`): build + package, type-check, unit tests, size budgets, then the
# two real-VS-Code suites (code-server + headless Chromium). Runs every suite even after a failure,
# prints a summary, and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
step() { # step <name> <command...>
  local name="$1"; shift
  echo
  echo "=== ${name}"
  local t0=$SECONDS
  if "$@"; then
    echo "=== ${name}: ok ($((SECONDS - t0)) s)"
  else
    echo "=== ${name}: FAILED ($((SECONDS - t0)) s)"
    failed+=("$name")
  fi
}

# The packaged build is what the UI suite installs; the integration suite loads the same dist/.
step "build + package (.vsix)" npm run package --silent
if [ ${#failed[@]} -ne 0 ]; then echo "build failed: not running the tests"; exit 1; fi

step "typecheck" npx tsc -p . --noEmit
step "unit tests" npx mocha
if [ -f scripts/check-sizes.mjs ]; then step "size budgets" node scripts/check-sizes.mjs; fi
step "code-server (cached in .vscode-test/)" node scripts/setup-code-server.mjs
step "integration suite (extension host in code-server)" node scripts/run-integration.mjs --no-build
step "UI suite (Playwright + Chromium, installed .vsix)" node scripts/run-ui.mjs --no-package

echo
if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "All tests passed."
