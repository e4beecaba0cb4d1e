#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft) for Batchwire, from Maven Central jars,
# without Docker. See kafka/README.md.
#
#   kafka/kafka.sh start|stop|restart|status|topics|reset|logs
#
# Environment:
#   KAFKA_PORT             broker (PLAINTEXT) port, default 9092
#   KAFKA_CONTROLLER_PORT  KRaft controller port, default KAFKA_PORT+1
#   BATCHWIRE_KAFKA_DIR    data dir, default ${XDG_STATE_HOME:-$HOME/.local/state}/batchwire/kafka-$KAFKA_PORT
#   KAFKA_HEAP             broker heap flags, default "-Xms256m -Xmx512m"
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer, default 90
#   KAFKA_STOP_TIMEOUT     seconds to wait for a clean shutdown before SIGKILL, default 30
#   KAFKA_TOPICS_FILE      topics definition, default kafka/topics.txt
#   BATCHWIRE_KAFKA_CACHE  where the resolved broker classpath is cached (per kafka/pom.xml), shared by every data
#                          dir, default ${XDG_CACHE_HOME:-$HOME/.cache}/batchwire
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
POM="$SCRIPT_DIR/pom.xml"
LOG4J2_CONFIG="$SCRIPT_DIR/log4j2.xml"
CREATE_TOPICS_SRC="$SCRIPT_DIR/CreateTopics.java"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_HOST="127.0.0.1"

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { printf 'kafka.sh: ERROR: %s\n' "$*" >&2; exit 1; }

is_port_number() { [[ "$1" =~ ^[0-9]+$ ]] && (( "$1" >= 1 && "$1" <= 65535 )); }
is_port_number "$KAFKA_PORT" || die "KAFKA_PORT must be a port number, got '$KAFKA_PORT'"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
is_port_number "$KAFKA_CONTROLLER_PORT" || die "KAFKA_CONTROLLER_PORT must be a port number, got '$KAFKA_CONTROLLER_PORT'"
[[ "$KAFKA_CONTROLLER_PORT" != "$KAFKA_PORT" ]] || die "KAFKA_CONTROLLER_PORT must differ from KAFKA_PORT ($KAFKA_PORT)"

KAFKA_DIR="${BATCHWIRE_KAFKA_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/batchwire/kafka-$KAFKA_PORT}"
CACHE_DIR="${BATCHWIRE_KAFKA_CACHE:-${XDG_CACHE_HOME:-${HOME:-}/.cache}/batchwire}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
TOPICS_FILE="${KAFKA_TOPICS_FILE:-$SCRIPT_DIR/topics.txt}"
[[ "$KAFKA_START_TIMEOUT" =~ ^[0-9]+$ ]] || die "KAFKA_START_TIMEOUT must be a number of seconds"
[[ "$KAFKA_STOP_TIMEOUT" =~ ^[0-9]+$ ]] || die "KAFKA_STOP_TIMEOUT must be a number of seconds"

BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
MARKER="$KAFKA_DIR/.batchwire-kafka"   # proves the dir is ours before `reset` deletes it
PID_FILE="$KAFKA_DIR/kafka.pid"
PROPS="$KAFKA_DIR/server.properties"
LOG_DIR="$KAFKA_DIR/logs"              # broker's own log files (log4j2)
DATA_DIR="$KAFKA_DIR/data"             # Kafka log.dirs (partitions + KRaft metadata)
SERVER_LOG="$LOG_DIR/server.log"
OUT_FILE="$LOG_DIR/kafka.out"          # the broker JVM's stdout/stderr
CLUSTER_ID_FILE="$KAFKA_DIR/cluster.id"

# ---------------------------------------------------------------- JDK -----------

# shellcheck source=../deploy/local/jdk.sh
source "$REPO_ROOT/deploy/local/jdk.sh"   # java_major, pick_jdk (JAVA_HOME >= 21, else Temurin)

pick_broker_jdk() {
  pick_jdk || die "no JDK >= 21 found; set JAVA_HOME to a JDK 21+"
  JDK_HOME="$JAVA_HOME"
}

# ---------------------------------------------------------------- classpath -----

