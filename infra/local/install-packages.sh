#!/usr/bin/env bash
# Installs the Debian packages the local stack needs, when missing, in one apt-get run:
#   clickhouse-server, clickhouse-client   the local ClickHouse (infra/clickhouse/chctl.sh)
#   librdkafka-dev, gcc, make, pkg-config  the mock Kafka launcher (infra/kafka/kafkactl.sh)
#   chromium                               renders `ballast drift compare --html` reports in
#                                          cli/test/analysis/drift-html.int.spec.ts
# Uses sudo when not root. The packages' system services are never used: the stack
# runs its own processes with project-local config and data.
set -euo pipefail

need=()
command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/sbin/clickhouse-server ] || need+=(clickhouse-server)
command -v clickhouse-client >/dev/null 2>&1 || need+=(clickhouse-client)
[ -f /usr/include/librdkafka/rdkafka_mock.h ] || need+=(librdkafka-dev)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v make >/dev/null 2>&1 || need+=(make)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0

die() { echo "install-packages: $*" >&2; exit 1; }
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
    die "need root or passwordless sudo to install: ${need[*]} (as root: apt-get install -y ${need[*]})"
  fi
  sudo=(sudo -n)
fi
command -v apt-get >/dev/null 2>&1 || die "apt-get is not available; install by hand: ${need[*]}"

echo "[ballast] installing Debian packages: ${need[*]}"
# invoke-rc.d honours a policy-rc.d that exits 101: the packages' services are not
# started. Only ours is removed afterwards; an existing one is left alone.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  "${sudo[@]}" sh -c "printf '#!/bin/sh\n# temporary, from ballast install-packages.sh\nexit 101\n' >'$policy' && chmod 755 '$policy'"
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi

"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${need[@]}" >/dev/null

# clickhouse-server enables its own service (ports 8123/9000, /var/lib/clickhouse),
# which the stack never uses: disable it, and stop it should it have started anyway.
if [ -e /etc/init.d/clickhouse-server ] || [ -e /lib/systemd/system/clickhouse-server.service ]; then
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    "${sudo[@]}" systemctl disable --now clickhouse-server >/dev/null 2>&1 || true
  elif [ -e /etc/init.d/clickhouse-server ]; then
    "${sudo[@]}" /etc/init.d/clickhouse-server stop >/dev/null 2>&1 || true
    "${sudo[@]}" update-rc.d clickhouse-server disable >/dev/null 2>&1 || true
  fi
fi
echo "[ballast] installed: ${need[*]}"
