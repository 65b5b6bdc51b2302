#!/bin/bash
# The soak (src/test/java/.../it/SoakIT.java) at a larger scale: C cycles of resume, ResumeTimeout and resume-fail,
# suspend and reconcile passes over N nodes, with random Azure faults, kill -9 of programs and VMs changed behind the
# tool's back, against the ARM emulator and a model of slurmctld's node states. Prints the figures of
# docs/benchmarks.md ("Soak"): orphan-VM-seconds (in all, and beyond the grace plus one pass: the target is 0),
# node-up-without-VM seconds, faults injected, wall time. CI runs the same test with 30 nodes and 2 cycles.
#
#   src/test/bench/soak.sh [NODES=300] [CYCLES=12] [SEED=random]
# Needs: the build (mvn -DskipTests package); root for running the programs as SlurmUser (else as this user).
set -euo pipefail
n=${1:-300}; cycles=${2:-12}; seed=${3:-$RANDOM$RANDOM}
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
rm -f target/failsafe-reports/failsafe-summary*.xml
mvn -B -q -o verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SoakIT \
    -Dsoak.nodes="$n" -Dsoak.cycles="$cycles" -Dsoak.seed="$seed" -Dspotless.apply.skip=true || status=$?
cat target/soak-logs/report.txt
exit "${status:-0}"
