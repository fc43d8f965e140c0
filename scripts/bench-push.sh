#!/usr/bin/env bash
# Push benchmark: cargo-attest against a streamed `curl -T` of pre-hashed
# bytes, `oras push` and `skopeo copy` (from an OCI layout), in one run, on a
# local docker-registry whose storage is on tmpfs and then on disk.
#
#   scripts/bench-push.sh [--sizes "1024 4096"] [--runs 3] [--storage "tmpfs disk"]
#                         [--small] [--resume]
#
# For each storage and size: a file of random bytes (on disk, in page cache
# for every tool alike: it is read once before each run; dropping caches
# needs privileges this script does not assume), RUNS runs with the tools in
# rotating order, each on an empty registry (storage wiped between pushes,
# so no tool finds a blob another pushed). Per tool: median wall seconds,
# median CPU seconds (user+sys, /usr/bin/time), peak RSS. Then the ratios
# the targets are written in:
#   cargo-attest wall / curl wall          (target <= 1.10)
#   cargo-attest wall / oras wall          (target <= 0.80)
#   cargo-attest CPU / (2 x curl CPU + sha256 CPU of the file)  (<= 1)
#   cargo-attest peak RSS                  (<= 64 MiB)
# --small adds ten 10 MiB files in one push; --resume pushes one file
# through the fault proxy with the connection reset halfway, and reports
# that the upload resumed (one upload session) and its time.
#
# Needs docker-registry, curl, skopeo, /usr/bin/time (package `time`),
# openssl, and oras / fault-proxy as built by scripts/setup-test-peers.sh.
# Run by hand; it is not part of CI (the 4 GiB case takes a while).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/bench-common.sh
. "$ROOT/scripts/bench-common.sh"
PEER_CACHE="${CARGO_ATTEST_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cargo-attest-test-peers}"
ORAS="$PEER_CACHE/bin/oras"
FAULT_PROXY="$PEER_CACHE/bin/fault-proxy"
SIZES="1024 4096"
RUNS=3
STORAGES="tmpfs disk"
SMALL=0
RESUME=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --storage) STORAGES="$2"; shift 2 ;;
    --small) SMALL=1; shift ;;
    --resume) RESUME=1; shift ;;
    *) echo "usage: $0 [--sizes \"MiB...\"] [--runs N] [--storage \"tmpfs disk\"] [--small] [--resume]" >&2; exit 2 ;;
  esac
done

for tool in docker-registry curl skopeo openssl /usr/bin/time "$ORAS"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: missing $tool (run scripts/setup-test-peers.sh; apt-get install time)" >&2; exit 1; }
done

# CARGO_ATTEST_BENCH_BIN: a binary to measure instead of building this
# tree's (an earlier build, for a before/after).
if [ -z "${CARGO_ATTEST_BENCH_BIN:-}" ]; then
  echo "bench: building cargo-attest (release)" >&2
  (cd "$ROOT" && cargo build --release --locked -q)
fi
BIN="${CARGO_ATTEST_BENCH_BIN:-$ROOT/target/release/cargo-attest}"

