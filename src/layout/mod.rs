//! An OCI image layout on disk (`oci-layout`, `index.json`, `blobs/`) as a
//! full [`Store`]: the default target when no registry is named.
//!
//! Writers take an exclusive lock on the `oci-layout` file, which is never
//! replaced, so concurrent processes cannot lose each other's index entries.
//! Blobs are written to a temporary file, checked against their digest, and
//! renamed into place. Every blob read is checked against its digest before
//! use, and the layout's directories must be real directories: a symlinked
//! `blobs/sha256` could send writes outside the layout.
//! Map: docs/architecture.md#layout

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fsutil::{self, Mode};
use crate::oci::digest;
use crate::oci::manifest::{
    ANNOTATION_REF_NAME, Descriptor, ImageIndex, MAX_MANIFEST_BYTES, MEDIA_TYPE_INDEX,
};

const LAYOUT_FILE: &str = "oci-layout";
const INDEX_FILE: &str = "index.json";
const LAYOUT_CONTENT: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;
/// The largest index.json we read.
const MAX_INDEX_BYTES: u64 = 64 * 1024 * 1024;
/// How deep image indexes may nest before we stop following them.
const MAX_INDEX_DEPTH: usize = 8;
const MEDIA_TYPE_DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

mod store;

pub(crate) struct Layout {
    root: PathBuf,
}

impl Layout {
    /// Opens the layout at `root`, creating an empty one if the directory
    /// is missing or empty.
    pub(crate) fn open_or_create(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root).map_err(|e| Error::io("create directory", root, e))?;
        for dir in [root.join("blobs"), root.join("blobs/sha256")] {
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(Error::invalid_input(format!(
                        "{} is not a directory (a symlink?); refusing to use the OCI layout {}",
                        dir.display(),
                        root.display()
                    )));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    std::fs::create_dir(&dir)
                        .map_err(|e| Error::io("create directory", &dir, e))?;
                }
                Err(e) => return Err(Error::io("open", &dir, e)),
            }
        }
        let layout_file = root.join(LAYOUT_FILE);
        if !layout_file.exists() {
            fsutil::write_atomically(&layout_file, LAYOUT_CONTENT, Mode::Public)?;
        } else {
            let text = read_capped(&layout_file, 64 * 1024)?;
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

    fn lock(&self) -> Result<File> {
        let path = self.root.join(LAYOUT_FILE);
        let file = OpenOptions::new()
            .read(true)
            .open(&path)
            .map_err(|e| Error::io("open", &path, e))?;
        file.lock().map_err(|e| Error::io("lock", &path, e))?;
        Ok(file)
    }

    fn blob_path(&self, digest: &str) -> Result<PathBuf> {
        let (alg, hex) = digest
            .split_once(':')
            .filter(|_| digest::is_valid(digest))
            .ok_or_else(|| Error::invalid_input(format!("invalid digest `{digest}`")))?;
        let dir = self.root.join("blobs").join(alg);
        if std::fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir()) {
            return Err(Error::invalid_input(format!(
                "{} is not a directory (a symlink?); refusing to use it",
                dir.display()
            )));
        }
        Ok(dir.join(hex))
    }

    /// Whether a blob is stored as a regular file (a symlink is not a blob).
    fn has_blob(&self, digest: &str) -> Result<bool> {
        Ok(std::fs::symlink_metadata(self.blob_path(digest)?).is_ok_and(|m| m.is_file()))
    }

    pub(crate) fn read_index(&self) -> Result<ImageIndex> {
        let path = self.root.join(INDEX_FILE);
        let bytes = read_capped(&path, MAX_INDEX_BYTES)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::invalid_input(format!("{}: not an OCI image index", path.display())).caused_by(e)
        })
    }

    fn write_index(&self, index: &ImageIndex) -> Result<()> {
        let bytes = serde_json::to_vec(index).map_err(|e| Error::internal(e.to_string()))?;
        fsutil::write_atomically(&self.root.join(INDEX_FILE), &bytes, Mode::Public)
    }

    /// A blob, checked against its digest; `None` when absent.
    fn read_blob(&self, digest: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        let path = self.blob_path(digest)?;
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                return Err(Error::invalid_input(format!(
                    "{}: not a regular file (a symlink?); refusing to read it as a blob",
                    path.display()
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("read", &path, e)),
        }
        let bytes = read_capped(&path, limit)?;
        digest::verify(&bytes, digest).map_err(|e| {
            Error::invalid_input(format!(
                "{}: the blob is damaged or was tampered with",
                path.display()
            ))
            .caused_by(e)
        })?;
        Ok(Some(bytes))
    }

    /// Streams `reader` into the blob store and returns its digest, which
    /// must be `expected` when that is given.
    fn store_blob(
        &self,
        reader: &mut dyn Read,
        expected: Option<&str>,
        on_bytes: &dyn Fn(u64),
    ) -> Result<String> {
        // The sha256 directory, checked like any blob path.
        let dir = self
            .blob_path(&format!("sha256:{}", "0".repeat(64)))?
            .parent()
            .expect("blob paths have a parent")
            .to_path_buf();
        let dir = dir.as_path();
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".upload-")
            .tempfile_in(dir)
            .map_err(|e| Error::io("write", dir, e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1024 * 1024];
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
        if let Some(expected) = expected
            && actual != expected
        {
            return Err(Error::invalid_input(format!(
                "content changed while writing: expected {expected}, got {actual}"
            )));
        }
        let dest = self.blob_path(&actual)?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io("write", tmp.path(), e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
                .map_err(|e| Error::io("write", tmp.path(), e))?;
        }
        tmp.persist(&dest)
            .map_err(|e| Error::io("write", &dest, e.error))?;
        Ok(actual)
    }

    /// Digests reachable from index.json: its entries and, recursively, the
    /// children of the image indexes among them.
    fn reachable(&self) -> Result<HashSet<String>> {
        let mut seen = HashSet::new();
        let mut level: Vec<Descriptor> = self.read_index()?.manifests;
        for _ in 0..MAX_INDEX_DEPTH {
            let mut next = Vec::new();
            for d in level {
                if !seen.insert(d.digest.clone()) {
                    continue;
                }
                if (d.media_type == MEDIA_TYPE_INDEX || d.media_type == MEDIA_TYPE_DOCKER_LIST)
                    && let Some(bytes) = self.read_blob(&d.digest, MAX_MANIFEST_BYTES)?
                    && let Ok(child) = serde_json::from_slice::<ImageIndex>(&bytes)
                {
                    next.extend(child.manifests);
                }
            }
            if next.is_empty() {
                break;
            }
            level = next;
        }
        Ok(seen)
    }

    /// Changes index.json under the lock.
    fn update_index(&self, change: impl FnOnce(&mut ImageIndex) -> Result<bool>) -> Result<bool> {
        let _lock = self.lock()?;
        let mut index = self.read_index()?;
        let changed = change(&mut index)?;
        if changed {
            self.write_index(&index)?;
        }
        Ok(changed)
    }
}

fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let file = File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::invalid_input(format!(
            "{}: larger than {limit} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

pub(super) fn tag_of(d: &Descriptor) -> Option<&str> {
    d.annotations.get(ANNOTATION_REF_NAME).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oci::Store;
    use crate::oci::manifest::MEDIA_TYPE_MANIFEST;
    use crate::oci::reference::Target;

    fn tag(t: &str) -> Target {
        Target::Tag(t.into())
    }

    #[test]
    fn creates_valid_layout_and_moves_tags() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open_or_create(dir.path()).unwrap();
        assert!(dir.path().join("oci-layout").is_file());
        let m1 = br#"{"schemaVersion":2,"a":1}"#;
        let m2 = br#"{"schemaVersion":2,"a":2}"#;
        layout.tag_manifest("v1", MEDIA_TYPE_MANIFEST, m1).unwrap();
        layout.tag_manifest("v1", MEDIA_TYPE_MANIFEST, m2).unwrap();
        layout
            .put_manifest_by_digest(MEDIA_TYPE_MANIFEST, m1)
            .unwrap();
        let index = layout.read_index().unwrap();
        assert_eq!(index.manifests.len(), 2);
        assert_eq!(
            layout.resolve(&tag("v1")).unwrap().digest,
            digest::sha256_of(m2)
        );
        assert_eq!(
            layout
                .get_blob(&digest::sha256_of(m1), 1024)
                .unwrap()
                .unwrap(),
            m1
        );
    }

    #[test]
    fn refuses_a_blob_that_does_not_match_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open_or_create(dir.path()).unwrap();
        let d = Descriptor::of_bytes("x", b"abc");
        assert!(layout.put_blob_bytes(b"abd", &d).is_err());
        assert!(!layout.blob_exists(&d.digest).unwrap());
    }

    #[test]
    fn tampered_blobs_are_never_handed_out() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open_or_create(dir.path()).unwrap();
        let m = br#"{"schemaVersion":2,"x":1}"#;
        layout.tag_manifest("v1", MEDIA_TYPE_MANIFEST, m).unwrap();
        let path = layout.blob_path(&digest::sha256_of(m)).unwrap();
        std::fs::write(&path, br#"{"schemaVersion":2,"x":2}"#).unwrap();
        let err = layout.get_manifest(&tag("v1")).unwrap_err();
        assert!(err.report().contains("tampered"), "{}", err.report());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_blobs_and_blob_dirs_must_be_real() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let layout = Layout::open_or_create(dir.path()).unwrap();
        let content = b"hello";
        let d = Descriptor::of_bytes("x", content);
        std::fs::write(outside.path().join("f"), content).unwrap();
        let path = layout.blob_path(&d.digest).unwrap();
        std::os::unix::fs::symlink(outside.path().join("f"), &path).unwrap();
        assert!(!layout.blob_exists(&d.digest).unwrap());
        assert!(layout.get_blob(&d.digest, 1024).is_err());

        let evil = tempfile::tempdir().unwrap();
        std::fs::remove_dir_all(evil.path()).unwrap();
        std::fs::create_dir_all(evil.path().join("blobs")).unwrap();
        std::os::unix::fs::symlink(outside.path(), evil.path().join("blobs/sha256")).unwrap();
        assert!(Layout::open_or_create(evil.path()).is_err());
    }

    #[test]
    fn children_of_listed_indexes_are_live() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open_or_create(dir.path()).unwrap();
        let child = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#;
        let child_d = Descriptor::of_bytes(MEDIA_TYPE_MANIFEST, child);
        layout.put_blob_bytes(child, &child_d).unwrap();
        let mut index = ImageIndex::empty();
        index.manifests.push(child_d.clone());
        let bytes = serde_json::to_vec(&index).unwrap();
        layout
            .tag_manifest("multi", MEDIA_TYPE_INDEX, &bytes)
            .unwrap();
        assert!(layout.manifest_exists(&child_d.digest).unwrap());
        assert!(!layout.manifest_exists(&digest::sha256_of(b"nope")).unwrap());
    }
}
