//! The command-line model, and nothing else: clap definitions only.
//!
//! Commands in `crate::commands` read these structs; core modules never see
//! them. Completions and man pages are generated from this one model.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Signed SLSA v1 build provenance for cargo builds.
///
/// Run after `cargo build`: finds the build's outputs, writes SLSA v1
/// provenance about them and signs it as a DSSE envelope in a Sigstore
/// bundle (target/attest/*.sigstore.json).
#[derive(Debug, Parser)]
#[command(
    name = "cargo-attest",
    bin_name = "cargo-attest",
    version,
    after_long_help = crate::error::exit_codes_help(),
    after_help = "Run `cargo attest --help` for exit codes; `cargo attest help COMMAND` for a command."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(flatten)]
    pub attest: AttestArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Output format: short human text, or JSON on stdout for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,

    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more about each step (repeat for more). Secrets are never printed.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Progress bars on a terminal (auto), always, or plain lines only (never).
    #[arg(long, value_enum, default_value_t = ProgressWhen::Auto, global = true)]
    pub progress: ProgressWhen,

    /// Use this OCI image layout directory instead of a registry.
    #[arg(long, value_name = "DIR", global = true, help_heading = "Registry")]
    pub oci_layout: Option<PathBuf>,

    /// Allow plain HTTP to registries that are not on a loopback address.
    #[arg(long, global = true, help_heading = "Registry")]
    pub plain_http: bool,

    /// Do not verify registries' TLS certificates.
    #[arg(long, global = true, help_heading = "Registry")]
    pub insecure: bool,

    /// How attestations are attached: decide on evidence (auto), the OCI 1.1
    /// referrers API only, or the sha256-<hex> referrers tag fallback only.
    #[arg(long, value_enum, default_value_t = AttachMode::Auto, global = true, help_heading = "Registry")]
    pub attach: AttachMode,

    /// Forget the remembered attach verdict for the repository and detect
    /// again (verdicts live in ~/.cache/cargo-attest/capabilities.json for 24 h).
    #[arg(long, global = true, help_heading = "Registry")]
    pub redetect: bool,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Verify files against a bundle, or the attestations attached to an image.
    Verify(Box<VerifyArgs>),
    /// Manage signing keys in the OS keyring.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Push files as one OCI artifact to a registry or an OCI layout.
    Push(PushArgs),
    /// Attach an existing Sigstore bundle to an image or artifact.
    Attach(AttachArgs),
    /// List what is attached to an image or artifact.
    Discover(DiscoverArgs),
    /// Write the Sigstore bundles attached to an image to files, for offline use.
    Download(DownloadArgs),
    /// Show what a bundle, or each attestation attached to an image, says (unverified).
    Inspect(InspectArgs),
    /// Remove fallback tags, attestations and superseded indexes whose subject is gone.
    Prune(MaintainArgs),
    /// Move fallback-tag referrers to a registry's referrers API, then drop the tags.
    Migrate(MaintainArgs),
    /// Store registry credentials in the OS keyring (checked first).
    Login(LoginArgs),
    /// Remove registry credentials from the OS keyring.
    Logout(LogoutArgs),
    /// Write shell completions or man pages (for packagers).
    #[command(hide = true, subcommand)]
    Generate(GenerateCommand),
}

/// Options of the default command: attest the current build.
#[derive(Debug, Args)]
#[command(next_help_heading = "Build selection")]
pub struct AttestArgs {
    /// Path to Cargo.toml.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Package(s) whose outputs to attest (default: the workspace's default members).
    #[arg(short, long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,

    /// Target triple the build was made for.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,

    /// Profile the build used.
    #[arg(long, value_name = "NAME", conflicts_with = "release")]
    pub profile: Option<String>,

    /// The build used the release profile.
    #[arg(short, long)]
    pub release: bool,

    /// Directory of build outputs (default: cargo's target directory).
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,

    /// Features the build enabled (comma or space separated).
    #[arg(short = 'F', long, value_name = "FEATURES", value_delimiter = ',')]
    pub features: Vec<String>,

