//! Publishing: files pushed as one OCI artifact (an empty config, one layer
//! per file with its title, `artifactType` set), tagged, and an attestation
//! attached to it. The one sequence `cargo attest --push` and `push` share,
//! written over a [`Store`] (registry repository or OCI layout alike).
//! Map: docs/architecture.md#publish

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::attach::content::read_attestations;
use crate::attach::discover::discover;
use crate::attach::{AttachOptions, AttachReport, BUNDLE_ARTIFACT_TYPE, attach_bundle};
use crate::error::{Error, Result};
use crate::oci::Store;
use crate::oci::digest::sha256_of;
use crate::oci::manifest::{
    ANNOTATION_CREATED, ANNOTATION_TITLE, Descriptor, EMPTY_JSON, ImageIndex, ImageManifest,
    MEDIA_TYPE_INDEX, MEDIA_TYPE_MANIFEST,
};
use crate::oci::platform::Platform;
use crate::progress::{Blob, Progress, Status};
use crate::provenance::subjects::sha256_file;

/// Default `artifactType` of artifacts pushed by cargo-attest.
pub(crate) const DEFAULT_ARTIFACT_TYPE: &str = "application/vnd.cargo-attest.artifact.v1";
/// Media type of each file's layer.
pub(crate) const LAYER_MEDIA_TYPE: &str = "application/octet-stream";
/// Files up to this size are read whole into memory, once: hashed there
/// (unless their digest is known), skipped when the store has them
/// (HEAD), else sent from there in one request. With [`PARALLEL_UPLOADS`]
/// at once that holds 64 MiB at most.
const READ_WHOLE_UP_TO: u64 = 16 << 20;
/// Files below this size (and above [`READ_WHOLE_UP_TO`]) are hashed
/// before upload, so that one the registry already has is skipped (HEAD);
/// larger ones are hashed while they upload, in one pass, unless their
/// digest is already known.
const HASH_FIRST_BELOW: u64 = 32 << 20;
/// Blobs uploaded at once. A small blob's time is mostly round trips and
/// the registry's own work (it hashes and moves what it received), which
/// overlap; large ones are bound by the two cores, which four streams
/// share as well as two.
const PARALLEL_UPLOADS: usize = 4;

/// A file to push, with its digest when it is already known (hashed for
/// provenance, say).
#[derive(Debug, Clone)]
pub(crate) struct ArtifactFile {
    pub(crate) path: PathBuf,
    pub(crate) title: String,
    pub(crate) digest: Option<String>,
    pub(crate) size: u64,
}

/// A file as a layer of the artifact: its digest is known.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    pub(crate) title: String,
    pub(crate) digest: String,
    pub(crate) size: u64,
}

/// What to publish under a tag.
pub(crate) struct Publication<'a> {
    pub(crate) files: &'a [ArtifactFile],
    pub(crate) artifact_type: &'a str,
    /// `org.opencontainers.image.created` (RFC 3339), if any.
    pub(crate) created: Option<&'a str>,
    /// The manifest planned before the push, when a signature already
    /// covers its digest (`cargo attest --push`); built from the uploaded
    /// layers when `None`.
    pub(crate) planned_manifest: Option<&'a [u8]>,
    /// The bundles to attach to the artifact once it is tagged, in order
    /// (provenance, then an SBOM per output, for `cargo attest --sbom`).
    pub(crate) attestations: Vec<Attestation<'a>>,
    /// Shown before each file's name in the progress, when several
    /// destinations are published at once.
    pub(crate) label: Option<&'a str>,
}

/// A Sigstore bundle to attach, and how.
pub(crate) struct Attestation<'a> {
    pub(crate) bundle: &'a [u8],
    pub(crate) predicate_type: &'a str,
    pub(crate) options: &'a AttachOptions<'a>,
    /// Recognises a bundle already attached to the artifact as this very
    /// attestation (the same statement, its signature verified with the
    /// same signer), so a re-run of the same build attaches nothing again.
    /// `None`: always attach.
    pub(crate) is_same: Option<&'a IsSame<'a>>,
}

/// See [`Attestation::is_same`]; given an attached bundle's bytes.
pub(crate) type IsSame<'a> = dyn Fn(&[u8]) -> bool + Sync + 'a;

/// How the attestation came to be attached.
pub(crate) enum Attachment {
    /// Attached now.
    New(AttachReport),
    /// This attestation was attached before (by an earlier run): the
    /// manifest that holds it.
    Existing { attestation: String },
}

