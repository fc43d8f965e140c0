//! Integration tests: the built binary against real peers (a real OS
//! keyring, @sigstore/verify and @sigstore/sign, securesystemslib) and a
//! real cargo workspace. One test binary, so shared set-up happens once.

// Cargo.toml's [lints] guard the product: the helpers of this test binary
// are `pub` for their sibling modules, and long tests print what they
// measure.
#![allow(unreachable_pub, clippy::print_stdout, clippy::print_stderr)]

mod architecture;
mod attach;
mod bad_input;
mod cli;
mod consumer;
mod crates;
mod destinations;
mod hangs;
mod hardening;
mod interop;
mod keyless;
mod keyring;
mod maintain;
mod many;
mod peer_support;
mod peers;
mod per_subject;
mod preflight;
mod provenance;
mod proxy;
mod proxy_smoke;
mod registry;
mod rekor;
mod rekor_v1;
mod rekor_v1_stack;
mod sbom;
mod sigstore_instances;
mod sigstore_stack;
mod sigstore_stack_smoke;
mod soak;
mod support;
mod targets;
mod testbed;
mod testbed_smoke;
mod tuf;
mod ux;
mod verify_ref;
