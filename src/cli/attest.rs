//! Options of the default command: attest the current build.

use std::path::PathBuf;

use clap::Args;

use super::registry::PublishArgs;
use super::signing::{KeylessArgs, SigningKeyArgs, TlogUploadArgs};

/// Subjects named explicitly: they have no package graph, so no SBOM.
const EXPLICIT_SUBJECTS: [&str; 4] = [
    "subject_path",
    "subject_checksums",
    "subject_name",
    "subject_digest",
];

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

    #[command(flatten)]
    pub trust: super::trust::TrustArgs,

    /// Where to write the bundle: a file, or an existing directory
    /// (default: <target-dir>/attest/).
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Fail (exit 4) instead of warning when the provenance has gaps: no
    /// git checkout or commit, a dirty tree, outputs older than sources.
    #[arg(long, help_heading = "Output")]
    pub strict: bool,

    /// Push the attested files as one OCI artifact to REF, and the bundle
    /// attached to it. Repeatable: one signature, every REF pushed at once,
    /// each attached the way its registry supports. A REF without a
    /// registry host goes to the OCI layout target/oci/<name>.
    #[arg(long, value_name = "REF", help_heading = "Output")]
    pub push: Vec<String>,

    /// Push to every REF listed in FILE as well: one per line; blank lines
    /// and lines starting with `#` are skipped.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub push_file: Option<PathBuf>,

    /// Also attest a CycloneDX 1.6 SBOM of each build output: the packages
    /// compiled into it for this target, profile and features. Each is
    /// signed like the provenance and written beside its bundle as
    /// <bundle-name>.<output>.cdx.sigstore.json; with --push, attached to
    /// the artifact too.
    #[arg(long, help_heading = "SBOM", conflicts_with_all = EXPLICIT_SUBJECTS)]
    pub sbom: bool,

    /// Attest only the SBOMs (as --sbom), without provenance.
    #[arg(
        long,
        help_heading = "SBOM",
        conflicts_with = "sbom",
        conflicts_with_all = EXPLICIT_SUBJECTS
    )]
    pub sbom_only: bool,

    /// Refuse, before anything is signed, an SBOM larger than SIZE: bytes,
    /// or a number with KiB, MiB or GiB [env: CARGO_ATTEST_SBOM_SIZE_LIMIT]
    /// [default: 16MiB, the limit of GitHub's actions/attest].
    #[arg(long, value_name = "SIZE", help_heading = "SBOM")]
    pub sbom_size_limit: Option<String>,

    #[command(flatten)]
    pub publish: PublishArgs,
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