impl Attachment {
    /// The digest of the manifest that holds the attestation.
    pub(crate) fn attestation(&self) -> &str {
        match self {
            Attachment::New(report) => &report.attestation,
            Attachment::Existing { attestation } => attestation,
        }
    }
}

/// What a publication left in the store.
pub(crate) struct Published {
    pub(crate) manifest: Descriptor,
    pub(crate) layers: Vec<Layer>,
    /// One per attestation, in the order given.
    pub(crate) attached: Vec<Attachment>,
}

/// Uploads the files, stores the manifest under `tag`, then attaches the
/// attestation to it: the blobs before the manifest that names them, the
/// manifest before the referrer that points at it. The caller finishes
/// `progress`, which several publications may share.
pub(crate) fn publish(
    store: &dyn Store,
    tag: &str,
    what: &Publication<'_>,
    progress: &Progress,
) -> Result<Published> {
    let layers = push_layers(store, what.files, progress, what.label)?;
    let built;
    let manifest = match what.planned_manifest {
        // Each layer was checked against the digest the plan named.
        Some(bytes) => bytes,
        None => {
            built = artifact_manifest(&layers, what.artifact_type, what.created)?.1;
            &built
        }
    };
    let manifest = push_manifest(store, manifest, Some(tag))?;
    let attached = attach_all(store, &manifest, &what.attestations)?;
    Ok(Published {
        manifest,
        layers,
        attached,
    })
}

/// One platform's artifact in an image index: its files and planned
/// manifest, and what to attach to that manifest.
pub(crate) struct PlatformArtifact<'a> {
    pub(crate) files: &'a [ArtifactFile],
    /// The manifest as planned (a signature covers its digest).
    pub(crate) manifest: &'a [u8],
    pub(crate) attestations: Vec<Attestation<'a>>,
}

/// An image index to publish under a tag: each platform's artifact, then
/// the index itself, each with its attestations.
pub(crate) struct IndexPublication<'a> {
    pub(crate) platforms: Vec<PlatformArtifact<'a>>,
    /// The index as planned: it names every platform's manifest.
    pub(crate) index: &'a [u8],
    pub(crate) attestations: Vec<Attestation<'a>>,
    /// As [`Publication::label`].
    pub(crate) label: Option<&'a str>,
}

/// What an index publication left in the store.
pub(crate) struct PublishedIndex {
    pub(crate) index: Descriptor,
    /// Each platform's manifest and its attachments, in order.
    pub(crate) platforms: Vec<(Descriptor, Vec<Attachment>)>,
    /// The index's attachments, in order.
    pub(crate) attached: Vec<Attachment>,
}

/// Publishes an image index: every platform's blobs, its manifest (by
/// digest: only the index is tagged) and that manifest's attestations;
/// then the index under `tag`, and its attestations. Blobs before the
/// manifest that names them, manifests before the index, each before its
/// referrers: whatever is visible is complete.
pub(crate) fn publish_index(
    store: &dyn Store,
    tag: &str,
    what: &IndexPublication<'_>,
    progress: &Progress,
) -> Result<PublishedIndex> {
    let mut platforms = Vec::new();
    for platform in &what.platforms {
        // Each layer is checked against the digest the plan named.
        push_layers(store, platform.files, progress, what.label)?;
        let manifest = push_manifest(store, platform.manifest, None)?;
        let attached = attach_all(store, &manifest, &platform.attestations)?;
        platforms.push((manifest, attached));
    }
    store.tag_manifest(tag, MEDIA_TYPE_INDEX, what.index)?;
    let index = Descriptor::of_bytes(MEDIA_TYPE_INDEX, what.index);
    let attached = attach_all(store, &index, &what.attestations)?;
    Ok(PublishedIndex {
        index,
        platforms,
        attached,
    })
}

