#!/usr/bin/env bash
# Builds what is needed, then starts everything in one JVM (embedded Kafka broker and
# MongoDB-compatible server, command-api and query-api): http://localhost:${PORT:-8080}/v1
# Environment: PORT (8080), DATA_DIR (./data), JAVA_OPTS; arguments go to the application.
set -euo pipefail

# A relative DATA_DIR means relative to where run.sh was called from.
if [[ -n "${DATA_DIR:-}" && "$DATA_DIR" != /* ]]; then export DATA_DIR="$PWD/$DATA_DIR"; fi
cd "$(dirname "$0")"
source infra/scripts/java.sh
JAR=infra/all-in-one/target/all-in-one-0.1.0-SNAPSHOT.jar
java_and_jars run.sh "$JAR"

# Everything the system writes is for this user only. The JVM sets the same umask itself once it
# starts; this also covers what it writes before or beside that, such as a crash log (hs_err_pid*.log),
# which may hold secrets from memory.
umask 077
# JAVA_OPTS is split on spaces on purpose.
exec "$JAVA" ${JAVA_OPTS:-} -jar "$JAR" "$@"