resolve_classpath() {
  local hash cp_file tmp mvn_log missing=0 jar
  hash="$(sha256sum "$POM" | cut -c1-16)"
  # kept beside the data dirs, not in one: a throw-away data dir (the tests') must not resolve it again each time
  # (no usable home: the data dir itself)
  mkdir -p "$CACHE_DIR" 2>/dev/null && [[ -w "$CACHE_DIR" ]] || CACHE_DIR="$KAFKA_DIR"
  cp_file="$CACHE_DIR/kafka-classpath-$hash.txt"
  if [[ -s "$cp_file" ]]; then
    KAFKA_CP="$(<"$cp_file")"
    local -a jars
    IFS=: read -r -a jars <<<"$KAFKA_CP"
    for jar in "${jars[@]}"; do [[ -f "$jar" ]] || { missing=1; break; }; done
    if (( ! missing )); then return; fi
    log "cached classpath refers to missing jars; resolving again"
  fi

  local mvn
  if [[ -x "$REPO_ROOT/mvnw" ]]; then mvn="$REPO_ROOT/mvnw"
  elif command -v mvn >/dev/null 2>&1; then mvn="mvn"
  else die "neither $REPO_ROOT/mvnw nor mvn found: cannot resolve the broker classpath"
  fi
  log "resolving broker classpath from $POM (first run or pom changed; may download jars)..."
  tmp="$(mktemp "$CACHE_DIR/kafka-classpath-$hash.XXXXXX")"
  mvn_log="$LOG_DIR/mvn-classpath.log"
  if ! (cd "$REPO_ROOT" && JAVA_HOME="$JDK_HOME" "$mvn" -q -B -f "$POM" \
          dependency:build-classpath -Dmdep.outputFile="$tmp" -Dmdep.includeScope=runtime) \
          >"$mvn_log" 2>&1 || [[ ! -s "$tmp" ]]; then
    rm -f "$tmp"
    tail -n 40 "$mvn_log" >&2 || true
    die "resolving the broker classpath failed (full output: $mvn_log)"
  fi
  chmod 644 "$tmp"
  mv "$tmp" "$cp_file"
  KAFKA_CP="$(<"$cp_file")"
}

# ---------------------------------------------------------------- process -------

is_alive() { # $1 = pid; a zombie counts as dead
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "$state" != "Z" ]]
}

port_open() { # $1 = port
  timeout 2 bash -c "exec 3<>/dev/tcp/$KAFKA_HOST/$1" 2>/dev/null
}

broker_pid() { # prints the pid of OUR broker if it is alive
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  is_alive "$pid" || return 1
  # Guard against pid reuse: the process must be a kafka.Kafka running our server.properties.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $PROPS" || return 1
  echo "$pid"
}

# JVM options for the short-lived admin tools run on the broker classpath (fast start-up).
TOOL_OPTS=(-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
  "-Dlog4j2.configurationFile=$LOG4J2_CONFIG" "-Dkafka.logs.dir=$LOG_DIR" -Dkafka.log.name=tools)

# ---------------------------------------------------------------- config --------

write_server_properties() {
  cat >"$PROPS.tmp" <<EOF
# Generated by kafka/kafka.sh on every start; edits are overwritten.
# Single-node KRaft broker + controller for local Batchwire development.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA_DIR

# One node: every internal topic has replication factor 1.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1

# Topics come from kafka/topics.txt only.
auto.create.topics.enable=false
num.partitions=1

# A status message holds outcomes with upstream bodies of up to 1 MiB (batchwire.upstreams.*.max-response-bytes):
# take messages up to the producers' max.request.size, not just the default 1 MB.
message.max.bytes=4194304

# Fast consumer-group joins for development and tests.
group.initial.rebalance.delay.ms=0
EOF
  mv "$PROPS.tmp" "$PROPS"
}

