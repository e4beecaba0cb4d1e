#!/usr/bin/env bash
# Trains an ahead-of-time cache (JEP 483/514/515: classes loaded and linked, method profiles, compiled code) for the
# packaged service, so a fresh service starts faster and spends less CPU while it warms up. Needs a JDK >= 25.
#
#   deploy/local/aot-train.sh            # package, run the benchmark's short client-mode workload, write the cache
#   SKIP_BUILD=1 deploy/local/quickstart.sh    # then start with it (the quickstart uses it when it is there)
#
# The training run is the benchmark (real broker, local PostgreSQL, a zero-latency mock upstream) with 20 jobs of
# 1,000 records, submitted by 8 clients that read every result page: the paths production runs. The JVM writes
# target/quarkus-app/app.aot when the service exits. The cache holds for that JDK build and that quarkus-app
# directory only: after `./mvnw package` (which rewrites the jars) train again; a JVM that finds a stale cache says
# so in one warning line and runs without it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
say() { printf 'aot-train: %s\n' "$*" >&2; }
die() { printf 'aot-train: ERROR: %s\n' "$*" >&2; exit 1; }

source deploy/local/jdk.sh
pick_jdk || die "install a JDK 25+ and set JAVA_HOME"
(( $(java_major "$JAVA") >= 25 )) || die "an AOT cache with profiles needs JDK 25 or newer; $JAVA is $(java_major "$JAVA")"

CACHE="$ROOT/target/quarkus-app/app.aot"
rm -f "$CACHE"
say "training run (./mvnw -Pbench verify, 20 jobs); the cache is written when the service stops"
./mvnw -q -B -Pbench verify -Dbench.db="${BENCH_DB:-batchwire_aot_train}" -Dbench.jobs=20 -Dbench.latency=0 \
  -Dbench.client=true -Dbench.out=target/aot-train -Dbench.service-args="-XX:AOTCacheOutput=$CACHE"
[[ -s "$CACHE" ]] || die "no cache at $CACHE (see target/aot-train/service-*.log)"
say "wrote $CACHE ($(du -h "$CACHE" | cut -f1)); start with: SKIP_BUILD=1 deploy/local/quickstart.sh"
