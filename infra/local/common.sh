# shellcheck shell=bash
# Shared by the stack's control scripts (infra/clickhouse/chctl.sh, infra/kafka/kafkactl.sh):
# where the repo and its data folder are, and process and port probes.
# The caller sets PROG (its name, for messages) before sourcing this file.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${BALLAST_DATA_DIR:-.data}"
[[ "$DATA" == /* ]] || DATA="$ROOT/$DATA"

die() { echo "$PROG: $*" >&2; exit 1; }

# Alive = signalable and not a zombie (in containers PID 1 may never reap).
alive() {
  local pid="$1" state
  kill -0 "$pid" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  [[ "$state" != "Z" ]]
}

# TCP connect probe with bash's /dev/tcp (no nc or curl needed): tcp_open HOST PORT.
tcp_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# Prints the pid recorded in pidfile $1 when that process is alive and `$2 PID`
# confirms it is ours (a pidfile can outlive its process, and pids are reused).
pid_from_file() {
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(cat "$1" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  "$2" "$pid" || return 1
  echo "$pid"
}
