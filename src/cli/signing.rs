//! Signing flags of the default command: a key (file or keyring) or
//! keyless (an OIDC identity, a Fulcio certificate), the services, and
//! transparency log recording; and the `key` subcommands.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Args)]
#[command(next_help_heading = "Signing")]
pub struct SigningKeyArgs {
    /// Sign with this PEM private key (PKCS#8, plain or encrypted) instead
    /// of a keyring key. The passphrase comes from
    /// CARGO_ATTEST_KEY_PASSPHRASE or a prompt.
    #[arg(long, value_name = "FILE", env = "CARGO_ATTEST_KEY_FILE")]
    pub key: Option<PathBuf>,

    /// Name of the keyring key to sign with. If no key of this name exists
    /// yet, a P-256 key is created in the keyring.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "default",
        env = "CARGO_ATTEST_KEY_NAME",
        conflicts_with = "key"
    )]
    pub key_name: String,
}

/// Keyless signing (an OIDC identity, a Fulcio certificate) and the
/// Sigstore services, named as cosign names them.
#[derive(Debug, Args)]
#[command(next_help_heading = "Signing")]
pub struct KeylessArgs {
    /// Sign keyless: an OIDC identity token buys a short-lived Fulcio
    /// certificate for a key that lives only in memory, and a timestamp
    /// authority or a Rekor v1 log vouches for the time. Chosen by itself in CI when an
    /// identity token is available and no --key or --key-name is given.
    #[arg(long)]
    pub keyless: bool,

    /// The Sigstore instance to sign keyless on, its services from its
    /// signing config (refreshed through TUF). Default: CARGO_ATTEST_SIGSTORE;
    /// else in GitHub Actions public good for a public repository and
    /// GitHub's instance for any other (as actions/attest); in GitLab CI
    /// public good for a public project, none otherwise; elsewhere public
    /// good. Public good logs the signer's identity publicly.
    #[arg(long, value_enum, value_name = "INSTANCE")]
    pub sigstore: Option<super::trust::SigstoreInstance>,

    /// The OIDC identity token for keyless signing, or @FILE to read it
    /// from a file (implies --keyless). Default: SIGSTORE_ID_TOKEN, else
    /// GitHub Actions' ID token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN).
    #[arg(long, value_name = "TOKEN|@FILE")]
    pub identity_token: Option<String>,

    /// Fulcio to get the signing certificate from (default: the signing
    /// config's, else the instance's).
    #[arg(long, value_name = "URL")]
    pub fulcio_url: Option<String>,

    /// RFC 3161 timestamp authority to timestamp the signature with (default:
    /// the signing config's, else the instance's, if it has one). Keyless signing
    /// needs one unless it records in a Rekor v1 log; key-based signing uses
    /// one only when one is named here or in --signing-config.
    #[arg(long, value_name = "URL")]
    pub timestamp_server_url: Option<String>,

    /// A Sigstore signing config (v0.2 JSON, as cosign v3 takes) naming the
    /// Fulcio, timestamp authority and Rekor logs to use, instead of the
    /// instance's.
    #[arg(long, value_name = "FILE")]
    pub signing_config: Option<PathBuf>,

    /// Whether --key or --key-name was given (on the command line or in the
    /// environment): keyless is then never chosen by itself.
    #[arg(skip)]
    pub key_given: bool,
}

/// Recording signatures in a Rekor transparency log (v1 or v2).
#[derive(Debug, Args)]
#[command(next_help_heading = "Signing")]
pub struct TlogUploadArgs {
    /// Rekor log to record the signature in (default: the signing config's
    /// logs of the newest API version it names; public good: its Rekor v1
    /// log). Keyless signatures are recorded whenever a log is known;
    /// key-based ones with --tlog-upload.
    #[arg(long, value_name = "URL")]
    pub rekor_url: Option<String>,

    /// Rekor API version of the log: 1 (a `dsse` entry with a signed
    /// integration time, which stands in for a timestamp authority) or 2 (a
    /// `hashedrekord` entry). Default: the version the signing config gives
    /// the log (with --rekor-url: for that URL, else 2); without
    /// --rekor-url it picks the signing config's logs of that version.
    #[arg(long, value_name = "VERSION", value_parser = clap::value_parser!(u32).range(1..=2))]
    pub rekor_version: Option<u32>,

    /// Record the signature in the Rekor log (key-based signing too).
    #[arg(long, overrides_with = "no_tlog_upload")]
    pub tlog_upload: bool,

    /// Do not record the signature in a transparency log.
    #[arg(long, overrides_with = "tlog_upload")]
    pub no_tlog_upload: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create a new signing key in the keyring (or a PEM file with --output).
    Generate(KeyGenerateArgs),
    /// Store a PEM private key (PKCS#8, plain or encrypted) in the keyring.
    Import(KeyImportArgs),
    /// Print a key as PEM: the public key, or with --private the private key.
    Export(KeyExportArgs),
    /// List the signing keys in the keyring.
    List,
    /// Remove a signing key from the keyring (asks first; --yes off a terminal).
    Delete(KeyDeleteArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyAlgorithm {
    /// ECDSA on NIST P-256 with SHA-256.
    #[value(name = "p256", alias = "ecdsa-p256")]
    P256,
    /// Ed25519 (pure EdDSA).
    Ed25519,
}

#[derive(Debug, Args)]
pub struct KeyDeleteArgs {
    /// Key name.
    #[arg(value_name = "NAME", default_value = "default")]
    pub name: String,

    /// Delete without asking (required when there is no terminal to ask on).
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// Key name.
    #[arg(value_name = "NAME", default_value = "default")]
    pub name: String,

    /// Signature algorithm.
    #[arg(long, value_enum, default_value_t = KeyAlgorithm::P256)]
    pub algorithm: KeyAlgorithm,

    /// Write the private key to this PEM file instead of the keyring, and
    /// its public key beside it (FILE with the extension .pub). The private
    /// key is encrypted with the passphrase from CARGO_ATTEST_KEY_PASSPHRASE
    /// or a prompt, unless --unencrypted.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// With --output: write the private key unencrypted.
    #[arg(long, requires = "output")]
    pub unencrypted: bool,

    /// Replace an existing key of the same name.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct KeyImportArgs {
    /// Key name.
    #[arg(value_name = "NAME")]
    pub name: String,

    /// PEM file with a PKCS#8 private key (`-` for stdin).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Replace an existing key of the same name.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct KeyExportArgs {
    /// Key name.
    #[arg(value_name = "NAME", default_value = "default")]
    pub name: String,

    /// Export the public key of this key file instead of a keyring key's: a
    /// private key (plain, or encrypted with the passphrase from
    /// CARGO_ATTEST_KEY_PASSPHRASE or a prompt) or a public key.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["name", "private"])]
    pub key: Option<PathBuf>,

    /// Export the private key (PKCS#8 PEM, encrypted with the passphrase
    /// from CARGO_ATTEST_KEY_PASSPHRASE or a prompt, unless --unencrypted).
    #[arg(long)]
    pub private: bool,

    /// With --private: write the private key unencrypted.
    #[arg(long, requires = "private")]
    pub unencrypted: bool,

    /// Write to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}
