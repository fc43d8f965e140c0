//! Checks against a Sigstore trusted root, through sigstore-verify: a
//! keyless bundle's certificate chain to a trusted Fulcio CA, valid at
//! every signed time; RFC 3161 timestamps from a trusted TSA (also on
//! key-signed bundles); transparency log entries when a bundle has them.
//! The root is `--trusted-root FILE`; else, for a keyless bundle, the
//! trusted root of the instance whose Fulcio issued its certificate,
//! refreshed through TUF (`crate::trust`); for a key-signed bundle's
//! timestamps, the public-good root that sigstore-trust-root embeds.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use sigstore_crypto::CertificateInfo;
use sigstore_trust_root::{SIGSTORE_PRODUCTION_TRUSTED_ROOT, TrustedRoot};
use sigstore_types::{ArtifactDigest, DerPublicKey, HashAlgorithm, Sha256Hash};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationPolicy, Verifier};

use crate::error::{Error, Result};
use crate::signing::DsseBundle;
use crate::trust::{Instance, Trust, TrustSettings};

/// The trusted root, read and prepared on first use.
pub(crate) struct TrustRoot {
    path: Option<PathBuf>,
    loaded: OnceCell<std::result::Result<Loaded, String>>,
    /// Without a path: each instance's TUF-fresh root, for keyless bundles.
    instances: Option<Trust>,
    by_instance: [OnceCell<std::result::Result<Loaded, String>>; 2],
}

struct Loaded {
    root: TrustedRoot,
    verifier: Verifier,
    label: String,
}

impl Loaded {
    fn new(root: TrustedRoot, label: String) -> std::result::Result<Self, String> {
        let verifier = Verifier::new(&root).map_err(|e| format!("{label} is unusable: {e}"))?;
        Ok(Loaded {
            root,
            verifier,
            label,
        })
    }
}

/// How transparency log entries are required and checked.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TlogPolicy {
    /// `--tlog-threshold`; by default 1 for keyless bundles when the
    /// trusted root lists a log, else 0 (key-based recording is opt-in).
    pub(crate) threshold: Option<usize>,
    /// `--insecure-ignore-tlog`: neither required nor checked.
    pub(crate) ignore: bool,
}

/// What a key-signed bundle's timestamps and log entries established.
pub(crate) struct Witnessed {
    pub(crate) times: Vec<jiff::Timestamp>,
    pub(crate) tlog_verified: bool,
}

/// What a keyless bundle's certificate established.
pub(crate) struct CertifiedSignature {
    pub(crate) info: CertificateInfo,
    /// The signed times the certificate was checked at (TSA timestamps).
    pub(crate) times: Vec<jiff::Timestamp>,
    pub(crate) tlog_verified: bool,
}

impl TrustRoot {
    /// `--trusted-root FILE`, else each instance's root through `trust`.
    pub(crate) fn new(path: Option<&Path>, trust: Option<TrustSettings>) -> Self {
        TrustRoot {
            path: path.map(Path::to_path_buf),
            loaded: OnceCell::new(),
            instances: match path {
                Some(_) => None,
                None => trust.map(Trust::new),
            },
            by_instance: [OnceCell::new(), OnceCell::new()],
        }
    }

    /// How to name the root in messages.
    pub(crate) fn label(&self) -> String {
        match &self.path {
            Some(p) => format!("trusted root {}", p.display()),
            None => "the public-good trusted root".into(),
        }
    }

    fn get(&self) -> Result<&Loaded> {
        let loaded = self.loaded.get_or_init(|| {
            let json = match &self.path {
                Some(p) => std::fs::read_to_string(p)
                    .map_err(|e| format!("cannot read {}: {e}", p.display()))?,
                None => SIGSTORE_PRODUCTION_TRUSTED_ROOT.to_string(),
            };
            let root = TrustedRoot::from_json(&json)
                .map_err(|e| format!("{} is not a Sigstore trusted root: {e}", self.label()))?;
            Loaded::new(root, self.label())
        });
        loaded.as_ref().map_err(|e| Error::invalid_input(e.clone()))
    }

    /// The root a keyless bundle is checked with: `--trusted-root`, else
    /// its certificate's instance's (see [`certificate_instance`]).
    fn for_certificate(&self, bundle: &DsseBundle) -> Result<&Loaded> {
        let Some(trust) = &self.instances else {
            return self.get();
        };
        let leaf = bundle
            .certificate()
            .ok_or_else(|| Error::verification("the bundle carries no certificate"))?;
        let instance = certificate_instance(trust, leaf.as_bytes())?;
        let loaded =
            self.by_instance[usize::from(instance == Instance::GitHub)].get_or_init(|| {
                let material = trust.material(instance).map_err(|e| e.report())?;
                Loaded::new(
                    material.trusted_root.clone(),
                    format!("the trusted root of {instance} (through TUF)"),
                )
            });
        loaded.as_ref().map_err(|e| Error::verification(e.clone()))
    }

