#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/, one after the other.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to $FUZZ_SECONDS, else 60. No TARGET means
# all of them. Each target starts from its committed seeds (fuzz/seeds/T)
# plus what earlier runs kept (fuzz/corpus/T, not committed), and stops at
# its first crash, leaving the input in fuzz/artifacts/T/. Prints runs,
# execs/s, coverage and crashes per target; exits 1 if any target crashed
# (or timed out, or ran out of memory), 2 if the build failed.
#
# Needs the nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz --locked
#
# Environment:
#   FUZZ_SECONDS      seconds per target when not given as an argument
#   FUZZ_SANITIZER    address (default) or none (about twice as fast)
#   FUZZ_RSS_MB       memory limit per target process (default 2048)
#   FUZZ_TIMEOUT      seconds one input may take before it counts as a
#                     crash (default 10)
#   FUZZ_ARGS         extra libFuzzer flags, e.g. "-dict=... -max_len=8192"
set -euo pipefail

cd "$(dirname "$0")/../fuzz"

seconds=${FUZZ_SECONDS:-60}
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
sanitizer=${FUZZ_SANITIZER:-address}
rss_mb=${FUZZ_RSS_MB:-2048}
timeout=${FUZZ_TIMEOUT:-10}

all_targets=()
for f in fuzz_targets/*.rs; do
    all_targets+=("$(basename "$f" .rs)")
done
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=("${all_targets[@]}")
fi
for t in "${targets[@]}"; do
    if [[ ! -f fuzz_targets/$t.rs ]]; then
        echo "fuzz.sh: no target \`$t\`; targets: ${all_targets[*]}" >&2
        exit 2
    fi
done

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: needs nightly and cargo-fuzz:" >&2
    echo "  rustup toolchain install nightly && cargo install cargo-fuzz --locked" >&2
    exit 2
fi

triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
echo "Building ${#targets[@]} target(s) (nightly, sanitizer: $sanitizer)..."
# cargo fuzz build takes one target, or builds them all.
build_args=(--sanitizer "$sanitizer")
if [[ ${#targets[@]} -eq 1 ]]; then
    build_args+=("${targets[0]}")
fi
if ! cargo +nightly fuzz build "${build_args[@]}"; then
    exit 2
fi
bin=target/$triple/release

logs=target/fuzz-logs
mkdir -p "$logs"
failed=0
summary=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t" "seeds/$t"
    log=$logs/$t.log
    echo "Fuzzing $t for ${seconds}s..."
    set +e
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    "$bin/$t" \
        -max_total_time="$seconds" \
        -rss_limit_mb="$rss_mb" \
        -timeout="$timeout" \
        -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" \
        ${FUZZ_ARGS:-} \
        "corpus/$t" "seeds/$t" >"$log" 2>&1
    status=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 | awk '{print $2 "/" $4}')
    corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    crashes=$(grep -c 'Test unit written to' "$log" || true)
    if [[ $status -ne 0 || $crashes -ne 0 ]]; then
        failed=1
        [[ $crashes -eq 0 ]] && crashes="exit $status"
        echo "  $t FAILED; its log: fuzz/$log" >&2
        grep -m1 -A3 -E '^(==[0-9]+==ERROR|thread .* panicked|ERROR: libFuzzer)' "$log" >&2 || true
        grep 'Test unit written to' "$log" | sed 's/^/  /' >&2 || true
    fi
    summary+=("$(printf '%-15s %12s %9s %13s %7s %8s' "$t" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${corpus:-?}" "$crashes")")
done

echo
printf '%-15s %12s %9s %13s %7s %8s\n' target runs execs/s cov/ft corpus crashes
printf '%s\n' "${summary[@]}"
exit $failed
