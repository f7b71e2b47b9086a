#!/usr/bin/env bash
# Fault tests, each printing what it did and what it found:
#   crash      kill -9 the system under load at a random moment, restart it on the same data,
#              check every acknowledged write is readable exactly once; five rounds
#   outage     stop the Kafka broker (its own process) for 30 s under load; writes keep being
#              accepted, and every event reaches the read models once it is back, none twice
#   bad-input  10,000 generated malformed requests across every endpoint: no 5xx, every error
#              in the envelope, no state changed
#   poison     1,000 generated odd-but-possibly-valid writes (odd unicode, odd metadata keys and numbers,
#              deep nesting, texts at their limits) through the whole pipeline: no 5xx, nothing parked,
#              health ok, another account's write read back at once
#   noisy      one account runs heavy exports, long summaries and expensive searches; another account's
#              read and write p99 stay within 2x of its figures alone
#   ./faults.sh [crash|outage|bad-input|poison|noisy|all] [--quick]     (all by default)
# The crash test picks its kill moments from a seed it prints; FAULTS_SEED=N replays them.
set -euo pipefail
cd "$(dirname "$0")"
source infra/scripts/java.sh
which="${1:-all}"; [[ "$which" == --* ]] && which=all
quick=""; [[ " $* " == *" --quick "* ]] && quick="--quick"
java_and_jars faults.sh infra/all-in-one/target/all-in-one-0.1.0-SNAPSHOT.jar infra/bench/target/bench-0.1.0-SNAPSHOT.jar
status=0
if [[ "$which" == all || "$which" == crash || "$which" == outage || "$which" == noisy ]]; then
  sub="$which"; [[ "$which" == all ]] && sub=all-processes
  "$JAVA" -Xmx1g ${FAULTS_SEED:+-Dfaults.seed=$FAULTS_SEED} -jar infra/bench/target/bench-0.1.0-SNAPSHOT.jar faults "$sub" $quick || status=1
fi
if [[ "$which" == all || "$which" == bad-input ]]; then
  tries=10000; [[ -n "$quick" ]] && tries=1000
  echo; echo "== bad input: $tries generated malformed requests (jqwik, through ./mvnw test)"
  export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$JAVA")")}"
  if ./mvnw -B -q -pl infra/all-in-one test -Dtest='BadInput*' -Dsurefire.failIfNoSpecifiedTests=false \
       -Dsoul.badinput.tries="$tries" ${FAULTS_SEED:+-Dsoul.badinput.seed=$FAULTS_SEED}; then
    cat infra/all-in-one/target/bad-input-report.txt
  else
    cat infra/all-in-one/target/bad-input-report.txt 2>/dev/null || true
    echo "bad input: FAILED (surefire report: infra/all-in-one/target/surefire-reports/)"; status=1
  fi
fi
if [[ "$which" == all || "$which" == poison ]]; then
  tries=1000; [[ -n "$quick" ]] && tries=200
  echo; echo "== poison: $tries generated odd writes through the whole pipeline (jqwik, through ./mvnw test)"
  export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$JAVA")")}"
  if ./mvnw -B -q -pl infra/all-in-one test -Dtest='PoisonPropertiesTest' -Dsurefire.failIfNoSpecifiedTests=false \
       -Dsoul.poison.tries="$tries" ${FAULTS_SEED:+-Dsoul.poison.seed=$FAULTS_SEED}; then
    cat infra/all-in-one/target/poison-report.txt; echo "poison: OK"
  else
    cat infra/all-in-one/target/poison-report.txt 2>/dev/null || true
    echo "poison: FAILED (surefire report: infra/all-in-one/target/surefire-reports/)"; status=1
  fi
fi
exit $status
