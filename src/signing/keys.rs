//! Signing and verification keys: generation, PKCS#8/SPKI encodings, key ids.
//!
//! P-256 signs through sigstore-crypto (aws-lc-rs underneath) and Ed25519
//! through ed25519-dalek. PKCS#8 parsing and password-based encryption use
//! the RustCrypto `pkcs8` crate. Nothing here implements a primitive itself.

use std::fmt;

use pkcs8::der::Decode;
use pkcs8::{EncryptedPrivateKeyInfoRef, ObjectIdentifier, PrivateKeyInfoRef, SecretDocument};
use sha2::{Digest, Sha256};
use sigstore_crypto::{KeyPair, VerificationKey};
use sigstore_types::{DerPublicKey, SignatureBytes};
use zeroize::Zeroizing;

/// id-ecPublicKey (RFC 5480).
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1 / prime256v1.
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// id-Ed25519 (RFC 8410).
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

const PEM_PRIVATE: &str = "PRIVATE KEY";
const PEM_ENCRYPTED: &str = "ENCRYPTED PRIVATE KEY";
const PEM_PUBLIC: &str = "PUBLIC KEY";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub(crate) enum Algorithm {
    #[serde(rename = "ecdsa-p256")]
    EcdsaP256,
    #[serde(rename = "ed25519")]
    Ed25519,
}

impl Algorithm {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Algorithm::EcdsaP256 => "ecdsa-p256",
            Algorithm::Ed25519 => "ed25519",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a key could not be loaded. Kept apart from the crate error so callers
/// can tell "needs a passphrase" from "wrong passphrase" and word the remedy.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    #[error("not a PEM file: {0}")]
    NotPem(String),
    #[error("PEM block is `{0}`, expected a PKCS#8 `PRIVATE KEY` or `ENCRYPTED PRIVATE KEY`")]
    WrongPemLabel(String),
    #[error("PEM block is `{0}`, expected a `PUBLIC KEY` (SubjectPublicKeyInfo) or a private key")]
    WrongPublicPemLabel(String),
    #[error("the key is encrypted and needs a passphrase")]
    PassphraseRequired,
    #[error("wrong passphrase, or the encrypted key is damaged")]
    WrongPassphrase,
    #[error("malformed key: {0}")]
    Malformed(String),
    #[error("unsupported key type {0}: use an ECDSA P-256 or Ed25519 key")]
    Unsupported(String),
    #[error("key operation failed: {0}")]
    Crypto(String),
}

/// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. Used as the
/// bundle's `publicKey.hint` and wherever we name a key to people: stable,
/// derivable by any verifier from the public key alone, and free of names a
/// user picked.
pub(crate) fn key_id_of_spki(spki_der: &[u8]) -> String {
    hex::encode(Sha256::digest(spki_der))
}

/// The OpenSSH SHA-256 fingerprint of a key (`SHA256:` and the unpadded
/// base64 of SHA-256 over the SSH wire encoding), as `ssh-keygen -l` prints
/// it. It is the DSSE signature's `keyid` because go-securesystemslib
/// derives exactly this id for a key (`dsse.SHA256KeyID`) and skips a
/// signature whose non-empty `keyid` differs, which is how cosign and
/// sigstore-go check DSSE; an id they could not derive would make every
/// bundle unverifiable there.
fn ssh_fingerprint(algorithm: Algorithm, point: &[u8]) -> Option<String> {
    use base64::Engine;
    fn string(out: &mut Vec<u8>, bytes: &[u8]) {
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    let mut wire = Vec::new();
    match algorithm {
        // SSH carries the uncompressed point only (RFC 5656 via Go's
        // elliptic.Marshal); a compressed one would give another id.
        Algorithm::EcdsaP256 if point.len() == 65 && point[0] == 4 => {
            string(&mut wire, b"ecdsa-sha2-nistp256");
            string(&mut wire, b"nistp256");
            string(&mut wire, point);
        }
        Algorithm::Ed25519 if point.len() == 32 => {
            string(&mut wire, b"ssh-ed25519");
            string(&mut wire, point);
        }
        _ => return None,
    }
    let digest = Sha256::digest(&wire);
    Some(format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    ))
}

