//! The command-line model, and nothing else: clap definitions only.
//!
//! Commands in `crate::commands` read these structs; core modules never see
//! them. Completions and man pages are generated from this one model.
//! Map: docs/architecture.md#cli

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod attest;
mod registry;
mod signing;
mod trust;
mod verify;

pub use attest::{AttestArgs, SubjectArgs};
pub use registry::{
    AttachMode, AttachingArgs, ConnectArgs, ProgressArgs, ProgressWhen, PublishArgs, RegistryArgs,
};
pub use signing::{
    KeyAlgorithm, KeyCommand, KeyDeleteArgs, KeyExportArgs, KeyGenerateArgs, KeyImportArgs,
    KeylessArgs, SigningKeyArgs, TlogUploadArgs,
};
pub use trust::{SigstoreInstance, TrustArgs};
pub use verify::{IdentityArgs, PolicyArgs, TlogPolicyArgs, VerifyArgs};

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

    /// Give up after this long (90s, 15m, 2h; 0 = never), with exit code 9.
    /// Default: CARGO_ATTEST_TIMEOUT, else 30m when no terminal is attached
    /// (CI), else none.
    #[arg(long, value_name = "DURATION", global = true)]
    pub timeout: Option<String>,
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
    /// Attest the .crate `cargo package` made (target/package/NAME-VERSION.crate).
    Package(Box<PackageArgs>),
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
    /// Print a Sigstore instance's current trusted root, refreshed through TUF (JSON lines).
    TrustedRoot(TrustedRootArgs),
    /// Remove fallback tags, attestations and superseded indexes whose subject is gone.
    Prune(MaintainArgs),
    /// Move fallback-tag referrers to a registry's referrers API, then drop the tags.
    Migrate(MaintainArgs),
    /// Fill in fallback-index entries other tools wrote without artifactType or annotations.
    Repair(RepairArgs),
    /// Store registry credentials in the OS keyring (checked first).
    Login(LoginArgs),
    /// Remove registry credentials from the OS keyring.
    Logout(LogoutArgs),
    /// Write shell completions or man pages (for packagers).
    #[command(hide = true, subcommand)]
    Generate(GenerateCommand),
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

    #[command(flatten)]
    pub publish: PublishArgs,
}

/// `cargo attest package`: the `.crate` of `cargo package`, attested.
#[derive(Debug, Args)]
#[command(next_help_heading = "Package selection")]
pub struct PackageArgs {
    /// Path to Cargo.toml.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// The package whose .crate to attest (default: the workspace's one
    /// default member).
    #[arg(short, long = "package", value_name = "SPEC")]
    pub package: Option<String>,

    /// Directory cargo package wrote to (default: cargo's target directory;
    /// the .crate is in its package/).
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,

    #[command(flatten)]
    pub key: SigningKeyArgs,

    #[command(flatten)]
    pub keyless: KeylessArgs,

    #[command(flatten)]
    pub tlog: TlogUploadArgs,

    #[command(flatten)]
    pub trust: TrustArgs,

    /// Where to write the bundle: a file, or an existing directory
    /// (default: beside the .crate, NAME-VERSION.crate.sigstore.json).
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Push the .crate as one OCI artifact to REF, and the bundle attached
    /// to it.
    #[arg(long, value_name = "REF", help_heading = "Output")]
    pub push: Option<String>,

