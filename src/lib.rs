//! cargo-attest: signed SLSA v1 build provenance for cargo builds.
//!
//! The binary is a thin shell over this library: `cli` holds the clap model,
//! `commands` orchestrates, and the core modules (`provenance`, `signing`,
//! `credentials`) know nothing of clap.

pub mod cli;
pub mod commands;
pub mod credentials;
pub mod error;
pub mod layout;
pub mod progress;
pub mod provenance;
pub mod registry;
pub mod signing;

pub use error::{Error, ExitCode, Result};