/// A public key, as DER SubjectPublicKeyInfo.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PublicKey {
    algorithm: Algorithm,
    spki_der: Vec<u8>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm)
            .field("key_id", &self.key_id())
            .finish()
    }
}

impl PublicKey {
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = pkcs8::spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| KeyError::Malformed(e.to_string()))?;
        let algorithm = algorithm_of(
            spki.algorithm.oid,
            spki.algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok()),
        )?;
        // Only a key we can verify with: the verifier's own SPKI checks
        // (no unused bits, no stray parameters), and a point on the curve.
        VerificationKey::from_spki(&DerPublicKey::new(der.to_vec()))
            .map_err(|e| KeyError::Malformed(e.to_string()))?;
        let point = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| KeyError::Malformed("public key BIT STRING has unused bits".into()))?;
        let verifier: &'static dyn aws_lc_rs::signature::VerificationAlgorithm = match algorithm {
            Algorithm::EcdsaP256 => &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1,
            Algorithm::Ed25519 => &aws_lc_rs::signature::ED25519,
        };
        aws_lc_rs::signature::ParsedPublicKey::new(verifier, point)
            .map_err(|e| KeyError::Malformed(format!("not a valid {algorithm} public key: {e}")))?;
        Ok(PublicKey {
            algorithm,
            spki_der: der.to_vec(),
        })
    }

    /// Reads a `PUBLIC KEY` PEM. A private key PEM (plain) is accepted too,
    /// and its public half used, since users often have only that file; an
    /// encrypted one is [`KeyError::PassphraseRequired`].
    pub(crate) fn from_pem(pem_text: &str) -> Result<Self, KeyError> {
        let (label, der) = decode_pem(pem_text)?;
        match label.as_str() {
            PEM_PUBLIC => Self::from_spki_der(&der),
            PEM_PRIVATE => Ok(SigningKey::from_pkcs8_der(&der)?.public_key()),
            PEM_ENCRYPTED => Err(KeyError::PassphraseRequired),
            _ => Err(KeyError::WrongPublicPemLabel(label)),
        }
    }

    pub(crate) fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub(crate) fn key_id(&self) -> String {
        key_id_of_spki(&self.spki_der)
    }

    /// The `keyid` of DSSE signatures made with this key: its OpenSSH
    /// SHA-256 fingerprint (see [`ssh_fingerprint`]). `None` for a P-256
    /// key given with a compressed point, which no key of ours is.
    pub(crate) fn dsse_key_id(&self) -> Option<String> {
        let spki = pkcs8::spki::SubjectPublicKeyInfoRef::from_der(&self.spki_der).ok()?;
        ssh_fingerprint(self.algorithm, spki.subject_public_key.raw_bytes())
    }

    /// The DER SubjectPublicKeyInfo.
    pub(crate) fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    pub(crate) fn to_pem(&self) -> String {
        pem_encode(PEM_PUBLIC, &self.spki_der)
    }

    /// Checks `signature` over `message`. ECDSA signatures are ASN.1 DER.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        let key = VerificationKey::from_spki(&DerPublicKey::new(self.spki_der.clone()))
            .map_err(|e| KeyError::Malformed(e.to_string()))?;
        key.verify(message, &SignatureBytes::from_bytes(signature))
            .map_err(|e| KeyError::Crypto(e.to_string()))
    }
}

