#!/usr/bin/env bash
# A real Apache Cassandra node on loopback for tests and benchmarks.
#
#   scripts/cassandra.sh fetch                 resolve Cassandra 5.0.8 from Maven Central into the
#                                              git-ignored cache (.cache/cassandra), check its checksums
#   scripts/cassandra.sh start DIR [--no-wait] start one node with its data, config and logs in DIR
#   scripts/cassandra.sh wait DIR              wait until it listens for CQL, print "Cassandra 5.x.y"
#   scripts/cassandra.sh status DIR            running / stopped (exit 0 / 1)
#   scripts/cassandra.sh stop DIR [--keep]     stop the node (SIGTERM, then SIGKILL), remove DIR
#
# Maven Central has no apache-cassandra binary tarball for 5.0.x (its last is 4.0-alpha2), so
# `fetch` resolves org.apache.cassandra:cassandra-all:5.0.8 and its runtime dependencies with
# Maven (scripts/cassandra/pom.xml, --strict-checksums: every jar against Central's .sha1) and then
# checks every jar against the sha256 list committed in scripts/cassandra/lib.sha256. `start` runs
# CassandraDaemon from those jars with the JVM options of Cassandra's own conf/jvm17-server.options.
# Nothing is downloaded by `start`: it fails with a hint when the cache is missing.
#
# After `start`, DIR/contact-point holds "127.0.0.1:PORT" (the value for CASSANDRA_CONTACT_POINTS).
# Environment (all optional):
#   MAX_HEAP_SIZE (768M), HEAP_NEWSIZE (128M)      JVM heap
#   CASSANDRA_LISTEN_ADDRESS (127.0.0.1)           listen/rpc address (127.0.0.2 ... for a cluster)
#   CASSANDRA_SEEDS (this node)                    "host:storage_port,..."
#   CASSANDRA_CQL_PORT / _STORAGE_PORT / _JMX_PORT free ports when unset
#   CASSANDRA_CLUSTER_NAME (hallgate-test), CASSANDRA_INITIAL_TOKEN (0), CASSANDRA_DC (datacenter1)
#   CASSANDRA_START_TIMEOUT (180)                  seconds `wait` allows for startup
#   CASSANDRA_RING_DELAY_MS (100)                  gossip ring delay (a node joining a cluster needs seconds)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION=5.0.8
CACHE="${HALLGATE_CASSANDRA_CACHE:-$ROOT/.cache/cassandra}"
LIB="$CACHE/$VERSION/lib"
SUMS="$ROOT/scripts/cassandra/lib.sha256"

die() {
  echo "cassandra: $*" >&2
  exit 1
}

verify() {
  [ -d "$LIB" ] || return 1
  (cd "$LIB" && sha256sum --quiet --strict -c "$SUMS" >/dev/null 2>&1) || return 1
  # no jar on the class path that the list does not name
  [ "$(find "$LIB" -maxdepth 1 -name '*.jar' | wc -l)" = "$(grep -c '\.jar$' "$SUMS")" ]
}

fetch() {
  if verify; then
    echo "cassandra: $VERSION cached in $LIB (checksums match)"
    return 0
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch Cassandra (apt-get install maven)"
  echo "cassandra: resolving cassandra-all $VERSION and its dependencies from Maven Central"
  rm -rf "$LIB.partial"
  mvn -q -B --strict-checksums -f "$ROOT/scripts/cassandra/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIB.partial" >&2 || die "Maven could not resolve Cassandra"
  rm -rf "$LIB"
  mv "$LIB.partial" "$LIB"
  verify || die "checksum mismatch in $LIB against $SUMS: refusing to use it (rm -rf $LIB and fetch again)"
  echo "cassandra: $VERSION fetched into $LIB (checksums match)"
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'${1:-127.0.0.1}',()=>{console.log(s.address().port);s.close()})"
}

write_config() {
  local dir=$1 addr=$2 cql=$3 storage=$4 seeds=$5
  cat >"$dir/conf/cassandra.yaml" <<YAML
# Written by scripts/cassandra.sh for a throwaway test node.
cluster_name: '${CASSANDRA_CLUSTER_NAME:-hallgate-test}'
num_tokens: 1
initial_token: ${CASSANDRA_INITIAL_TOKEN:-0}
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: GossipingPropertyFileSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$seeds"
listen_address: $addr
rpc_address: $addr
storage_port: $storage
native_transport_port: $cql
start_native_transport: true
data_file_directories: [$dir/data]
commitlog_directory: $dir/commitlog
saved_caches_directory: $dir/saved_caches
hints_directory: $dir/hints
cdc_raw_directory: $dir/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 8MiB
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
auto_snapshot: false
concurrent_reads: 8
concurrent_writes: 16
concurrent_counter_writes: 8
concurrent_compactors: 1
file_cache_size: 32MiB
key_cache_size: 8MiB
memtable_heap_space: 128MiB
memtable_offheap_space: 128MiB
compaction_throughput: 0MiB/s
read_request_timeout: 10000ms
write_request_timeout: 10000ms
range_request_timeout: 20000ms
request_timeout: 20000ms
batch_size_warn_threshold: 32KiB
YAML
  printf 'dc=%s\nrack=rack1\n' "${CASSANDRA_DC:-datacenter1}" >"$dir/conf/cassandra-rackdc.properties"
}

