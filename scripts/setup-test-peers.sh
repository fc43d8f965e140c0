#!/usr/bin/env bash
# Installs the independent peer tools used by the integration tests:
#   - apt: gnome-keyring, libsecret-tools, dbus, dbus-x11 (headless Secret Service)
#   - tests/peers/node:   sigstore-js sign/verify (npm ci from package-lock.json)
#   - tests/peers/python: securesystemslib DSSE verifier, cyclonedx-python-lib
#     CycloneDX validator, python-tuf 7.0.1 TUF repository tool (tuf_repo.py)
#     (venv in .venv, pins in requirements.txt)
#   - registries (DESIGN.md section 9): apt docker-registry, apache2-utils,
#     skopeo, curl; $PEER_CACHE/cargo: ferro-oci-server, cargo-cyclonedx
#     (cargo install);
#     $PEER_CACHE/bin: oras, go-registry, token-service, fault-proxy (Go)
#   - keyless stack and Sigstore peers (DESIGN.md section 9), $PEER_CACHE/bin:
#     cosign (v3), cosign2 (v2), regctl, fulcio, timestamp-server,
#     rekor-server-posix (rekor-tiles), oidc-issuer, recording-proxy (Go)
#   - gh 2.83.0 (`gh attestation verify`, a verifier peer), $PEER_CACHE/bin/gh
#   - Rekor v1 (DESIGN.md section 9): apt mariadb-server; $PEER_CACHE/bin:
#     trillian_log_server, trillian_log_signer, createtree, rekor-server,
#     ct_server (certificate-transparency-go's CTFE) (Go);
#     $PEER_CACHE/share: Trillian's MySQL schema
# Idempotent; each step is skipped when already up to date.
# Target: Debian 12, as root (or a user with sudo). Needs Node >= 20.17 with npm.
#
# To add a peer: write a setup_<name> function (using the helpers below) and
# call it from main.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS="$ROOT/tests/peers"
# Built peers (ferro-oci-server, oras, the Go programs) are slow to build, so
# they live in a cache shared by every checkout on the machine; CI's fresh
# clones reuse them. tests/integration/testbed.rs reads the same location.
PEER_CACHE="${CARGO_ATTEST_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cargo-attest-test-peers}"
PYTHON="${PYTHON:-python3}"