/// Attaches each attestation to `subject`, unless it is attached there
/// already (an earlier run of the same build).
fn attach_all(
    store: &dyn Store,
    subject: &Descriptor,
    attestations: &[Attestation<'_>],
) -> Result<Vec<Attachment>> {
    // What is attached already is read once, and only when some
    // attestation may be found among it.
    let attached_before = match attestations.iter().any(|a| a.is_same.is_some()) {
        true => attached_bundles(store, subject),
        false => Vec::new(),
    };
    attestations
        .iter()
        .map(|a| {
            let existing = a.is_same.and_then(|same| {
                attached_before
                    .iter()
                    .find(|(_, bytes)| same(bytes))
                    .map(|(manifest, _)| manifest.clone())
            });
            Ok(match existing {
                Some(attestation) => Attachment::Existing { attestation },
                None => Attachment::New(attach_bundle(
                    store,
                    subject,
                    a.bundle,
                    a.predicate_type,
                    a.options,
                )?),
            })
        })
        .collect()
}

/// The Sigstore bundles attached to `subject`, each with the manifest
/// that holds it (read through the store: capped and digest-checked). A
/// store that cannot be read here just means attestations are attached
/// (again): never a reason to fail.
fn attached_bundles(store: &dyn Store, subject: &Descriptor) -> Vec<(String, Vec<u8>)> {
    let discovery = match discover(store, &subject.digest, Some(BUNDLE_ARTIFACT_TYPE)) {
        Ok(d) => d,
        Err(e) => {
            tracing::debug!("attached attestations not read: {}", e.report());
            return Vec::new();
        }
    };
    read_attestations(store, subject, &discovery.referrers)
        .into_iter()
        .filter_map(|a| a.content.ok().map(|bytes| (a.manifest, bytes)))
        .collect()
}

/// The manifest of an artifact holding `layers`, and its bytes (what gets
/// pushed and digested). `created` is RFC 3339 (SOURCE_DATE_EPOCH aware).
pub(crate) fn artifact_manifest(
    layers: &[Layer],
    artifact_type: &str,
    created: Option<&str>,
) -> Result<(ImageManifest, Vec<u8>)> {
    let mut titles = std::collections::BTreeSet::new();
    for f in layers {
        if !titles.insert(f.title.as_str()) {
            return Err(Error::usage(format!(
                "two files are named `{}`: layer titles must be unique",
                f.title
            )));
        }
    }
    let layers = layers
        .iter()
        .map(|f| {
            let mut d = Descriptor::new(LAYER_MEDIA_TYPE, f.digest.clone(), f.size);
            d.annotations
                .insert(ANNOTATION_TITLE.into(), f.title.clone());
            d
        })
        .collect();
    let mut annotations = BTreeMap::new();
    if let Some(c) = created {
        annotations.insert(ANNOTATION_CREATED.to_string(), c.to_string());
    }
    let manifest = ImageManifest {
        schema_version: 2,
        media_type: MEDIA_TYPE_MANIFEST.into(),
        artifact_type: Some(artifact_type.to_string()),
        config: Descriptor::empty_config(),
        layers,
        subject: None,
        annotations,
    };
    let bytes = serde_json::to_vec(&manifest).map_err(|e| Error::internal(e.to_string()))?;
    Ok((manifest, bytes))
}

/// The image index of per-platform artifact manifests (each given as its
/// bytes, with its platform), and its bytes. It carries the artifacts'
/// `artifactType` and `created`, as each manifest does.
pub(crate) fn image_index(
    manifests: &[(&Platform, &[u8])],
    artifact_type: &str,
    created: Option<&str>,
) -> Result<(ImageIndex, Vec<u8>)> {
    let mut index = ImageIndex::empty();
    index.artifact_type = Some(artifact_type.to_string());
    if let Some(c) = created {
        index
            .annotations
            .insert(ANNOTATION_CREATED.to_string(), c.to_string());
    }
    for (platform, bytes) in manifests {
        if index
            .manifests
            .iter()
            .any(|d| Platform::of_entry(d).as_ref() == Some(*platform))
        {
            return Err(Error::usage(format!(
                "two targets are built for {platform}: an image index holds one manifest per \
                 platform"
            )));
        }
        let entry = Descriptor::of_bytes(MEDIA_TYPE_MANIFEST, bytes);
        index.manifests.push(platform.describe(entry)?);
    }
    let bytes = serde_json::to_vec(&index).map_err(|e| Error::internal(e.to_string()))?;
    Ok((index, bytes))
}

/// Uploads the config and the files' blobs, skipping what the store has,
/// a few at a time; returns the files as layers, digests filled in.
pub(crate) fn push_layers(
    store: &dyn Store,
    files: &[ArtifactFile],
    progress: &Progress,
    label: Option<&str>,
) -> Result<Vec<Layer>> {
    let next = AtomicUsize::new(0);
    let digests: Mutex<Vec<Option<String>>> = Mutex::new(vec![None; files.len()]);
    let workers = files.len().clamp(1, PARALLEL_UPLOADS);
    let results: Vec<Result<()>> = std::thread::scope(|scope| {
        // The config is two bytes: its round trips overlap the files'.
        let config = scope.spawn(|| -> Result<()> {
            let config = Descriptor::empty_config();
            if !store.blob_exists(&config.digest)? {
                store.put_blob_bytes(EMPTY_JSON, &config)?;
            }
            Ok(())
        });
        let uploads: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    // Small files are read into this, one after another:
                    // memory touched once, not once per file.
                    let mut buffer = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else {
                            return Ok(());
                        };
                        let digest = push_file(store, file, progress, label, &mut buffer)?;
                        digests.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(digest);
                    }
                })
            })
            .collect();
        std::iter::once(config)
            .chain(uploads)
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::internal("an upload thread panicked")))
            })
            .collect()
    });
    for r in results {
        r?;
    }
    let digests = digests.into_inner().unwrap_or_else(|p| p.into_inner());
    files
        .iter()
        .zip(digests)
        .map(|(f, d)| {
            Ok(Layer {
                title: f.title.clone(),
                digest: d.ok_or_else(|| Error::internal("a file was not pushed"))?,
                size: f.size,
            })
        })
        .collect()
}

