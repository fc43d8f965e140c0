//! Which Sigstore instance, and how its trust material is kept fresh
//! (TUF mirrors, initial roots, offline), as `attest`, `package`, `verify`
//! and `trusted-root` take them.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// A Sigstore instance, as `--sigstore` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SigstoreInstance {
    /// Sigstore's public-good instance (sigstore.dev): public CT log and
    /// Rekor transparency log.
    PublicGood,
    /// GitHub's instance (githubapp.com): Fulcio and a timestamp authority,
    /// no public log.
    Github,
}

/// Where each instance's trust material (trusted root, signing config)
/// comes from: its TUF repository, refreshed on use and cached.
#[derive(Debug, Args)]
#[command(next_help_heading = "Trust (TUF)")]
pub struct TrustArgs {
    /// Do not refresh trust material through TUF: use the cached copy,
    /// else the one built in (with a warning saying which and how old).
    /// Also CARGO_ATTEST_OFFLINE=1.
    #[arg(long)]
    pub offline: bool,

    /// The public-good instance's TUF mirror (default:
    /// CARGO_ATTEST_PUBLIC_GOOD_TUF_URL, else
    /// https://tuf-repo-cdn.sigstore.dev). Plain http only on loopback.
    #[arg(long, value_name = "URL")]
    pub public_good_tuf_url: Option<String>,

    /// An initial TUF root.json for the public-good mirror, obtained out of
    /// band (default: CARGO_ATTEST_PUBLIC_GOOD_TUF_ROOT, else the built-in one).
    #[arg(long, value_name = "FILE")]
    pub public_good_tuf_root: Option<PathBuf>,

    /// GitHub's instance's TUF mirror (default: CARGO_ATTEST_GITHUB_TUF_URL,
    /// else https://tuf-repo.github.com). Plain http only on loopback.
    #[arg(long, value_name = "URL")]
    pub github_tuf_url: Option<String>,

    /// An initial TUF root.json for GitHub's mirror, obtained out of band
    /// (default: CARGO_ATTEST_GITHUB_TUF_ROOT, else the built-in one).
    #[arg(long, value_name = "FILE")]
    pub github_tuf_root: Option<PathBuf>,
}