enum Signer {
    P256(KeyPair),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

/// A private signing key. Its PKCS#8 DER is kept (zeroized on drop) because
/// the keyring stores that encoding and `key export --private` writes it.
pub(crate) struct SigningKey {
    signer: Signer,
    pkcs8_der: Zeroizing<Vec<u8>>,
    public: PublicKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print key material, whatever the verbosity.
        f.debug_struct("SigningKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    pub(crate) fn generate(algorithm: Algorithm) -> Result<Self, KeyError> {
        match algorithm {
            Algorithm::EcdsaP256 => {
                let rng = aws_lc_rs::rand::SystemRandom::new();
                let doc = aws_lc_rs::signature::EcdsaKeyPair::generate_pkcs8(
                    &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
                    &rng,
                )
                .map_err(|e| KeyError::Crypto(e.to_string()))?;
                Self::from_pkcs8_der(doc.as_ref())
            }
            Algorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                getrandom::fill(seed.as_mut()).map_err(|e| KeyError::Crypto(e.to_string()))?;
                let key = ed25519_dalek::SigningKey::from_bytes(&seed);
                let der = ed25519_pkcs8(&key)?;
                Self::from_pkcs8_der(&der)
            }
        }
    }

    /// Loads an unencrypted PKCS#8 DER private key of a supported type.
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let info =
            PrivateKeyInfoRef::from_der(der).map_err(|e| KeyError::Malformed(e.to_string()))?;
        let curve = info
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        match algorithm_of(info.algorithm.oid, curve)? {
            Algorithm::EcdsaP256 => {
                let pair =
                    KeyPair::from_pkcs8_der(der).map_err(|e| KeyError::Malformed(e.to_string()))?;
                let spki = pair
                    .public_key_der()
                    .map_err(|e| KeyError::Crypto(e.to_string()))?;
                Ok(SigningKey {
                    public: PublicKey {
                        algorithm: Algorithm::EcdsaP256,
                        spki_der: spki.as_bytes().to_vec(),
                    },
                    signer: Signer::P256(pair),
                    pkcs8_der: Zeroizing::new(der.to_vec()),
                })
            }
            Algorithm::Ed25519 => {
                use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePublicKey};
                let key = ed25519_dalek::SigningKey::from_pkcs8_der(der)
                    .map_err(|e| KeyError::Malformed(e.to_string()))?;
                let spki = key
                    .verifying_key()
                    .to_public_key_der()
                    .map_err(|e| KeyError::Crypto(e.to_string()))?;
                Ok(SigningKey {
                    public: PublicKey {
                        algorithm: Algorithm::Ed25519,
                        spki_der: spki.as_bytes().to_vec(),
                    },
                    pkcs8_der: ed25519_pkcs8(&key)?,
                    signer: Signer::Ed25519(Box::new(key)),
                })
            }
        }
    }

    /// Loads a PKCS#8 PEM private key, plain or encrypted (PBES2).
    pub(crate) fn from_pem(pem_text: &str, passphrase: Option<&[u8]>) -> Result<Self, KeyError> {
        let (label, der) = decode_pem(pem_text)?;
        let der = Zeroizing::new(der);
        match label.as_str() {
            PEM_PRIVATE => Self::from_pkcs8_der(&der),
            PEM_ENCRYPTED => {
                let passphrase = passphrase.ok_or(KeyError::PassphraseRequired)?;
                let encrypted = EncryptedPrivateKeyInfoRef::from_der(&der)
                    .map_err(|e| KeyError::Malformed(e.to_string()))?;
                let plain = encrypted
                    .decrypt(passphrase)
                    .map_err(|_| KeyError::WrongPassphrase)?;
                Self::from_pkcs8_der(plain.as_bytes())
            }
            _ => Err(KeyError::WrongPemLabel(label)),
        }
    }

    pub(crate) fn algorithm(&self) -> Algorithm {
        self.public.algorithm
    }

    pub(crate) fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    pub(crate) fn key_id(&self) -> String {
        self.public.key_id()
    }

    pub(crate) fn dsse_key_id(&self) -> Option<String> {
        self.public.dsse_key_id()
    }

    pub(crate) fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8_der
    }

    /// PKCS#8 PEM of the private key; encrypted (scrypt + AES-256-CBC) when a
    /// passphrase is given.
    pub(crate) fn to_pem(&self, passphrase: Option<&[u8]>) -> Result<Zeroizing<String>, KeyError> {
        match passphrase {
            None => Ok(Zeroizing::new(pem_encode(PEM_PRIVATE, &self.pkcs8_der))),
            Some(pass) => {
                let info = PrivateKeyInfoRef::from_der(&self.pkcs8_der)
                    .map_err(|e| KeyError::Malformed(e.to_string()))?;
                let doc: SecretDocument = info
                    .encrypt(pass)
                    .map_err(|e| KeyError::Crypto(e.to_string()))?;
                Ok(Zeroizing::new(pem_encode(PEM_ENCRYPTED, doc.as_bytes())))
            }
        }
    }

    /// Signs `message`. ECDSA P-256 hashes with SHA-256 and returns an ASN.1
    /// DER signature, the encoding DSSE verifiers expect; Ed25519 is pure EdDSA.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &self.signer {
            Signer::P256(pair) => pair
                .sign(message)
                .map(|s| s.as_bytes().to_vec())
                .map_err(|e| KeyError::Crypto(e.to_string())),
            Signer::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                Ok(key.sign(message).to_bytes().to_vec())
            }
        }
    }
}

