//! Capability memory: the attach verdict per (registry, repository), kept
//! on disk with a time to live so a Makefile loop does not probe on every
//! run. The file is `capabilities.json` in the cache directory the settings
//! resolve (`$CARGO_ATTEST_CACHE_DIR`, else `$XDG_CACHE_HOME/cargo-attest`,
//! else `~/.cache/cargo-attest`).

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// How long a verdict is trusted.
pub(crate) const TTL: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Verdict {
    /// The referrers API answered with our manifest listed.
    ReferrersApi,
    /// No working API: the referrers tag schema.
    TagFallback,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    verdict: Verdict,
    /// Seconds since the Unix epoch.
    checked_at: u64,
    /// What the decision rested on, for people reading the file.
    evidence: String,
}

pub(crate) struct Memory {
    path: Option<PathBuf>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn key(registry: &str, repository: &str) -> String {
    format!("{}/{repository}", registry.to_ascii_lowercase())
}

impl Memory {
    /// The memory in cache directory `dir` (none: nothing is remembered).
    pub(crate) fn in_dir(dir: Option<&std::path::Path>) -> Self {
        Memory {
            path: dir.map(|d| d.join("capabilities.json")),
        }
    }

    fn read(&self) -> BTreeMap<String, Entry> {
        self.path
            .as_ref()
            .and_then(|p| std::fs::File::open(p).ok())
            .and_then(|f| {
                // A memory file of more than 16 MiB is not ours: start afresh.
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::Read::take(f, 16 << 20), &mut bytes)
                    .ok()?;
                Some(bytes)
            })
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// A verdict younger than the TTL.
    pub(crate) fn get(&self, registry: &str, repository: &str) -> Option<Verdict> {
        let entry = self.read().remove(&key(registry, repository))?;
        (now().saturating_sub(entry.checked_at) < TTL.as_secs()).then_some(entry.verdict)
    }

    /// Records a verdict. Failing to write only costs a probe next time, so
    /// errors are returned for a warning, never fatal.
    pub(crate) fn set(
        &self,
        registry: &str,
        repository: &str,
        verdict: Verdict,
        evidence: &str,
    ) -> std::io::Result<()> {
        self.update(|map| {
            map.insert(
                key(registry, repository),
                Entry {
                    verdict,
                    checked_at: now(),
                    evidence: evidence.to_string(),
                },
            );
        })
    }

    /// Forgets one repository's verdict, or every verdict of a registry
    /// when `repository` is None. Returns how many were forgotten.
    pub(crate) fn forget(
        &self,
        registry: &str,
        repository: Option<&str>,
    ) -> std::io::Result<usize> {
        let mut removed = 0;
        let prefix = format!("{}/", registry.to_ascii_lowercase());
        self.update(|map| {
            let before = map.len();
            match repository {
                Some(r) => {
                    map.remove(&key(registry, r));
                }
                None => map.retain(|k, _| !k.starts_with(&prefix)),
            }
            removed = before - map.len();
        })?;
        Ok(removed)
    }

    fn update(&self, change: impl FnOnce(&mut BTreeMap<String, Entry>)) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let dir = path.parent().expect("a file in a directory");
        std::fs::create_dir_all(dir)?;
        // One writer at a time; the file is replaced atomically.
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("capabilities.lock"))?;
        lock.lock()?;
        let mut map = self.read();
        change(&mut map);
        let mut tmp = tempfile::Builder::new()
            .prefix(".capabilities-")
            .tempfile_in(dir)?;
        tmp.write_all(&serde_json::to_vec_pretty(&map).map_err(std::io::Error::other)?)?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_forgets() {
        let dir = tempfile::tempdir().unwrap();
        let memory = Memory {
            path: Some(dir.path().join("capabilities.json")),
        };
        assert_eq!(memory.get("r:5000", "a/b"), None);
        memory
            .set("r:5000", "a/b", Verdict::TagFallback, "404")
            .unwrap();
        memory
            .set("r:5000", "a/c", Verdict::ReferrersApi, "listed")
            .unwrap();
        assert_eq!(memory.get("R:5000", "a/b"), Some(Verdict::TagFallback));
        assert_eq!(memory.forget("r:5000", Some("a/b")).unwrap(), 1);
        assert_eq!(memory.get("r:5000", "a/b"), None);
        assert_eq!(memory.forget("r:5000", None).unwrap(), 1);
        assert_eq!(memory.get("r:5000", "a/c"), None);
    }
}
