//! An OCI image layout on disk (`oci-layout`, `index.json`, `blobs/`) as a
//! full target: the default when no registry is named.
//!
//! Writers take an exclusive lock on the `oci-layout` file, which is never
//! replaced, so concurrent processes cannot lose each other's index entries.
//! Blobs are written to a temporary file, checked against their digest, and
//! renamed into place.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::progress;
use crate::registry::Target;
use crate::registry::manifest::{ANNOTATION_REF_NAME, Descriptor, ImageIndex, sha256_digest};

const LAYOUT_FILE: &str = "oci-layout";
const INDEX_FILE: &str = "index.json";
const LAYOUT_CONTENT: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;

pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// Opens the layout at `root`, creating an empty one if the directory
    /// is missing or empty.
    pub fn open_or_create(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root.join("blobs/sha256"))
            .map_err(|e| Error::io("create directory", root, e))?;
        let layout_file = root.join(LAYOUT_FILE);
        if !layout_file.exists() {
            write_new(&layout_file, LAYOUT_CONTENT)?;
        } else {
            let text =
                std::fs::read(&layout_file).map_err(|e| Error::io("read", &layout_file, e))?;
            let v: serde_json::Value = serde_json::from_slice(&text).map_err(|_| {
                Error::invalid_input(format!(
                    "{}: not an OCI image layout file",
                    layout_file.display()
                ))
            })?;
            if v.get("imageLayoutVersion")
                .and_then(|v| v.as_str())
                .is_none()
            {
                return Err(Error::invalid_input(format!(
                    "{}: no imageLayoutVersion; not an OCI image layout",
                    layout_file.display()
                )));
            }
        }
        let layout = Layout {
            root: root.to_path_buf(),
        };
        let _lock = layout.lock()?;
        if !root.join(INDEX_FILE).exists() {
            layout.write_index(&ImageIndex::empty())?;
        }
        Ok(layout)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn lock(&self) -> Result<File> {
        let path = self.root.join(LAYOUT_FILE);
        let file = OpenOptions::new()
            .read(true)
            .open(&path)
            .map_err(|e| Error::io("open", &path, e))?;
        file.lock().map_err(|e| Error::io("lock", &path, e))?;
        Ok(file)
    }

    pub fn blob_path(&self, digest: &str) -> Result<PathBuf> {
        let (alg, hex) = digest
            .split_once(':')
            .filter(|_| crate::registry::manifest::is_valid_digest(digest))
            .ok_or_else(|| Error::invalid_input(format!("invalid digest `{digest}`")))?;
        Ok(self.root.join("blobs").join(alg).join(hex))
    }

    pub fn read_index(&self) -> Result<ImageIndex> {
        let path = self.root.join(INDEX_FILE);
        let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::invalid_input(format!("{}: not an OCI image index: {e}", path.display()))
        })
    }

    fn write_index(&self, index: &ImageIndex) -> Result<()> {
        let bytes = serde_json::to_vec(index).map_err(|e| Error::internal(e.to_string()))?;
        replace_file(&self.root.join(INDEX_FILE), &bytes)
    }

    /// The manifest descriptor tagged `tag`, if any.
    pub fn resolve_tag(&self, tag: &str) -> Result<Option<Descriptor>> {
        Ok(self
            .read_index()?
            .manifests
            .into_iter()
            .find(|d| d.annotations.get(ANNOTATION_REF_NAME).map(String::as_str) == Some(tag)))
    }

    pub fn read_blob(&self, digest: &str) -> Result<Option<Vec<u8>>> {
        let path = self.blob_path(digest)?;
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("read", &path, e)),
        }
    }

    /// Streams `reader` into the blob store, checking it hashes to `digest`.
    fn store_blob(
        &self,
        reader: &mut dyn Read,
        digest: &str,
        on_bytes: &dyn Fn(u64),
    ) -> Result<()> {
        let dest = self.blob_path(digest)?;
        let dir = dest.parent().expect("blob paths have a parent");
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".upload-")
            .tempfile_in(dir)
            .map_err(|e| Error::io("write", dir, e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io("read", "blob source", e)),
            };
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n])
                .map_err(|e| Error::io("write", tmp.path(), e))?;
            on_bytes(n as u64);
        }
        let actual = format!("sha256:{}", hex::encode(hasher.finalize()));
        if actual != digest {
            return Err(Error::invalid_input(format!(
                "content changed while writing: expected {digest}, got {actual}"
            )));
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io("write", tmp.path(), e))?;
        set_public(tmp.path())?;
        tmp.persist(&dest)
            .map_err(|e| Error::io("write", &dest, e.error))?;
        Ok(())
    }

    /// Removes the index.json entries `remove` selects (blobs stay: other
    /// entries may share them).
    pub fn remove_from_index(&self, remove: &dyn Fn(&Descriptor) -> bool) -> Result<()> {
        let _lock = self.lock()?;
        let mut index = self.read_index()?;
        index.manifests.retain(|d| !remove(d));
        self.write_index(&index)
    }

    /// Adds `descriptor` to index.json; with a tag, the tag moves to it.
    pub fn add_to_index(&self, mut descriptor: Descriptor, tag: Option<&str>) -> Result<()> {
        let _lock = self.lock()?;
        let mut index = self.read_index()?;
        if let Some(t) = tag {
            index
                .manifests
                .retain(|d| d.annotations.get(ANNOTATION_REF_NAME).map(String::as_str) != Some(t));
            descriptor
                .annotations
                .insert(ANNOTATION_REF_NAME.into(), t.to_string());
        } else if index
            .manifests
            .iter()
            .any(|d| d.digest == descriptor.digest)
        {
            return Ok(());
        }
        index.manifests.push(descriptor);
        self.write_index(&index)
    }
}

