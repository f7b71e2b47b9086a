#!/usr/bin/env bash
# The benchmark: baselines of the bare infrastructure, then the system on a fresh data directory
# in its own JVM, driven over HTTP from another (P1-P5). Prints a table; writes
# bench/results/latest.json and bench/results/lag-vs-load.png.
#   ./bench.sh                 the default run (about 8 minutes, 1,000,000 events of history for P5)
#   ./bench.sh --quick         about 2 minutes (what CI runs, to keep the harness working)
#   ./bench.sh --history N     another history size for P5
# BENCH_SYSTEM_JAVA_OPTS adds JVM options to the measured system (e.g. a JFR recording).
set -euo pipefail
cd "$(dirname "$0")"
source infra/scripts/java.sh
java_and_jars bench.sh infra/all-in-one/target/all-in-one-0.1.0-SNAPSHOT.jar infra/bench/target/bench-0.1.0-SNAPSHOT.jar
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git status --porcelain -- . ":!bench/results" 2>/dev/null)" ]] || commit="$commit+changes"   # the results themselves do not count
exec "$JAVA" -Xmx2g -Dbench.commit="$commit" -jar infra/bench/target/bench-0.1.0-SNAPSHOT.jar bench "$@"
