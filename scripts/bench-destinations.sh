#!/usr/bin/env bash
# Destinations benchmark (issue 21, item 8): `cargo attest --push A --push B`
# against `cargo attest --push A` alone, key-signed (no network services),
# in one run, and the ratio the target is written in:
#   wall two destinations / one destination   (target <= 1.20)
#
#   scripts/bench-destinations.sh [--runs 7] [--files 1] [--mib 10]
#                                 [--second docker-registry|ferro-oci-server]
#
# A is a docker-registry; B another docker-registry (the default, so both
# destinations cost alike) or ferro-oci-server (referrers API: the other
# attach method). Every run starts both registries afresh on empty storage
# (tmpfs) and an empty cargo-attest cache, so nothing is there before and
# nothing is mounted; the two variants run in alternating order (one
# destination first in odd runs) so a machine shared with other work loads
# both alike; figures are medians of RUNS runs, CPU is user+sys from
# /usr/bin/time. The artifact is FILES files of MIB MiB (default: one
# 10 MiB release binary), read once before each run so both variants find
# it in the page cache.
#
# On a tag-fallback registry (docker-registry) each attach waits out the
# fallback's settle window (2 s, src/attach/fallback.rs) before its last
# read-back: most of a run's wall time, and the same for one destination or
# several (they settle at once). `--files 10` makes the uploads weigh more.
#
# Needs docker-registry, curl, python3, /usr/bin/time (package `time`), and
# ferro-oci-server as built by scripts/setup-test-peers.sh when asked for.
# Run by hand; not part of CI.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/bench-common.sh
. "$ROOT/scripts/bench-common.sh"
PEER_CACHE="${CARGO_ATTEST_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cargo-attest-test-peers}"
FERRO="$PEER_CACHE/cargo/bin/ferro-oci-server"
RUNS=7
FILES=1
MIB=10
SECOND=docker-registry
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --files) FILES="$2"; shift 2 ;;
    --mib) MIB="$2"; shift 2 ;;
    --second) SECOND="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--files N] [--mib N] [--second docker-registry|ferro-oci-server]" >&2; exit 2 ;;
  esac
done
case "$SECOND" in
  docker-registry) ;;
  ferro-oci-server) [ -x "$FERRO" ] || { echo "bench: missing $FERRO (run scripts/setup-test-peers.sh)" >&2; exit 1; } ;;
  *) echo "bench: --second is docker-registry or ferro-oci-server" >&2; exit 2 ;;
esac
for tool in docker-registry curl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: missing $tool (apt-get install time)" >&2; exit 1; }
done

# CARGO_ATTEST_BENCH_BIN: a binary to measure instead of building this
# tree's (an earlier build, for a before/after).
if [ -z "${CARGO_ATTEST_BENCH_BIN:-}" ]; then
  echo "bench: building cargo-attest (release)" >&2
  (cd "$ROOT" && cargo build --release --locked -q)
fi
BIN="${CARGO_ATTEST_BENCH_BIN:-$ROOT/target/release/cargo-attest}"

WORK="$(mktemp -d /var/tmp/cargo-attest-bench-dest.XXXXXX)"
SHM="$(mktemp -d /dev/shm/cargo-attest-bench-dest.XXXXXX)"
PIDS=()
stop_registries() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
}
cleanup() { stop_registries; rm -rf "$WORK" "$SHM"; }
trap cleanup EXIT


