#!/usr/bin/env bash
# Small-files benchmark (issue 21, item 7): FILES files of MIB MiB each,
# pushed as one artifact by `cargo attest push` and by `oras push`, in one
# run, and the ratios the target is written in:
#   wall cargo-attest / oras   (target <= 0.80)
#   CPU  cargo-attest / oras   (target <= 1.00)
# and, beside them, a reference client that does not hash: the same blobs
# pushed by `curl -T` with their digests computed beforehand (no manifest),
# as many at a time as cargo-attest uploads; and the registry's own CPU per
# push (from /proc). On one machine the registry and the client share the
# cores, so no client can push in less wall time than the registry's CPU
# (as measured during cargo-attest's pushes) spread over all cores
# (printed as the bound).
#
#   scripts/bench-small.sh [--runs 7] [--files 10] [--mib 10] [--storage tmpfs|disk]
#
# Every push goes to a fresh docker-registry on empty storage (wiped between
# pushes) and to a repository of its own, with an empty cargo-attest cache:
# no blob is there before, no mount, no remembered source. The tools run in
# alternating order (each tool first in turn), so a
# machine shared with other work loads both alike; the figures are medians
# of RUNS runs, CPU is user+sys from /usr/bin/time. The files are read once
# before each push, so both find them in the page cache.
#
# CARGO_ATTEST_BENCH_BASE=BIN adds an earlier cargo-attest build to the
# rotation ("before"), for a before/after from the same run.
#
# Needs docker-registry, curl, /usr/bin/time (package `time`) and oras as
# built by scripts/setup-test-peers.sh. Run by hand; not part of CI.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/bench-common.sh
. "$ROOT/scripts/bench-common.sh"
PEER_CACHE="${CARGO_ATTEST_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cargo-attest-test-peers}"
ORAS="$PEER_CACHE/bin/oras"
RUNS=7
FILES=10
MIB=10
STORAGE=tmpfs
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --files) FILES="$2"; shift 2 ;;
    --mib) MIB="$2"; shift 2 ;;
    --storage) STORAGE="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--files N] [--mib N] [--storage tmpfs|disk]" >&2; exit 2 ;;
  esac
done

for tool in docker-registry curl python3 /usr/bin/time "$ORAS"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: missing $tool (run scripts/setup-test-peers.sh; apt-get install time)" >&2; exit 1; }
done

# CARGO_ATTEST_BENCH_BIN: a binary to measure instead of building this
# tree's (an earlier build, for a before/after).
if [ -z "${CARGO_ATTEST_BENCH_BIN:-}" ]; then
  echo "bench: building cargo-attest (release)" >&2
  (cd "$ROOT" && cargo build --release --locked -q)
fi
BIN="${CARGO_ATTEST_BENCH_BIN:-$ROOT/target/release/cargo-attest}"

WORK="$(mktemp -d /var/tmp/cargo-attest-bench-small.XXXXXX)"
case "$STORAGE" in
  tmpfs) STORE_PARENT="$(mktemp -d /dev/shm/cargo-attest-bench-small.XXXXXX)" ;;
  disk) STORE_PARENT="$WORK/store" ;;
  *) echo "bench: unknown storage $STORAGE" >&2; exit 2 ;;
esac
REG_PID=""
stop_registry() { if [ -n "$REG_PID" ]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; REG_PID=""; fi; }
cleanup() { stop_registry; rm -rf "$WORK" "$STORE_PARENT"; }
trap cleanup EXIT

# A fresh docker-registry on empty storage; sets HOST.
start_registry() {
  stop_registry
  rm -rf "$STORE_PARENT/registry"; mkdir -p "$STORE_PARENT/registry"
  PORT="$(free_port)"; HOST="127.0.0.1:$PORT"
  cat > "$WORK/config.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $STORE_PARENT/registry
http:
  addr: $HOST
YML
  docker-registry serve "$WORK/config.yml" >"$WORK/registry.log" 2>&1 &
  REG_PID=$!
  for _ in $(seq 200); do curl -fsS "http://$HOST/v2/" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "bench: docker-registry did not start" >&2; cat "$WORK/registry.log" >&2; exit 1
}

TICKS="$(getconf CLK_TCK)"
# The registry's user+sys CPU so far, in clock ticks.
registry_ticks() { awk '{print $14 + $15}' "/proc/$REG_PID/stat"; }

# measure NAME CMD...: CMD under /usr/bin/time; appends "wall cpu
# registry-cpu" to res.NAME.
measure() {
  local name="$1" before after; shift
  before="$(registry_ticks)"
  /usr/bin/time -f '%e %U %S' -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || { echo "bench: $name failed:" >&2; cat "$WORK/err" >&2; exit 1; }
  after="$(registry_ticks)"
  awk -v r="$(( after - before ))" -v hz="$TICKS" '{printf "%s %.3f %.3f\n", $1, $2 + $3, r / hz}' "$WORK/t" >> "$WORK/res.$name"
}

