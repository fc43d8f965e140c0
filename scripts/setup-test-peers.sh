#!/usr/bin/env bash
# Installs the independent peer tools used by the integration tests:
#   - apt: gnome-keyring, libsecret-tools, dbus, dbus-x11 (headless Secret Service)
#   - tests/peers/node:   sigstore-js sign/verify (npm ci from package-lock.json)
#   - tests/peers/python: securesystemslib DSSE verifier (venv in .venv)
# Idempotent; each step is skipped when already up to date.
# Target: Debian 12, as root (or a user with sudo). Needs Node >= 20.17 with npm.
#
# To add a peer: write a setup_<name> function (using the helpers below) and
# call it from main.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS="$ROOT/tests/peers"
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

# ---- peers -----------------------------------------------------------------

setup_keyring() {
  install_apt_packages gnome-keyring libsecret-tools dbus dbus-x11
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

main() {
  setup_base_tools
  setup_keyring
  setup_node_peer
  setup_python_peer
  log "done"
}

main "$@"