wait_v2() {
  for _ in $(seq 200); do curl -fsS "http://$1/v2/" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "bench: the registry at $1 did not start" >&2; cat "$WORK"/*.log >&2; exit 1
}

# start_docker NAME: a docker-registry on empty tmpfs storage; prints host.
start_docker() {
  local dir="$SHM/$1" port
  rm -rf "$dir"; mkdir -p "$dir"
  port="$(free_port)"
  cat > "$WORK/$1.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir
http:
  addr: 127.0.0.1:$port
YML
  docker-registry serve "$WORK/$1.yml" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  HOSTS+=("127.0.0.1:$port")
}

# start_ferro NAME: ferro-oci-server on empty tmpfs storage.
start_ferro() {
  local dir="$SHM/$1" port
  rm -rf "$dir"; mkdir -p "$dir"
  port="$(free_port)"
  FERRO_OCI_LISTEN="127.0.0.1:$port" FERRO_OCI_STORAGE_DIR="$dir" NO_COLOR=1 RUST_LOG=error \
    "$FERRO" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  HOSTS+=("127.0.0.1:$port")
}

# Fresh registries A and B; sets A and B.
start_registries() {
  stop_registries
  HOSTS=()
  start_docker a
  case "$SECOND" in
    docker-registry) start_docker b ;;
    ferro-oci-server) start_ferro b ;;
  esac
  A="${HOSTS[0]}"; B="${HOSTS[1]}"
  wait_v2 "$A"; wait_v2 "$B"
}


# measure NAME CMD...: CMD under /usr/bin/time; appends "wall cpu" to res.NAME.
measure() {
  local name="$1"; shift
  /usr/bin/time -f '%e %U %S' -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || { echo "bench: $name failed:" >&2; cat "$WORK/err" >&2; exit 1; }
  awk '{printf "%s %.3f\n", $1, $2 + $3}' "$WORK/t" >> "$WORK/res.$name"
}

mkdir -p "$WORK/files"
subjects=()
for i in $(seq 1 "$FILES"); do
  head -c $((MIB * 1024 * 1024)) /dev/urandom > "$WORK/files/f$i.bin"
  subjects+=(--subject-path "f$i.bin")
done
"$BIN" key generate --output "$WORK/k.pem" --unencrypted >/dev/null 2>&1
echo "bench: $FILES x $MIB MiB, key-signed, A docker-registry, B $SECOND, $RUNS runs" >&2

# attest NAME REF...: one key-signed `cargo attest` pushing to every REF.
attest() {
  local name="$1" ref pushes=()
  shift
  for ref in "$@"; do pushes+=(--push "$ref"); done
  rm -rf "$WORK/cache"; mkdir -p "$WORK/cache"
  (cd "$WORK/files" && unset SOURCE_DATE_EPOCH CARGO_ATTEST_KEY_FILE CARGO_ATTEST_KEY_NAME &&
    export CARGO_ATTEST_CACHE_DIR="$WORK/cache" &&
    measure "$name" "$BIN" -q --progress never "${subjects[@]}" --key "$WORK/k.pem" \
      -o "$WORK/out.sigstore.json" "${pushes[@]}")
}

for run in $(seq "$RUNS"); do
  if [ $((run % 2)) = 1 ]; then order="one two"; else order="two one"; fi
  for v in $order; do
    start_registries
    cat "$WORK"/files/*.bin > /dev/null
    case "$v" in
      one) attest one "$A/dest/app:v1" ;;
      two) attest two "$A/dest/app:v1" "$B/dest/app:v1" ;;
    esac
  done
done
stop_registries

col() { awk -v c="$2" '{print $c}' "$WORK/res.$1" | median; }
printf '\n== cargo attest --push A [--push B], %s x %s MiB, key-signed, A docker-registry, B %s, %s runs (medians) ==\n' \
  "$FILES" "$MIB" "$SECOND" "$RUNS"
printf '%-18s %9s %9s   %s\n' variant 'wall s' 'CPU s' 'runs (wall/CPU)'
for v in one two; do
  printf '%-18s %9.3f %9.3f   %s\n' "$([ $v = one ] && echo '--push A' || echo '--push A --push B')" \
    "$(col $v 1)" "$(col $v 2)" "$(awk '{printf "%s/%s ", $1, $2}' "$WORK/res.$v")"
done
printf 'ratio wall two destinations / one: %.2f (target <= 1.20)\n' "$(echo "$(col two 1) / $(col one 1)" | bc -l)"
printf 'ratio CPU  two destinations / one: %.2f\n' "$(echo "$(col two 2) / $(col one 2)" | bc -l)"