    /// The build enabled all features.
    #[arg(long)]
    pub all_features: bool,

    /// The build disabled default features.
    #[arg(long)]
    pub no_default_features: bool,

    /// Read a `cargo build --message-format=json` stream from FILE (`-` for
    /// stdin) instead of looking in the target directory. A piped stdin is
    /// read automatically.
    #[arg(long, value_name = "FILE")]
    pub cargo_json: Option<PathBuf>,

    #[command(flatten)]
    pub subjects: SubjectArgs,

    #[command(flatten)]
    pub key: SigningKeyArgs,

    #[command(flatten)]
    pub keyless: KeylessArgs,

    #[command(flatten)]
    pub tlog: TlogUploadArgs,

    /// Where to write the bundle: a file, or an existing directory
    /// (default: <target-dir>/attest/).
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Push the attested files as one OCI artifact to REF, and the bundle
    /// attached to it. A REF without a registry host goes to the OCI layout
    /// target/oci/<name>.
    #[arg(long, value_name = "REF", help_heading = "Output")]
    pub push: Option<String>,
}

/// Subjects named explicitly instead of the build's outputs.
#[derive(Debug, Args)]
#[command(next_help_heading = "Subjects")]
pub struct SubjectArgs {
    /// Attest files matching GLOB instead of the build's outputs (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub subject_path: Vec<String>,

    /// Attest the files listed in a shasum-format file (sha256 or sha512).
    #[arg(long, value_name = "FILE")]
    pub subject_checksums: Option<PathBuf>,

    /// Name of a subject given by digest, such as a container image.
    #[arg(long, value_name = "NAME", requires = "subject_digest")]
    pub subject_name: Option<String>,

    /// Digest of the subject named by --subject-name (sha256:HEX).
    #[arg(long, value_name = "DIGEST", requires = "subject_name")]
    pub subject_digest: Option<String>,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Where to push: [http(s)://]REGISTRY/REPOSITORY[:TAG]. Without a
    /// registry host, NAME[:TAG] goes to the OCI layout target/oci/NAME.
    #[arg(value_name = "REF")]
    pub reference: String,

    /// Files to push, one layer each, titled by file name.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// The artifact's artifactType.
    #[arg(
        long,
        value_name = "TYPE",
        default_value = "application/vnd.cargo-attest.artifact.v1"
    )]
    pub artifact_type: String,

    /// Attach this Sigstore bundle to the pushed artifact.
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The subject: [http(s)://]REGISTRY/REPOSITORY[:TAG|@DIGEST], or
    /// NAME[:TAG] in the OCI layout target/oci/NAME (or --oci-layout).
    #[arg(value_name = "REF")]
    pub reference: String,

    /// The Sigstore bundle (*.sigstore.json) to attach.
    #[arg(long, value_name = "FILE")]
    pub bundle: PathBuf,

    /// Attach the bundle even if its statement does not name the image.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The subject, as for `attach`.
    #[arg(value_name = "REF")]
    pub reference: String,

    /// Only list referrers of this artifactType.
    #[arg(long, value_name = "TYPE")]
    pub artifact_type: Option<String>,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The subject, as for `attach`.
    #[arg(value_name = "REF")]
    pub reference: String,

    /// Directory to write the bundles to, as sha256-<hex>.sigstore.json
    /// (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A bundle file (*.sigstore.json, or a bare DSSE envelope), or a REF
    /// whose attached attestations are shown. Nothing is verified: use
    /// `verify` for that.
    #[arg(value_name = "BUNDLE|REF")]
    pub target: String,
}

#[derive(Debug, Args)]
pub struct MaintainArgs {
    /// The repository: [http(s)://]REGISTRY/REPOSITORY, or NAME for the
    /// OCI layout target/oci/NAME (or --oci-layout).
    #[arg(value_name = "REPO")]
    pub repository: String,

    /// Act: without it, only print what would be done.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Registry host, such as ghcr.io or 127.0.0.1:5000.
    #[arg(value_name = "REGISTRY")]
    pub registry: String,