start() {
  local dir=$1 wait=${2:-}
  verify || die "Cassandra $VERSION is not in $LIB (or fails its checksums): run 'bash scripts/cassandra.sh fetch' (scripts/setup.sh does)"
  command -v java >/dev/null || die "java (17) is needed to run Cassandra"
  mkdir -p "$dir"/{conf,data,commitlog,saved_caches,hints,cdc_raw,logs,triggers}
  dir=$(cd "$dir" && pwd)
  local addr=${CASSANDRA_LISTEN_ADDRESS:-127.0.0.1}
  local cql=${CASSANDRA_CQL_PORT:-$(free_port "$addr")}
  local storage=${CASSANDRA_STORAGE_PORT:-$(free_port "$addr")}
  local jmx=${CASSANDRA_JMX_PORT:-$(free_port 127.0.0.1)}
  write_config "$dir" "$addr" "$cql" "$storage" "${CASSANDRA_SEEDS:-$addr:$storage}"
  local heap=${MAX_HEAP_SIZE:-768M} young=${HEAP_NEWSIZE:-128M}
  local opts=(
    -Xms"$heap" -Xmx"$heap" -Xmn"$young" -Xss256k
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1 -XX:G1HeapRegionSize=4m
    -XX:MaxGCPauseMillis=300 -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1 -XX:MaxDirectMemorySize=256M
    -XX:+ExitOnOutOfMemoryError -XX:+PerfDisableSharedMem -Dcassandra.triggers_dir="$dir/triggers"
    -Djava.net.preferIPv4Stack=true -Djdk.attach.allowAttachSelf=true
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
    --add-exports java.sql/java.sql=ALL-UNNAMED
    --add-exports java.base/java.lang.ref=ALL-UNNAMED
    --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
    --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
    --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
    --add-opens java.base/java.lang.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
    --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
    --add-opens java.base/jdk.internal.math=ALL-UNNAMED
    --add-opens java.base/jdk.internal.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens java.base/java.io=ALL-UNNAMED
    --add-opens java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED
    --add-opens java.base/java.util=ALL-UNNAMED
    -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.allocator.useCacheForAllThreads=true
    -Dio.netty.allocator.maxOrder=11
    -javaagent:"$LIB/jamm-0.4.0.jar"
    -Dcassandra.jmx.local.port="$jmx"
    -Dcassandra.config="file://$dir/conf/cassandra.yaml"
    -Dcassandra-rackdc.properties="file://$dir/conf/cassandra-rackdc.properties"
    -Dcassandra.logdir="$dir/logs" -Dcassandra.storagedir="$dir/data"
    -Dlogback.configurationFile="$ROOT/scripts/cassandra/logback.xml"
    -Dcassandra-foreground=yes
    -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms="${CASSANDRA_RING_DELAY_MS:-100}"
    -Dcassandra.load_ring_state=false -Dcassandra.superuser_setup_delay_ms=0
  )
  # The distribution's bin/cassandra needs -R to run as root; CassandraDaemon itself does not check.
  setsid java "${opts[@]}" -cp "$LIB/*" org.apache.cassandra.service.CassandraDaemon \
    >"$dir/logs/stdout.log" 2>"$dir/logs/stderr.log" </dev/null &
  echo $! >"$dir/pid"
  echo "$addr:$cql" >"$dir/contact-point"
  echo "cassandra: node starting (pid $(cat "$dir/pid"), CQL $addr:$cql, storage $storage, JMX $jmx, heap $heap), files in $dir" >&2
  if [ "$wait" != "--no-wait" ]; then wait_ready "$dir"; fi
}

running() {
  [ -f "$1/pid" ] && kill -0 "$(cat "$1/pid")" 2>/dev/null
}

wait_ready() {
  local dir=$1 deadline=$((SECONDS + ${CASSANDRA_START_TIMEOUT:-180}))
  until grep -q 'Starting listening for CQL clients' "$dir/logs/system.log" 2>/dev/null; do
    if ! running "$dir"; then
      tail -n 30 "$dir/logs/stderr.log" "$dir/logs/system.log" >&2 2>/dev/null || true
      die "node exited before listening for CQL clients (logs in $dir/logs)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$dir/logs/system.log" >&2 2>/dev/null || true
      die "node not listening for CQL clients after ${CASSANDRA_START_TIMEOUT:-180} s (logs in $dir/logs)"
    fi
    sleep 1
  done
  node "$ROOT/scripts/cassandra/releaseVersion.mjs" "$(cat "$dir/contact-point")" "${CASSANDRA_DC:-datacenter1}"
}

stop() {
  local dir=$1 keep=${2:-}
  if running "$dir"; then
    local pid deadline=$((SECONDS + 60))
    pid=$(cat "$dir/pid")
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    echo "cassandra: node stopped (pid $pid)" >&2
  fi
  if [ "$keep" != "--keep" ] && [ -f "$dir/contact-point" ]; then rm -rf "$dir"; fi
}

cmd=${1:-}
case "$cmd" in
  fetch) fetch ;;
  start) [ $# -ge 2 ] || die "usage: cassandra.sh start DIR [--no-wait]"; start "$2" "${3:-}" ;;
  wait) [ $# -ge 2 ] || die "usage: cassandra.sh wait DIR"; wait_ready "$2" ;;
  status)
    [ $# -ge 2 ] || die "usage: cassandra.sh status DIR"
    if running "$2"; then echo "running (pid $(cat "$2/pid"), CQL $(cat "$2/contact-point"))"; else echo stopped; exit 1; fi
    ;;
  stop) [ $# -ge 2 ] || die "usage: cassandra.sh stop DIR [--keep]"; stop "$2" "${3:-}" ;;
  *) die "usage: cassandra.sh fetch | start DIR [--no-wait] | wait DIR | status DIR | stop DIR [--keep]" ;;
esac