mkdir -p "$WORK/files"
names=()
for i in $(seq 1 "$FILES"); do
  head -c $((MIB * 1024 * 1024)) /dev/urandom > "$WORK/files/f$i.bin"
  names+=("f$i.bin")
done
# curl's digests, computed once, outside any measurement.
(cd "$WORK/files" && sha256sum "${names[@]}" | awk '{print $2, "sha256:" $1}') > "$WORK/digests"
echo "bench: $FILES x $MIB MiB, $RUNS runs, registry storage on $STORAGE" >&2

push_ours() {
  local cache="$WORK/cache-$1"
  rm -rf "$cache"; mkdir -p "$cache"
  (cd "$WORK/files" && CARGO_ATTEST_CACHE_DIR="$cache" measure ours "$BIN" push -q --progress never "$HOST/small/ours$1:v1" "${names[@]}")
}
push_before() {
  local cache="$WORK/cache-before$1"
  rm -rf "$cache"; mkdir -p "$cache"
  (cd "$WORK/files" && CARGO_ATTEST_CACHE_DIR="$cache" measure before "$CARGO_ATTEST_BENCH_BASE" push -q --progress never "$HOST/small/before$1:v1" "${names[@]}")
}
push_oras() {
  (cd "$WORK/files" && measure oras "$ORAS" push --plain-http --no-tty "$HOST/small/oras$1:v1" "${names[@]}")
}

# As many at a time as cargo-attest uploads (PARALLEL_UPLOADS in
# src/publish.rs).
push_curl() {
  (cd "$WORK/files" && HOST="$HOST" measure curl xargs -P 4 -n 2 bash -c 'curl_push "$0" "$1" small/curl'"$1" < "$WORK/digests")
}

tools=(ours oras curl)
[ -n "${CARGO_ATTEST_BENCH_BASE:-}" ] && tools+=(before)
for run in $(seq "$RUNS"); do
  # Each tool first in turn: ours, oras, curl[, before], then rotated by one.
  order=()
  for i in "${!tools[@]}"; do order+=("${tools[$(( (i + run - 1) % ${#tools[@]} ))]}"); done
  for t in "${order[@]}"; do
    start_registry
    cat "$WORK"/files/*.bin > /dev/null
    "push_$t" "$run"
  done
done
stop_registry

col() { awk -v c="$2" '{print $c}' "$WORK/res.$1" | median; }
ours_w=$(col ours 1); oras_w=$(col oras 1); ours_c=$(col ours 2); oras_c=$(col oras 2); curl_w=$(col curl 1); reg_c=$(col ours 3); cores=$(nproc)
printf '\n== %s x %s MiB as one artifact, fresh registry and repository each push, %s runs (medians) ==\n' "$FILES" "$MIB" "$RUNS"
printf '%-14s %9s %9s %14s   %s\n' tool 'wall s' 'CPU s' 'registry CPU s' 'runs (wall/CPU)'
for t in "${tools[@]}"; do
  printf '%-14s %9.3f %9.3f %14.3f   %s\n' "$t" "$(col $t 1)" "$(col $t 2)" "$(col $t 3)" "$(awk '{printf "%s/%s ", $1, $2}' "$WORK/res.$t")"
done
echo '(curl: curl -T of the blobs alone, digests known beforehand, 4 at a time; no manifest)'
printf 'ratio wall cargo-attest / oras: %.2f (target <= 0.80)\n' "$(echo "$ours_w / $oras_w" | bc -l)"
printf 'ratio CPU  cargo-attest / oras: %.2f (target <= 1.00)\n' "$(echo "$ours_c / $oras_c" | bc -l)"
printf 'ratio wall curl -T / oras:      %.2f\n' "$(echo "$curl_w / $oras_w" | bc -l)"
printf 'bound: registry CPU (cargo-attest pushes) / %s cores = %.3f s wall, %.2f of oras (a client using no CPU at all)\n' "$cores" "$(echo "$reg_c / $cores" | bc -l)" "$(echo "$reg_c / $cores / $oras_w" | bc -l)"
if [ -n "${CARGO_ATTEST_BENCH_BASE:-}" ]; then
  printf 'ratio wall before / oras:       %.2f\n' "$(echo "$(col before 1) / $oras_w" | bc -l)"
  printf 'ratio CPU  before / oras:       %.2f\n' "$(echo "$(col before 2) / $oras_c" | bc -l)"
fi
