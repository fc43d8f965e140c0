//! The referrers tag schema (`sha256-<hex>` tag holding an OCI index of the
//! subject's referrers), safe against concurrent writers on registries that
//! ignore `If-Match`:
//!
//! 1. read the index, merge every entry seen during this attach and ours,
//!    PUT it (conditional where the registry honours ETags) — never replayed
//!    blind: a 429, a 5xx or a lost connection sends us back to step 1, so a
//!    retry always writes a fresh merge;
//! 2. read back at once, then again after a settle window longer than any
//!    writer's read-to-write time; any entry seen during this attach that
//!    went missing, ours or anyone's, is merged back and written again.
//!
//! What can make a write late: a 429 or 5xx with `Retry-After`, a token
//! renewal, a dropped connection, a slow link, a paused process, a proxy or
//! registry that holds the request. None of them may let a merge land after
//! a writer that did not see it has confirmed and left, so a write is sent
//! only within half the settle window of the read it merged, and is
//! abandoned (connection closed, never resent) when not answered by then.
//!
//! The window that remains: a registry that has received the whole PUT and
//! stores it more than half a settle window later, after the client gave
//! up. Registries that honour `If-Match` have no window at all.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::oci::Store;
use crate::oci::digest;
use crate::oci::errors::ErrorCode;
use crate::oci::manifest::{Descriptor, ImageIndex, MEDIA_TYPE_INDEX};
use crate::oci::reference::Target;
use crate::oci::store::{Condition, ManifestWrite, Put, Refusal, Replay};

/// Bounds of the protocol.
const ATTEMPTS: u32 = 16;
/// Longer than any writer's read-to-write time in normal operation, so a
/// writer that read the index before our PUT has landed its PUT before we
/// look again.
const SETTLE: Duration = Duration::from_millis(2000);

/// Index annotation listing the fallback index manifests a rewrite
/// superseded, newest first, so `prune` can find and delete them.
pub(crate) const ANNOTATION_SUPERSEDED: &str = "dev.cargo-attest.superseded";
const SUPERSEDED_KEEP: usize = 32;

