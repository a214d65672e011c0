#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what tests need, then
# type-check, lint and run every test. This is what CI runs (.ci/run).
# Every test needing Cassandra runs against one real node for the whole run
# (scripts/cassandra.sh), started in the background before the type-check so
# that its startup overlaps type-check and lint, and stopped at exit; set
# CASSANDRA_CONTACT_POINTS to use another cluster instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node_dir=""
if [ -z "${CASSANDRA_CONTACT_POINTS:-}" ]; then
  node_dir=$(mktemp -d "${TMPDIR:-/tmp}/hallgate-cassandra.XXXXXX")
  trap 'bash scripts/cassandra.sh stop "$node_dir"' EXIT
  bash scripts/cassandra.sh start "$node_dir" --no-wait
fi
# npm test = these three steps; the node's wait sits between lint and the tests.
npm run typecheck
npm run lint
if [ -n "$node_dir" ]; then
  bash scripts/cassandra.sh wait "$node_dir"
  CASSANDRA_CONTACT_POINTS=$(cat "$node_dir/contact-point")
  export CASSANDRA_CONTACT_POINTS
fi
export HALLGATE_REQUIRE_CASSANDRA=1
npm run test:unit
