# Sourced by run.sh, bench.sh and faults.sh (from the repository root): finds a Java 17+ and
# builds the jars when a source is newer than them.

java_major() { "$1" -version 2>&1 | awk -F'"' '/version/ { v = $2; sub(/^1\./, "", v); sub(/[^0-9].*/, "", v); print v; exit }'; }

# Java 17+: `java` on the PATH first, then the JDKs under /usr/lib/jvm; a JDK (javac) when asked for "jdk".
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

# True when one of the jars is missing or a pom or source file is newer than it.
needs_build() {
  local jar
  for jar in "$@"; do
    [[ -f "$jar" ]] || return 0
    [[ -n "$(find . \( -name .git -o -name target -o -name node_modules -o -path ./data -o -path ./bench \) -prune \
         -o \( -name pom.xml -o -path '*/src/*' \) -type f -newer "$jar" -print -quit)" ]] && return 0
  done
  return 1
}

# Sets JAVA to a Java 17+ binary, building the given jars first (./mvnw install, tests skipped) if needed.
java_and_jars() {
  local me="$1"; shift
  if needs_build "$@"; then
    JAVA="$(find_java jdk)" || { echo "$me: building needs a JDK 17 or newer (java and javac); none found on the PATH or under /usr/lib/jvm." >&2; exit 1; }
    export JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
    echo "$me: building with $JAVA_HOME (./mvnw -q -B -DskipTests install) ..." >&2
    ./mvnw -q -B -DskipTests install
  else
    JAVA="$(find_java jre)" || { echo "$me: Java 17 or newer is needed; none found on the PATH or under /usr/lib/jvm." >&2; exit 1; }
  fi
}
