//! The layout as an OCI [`Store`]: tags are `org.opencontainers.image.ref.name`
//! annotations in index.json, the referrers of a subject are the manifests
//! in index.json that name it, and the digest of a tagged manifest is its
//! ETag for conditional writes.

use std::fs::File;
use std::path::Path;

use super::{Layout, tag_of};
use crate::error::{Error, Result};
use crate::oci::digest;
use crate::oci::manifest::{
    ANNOTATION_REF_NAME, Descriptor, MAX_MANIFEST_BYTES, artifact_type_of, subject_of,
};
use crate::oci::reference::Target;
use crate::oci::store::{
    Condition, Deletion, Fetched, Location, ManifestWrite, Put, Referrers, Refusal, Store,
};
use crate::progress;

impl Store for Layout {
    fn location(&self) -> Location {
        Location::Layout
    }

    fn describe(&self) -> String {
        format!("oci-layout {}", self.root.display())
    }

    fn blob_exists(&self, digest: &str) -> Result<bool> {
        self.has_blob(digest)
    }

    fn put_blob_file(
        &self,
        path: &Path,
        _size: u64,
        expected: Option<&str>,
        blob: &progress::Blob<'_>,
    ) -> Result<String> {
        let mut file = File::open(path).map_err(|e| Error::io("read", path, e))?;
        let counter = blob.counter();
        self.store_blob(&mut file, expected, &|n| counter.add(n))
    }

    fn put_blob_read(
        &self,
        _path: &Path,
        bytes: bytes::Bytes,
        digest: &str,
        blob: &progress::Blob<'_>,
    ) -> Result<()> {
        let counter = blob.counter();
        self.store_blob(&mut &bytes[..], Some(digest), &|n| counter.add(n))
            .map(drop)
    }

    fn put_blob_bytes(&self, bytes: &[u8], descriptor: &Descriptor) -> Result<()> {
        self.store_blob(&mut &bytes[..], Some(&descriptor.digest), &|_| {})
            .map(drop)
    }

    fn get_blob(&self, digest: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        self.read_blob(digest, limit)
    }

    fn get_manifest(&self, reference: &Target) -> Result<Option<Fetched>> {
        let index = self.read_index()?;
        let listed = match reference {
            Target::Tag(tag) => match index.manifests.iter().find(|d| tag_of(d) == Some(tag)) {
                Some(d) => Some(d),
                None => return Ok(None),
            },
            Target::Digest(digest) => index.manifests.iter().find(|d| d.digest == *digest),
        };
        let digest = listed.map_or(reference.as_str(), |d| d.digest.as_str());
        let Some(bytes) = self.read_blob(digest, MAX_MANIFEST_BYTES)? else {
            return match listed {
                Some(_) => Err(Error::invalid_input(format!(
                    "{}: index.json lists {digest}, but the blob is missing",
                    self.root.display()
                ))),
                None => Ok(None),
            };
        };
        Ok(Some(Fetched {
            media_type: listed.map(|d| d.media_type.clone()),
            // The digest serves as ETag: a conditional write compares it.
            etag: Some(digest.to_string()),
            digest: digest.to_string(),
            claimed_digest: None,
            bytes,
        }))
    }

    fn manifest_exists(&self, digest: &str) -> Result<bool> {
        Ok(self.reachable()?.contains(digest))
    }

