#!/usr/bin/env bash
# chctl.sh: install/start/stop/inspect the project-local ClickHouse server
# (Debian's clickhouse-server, 18.16 on bookworm) used for local development and CI.
#
#   chctl.sh install | start | stop | status | wait | url
#
# Env: BALLAST_DATA_DIR (default <repo>/.data; relative paths are taken from the
#      repo root), CLICKHOUSE_HTTP_PORT (18123), CLICKHOUSE_TCP_PORT (19000),
#      CLICKHOUSE_START_TIMEOUT (seconds, 60), CLICKHOUSE_ANALYST_PASSWORD
#      (analyst), CLICKHOUSE_LOG_LEVEL (information).
#
# Everything lives under $BALLAST_DATA_DIR/clickhouse/: config/ (rendered from
# infra/clickhouse/config/*.template), db/ (data), tmp/, user_files/,
# format_schemas/, log/ (server log, error log, stdout.log) and pid.
set -euo pipefail

PROG=chctl
# shellcheck source-path=SCRIPTDIR source=../local/common.sh
source "$(dirname "$0")/../local/common.sh"

TEMPLATES="$ROOT/infra/clickhouse/config"
STATE="$DATA/clickhouse"
CONF_DIR="$STATE/config"
CONFIG="$CONF_DIR/config.xml"
USERS="$CONF_DIR/users.xml"
DB_DIR="$STATE/db"
LOG_DIR="$STATE/log"
ERR_LOG="$LOG_DIR/clickhouse-server.err.log"
OUT_LOG="$LOG_DIR/stdout.log"
PIDFILE="$STATE/pid"

HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-18123}"
TCP_PORT="${CLICKHOUSE_TCP_PORT:-19000}"
START_TIMEOUT="${CLICKHOUSE_START_TIMEOUT:-60}"
STOP_TIMEOUT=20
URL="http://127.0.0.1:$HTTP_PORT"

