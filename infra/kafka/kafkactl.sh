#!/usr/bin/env bash
# kafkactl.sh: build/start/stop/inspect the local mock Kafka cluster
# (librdkafka mock brokers wrapped by launcher/ballast-kafka-mock.c).
#
#   kafkactl.sh build | start | stop | status | ctl <command...>
#
# Env: BALLAST_DATA_DIR (default <repo>/.data; relative paths are taken from
#      the repo root), KAFKA_MOCK_BROKERS (3), KAFKA_MOCK_CONTROL_PORT (19093),
#      KAFKA_MOCK_PARTITIONS (override for every topic with >1 partition;
#      default for topics that declare none: 6), KAFKA_MOCK_DEBUG=1 (librdkafka
#      mock debug log into launcher.log).
set -euo pipefail

PROG=kafkactl
# shellcheck source-path=SCRIPTDIR source=../local/common.sh
source "$(dirname "$0")/../local/common.sh"

LAUNCHER_DIR="$ROOT/infra/kafka/launcher"
SRC="$LAUNCHER_DIR/ballast-kafka-mock.c"
BIN="$DATA/bin/ballast-kafka-mock"
STATE="$DATA/kafka"
PIDFILE="$STATE/pid"
LOG="$STATE/launcher.log"
BOOTSTRAP="$STATE/bootstrap"
PORTFILE="$STATE/control-port"
TOPICS_JSON="$ROOT/libs/kafka/src/topics.json"

BROKERS="${KAFKA_MOCK_BROKERS:-3}"
START_TIMEOUT=30
STOP_TIMEOUT=10

# True when pid runs our launcher binary.
is_launcher() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q ballast-kafka-mock
}

# Prints the launcher pid if the pidfile points at a live launcher.
running_pid() {
  pid_from_file "$PIDFILE" is_launcher
}

control_port() {
  if [[ -n "${KAFKA_MOCK_CONTROL_PORT:-}" ]]; then
    echo "$KAFKA_MOCK_CONTROL_PORT"
  elif [[ -f "$PORTFILE" ]]; then
    cat "$PORTFILE"
  else
    echo 19093
  fi
}

cmd_build() {
  if [[ -x "$BIN" && ! "$SRC" -nt "$BIN" && ! "$LAUNCHER_DIR/Makefile" -nt "$BIN" ]]; then
    return 0
  fi
  echo "kafkactl: building $BIN" >&2
  make -s -C "$LAUNCHER_DIR" OUT="$BIN" >&2
}

# One "--topic name:partitions" per line from libs/kafka/src/topics.json.
topic_args() {
  [[ -f "$TOPICS_JSON" ]] || die "topic file $TOPICS_JSON not found"
  # shellcheck disable=SC2016  # the JS template literals are not shell expansions
  node -e '
    const fs = require("fs");
    const [file, override] = [process.argv[1], process.argv[2]];
    const parseCount = (v, what) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) {
        console.error(`kafkactl: ${what}: invalid partition count ${JSON.stringify(v)}`);
        process.exit(1);
      }
      return n;
    };
    const ov = override === "" ? undefined : parseCount(override, "KAFKA_MOCK_PARTITIONS");
    const topics = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const [key, t] of Object.entries(topics)) {
      if (!t || typeof t.name !== "string" || !t.name) {
        console.error(`kafkactl: ${file}: entry "${key}" has no "name"`);
        process.exit(1);
      }
      let n = t.partitions === undefined ? (ov ?? 6) : parseCount(t.partitions, t.name);
      // Single-partition topics (control, alerts) exist for ordering: keep them at 1.
      if (ov !== undefined && n !== 1) n = ov;
      console.log(`${t.name}:${n}`);
    }
  ' "$TOPICS_JSON" "${KAFKA_MOCK_PARTITIONS:-}"
}

log_tail() {
  echo "---- last lines of $LOG ----" >&2
  tail -n 20 "$LOG" >&2 2>/dev/null || true
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    echo "kafkactl: already running (pid $pid), bootstrap $(cat "$BOOTSTRAP" 2>/dev/null || echo '?')"
    return 0
  fi
  cmd_build
  mkdir -p "$STATE"
  # A stale bootstrap file would make the readiness check pass too early.
  rm -f "$PIDFILE" "$BOOTSTRAP"

  local cport
  cport="${KAFKA_MOCK_CONTROL_PORT:-19093}"
  rm -f "$PORTFILE"
  local -a args=(--brokers "$BROKERS" --bootstrap-file "$BOOTSTRAP"
    --control-port "$cport")
  # KAFKA_MOCK_DEBUG=1: librdkafka "mock" debug logging into launcher.log.
  [[ "${KAFKA_MOCK_DEBUG:-0}" == 0 ]] || args+=(--debug)
  local t topics
  topics="$(topic_args)"
  while IFS= read -r t; do
    [[ -n "$t" ]] && args+=(--topic "$t")
  done <<<"$topics"

  # setsid: own session, so terminal Ctrl-C/hangup of the caller does not
  # reach it. Without job control the child is not a group leader, so setsid
  # exec()s in place and $! is the launcher's pid.
  echo "=== $(date -Is) start: ${args[*]}" >>"$LOG"
  setsid "$BIN" "${args[@]}" >>"$LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  # Remembered so `ctl` finds the port even without the env var.
  echo "$cport" >"$PORTFILE"

  local deadline=$((SECONDS + START_TIMEOUT)) first host port
  while :; do
    if ! alive "$pid"; then
      rm -f "$PIDFILE"
      log_tail
      die "launcher exited during startup (see $LOG)"
    fi
    if [[ -s "$BOOTSTRAP" ]]; then
      first="$(head -n1 "$BOOTSTRAP" | cut -d, -f1)"
      host="${first%:*}" port="${first##*:}"
      if tcp_open "$host" "$port"; then
        break
      fi
    fi
    if ((SECONDS >= deadline)); then
      log_tail
      kill -TERM "$pid" 2>/dev/null || true
      rm -f "$PIDFILE"
      die "launcher not ready after ${START_TIMEOUT}s (see $LOG)"
    fi
    sleep 0.2
  done
  echo "kafkactl: started (pid $pid) bootstrap $(cat "$BOOTSTRAP") control 127.0.0.1:$cport"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "kafkactl: not running"
    rm -f "$PIDFILE" "$BOOTSTRAP"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    alive "$pid" || break
    sleep 0.2
  done
  if alive "$pid"; then
    echo "kafkactl: pid $pid did not exit after ${STOP_TIMEOUT}s, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # SIGKILL skips the launcher's own cleanup, so remove its files here too.
  rm -f "$PIDFILE" "$BOOTSTRAP"
  echo "kafkactl: stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)" && [[ -s "$BOOTSTRAP" ]]; then
    cat "$BOOTSTRAP"
    return 0
  fi
  echo "kafkactl: not running" >&2
  return 1
}

cmd_ctl() {
  (($# > 0)) || die "usage: kafkactl.sh ctl <command...> (e.g. ctl broker-down 1)"
  local port reply
  port="$(control_port)"
  # Braces keep the 2>/dev/null local; a bare "exec ... 2>/dev/null" would
  # silence stderr for the rest of the script.
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null ||
    die "cannot connect to control channel 127.0.0.1:$port (is it running?)"
  printf '%s\n' "$*" >&3
  IFS= read -r -t 15 reply <&3 || die "no reply from control channel"
  exec 3<&-
  echo "$reply"
  [[ "$reply" != error* ]]
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  ctl) shift; cmd_ctl "$@" ;;
  *) die "usage: kafkactl.sh build|start|stop|status|ctl <command...>" ;;
esac