/// The referrers tag schema's tag for `digest`: `<alg>-<hex>`, the
/// algorithm cut to 32 characters and the hex to 64, anything outside
/// `[a-zA-Z0-9._-]` replaced by `-`.
pub(crate) fn fallback_tag(digest: &str) -> String {
    let (alg, hex) = digest.split_once(':').unwrap_or((digest, ""));
    let clean = |s: &str, max: usize| -> String {
        s.chars()
            .take(max)
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("{}-{}", clean(alg, 32), clean(hex, 64))
}

/// Every entry this update has seen, in first-seen order, but those it
/// drops.
#[derive(Default)]
struct Known {
    entries: Vec<Descriptor>,
    digests: HashSet<String>,
}

impl Known {
    fn add(&mut self, entries: &[Descriptor], change: &Change) {
        for e in entries {
            if !change.drop.contains(&e.digest) && self.digests.insert(e.digest.clone()) {
                self.entries.push(e.clone());
            }
        }
    }

    /// Whether `index` holds every known entry, and each entry of `change`
    /// in its changed form (a writer that read before our write may have
    /// put an entry back as it was).
    fn all_in(&self, index: &ImageIndex, change: &Change) -> bool {
        let present: HashSet<&str> = index.manifests.iter().map(|d| d.digest.as_str()).collect();
        self.entries
            .iter()
            .all(|k| present.contains(k.digest.as_str()))
            && change.put.iter().all(|wanted| {
                index
                    .manifests
                    .iter()
                    .any(|d| d.digest == wanted.digest && satisfies(d, wanted))
            })
    }
}

/// What an update does to a fallback index: entries to add or fill in
/// (matched by digest: their artifactType set, their annotations added, the
/// rest of an entry already there kept), and entries to drop.
#[derive(Default)]
pub(super) struct Change {
    pub(super) put: Vec<Descriptor>,
    pub(super) drop: HashSet<String>,
    /// Whether a tag that is not there is created (attach) or left alone
    /// (repair: a tag `migrate` or `prune` removed meanwhile stays gone).
    pub(super) create: bool,
}

/// Whether `present` already says what `wanted` says: its artifactType,
/// and every one of its annotations.
pub(super) fn satisfies(present: &Descriptor, wanted: &Descriptor) -> bool {
    (wanted.artifact_type.is_none() || present.artifact_type == wanted.artifact_type)
        && wanted
            .annotations
            .iter()
            .all(|(k, v)| present.annotations.get(k) == Some(v))
}

/// `present` with what `wanted` says filled in; everything else kept.
fn filled(present: &Descriptor, wanted: &Descriptor) -> Descriptor {
    let mut out = present.clone();
    if wanted.artifact_type.is_some() {
        out.artifact_type.clone_from(&wanted.artifact_type);
    }
    for (k, v) in &wanted.annotations {
        out.annotations.insert(k.clone(), v.clone());
    }
    out
}

/// The settle window for an index of `len` bytes: 2 s, plus a second per
/// 256 KiB so large indexes on slow links keep the margin. Every writer of
/// a tag writes an index of about the same size, so they agree on it.
fn settle_for(len: usize) -> Duration {
    SETTLE + Duration::from_secs_f64(len as f64 / (256.0 * 1024.0))
}

/// Adds `ours` to the fallback index of `subject`; returns the tag.
pub(super) fn attach(store: &dyn Store, subject: &Descriptor, ours: &Descriptor) -> Result<String> {
    let mut entry = ours.clone();
    entry.extra.clear();
    let change = Change {
        put: vec![entry],
        drop: HashSet::new(),
        create: true,
    };
    update(
        store,
        subject,
        &change,
        &format!("the attestation {}", ours.digest),
    )?;
    Ok(fallback_tag(&subject.digest))
}

/// Applies `change` to the fallback index of `subject` (`what` names the
/// change in the final error); returns whether the tag exists.
///
/// A write must land within half the settle window of the read it merged:
/// a read that took longer is not written from, and the PUT is abandoned
/// (its connection closed, nothing resent) when it is not answered within
/// what is left. A writer that confirms after a settle window has then seen
/// every write merged from an older read.
pub(super) fn update(
    store: &dyn Store,
    subject: &Descriptor,
    change: &Change,
    what: &str,
) -> Result<bool> {
    let tag = fallback_tag(&subject.digest);
    let target = Target::Tag(tag.clone());
    let mut known = Known::default();
    known.add(&change.put, change);
    let mut wait: Option<Duration> = None;
    let mut settle = SETTLE;
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            std::thread::sleep(
                wait.take().unwrap_or_else(|| {
                    crate::retry::backoff(attempt, Duration::from_millis(100), 5)
                }),
            );
        }
        let read_at = Instant::now();
        let Some(current) = read_index(store, &tag, subject)? else {
            continue;
        };
        if current.digest.is_none() && !change.create {
            tracing::debug!("{tag} is gone; nothing to change");
            return Ok(false);
        }
        known.add(&current.index.manifests, change);
        let next = successor(
            &current.index,
            current.digest.as_deref(),
            &known.entries,
            change,
        );
        if next.manifests != current.index.manifests {
            let bytes = serde_json::to_vec(&next).map_err(|e| Error::internal(e.to_string()))?;
            settle = settle_for(bytes.len());
            let Some(deadline) = (settle / 2).checked_sub(read_at.elapsed()) else {
                tracing::debug!("reading {tag} took too long to write from it; reading again");
                continue;
            };
            let write = ManifestWrite {
                reference: &target,
                media_type: MEDIA_TYPE_INDEX,
                bytes: &bytes,
                condition: current.condition(),
                replay: Replay::Never { deadline },
            };
            match store.put_manifest(&write) {
                Ok(Put::Stored { .. }) => {
                    tracing::debug!("PUT {tag}: {} entries", next.manifests.len());
                }
                Ok(Put::Refused {
                    refusal: Refusal::PreconditionFailed,
                    ..
                }) => {
                    tracing::debug!("PUT {tag}: precondition failed, another writer was first");
                    continue;
                }
                Ok(Put::Refused {
                    refusal,
                    retry_after,
                    ..
                }) if refusal.is_transient() => {
                    let pause = retry_after.unwrap_or_else(|| {
                        crate::retry::backoff(attempt + 1, Duration::from_millis(250), 5)
                    });
                    tracing::warn!(
                        "{} from {} for the referrers index, merging again in {:.1} s",
                        refusal.status(),
                        store.describe(),
                        pause.as_secs_f64()
                    );
                    wait = Some(pause);
                    continue;
                }
                Ok(Put::Refused {
                    refusal,
                    codes,
                    body,
                    ..
                }) => {
                    if current.digest.is_some() && looks_immutable(refusal, &codes, &body) {
                        return Err(immutable_tag(store, &tag, refusal.status()));
                    }
                    return Err(store.refused(&format!("PUT {tag}"), refusal, &body));
                }
                // Abandoned or failed: it may or may not have landed (within
                // the bound above). Read, merge, write.
                Err(e @ Error::Registry { .. }) => {
                    tracing::warn!("{}; reading the referrers index again", e.report());
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        if confirmed(store, &tag, subject, &known, change, settle)? {
            return Ok(true);
        }
    }
    Err(Error::registry(
        store.describe(),
        format!(
            "could not confirm that {tag} holds {what} after {ATTEMPTS} attempts \
             (heavy concurrent writing?); run the command again"
        ),
    ))
}

/// Whether the index holds every known entry when read back right after
/// the write and again after `settle`: a writer that read before our PUT
/// may land its own after the first read-back.
fn confirmed(
    store: &dyn Store,
    tag: &str,
    subject: &Descriptor,
    known: &Known,
    change: &Change,
    settle: Duration,
) -> Result<bool> {
    let Some(now) = read_index(store, tag, subject)? else {
        return Ok(false);
    };
    if !known.all_in(&now.index, change) {
        tracing::debug!("{tag} lost entries right after the write; merging again");
        return Ok(false);
    }
    std::thread::sleep(settle);
    let Some(settled) = read_index(store, tag, subject)? else {
        return Ok(false);
    };
    if known.all_in(&settled.index, change) {
        tracing::debug!(
            "{tag} holds all {} known entries after settling",
            known.entries.len()
        );
        return Ok(true);
    }
    tracing::debug!("{tag} lost entries to a concurrent writer; merging again");
    Ok(false)
}

fn immutable_tag(store: &dyn Store, tag: &str, status: u16) -> Error {
    Error::registry(
        store.describe(),
        format!(
            "the registry refused to move the tag {tag} (HTTP {status}): tags in {} look immutable \
             (as with GAR or ECR tag immutability). The referrers tag fallback needs a mutable tag: \
             use --attach referrers where the registry supports the referrers API, or a repository \
             with mutable tags",
            store.describe()
        ),
    )
}

/// A fallback index as read: its content, ETag, and its own digest (None
/// when the tag did not exist).
struct FallbackIndex {
    index: ImageIndex,
    etag: Option<String>,
    digest: Option<String>,
}

impl FallbackIndex {
    /// The precondition that makes replacing this version safe where the
    /// registry honours it.
    fn condition(&self) -> Condition<'_> {
        match (&self.etag, self.digest.is_some()) {
            (Some(e), _) => Condition::IfMatch(e),
            (None, false) => Condition::IfNoneMatch,
            (None, true) => Condition::None,
        }
    }
}

/// What reading the fallback tag gave.
enum Read {
    Index(Box<FallbackIndex>),
    /// The registry could not answer this time (a fault, a dropped
    /// connection): read again.
    Failed(Error),
}

/// The fallback index behind `tag`. Refuses (an error) a tag that is not
/// an OCI index, or that resolves to the subject itself (GitLab does this).
fn read_fallback_index(store: &dyn Store, tag: &str, subject: &Descriptor) -> Result<Read> {
    let fetched = match store.get_manifest(&Target::Tag(tag.to_string())) {
        Ok(fetched) => fetched,
        Err(e @ Error::Registry { .. }) => return Ok(Read::Failed(e)),
        Err(e) => return Err(e),
    };
    let Some(fetched) = fetched else {
        return Ok(Read::Index(Box::new(FallbackIndex {
            index: ImageIndex::empty(),
            etag: None,
            digest: None,
        })));
    };
    let where_ = store.describe();
    if fetched.digest == subject.digest
        || fetched.claimed_digest.as_deref() == Some(subject.digest.as_str())
    {
        return Err(Error::registry(
            where_,
            format!(
                "the tag {tag} resolves to the subject itself, not to a referrers index (GitLab does this); \
                 refusing to overwrite it. Use --attach referrers if the registry supports the API"
            ),
        ));
    }
    let media_type = fetched.media_type.as_deref().unwrap_or("");
    let index: ImageIndex = serde_json::from_slice(&fetched.bytes).map_err(|_| {
        Error::registry(
            &where_,
            format!("the tag {tag} exists but is not an OCI index ({media_type}); refusing to overwrite it"),
        )
    })?;
    let declared = index.media_type.as_deref().unwrap_or(media_type);
    if !declared.starts_with(MEDIA_TYPE_INDEX) {
        return Err(Error::registry(
            where_,
            format!(
                "the tag {tag} exists but is `{declared}`, not an OCI index; refusing to overwrite it"
            ),
        ));
    }
    Ok(Read::Index(Box::new(FallbackIndex {
        index,
        etag: fetched.etag,
        digest: Some(fetched.digest),
    })))
}

/// The fallback index of `subject` as it is now, refused as the attach
/// refuses it (not an index, or the subject itself); `None` when there is
/// no such tag.
pub(super) fn current(store: &dyn Store, subject: &Descriptor) -> Result<Option<ImageIndex>> {
    match read_fallback_index(store, &fallback_tag(&subject.digest), subject)? {
        Read::Index(found) => Ok(found.digest.is_some().then_some(found.index)),
        Read::Failed(e) => Err(e),
    }
}

/// Reads the index, or says why not (at -v) and returns `None`.
fn read_index(
    store: &dyn Store,
    tag: &str,
    subject: &Descriptor,
) -> Result<Option<Box<FallbackIndex>>> {
    Ok(match read_fallback_index(store, tag, subject)? {
        Read::Index(index) => Some(index),
        Read::Failed(e) => {
            tracing::warn!("{}; reading the referrers index again", e.report());
            None
        }
    })
}

/// Superseded index digests an index records, without `current`.
pub(crate) fn superseded_of(index: &ImageIndex, current: &str) -> Vec<String> {
    index
        .annotations
        .get(ANNOTATION_SUPERSEDED)
        .map(|list| {
            list.split(',')
                .filter(|d| digest::is_valid(d) && *d != current)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The index to write in place of `index` (whose manifest digest is
/// `replaced`): its entries but those `change` drops, filled in as
/// `change` says, plus every `known` entry it lacks; the replaced version
/// recorded as superseded.
fn successor(
    index: &ImageIndex,
    replaced: Option<&str>,
    known: &[Descriptor],
    change: &Change,
) -> ImageIndex {
    let mut next = index.clone();
    next.manifests.retain(|d| !change.drop.contains(&d.digest));
    for entry in &mut next.manifests {
        if let Some(wanted) = change.put.iter().find(|w| w.digest == entry.digest)
            && !satisfies(entry, wanted)
        {
            *entry = filled(entry, wanted);
        }
    }
    let mut present: HashSet<String> = next.manifests.iter().map(|d| d.digest.clone()).collect();
    for k in known {
        if present.insert(k.digest.clone()) {
            next.manifests.push(k.clone());
        }
    }
    if next.manifests == index.manifests {
        return next;
    }
    if let Some(old) = replaced {
        let mut list: Vec<String> = vec![old.to_string()];
        if let Some(previous) = index.annotations.get(ANNOTATION_SUPERSEDED) {
            list.extend(
                previous
                    .split(',')
                    .map(str::to_string)
                    .filter(|d| !d.is_empty()),
            );
        }
        list.dedup();
        list.truncate(SUPERSEDED_KEEP);
        next.annotations
            .insert(ANNOTATION_SUPERSEDED.into(), list.join(","));
    }
    next
}

/// Whether a refused tag write says the tag may not move: docker
/// distribution's `TAG_INVALID` code, or the words registries use for it
/// (GAR's and ECR's messages; ECR's `ImageTagAlreadyExistsException`).
fn looks_immutable(refusal: Refusal, codes: &[ErrorCode], body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    matches!(
        refusal,
        Refusal::Invalid | Refusal::Denied | Refusal::NotAllowed | Refusal::Conflict
    ) && (codes.contains(&ErrorCode::TagInvalid)
        || lower.contains("immutab")
        || lower.contains("already exists")
        || lower.contains("tagalreadyexists"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immutable_tag_refusals_are_recognised() {
        // Google Artifact Registry and ECR wordings, and distribution's code.
        assert!(looks_immutable(
            Refusal::Invalid,
            &[],
            "tag sha256-abc is immutable and cannot be overwritten"
        ));
        let body = r#"{"errors":[{"code":"TAG_INVALID","message":"The image tag 'sha256-abc' already exists in the 'r' repository and cannot be overwritten because the repository is immutable."}]}"#;
        assert!(looks_immutable(
            Refusal::Invalid,
            &ErrorCode::all_in(body.as_bytes()),
            body
        ));
        // The code alone is enough, whatever the message says.
        let body = r#"{"errors":[{"code":"TAG_INVALID","message":"no"}]}"#;
        assert!(looks_immutable(
            Refusal::Conflict,
            &ErrorCode::all_in(body.as_bytes()),
            body
        ));
        assert!(!looks_immutable(
            Refusal::Invalid,
            &[],
            "manifest invalid: unknown blob"
        ));
        let body = r#"{"errors":[{"code":"MANIFEST_INVALID","message":"tag_invalid"}]}"#;
        assert!(!looks_immutable(
            Refusal::Invalid,
            &ErrorCode::all_in(body.as_bytes()),
            body
        ));
        assert!(!looks_immutable(
            Refusal::Unavailable(500),
            &[ErrorCode::TagInvalid],
            "immutable"
        ));
    }

    #[test]
    fn fallback_tags_follow_the_spec() {
        let hex = "a".repeat(64);
        assert_eq!(
            fallback_tag(&format!("sha256:{hex}")),
            format!("sha256-{hex}")
        );
        let long = format!("{}:{}", "x".repeat(40), "b".repeat(128));
        assert_eq!(
            fallback_tag(&long),
            format!("{}-{}", "x".repeat(32), "b".repeat(64))
        );
        assert_eq!(fallback_tag("sha+256:a/b"), "sha-256-a-b");
    }

    #[test]
    fn successor_keeps_everything_and_records_what_it_replaced() {
        let a = Descriptor::of_bytes("m", b"a");
        let b = Descriptor::of_bytes("m", b"b");
        let mut index = ImageIndex::empty();
        index.manifests.push(a.clone());
        let old = digest::sha256_of(b"old");
        let next = successor(
            &index,
            Some(&old),
            &[a.clone(), b.clone()],
            &Change::default(),
        );
        assert_eq!(next.manifests, vec![a, b]);
        assert_eq!(superseded_of(&next, "x"), vec![old]);
    }

    #[test]
    fn successor_fills_in_and_drops_but_keeps_the_rest() {
        let mut bare = Descriptor::of_bytes("m", b"bare");
        bare.extra
            .insert("platform".into(), serde_json::json!({"os": "linux"}));
        let gone = Descriptor::of_bytes("m", b"gone");
        let other = Descriptor::of_bytes("m", b"other");
        let mut index = ImageIndex::empty();
        index.manifests = vec![bare.clone(), gone.clone()];
        let mut wanted = Descriptor::of_bytes("m", b"bare");
        wanted.artifact_type = Some("t".into());
        wanted.annotations.insert("k".into(), "v".into());
        let change = Change {
            put: vec![wanted.clone()],
            drop: HashSet::from([gone.digest.clone()]),
            create: false,
        };
        let mut known = Known::default();
        known.add(&[bare.clone(), gone.clone(), other.clone()], &change);
        let next = successor(&index, Some("sha256:old"), &known.entries, &change);
        assert_eq!(next.manifests.len(), 2, "{next:?}");
        assert_eq!(next.manifests[0].artifact_type.as_deref(), Some("t"));
        assert_eq!(next.manifests[0].annotations["k"], "v");
        assert_eq!(next.manifests[0].extra["platform"]["os"], "linux");
        assert_eq!(next.manifests[1], other);
        assert!(known.all_in(&next, &change));
        assert!(!known.all_in(&index, &change));
        // Nothing to change: the index stays as it is, superseded list too.
        assert_eq!(successor(&next, Some("x"), &known.entries, &change), next);
    }
}
