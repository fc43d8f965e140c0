//! A repository in a registry as an OCI [`Store`].

use std::path::Path;
use std::sync::Arc;

use reqwest::blocking::Body;

use super::client::Client;
use super::listing::LISTING_BUDGET;
use super::upload::{FileUpload, ReadUpload};
use crate::error::{Error, Result};
use crate::oci::Descriptor;
use crate::oci::reference::Target;
use crate::oci::store::{
    Deletion, Fetched, Location, ManifestWrite, Put, Referrers, Refusal, Store,
};
use crate::progress;

/// A repository in a registry.
pub(crate) struct Repository {
    pub(crate) client: Arc<Client>,
    pub(crate) name: String,
}

impl Store for Repository {
    fn location(&self) -> Location {
        Location::Registry {
            host: self.client.host().to_string(),
            repository: self.name.clone(),
        }
    }

    fn describe(&self) -> String {
        format!("{}/{}", self.client.host(), self.name)
    }

    fn blob_exists(&self, digest: &str) -> Result<bool> {
        self.client.blob_exists(&self.name, digest)
    }

    fn put_blob_file(
        &self,
        path: &Path,
        size: u64,
        expected: Option<&str>,
        blob: &progress::Blob<'_>,
    ) -> Result<String> {
        self.client.upload_file(&FileUpload {
            repository: &self.name,
            path,
            size,
            expected,
            counter: &blob.counter(),
            on_restart: &|| blob.restart(),
        })
    }

    fn put_blob_read(
        &self,
        path: &Path,
        bytes: bytes::Bytes,
        digest: &str,
        blob: &progress::Blob<'_>,
    ) -> Result<()> {
        self.client.upload_read(&ReadUpload {
            repository: &self.name,
            path,
            bytes,
            digest,
            counter: &blob.counter(),
            on_restart: &|| blob.restart(),
        })
    }

    fn put_blob_bytes(&self, bytes: &[u8], descriptor: &Descriptor) -> Result<()> {
        let make = || Ok(Body::from(bytes.to_vec()));
        self.client.upload_blob(
            &self.name,
            &descriptor.digest,
            descriptor.size,
            &make,
            &|| {},
        )
    }

    fn get_blob(&self, digest: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        self.client.get_blob(&self.name, digest, limit)
    }

    fn get_manifest(&self, reference: &Target) -> Result<Option<Fetched>> {
        self.client.get_manifest(&self.name, reference)
    }

    fn manifest_exists(&self, digest: &str) -> Result<bool> {
        self.client
            .manifest_exists(&self.name, &Target::Digest(digest.to_string()))
    }

    fn put_manifest(&self, write: &ManifestWrite<'_>) -> Result<Put> {
        self.client.put_manifest(&self.name, write)
    }

    fn delete_manifest(&self, reference: &Target) -> Result<Deletion> {
        self.client.delete_manifest(&self.name, reference)
    }

    fn referrers(&self, subject: &str, artifact_type: Option<&str>) -> Result<Referrers> {
        self.client
            .referrers(&self.name, subject, artifact_type, LISTING_BUDGET)
    }

    fn list_tags(&self) -> Result<Vec<String>> {
        self.client.list_tags(&self.name, LISTING_BUDGET)
    }

    fn list_manifests(&self) -> Result<Option<Vec<Descriptor>>> {
        Ok(None)
    }

    fn check_write_access(&self) -> Result<()> {
        self.client.ping_for_push(&self.name)
    }

    fn refused(&self, what: &str, refusal: Refusal, body: &str) -> Error {
        self.client.refused(what, refusal.status(), body)
    }

    fn not_found(&self, what: &str) -> Error {
        Error::registry(self.client.host(), what)
    }
}
