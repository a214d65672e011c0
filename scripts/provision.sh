#!/usr/bin/env bash
# Provisions a hall gateway on a Debian device (run as root from a checkout):
#   sudo bash scripts/provision.sh --gateway-id gw-hall-a --hall HALL-A [--site campus] [--reader /dev/ttyUSB0]
# Creates the hallgate user, installs the code in /opt/hallgate, writes
# /etc/hallgate/config.yaml (kept if present), installs and starts the unit.
set -euo pipefail
cd "$(dirname "$0")/.."
GW=gw-1 HALL=HALL-A SITE=campus READER=/dev/ttyUSB0
while [ $# -gt 0 ]; do
  case "$1" in
    --gateway-id) GW=$2; shift 2 ;;
    --hall) HALL=$2; shift 2 ;;
    --site) SITE=$2; shift 2 ;;
    --reader) READER=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "provision.sh must run as root" >&2; exit 1; }

bash scripts/setup.sh
node scripts/build.mjs   # the daemon runs the compiled JavaScript in dist/ (no tsx at run time)
id hallgate >/dev/null 2>&1 || useradd --system --home /var/lib/hallgate --shell /usr/sbin/nologin --groups dialout,video hallgate
mkdir -p /opt/hallgate /etc/hallgate /var/lib/hallgate
cp -a bin dist gateway rules sync models scripts systemd package.json package-lock.json tsconfig.json .npmrc README.md node_modules /opt/hallgate/
if [ ! -f /etc/hallgate/config.yaml ]; then
  cat > /etc/hallgate/config.yaml <<YAML
gateway:
  id: $GW
  site: $SITE
  hallId: $HALL
store:
  path: /var/lib/hallgate/hallgate.db
readers:
  - id: reader-1
    path: $READER
    protocol: em4100
    gateId: $HALL-IN
    direction: enter
mqtt:
  enabled: true
  url: mqtts://broker.example.edu:8883
  caFile: /etc/hallgate/ca.pem
  certFile: /etc/hallgate/$GW.crt
  keyFile: /etc/hallgate/$GW.key
YAML
  echo "wrote /etc/hallgate/config.yaml: edit the broker and reader settings"
fi
chown -R hallgate:hallgate /var/lib/hallgate
chmod 640 /etc/hallgate/config.yaml && chgrp hallgate /etc/hallgate/config.yaml
node /opt/hallgate/bin/hallgate.js config check /etc/hallgate/config.yaml
install -m 644 systemd/hallgate.service /etc/systemd/system/hallgate.service
systemctl daemon-reload
systemctl enable --now hallgate.service
systemctl --no-pager status hallgate.service || true
