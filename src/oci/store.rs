//! One read/write interface over where OCI content lives: a repository in
//! a registry, or an OCI image layout on disk. Attach, discover, verify,
//! prune and migrate are written once on top of it.
//!
//! Every implementation checks content against its digest before it hands
//! it out, and caps every read: nothing read from a store is trusted until
//! then.

use std::path::Path;
use std::time::Duration;

use super::digest;
use super::errors::ErrorCode;
use super::manifest::{Descriptor, media_type_of};
use super::reference::Target;
use crate::error::{Error, Result};
use crate::progress;

/// A manifest as the store holds it.
#[derive(Debug, Clone)]
pub(crate) struct Fetched {
    pub(crate) bytes: Vec<u8>,
    /// The media type it was served as (Content-Type, or the layout's
    /// descriptor), if any.
    pub(crate) media_type: Option<String>,
    /// An ETag for conditional replacement, where the store gives one.
    pub(crate) etag: Option<String>,
    /// The digest the content hashes to (checked, for reads by digest).
    pub(crate) digest: String,
    /// The digest the store claims for it (`Docker-Content-Digest`).
    pub(crate) claimed_digest: Option<String>,
}

impl Fetched {
    /// The descriptor of this manifest.
    pub(crate) fn descriptor(&self) -> Descriptor {
        Descriptor::new(
            &media_type_of(&self.bytes, self.media_type.as_deref()),
            self.digest.clone(),
            self.bytes.len() as u64,
        )
    }
}

/// A precondition on a manifest write.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Condition<'a> {
    None,
    /// Replace only the version with this ETag.
    IfMatch(&'a str),
    /// Create only: the tag must not exist.
    IfNoneMatch,
}

/// Whether a failed write may be sent again as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Content-addressed or last-writer-wins: the transport may retry.
    Safe,
    /// A read-merge-write: a retry must go back through the protocol above,
    /// never replay old bytes over another writer's newer ones. Abandoned
    /// (the connection closed) when not answered within `deadline`, so it
    /// cannot land long after the read it merged.
    Never { deadline: std::time::Duration },
}

/// A manifest to store under a tag or its digest.
pub(crate) struct ManifestWrite<'a> {
    pub(crate) reference: &'a Target,
    pub(crate) media_type: &'a str,
    pub(crate) bytes: &'a [u8],
    pub(crate) condition: Condition<'a>,
    pub(crate) replay: Replay,
}

/// What became of a manifest write.
#[derive(Debug)]
pub(crate) enum Put {
    Stored {
        /// The `OCI-Subject` header of the answer (registries only).
        subject_header: Option<String>,
    },
    Refused {
        refusal: Refusal,
        /// The distribution spec's error codes in the answer.
        codes: Vec<ErrorCode>,
        /// The start of the store's answer, for messages.
        body: String,
        /// `Retry-After`, when the store asked to wait.
        retry_after: Option<Duration>,
    },
}

/// What became of a DELETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deletion {
    /// Deleted, or already gone.
    Deleted,
    /// The store does not allow it.
    Refused(Refusal),
}

/// Why a store refused a manifest write or a delete, by what the refusal
/// means. A registry says it with an HTTP status; a layout refuses only a
/// write whose precondition does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// 400: the request or its content is not acceptable (the distribution
    /// spec's `MANIFEST_INVALID`, `TAG_INVALID`, ...).
    Invalid,
    /// 401: not authenticated.
    Unauthorized,
    /// 403: our credentials may not do this.
    Denied,
    /// 404
    NotFound,
    /// 405: the store does not allow this here (a registry without deletes).
    NotAllowed,
    /// 409
    Conflict,
    /// 412: the `If-Match`/`If-None-Match` precondition does not hold:
    /// another writer was first.
    PreconditionFailed,
    /// 429: asked to wait.
    TooManyRequests,
    /// 501: the store does not implement this.
    Unsupported,
    /// Any other 5xx: the store failed, and may do better later.
    Unavailable(u16),
    /// Any other status.
    Other(u16),
}

impl Refusal {
    pub(crate) fn from_status(status: u16) -> Self {
        match status {
            400 => Refusal::Invalid,
            401 => Refusal::Unauthorized,
            403 => Refusal::Denied,
            404 => Refusal::NotFound,
            405 => Refusal::NotAllowed,
            409 => Refusal::Conflict,
            412 => Refusal::PreconditionFailed,
            429 => Refusal::TooManyRequests,
            501 => Refusal::Unsupported,
            500..=599 => Refusal::Unavailable(status),
            _ => Refusal::Other(status),
        }
    }

    /// The HTTP status it stands for, for messages.
    pub(crate) fn status(self) -> u16 {
        match self {
            Refusal::Invalid => 400,
            Refusal::Unauthorized => 401,
            Refusal::Denied => 403,
            Refusal::NotFound => 404,
            Refusal::NotAllowed => 405,
            Refusal::Conflict => 409,
            Refusal::PreconditionFailed => 412,
            Refusal::TooManyRequests => 429,
            Refusal::Unsupported => 501,
            Refusal::Unavailable(status) | Refusal::Other(status) => status,
        }
    }

    /// Whether the same request may succeed later, unchanged.
    pub(crate) fn is_transient(self) -> bool {
        matches!(self, Refusal::TooManyRequests | Refusal::Unavailable(_))
    }
}