    /// Verifies a keyless bundle's signature, certificate chain and
    /// validity at each signed time, timestamps and any log entries. Who
    /// signed is the caller's to judge (identity policy).
    pub(crate) fn verify_certificate(
        &self,
        bundle: &DsseBundle,
        tlog: TlogPolicy,
    ) -> Result<CertifiedSignature> {
        let loaded = self.for_certificate(bundle)?;
        // Certificate transparency: checked where the root lists CT logs (a
        // private instance, like GitHub's for private repositories, has none).
        let mut policy = VerificationPolicy::any_identity();
        if loaded.root.ctlogs.is_empty() {
            policy = policy.skip_sct();
        }
        let default = usize::from(!loaded.root.tlogs.is_empty());
        if !check_tlog_count(bundle, tlog, default, &loaded.label)? {
            policy = policy.skip_tlog_unsafe();
        }
        let result = run_verifier(loaded, bundle, &policy)?;
        let info = result
            .certificate()
            .cloned()
            .ok_or_else(|| Error::verification("the bundle's certificate was not checked"))?;
        if !result.certificate_verified() {
            return Err(Error::verification(
                "the certificate chain was not verified",
            ));
        }
        Ok(CertifiedSignature {
            info,
            times: result.verified_timestamps().to_vec(),
            tlog_verified: result.tlog_verified(),
        })
    }
}

/// Requires `tlog`'s threshold of entries; returns whether the bundle's
/// entries are to be verified (there are some, and they are not ignored).
/// Only entries with an inclusion proof or promise count, and each log
/// entry once: the same entry twice is one witness, not two. sigstore-verify
/// then checks every entry, and any that fails fails the bundle, so what is
/// counted here is what was verified.
fn check_tlog_count(
    bundle: &DsseBundle,
    tlog: TlogPolicy,
    default: usize,
    label: &str,
) -> Result<bool> {
    let entries = &bundle.sigstore().verification_material.tlog_entries;
    if tlog.ignore {
        return Ok(false);
    }
    let count = distinct_witnessed_entries(entries);
    let threshold = tlog.threshold.unwrap_or(default);
    if count < threshold {
        return Err(Error::verification(format!(
            "the bundle has {count} transparency log entr{}, {threshold} required (with {}; \
                 counted are entries with an inclusion proof or promise, each once); for a \
                 Sigstore instance without a log pass --insecure-ignore-tlog",
            if count == 1 { "y" } else { "ies" },
            label
        )));
    }
    Ok(!entries.is_empty())
}

/// One run of sigstore-verify over a bundle bound to its subject, its
/// failure named with the trusted root it ran against.
fn run_verifier(
    loaded: &Loaded,
    bundle: &DsseBundle,
    policy: &(impl sigstore_verify::Policy + ?Sized),
) -> Result<sigstore_verify::VerificationResult> {
    loaded
        .verifier
        .verify(bound_subject(bundle)?, bundle.sigstore(), policy)
        .map_err(|e| Error::verification(format!("{} (with {})", describe(&e), loaded.label)))
}

impl TrustRoot {
    /// Verifies a key-signed bundle's timestamps and transparency log
    /// entries, if it has any (or a threshold asks for them), with the key
    /// `spki` (whose signature the caller has checked).
    pub(crate) fn verify_key_witnesses(
        &self,
        bundle: &DsseBundle,
        spki: &[u8],
        tlog: TlogPolicy,
    ) -> Result<Witnessed> {
        let entries = bundle.sigstore().verification_material.tlog_entries.len();
        if bundle.timestamp_count() == 0 && entries == 0 && tlog.threshold.unwrap_or(0) == 0 {
            return Ok(Witnessed {
                times: Vec::new(),
                tlog_verified: false,
            });
        }
        let verify_tlog = check_tlog_count(bundle, tlog, 0, &self.label())?;
        if !verify_tlog {
            // Timestamps only: checked one by one against the trusted TSAs.
            return Ok(Witnessed {
                times: self.verify_timestamps(bundle)?,
                tlog_verified: false,
            });
        }
        let loaded = self.get()?;
        let policy = PublicKeyVerificationPolicy::new(DerPublicKey::new(spki.to_vec()));
        let result = run_verifier(loaded, bundle, &policy)?;
        Ok(Witnessed {
            times: result.verified_timestamps().to_vec(),
            tlog_verified: result.tlog_verified(),
        })
    }

