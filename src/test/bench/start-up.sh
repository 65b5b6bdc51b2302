#!/bin/bash
# Benchmark: the start-up of one invocation (docs/benchmarks.md, "Fast start"). For each launcher, medians of RUNS
# timed runs (after 2 warm-ups) of `--version`, of `resume --dry-run --offline azc001`, of a one-node resume and of
# a one-node suspend against the ARM emulator (no latency, operations done at once; the VM is reset before each
# run), and the peak RSS of a resume. The emulator is warmed first (10 untimed cycles). Not a test: run it by hand.
#
#   src/test/bench/start-up.sh [RUNS=10] [LAUNCHER...]
#
# LAUNCHER: "staged" (default): the DEB's files unpacked into a temporary directory (unsigned jars, the packaged
# launcher and azure-power.jvm, the start-up archive written by the packaged training run), i.e. the installed
# package without installing it; "checkout": bin/slurm-azure-power; "installed": /usr/bin/slurm-azure-power;
# "native": the native executable itself, target/native/slurm-azure-power or $NATIVE (docs/native-image.md;
# "checkout-native": the same through bin/slurm-azure-power); or any path of a launcher. JAVA=/path/to/bin/java
# stages with that java (e.g. a JDK 25, which gets an AOT cache).
# Needs: mvn -DskipTests package (target/ with test-classes and test-lib), dpkg-deb, unzip, curl; for "native",
# mvn -Pnative -DskipTests package.
set -euo pipefail
runs=${1:-10}; shift || true
launchers=("$@"); ((${#launchers[@]})) || launchers=(staged)
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/sap-start-up.XXXXXX)
trap 'kill $(cat "$work/emu/emulator.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

"$root/bin/arm-emulator" --state-dir "$work/emu" --generate azc001 --resource-group hpc1-burst \
    --tag slurm-cluster=hpc1 --lro 0s --retry-after 0 --no-journal --client-secret bench-secret \
    > "$work/emulator.out" 2>&1 &
printf '#!/bin/bash\nexit 0\n' > "$work/scontrol"; chmod 755 "$work/scontrol"
. "$root/src/test/bench/bench-config.sh"
bench_config "$work" "azc[001-100]"

set_power() {
    curl -s -o /dev/null --cacert "$work/emu/cert.pem" -X POST -H 'Content-Type: application/json' \
        -d "{\"powerState\":\"$1\"}" "${url}__emulator/vms/azc001"
}

# The DEB's files under $work/staged, its launcher pointed at them (jar, azure-power.jvm, archive directory).
stage() {
    local version deb s="$work/staged"
    version=$(unzip -p "$root/target/slurm-azure-power.jar" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: //p' | tr -d '\r')
    bash "$root/packaging/build-packages.sh" --build-dir "$root/target" --version "$version" --out "$work/pkg" \
        --formats deb > /dev/null
    deb=$(ls "$work"/pkg/*.deb)
    dpkg-deb -x "$deb" "$s"
    if [[ -n "${JAVA:-}" ]]; then echo "java=$JAVA" >> "$s/etc/slurm/azure-power.jvm"; fi
    sed -e "s|^readonly jar=.*|readonly jar=$s/usr/share/slurm-azure-power/slurm-azure-power.jar|" \
        -e "s|^readonly jvm_file=.*|readonly jvm_file=$s/etc/slurm/azure-power.jvm|" \
        -e "s|^readonly archive_dir=.*|readonly archive_dir=$s/cache|" \
        "$s/usr/bin/slurm-azure-power" > "$s/launcher"
    chmod 755 "$s/launcher"
    "$s/launcher" --write-start-archive train-start-archive | tail -1 >&2
    echo "$s/launcher"
}

# Median in seconds of $runs timed runs of "$@", each after running $prepare (2 untimed warm-ups first). The clock is
# bash's own (EPOCHREALTIME, microseconds): `date +%s%N` before and after added a fork and exec of date to every
# figure (about 3 ms on a quiet machine, 10 ms under load).
median() {
    local prepare=$1; shift
    local i t0 t1 times=()
    for i in $(seq 1 $((runs + 2))); do
        $prepare
        t0=${EPOCHREALTIME/[.,]/}; "$@" > /dev/null 2>&1; t1=${EPOCHREALTIME/[.,]/}
        ((i > 2)) && times+=($((t1 - t0)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.3f s (range %.3f-%.3f)", m/1e6, a[1]/1e6, a[NR]/1e6}'
}

nothing() { :; }
deallocated() { set_power deallocated; }
running() { set_power running; }

[[ -n "${EPOCHREALTIME:-}" ]] || { echo "start-up.sh needs bash 5 (EPOCHREALTIME)" >&2; exit 2; }
echo "timing floor, /bin/true (the fork and exec every figure includes): $(median nothing /bin/true)"
printf '%-16s %-34s %-34s %-34s %-34s %s\n' launcher "--version" "dry run (offline)" "resume, one node" "suspend, one node" "peak RSS"
for l in "${launchers[@]}"; do
    case "$l" in
        staged) cmd=$(stage) ;;
        checkout) cmd="$root/bin/slurm-azure-power" ;;
        installed) cmd=/usr/bin/slurm-azure-power ;;
        native) cmd=${NATIVE:-$root/target/native/slurm-azure-power} ;;
        checkout-native) cmd="$root/bin/slurm-azure-power"
                         export SLURM_AZURE_POWER_NATIVE=${NATIVE:-$root/target/native/slurm-azure-power} ;;
        *) cmd=$l ;;
    esac
    c=(--config "$work/azure-power.yaml" azc001)
    if [[ -z "${warmed:-}" ]]; then
        # The emulator is a JVM: its first requests run interpreted. 10 untimed resume/suspend cycles first, so that
        # the first launcher is not timed against a colder emulator than the others (a one-node resume measured
        # 0.17-0.19 s first in a run and 0.147 s after another launcher's runs, the same image).
        for _ in $(seq 1 10); do
            deallocated; "$cmd" resume "${c[@]}" > /dev/null 2>&1 || true
            running; "$cmd" suspend "${c[@]}" > /dev/null 2>&1 || true
        done
        warmed=1
    fi
    ver=$(median nothing "$cmd" --version)
    dry=$(median nothing "$cmd" resume --dry-run --offline "${c[@]}")
    res=$(median deallocated "$cmd" resume "${c[@]}")
    sus=$(median running "$cmd" suspend "${c[@]}")
    deallocated
    /usr/bin/time -f '%M' -o "$work/rss" "$cmd" resume "${c[@]}" > "$work/out" 2>&1 \
        || { echo "$l: the resume failed: $(cat "$work/out")" >&2; exit 1; }
    rss=$(cat "$work/rss")
    if grep -q 'result=failed' "$work/power_save.log"; then
        echo "$l: some timed runs failed:" >&2; grep 'result=failed' "$work/power_save.log" | head -3 >&2; exit 1
    fi
    printf '%-16s %-34s %-34s %-34s %-34s %s MB\n' "$l" "$ver" "$dry" "$res" "$sus" "$((rss / 1024))"
    unset SLURM_AZURE_POWER_NATIVE
done