/// What the referrers listing said.
#[derive(Debug)]
pub(crate) enum Referrers {
    /// The API answered with an index.
    Index { manifests: Vec<Descriptor> },
    /// Anything else, with what was seen.
    NoApi(String),
}

/// Where a store is: what attach and discover need to know of its nature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    Registry {
        host: String,
        repository: String,
    },
    /// An OCI image layout: index.json indexes every manifest, so referrers
    /// are always found without a tag.
    Layout,
}

pub(crate) trait Store: Send + Sync {
    fn location(&self) -> Location;
    /// For messages: `host/repository` or `oci-layout DIR`.
    fn describe(&self) -> String;

    fn blob_exists(&self, digest: &str) -> Result<bool>;
    /// Streams a file of `size` bytes in as a blob, reporting bytes to
    /// `blob`, and returns its digest: computed on the way, and checked
    /// against `expected` when that is known.
    fn put_blob_file(
        &self,
        path: &Path,
        size: u64,
        expected: Option<&str>,
        blob: &progress::Blob<'_>,
    ) -> Result<String>;
    fn put_blob_bytes(&self, bytes: &[u8], descriptor: &Descriptor) -> Result<()>;
    /// Stores `bytes`, the whole of the file `path` as read for this push,
    /// as the blob `digest`, reporting bytes to `blob`. The store checks
    /// the content against the digest before it keeps it (a registry when
    /// the upload closes): content that does not match is a file changed
    /// since it was hashed, and the error names it.
    fn put_blob_read(
        &self,
        path: &Path,
        bytes: bytes::Bytes,
        digest: &str,
        blob: &progress::Blob<'_>,
    ) -> Result<()>;
    /// A blob of at most `limit` bytes, checked against `digest`; `None`
    /// when the store does not have it.
    fn get_blob(&self, digest: &str, limit: u64) -> Result<Option<Vec<u8>>>;

    /// A manifest by tag or digest; by digest it is checked against it.
    fn get_manifest(&self, reference: &Target) -> Result<Option<Fetched>>;
    /// Whether a manifest is live: served by the registry, or reachable
    /// from a layout's index.json (child manifests of listed indexes too).
    fn manifest_exists(&self, digest: &str) -> Result<bool>;
    fn put_manifest(&self, write: &ManifestWrite<'_>) -> Result<Put>;
    fn delete_manifest(&self, reference: &Target) -> Result<Deletion>;

    /// The referrers of `subject` as the store's API lists them.
    fn referrers(&self, subject: &str, artifact_type: Option<&str>) -> Result<Referrers>;
    fn list_tags(&self) -> Result<Vec<String>>;
    /// Every manifest the store indexes, where it can enumerate them
    /// (layouts); `None` for registries, which cannot.
    fn list_manifests(&self) -> Result<Option<Vec<Descriptor>>>;

    /// Checks, before any work is done for a push, that the store answers
    /// and accepts our credentials for writing where that can be asked
    /// cheaply (a registry's `GET /v2/` with a push-scoped token).
    fn check_write_access(&self) -> Result<()>;

    /// The descriptor of the manifest `reference` names.
    fn resolve(&self, reference: &Target) -> Result<Descriptor> {
        let fetched = self.get_manifest(reference)?.ok_or_else(|| {
            self.not_found(&format!(
                "{}: no manifest `{}`",
                self.describe(),
                reference.as_str()
            ))
        })?;
        Ok(fetched.descriptor())
    }

    /// Stores a manifest by digest (idempotent) and says what the store
    /// answered.
    fn put_manifest_by_digest(&self, media_type: &str, bytes: &[u8]) -> Result<Option<String>> {
        let digest = Target::Digest(digest::sha256_of(bytes));
        match self.put_manifest(&ManifestWrite {
            reference: &digest,
            media_type,
            bytes,
            condition: Condition::None,
            replay: Replay::Safe,
        })? {
            Put::Stored { subject_header } => Ok(subject_header),
            Put::Refused { refusal, body, .. } => {
                Err(self.refused(&format!("PUT manifest {}", digest.as_str()), refusal, &body))
            }
        }
    }

    /// Moves `tag` to a manifest (last writer wins: safe to retry).
    fn tag_manifest(&self, tag: &str, media_type: &str, bytes: &[u8]) -> Result<()> {
        match self.put_manifest(&ManifestWrite {
            reference: &Target::Tag(tag.to_string()),
            media_type,
            bytes,
            condition: Condition::None,
            replay: Replay::Safe,
        })? {
            Put::Stored { .. } => Ok(()),
            Put::Refused { refusal, body, .. } => {
                Err(self.refused(&format!("PUT manifest {tag}"), refusal, &body))
            }
        }
    }

    /// The error for a refused request.
    fn refused(&self, what: &str, refusal: Refusal, body: &str) -> Error;
    /// The error for something that is not there.
    fn not_found(&self, what: &str) -> Error;

    /// A manifest by digest, which must be there.
    fn fetch_manifest_bytes(&self, digest: &str) -> Result<Vec<u8>> {
        self.get_manifest(&Target::Digest(digest.to_string()))?
            .map(|m| m.bytes)
            .ok_or_else(|| self.not_found(&format!("{digest} is listed but missing")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_stand_for_their_status() {
        for status in 100..600 {
            let refusal = Refusal::from_status(status);
            assert_eq!(refusal.status(), status, "{refusal:?}");
            assert_eq!(
                refusal.is_transient(),
                status == 429 || ((500..600).contains(&status) && status != 501),
                "{status}"
            );
        }
    }
}