check_env() {
  [[ "$HTTP_PORT" =~ ^[0-9]+$ ]] || die "CLICKHOUSE_HTTP_PORT must be a port number, got '$HTTP_PORT'"
  [[ "$TCP_PORT" =~ ^[0-9]+$ ]] || die "CLICKHOUSE_TCP_PORT must be a port number, got '$TCP_PORT'"
  [[ "$HTTP_PORT" != "$TCP_PORT" ]] || die "CLICKHOUSE_HTTP_PORT and CLICKHOUSE_TCP_PORT are both $HTTP_PORT"
  [[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "CLICKHOUSE_START_TIMEOUT must be whole seconds, got '$START_TIMEOUT'"
}

# True when pid is a clickhouse server started with our config file.
is_ours() {
  local -a argv=()
  # The braces put the redirection itself under 2>/dev/null: the process may be gone.
  { mapfile -d '' -t argv <"/proc/$1/cmdline"; } 2>/dev/null || return 1
  ((${#argv[@]} > 1)) || return 1
  [[ "${argv[0]##*/}" == clickhouse* ]] || return 1
  local a
  for a in "${argv[@]:1}"; do
    [[ "$a" == "--config-file=$CONFIG" ]] && return 0
  done
  return 1
}

# Prints the server pid if the pidfile points at our live server.
running_pid() {
  pid_from_file "$PIDFILE" is_ours
}

# Servers started with our config file whatever the pidfile says (pidfile lost
# or overwritten): stop must leave none behind. Scans /proc (no procps needed).
our_pids() {
  local d p
  for d in /proc/[0-9]*; do
    p="${d#/proc/}"
    if is_ours "$p" && alive "$p"; then echo "$p"; fi
  done
  return 0
}

first_our_pid() {
  local pids
  pids="$(our_pids)"
  echo "${pids%%$'\n'*}"
}

# http_get PATH_AND_QUERY: prints the body of a 200 answer from the server,
# fails otherwise. curl when present, else bash's /dev/tcp (fresh CI images may
# lack curl).
http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 5 "$URL$1" 2>/dev/null
    return
  fi
  local resp
  # shellcheck disable=SC2016 # $1/$2 are expanded by the inner bash
  resp="$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$2" >&3
    cat <&3' _ "$HTTP_PORT" "$1" 2>/dev/null)" || return 1
  [[ "$resp" =~ ^HTTP/1\.[01]\ 200 ]] || return 1
  printf '%s' "${resp#*$'\r\n\r\n'}"
}

# Ready = /ping answers "Ok." and SELECT 1 runs.
ready() {
  [[ "$(http_get /ping)" == "Ok." ]] || return 1
  [[ "$(http_get '/?query=SELECT%201')" == "1" ]]
}

# Byte offsets of the logs when this start began: on failure only what this
# attempt wrote is shown (the error log also holds every failed query).
ERR_MARK=0 OUT_MARK=0
mark_logs() {
  ERR_MARK="$(stat -c %s "$ERR_LOG" 2>/dev/null || echo 0)"
  OUT_MARK="$(stat -c %s "$OUT_LOG" 2>/dev/null || echo 0)"
}

log_tail() {
  local f mark text
  for f in "$ERR_LOG" "$OUT_LOG"; do
    [[ -s "$f" ]] || continue
    mark="$ERR_MARK"
    [[ "$f" == "$OUT_LOG" ]] && mark="$OUT_MARK"
    # Rotated since the mark: show the file's end.
    (($(stat -c %s "$f") >= mark)) || mark=0
    text="$(tail -c +"$((mark + 1))" "$f" | grep -v '^[0-9]*\. /' | tail -n 25 || true)"
    [[ -n "$text" ]] || continue
    echo "---- last lines of $f ----" >&2
    printf '%s\n' "$text" >&2
  done
}

# wait_ready [PID]: polls until ready, the server dies, or the timeout passes.
wait_ready() {
  local pid="${1:-}" deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if ready; then
      return 0
    fi
    if [[ -n "$pid" ]] && ! alive "$pid"; then
      log_tail
      echo "chctl: clickhouse-server (pid $pid) exited during startup (logs in $LOG_DIR)" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log_tail
      echo "chctl: ClickHouse not ready at $URL after ${START_TIMEOUT}s (CLICKHOUSE_START_TIMEOUT; logs in $LOG_DIR)" >&2
      return 1
    fi
    sleep 0.3
  done
}

# Debian puts clickhouse-server in /usr/sbin, which is not on a normal
# user's PATH.
server_bin() {
  command -v clickhouse-server 2>/dev/null && return 0
  [[ -x /usr/sbin/clickhouse-server ]] && echo /usr/sbin/clickhouse-server && return 0
  return 1
}

# Escapes a value for XML text and for the replacement side of sed s|||.
subst_value() {
  local v="$1"
  # Quoted replacements: bash 5.2's patsub_replacement gives a bare & meaning.
  v="${v//'&'/'&amp;'}" v="${v//'<'/'&lt;'}" v="${v//'>'/'&gt;'}"
  # shellcheck disable=SC1003 # quoted backslashes are meant literally
  v="${v//'\'/'\\'}" v="${v//'|'/'\|'}" v="${v//'&'/'\&'}"
  printf '%s' "$v"
}

render() {
  local template="$1" out="$2" expr=() kv
  shift 2
  for kv in "$@"; do
    expr+=(-e "s|@${kv%%=*}@|$(subst_value "${kv#*=}")|g")
  done
  sed "${expr[@]}" "$template" >"$out.tmp"
  if grep -qE '@[A-Z0-9_]+@' "$out.tmp"; then
    local left
    left="$(grep -oE '@[A-Z0-9_]+@' "$out.tmp" | sort -u | tr '\n' ' ')"
    rm -f "$out.tmp"
    die "unsubstituted placeholder in $template: $left"
  fi
  mv -f "$out.tmp" "$out"
}

render_config() {
  local pw="${CLICKHOUSE_ANALYST_PASSWORD:-analyst}" sha
  sha="$(printf '%s' "$pw" | sha256sum | cut -d' ' -f1)"
  mkdir -p "$CONF_DIR" "$DB_DIR" "$STATE/tmp" "$STATE/user_files" "$STATE/format_schemas" "$LOG_DIR"
  # Holds the analyst password hash.
  chmod 700 "$CONF_DIR"
  render "$TEMPLATES/config.xml.template" "$CONFIG" \
    "LOG_LEVEL=${CLICKHOUSE_LOG_LEVEL:-information}" \
    "LOG_DIR=$LOG_DIR" \
    "HTTP_PORT=$HTTP_PORT" \
    "TCP_PORT=$TCP_PORT" \
    "DB_PATH=$DB_DIR" \
    "TMP_PATH=$STATE/tmp" \
    "USER_FILES_PATH=$STATE/user_files" \
    "FORMAT_SCHEMA_PATH=$STATE/format_schemas" \
    "USERS_CONFIG=$USERS"
  render "$TEMPLATES/users.xml.template" "$USERS" "ANALYST_PASSWORD_SHA256=$sha"
}

# The server runs as the invoking user (root is fine for 18.16). It must own
# its data: 18.16 fails with permission errors otherwise, and later releases
# refuse to start when the process user differs from the data owner.
check_ownership() {
  local me owner d
  me="$(id -u)"
  for d in "$STATE" "$DB_DIR"; do
    owner="$(stat -c %u "$d")"
    [[ "$owner" == "$me" ]] ||
      die "$d is owned by uid $owner, not by the current user (uid $me); fix with: sudo chown -R $(id -un): '$STATE'"
  done
  [[ -w "$DB_DIR" ]] || die "$DB_DIR is not writable by $(id -un)"
}

# One installer for every Debian package of the stack (one apt-get run).
cmd_install() {
  bash "$ROOT/infra/local/install-packages.sh"
}

cmd_start() {
  check_env
  local pid
  if pid="$(running_pid)"; then
    if ready; then
      echo "chctl: already running (pid $pid) at $URL"
      return 0
    fi
    # Alive but not answering: most likely still starting (another chctl).
    echo "chctl: server (pid $pid) is up but not answering yet; waiting" >&2
    wait_ready "$pid" || die "server (pid $pid) does not answer; try: chctl.sh stop && chctl.sh start"
    echo "chctl: running (pid $pid) at $URL"
    return 0
  fi
  local bin
  bin="$(server_bin)" || die "clickhouse-server is not installed; run: bash infra/clickhouse/chctl.sh install"
  # Our server without (a valid) pidfile: adopt it.
  pid="$(first_our_pid)"
  if [[ -n "$pid" ]]; then
    echo "$pid" >"$PIDFILE"
    wait_ready "$pid" || die "server (pid $pid) does not answer; try: chctl.sh stop && chctl.sh start"
    echo "chctl: already running (pid $pid) at $URL"
    return 0
  fi
  # Something else on our ports (another data dir's server, the system service
  # configured on these ports, ...): fail instead of talking to a stranger.
  local port
  for port in "$HTTP_PORT" "$TCP_PORT"; do
    if tcp_open 127.0.0.1 "$port"; then
      die "port $port on 127.0.0.1 is already in use by another process (not the server of $STATE); stop it or set CLICKHOUSE_HTTP_PORT/CLICKHOUSE_TCP_PORT"
    fi
  done

  render_config
  check_ownership
  rm -f "$PIDFILE"
  mark_logs

  # setsid: own session, so a Ctrl-C/hangup of the caller does not reach it.
  # Without job control the child is not a group leader, so setsid exec()s in
  # place and $! is the server's pid (checked by is_ours below).
  echo "=== $(date -Is) start: $bin --config-file=$CONFIG" >>"$OUT_LOG"
  setsid "$bin" --config-file="$CONFIG" >>"$OUT_LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"

  if ! wait_ready "$pid"; then
    cmd_stop >/dev/null 2>&1 || true
    die "start failed"
  fi
  if ! is_ours "$pid"; then
    # setsid forked (caller had job control): record the real server pid.
    pid="$(first_our_pid)"
    [[ -n "$pid" ]] || die "server answers at $URL but its process was not found"
    echo "$pid" >"$PIDFILE"
  fi
  echo "chctl: started (pid $pid) at $URL (tcp 127.0.0.1:$TCP_PORT, data $STATE)"
}

cmd_stop() {
  local -a pids=()
  local p
  p="$(running_pid || true)"
  [[ -n "$p" ]] && pids+=("$p")
  for p in $(our_pids); do
    [[ " ${pids[*]} " == *" $p "* ]] || pids+=("$p")
  done
  if ((${#pids[@]} == 0)); then
    rm -f "$PIDFILE"
    echo "chctl: not running"
    return 0
  fi
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT)) left
  while :; do
    left=()
    for p in "${pids[@]}"; do alive "$p" && left+=("$p"); done
    ((${#left[@]} == 0 || SECONDS >= deadline)) && break
    sleep 0.2
  done
  if ((${#left[@]} > 0)); then
    echo "chctl: pid ${left[*]} still running after ${STOP_TIMEOUT}s, sending SIGKILL" >&2
    kill -KILL "${left[@]}" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      left=()
      for p in "${pids[@]}"; do alive "$p" && left+=("$p"); done
      ((${#left[@]} == 0)) && break
      sleep 0.2
    done
  fi
  # Dead but maybe not yet reaped (a container's PID 1 may reap late): give
  # it a moment so that `pgrep clickhouse` right after stop shows nothing.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    left=()
    for p in "${pids[@]}"; do [[ -e "/proc/$p" ]] && left+=("$p"); done
    ((${#left[@]} == 0)) && break
    sleep 0.2
  done
  rm -f "$PIDFILE"
  echo "chctl: stopped (pid ${pids[*]})"
}

cmd_status() {
  check_env
  local pid
  if pid="$(running_pid)" && ready; then
    echo "$URL"
    return 0
  fi
  if [[ -n "${pid:-}" ]]; then
    echo "chctl: server (pid $pid) is running but not answering at $URL" >&2
  else
    echo "chctl: not running" >&2
  fi
  return 1
}

cmd_wait() {
  check_env
  local pid=""
  if [[ -f "$PIDFILE" ]]; then
    pid="$(running_pid || true)"
    [[ -n "$pid" ]] || die "pidfile $PIDFILE points at no running server; start it with: chctl.sh start"
  fi
  wait_ready "$pid" || exit 1
  echo "$URL"
}

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wait) cmd_wait ;;
  url) check_env && echo "$URL" ;;
  -h | --help | help) usage 0 ;;
  *) usage ;;
esac