    /// Verifies the RFC 3161 timestamps of a key-signed bundle over its
    /// signature, each against the trusted TSAs; returns their times.
    fn verify_timestamps(&self, bundle: &DsseBundle) -> Result<Vec<jiff::Timestamp>> {
        let loaded = self.get()?;
        let authorities = loaded.root.tsa_authorities();
        let sig = &bundle.envelope_signature();
        let mut times = Vec::new();
        for ts in &bundle
            .sigstore()
            .verification_material
            .timestamp_verification_data
            .rfc3161_timestamps
        {
            let mut last = String::from("the trusted root lists no timestamp authority");
            let time = authorities.iter().find_map(|authority| {
                match sigstore_verify::tsa::verify_timestamp_for_authority(
                    &ts.signed_timestamp,
                    sig,
                    authority,
                ) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        last = e.to_string();
                        None
                    }
                }
            });
            match time {
                Some(t) => times.push(t),
                None => {
                    return Err(Error::verification(format!(
                        "the bundle's timestamp does not verify with {}: {last}",
                        self.label()
                    )));
                }
            }
        }
        Ok(times)
    }
}

/// How many different log entries (log ID and index) `entries` hold that
/// carry an inclusion proof or an inclusion promise.
fn distinct_witnessed_entries(entries: &[sigstore_types::TransparencyLogEntry]) -> usize {
    entries
        .iter()
        .filter(|e| e.inclusion_proof.is_some() || e.inclusion_promise.is_some())
        .map(|e| (e.log_id.key_id.as_bytes().to_vec(), e.log_index.get()))
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// sigstore-verify binds the statement to an artifact digest; ours are
/// checked (files, image digests) on the verified statement afterwards, so
/// the digest given here is one the statement names.
fn bound_subject(bundle: &DsseBundle) -> Result<ArtifactDigest> {
    #[derive(serde::Deserialize)]
    struct Subjects {
        #[serde(default)]
        subject: Vec<Digests>,
    }
    #[derive(serde::Deserialize)]
    struct Digests {
        #[serde(default)]
        digest: std::collections::BTreeMap<String, String>,
    }
    // Strictly, as every signed document is read: with a key twice, this
    // pick and the statement checked later could be different readings.
    let parsed: Subjects =
        crate::strict_json::from_slice(bundle.unverified_payload()).map_err(|e| {
            Error::verification(format!("the payload is not an in-toto statement: {e}"))
        })?;
    for s in &parsed.subject {
        if let Some(hex) = s.digest.get("sha256")
            && let Ok(h) = Sha256Hash::from_hex(hex)
        {
            return Ok(ArtifactDigest::sha256(h));
        }
        if let Some(hex) = s.digest.get("sha512")
            && let Ok(bytes) = hex::decode(hex)
            && let Ok(d) = ArtifactDigest::new(HashAlgorithm::Sha2512, bytes)
        {
            return Ok(d);
        }
    }
    Err(Error::verification(
        "the statement names no subject by sha256 or sha512",
    ))
}

/// sigstore-verify's errors, with the causes people can act on spelled out.
fn describe(e: &sigstore_verify::Error) -> String {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    let outside = ["expired", "not yet valid", "notvalidyet", "certexpired"];
    if lower.contains("cert") && outside.iter().any(|w| lower.contains(w)) {
        format!("{text}: the signature's signed time is outside the certificate's validity")
    } else {
        text
    }
}

/// Which instance issued a keyless certificate: the one whose trusted root
/// holds a CA certificate named as the leaf's issuer. The issuer's
/// organisation (`GitHub, Inc.` for GitHub's Fulcio, `sigstore.dev` for
/// public good's) says which root to try first, so one TUF refresh usually
/// does; when neither root holds the issuer, that first guess stands and
/// the chain check fails with its root named.
fn certificate_instance(trust: &Trust, leaf: &[u8]) -> Result<Instance> {
    use der::{Decode, Encode};
    let cert = x509_cert::Certificate::from_der(leaf).map_err(|e| {
        Error::verification(format!("the bundle's certificate does not parse: {e}"))
    })?;
    let issuer = cert
        .tbs_certificate
        .issuer
        .to_der()
        .map_err(|e| Error::verification(format!("the certificate's issuer: {e}")))?;
    let github = issuer.windows(12).any(|w| w == b"GitHub, Inc.");
    let (first, second) = match github {
        true => (Instance::GitHub, Instance::PublicGood),
        false => (Instance::PublicGood, Instance::GitHub),
    };
    let names_issuer = |instance: Instance| -> Result<bool> {
        let material = trust.material(instance)?;
        Ok(material.trusted_root.fulcio_certs().iter().any(|ca| {
            x509_cert::Certificate::from_der(ca.as_bytes())
                .ok()
                .and_then(|c| c.tbs_certificate.subject.to_der().ok())
                .is_some_and(|subject| subject == issuer)
        }))
    };
    if names_issuer(first)? {
        return Ok(first);
    }
    match names_issuer(second) {
        Ok(true) => Ok(second),
        // A refusal by TUF is never passed over.
        Err(e) if e.exit_code() == crate::error::ExitCode::TrustMetadata => Err(e),
        // The second guess's trust material is only a candidate: failing
        // to reach it must not hide the first's verdict.
        Ok(false) | Err(_) => Ok(first),
    }
}
