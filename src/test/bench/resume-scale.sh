#!/bin/bash
# Benchmark: one resume (or suspend) of N nodes by the built program against the ARM emulator with latency,
# long operations and Azure's throttling. Prints wall time, peak RSS, peak threads, peak TCP connections to the
# emulator, requests the emulator answered and the 429s among them. Not a test: run it by hand (docs/benchmarks.md).
#
#   src/test/bench/resume-scale.sh [NODES=1000] [LATENCY=100ms] [LRO=20s] [THROTTLE=azure] [ACTION=resume]
# Needs: mvn -DskipTests package (target/ with test-classes and test-lib), curl. The native executable instead of the
# JVM: SLURM_AZURE_POWER_NATIVE=target/native/slurm-azure-power src/test/bench/resume-scale.sh (bin/slurm-azure-power
# runs it; docs/native-image.md).
set -euo pipefail
n=${1:-1000}; latency=${2:-100ms}; lro=${3:-20s}; throttle=${4:-azure}; action=${5:-resume}
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/sap-bench.XXXXXX)
trap 'kill $(cat "$work/emu/emulator.pid" 2>/dev/null) 2>/dev/null || true' EXIT
last=$(printf '%04d' "$n")
hosts="azc[0001-$last]"

"$root/bin/arm-emulator" --state-dir "$work/emu" --generate "$hosts" --resource-group hpc1-burst \
    --tag slurm-cluster=hpc1 --latency "$latency" --lro "$lro" --throttle "$throttle" --no-journal \
    --client-secret bench-secret $( [ "$action" = suspend ] && echo --power-state running ) \
    > "$work/emulator.out" 2>&1 &
printf '#!/bin/bash\nprintf "%%s\\n" "$*" >> %s/scontrol.calls\n' "$work" > "$work/scontrol"; chmod 755 "$work/scontrol"
. "$root/src/test/bench/bench-config.sh"
bench_config "$work" "$hosts" "limits: { concurrency: 64, resumeDeadline: 540s, suspendDeadline: 540s }"
port=$(sed -E 's#.*:([0-9]+)/?$#\1#' <<<"$url")
porthex=$(printf '%04X' "$port")

start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$work/rss" "$root/bin/slurm-azure-power" "$action" --config "$work/azure-power.yaml" "$hosts" \
    > "$work/out.txt" 2>&1 &
tpid=$!
maxthreads=0; maxconns=0
while kill -0 $tpid 2>/dev/null; do
    jpid=$(pgrep -P $tpid | head -1 || true)   # the launcher's exec: java, or the native executable
    if [ -n "$jpid" ]; then
        t=$(awk '/^Threads:/{print $2}' /proc/$jpid/status 2>/dev/null || echo 0)
        c=$(awk -v p=":$porthex" '$3 ~ p && $4=="01"' /proc/net/tcp /proc/net/tcp6 2>/dev/null | wc -l)
        [ "${t:-0}" -gt $maxthreads ] && maxthreads=$t
        [ "${c:-0}" -gt $maxconns ] && maxconns=$c
    fi
    sleep 0.5
done
wait $tpid || true
end=$(date +%s.%N)
stats=$(curl -sk "${url%/}/__emulator/stats")
ok=$(grep -c 'result=ok' "$work/power_save.log" || true)
failed=$(grep -c 'result=failed' "$work/power_save.log" || true)
printf 'nodes=%s action=%s latency=%s lro=%s throttle=%s\n' "$n" "$action" "$latency" "$lro" "$throttle"
printf 'wall=%.1fs ok=%s failed=%s peakRSS=%sMB peakThreads=%s peakConnections=%s\n' \
    "$(echo "$end - $start" | bc)" "$ok" "$failed" "$(( $(tail -1 "$work/rss") / 1024 ))" "$maxthreads" "$maxconns"
printf 'emulator: %s\n' "$stats"
grep summary "$work/power_save.log" || tail -5 "$work/out.txt"
echo "logs: $work"
