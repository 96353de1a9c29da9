#!/usr/bin/env bash
# The one test command (`npm test`): build + package, type-check, unit tests, size budgets, then the
# two real-VS-Code suites (code-server + headless Chromium). Runs every suite even after a failure,
# prints a summary, and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
step() { # step <name> <command...>
  local name="$1"; shift
  echo
  echo "=== ${name}"
  local t0=$SECONDS
  # Output goes to the terminal and to a log, from which the closing count line is summed.
  if "$@" 2>&1 | tee "$logs/$(printf '%03d' "$SECONDS")-${#failed[@]}-$RANDOM.log"; then
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
step "unit tests" npm run --silent test:unit
if [ -f scripts/check-sizes.mjs ]; then step "size budgets" node scripts/check-sizes.mjs; fi
step "Debian packages (chromium, ripgrep, headers)" bash scripts/install-system-deps.sh
step "code-server (cached in .vscode-test/)" node scripts/setup-code-server.mjs
step "integration suite (extension host in code-server)" node scripts/run-integration.mjs --no-build
step "UI suite (Playwright + Chromium, installed .vsix)" node scripts/run-ui.mjs --no-package

# One plain closing line summed over every mocha run (unit, integration, UI): "N passed, N failed".
sum() { cat "$logs"/*.log 2>/dev/null | sed -E 's/\x1b\[[0-9;]*m//g' | grep -oE "^ *[0-9]+ $1" | awk '{s+=$1} END {print s+0}'; }
passed=$(sum passing); failing=$(sum failing); pending=$(sum pending)
# A step that failed without a failing test (a build, a size budget, a crash) still counts as a failure.
if [ ${#failed[@]} -gt "$failing" ]; then failing=${#failed[@]}; fi
echo
if [ ${#failed[@]} -ne 0 ]; then echo "FAILED: ${failed[*]}"; else echo "All tests passed."; fi
echo "${passed} passed, ${failing} failed, ${pending} skipped"
[ ${#failed[@]} -eq 0 ]
