#!/usr/bin/env bash
# Makes sure the servers the adapter tests use are running on loopback, starting any that is
# down. Every wait is bounded. Usage: scripts/services.sh up
set -euo pipefail
cd "$(dirname "$0")/.."

wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then echo "services: $name did not come up within ${secs}s" >&2; return 1; fi
    sleep 1
  done
  echo "services: $name is up"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

postgres_up() {
  if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
    echo "services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  wait_for PostgreSQL 60 pg_isready -h 127.0.0.1 -p 5432
}

redis_up() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "services: starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  fi
  wait_for Redis 30 redis-cli -h 127.0.0.1 -p 6379 ping
}

rabbitmq_up() {
  if ! port_open 5672; then
    echo "services: starting RabbitMQ"
    rabbitmq-server -detached || true
  fi
  wait_for RabbitMQ 120 port_open 5672
}

case "${1:-up}" in
  up)
    postgres_up
    redis_up
    rabbitmq_up
    if [ -x scripts/kafka.sh ]; then bash scripts/kafka.sh start; fi
    ;;
  *) echo "usage: $0 up" >&2; exit 2 ;;
esac