WORK="$(mktemp -d /var/tmp/cargo-attest-bench.XXXXXX)"
SHM="$(mktemp -d /dev/shm/cargo-attest-bench.XXXXXX)"
REG_PID=""
PROXY_PID=""
stop_registry() { if [ -n "$REG_PID" ]; then kill "$REG_PID" 2>/dev/null || true; wait "$REG_PID" 2>/dev/null || true; REG_PID=""; fi; }
cleanup() { stop_registry; [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null; rm -rf "$WORK" "$SHM"; }
trap cleanup EXIT


# start_registry STORAGE_DIR: a fresh docker-registry on an empty directory.
start_registry() {
  stop_registry
  rm -rf "$1"; mkdir -p "$1"
  PORT="$(free_port)"; HOST="127.0.0.1:$PORT"
  cat > "$WORK/config.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $1
  delete:
    enabled: true
http:
  addr: $HOST
YML
  docker-registry serve "$WORK/config.yml" >"$WORK/registry.log" 2>&1 &
  REG_PID=$!
  for _ in $(seq 200); do curl -fsS "http://$HOST/v2/" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "bench: docker-registry did not start" >&2; cat "$WORK/registry.log" >&2; exit 1
}


# measure NAME CMD...: runs CMD under /usr/bin/time; appends "wall cpu rss_kib".
measure() {
  local name="$1"; shift
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || { echo "bench: $name failed:" >&2; cat "$WORK/err" >&2; exit 1; }
  awk '{printf "%s %.3f %s\n", $1, $2 + $3, $4}' "$WORK/t" >> "$WORK/res.$name"
}

export HOST

report() { # report LABEL FILE...: one table and the ratios
  local label="$1" ours curl_w oras_w skopeo_w ours_cpu curl_cpu hash_cpu rss
  col() { awk -v c="$2" '{print $c}' "$WORK/res.$1" | median; }
  ours=$(col ours 1); curl_w=$(col curl 1); oras_w=$(col oras 1); skopeo_w=$(col skopeo 1)
  ours_cpu=$(col ours 2); curl_cpu=$(col curl 2); hash_cpu=$(col hash 2)
  rss=$(awk '{print $3}' "$WORK/res.ours" | sort -n | tail -1)
  printf '\n== %s ==\n' "$label"
  printf '%-14s %9s %9s %10s\n' tool 'wall s' 'CPU s' 'peak RSS'
  for t in ours curl oras skopeo; do
    printf '%-14s %9.2f %9.2f %8.1f MiB\n' "$t" "$(col $t 1)" "$(col $t 2)" "$(echo "$(awk '{print $3}' "$WORK/res.$t" | sort -n | tail -1) / 1024" | bc -l)"
  done
  printf 'sha256 of the bytes (openssl): %.2f s CPU\n' "$hash_cpu"
  printf 'ratio wall cargo-attest / curl -T: %.2f (target <= 1.10)\n' "$(echo "$ours / $curl_w" | bc -l)"
  printf 'ratio wall cargo-attest / oras:    %.2f (target <= 0.80)\n' "$(echo "$ours / $oras_w" | bc -l)"
  printf 'ratio wall cargo-attest / skopeo:  %.2f\n' "$(echo "$ours / $skopeo_w" | bc -l)"
  printf 'ratio CPU cargo-attest / (2 x curl + hash): %.2f (target <= 1)\n' "$(echo "$ours_cpu / (2 * $curl_cpu + $hash_cpu)" | bc -l)"
  printf 'cargo-attest peak RSS: %.1f MiB (target <= 64)\n' "$(echo "$rss / 1024" | bc -l)"
}

# bench_case LABEL STORAGE FILE...: the four tools, RUNS times.
bench_case() {
  local label="$1" storage_dir="$2"; shift 2
  local files=("$@") names=() f run order tools t
  for f in "${files[@]}"; do names+=("$(basename "$f")"); done
  rm -f "$WORK"/res.*
  # The layout skopeo copies from, built once (not timed).
  rm -rf "$WORK/layout"
  "$BIN" push -q --progress never --oci-layout "$WORK/layout" v1 "${files[@]}"
  local digests=()
  for f in "${files[@]}"; do
    measure hash openssl dgst -sha256 "$f"
    digests+=("sha256:$(openssl dgst -sha256 -r "$f" | cut -d' ' -f1)")
  done
  tools=(ours curl oras skopeo)
  for run in $(seq "$RUNS"); do
    for i in 0 1 2 3; do
      t=${tools[$(( (i + run) % 4 ))]}
      start_registry "$storage_dir"
      cat "${files[@]}" > /dev/null   # same page-cache state for every tool
      case "$t" in
        ours) measure ours "$BIN" push -q --progress never "$HOST/bench/ours:v1" "${files[@]}" ;;
        curl)
          # Pre-hashed bytes, blob uploads only (no manifest): a lower bound.
          local script="" k
          for k in "${!files[@]}"; do script+="curl_push '${files[$k]}' '${digests[$k]}' bench/curl; "; done
          measure curl bash -c "$script" ;;
        oras) measure oras bash -c "cd '$(dirname "${files[0]}")' && '$ORAS' push --plain-http --no-tty '$HOST/bench/oras:v1' ${names[*]}" ;;
        skopeo) measure skopeo skopeo copy -q --dest-tls-verify=false "oci:$WORK/layout:v1" "docker://$HOST/bench/skopeo:v1" ;;
      esac
    done
  done
  stop_registry
  report "$label"
}

