//! cargo-attest: signed SLSA v1 build provenance for cargo builds.
//!
//! The binary is a thin shell over this library. Data flows one way:
//! `cli` (the clap model) -> `settings` (resolved once, with the
//! environment) -> `commands` (orchestration, returning a report) -> the
//! core modules, which know nothing of clap: `oci` at the bottom (digests,
//! references, manifests, the `Store` trait), `attach` and `publish`
//! (written once over `Store`), `registry` (the HTTP client), `layout`, `provenance`, `sbom`, `signing`, `verify`, `credentials`, `progress`.
//! Everything but the binary's entry points is crate-private.

mod attach;
pub mod cli;
pub mod commands;
mod crate_index;
mod credentials;
mod deadline;
mod environment;
pub mod error;
mod fsutil;
#[doc(hidden)]
pub mod fuzzing;
mod layout;
mod locate;
pub mod logging;
mod oci;
mod output;
mod progress;
mod provenance;
mod publish;
mod registry;
mod retry;
mod sbom;
pub mod settings;
mod signing;
mod strict_json;
mod trust;
mod verify;

pub use error::{Error, ExitCode, Result};
