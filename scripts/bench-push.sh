#!/usr/bin/env bash
# Benchmark: push one large file to a local docker-registry with cargo-attest,
# a streamed `curl -T` upload of the same bytes, and `oras push`, each on a
# fresh repository, RUNS times. Prints per-tool median seconds, cargo-attest's
# peak RSS (from /usr/bin/time -v) and the ratios.
#
#   scripts/bench-push.sh [SIZE_MIB=1024] [RUNS=3]
#
# Needs: docker-registry, curl, /usr/bin/time (package `time`), and the oras
# built by scripts/setup-test-peers.sh. Run by hand; it is not part of CI.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE_MIB="${1:-1024}"
RUNS="${2:-3}"
ORAS="$ROOT/tests/peers/bin/oras"

for tool in docker-registry curl /usr/bin/time "$ORAS"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: missing $tool (run scripts/setup-test-peers.sh; apt-get install time)" >&2; exit 1; }
done

echo "bench: building cargo-attest (release)"
(cd "$ROOT" && cargo build --release --locked -q)
BIN="$ROOT/target/release/cargo-attest"

WORK="$(mktemp -d)"
REG_PID=""
cleanup() { [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
HOST="127.0.0.1:$PORT"
cat > "$WORK/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $WORK/registry
  delete:
    enabled: true
http:
  addr: $HOST
EOF
docker-registry serve "$WORK/config.yml" >"$WORK/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 100); do curl -fsS "http://$HOST/v2/" >/dev/null 2>&1 && break; sleep 0.1; done

FILE="$WORK/payload.bin"
echo "bench: writing ${SIZE_MIB} MiB of random data"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$FILE"
DIGEST="sha256:$(sha256sum "$FILE" | cut -d' ' -f1)"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

: > "$WORK/ours"; : > "$WORK/curl"; : > "$WORK/oras"; : > "$WORK/rss"
for run in $(seq "$RUNS"); do
  # cargo-attest
  t0=$(now)
  /usr/bin/time -v "$BIN" push --progress never -q "$HOST/bench/ours-$run:v1" "$FILE" 2> "$WORK/time.txt"
  t1=$(now)
  echo "$t1 - $t0" | bc >> "$WORK/ours"
  awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt" >> "$WORK/rss"

  # curl -T: the raw streamed upload, no manifest (a lower bound)
  t0=$(now)
  loc=$(curl -fsS -X POST -D - -o /dev/null "http://$HOST/v2/bench/curl-$run/blobs/uploads/" | awk 'tolower($1)=="location:" {print $2}' | tr -d '\r')
  case "$loc" in http*) ;; *) loc="http://$HOST$loc" ;; esac
  sep='?'; case "$loc" in *\?*) sep='&' ;; esac
  curl -fsS -T "$FILE" -H 'Content-Type: application/octet-stream' "${loc}${sep}digest=${DIGEST}" -o /dev/null
  t1=$(now)
  echo "$t1 - $t0" | bc >> "$WORK/curl"

  # oras push
  t0=$(now)
  (cd "$WORK" && "$ORAS" push --plain-http --no-tty "$HOST/bench/oras-$run:v1" payload.bin >/dev/null)
  t1=$(now)
  echo "$t1 - $t0" | bc >> "$WORK/oras"
done

ours=$(median < "$WORK/ours"); curl_t=$(median < "$WORK/curl"); oras_t=$(median < "$WORK/oras")
rss_kib=$(sort -n "$WORK/rss" | tail -1)
printf '\nfile: %s MiB, runs: %s, fresh repository per run\n' "$SIZE_MIB" "$RUNS"
printf '%-14s %10s\n' tool "median s"
printf '%-14s %10.2f\n' cargo-attest "$ours" "curl -T" "$curl_t" oras "$oras_t"
printf '\ncargo-attest peak RSS: %.1f MiB (limit 64 MiB)\n' "$(echo "$rss_kib / 1024" | bc -l)"
printf 'ratio cargo-attest / curl -T: %.2f\n' "$(echo "$ours / $curl_t" | bc -l)"
printf 'ratio cargo-attest / oras:    %.2f\n' "$(echo "$ours / $oras_t" | bc -l)"
if [ "$rss_kib" -gt $((64 * 1024)) ]; then
  echo "bench: peak RSS above 64 MiB" >&2
  exit 1
fi