    fn put_manifest(&self, write: &ManifestWrite<'_>) -> Result<Put> {
        let ManifestWrite {
            reference,
            media_type,
            bytes,
            condition,
            replay: _,
        } = *write;
        let digest = digest::sha256_of(bytes);
        if let Target::Digest(wanted) = reference
            && *wanted != digest
        {
            return Err(Error::internal(format!(
                "manifest for {wanted} hashes to {digest}"
            )));
        }
        if !self.has_blob(&digest)? {
            self.store_blob(&mut &bytes[..], Some(&digest), &|_| {})?;
        }
        let mut descriptor = Descriptor::new(media_type, digest.clone(), bytes.len() as u64);
        descriptor.artifact_type = serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|v| v.get("artifactType")?.as_str().map(str::to_string));
        let mut refused = false;
        self.update_index(|index| {
            match reference {
                Target::Tag(tag) => {
                    let current = index
                        .manifests
                        .iter()
                        .find(|d| tag_of(d) == Some(tag))
                        .map(|d| d.digest.clone());
                    refused = match condition {
                        Condition::None => false,
                        Condition::IfMatch(etag) => current.as_deref() != Some(etag),
                        Condition::IfNoneMatch => current.is_some(),
                    };
                    if refused {
                        return Ok(false);
                    }
                    index.manifests.retain(|d| tag_of(d) != Some(tag));
                    descriptor
                        .annotations
                        .insert(ANNOTATION_REF_NAME.into(), tag.clone());
                }
                Target::Digest(_) => {
                    if index.manifests.iter().any(|d| d.digest == digest) {
                        return Ok(false);
                    }
                }
            }
            index.manifests.push(descriptor);
            Ok(true)
        })?;
        Ok(if refused {
            Put::Refused {
                refusal: Refusal::PreconditionFailed,
                codes: Vec::new(),
                body: "precondition failed".into(),
                retry_after: None,
            }
        } else {
            Put::Stored {
                subject_header: None,
            }
        })
    }

    fn delete_manifest(&self, reference: &Target) -> Result<Deletion> {
        // Blobs stay: other entries may share them.
        self.update_index(|index| {
            let before = index.manifests.len();
            match reference {
                Target::Tag(tag) => index.manifests.retain(|d| tag_of(d) != Some(tag)),
                Target::Digest(digest) => index.manifests.retain(|d| d.digest != *digest),
            }
            Ok(index.manifests.len() != before)
        })?;
        Ok(Deletion::Deleted)
    }

    fn referrers(&self, subject: &str, artifact_type: Option<&str>) -> Result<Referrers> {
        let mut found = Vec::new();
        for d in self.read_index()?.manifests {
            let Some(bytes) = self.read_blob(&d.digest, MAX_MANIFEST_BYTES)? else {
                continue;
            };
            if subject_of(&bytes).as_deref() != Some(subject) {
                continue;
            }
            let mut descriptor = Descriptor::new(&d.media_type, d.digest.clone(), d.size);
            descriptor.artifact_type = artifact_type_of(&bytes);
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
                && let Some(annotations) = v.get("annotations").and_then(|a| a.as_object())
            {
                for (k, v) in annotations {
                    if let Some(v) = v.as_str() {
                        descriptor.annotations.insert(k.clone(), v.to_string());
                    }
                }
            }
            if artifact_type.is_none_or(|t| descriptor.artifact_type.as_deref() == Some(t)) {
                found.push(descriptor);
            }
        }
        Ok(Referrers::Index { manifests: found })
    }

    fn list_tags(&self) -> Result<Vec<String>> {
        let mut tags: Vec<String> = self
            .read_index()?
            .manifests
            .iter()
            .filter_map(|d| tag_of(d).map(str::to_string))
            .collect();
        tags.sort();
        tags.dedup();
        Ok(tags)
    }

    fn list_manifests(&self) -> Result<Option<Vec<Descriptor>>> {
        Ok(Some(self.read_index()?.manifests))
    }

    /// An open layout is a directory we made or read: writes go to it.
    fn check_write_access(&self) -> Result<()> {
        Ok(())
    }

    fn refused(&self, what: &str, refusal: Refusal, body: &str) -> Error {
        Error::invalid_input(format!(
            "{}: {what}: refused ({} {body})",
            self.describe(),
            refusal.status()
        ))
    }

    fn not_found(&self, what: &str) -> Error {
        Error::invalid_input(what)
    }
}
