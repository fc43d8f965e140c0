//! The helpers the Sigstore stack needs (sigstore_stack.rs,
//! rekor_v1_stack.rs, sigstore_instances.rs) that do not need the built
//! binary, so that examples/sigstore-stack.rs can include them as its
//! `support` module (`support.rs` re-exports them for the tests).

use std::path::Path;

/// A peer the test needs is missing: the test fails, saying how to install
/// it. Never a silent pass: a run without its peers proves nothing.
pub fn missing_peer(what: &str) -> ! {
    panic!("{what} is missing: run scripts/setup-test-peers.sh (it installs every test peer)");
}

pub fn have_command(name: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|p| p.join(name).is_file()))
        .unwrap_or(false)
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Fails unless the exit code is `code`, the error is on stderr, and
    /// nothing panicked.
    #[track_caller]
    pub fn fails_with(&self, code: i32, needle: &str) -> &Self {
        assert_eq!(
            self.code, code,
            "wrong exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic:\n{}", self.stderr);
        self
    }
}

/// Decodes the DSSE payload of a bundle file.
pub fn bundle_payload(path: &Path) -> (serde_json::Value, Vec<u8>) {
    use base64::Engine;
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let b64 = bundle["dsseEnvelope"]["payload"].as_str().unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    (serde_json::from_slice(&bytes).unwrap(), bytes)
}