impl Target for Layout {
    fn describe(&self) -> String {
        format!("OCI layout {}", self.root.display())
    }

    fn blob_exists(&self, digest: &str) -> Result<bool> {
        Ok(self.blob_path(digest)?.is_file())
    }

    fn put_blob_file(
        &self,
        path: &Path,
        descriptor: &Descriptor,
        blob: &progress::Blob<'_>,
    ) -> Result<()> {
        let mut file = File::open(path).map_err(|e| Error::io("read", path, e))?;
        self.store_blob(&mut file, &descriptor.digest, &|n| blob.inc(n))
    }

    fn put_blob_bytes(&self, bytes: &[u8], descriptor: &Descriptor) -> Result<()> {
        self.store_blob(&mut &bytes[..], &descriptor.digest, &|_| {})
    }

    fn put_manifest(&self, tag: Option<&str>, media_type: &str, bytes: &[u8]) -> Result<()> {
        let digest = sha256_digest(bytes);
        if !self.blob_path(&digest)?.is_file() {
            self.store_blob(&mut &bytes[..], &digest, &|_| {})?;
        }
        let mut descriptor = Descriptor::new(media_type, digest, bytes.len() as u64);
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes)
            && let Some(t) = v.get("artifactType").and_then(|t| t.as_str())
        {
            descriptor.artifact_type = Some(t.to_string());
        }
        self.add_to_index(descriptor, tag)
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(path, bytes)
}

/// Atomic replace: a temporary file in the same directory, then a rename.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("write", path, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("write", path, e))?;
    set_public(tmp.path())?;
    tmp.persist(path)
        .map_err(|e| Error::io("write", path, e.error))?;
    Ok(())
}

fn set_public(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io("write", path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::manifest::MEDIA_TYPE_MANIFEST;

    #[test]
    fn creates_valid_layout_and_moves_tags() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open_or_create(dir.path()).unwrap();
        assert!(dir.path().join("oci-layout").is_file());
        let m1 = br#"{"schemaVersion":2,"a":1}"#;
        let m2 = br#"{"schemaVersion":2,"a":2}"#;
        layout
            .put_manifest(Some("v1"), MEDIA_TYPE_MANIFEST, m1)
            .unwrap();
        layout
            .put_manifest(Some("v1"), MEDIA_TYPE_MANIFEST, m2)
            .unwrap();
        layout.put_manifest(None, MEDIA_TYPE_MANIFEST, m1).unwrap();
        let index = layout.read_index().unwrap();
        assert_eq!(index.manifests.len(), 2);
        assert_eq!(
            layout.resolve_tag("v1").unwrap().unwrap().digest,
            sha256_digest(m2)
        );
        assert_eq!(layout.read_blob(&sha256_digest(m1)).unwrap().unwrap(), m1);
    }

    #[test]
    fn refuses_a_blob_that_does_not_match_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open_or_create(dir.path()).unwrap();
        let d = Descriptor::of_bytes("x", b"abc");
        assert!(layout.put_blob_bytes(b"abd", &d).is_err());
        assert!(!layout.blob_exists(&d.digest).unwrap());
    }
}