    /// User name (prompted for on a terminal when missing).
    #[arg(short, long, value_name = "NAME")]
    pub username: Option<String>,

    /// Read the password or token from stdin.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Registry host.
    #[arg(value_name = "REGISTRY")]
    pub registry: String,
}

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
    /// authority vouches for the time. Chosen by itself in CI when an
    /// identity token is available and no --key or --key-name is given.
    #[arg(long)]
    pub keyless: bool,

    /// The OIDC identity token for keyless signing, or @FILE to read it
    /// from a file (implies --keyless). Default: SIGSTORE_ID_TOKEN, else
    /// GitHub Actions' ID token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN).
    #[arg(long, value_name = "TOKEN|@FILE")]
    pub identity_token: Option<String>,

    /// Fulcio to get the signing certificate from (default: the signing
    /// config's, else https://fulcio.sigstore.dev).
    #[arg(long, value_name = "URL")]
    pub fulcio_url: Option<String>,

    /// RFC 3161 timestamp authority to timestamp the signature with; keyless
    /// signing always uses one (default: the signing config's, else
    /// Sigstore's public one), key-based signing only when one is named here
    /// or in --signing-config.
    #[arg(long, value_name = "URL")]
    pub timestamp_server_url: Option<String>,

    /// A Sigstore signing config (v0.2 JSON, as cosign v3 takes) naming the
    /// Fulcio and timestamp authority to use.
    #[arg(long, value_name = "FILE")]
    pub signing_config: Option<PathBuf>,

    /// Whether --key or --key-name was given (on the command line or in the
    /// environment): keyless is then never chosen by itself.
    #[arg(skip)]
    pub key_given: bool,
}

/// Recording signatures in a Rekor v2 transparency log.
#[derive(Debug, Args)]
#[command(next_help_heading = "Signing")]
pub struct TlogUploadArgs {
    /// Rekor v2 log to record the signature in (default: the signing
    /// config's Rekor v2 log). Keyless signatures are recorded whenever a
    /// log is known; key-based ones with --tlog-upload.
    #[arg(long, value_name = "URL")]
    pub rekor_url: Option<String>,

    /// Record the signature in the Rekor log (key-based signing too).
    #[arg(long, overrides_with = "no_tlog_upload")]
    pub tlog_upload: bool,

    /// Do not record the signature in a transparency log.
    #[arg(long, overrides_with = "tlog_upload")]
    pub no_tlog_upload: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Files that must be subjects of the attestation; or one REF whose
    /// attached attestations are checked (registry or OCI layout).
    #[arg(value_name = "FILE|REF", required = true)]
    pub files: Vec<PathBuf>,

    /// The Sigstore bundle to check the files against. Without it and
    /// --from, the bundle is looked for where `cargo attest` writes it
    /// (<target-dir>/attest/*.sigstore.json naming the files).
    #[arg(long, value_name = "BUNDLE", conflicts_with = "from")]
    pub bundle: Option<PathBuf>,

    /// Check the files against the attestations attached to REF (registry
    /// or OCI layout), in one step.
    #[arg(long, value_name = "REF")]
    pub from: Option<String>,

    /// Key to check a key-signed bundle's signature with: a public key PEM,
    /// or a private key file (its public half; an encrypted one takes its
    /// passphrase from CARGO_ATTEST_KEY_PASSPHRASE or a prompt). Repeat for
    /// several keys: any one suffices. Without it, the keyring key whose id
    /// equals the bundle's key hint is used. Keyless bundles are checked
    /// with the identity flags instead.
    #[arg(long, value_name = "KEY.pem")]
    pub key: Vec<PathBuf>,

    #[command(flatten)]
    pub policy: PolicyArgs,

    #[command(flatten)]
    pub identity: IdentityArgs,

    #[command(flatten)]
    pub tlog: TlogPolicyArgs,
}

