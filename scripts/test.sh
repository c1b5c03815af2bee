#!/usr/bin/env bash
# The test command (`npm test`): type-check, then every vitest suite. It installs what the tests need beyond
# npm packages, so a fresh machine needs only `npm install && npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

echo "== typecheck"
npx tsc -p tsconfig.json

echo "== tests"
npx vitest run --reporter=default --reporter=json --outputFile=.vitest-results.json "$@"
