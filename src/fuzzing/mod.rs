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

pub use inputs::{cargo_stream, checksums, credentials};
pub use registry::{challenges, link_header, manifests, references, token_response};
pub use signing::{bundles, keys};

/// A fuzz target's entry point.
pub type Entry = fn(&[u8]);

/// Every target, by the name of its `fuzz/fuzz_targets/<name>.rs`.
pub const TARGETS: [(&str, Entry); 10] = [
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
];

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every seed (and every past finding kept as a seed) passes its
    /// target: `cargo test` replays the corpus without cargo-fuzz.
    #[test]
    fn seeds_pass() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let seeds = fuzz.join("seeds");
        let mut failed = Vec::new();
        for (name, run) in super::TARGETS {
            if fuzz.exists() {
                let target = fuzz.join("fuzz_targets").join(format!("{name}.rs"));
                assert!(target.exists(), "no {}", target.display());
            }
            let Ok(dir) = std::fs::read_dir(seeds.join(name)) else {
                continue;
            };
            for entry in dir {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                    failed.push(path.display().to_string());
                }
            }
        }
        assert!(failed.is_empty(), "seeds failing their target: {failed:#?}");
    }
}