    #[command(flatten)]
    pub publish: PublishArgs,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The subject: [http(s)://]REGISTRY/REPOSITORY[:TAG|@DIGEST], or
    /// NAME[:TAG] in the OCI layout target/oci/NAME (or --oci-layout).
    #[arg(value_name = "REF", required_unless_present = "subjects")]
    pub reference: Option<String>,

    /// Attach the bundle to every image FILE lists instead of REF: one
    /// `NAME@sha256:<hex>` per line, or GoReleaser's digests.txt lines
    /// (`sha256:<hex>  REGISTRY/REPOSITORY[:TAG]`: the digest names the
    /// manifest, the tag is ignored). Every subject is tried; one report;
    /// the exit code is the first failure's.
    #[arg(long, value_name = "FILE", conflicts_with = "reference")]
    pub subjects: Option<PathBuf>,

    /// The Sigstore bundle (*.sigstore.json) to attach.
    #[arg(long, value_name = "FILE")]
    pub bundle: PathBuf,

    /// Attach the bundle even if its statement does not name the image(s).
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub registry: RegistryArgs,

    #[command(flatten)]
    pub attaching: AttachingArgs,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The subject, as for `attach`.
    #[arg(value_name = "REF")]
    pub reference: String,

    /// Only list referrers of this artifactType.
    #[arg(long, value_name = "TYPE")]
    pub artifact_type: Option<String>,

    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The subject, as for `attach`.
    #[arg(value_name = "REF")]
    pub reference: String,

    /// Directory to write the bundles to (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,

    /// How to write them: one sha256-<hex>.sigstore.json per bundle (named
    /// after the bundle blob), or `jsonl`: one file of JSON lines, one
    /// bundle per line, named after the subject as `gh attestation download`
    /// names it (sha256:<hex>.jsonl; sha256-<hex>.jsonl on Windows).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = BundleFormat::SigstoreJson)]
    pub bundle_format: BundleFormat,

    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// How `download` writes bundles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum BundleFormat {
    #[default]
    SigstoreJson,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A bundle file (*.sigstore.json, or a bare DSSE envelope), or a REF
    /// whose attached attestations are shown. Nothing is verified: use
    /// `verify` for that.
    #[arg(value_name = "BUNDLE|REF")]
    pub target: String,

    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// `cargo attest trusted-root`: what `gh attestation trusted-root` prints.
#[derive(Debug, Args)]
pub struct TrustedRootArgs {
    /// Print only this instance's trusted root (default: public good's, then
    /// GitHub's, one per line).
    #[arg(long, value_enum, value_name = "INSTANCE")]
    pub sigstore: Option<SigstoreInstance>,

    #[command(flatten)]
    pub trust: TrustArgs,
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

    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct RepairArgs {
    /// The repository ([http(s)://]REGISTRY/REPOSITORY, or NAME for the
    /// OCI layout target/oci/NAME): every `sha256-<hex>` fallback tag in
    /// it. Or an image REF with :TAG or @DIGEST: only that image's tag.
    #[arg(value_name = "REPO|REF")]
    pub reference: String,

    /// Write the repaired indexes: without it, only print what would be done.
    #[arg(long)]
    pub yes: bool,

    #[command(flatten)]
    pub registry: RegistryArgs,
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

    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Registry host.
    #[arg(value_name = "REGISTRY")]
    pub registry: String,
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

impl Cli {
    /// The registry flags of the command given, if it takes any.
    pub fn registry(&self) -> Option<&RegistryArgs> {
        Some(match &self.command {
            None => &self.attest.publish.registry,
            Some(Command::Package(a)) => &a.publish.registry,
            Some(Command::Push(a)) => &a.publish.registry,
            Some(Command::Attach(a)) => &a.registry,
            Some(Command::Discover(a)) => &a.registry,
            Some(Command::Download(a)) => &a.registry,
            Some(Command::Inspect(a)) => &a.registry,
            Some(Command::Prune(a) | Command::Migrate(a)) => &a.registry,
            Some(Command::Repair(a)) => &a.registry,
            Some(Command::Verify(a)) => &a.registry,
            _ => return None,
        })
    }

    /// The trust flags of the command given, if it takes any.
    pub fn trust(&self) -> Option<&TrustArgs> {
        match &self.command {
            None => Some(&self.attest.trust),
            Some(Command::Package(a)) => Some(&a.trust),
            Some(Command::Verify(a)) => Some(&a.trust),
            Some(Command::TrustedRoot(a)) => Some(&a.trust),
            _ => None,
        }
    }

    /// How the command given connects to registries.
    pub fn connect(&self) -> Option<&ConnectArgs> {
        match &self.command {
            Some(Command::Login(a)) => Some(&a.connect),
            _ => self.registry().map(|r| &r.connect),
        }
    }

    /// The attaching flags of the command given, if it attaches.
    pub fn attaching(&self) -> Option<&AttachingArgs> {
        match &self.command {
            None => Some(&self.attest.publish.attaching),
            Some(Command::Package(a)) => Some(&a.publish.attaching),
            Some(Command::Push(a)) => Some(&a.publish.attaching),
            Some(Command::Attach(a)) => Some(&a.attaching),
            _ => None,
        }
    }

    /// How the command given shows upload progress.
    pub fn progress(&self) -> ProgressWhen {
        match &self.command {
            None => self.attest.publish.progress.progress,
            Some(Command::Package(a)) => a.publish.progress.progress,
            Some(Command::Push(a)) => a.publish.progress.progress,
            _ => ProgressWhen::Auto,
        }
    }
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
const RECORDED_FLAGS: [&str; 2] = ["push", "push_file"];

/// Parses the command line. Options of the default command are refused
/// next to a subcommand (`cargo attest --release verify ...` is a mistake);
/// clap's own conflict rule would also refuse global options there.
pub fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Parsed, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let (args, via_cargo) = normalize_args(args);
    let mut command = Cli::command();
    if via_cargo {
        // Usage lines as the user typed the command.
        command = command.bin_name("cargo attest");
    }
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
    let key_given = |m: &clap::ArgMatches| {
        ["key", "key_name"].iter().any(|id| {
            matches!(
                m.value_source(id),
                Some(
                    clap::parser::ValueSource::CommandLine | clap::parser::ValueSource::EnvVariable
                )
            )
        })
    };
    cli.attest.keyless.key_given = key_given(&matches);
    if let (Some(Command::Package(args)), Some(("package", sub))) =
        (&mut cli.command, matches.subcommand())
    {
        args.keyless.key_given = key_given(sub);
    }
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
fn normalize_args(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> (Vec<std::ffi::OsString>, bool) {
    let mut args: Vec<_> = args.into_iter().collect();
    let via_cargo = args.get(1).is_some_and(|a| a == "attest");
    if via_cargo {
        args.remove(1);
    }
    (args, via_cargo)
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
        let parsed = parse(args.iter().map(Into::into)).unwrap();
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
