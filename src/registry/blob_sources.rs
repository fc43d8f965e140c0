//! Where we pushed which blob, per registry: so a blob the registry already
//! holds in another repository is mounted (`POST ?mount=DIGEST&from=REPO`)
//! instead of uploaded again, as docker does with its own record. The
//! record is a hint: a mount the registry refuses becomes an upload.
//! File: `blob-sources.json` in the cache directory; bounded.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Blobs remembered per registry host (the oldest are forgotten first).
const KEEP_PER_HOST: usize = 1024;

#[derive(Default, Serialize, Deserialize)]
struct Record {
    /// host -> digest -> (repository, sequence number for age).
    hosts: BTreeMap<String, BTreeMap<String, (String, u64)>>,
    next: u64,
}

pub(crate) struct BlobSources {
    path: Option<PathBuf>,
}

impl BlobSources {
    pub(crate) fn in_dir(dir: Option<&Path>) -> Self {
        BlobSources {
            path: dir.map(|d| d.join("blob-sources.json")),
        }
    }

    fn read(&self) -> Record {
        let Some(path) = &self.path else {
            return Record::default();
        };
        let mut bytes = Vec::new();
        let read = std::fs::File::open(path).and_then(|f| f.take(4 << 20).read_to_end(&mut bytes));
        if read.is_err() {
            return Record::default();
        }
        serde_json::from_slice(&bytes).unwrap_or_default()
    }

    /// Another repository of `host` that received `digest`, if any.
    pub(crate) fn source(&self, host: &str, digest: &str, not: &str) -> Option<String> {
        self.read()
            .hosts
            .get(host)?
            .get(digest)
            .map(|(repo, _)| repo.clone())
            .filter(|repo| repo != not)
    }

    /// Records that `repository` of `host` holds `digest`. Failing to write
    /// only costs an upload later.
    pub(crate) fn record(&self, host: &str, digest: &str, repository: &str) {
        let Some(path) = &self.path else { return };
        let result = (|| -> std::io::Result<()> {
            let dir = path.parent().expect("a file in a directory");
            std::fs::create_dir_all(dir)?;
            let lock = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(dir.join("blob-sources.lock"))?;
            lock.lock()?;
            let mut record = self.read();
            record.next += 1;
            let seq = record.next;
            let blobs = record.hosts.entry(host.to_string()).or_default();
            blobs.insert(digest.to_string(), (repository.to_string(), seq));
            if blobs.len() > KEEP_PER_HOST {
                let mut ages: Vec<(u64, String)> =
                    blobs.iter().map(|(d, (_, s))| (*s, d.clone())).collect();
                ages.sort();
                for (_, d) in ages.into_iter().take(blobs.len() - KEEP_PER_HOST) {
                    blobs.remove(&d);
                }
            }
            let mut tmp = tempfile::Builder::new()
                .prefix(".blob-sources-")
                .tempfile_in(dir)?;
            tmp.write_all(&serde_json::to_vec(&record).map_err(std::io::Error::other)?)?;
            tmp.persist(path).map_err(|e| e.error)?;
            Ok(())
        })();
        if let Err(e) = result {
            tracing::debug!("blob sources not recorded: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_last_repository_and_forgets_the_oldest() {
        let dir = tempfile::tempdir().unwrap();
        let sources = BlobSources::in_dir(Some(dir.path()));
        assert_eq!(sources.source("r:1", "sha256:a", "x"), None);
        sources.record("r:1", "sha256:a", "team/one");
        assert_eq!(
            sources.source("r:1", "sha256:a", "team/two").as_deref(),
            Some("team/one")
        );
        assert_eq!(sources.source("r:1", "sha256:a", "team/one"), None);
        assert_eq!(sources.source("r:2", "sha256:a", "x"), None);
    }
}