/// How many transparency log entries a bundle must carry.
#[derive(Debug, Args)]
#[command(next_help_heading = "Transparency log")]
pub struct TlogPolicyArgs {
    /// Require at least N verified transparency log entries (default: 1 for
    /// keyless bundles when the trusted root lists a log, else 0). Entries a
    /// bundle carries are always verified against the trusted root's logs.
    #[arg(long, value_name = "N")]
    pub tlog_threshold: Option<usize>,

    /// Neither require nor check transparency log entries (for private
    /// Sigstore instances without a log).
    #[arg(long, conflicts_with = "tlog_threshold")]
    pub insecure_ignore_tlog: bool,
}

/// Who must have signed a keyless bundle, and what to trust: flags as
/// cosign and `gh attestation verify` name them.
#[derive(Debug, Args)]
#[command(next_help_heading = "Keyless identity")]
pub struct IdentityArgs {
    /// Sigstore trusted root (JSON) with the certificate and timestamp
    /// authorities to trust (default: Sigstore's public-good root, built in;
    /// nothing is fetched).
    #[arg(long, value_name = "FILE")]
    pub trusted_root: Option<PathBuf>,

    /// Require this certificate identity (the SAN: a workflow URI or an email).
    #[arg(long, value_name = "IDENTITY")]
    pub certificate_identity: Option<String>,

    /// Require a certificate identity matching this regular expression.
    #[arg(long, value_name = "REGEX", conflicts_with = "certificate_identity")]
    pub certificate_identity_regexp: Option<String>,

    /// Require this OIDC issuer (default with --owner, --repo or
    /// --signer-workflow: https://token.actions.githubusercontent.com).
    #[arg(long, value_name = "URL")]
    pub certificate_oidc_issuer: Option<String>,

    /// Require an OIDC issuer matching this regular expression.
    #[arg(long, value_name = "REGEX", conflicts_with = "certificate_oidc_issuer")]
    pub certificate_oidc_issuer_regexp: Option<String>,

    /// Require the source repository's owner (GitHub organization or user).
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,

    /// Require the source repository (OWNER/REPO).
    #[arg(long, value_name = "OWNER/REPO")]
    pub repo: Option<String>,

    /// Require the workflow that signed ([HOST/]OWNER/REPO/PATH, e.g.
    /// acme/tool/.github/workflows/release.yml), at any ref.
    #[arg(long, value_name = "WORKFLOW")]
    pub signer_workflow: Option<String>,

    /// Refuse signatures made on self-hosted runners.
    #[arg(long)]
    pub deny_self_hosted_runners: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Policy")]
pub struct PolicyArgs {
    /// Require this predicate type.
    #[arg(
        long,
        value_name = "URI",
        default_value = "https://slsa.dev/provenance/v1"
    )]
    pub predicate_type: String,

    /// Require this builder id (runDetails.builder.id).
    #[arg(long, value_name = "URI")]
    pub builder_id: Option<String>,

    /// Require the build's source to be this repository (URL; `git+` prefix,
    /// `.git` suffix and ref are ignored when comparing). For a keyless
    /// bundle, the certificate's source repository must match too, when it
    /// names one.
    #[arg(long, value_name = "URL")]
    pub source_repo: Option<String>,

    /// Require the build's source ref, a full git ref such as
    /// refs/heads/main or refs/tags/v1.0 (the source URI's `@ref`, or
    /// GitHub's workflow ref). For a keyless bundle, the certificate's
    /// source ref must be it too.
    #[arg(long, value_name = "REF")]
    pub source_ref: Option<String>,

    /// Require the build's source commit (hex, as `git rev-parse HEAD`
    /// prints it). For a keyless bundle, the certificate's source digest
    /// must be it too.
    #[arg(long, value_name = "COMMIT")]
    pub source_digest: Option<String>,
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
    /// Remove a signing key from the keyring.
    Delete(KeyNameArg),
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
pub struct KeyNameArg {
    /// Key name.
    #[arg(value_name = "NAME", default_value = "default")]
    pub name: String,
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

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Write completion scripts for bash, zsh, fish, powershell and elvish.
    Completions {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Write man pages for the command and each subcommand.
    Man {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// The parsed command line, and the part of it provenance records.
pub struct Parsed {
    pub cli: Cli,
    /// `cargo attest` and the flags that shape what is attested: build
    /// selection, subjects and `--push`; never output, key or verbosity
    /// flags, which do not change what was built.
    pub recorded_command: Vec<String>,
}

/// Help headings whose flags provenance records, and flags recorded
/// besides: a flag added under one of these headings is recorded without
/// touching any list.
const RECORDED_HEADINGS: [&str; 2] = ["Build selection", "Subjects"];
const RECORDED_FLAGS: [&str; 1] = ["push"];

/// Parses the command line. Options of the default command are refused
/// next to a subcommand (`cargo attest --release verify ...` is a mistake);
/// clap's own conflict rule would also refuse global options there.
pub fn parse(args: Vec<std::ffi::OsString>) -> Result<Parsed, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(args)?;
    let default_command_args = AttestArgs::augment_args(clap::Command::new("attest"));
    if let Some((sub, _)) = matches.subcommand() {
        for arg in default_command_args.get_arguments() {
            let id = arg.get_id().as_str();
            if matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
                return Err(command.error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!(
                        "`--{}` belongs to the default command and cannot be used with `{sub}`",
                        arg.get_long().unwrap_or(id)
                    ),
                ));
            }
        }
    }
    let recorded_command = recorded_command(&default_command_args, &matches);
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
    cli.attest.keyless.key_given = ["key", "key_name"].iter().any(|id| {
        matches!(
            matches.value_source(id),
            Some(clap::parser::ValueSource::CommandLine | clap::parser::ValueSource::EnvVariable)
        )
    });
    Ok(Parsed {
        cli,
        recorded_command,
    })
}

