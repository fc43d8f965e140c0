//! Flags of the commands that reach registries or layouts: each command
//! flattens the groups it uses, so its `--help` shows only those.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Where and how a command that pushes publishes.
#[derive(Debug, Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub registry: RegistryArgs,

    #[command(flatten)]
    pub attaching: AttachingArgs,

    #[command(flatten)]
    pub progress: ProgressArgs,
}

/// Where REFs go and how registries are spoken to.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Registry")]
pub struct RegistryArgs {
    /// Use this OCI image layout directory instead of a registry.
    #[arg(long, value_name = "DIR")]
    pub oci_layout: Option<PathBuf>,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// How a registry is connected to.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Registry")]
pub struct ConnectArgs {
    /// Allow plain HTTP to registries that are not on a loopback address.
    #[arg(long)]
    pub plain_http: bool,

    /// Do not verify registries' TLS certificates.
    #[arg(long)]
    pub insecure: bool,
}

/// How attestations are attached, and what pushed manifests say.
#[derive(Debug, Args)]
#[command(next_help_heading = "Attaching")]
pub struct AttachingArgs {
    /// How attestations are attached: decide on evidence (auto), the OCI 1.1
    /// referrers API only, or the sha256-<hex> referrers tag fallback only.
    #[arg(long, value_enum, default_value_t = AttachMode::Auto)]
    pub attach: AttachMode,

    /// Forget the remembered attach verdict for the repository and detect
    /// again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h).
    #[arg(long)]
    pub redetect: bool,

    /// The `org.opencontainers.image.created` of what is pushed: `now`, or
    /// an RFC 3339 time. Default: SOURCE_DATE_EPOCH, else the commit's
    /// time, else none, so the same commit pushes the same digests.
    #[arg(long, value_name = "WHEN")]
    pub created: Option<String>,
}

/// Progress of uploads.
#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Progress bars on a terminal (auto), always, or plain lines only (never).
    #[arg(long, value_enum, default_value_t = ProgressWhen::Auto)]
    pub progress: ProgressWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AttachMode {
    Auto,
    Referrers,
    Tag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressWhen {
    Auto,
    Always,
    Never,
}
