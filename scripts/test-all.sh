#!/usr/bin/env bash
# The one test command (`npm test`): build + package, type-check, unit tests, size budgets, then the
# two real-VS-Code suites (code-server + headless Chromium) on every supported VS Code version
# (1.100.3, the oldest, and 1.139.1, today's). Runs every suite even after a failure, prints a
# summary with each step's time, and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# The VS Code versions the real-VS-Code suites run on, oldest first (VSCODE_BUILDS in
# scripts/setup-code-server.mjs): 1.100.3 and 1.139.1.
read -ra VSCODE_VERSIONS <<< "$(node -e "import('./scripts/setup-code-server.mjs').then((m) => console.log(m.VSCODE_VERSIONS.join(' ')))")"
if [ ${#VSCODE_VERSIONS[@]} -eq 0 ]; then echo "scripts/setup-code-server.mjs lists no VS Code version"; exit 1; fi

failed=()
timings=()
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
step() { # step <name> <command...>
  local name="$1"; shift
  echo
  echo "=== ${name}"
  local t0=$SECONDS
  # Output goes to the terminal and to a log, from which the closing count line is summed.
  if "$@" 2>&1 | tee "$logs/$(printf '%05d' "$SECONDS")-${#failed[@]}-$RANDOM.log"; then
    echo "=== ${name}: ok ($((SECONDS - t0)) s)"
    timings+=("$(printf '%5d s  ok      %s' $((SECONDS - t0)) "$name")")
  else
    echo "=== ${name}: FAILED ($((SECONDS - t0)) s)"
    timings+=("$(printf '%5d s  FAILED  %s' $((SECONDS - t0)) "$name")")
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
for v in "${VSCODE_VERSIONS[@]}"; do
  step "VS Code ${v}: code-server (cached in .vscode-test/)" node scripts/setup-code-server.mjs --vscode "$v"
done
for v in "${VSCODE_VERSIONS[@]}"; do
  step "VS Code ${v}: integration suite (extension host in code-server)" node scripts/run-integration.mjs --vscode "$v" --no-build
  step "VS Code ${v}: UI suite (Playwright + Chromium, installed .vsix)" node scripts/run-ui.mjs --vscode "$v" --no-package
done

# One plain closing line summed over every mocha run (unit, integration, UI): "N passed, N failed".
sum() { cat "$logs"/*.log 2>/dev/null | sed -E 's/\x1b\[[0-9;]*m//g' | grep -oE "^ *[0-9]+ $1" | awk '{s+=$1} END {print s+0}'; }
passed=$(sum passing); failing=$(sum failing); pending=$(sum pending)
# A step that failed without a failing test (a build, a size budget, a crash) still counts as a failure.
if [ ${#failed[@]} -gt "$failing" ]; then failing=${#failed[@]}; fi
echo
echo "Steps (${SECONDS} s in all):"
printf '  %s\n' "${timings[@]}"
# The failures again, so a log read from its end still says which tests failed and why: mocha's
# numbered failure list after each "N failing" line, up to the next step's "=== " line.
if [ "$failing" -gt 0 ]; then
  echo "Failures (mocha's list, first lines):"
  cat "$logs"/*.log 2>/dev/null | sed -E 's/\x1b\[[0-9;]*m//g' \
    | awk '/^ *[0-9]+ failing/ {on=1; next} /^=== / {on=0} on' | grep -v '^ *at ' | head -n 40
fi
if [ ${#failed[@]} -ne 0 ]; then printf 'FAILED: %s\n' "${failed[@]}"; else echo "All tests passed."; fi
echo "${passed} passed, ${failing} failed, ${pending} skipped"
[ ${#failed[@]} -eq 0 ]
