#!/usr/bin/env bash
# npm run test:cassandra: every Cassandra test (files named *cassandra*) against a real node,
# nothing skipped. Starts a node (scripts/cassandra.sh) unless CASSANDRA_CONTACT_POINTS names one,
# and stops it at exit. Extra arguments narrow the files (substrings, as for run-tests.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CASSANDRA_CONTACT_POINTS:-}" ]; then
  node_dir=$(mktemp -d "${TMPDIR:-/tmp}/hallgate-cassandra.XXXXXX")
  trap 'bash scripts/cassandra.sh stop "$node_dir"' EXIT
  bash scripts/cassandra.sh start "$node_dir"
  CASSANDRA_CONTACT_POINTS=$(cat "$node_dir/contact-point")
  export CASSANDRA_CONTACT_POINTS
else
  node scripts/cassandra/releaseVersion.mjs "${CASSANDRA_CONTACT_POINTS%%,*}" "${CASSANDRA_DC:-datacenter1}"
fi
export HALLGATE_REQUIRE_CASSANDRA=1
if [ $# -gt 0 ]; then filters=("$@"); else filters=(cassandra); fi
node scripts/run-tests.mjs "${filters[@]}"
