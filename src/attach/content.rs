//! What attached attestations hold, read once for verify, download and
//! inspect: the Sigstore bundle of each attestation manifest, and the DSSE
//! envelopes of cosign's legacy `.att` tags. Everything is fetched by digest
//! through the store, which checks it against that digest and caps it.

use super::BUNDLE_ARTIFACT_TYPE_PREFIX;
use super::discover::{DSSE_ENVELOPE_MEDIA_TYPE, LegacyKind, Referrer};
use crate::error::{Error, Result};
use crate::oci::Store;
use crate::oci::manifest::{Descriptor, ImageManifest};

/// The largest bundle or envelope we read from a store.
pub(crate) const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

/// How an attestation is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// A Sigstore bundle (`*.sigstore.json`), one per attestation manifest.
    SigstoreBundle,
    /// A bare DSSE envelope, a layer of a cosign legacy `.att` manifest.
    DsseEnvelope,
}

/// One attestation attached to a subject, and its bytes (or why they could
/// not be had).
pub(crate) struct Attached {
    /// The manifest that holds it.
    pub(crate) manifest: String,
    /// The blob holding it, once the manifest was read.
    pub(crate) layer: Option<Descriptor>,
    pub(crate) format: Format,
    pub(crate) content: Result<Vec<u8>, Unreadable>,
}

/// Why an attestation's bytes could not be had.
#[derive(Debug)]
pub(crate) enum Unreadable {
    /// What is listed is no attestation of this subject: not an image
    /// manifest, about another subject or none, without a bundle or
    /// envelope layer. A failed verification, not a failed store.
    NotAnAttestation(Error),
    /// The store did not serve it: an error answer, a blob listed but
    /// missing, content that does not match its digest.
    Store(Error),
}

impl Unreadable {
    /// The error, whatever the reason (for those who need not tell).
    pub(crate) fn into_error(self) -> Error {
        match self {
            Unreadable::NotAnAttestation(e) | Unreadable::Store(e) => e,
        }
    }

    fn not_an_attestation(message: impl std::fmt::Display) -> Self {
        Unreadable::NotAnAttestation(Error::verification(message))
    }
}

impl Attached {
    /// `sha256-<hex>.sigstore.json` of a bundle's blob, the name its layer
    /// is titled with and `download` writes.
    pub(crate) fn file_name(&self) -> Option<String> {
        let layer = self.layer.as_ref()?;
        Some(format!("{}.sigstore.json", layer.digest.replace(':', "-")))
    }
}

/// Whether a referrer holds attestations we read.
pub(crate) fn holds_attestations(r: &Referrer) -> bool {
    match &r.cosign {
        Some(legacy) => legacy.kind == LegacyKind::Attestation,
        None => r
            .descriptor
            .artifact_type
            .as_deref()
            .is_some_and(|t| t.starts_with(BUNDLE_ARTIFACT_TYPE_PREFIX)),
    }
}

/// Reads the attestations the `referrers` of `subject` hold, in order. A
/// bundle manifest must name `subject` as its own `subject`: being listed
/// under it is not enough. Failures are per attestation, never fatal.
pub(crate) fn read_attestations(
    store: &dyn Store,
    subject: &Descriptor,
    referrers: &[Referrer],
) -> Vec<Attached> {
    let mut out = Vec::new();
    for r in referrers.iter().filter(|r| holds_attestations(r)) {
        let digest = r.descriptor.digest.clone();
        let manifest = store
            .fetch_manifest_bytes(&digest)
            .map_err(Unreadable::Store)
            .and_then(|bytes| {
                serde_json::from_slice::<ImageManifest>(&bytes).map_err(|e| {
                    Unreadable::not_an_attestation(format!(
                        "{digest} is not an image manifest: {e}"
                    ))
                })
            });
        let format = if r.cosign.is_some() {
            Format::DsseEnvelope
        } else {
            Format::SigstoreBundle
        };
        let manifest = match manifest {
            Ok(m) => m,
            Err(e) => {
                out.push(Attached {
                    manifest: digest,
                    layer: None,
                    format,
                    content: Err(e),
                });
                continue;
            }
        };
        match format {
            Format::SigstoreBundle => {
                let (layer, content) = bundle_layer(store, subject, &manifest);
                out.push(Attached {
                    manifest: digest,
                    layer,
                    format,
                    content,
                });
            }
            Format::DsseEnvelope => {
                // cosign appends one layer per `cosign attest` run.
                let layers: Vec<&Descriptor> = manifest
                    .layers
                    .iter()
                    .filter(|l| l.media_type == DSSE_ENVELOPE_MEDIA_TYPE)
                    .collect();
                if layers.is_empty() {
                    out.push(Attached {
                        manifest: digest.clone(),
                        layer: None,
                        format,
                        content: Err(Unreadable::not_an_attestation("no DSSE envelope layer")),
                    });
                }
                for layer in layers {
                    out.push(Attached {
                        manifest: digest.clone(),
                        layer: Some(layer.clone()),
                        format,
                        content: fetch_blob(store, &layer.digest),
                    });
                }
            }
        }
    }
    out
}

fn bundle_layer(
    store: &dyn Store,
    subject: &Descriptor,
    manifest: &ImageManifest,
) -> (Option<Descriptor>, Result<Vec<u8>, Unreadable>) {
    match &manifest.subject {
        Some(s) if s.digest == subject.digest => {}
        Some(s) => {
            return (
                None,
                Err(Unreadable::not_an_attestation(format!(
                    "attached to a different subject ({})",
                    s.digest
                ))),
            );
        }
        None => {
            return (
                None,
                Err(Unreadable::not_an_attestation(
                    "the manifest has no subject",
                )),
            );
        }
    }
    match manifest
        .layers
        .iter()
        .find(|l| l.media_type.starts_with(BUNDLE_ARTIFACT_TYPE_PREFIX))
    {
        Some(layer) => (Some(layer.clone()), fetch_blob(store, &layer.digest)),
        None => (
            None,
            Err(Unreadable::not_an_attestation("no Sigstore bundle layer")),
        ),
    }
}

fn fetch_blob(store: &dyn Store, digest: &str) -> Result<Vec<u8>, Unreadable> {
    store
        .get_blob(digest, MAX_BUNDLE_BYTES)
        .and_then(|blob| {
            blob.ok_or_else(|| store.not_found(&format!("{digest} is listed but missing")))
        })
        .map_err(Unreadable::Store)
}
