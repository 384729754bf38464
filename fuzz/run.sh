#!/usr/bin/env bash
# Runs the fuzz targets one after another.
#
#   fuzz/run.sh SECONDS [TARGET...]      (default: every target)
#
# Each target starts from its seeds in corpus/<target>/ and grows its own
# corpus in work/corpus/<target>/ (ignored by git), so the seeds stay as
# committed. Inputs kept in regressions/<target>/ (past crashes) are
# replayed first. Crashes land in artifacts/<target>/. Exits non-zero if any
# target crashed, timed out (10 s per input) or failed to build.
set -u
cd "$(dirname "$0")"

secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked || exit 1
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

failed=()
for t in "${targets[@]}"; do
    mkdir -p "work/corpus/$t" "corpus/$t"
    log="work/$t.log"
    inputs=("work/corpus/$t" "corpus/$t")
    [ -d "regressions/$t" ] && inputs+=("regressions/$t")
    cargo +nightly fuzz run "$t" "${inputs[@]}" -- \
        -max_total_time="$secs" -timeout=10 -print_final_stats=1 >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    cov=$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]* ft: [0-9]*' | tail -1)
    printf '%-20s execs=%-10s %-22s %s\n' "$t" "${execs:-?}" "${cov:-cov: ?}" \
        "$([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc, log: fuzz/$log)")"
    if [ $rc -ne 0 ]; then
        failed+=("$t")
        grep -E "panicked at|^thread '|SUMMARY|Test unit written|error(\[|:)" "$log" | head -8 | sed 's/^/    /'
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "failed: ${failed[*]}"
    exit 1
fi