log() { printf 'setup-test-peers: %s\n' "$*"; }
die() { printf 'setup-test-peers: error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# ---- helpers ---------------------------------------------------------------

APT_UPDATED=0

apt_is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

# install_apt_packages PKG...: installs those not yet installed; runs
# `apt-get update` (at most once per run) only when something is missing.
install_apt_packages() {
  local missing=() p
  for p in "$@"; do apt_is_installed "$p" || missing+=("$p"); done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "apt: ok ($*)"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install manually: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt: update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt: install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# require_node MIN_MAJOR MIN_MINOR: node and npm on PATH, node >= MIN.
require_node() {
  command -v node >/dev/null 2>&1 || die "node not found (need Node >= $1.$2; Debian 12's nodejs 18 is too old)"
  command -v npm >/dev/null 2>&1 || die "npm not found"
  local v major minor
  v="$(node -p 'process.versions.node')"
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  if [ "$major" -lt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -lt "$2" ]; }; then
    die "node $v is too old (need >= $1.$2)"
  fi
}

# npm_ci_if_needed DIR: `npm ci` when node_modules is missing or older than
# package-lock.json.
npm_ci_if_needed() {
  local dir="$1" name="${1#"$ROOT"/}"
  if [ -f "$dir/node_modules/.package-lock.json" ] \
     && ! [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "npm: ok ($name)"
    return 0
  fi
  log "npm: ci ($name)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# python_venv_if_needed DIR: venv in DIR/.venv with DIR/requirements.txt
# installed; reinstalls only when the requirements' sha256 changes (stamp in
# the venv).
python_venv_if_needed() {
  local dir="$1" name="${1#"$ROOT"/}"
  local venv="$dir/.venv" req="$dir/requirements.txt"
  local stamp="$venv/.requirements.sha256" want
  if ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
    if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
      install_apt_packages python3 python3-venv
    fi
    log "python: create venv ($name/.venv)"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
  fi
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "python: ok ($name)"
    return 0
  fi
  log "python: pip install -r $name/requirements.txt"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req"
  printf '%s\n' "$want" > "$stamp"
}

# require_go: go on PATH (the registry test bed builds Go programs).
require_go() {
  command -v go >/dev/null 2>&1 || die "go not found (need Go >= 1.25 for tests/peers/go-registry and oras)"
}

# go_build_if_needed DIR OUT: builds the Go program in DIR into OUT, unless
# OUT exists and its stamp (sha256 of DIR's go.mod, go.sum, main.go and the
# Go version) is current.
go_build_if_needed() {
  local dir="$1" out="$2" name="${1#"$ROOT"/}" stamp="$2.sha256" want f
  require_go
  want="$(
    cd "$dir"
    for f in go.mod go.sum main.go; do [ -f "$f" ] && sha256sum "$f"; done
    go env GOVERSION
  )"
  want="$(printf '%s\n' "$want" | sha256sum | cut -d' ' -f1)"
  if [ -x "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "go: ok ($name)"
    return 0
  fi
  log "go: build $name"
  mkdir -p "$(dirname "$out")"
  (cd "$dir" && CGO_ENABLED=0 go build -mod=readonly -trimpath -o "$out" .)
  printf '%s\n' "$want" > "$stamp"
}

# go_install_if_needed NAME MODULE_PATH VERSION [CGO]: `go install`s the
# pinned MODULE_PATH@VERSION into $PEER_CACHE/bin/NAME, unless NAME is there
# with a current stamp (NAME.version: the module, version and cgo setting).
# It builds into a temp GOBIN and moves the binary into place, so a renamed
# binary (cosign v2 as cosign2) works, and so does a concurrent run of this
# script: a half-written binary is never in the cache. CGO defaults to 0.
go_install_if_needed() {
  local name="$1" module="$2" version="$3" cgo="${4:-0}"
  local out="$PEER_CACHE/bin/$name" stamp="$PEER_CACHE/bin/$name.version"
  local want="$module@$version CGO_ENABLED=$cgo" gobin built start
  if [ -x "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    log "go: ok ($name $version)"
    return 0
  fi
  require_go
  log "go: install $name ($module@$version)"
  mkdir -p "$PEER_CACHE/bin"
  gobin="$(mktemp -d "$PEER_CACHE/bin/.gobin-$name.XXXXXX")"
  start="$(date +%s)"
  if ! GOBIN="$gobin" CGO_ENABLED="$cgo" go install -trimpath "$module@$version"; then
    rm -rf "$gobin"
    die "go install $module@$version failed"
  fi
  built="$gobin/${module##*/}"
  [ -x "$built" ] || { rm -rf "$gobin"; die "go install $module@$version made no ${module##*/}"; }
  mv -f "$built" "$out"
  rm -rf "$gobin"
  printf '%s\n' "$want" > "$stamp"
  log "go: built $name in $(( $(date +%s) - start ))s"
}

# ---- peers -----------------------------------------------------------------

setup_keyring() {
  install_apt_packages gnome-keyring libsecret-tools dbus dbus-x11
}

# Shells whose completion scripts the tests load, and man to render pages.
setup_shells() {
  install_apt_packages zsh fish man-db
}

# git makes the fixture workspace a checkout; openssl derives public keys
# independently of the product.
setup_base_tools() {
  install_apt_packages git openssl ca-certificates
}

setup_node_peer() {
  require_node 20 17
  npm_ci_if_needed "$PEERS/node"
}

setup_python_peer() {
  python_venv_if_needed "$PEERS/python"
}

# ---- registry test bed (DESIGN.md section 9) -------------------------------
# The harness (tests/integration/testbed.rs) starts its own instances on free
# 127.0.0.1 ports; nothing here starts a server.

ORAS_VERSION="v1.3.6"          # newest v1.x; builds with Go 1.26
FERRO_OCI_VERSION="1.0.0"
# A second SBOM producer to compare ours with (tests/integration/sbom.rs,
# docs/sbom.md): built like ferro-oci-server, cached the same way.
CARGO_CYCLONEDX_VERSION="0.5.9"

# docker-registry: Debian's 2.8.2, run as `docker-registry serve CONFIG.yml`.
# Its postinst adds a system user, /etc/docker/registry/config.yml,
# /var/lib/docker-registry, a systemd unit and /etc/init.d/docker-registry,
# and starts that service on :5000 (all interfaces) unless policy-rc.d
# forbids it (Docker images' does). The tests never use it: stop it.
setup_registry_apt() {
  install_apt_packages docker-registry apache2-utils skopeo curl
  if [ -x /etc/init.d/docker-registry ] && /etc/init.d/docker-registry status >/dev/null 2>&1; then
    log "apt: stopping the system docker-registry service (tests start their own)"
    as_root /etc/init.d/docker-registry stop >/dev/null || true
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      as_root systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
    elif command -v update-rc.d >/dev/null 2>&1; then
      as_root update-rc.d docker-registry disable >/dev/null 2>&1 || true
    fi
  fi
}

# ferro-oci-server from crates.io into $PEER_CACHE/cargo (a build of minutes:
# skipped while the binary and its version stamp are there).
setup_ferro() {
  local root="$PEER_CACHE/cargo" bin="$PEER_CACHE/cargo/bin/ferro-oci-server"
  local stamp="$PEER_CACHE/cargo/.ferro-oci-server.version"
  if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$FERRO_OCI_VERSION" ]; then
    log "cargo: ok (ferro-oci-server $FERRO_OCI_VERSION)"
    return 0
  fi
  command -v cargo >/dev/null 2>&1 || die "cargo not found"
  log "cargo: install ferro-oci-server $FERRO_OCI_VERSION (takes minutes)"
  # --locked: the crate's own Cargo.lock. Should a yanked dependency in that
  # lock ever make it fail, build with fresh resolution rather than not at all.
  if ! cargo install --quiet --locked --force ferro-oci-server \
        --version "=$FERRO_OCI_VERSION" --root "$root"; then
    log "cargo: --locked failed; retrying without it"
    cargo install --quiet --force ferro-oci-server \
      --version "=$FERRO_OCI_VERSION" --root "$root"
  fi
  printf '%s\n' "$FERRO_OCI_VERSION" > "$stamp"
}

# cargo-cyclonedx from crates.io into $PEER_CACHE/cargo (minutes on 2 cores).
setup_cargo_cyclonedx() {
  local root="$PEER_CACHE/cargo" bin="$PEER_CACHE/cargo/bin/cargo-cyclonedx"
  local stamp="$PEER_CACHE/cargo/.cargo-cyclonedx.version"
  if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$CARGO_CYCLONEDX_VERSION" ]; then
    log "cargo: ok (cargo-cyclonedx $CARGO_CYCLONEDX_VERSION)"
    return 0
  fi
  command -v cargo >/dev/null 2>&1 || die "cargo not found"
  log "cargo: install cargo-cyclonedx $CARGO_CYCLONEDX_VERSION (takes minutes)"
  cargo install --quiet --locked --force cargo-cyclonedx \
    --version "=$CARGO_CYCLONEDX_VERSION" --root "$root"
  printf '%s\n' "$CARGO_CYCLONEDX_VERSION" > "$stamp"
}

# oras CLI, pinned, built from the Go module proxy into $PEER_CACHE/bin.
setup_oras() {
  local bin="$PEER_CACHE/bin/oras"
  if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q "^Version: *${ORAS_VERSION#v}\b"; then
    log "go: ok (oras $ORAS_VERSION)"
    return 0
  fi
  require_go
  log "go: install oras $ORAS_VERSION"
  mkdir -p "$PEER_CACHE/bin"
  GOBIN="$PEER_CACHE/bin" CGO_ENABLED=0 go install -trimpath "oras.land/oras/cmd/oras@$ORAS_VERSION"
}

# go-containerregistry's in-memory registry with the referrers API on, and
# the token service for docker-registry's token auth.
setup_go_peers() {
  go_build_if_needed "$PEERS/go-registry" "$PEER_CACHE/bin/go-registry"
  go_build_if_needed "$PEERS/token-service" "$PEER_CACHE/bin/token-service"
  go_build_if_needed "$PEERS/fault-proxy" "$PEER_CACHE/bin/fault-proxy"
}

# ---- keyless stack and Sigstore peers (DESIGN.md section 9) ----------------
# The harness (tests/integration/sigstore_stack.rs) starts the servers on
# 127.0.0.1; as above, nothing here starts one. Each is a pinned `go install`
# (cosign v3 takes about 7 minutes on 2 cores).

COSIGN_VERSION="v3.1.3"
COSIGN2_VERSION="v2.6.5"
REGCTL_VERSION="v0.11.7"
FULCIO_VERSION="v1.8.8"
TSA_VERSION="v2.1.3"            # v2.1.5 needs Go 1.27
REKOR_TILES_VERSION="v2.3.0"
# gh 2.105.0 needs Go 1.27 and a module the proxy does not serve; 2.83.0
# builds with Go 1.26. `gh attestation verify` is a verifier peer (needs
# GH_TOKEN set to any value for oci:// even offline).
GH_VERSION="v2.83.0"

setup_sigstore_peers() {
  go_install_if_needed cosign github.com/sigstore/cosign/v3/cmd/cosign "$COSIGN_VERSION"
  go_install_if_needed cosign2 github.com/sigstore/cosign/v2/cmd/cosign "$COSIGN2_VERSION"
  go_install_if_needed regctl github.com/regclient/regclient/cmd/regctl "$REGCTL_VERSION"
  go_install_if_needed gh github.com/cli/cli/v2/cmd/gh "$GH_VERSION"
}

setup_keyless_stack() {
  go_install_if_needed fulcio github.com/sigstore/fulcio "$FULCIO_VERSION"
  go_install_if_needed timestamp-server \
    github.com/sigstore/timestamp-authority/v2/cmd/timestamp-server "$TSA_VERSION"
  go_install_if_needed rekor-server-posix \
    github.com/sigstore/rekor-tiles/v2/cmd/rekor-server/posix "$REKOR_TILES_VERSION"
  go_build_if_needed "$PEERS/oidc-issuer" "$PEER_CACHE/bin/oidc-issuer"
  go_build_if_needed "$PEERS/recording-proxy" "$PEER_CACHE/bin/recording-proxy"
}

# Rekor v1, as the public-good instance runs it by default: rekor-server on
# Trillian on MariaDB (no Redis: its search index lives in MariaDB too). The
# harness (tests/integration/rekor_v1.rs) starts its own mariadbd on a unix
# socket; the system service the package may start is not used.
TRILLIAN_VERSION="v1.7.2"
REKOR_V1_VERSION="v1.5.4"
CT_GO_VERSION="v1.3.3"

setup_rekor_v1() {
  install_apt_packages mariadb-server
  # Its postinst starts a system MariaDB unless policy-rc.d forbids it; the
  # tests never use it (as docker-registry's above): stop it.
  if [ -x /etc/init.d/mariadb ] && /etc/init.d/mariadb status >/dev/null 2>&1; then
    log "apt: stopping the system mariadb service (tests start their own)"
    as_root /etc/init.d/mariadb stop >/dev/null || true
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      as_root systemctl disable --now mariadb.service >/dev/null 2>&1 || true
    elif command -v update-rc.d >/dev/null 2>&1; then
      as_root update-rc.d mariadb disable >/dev/null 2>&1 || true
    fi
  fi
  go_install_if_needed trillian_log_server \
    github.com/google/trillian/cmd/trillian_log_server "$TRILLIAN_VERSION"
  go_install_if_needed trillian_log_signer \
    github.com/google/trillian/cmd/trillian_log_signer "$TRILLIAN_VERSION"
  go_install_if_needed createtree github.com/google/trillian/cmd/createtree "$TRILLIAN_VERSION"
  go_install_if_needed rekor-server github.com/sigstore/rekor/cmd/rekor-server "$REKOR_V1_VERSION"
  # The public-good-shaped instance's CT log (scripts/sigstore-stack.sh):
  # the CTFE on the same Trillian, the version Fulcio v1.8.8 builds with.
  go_install_if_needed ct_server \
    github.com/google/certificate-transparency-go/trillian/ctfe/ct_server "$CT_GO_VERSION"
  # Trillian's MySQL schema, from the module `go install` just fetched, kept
  # beside the binaries so the harness needs no Go module cache.
  local schema="$PEER_CACHE/share/trillian-$TRILLIAN_VERSION-storage.sql" modcache
  if [ -s "$schema" ]; then
    log "go: ok (Trillian $TRILLIAN_VERSION schema)"
    return 0
  fi
  modcache="$(go env GOMODCACHE)"
  if [ ! -f "$modcache/github.com/google/trillian@$TRILLIAN_VERSION/storage/mysql/schema/storage.sql" ]; then
    go mod download "github.com/google/trillian@$TRILLIAN_VERSION" \
      || die "cannot download github.com/google/trillian@$TRILLIAN_VERSION for its schema"
  fi
  mkdir -p "$PEER_CACHE/share"
  cp "$modcache/github.com/google/trillian@$TRILLIAN_VERSION/storage/mysql/schema/storage.sql" "$schema.tmp"
  chmod 0644 "$schema.tmp"
  mv -f "$schema.tmp" "$schema"
  log "go: copied the Trillian $TRILLIAN_VERSION schema"
}

main() {
  setup_base_tools
  setup_keyring
  setup_shells
  setup_node_peer
  setup_python_peer
  setup_registry_apt
  setup_oras
  setup_go_peers
  setup_keyless_stack
  setup_rekor_v1
  setup_sigstore_peers
  setup_ferro
  setup_cargo_cyclonedx
  log "done"
}

main "$@"
