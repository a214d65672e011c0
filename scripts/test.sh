#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what tests need, then
# type-check, lint and run every test. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
