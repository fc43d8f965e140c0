#!/usr/bin/env bash
# Per-subject bundles benchmark: 200 subjects, `cargo attest --subject-path
# 'dist/*' --bundle-per-subject`, signed keyless under one Fulcio certificate
# and each logged in the local Rekor v2 (rekor-tiles, checkpoint every 1 s)
# of the test stack (tests/integration/sigstore_stack.rs), with a TSA
# timestamp each. One run measures both: the default parallelism (--log-jobs
# 8, or --jobs N) and the serial case (--log-jobs 1), then prints both times
# and their ratio. Goal: the parallel run under 60 s on 2 cores.
#
#   scripts/bench-subjects.sh [--jobs N]
#
# It drives the #[ignore]d integration test
# per_subject::bench_two_hundred_subjects (debug build, as the tests run:
# the work is network- and log-bound, not CPU-bound), under the stack's
# lock (its TSA takes the fixed port 2112). Needs the peers of
# scripts/setup-test-peers.sh (fulcio, timestamp-server, rekor-server-posix,
# oidc-issuer). Not part of CI: the serial case takes about five minutes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS=8
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) JOBS="$2"; shift 2 ;;
    *) echo "usage: $0 [--jobs N]" >&2; exit 2 ;;
  esac
done

cd "$ROOT"
echo "bench-subjects: building the tests" >&2
cargo test --locked --test integration --no-run -q 2>/dev/null || cargo test --locked --test integration --no-run
echo "bench-subjects: 200 subjects, --log-jobs $JOBS then --log-jobs 1 ($(nproc) cores)" >&2
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
BENCH_LOG_JOBS="$JOBS" flock /tmp/sigstore-stack.lock \
  cargo test --locked -q --test integration per_subject::bench_two_hundred_subjects \
  -- --ignored --nocapture --exact >"$OUT" 2>&1 || { cat "$OUT" >&2; exit 1; }
grep '^bench-subjects:' "$OUT"
