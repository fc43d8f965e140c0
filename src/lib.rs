//! cargo-attest: signed SLSA v1 build provenance for cargo builds.
//!
//! The binary is a thin shell over this library. Data flows one way:
//! `cli` (the clap model) -> `settings` (resolved once, with the
//! environment) -> `commands` (orchestration, returning a report) -> the
//! core modules, which know nothing of clap: `oci` at the bottom (digests,
//! references, manifests, the `Store` trait), `registry` (client, attach),
//! `layout`, `provenance`, `signing`, `verify`, `credentials`, `progress`.
//! Everything but the binary's entry points is crate-private.

#![warn(unreachable_pub)]

#[macro_use]
mod labels;

pub mod cli;
pub mod commands;
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
mod progress;
mod provenance;
mod registry;
mod retry;
pub mod settings;
mod signing;
mod verify;

pub use error::{Error, ExitCode, Result};
