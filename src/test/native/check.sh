#!/bin/bash
# Builds the native executable with the GraalVM (or Mandrel) in GRAALVM_HOME and runs the black-box tests of the
# built programs on it and on the JVM, with the same assertions (BuiltResumeProgramIT, LauncherIT; docs/native-image.md).
# Not part of .ci/run (CI has no GraalVM): run it by hand.
#
#   GRAALVM_HOME=/path/to/graalvm src/test/native/check.sh [-o]     # -o: Maven offline
#
# The builder needs about 5 GB of memory and takes 5 to 15 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
offline=()
[[ "${1:-}" == -o ]] && offline=(-o)
if [[ -z "${GRAALVM_HOME:-}" || ! -x "$GRAALVM_HOME/bin/native-image" ]]; then
    echo "check.sh: set GRAALVM_HOME to a GraalVM or Mandrel with bin/native-image (docs/native-image.md)" >&2
    exit 2
fi
cd "$root"
native="$root/target/native/slurm-azure-power"

echo "== build: mvn -Pnative -DskipTests package (native-image: $("$GRAALVM_HOME/bin/native-image" --version | head -1))"
start=$(date +%s)
mkdir -p target
if ! mvn -B "${offline[@]}" -Pnative -DskipTests package > target/native-build.log 2>&1; then
    grep -E '^\[ERROR\]|^Error:' target/native-build.log | head -20 >&2
    echo "check.sh: the build failed, see target/native-build.log (and docs/native-image.md, \"When the build fails\")" >&2
    exit 1
fi
grep -E 'Finished generating|in total|Peak RSS' target/native-build.log || true
echo "built in $(( $(date +%s) - start )) s: $(stat -c %s "$native") bytes; beside it: $(ls "$(dirname "$native")" | grep -v '^slurm-azure-power$' | tr '\n' ' ')"

echo "== black-box tests on the JVM and on $native"
mvn -B -o -Dslurm.azure.native="$native" -Dit.test='BuiltResumeProgramIT,LauncherIT' \
    failsafe:integration-test failsafe:verify