/// One file: skipped when the store has it (its digest known or cheap to
/// learn), else sent: a small one read whole into `buffer`, a large one
/// streamed in, hashed on the way when not known.
fn push_file(
    store: &dyn Store,
    file: &ArtifactFile,
    progress: &Progress,
    label: Option<&str>,
    buffer: &mut Vec<u8>,
) -> Result<String> {
    let name = match label {
        Some(label) => format!("{} -> {label}", file.title),
        None => file.title.clone(),
    };
    let blob = progress.blob(&name, file.size);
    if file.size <= READ_WHOLE_UP_TO {
        return push_read_file(store, file, blob, buffer);
    }
    let known = match &file.digest {
        Some(d) => Some(d.clone()),
        None if file.size < HASH_FIRST_BELOW => {
            Some(format!("sha256:{}", sha256_file(&file.path)?))
        }
        None => None,
    };
    if let Some(digest) = &known
        && store.blob_exists(digest)?
    {
        blob.finish(Status::Exists);
        return Ok(digest.clone());
    }
    blob.start();
    let digest = store.put_blob_file(&file.path, file.size, known.as_deref(), &blob)?;
    blob.finish(Status::Uploaded);
    Ok(digest)
}

/// A small file: read once into `buffer`, hashed from there when its
/// digest is not known, sent from there when the store lacks it. A digest
/// known before (hashed for provenance) is checked by the store as it
/// takes the bytes; with it, the HEAD goes first, so a file the store has
/// is not read.
fn push_read_file(
    store: &dyn Store,
    file: &ArtifactFile,
    blob: Blob<'_>,
    buffer: &mut Vec<u8>,
) -> Result<String> {
    if let Some(digest) = &file.digest
        && store.blob_exists(digest)?
    {
        blob.finish(Status::Exists);
        return Ok(digest.clone());
    }
    read_whole(&file.path, file.size, buffer)?;
    let digest = match &file.digest {
        Some(digest) => digest.clone(),
        None => {
            let digest = sha256_of(buffer);
            if store.blob_exists(&digest)? {
                blob.finish(Status::Exists);
                return Ok(digest);
            }
            digest
        }
    };
    blob.start();
    let bytes = bytes::Bytes::from(std::mem::take(buffer));
    let stored = store.put_blob_read(&file.path, bytes.clone(), &digest, &blob);
    // The memory back for the next file, unless the HTTP client still
    // holds it (a connection cut mid-body): then the next file gets new.
    if let Ok(back) = bytes.try_into_mut() {
        *buffer = back.into();
    }
    stored?;
    blob.finish(Status::Uploaded);
    Ok(digest)
}

/// Reads the whole of a file of `size` bytes (its size when it was listed:
/// the manifest says so) into `buffer`; a file that has grown or shrunk
/// since is an error.
fn read_whole(path: &Path, size: u64, buffer: &mut Vec<u8>) -> Result<()> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    buffer.clear();
    buffer.reserve(size as usize);
    file.take(size + 1)
        .read_to_end(buffer)
        .map_err(|e| Error::io("read", path, e))?;
    if buffer.len() as u64 != size {
        return Err(Error::invalid_input(format!(
            "{} changed while it was pushed: {size} bytes when listed, {} now",
            path.display(),
            buffer.len()
        )));
    }
    Ok(())
}

