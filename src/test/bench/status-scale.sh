#!/bin/bash
# Benchmark: `slurm-azure-power status` (and one `reconcile --dry-run` pass) over N nodes against the ARM emulator
# with latency and Azure's throttling: the time of one run and the requests it sends (docs/benchmarks.md,
# "Status and reconcile at scale"). scontrol is a script printing N idle~ nodes, as slurmctld would.
#
#   src/test/bench/status-scale.sh [NODES=1000] [LATENCY=100ms] [THROTTLE=azure] [RUNS=3]
# Needs: mvn -DskipTests package (target/ with test-classes and test-lib), curl.
set -euo pipefail
n=${1:-1000}; latency=${2:-100ms}; throttle=${3:-azure}; runs=${4:-3}
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/sap-status.XXXXXX)
trap 'kill $(cat "$work/emu/emulator.pid" 2>/dev/null) 2>/dev/null || true' EXIT
last=$(printf '%04d' "$n")
hosts="azc[0001-$last]"

"$root/bin/arm-emulator" --state-dir "$work/emu" --generate "$hosts" --resource-group hpc1-burst \
    --tag slurm-cluster=hpc1 --latency "$latency" --throttle "$throttle" --no-journal --client-secret bench-secret \
    > "$work/emulator.out" 2>&1 &
for i in $(seq 1 "$n"); do
    printf 'NodeName=azc%04d Arch=x86_64 State=IDLE+CLOUD+POWERED_DOWN NodeAddr=azc%04d NodeHostName=azc%04d\n' "$i" "$i" "$i"
done > "$work/nodes.txt"
printf '#!/bin/bash\n[ "$1" = show ] && cat %s/nodes.txt\nexit 0\n' "$work" > "$work/scontrol"; chmod 755 "$work/scontrol"
. "$root/src/test/bench/bench-config.sh"
bench_config "$work" "$hosts" "limits: { concurrency: 64 }"

measure() { # label command...
    local label=$1 before after start end
    shift
    before=$(curl -sk "${url%/}/__emulator/stats" | sed -E 's/.*"requests":([0-9]+).*/\1/')
    start=$(date +%s.%N)
    "$@" > "$work/out.txt" 2>&1 || true
    end=$(date +%s.%N)
    after=$(curl -sk "${url%/}/__emulator/stats" | sed -E 's/.*"requests":([0-9]+).*/\1/')
    printf '%-22s wall=%.2fs requests=%s rows=%s\n' "$label" "$(echo "$end - $start" | bc)" "$((after - before))" \
        "$(grep -c '^azc' "$work/out.txt" || true)"
}
printf 'nodes=%s latency=%s throttle=%s\n' "$n" "$latency" "$throttle"
for r in $(seq 1 "$runs"); do
    measure "status (run $r)" "$root/bin/slurm-azure-power" status --config "$work/azure-power.yaml"
done
measure "reconcile --dry-run" "$root/bin/slurm-azure-power" reconcile --dry-run --config "$work/azure-power.yaml"
printf 'emulator: %s\n' "$(curl -sk "${url%/}/__emulator/stats")"
