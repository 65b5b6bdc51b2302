#!/bin/bash
# The fault-injected run (src/test/java/.../it/FaultInjectionIT.java) with more rounds than CI's 12: the built
# programs run as slurmctld runs them, through random 429 storms, 5xx, resets, slow answers, token failures,
# operations that fail then pass, starts that fail or never finish, slow/failing/hung scontrol, overlapping
# invocations and kill -9, checked after every round. Prints the line of figures docs/benchmarks.md
# ("Fault injection") reports: the faults injected, the outcomes, and how close the worst run came to its deadline.
#
#   src/test/bench/faults.sh [ROUNDS=40] [SEED=random]
# Needs: the build (mvn -DskipTests package); root for running the programs as SlurmUser (else as this user).
set -euo pipefail
rounds=${1:-40}; seed=${2:-$RANDOM$RANDOM}
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
status=0
mvn -B -o verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FaultInjectionIT \
    -Dfaults.rounds="$rounds" -Dfaults.seed="$seed" -Dspotless.apply.skip=true > target/faults.log 2>&1 || status=$?
grep -E '^fault injection|Tests run:.*FaultInjectionIT|FAIL' target/faults.log || true
[ "$status" = 0 ] || echo "faults.sh: failed, see target/faults.log" >&2
exit "$status"