/// The recorded flags in the order they were given, spelled long.
fn recorded_command(attest: &clap::Command, matches: &clap::ArgMatches) -> Vec<String> {
    let mut given: Vec<(usize, Vec<String>)> = Vec::new();
    for arg in attest.get_arguments() {
        let id = arg.get_id().as_str();
        let recorded = arg
            .get_help_heading()
            .is_some_and(|h| RECORDED_HEADINGS.contains(&h))
            || RECORDED_FLAGS.contains(&id);
        if !recorded || matches.value_source(id) != Some(clap::parser::ValueSource::CommandLine) {
            continue;
        }
        let flag = format!("--{}", arg.get_long().unwrap_or(id));
        let mut indices = matches.indices_of(id).into_iter().flatten();
        if !arg.get_action().takes_values() {
            given.push((indices.next().unwrap_or(0), vec![flag]));
            continue;
        }
        let Some(occurrences) = matches.get_raw_occurrences(id) else {
            continue;
        };
        for occurrence in occurrences {
            let values: Vec<String> = occurrence
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let index = indices.next().unwrap_or(0);
            for _ in 1..values.len() {
                indices.next();
            }
            given.push((index, vec![flag.clone(), values.join(",")]));
        }
    }
    given.sort_by_key(|(index, _)| *index);
    ["cargo", "attest"]
        .into_iter()
        .map(str::to_string)
        .chain(given.into_iter().flat_map(|(_, words)| words))
        .collect()
}

/// Drops the `attest` word cargo inserts when run as `cargo attest ...`, so
/// one clap model serves both `cargo attest` and `cargo-attest`.
pub fn normalize_args(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<_> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "attest") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_and_key_flags_are_not_recorded() {
        let args = [
            "cargo-attest",
            "--release",
            "-o",
            "out.json",
            "--key=k.pem",
            "-vv",
            "--format",
            "json",
            "-p",
            "app",
            "--features",
            "a,b",
            "--oci-layout",
            "dir",
            "--attach",
            "tag",
            "--push",
            "r:v1",
        ];
        let parsed = parse(args.iter().map(Into::into).collect()).unwrap();
        assert_eq!(
            parsed.recorded_command,
            [
                "cargo",
                "attest",
                "--release",
                "--package",
                "app",
                "--features",
                "a,b",
                "--push",
                "r:v1"
            ]
        );
    }
}
