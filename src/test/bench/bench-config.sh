# Sourced by the benchmark scripts: waits for the emulator started with --state-dir "$work/emu" and writes
# "$work/azure-power.yaml" for it (client secret "bench-secret", cluster tag slurm-cluster=hpc1, resource group
# hpc1-burst, log and state under $work, scontrol "$work/scontrol", which the caller writes).
#   bench_config WORK NODES [EXTRA-YAML-LINE]
bench_config() {
    local work=$1 nodes=$2 extra=${3:-}
    for _ in $(seq 1 100); do [ -s "$work/emu/url" ] && break; sleep 0.2; done
    [ -s "$work/emu/url" ] || { echo "the emulator did not start: $(tail -3 "$work/emulator.out")" >&2; return 1; }
    url=$(cat "$work/emu/url")
    printf 'bench-secret\n' > "$work/secret"; chmod 600 "$work/secret"
    cat > "$work/azure-power.yaml" <<YAML
azure:
  cloud: custom
  endpoints: { resourceManager: $url, authority: $url }
  subscriptionId: 00000000-0000-0000-0000-000000000001
  credential: { type: client-secret, tenantId: 11111111-1111-1111-1111-111111111111, clientId: 22222222-2222-2222-2222-222222222222, secretFile: $work/secret }
  caCertificates: $work/emu/cert.pem
cluster: { tag: { name: slurm-cluster, value: hpc1 } }
nodeGroups: [ { nodes: "$nodes", resourceGroup: hpc1-burst } ]
slurm: { scontrol: $work/scontrol }
log: { file: $work/power_save.log }
stateDir: $work/state
$extra
YAML
}
