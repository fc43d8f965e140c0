//! OCI registries and the operations cargo-attest needs of them, behind one
//! trait so an OCI image layout on disk is an equal target.

pub mod attach;
pub mod auth;
pub mod capabilities;
pub mod client;
pub mod discover;
pub mod maintain;
pub mod manifest;
pub mod push;
pub mod reference;

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use reqwest::blocking::Body;

pub use client::{Client, Options};
pub use manifest::{Descriptor, ImageIndex, ImageManifest};
pub use reference::Reference;

use crate::error::{Error, Result};
use crate::progress;

/// Where artifacts go: a repository in a registry, or an OCI image layout.
pub trait Target: Sync {
    /// For messages: `registry/repository` or the layout's path.
    fn describe(&self) -> String;
    fn blob_exists(&self, digest: &str) -> Result<bool>;
    /// Streams a file as the blob `descriptor`, reporting bytes to `blob`.
    fn put_blob_file(
        &self,
        path: &Path,
        descriptor: &Descriptor,
        blob: &progress::Blob<'_>,
    ) -> Result<()>;
    fn put_blob_bytes(&self, bytes: &[u8], descriptor: &Descriptor) -> Result<()>;
    /// Stores a manifest under a tag, or by digest when `tag` is None.
    fn put_manifest(&self, tag: Option<&str>, media_type: &str, bytes: &[u8]) -> Result<()>;
}

/// A repository in a registry.
pub struct Repository {
    pub client: Arc<Client>,
    pub name: String,
}

impl Target for Repository {
    fn describe(&self) -> String {
        format!("{}/{}", self.client.host(), self.name)
    }

    fn blob_exists(&self, digest: &str) -> Result<bool> {
        self.client.blob_exists(&self.name, digest)
    }

    fn put_blob_file(
        &self,
        path: &Path,
        descriptor: &Descriptor,
        blob: &progress::Blob<'_>,
    ) -> Result<()> {
        let path = path.to_path_buf();
        let size = descriptor.size;
        // Each attempt reopens the file: memory stays flat, retries re-read.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::channel::<u64>();
            let reporter = scope.spawn(move || {
                for n in rx {
                    blob.inc(n);
                }
            });
            let make = move || -> Result<Body> {
                let file = File::open(&path).map_err(|e| Error::io("read", &path, e))?;
                Ok(Body::sized(
                    CountingReader {
                        inner: file,
                        tx: tx.clone(),
                    },
                    size,
                ))
            };
            let result =
                self.client
                    .upload_blob(&self.name, &descriptor.digest, size, &make, &|| {
                        blob.restart()
                    });
            drop(make);
            let _ = reporter.join();
            result
        })
    }

    fn put_blob_bytes(&self, bytes: &[u8], descriptor: &Descriptor) -> Result<()> {
        let owned = bytes.to_vec();
        let make = move || Ok(Body::from(owned.clone()));
        self.client.upload_blob(
            &self.name,
            &descriptor.digest,
            descriptor.size,
            &make,
            &|| {},
        )
    }

    fn put_manifest(&self, tag: Option<&str>, media_type: &str, bytes: &[u8]) -> Result<()> {
        let digest = manifest::sha256_digest(bytes);
        self.client
            .put_manifest(&self.name, tag.unwrap_or(&digest), media_type, bytes)
            .map(|_| ())
    }
}

/// Counts bytes as the HTTP client reads them, for progress bars.
struct CountingReader<R> {
    inner: R,
    tx: std::sync::mpsc::Sender<u64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            let _ = self.tx.send(n as u64);
        }
        Ok(n)
    }
}
