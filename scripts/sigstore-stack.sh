#!/bin/sh
# The local Sigstore stack, for trying a pipeline offline and for the tests
# (tests/README.md "The stack as a program"):
#
#   scripts/sigstore-stack.sh [--env-file PATH] [-- COMMAND [ARGS...]]
#
# Starts, on free 127.0.0.1 ports: an OIDC issuer with GitHub Actions'
# token-request endpoint, two Sigstore instances (public good's shape:
# Fulcio + Rekor v1, no TSA; GitHub's: Fulcio + TSA, no log), each with its
# trusted root, signing config v0.2 and a TUF repository serving both, and a
# recording proxy in front of each Fulcio. It writes an env file
# (NAME='VALUE' lines), then runs COMMAND with those variables exported and
# exits with COMMAND's status; without COMMAND it prints the env file's path
# and waits until interrupted. Everything it started stops when it ends,
# also on failure and Ctrl-C.
#
# Needs the peers of scripts/setup-test-peers.sh. One stack per machine at a
# time (timestamp-server always takes port 2112 for its metrics).
#
# It runs examples/sigstore-stack.rs, which includes the integration tests'
# harness (tests/integration/sigstore_stack.rs, rekor_v1_stack.rs,
# sigstore_instances.rs, testbed.rs): the same code the tests use.
set -eu
# cargo runs from the checkout (its config, its target dir); COMMAND runs
# where this script was started.
SIGSTORE_STACK_CWD="$(pwd)"
export SIGSTORE_STACK_CWD
cd "$(dirname "$0")/.."
exec cargo run --quiet --example sigstore-stack -- "$@"
