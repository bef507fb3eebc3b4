#!/usr/bin/env bash
# Runs one Apache Kafka broker (KRaft, combined broker + controller) on loopback for tests and
# development. The jars come from Maven Central through kafka/pom.xml and are cached in ~/.m2.
#
# Usage: scripts/kafka.sh start|stop|status|restart
#   start   fetch jars (first run), format storage (first run), start the broker in the
#           background and wait until it accepts clients; a no-op when it already runs
#   stop    stop the broker started by this script
#   status  say whether it runs (exit 0) or not (exit 1)
# Settings (environment): KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
#   KAFKA_DIR (<repo>/.kafka: storage, logs, pid file), KAFKA_HEAP (512m),
#   KAFKA_START_TIMEOUT (120 seconds), KAFKA_PARTITIONS (default partitions of new topics, 4).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
dir=${KAFKA_DIR:-$repo/.kafka}
heap=${KAFKA_HEAP:-512m}
start_timeout=${KAFKA_START_TIMEOUT:-120}
partitions=${KAFKA_PARTITIONS:-4}
pid_file=$dir/kafka.pid
log_dir=$dir/logs
classpath_file=$dir/classpath.txt
ready_file=$dir/ready.pid

say() { echo "kafka: $*"; }
fail() { echo "kafka: $*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

our_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid=$(cat "$pid_file")
  # A stale pid file may name a reused pid: only a live broker run with this directory's
  # configuration counts (not another checkout's broker, nor an unrelated process).
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    ps -p "$pid" -o args= 2>/dev/null | grep -qF "kafka.Kafka $dir/server.properties" &&
    echo "$pid"
}

# False when a cached classpath names a jar that is gone (e.g. ~/.m2 was cleaned): resolve again.
jars_present() {
  local jar
  IFS=: read -r -a jars <"$classpath_file"
  for jar in "${jars[@]}"; do [ -f "$jar" ] || return 1; done
}

classpath() {
  command -v java >/dev/null || fail "java not found; install Java 17 or newer"
  if [ ! -s "$classpath_file" ] || [ kafka/pom.xml -nt "$classpath_file" ] || ! jars_present; then
    command -v mvn >/dev/null || fail "mvn not found; install Maven to fetch the Kafka jars"
    say "resolving the broker's jars with Maven (cached in ~/.m2)" >&2
    mkdir -p "$dir"
    mvn -q -B -f kafka/pom.xml dependency:build-classpath \
      -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime >"$dir/maven.log" 2>&1 ||
      fail "Maven could not fetch the jars; see $dir/maven.log"
  fi
  cat "$classpath_file"
}

write_config() {
  mkdir -p "$dir/data" "$log_dir"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=$partitions
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.segment.bytes=67108864
EOF
  cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$log_dir/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
EOF
}

format_storage() {
  [ -f "$dir/data/meta.properties" ] && return 0
  local cluster_id
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  say "formatting KRaft storage in $dir/data (cluster $cluster_id)"
  java -Xmx256m -cp "$1" -Dlog4j.configuration="file:$dir/log4j.properties" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" --ignore-formatted \
    >"$log_dir/format.log" 2>&1 || fail "formatting storage failed; see $log_dir/format.log"
}

# Ready once the broker logged its start. The pid is remembered in ready_file, since a
# long-running broker's log rolls over and the line leaves server.log.
ready() {
  local pid=$1
  port_open "$port" || return 1
  [ "$(cat "$ready_file" 2>/dev/null)" = "$pid" ] && return 0
  grep -q 'Kafka Server started' "$log_dir/server.log" 2>/dev/null || return 1
  echo "$pid" >"$ready_file"
}

start() {
  if pid=$(our_pid); then
    say "already running (pid $pid) on 127.0.0.1:$port"
    wait_ready "$pid"
    return 0
  fi
  if port_open "$port"; then
    say "127.0.0.1:$port is already served by another process; using it"
    return 0
  fi
  local cp
  cp=$(classpath)
  write_config
  format_storage "$cp"
  : >"$log_dir/server.log"
  rm -f "$ready_file"
  say "starting the broker on 127.0.0.1:$port (controller on $controller_port, heap $heap)"
  nohup setsid java "-Xmx$heap" "-Xms128m" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true -Dlog4j.configuration="file:$dir/log4j.properties" \
    -Dkafka.logs.dir="$log_dir" -cp "$cp" kafka.Kafka "$dir/server.properties" \
    >"$log_dir/stdout.log" 2>&1 </dev/null &
  echo $! >"$pid_file"
  wait_ready "$!"
}

wait_ready() {
  local pid=$1 deadline=$((SECONDS + start_timeout))
  until ready "$pid"; do
    kill -0 "$pid" 2>/dev/null || fail "the broker exited during start; see $log_dir/server.log and $log_dir/stdout.log"
    ((SECONDS < deadline)) || fail "the broker did not accept clients within ${start_timeout}s; see $log_dir/server.log"
    sleep 1
  done
  say "ready on 127.0.0.1:$port"
}

stop() {
  local pid
  if ! pid=$(our_pid); then
    say "not running"
    rm -f "$pid_file" "$ready_file"
    return 0
  fi
  say "stopping pid $pid"
  kill "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "did not stop within 30s; killing it"
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 1
  done
  rm -f "$pid_file" "$ready_file"
  say "stopped"
}

status() {
  local pid
  if pid=$(our_pid); then
    if ready "$pid"; then say "running (pid $pid) on 127.0.0.1:$port"; else say "starting (pid $pid)"; fi
    return 0
  fi
  if port_open "$port"; then say "127.0.0.1:$port is served by a broker this script did not start"; return 0; fi
  say "not running"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop && start ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
