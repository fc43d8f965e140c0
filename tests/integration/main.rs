//! Integration tests: the built binary against real peers (a real OS
//! keyring, @sigstore/verify and @sigstore/sign, securesystemslib) and a
//! real cargo workspace. One test binary, so shared set-up happens once.

mod attach;
mod bad_input;
mod cli;
mod consumer;
mod hangs;
mod hardening;
mod interop;
mod keyless;
mod keyring;
mod maintain;
mod peers;
mod provenance;
mod proxy;
mod proxy_smoke;
mod registry;
mod rekor;
mod sigstore_stack;
mod sigstore_stack_smoke;
mod soak;
mod support;
mod testbed;
mod testbed_smoke;
mod ux;
mod verify_ref;
