//! Who signed a bundle, established once for `verify FILE` and `verify
//! REF`: a key (a file, or the keyring key the hint names) for key-signed
//! bundles, a certificate chained to the trusted root and matched against
//! the identity policy for keyless ones. Timestamps are verified either way.

use super::identity::{IdentityPolicy, check_statement_against_certificate};
use super::keys::Keys;
use super::policy::Policy;
use super::statement::{check_signed_statement, parse_statement};
use super::trusted::{CertifiedSignature, TlogPolicy, TrustRoot};
use crate::error::{Error, Result};
use crate::provenance::Statement;
use crate::signing::DsseBundle;

/// What verification trusts.
pub(crate) struct Trust {
    pub(crate) keys: Keys,
    pub(crate) root: TrustRoot,
    pub(crate) identity: IdentityPolicy,
    pub(crate) tlog: TlogPolicy,
}

/// Who signed.
pub(crate) enum SignedBy {
    Key {
        key_id: String,
        label: String,
        tlog_verified: bool,
    },
    Certificate(Box<CertifiedSignature>),
}

impl SignedBy {
    /// How to name the signer to people.
    pub(crate) fn label(&self) -> String {
        match self {
            SignedBy::Key { label, .. } => label.clone(),
            SignedBy::Certificate(c) => match &c.info.identity {
                Some(identity) => format!(
                    "{identity}{}",
                    c.info
                        .issuer
                        .as_deref()
                        .map(|i| format!(" (issuer {i})"))
                        .unwrap_or_default()
                ),
                None => "a certificate without identity".into(),
            },
        }
    }

    /// Whether transparency log entries were verified.
    pub(crate) fn tlog_verified(&self) -> bool {
        match self {
            SignedBy::Key { tlog_verified, .. } => *tlog_verified,
            SignedBy::Certificate(c) => c.tlog_verified,
        }
    }

    pub(crate) fn key_id(&self) -> Option<&str> {
        match self {
            SignedBy::Key { key_id, .. } => Some(key_id),
            SignedBy::Certificate(_) => None,
        }
    }
}

/// A bundle whose signature, statement type and predicate type hold.
pub(crate) struct Authenticated {
    pub(crate) statement: Statement,
    pub(crate) signed_by: SignedBy,
    /// Verified signed times (RFC 3161 timestamps).
    pub(crate) timestamps: Vec<jiff::Timestamp>,
}

/// Checks the signature of `bundle` (labelled `label` in messages).
pub(crate) fn authenticate(
    bundle: &DsseBundle,
    trust: &Trust,
    policy: &Policy,
    label: &str,
) -> Result<Authenticated> {
    if bundle.certificate().is_none() {
        if trust.identity.constrains_signer() {
            return Err(Error::verification(format!(
                "{label} is signed with a key, not keyless: the certificate identity flags \
                 cannot hold for it"
            )));
        }
        let candidates = trust.keys.for_bundle(bundle)?;
        let (statement, key) = check_signed_statement(bundle, &candidates, policy, label)?;
        tracing::debug!(
            "signature verified with {} ({})",
            key.label,
            key.key.key_id()
        );
        let witnessed = trust
            .root
            .verify_key_witnesses(bundle, key.key.spki_der(), trust.tlog)?;
        return Ok(Authenticated {
            statement,
            signed_by: SignedBy::Key {
                key_id: key.key.key_id(),
                label: key.label,
                tlog_verified: witnessed.tlog_verified,
            },
            timestamps: witnessed.times,
        });
    }
    if let Keys::Files(candidates) = &trust.keys {
        return Err(Error::verification(format!(
            "{label} is signed keyless (it carries a certificate), not with {}: verify it with \
             the identity flags (--certificate-identity, --owner, --repo, ...)",
            candidates
                .iter()
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    tracing::debug!("checking the certificate with {}", trust.root.label());
    let certified = trust.root.verify_certificate(bundle, trust.tlog)?;
    trust.identity.check(&certified.info)?;
    // sigstore-verify checked the DSSE signature over this payload with the
    // certificate's key.
    let statement = parse_statement(bundle.unverified_payload(), policy)?;
    check_statement_against_certificate(&statement, &certified.info)?;
    Ok(Authenticated {
        statement,
        timestamps: certified.times.clone(),
        signed_by: SignedBy::Certificate(Box::new(certified)),
    })
}