format_storage_if_needed() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then return; fi
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    "$JAVA" "${TOOL_OPTS[@]}" -cp "$KAFKA_CP" kafka.tools.StorageTool random-uuid >"$CLUSTER_ID_FILE.tmp" \
      || die "kafka.tools.StorageTool random-uuid failed"
    mv "$CLUSTER_ID_FILE.tmp" "$CLUSTER_ID_FILE"
  fi
  local cluster_id
  cluster_id="$(tr -d '[:space:]' <"$CLUSTER_ID_FILE")"
  log "formatting storage in $DATA_DIR (cluster id $cluster_id)"
  # Static quorum (controller.quorum.voters): no --standalone / --initial-controllers.
  "$JAVA" "${TOOL_OPTS[@]}" -cp "$KAFKA_CP" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$PROPS" >"$LOG_DIR/format.log" 2>&1 \
    || { cat "$LOG_DIR/format.log" >&2; die "formatting storage failed"; }
}

# ---------------------------------------------------------------- commands ------

show_broker_logs() { # $1 = byte offset of server.log where this start began (default 0)
  local offset="${1:-0}"
  (( offset >= 0 )) || offset=0
  if [[ -s "$SERVER_LOG" ]] && (( $(stat -c %s "$SERVER_LOG") > offset )); then
    log "---- last lines of $SERVER_LOG ----"
    tail -c +"$((offset + 1))" "$SERVER_LOG" | tail -n 40 >&2 || true
  fi
  if [[ -s "$OUT_FILE" ]]; then
    log "---- last lines of $OUT_FILE ----"
    tail -n 20 "$OUT_FILE" >&2 || true
  fi
}

wait_until_ready() { # $1 = pid, $2 = byte offset of server.log before this start (-1: port only)
  local pid="$1" offset="$2" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while :; do
    if ! is_alive "$pid"; then
      show_broker_logs "$offset"
      rm -f "$PID_FILE"
      die "broker process $pid exited during start-up"
    fi
    if port_open "$KAFKA_PORT"; then
      if (( offset < 0 )) \
         || tail -c +"$((offset + 1))" "$SERVER_LOG" 2>/dev/null | grep -q 'Kafka Server started'; then
        return
      fi
    fi
    if (( SECONDS >= deadline )); then
      show_broker_logs "$offset"
      log "broker (pid $pid) did not become ready on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s (KAFKA_START_TIMEOUT); stopping it"
      stop_pid "$pid"
      die "broker start timed out"
    fi
    sleep 0.25
  done
}

cmd_start() {
  mkdir -p "$KAFKA_DIR" "$LOG_DIR" "$DATA_DIR"
  touch "$MARKER"
  exec 9>"$KAFKA_DIR/.lock"
  flock -w 180 9 || die "another kafka.sh holds $KAFKA_DIR/.lock"

  local pid
  if pid="$(broker_pid)"; then
    if ! port_open "$KAFKA_PORT"; then
      log "broker process $pid is alive but $BOOTSTRAP does not answer yet; waiting"
      wait_until_ready "$pid" -1
    fi
    log "already running (pid $pid) on $BOOTSTRAP"
    echo "$BOOTSTRAP"
    return 0
  fi
  rm -f "$PID_FILE"

  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$port"; then
      die "port $KAFKA_HOST:$port is already in use by another process (not this data dir's broker); choose KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done

  pick_broker_jdk
  local t0=$SECONDS
  resolve_classpath
  write_server_properties
  format_storage_if_needed

  local offset=0 jvm_extra=()
  [[ -f "$SERVER_LOG" ]] && offset="$(stat -c %s "$SERVER_LOG")"
  # JDK 24+ warns on stderr about Kafka's sun.misc.Unsafe use (harmless); keep kafka.out for real errors.
  if (( $(java_major "$JAVA") >= 24 )); then jvm_extra+=(--sun-misc-unsafe-memory-access=allow); fi
  log "starting broker on $BOOTSTRAP (controller $KAFKA_HOST:$KAFKA_CONTROLLER_PORT, java $(java_major "$JAVA") at $JDK_HOME, data $KAFKA_DIR)"
  # setsid: own session, so the broker survives the caller's process group being killed;
  # 9>&-: the broker must not inherit (and hold) the data dir lock.
  # shellcheck disable=SC2086 # KAFKA_HEAP is a list of JVM flags
  setsid nohup "$JAVA" $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true "${jvm_extra[@]}" \
      "-Dlog4j2.configurationFile=$LOG4J2_CONFIG" "-Dkafka.logs.dir=$LOG_DIR" -Dkafka.log.name=server \
      -cp "$KAFKA_CP" kafka.Kafka "$PROPS" \
      >"$OUT_FILE" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_until_ready "$pid" "$offset"
  log "broker ready (pid $pid) after $((SECONDS - t0))s"

  create_topics
  echo "$BOOTSTRAP"
}

