#!/usr/bin/env bash
# Starts Batchwire locally, with no Docker: a real Kafka broker (kafka/kafka.sh), the local PostgreSQL,
# and the service in the demo profile (built-in offline demo upstream, demo tenant with API key "demo-key").
# The service runs in the foreground; Ctrl-C stops it. The broker keeps running: kafka/kafka.sh stop.
#
#   deploy/local/quickstart.sh            # build if needed, then run on http://127.0.0.1:8080
#   SKIP_BUILD=1 deploy/local/quickstart.sh
#
# Environment: PGHOST/PGPORT (127.0.0.1/5432), PGADMIN_USER (postgres), BATCHWIRE_DB_PASSWORD (batchwire),
# KAFKA_PORT (9092), HTTP_PORT (8080).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
say() { printf 'quickstart: %s\n' "$*" >&2; }
die() { printf 'quickstart: ERROR: %s\n' "$*" >&2; exit 1; }

source deploy/local/jdk.sh
pick_jdk || die "install a JDK 21+ and set JAVA_HOME"

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGADMIN_USER="${PGADMIN_USER:-postgres}"
DB_PASSWORD="${BATCHWIRE_DB_PASSWORD:-batchwire}"
HTTP_PORT="${HTTP_PORT:-8080}"
export KAFKA_PORT="${KAFKA_PORT:-9092}"

say "PostgreSQL at $PGHOST:$PGPORT"
pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT (on Debian: pg_ctlcluster 15 main start)"
psql_admin() { psql -v ON_ERROR_STOP=1 -qtA -h "$PGHOST" -p "$PGPORT" -U "$PGADMIN_USER" -d postgres "$@"; }
if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'batchwire'")" != 1 ]]; then
  say "creating role batchwire"
  psql_admin -c "CREATE ROLE batchwire LOGIN PASSWORD '$DB_PASSWORD'"
fi
if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'batchwire'")" != 1 ]]; then
  say "creating database batchwire"
  psql_admin -c "CREATE DATABASE batchwire OWNER batchwire"
fi

say "Kafka on 127.0.0.1:$KAFKA_PORT"
BOOTSTRAP="$(kafka/kafka.sh start)"

JAR=target/quarkus-app/quarkus-run.jar
if [[ -z "${SKIP_BUILD:-}" || ! -f "$JAR" ]]; then
  say "building (./mvnw package -DskipTests)"
  ./mvnw -q -B package -DskipTests
fi

AOT=()
CACHE=target/quarkus-app/app.aot
if [[ -s "$CACHE" && "$CACHE" -nt "$JAR" ]] && (( $(java_major "$JAVA") >= 25 )); then
  say "using the AOT cache $CACHE (deploy/local/aot-train.sh)"
  AOT=(-XX:AOTCache="$CACHE")
fi

say "starting Batchwire on http://127.0.0.1:$HTTP_PORT (demo profile; API key: demo-key). Ctrl-C to stop."
exec "$JAVA" @"$ROOT/deploy/jvm.options" "${AOT[@]}" -Xmx512m -Dquarkus.profile=demo -Dquarkus.http.port="$HTTP_PORT" \
  -Dkafka.bootstrap.servers="$BOOTSTRAP" \
  -Dquarkus.datasource.reactive.url="postgresql://$PGHOST:$PGPORT/batchwire" \
  -Dquarkus.datasource.jdbc.url="jdbc:postgresql://$PGHOST:$PGPORT/batchwire" \
  -Dbatchwire.upstreams.company.url="http://127.0.0.1:$HTTP_PORT/demo/upstream/companies?domain={domain}" \
  -Dbatchwire.upstreams.people.url="http://127.0.0.1:$HTTP_PORT/demo/upstream/people?email={email}" \
  -Dbatchwire.upstreams.email.url="http://127.0.0.1:$HTTP_PORT/demo/upstream/emails/verify" \
  -jar "$JAR"