/// Stores the manifest under `tag` (or by digest) once its blobs are in.
pub(crate) fn push_manifest(
    store: &dyn Store,
    manifest_bytes: &[u8],
    tag: Option<&str>,
) -> Result<Descriptor> {
    match tag {
        Some(tag) => store.tag_manifest(tag, MEDIA_TYPE_MANIFEST, manifest_bytes)?,
        None => {
            store.put_manifest_by_digest(MEDIA_TYPE_MANIFEST, manifest_bytes)?;
        }
    }
    Ok(Descriptor::of_bytes(MEDIA_TYPE_MANIFEST, manifest_bytes))
}

/// The files to push; titles are file names and must be unique. Nothing is
/// read yet: digests come while pushing.
pub(crate) fn artifact_files(paths: &[PathBuf]) -> Result<Vec<ArtifactFile>> {
    paths
        .iter()
        .map(|path| {
            let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, e))?;
            if !meta.is_file() {
                return Err(Error::io(
                    "read",
                    path,
                    std::io::Error::other("not a regular file"),
                ));
            }
            let title = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| Error::usage(format!("{} has no file name", path.display())))?;
            Ok(ArtifactFile {
                path: path.clone(),
                title,
                digest: None,
                size: meta.len(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_read_whole_has_the_size_it_was_listed_with() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, b"12345").unwrap();
        let mut buffer = Vec::new();
        read_whole(&path, 5, &mut buffer).unwrap();
        assert_eq!(buffer, b"12345");
        // The buffer is reused: nothing of the file before lingers.
        std::fs::write(&path, b"abc").unwrap();
        read_whole(&path, 3, &mut buffer).unwrap();
        assert_eq!(buffer, b"abc");
        for listed in [2, 4] {
            let err = read_whole(&path, listed, &mut buffer).unwrap_err();
            assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
            assert!(
                err.to_string().contains("changed while it was pushed"),
                "{err}"
            );
        }
    }

    #[test]
    fn small_and_large_files_become_layers_with_their_digests() {
        let dir = tempfile::tempdir().unwrap();
        let layout = crate::layout::Layout::open_or_create(&dir.path().join("layout")).unwrap();
        // Read whole (up to 16 MiB) and streamed (above), several at once.
        let sizes = [0, 3, 1 << 20, READ_WHOLE_UP_TO as usize, (17 << 20) + 1, 7];
        let paths: Vec<PathBuf> = sizes
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let path = dir.path().join(format!("f{i}.bin"));
                std::fs::write(&path, vec![i as u8; n]).unwrap();
                path
            })
            .collect();
        let mut files = artifact_files(&paths).unwrap();
        // A digest known before (provenance) is taken as given, and checked.
        files[1].digest = Some(sha256_of(&[1u8; 3]));
        let progress = Progress::new(crate::progress::Mode::Quiet);
        let layers = push_layers(&layout, &files, &progress, None).unwrap();
        for ((layer, path), &n) in layers.iter().zip(&paths).zip(&sizes) {
            let bytes = std::fs::read(path).unwrap();
            assert_eq!(layer.digest, sha256_of(&bytes));
            assert_eq!(layer.size, n as u64);
            assert!(
                layout.blob_exists(&layer.digest).unwrap(),
                "{}",
                layer.title
            );
        }
        assert!(
            layout
                .blob_exists(&Descriptor::empty_config().digest)
                .unwrap()
        );
        // A known digest the bytes do not match is refused, not stored.
        files[1].digest = Some(sha256_of(b"other"));
        assert!(push_layers(&layout, &files[1..2], &progress, None).is_err());
        assert!(!layout.blob_exists(&sha256_of(b"other")).unwrap());
    }

    #[test]
    fn manifest_shape() {
        let layers = vec![Layer {
            title: "a.bin".into(),
            digest: format!("sha256:{}", "0".repeat(64)),
            size: 3,
        }];
        let (m, bytes) =
            artifact_manifest(&layers, DEFAULT_ARTIFACT_TYPE, Some("2023-11-14T22:13:20Z"))
                .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["artifactType"], DEFAULT_ARTIFACT_TYPE);
        assert_eq!(
            v["config"]["mediaType"],
            "application/vnd.oci.empty.v1+json"
        );
        assert_eq!(v["layers"][0]["annotations"][ANNOTATION_TITLE], "a.bin");
        assert_eq!(m.layers.len(), 1);
        let dup = vec![layers[0].clone(), layers[0].clone()];
        assert!(artifact_manifest(&dup, DEFAULT_ARTIFACT_TYPE, None).is_err());
    }
}
