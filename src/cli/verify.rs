//! `verify` flags: what to check, the keys, the statement policy, the
//! keyless identity policy and the transparency log requirement.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Files that must be subjects of the attestation; or one REF whose
    /// attached attestations are checked (registry or OCI layout).
    #[arg(value_name = "FILE|REF", required_unless_present = "krate")]
    pub files: Vec<PathBuf>,

    /// The Sigstore bundle to check the files against; or many: a JSON-lines
    /// file of bundles (as `gh attestation download` writes), or a directory
    /// of *.sigstore.json and *.jsonl files. With many, every file must be
    /// named by a bundle that verifies; bundles about other files or
    /// predicate types are skipped, and any bundle that names a file and
    /// fails fails the run. Without --bundle and --from, the bundle is
    /// looked for where `cargo attest` writes it
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

    #[command(flatten)]
    pub trust: super::trust::TrustArgs,

    #[command(flatten)]
    pub registry: super::registry::RegistryArgs,

    /// Verify a published crate instead of files: NAME@VERSION's .crate,
    /// from cargo's download cache or else downloaded from its registry,
    /// must match the checksum of the registry's sparse index (else exit
    /// 10), then the attestation of --bundle or --from REF.
    #[arg(
        long = "crate",
        value_name = "NAME@VERSION",
        conflicts_with = "files",
        help_heading = "Published crates"
    )]
    pub krate: Option<String>,

    /// The registry of --crate, as cargo's configuration names it
    /// ([registries.NAME] or CARGO_REGISTRIES_NAME_INDEX; default: crates.io).
    #[arg(
        long = "registry",
        value_name = "NAME",
        requires = "krate",
        help_heading = "Published crates"
    )]
    pub crate_registry: Option<String>,
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
    /// authorities to trust. Default: for a keyless bundle, the trusted root
    /// of the instance whose Fulcio issued its certificate (public good or
    /// GitHub's), refreshed through TUF; for a key-signed one, public good's
    /// built-in root.
    #[arg(long, value_name = "FILE")]
    pub trusted_root: Option<PathBuf>,

    /// Require this certificate identity (the SAN: a workflow URI or an email).
    #[arg(long, value_name = "IDENTITY")]
    pub certificate_identity: Option<String>,

    /// Require a certificate identity matching this regular expression,
    /// which must be anchored, `^...$` (e.g.
    /// `^https://github\.com/acme/tool/\.github/workflows/release\.yml@refs/tags/.*$`):
    /// an unanchored one matches anywhere, so `acme` passes `evilacme`.
    /// Unanchored patterns are refused unless --allow-unanchored.
    #[arg(long, value_name = "REGEX", conflicts_with = "certificate_identity")]
    pub certificate_identity_regexp: Option<String>,

    /// Require this OIDC issuer (default with --owner, --repo or
    /// --signer-workflow: https://token.actions.githubusercontent.com, or
    /// https://HOST for a GitLab host such as gitlab.com).
    #[arg(long, value_name = "URL")]
    pub certificate_oidc_issuer: Option<String>,

    /// Require an OIDC issuer matching this regular expression, which must
    /// be anchored, `^...$`; unanchored patterns are refused unless
    /// --allow-unanchored.
    #[arg(long, value_name = "REGEX", conflicts_with = "certificate_oidc_issuer")]
    pub certificate_oidc_issuer_regexp: Option<String>,

    /// Accept --certificate-identity-regexp and
    /// --certificate-oidc-issuer-regexp patterns that are not anchored with
    /// `^...$`, which then match anywhere in the value (unsafe: a branch
    /// name or another owner's name can contain the text).
    #[arg(long)]
    pub allow_unanchored: bool,

    /// Require the source repository's owner: [HOST/]OWNER, a GitHub
    /// organization or user (host github.com by default), or a GitLab group
    /// such as gitlab.com/group (its subgroups' projects included). The
    /// certificate's identity must be on HOST too.
    #[arg(long, value_name = "[HOST/]OWNER")]
    pub owner: Option<String>,

    /// Require the source repository: [HOST/]OWNER/REPO on GitHub (host
    /// github.com by default), HOST/GROUP[/SUBGROUP...]/PROJECT on GitLab
    /// (gitlab.com or a host whose first label is `gitlab`). The
    /// certificate's identity must be on HOST too.
    #[arg(long, value_name = "[HOST/]OWNER/REPO")]
    pub repo: Option<String>,

    /// Require the workflow that signed, at any ref: [HOST/]OWNER/REPO/PATH
    /// on GitHub (e.g. acme/tool/.github/workflows/release.yml), or
    /// HOST/GROUP/PROJECT//CI_CONFIG_PATH on GitLab, as the certificate
    /// names it (e.g. gitlab.com/group/project//.gitlab-ci.yml).
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
