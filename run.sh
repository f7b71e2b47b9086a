#!/usr/bin/env bash
# Builds what is needed, then starts everything in one JVM (embedded Kafka broker and
# MongoDB-compatible server, command-api and query-api): http://localhost:${PORT:-8080}/v1
# Environment: PORT (8080), DATA_DIR (./data), JAVA_OPTS; arguments go to the application.
set -euo pipefail

# A relative DATA_DIR means relative to where run.sh was called from.
if [[ -n "${DATA_DIR:-}" && "$DATA_DIR" != /* ]]; then export DATA_DIR="$PWD/$DATA_DIR"; fi
cd "$(dirname "$0")"
JAR=infra/local/target/local-0.1.0-SNAPSHOT.jar

java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ { v = $2; sub(/^1\./, "", v); sub(/[^0-9].*/, "", v); print v; exit }'; }

# Java 17+: `java` on the PATH first, then the JDKs under /usr/lib/jvm; a JDK (javac) when building.
find_java() {
  local java version
  for java in "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -x "$java" ]] || continue
    java="$(readlink -f "$java")"
    version="$(java_major "$java")"
    [[ "$version" =~ ^[0-9]+$ ]] && (( version >= 17 )) || continue
    [[ "$1" == jdk && ! -x "$(dirname "$java")/javac" ]] && continue
    echo "$java"; return 0
  done
  return 1
}

needs_build() {
  [[ ! -f "$JAR" ]] || [[ -n "$(find . \( -name .git -o -name target -o -name node_modules -o -path ./data \) -prune \
       -o \( -name pom.xml -o -path '*/src/*' \) -type f -newer "$JAR" -print -quit)" ]]
}

if needs_build; then
  JAVA="$(find_java jdk)" || { echo "run.sh: building needs a JDK 17 or newer (java and javac); none found on the PATH or under /usr/lib/jvm." >&2; exit 1; }
  export JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
  echo "run.sh: building with $JAVA_HOME (./mvnw -q -B -DskipTests install) ..." >&2
  ./mvnw -q -B -DskipTests install
  touch "$JAR"   # the jar plugin may leave an unchanged jar untouched
else
  JAVA="$(find_java jre)" || { echo "run.sh: Java 17 or newer is needed; none found on the PATH or under /usr/lib/jvm." >&2; exit 1; }
fi

# JAVA_OPTS is split on spaces on purpose.
exec "$JAVA" ${JAVA_OPTS:-} -jar "$JAR" "$@"