/// PKCS#8 v1 (no embedded public key): OpenSSL 3.0, and so Node and most
/// tools, cannot read the v2 `OneAsymmetricKey` form ed25519-dalek writes.
fn ed25519_pkcs8(key: &ed25519_dalek::SigningKey) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    use pkcs8::der::Encode;
    let doc = key
        .to_pkcs8_der()
        .map_err(|e| KeyError::Crypto(e.to_string()))?;
    let mut info =
        PrivateKeyInfoRef::from_der(doc.as_bytes()).map_err(|e| KeyError::Crypto(e.to_string()))?;
    info.public_key = None;
    let der = info.to_der().map_err(|e| KeyError::Crypto(e.to_string()))?;
    Ok(Zeroizing::new(der))
}

fn algorithm_of(
    oid: ObjectIdentifier,
    curve: Option<ObjectIdentifier>,
) -> Result<Algorithm, KeyError> {
    if oid == OID_ED25519 {
        Ok(Algorithm::Ed25519)
    } else if oid == OID_EC_PUBLIC_KEY {
        match curve {
            Some(c) if c == OID_P256 => Ok(Algorithm::EcdsaP256),
            Some(c) => Err(KeyError::Unsupported(format!("EC curve {c}"))),
            None => Err(KeyError::Malformed("EC key without a named curve".into())),
        }
    } else {
        Err(KeyError::Unsupported(format!("algorithm {oid}")))
    }
}

