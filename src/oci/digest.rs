//! Content digests as the OCI specs spell them: `sha256:<64 hex>` or
//! `sha512:<128 hex>`, lowercase. Everything read from a registry or a
//! layout is checked against its digest with [`verify`] before it is used.

use sha2::{Digest as _, Sha256, Sha512};

/// `sha256:<hex>` of `bytes`.
pub(crate) fn sha256_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Whether `digest` is a well-formed sha256 or sha512 digest.
pub(crate) fn is_valid(digest: &str) -> bool {
    match digest.split_once(':') {
        Some(("sha256", hex)) => is_lower_hex(hex, 64),
        Some(("sha512", hex)) => is_lower_hex(hex, 128),
        _ => false,
    }
}

fn is_lower_hex(hex: &str, len: usize) -> bool {
    hex.len() == len && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The hex part of a digest (`sha256:abc` -> `abc`).
pub(crate) fn hex_part(digest: &str) -> &str {
    digest.split_once(':').map_or(digest, |(_, hex)| hex)
}

/// Content that does not hash to the digest it was asked for.
#[derive(Debug, thiserror::Error)]
#[error("content of {expected} hashes to {actual}")]
pub(crate) struct Mismatch {
    pub(crate) expected: String,
    pub(crate) actual: String,
}

/// Checks that `bytes` hash to `expected` (sha256 or sha512).
pub(crate) fn verify(bytes: &[u8], expected: &str) -> Result<(), Mismatch> {
    let actual = match expected.split_once(':') {
        Some(("sha512", _)) => format!("sha512:{}", hex::encode(Sha512::digest(bytes))),
        _ => sha256_of(bytes),
    };
    if is_valid(expected) && actual == expected {
        Ok(())
    } else {
        Err(Mismatch {
            expected: expected.to_string(),
            actual,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_verifies() {
        let d = sha256_of(b"{}");
        assert!(is_valid(&d));
        assert!(verify(b"{}", &d).is_ok());
        assert!(verify(b"{ }", &d).is_err());
        assert!(!is_valid("sha256:ABC"));
        assert!(!is_valid(&d.to_uppercase()));
        assert!(!is_valid("md5:00"));
        let sha512 = format!("sha512:{}", hex::encode(Sha512::digest(b"x")));
        assert!(verify(b"x", &sha512).is_ok());
        assert_eq!(hex_part(&d).len(), 64);
    }
}
