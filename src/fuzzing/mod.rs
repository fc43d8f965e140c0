//! Entry points for the cargo-fuzz targets in `fuzz/`, one per family of
//! parsers that read outside input. Each takes raw bytes, runs the crate's
//! own parsers on them, and asserts what must hold of whatever they accept
//! (round trips, well-formedness, consistency between parsers of the same
//! document) — a failed assertion is a finding like any panic.
//!
//! Not an API: hidden from the docs, and free to change with the parsers.
//! Map: docs/architecture.md#fuzzing

mod inputs;
mod registry;
mod signing;

pub use inputs::{cargo_stream, checksums, credentials, subject_lists};
pub use registry::{challenges, link_header, manifests, references, token_response};
pub use signing::{bundles, keys, rekor_v1_answers};
// For the unit tests that check the signed seeds.
#[cfg(test)]
pub(crate) use signing::{fuzz_logged_envelope, fuzz_signing_key};

/// A fuzz target's entry point.
pub type Entry = fn(&[u8]);

/// Every target, by the name of its `fuzz/fuzz_targets/<name>.rs`.
pub const TARGETS: [(&str, Entry); 12] = [
    ("references", references),
    ("challenges", challenges),
    ("manifests", manifests),
    ("link_header", link_header),
    ("token_response", token_response),
    ("bundles", bundles),
    ("checksums", checksums),
    ("keys", keys),
    ("credentials", credentials),
    ("cargo_stream", cargo_stream),
    ("rekor_v1_answers", rekor_v1_answers),
    ("subject_lists", subject_lists),
];

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every seed (and every past finding kept as a seed) passes its
    /// target: `cargo test` replays the corpus without cargo-fuzz. A target
    /// without seeds, or a seed directory no target reads, fails the test:
    /// a replay that replays nothing must not pass.
    #[test]
    fn seeds_pass() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let seeds = fuzz.join("seeds");
        let mut failed = Vec::new();
        let mut problems = Vec::new();
        let mut replayed = 0;
        for (name, run) in super::TARGETS {
            let target = fuzz.join("fuzz_targets").join(format!("{name}.rs"));
            if !target.is_file() {
                problems.push(format!("no fuzz target {}", target.display()));
            }
            let dir = seeds.join(name);
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) => {
                    problems.push(format!("cannot read seed directory {}: {e}", dir.display()));
                    continue;
                }
            };
            let mut count = 0;
            for entry in entries {
                let path = entry.unwrap().path();
                if !path.is_file() {
                    problems.push(format!("{} is not a seed file", path.display()));
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                count += 1;
                if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                    failed.push(path.display().to_string());
                }
            }
            if count == 0 {
                problems.push(format!("seed directory {} holds no seed", dir.display()));
            }
            replayed += count;
        }
        // Seeds under a name no target has are never replayed: a renamed
        // target whose seeds were left behind.
        if let Ok(entries) = std::fs::read_dir(&seeds) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !super::TARGETS.iter().any(|(t, _)| *t == name) {
                    problems.push(format!(
                        "{} belongs to no target in fuzzing::TARGETS",
                        entry.path().display()
                    ));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "fuzz seeds are incomplete (every target needs seeds in fuzz/seeds/<target>/): {problems:#?}"
        );
        assert!(failed.is_empty(), "seeds failing their target: {failed:#?}");
        assert!(replayed > 0);
    }
}
