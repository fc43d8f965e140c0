#!/usr/bin/env bash
# The whole test suite: installs the test peers (idempotent), then runs every
# test. Under CI=true a missing peer fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup-test-peers.sh
cargo test --locked "$@"
