#!/usr/bin/env bash
# The one command that runs every test: set-up, lint, typecheck, unit/integration tests and the
# browser tests, then one summary line for the whole run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup_all
ensure_chromium
cd "$ROOT"
rm -rf "$ROOT/.run/test-results" && mkdir -p "$ROOT/.run/test-results"
export FORCE_COLOR=0
status=0
"${PNPM[@]}" exec turbo run build lint typecheck format:check lint:bench typecheck:bench --output-logs=errors-only || status=$?
if [ "$status" = 0 ]; then
  "${PNPM[@]}" exec turbo run test --concurrency=1 --continue --output-logs=full || status=$?
fi
node scripts/summarize-tests.mjs "$ROOT/.run/test-results" || status=$?
exit "$status"