fn decode_pem(text: &str) -> Result<(String, Vec<u8>), KeyError> {
    if !text.trim_start().starts_with("-----BEGIN ") {
        return Err(KeyError::NotPem(
            "it does not start with a `-----BEGIN ...-----` line; give a PEM key file \
             (`cargo attest key generate --output k.pem` writes one)"
                .into(),
        ));
    }
    let (label, der) = pkcs8::der::pem::decode_vec(text.trim().as_bytes())
        .map_err(|e| KeyError::NotPem(e.to_string()))?;
    Ok((label.to_string(), der))
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    // Encoding a byte slice as PEM cannot fail except for an invalid label,
    // and our labels are constants.
    pkcs8::der::pem::encode_string(label, pkcs8::der::pem::LineEnding::LF, der)
        .expect("PEM encoding with a constant label")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_both_algorithms_plain_and_encrypted() {
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            let key = SigningKey::generate(alg).unwrap();
            assert_eq!(key.algorithm(), alg);
            // v1 PrivateKeyInfo: version 0, readable by OpenSSL 3.0.
            let info = PrivateKeyInfoRef::from_der(key.pkcs8_der()).unwrap();
            assert!(info.public_key.is_none(), "{alg}");
            let sig = key.sign(b"hello").unwrap();
            key.public_key().verify(b"hello", &sig).unwrap();
            assert!(key.public_key().verify(b"hellO", &sig).is_err());

            let plain = key.to_pem(None).unwrap();
            let back = SigningKey::from_pem(&plain, None).unwrap();
            assert_eq!(back.key_id(), key.key_id());

            let enc = key.to_pem(Some(b"s3cret")).unwrap();
            assert!(enc.contains("ENCRYPTED PRIVATE KEY"));
            assert!(matches!(
                SigningKey::from_pem(&enc, None),
                Err(KeyError::PassphraseRequired)
            ));
            assert!(matches!(
                SigningKey::from_pem(&enc, Some(b"wrong")),
                Err(KeyError::WrongPassphrase)
            ));
            let back = SigningKey::from_pem(&enc, Some(b"s3cret")).unwrap();
            assert_eq!(back.key_id(), key.key_id());

            let public = PublicKey::from_pem(&key.public_key().to_pem()).unwrap();
            assert_eq!(public, key.public_key());
            assert_eq!(public.key_id().len(), 64);
        }
    }

    #[test]
    fn dsse_key_ids_are_openssh_fingerprints() {
        // Expected values printed by `ssh-keygen -l` for these keys.
        let p256 = "-----BEGIN PUBLIC KEY-----\n\
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgKd8x49wcuu1Q+TuZlkg2cf996oO\n\
LfZst1NB95xL/w3HknX5RBO5R/+7LaCMJ7aP/y8G3Fj31LCTIK6cSDk4eQ==\n\
-----END PUBLIC KEY-----\n";
        let ed25519 = "-----BEGIN PUBLIC KEY-----\n\
MCowBQYDK2VwAyEA5Hm9scRoc4MgxBFQtfKMy43yZ9K9Ab8QAQyGEKFA41w=\n\
-----END PUBLIC KEY-----\n";
        for (pem, want) in [
            (p256, "SHA256:ydG9BdfdOhcWeczE6ftPUV4U4wTVNx/zTGc3Dk7VcZw"),
            (
                ed25519,
                "SHA256:G53Hic+6UaSMiof1Ppf1Pq+c1B42ih4CXKtUKVAqc5s",
            ),
        ] {
            let key = PublicKey::from_pem(pem).unwrap();
            assert_eq!(key.dsse_key_id().as_deref(), Some(want));
        }
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            let key = SigningKey::generate(alg).unwrap();
            assert!(key.dsse_key_id().unwrap().starts_with("SHA256:"));
        }
    }

    #[test]
    fn debug_output_has_no_key_material() {
        let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let debug = format!("{key:?}");
        let pem = key.to_pem(None).unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(!debug.contains(&body[..20]));
    }

    #[test]
    fn rejects_public_keys_it_cannot_verify_with() {
        // Found by fuzzing: an Ed25519 SPKI whose BIT STRING has an unused
        // bit was accepted, then every verification failed as a "bad
        // signature".
        let unused_bits = hex::decode(
            "302a300506032b65700321010003 77ebf23027326fefee4d26537c09b4000000000000003e20e045d1bb58b5"
                .replace(' ', ""),
        )
        .unwrap();
        assert!(PublicKey::from_spki_der(&unused_bits).is_err());
        // A P-256 point that is not on the curve, and a short Ed25519 key.
        let key = SigningKey::generate(Algorithm::EcdsaP256).unwrap();
        let mut off_curve = key.public_key().spki_der.clone();
        let last = off_curve.len() - 1;
        off_curve[last] ^= 1;
        assert!(matches!(
            PublicKey::from_spki_der(&off_curve),
            Err(KeyError::Malformed(_))
        ));
        let short = hex::decode(format!("3029300506032b6570032000{}", "11".repeat(31))).unwrap();
        assert!(PublicKey::from_spki_der(&short).is_err());
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            let public = SigningKey::generate(alg).unwrap().public_key();
            assert_eq!(PublicKey::from_spki_der(&public.spki_der).unwrap(), public);
        }
    }

    #[test]
    fn rejects_garbage_pem() {
        assert!(matches!(
            SigningKey::from_pem("hello", None),
            Err(KeyError::NotPem(_))
        ));
        let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            SigningKey::from_pem(cert, None),
            Err(KeyError::WrongPemLabel(_))
        ));
    }
}