create_topics() {
  [[ -f "$TOPICS_FILE" ]] || die "topics file not found: $TOPICS_FILE"
  log "creating topics from $TOPICS_FILE"
  "$JAVA" "${TOOL_OPTS[@]}" -cp "$KAFKA_CP" "$CREATE_TOPICS_SRC" "$BOOTSTRAP" "$TOPICS_FILE" \
    || die "creating topics failed (broker log: $SERVER_LOG, tool log: $LOG_DIR/tools.log)"
}

cmd_topics() {
  local pid
  pid="$(broker_pid)" || die "broker is not running (data dir $KAFKA_DIR); run '$0 start'"
  port_open "$KAFKA_PORT" || die "broker (pid $pid) does not answer on $BOOTSTRAP"
  mkdir -p "$LOG_DIR"
  pick_broker_jdk
  resolve_classpath
  create_topics
  echo "$BOOTSTRAP"
}

cmd_stop() {
  [[ -d "$KAFKA_DIR" ]] || { log "not running (no data dir $KAFKA_DIR)"; return 0; }
  exec 9>"$KAFKA_DIR/.lock"
  flock -w 180 9 || die "another kafka.sh holds $KAFKA_DIR/.lock"
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  stop_pid "$pid"
  log "stopped"
}

stop_pid() { # $1 = pid: SIGTERM (controlled shutdown), SIGKILL after KAFKA_STOP_TIMEOUT s
  local pid="$1"
  log "stopping broker (pid $pid)..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while is_alive "$pid"; do
    if (( SECONDS >= deadline )); then
      log "broker did not stop within ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.25
  done
  if is_alive "$pid"; then die "could not stop broker pid $pid"; fi
  rm -f "$PID_FILE"
}

cmd_status() {
  local pid
  if pid="$(broker_pid)"; then
    if port_open "$KAFKA_PORT"; then
      echo "running pid=$pid bootstrap=$BOOTSTRAP dir=$KAFKA_DIR"
      return 0
    fi
    echo "unhealthy pid=$pid bootstrap=$BOOTSTRAP (process alive, port not answering) dir=$KAFKA_DIR"
    return 1
  fi
  echo "stopped bootstrap=$BOOTSTRAP dir=$KAFKA_DIR"
  return 3
}

cmd_reset() {
  cmd_stop
  if [[ ! -e "$KAFKA_DIR" ]]; then
    log "nothing to delete ($KAFKA_DIR does not exist)"
    return 0
  fi
  [[ -f "$MARKER" ]] || die "refusing to delete $KAFKA_DIR: it has no $(basename "$MARKER") marker, so it was not created by kafka.sh"
  rm -rf -- "$KAFKA_DIR"
  log "deleted $KAFKA_DIR"
}

cmd_logs() {
  [[ -f "$SERVER_LOG" ]] || die "no broker log at $SERVER_LOG"
  tail -n "${1:-100}" "$SERVER_LOG"
}

usage() {
  cat >&2 <<EOF
usage: $0 start|stop|restart|status|topics|reset|logs [n]
  start    start the broker (if needed), wait until it answers, create the topics
  stop     stop the broker (SIGTERM, SIGKILL after \$KAFKA_STOP_TIMEOUT s)
  restart  stop, then start
  status   print state; exit 0 running, 3 stopped, 1 process alive but not answering
  topics   create the topics of $TOPICS_FILE (idempotent)
  reset    stop and delete the data dir
  logs     print the last n (100) lines of the broker log
bootstrap: $BOOTSTRAP   data dir: $KAFKA_DIR
EOF
}

case "${1:-}" in
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status)  cmd_status ;;
  topics)  cmd_topics ;;
  reset)   cmd_reset ;;
  logs)    cmd_logs "${2:-100}" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
