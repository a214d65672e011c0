#!/usr/bin/env bash
# Provisions (or upgrades) a hall gateway on a Debian device, run as root from a checkout:
#   sudo bash scripts/provision.sh --gateway-id gw-hall-a --hall HALL-A [--site campus] [--reader /dev/ttyUSB0]
#
# 1. builds dist/ here (dev dependencies stay in the checkout);
# 2. stages production dependencies only (npm ci --omit=dev; the face-api /
#    TensorFlow.js engine only when camera.engine is faceapi), drops the
#    onnxruntime binaries of other systems and architectures, and puts code
#    and dependencies in place in /opt/hallgate (an upgrade replaces them; the
#    configuration is kept);
# 3. creates or corrects the hallgate user and its groups (dialout, video);
# 4. writes /etc/hallgate/config.yaml from a template when there is none;
# 5. runs `hallgate config check` and `hallgate doctor --before-start` as the
#    hallgate user and STOPS, with what to fix, before enabling the unit if
#    either fails (a template with placeholders always does);
# 6. installs the unit and enables it, or restarts it when it already runs.
# PREFIX=/some/dir puts /opt and /etc under it (a trial run; systemd untouched).
set -euo pipefail
cd "$(dirname "$0")/.."
GW=gw-1 HALL=HALL-A SITE=campus READER=/dev/ttyUSB0
while [ $# -gt 0 ]; do
  case "$1" in
    --gateway-id) GW=$2; shift 2 ;;
    --hall) HALL=$2; shift 2 ;;
    --site) SITE=$2; shift 2 ;;
    --reader) READER=$2; shift 2 ;;
    *) echo "provision: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "provision: must run as root" >&2; exit 1; }
PREFIX=${PREFIX:-}
APP=$PREFIX/opt/hallgate
ETC=$PREFIX/etc/hallgate
CONFIG=$ETC/config.yaml
STATE=${PREFIX:+$PREFIX}/var/lib/hallgate
say() { echo "provision: $*"; }

# 1. Build where the compiler is.
bash scripts/setup.sh
node scripts/build.mjs

# 2. Production dependencies, staged, then put in place.
engine=onnx
if [ -f "$CONFIG" ] && grep -Eq '^\s*engine:\s*faceapi' "$CONFIG"; then engine=faceapi; fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -a bin dist models package.json package-lock.json .npmrc README.md "$stage/"
mkdir "$stage/scripts" && cp scripts/build.mjs "$stage/scripts/" # npm ci runs `prepare`: it keeps dist/
omit=(--omit=dev)
[ "$engine" = faceapi ] || omit+=(--omit=optional)
say "installing production dependencies (${omit[*]})"
(cd "$stage" && ONNXRUNTIME_NODE_INSTALL=skip npm ci "${omit[@]}" --no-audit --no-fund --loglevel=error)
ort="$stage/node_modules/onnxruntime-node/bin"
if [ -d "$ort" ]; then
  arch=$(node -p 'process.arch')
  find "$ort" -mindepth 2 -maxdepth 2 -type d ! -name linux -exec rm -rf {} +
  find "$ort" -mindepth 3 -maxdepth 3 -type d -path '*/linux/*' ! -name "$arch" -exec rm -rf {} +
fi
mkdir -p "$APP" "$ETC"
for part in bin dist models node_modules package.json package-lock.json .npmrc README.md; do
  rm -rf "${APP:?}/$part.new"
  cp -a "$stage/$part" "$APP/$part.new"
  rm -rf "${APP:?}/$part"
  mv "$APP/$part.new" "$APP/$part"
done
say "installed $(du -sm "$APP" | cut -f1) MB in $APP" # 222 MB with the onnx engine on linux-x64 (2026-12-01)

# 3. The service user, its groups corrected on every run.
if ! id hallgate >/dev/null 2>&1; then
  useradd --system --home /var/lib/hallgate --shell /usr/sbin/nologin hallgate
fi
usermod -a -G dialout,video hallgate
install -d -m 0700 -o hallgate -g hallgate "$STATE"

# 4. The configuration, kept when present.
if [ ! -f "$CONFIG" ]; then
  cat > "$CONFIG" <<YAML
gateway:
  id: $GW
  site: $SITE
  hallId: $HALL
store:
  path: $STATE/hallgate.db
readers:
  - id: reader-1
    path: $READER
    protocol: em4100
    gateId: $HALL-IN
    direction: enter
mqtt:
  enabled: true
  url: mqtts://broker.example.edu:8883
  caFile: $ETC/ca.pem
  certFile: $ETC/$GW.crt
  keyFile: $ETC/$GW.key
YAML
  say "wrote $CONFIG from the template: set the broker URL and put the TLS files in place"
fi
chgrp hallgate "$CONFIG" && chmod 640 "$CONFIG"

# 5. Nothing is enabled unless the gateway passes its own checks.
hallgate() { runuser -u hallgate -- node "$APP/bin/hallgate.js" "$@"; }
if ! hallgate config check "$CONFIG" || ! hallgate doctor --before-start --config "$CONFIG"; then
  say "NOT enabling hallgate.service: fix what is listed above (in $CONFIG or on the device), then run provision.sh again" >&2
  exit 1
fi

# 6. The unit: installed, enabled, (re)started.
if [ -n "$PREFIX" ]; then
  say "PREFIX set: leaving systemd alone"
  exit 0
fi
install -m 644 systemd/hallgate.service /etc/systemd/system/hallgate.service
systemctl daemon-reload
if systemctl is-active --quiet hallgate.service; then
  systemctl restart hallgate.service
else
  systemctl enable --now hallgate.service
fi
systemctl --no-pager status hallgate.service || true