for storage in $STORAGES; do
  case "$storage" in
    tmpfs) storage_dir="$SHM/registry" ;;
    disk) storage_dir="$WORK/registry" ;;
    *) echo "bench: unknown storage $storage" >&2; exit 2 ;;
  esac
  for size in $SIZES; do
    mkdir -p "$WORK/data-$size"
    file="$WORK/data-$size/payload.bin"
    [ -f "$file" ] || { echo "bench: writing $size MiB of random bytes" >&2; head -c "$((size * 1024 * 1024))" /dev/urandom > "$file"; }
    bench_case "$size MiB, one file, registry storage on $storage, $RUNS runs" "$storage_dir" "$file"
  done
  if [ "$SMALL" = 1 ]; then
    mkdir -p "$WORK/small"
    for i in $(seq 0 9); do [ -f "$WORK/small/f$i.bin" ] || head -c $((10 * 1024 * 1024)) /dev/urandom > "$WORK/small/f$i.bin"; done
    bench_case "10 x 10 MiB files, registry storage on $storage, $RUNS runs" "$storage_dir" "$WORK"/small/f*.bin
  fi
done

if [ "$RESUME" = 1 ]; then
  [ -x "$FAULT_PROXY" ] || { echo "bench: missing $FAULT_PROXY" >&2; exit 1; }
  size=${SIZES%% *}
  file="$WORK/data-$size/payload.bin"
  start_registry "$SHM/registry"
  "$FAULT_PROXY" -addr 127.0.0.1:0 -upstream "http://$HOST" > "$WORK/proxy.out" 2> "$WORK/proxy.log" &
  PROXY_PID=$!
  for _ in $(seq 100); do grep -q LISTENING "$WORK/proxy.out" && break; sleep 0.05; done
  PROXY="$(awk '/LISTENING/ {print $2}' "$WORK/proxy.out")"
  # Cut the PATCH that carries the middle of the file, 32 MiB into it.
  # PATCHes grow as src/registry/upload.rs sizes them: 64 MiB, then as
  # much as is stored, at most 1024 MiB.
  nth=0; offset=0
  while :; do
    nth=$((nth + 1))
    len=$offset; [ "$len" -lt 64 ] && len=64; [ "$len" -gt 1024 ] && len=1024
    [ $((offset + len)) -gt $((size / 2)) ] && break
    offset=$((offset + len))
  done
  curl -fsS -X POST -H 'Content-Type: application/json' "http://$PROXY/__proxy/rules" \
    -d "{\"method\":\"PATCH\",\"kind\":\"upload\",\"nth\":$nth,\"when\":\"before\",\"action\":{\"reset_after_request_bytes\":33554432}}" >/dev/null
  t0=$(date +%s.%N)
  "$BIN" push --progress never "$PROXY/bench/resume:v1" "$file" 2> "$WORK/resume.err" >/dev/null
  t1=$(date +%s.%N)
  posts=$(curl -fsS "http://$PROXY/__proxy/counts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["by_kind"].get("POST upload", 0))')
  printf '\n== resume: %s MiB through the fault proxy, reset in the middle ==\n' "$size"
  grep -h "resuming" "$WORK/resume.err" || { echo "bench: the upload did not resume" >&2; cat "$WORK/resume.err" >&2; exit 1; }
  printf 'upload sessions: %s (config and blob; a restart would add one)\n' "$posts"
  printf 'wall: %.2f s\n' "$(echo "$t1 - $t0" | bc -l)"
fi
