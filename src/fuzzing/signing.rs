//! Fuzz entry points over signed material: bundles, DSSE envelopes,
//! in-toto statements, keys.

use std::sync::OnceLock;

use serde_json::Value;

use crate::provenance::{Statement, source};
use crate::signing::IN_TOTO_PAYLOAD_TYPE;
use crate::signing::dsse::{DsseBundle, unverified_statement};
use crate::signing::keys::{KeyError, PublicKey, SigningKey};
use crate::strict_json::find_duplicate_key;
use crate::verify::policy::{Policy, check_policy, source_repositories};

use super::inputs::text;

/// A fixed Ed25519 key for the fuzz targets, so that seeds can be signed
/// and mutations of them verified. Derived from a constant: it protects
/// nothing.
pub(crate) fn fuzz_signing_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| {
        // PKCS#8 v1 for Ed25519: a fixed prefix and the 32-byte seed.
        let mut der = hex::decode("302e020100300506032b657004220420").unwrap();
        der.extend([0x42; 32]);
        SigningKey::from_pkcs8_der(&der).expect("the fuzz key loads")
    })
}

/// Sigstore bundles, their DSSE envelopes and the in-toto statements in
/// them.
pub fn bundles(data: &[u8]) {
    statement(data);
    let Some(text) = text(data) else { return };
    let bundle = match DsseBundle::parse(text) {
        Ok(b) => b,
        Err(_) => {
            assert!(unverified_statement(text, "fuzz").is_err());
            return;
        }
    };
    // Readers disagree on a repeated key (first or last wins): a bundle we
    // accept must mean one thing to all of them.
    assert!(
        find_duplicate_key(data).is_none(),
        "accepted a bundle with a key twice"
    );
    assert!(bundle.key_hint().is_none_or(|h| !h.is_empty()));
    let payload = bundle.unverified_payload();
    statement(payload);
    if let Ok(unverified) = unverified_statement(text, "fuzz") {
        let v: Value = serde_json::from_slice(payload).expect("the payload is JSON");
        assert_eq!(
            v.get("predicateType").and_then(Value::as_str),
            Some(unverified.predicate_type.as_str())
        );
        for hex in &unverified.sha256_subjects {
            assert!(unverified.names(&format!("sha256:{hex}")));
        }
    }
    let key = fuzz_signing_key();
    if let Ok(verified) = bundle.verify(&key.public_key()) {
        // Ed25519 signatures are deterministic: what verified must be the
        // signature this key makes over exactly the payload returned.
        assert_eq!(verified, payload);
        let ours = key
            .sign(&sigstore_types::pae(IN_TOTO_PAYLOAD_TYPE, verified))
            .unwrap();
        let sigs: Vec<Vec<u8>> = serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| v.pointer("/dsseEnvelope/signatures").cloned())
            .and_then(|s| s.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.get("sig")?.as_str().map(str::to_string))
            .filter_map(|s| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.decode(s).ok()
            })
            .collect();
        assert!(sigs.contains(&ours), "verified without our signature");
    }
}

/// An in-toto statement as verifiers read it.
fn statement(data: &[u8]) {
    let Ok(st) = Statement::from_json(data) else {
        return;
    };
    let value: Value = serde_json::from_slice(data).expect("a statement is JSON");
    assert!(value.is_object(), "a statement that is not a JSON object");
    assert!(
        find_duplicate_key(data).is_none(),
        "accepted a statement with a key twice"
    );
    let bytes = serde_json::to_vec(&st).expect("a statement serializes");
    let back: Statement = serde_json::from_slice(&bytes).expect("and reads back");
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&st).unwrap()
    );
    for repo in source_repositories(&st) {
        let _ = source::normalize_repo_url(&repo);
    }
    let policy = Policy {
        predicate_type: st.predicate_type.clone(),
        builder_id: Some("https://builder.example/".into()),
        source_repo: Some("https://github.com/acme/tool".into()),
        source_ref: Some("refs/heads/main".into()),
        source_digest: None,
    };
    if let Ok(builder) = check_policy(&st, &policy) {
        assert_eq!(builder.as_deref(), Some("https://builder.example/"));
    }
}

/// PEM keys (and the DER inside them): public keys, private keys, and
/// encrypted private keys with the passphrase `fuzz`.
pub fn keys(data: &[u8]) {
    use pkcs8::der::pem::{LineEnding, encode_string};
    if let Ok(k) = PublicKey::from_spki_der(data) {
        check_public(&k);
    }
    if let Ok(k) = SigningKey::from_pkcs8_der(data) {
        check_signing(&k);
    }
    let mut texts: Vec<String> = Vec::new();
    if let Some(t) = text(data) {
        texts.push(t.to_string());
    }
    for label in ["PUBLIC KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY"] {
        texts.push(encode_string(label, LineEnding::LF, data).unwrap());
    }
    for t in &texts {
        if let Ok(k) = PublicKey::from_pem(t) {
            check_public(&k);
        }
        match SigningKey::from_pem(t, None) {
            Ok(k) => check_signing(&k),
            Err(KeyError::PassphraseRequired) => {
                if let Ok(k) = SigningKey::from_pem(t, Some(b"fuzz")) {
                    check_signing(&k);
                }
            }
            Err(_) => {}
        }
    }
}

fn check_public(k: &PublicKey) {
    let id = k.key_id();
    assert!(id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    assert_eq!(PublicKey::from_pem(&k.to_pem()).ok().as_ref(), Some(k));
    // A key we accepted is usable: a wrong signature is a bad signature,
    // not a key that cannot be read.
    assert!(
        !matches!(
            k.verify(b"message", &[0u8; 64]),
            Err(KeyError::Malformed(_))
        ),
        "accepted a public key it cannot verify with"
    );
}

fn check_signing(k: &SigningKey) {
    let public = k.public_key();
    check_public(&public);
    let sig = k.sign(b"message").expect("a loaded key signs");
    public
        .verify(b"message", &sig)
        .expect("its signature verifies");
    assert!(public.verify(b"messagE", &sig).is_err());
    let pem = k.to_pem(None).unwrap();
    assert_eq!(
        SigningKey::from_pem(&pem, None).unwrap().key_id(),
        k.key_id()
    );
    assert_eq!(PublicKey::from_pem(&pem).unwrap(), public);
    assert_eq!(
        SigningKey::from_pkcs8_der(k.pkcs8_der()).unwrap().key_id(),
        k.key_id()
    );
}

/// The envelope the `rekor_v1_answers` seeds were logged for: a fixed
/// statement signed by the fuzz key (Ed25519 signatures are
/// deterministic, so it is the same every run).
pub(crate) fn fuzz_logged_envelope() -> sigstore_types::DsseEnvelope {
    let key = fuzz_signing_key();
    let payload = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[]}"#;
    let signature = key
        .sign(&sigstore_types::pae(IN_TOTO_PAYLOAD_TYPE, payload))
        .expect("the fuzz key signs");
    sigstore_types::DsseEnvelope::new(
        IN_TOTO_PAYLOAD_TYPE,
        sigstore_types::PayloadBytes::from_bytes(payload),
        sigstore_types::DsseSignature::new(
            sigstore_types::SignatureBytes::new(signature),
            sigstore_types::KeyId::default(),
        ),
    )
}

/// Rekor v1 answers to recording a DSSE envelope, as the fuzz key's own
/// log (the fuzz key signs the entry and is the log's key): whatever is
/// accepted has everything a verifier needs, from that log.
pub fn rekor_v1_answers(data: &[u8]) {
    let key = fuzz_signing_key().public_key();
    let spki = key.spki_der();
    let envelope = fuzz_logged_envelope();
    let Ok(entry) =
        crate::signing::keyless::rekor_v1::accept_for_fuzzing(data, spki, &envelope, spki)
    else {
        return;
    };
    assert_eq!(entry.kind_version, sigstore_types::KindVersion::DsseV001);
    assert!(entry.integrated_time.is_some());
    assert!(entry.inclusion_promise.is_some());
    let proof = entry.inclusion_proof.as_ref().expect("an inclusion proof");
    assert!(proof.log_index.get() < proof.tree_size);
    assert_eq!(
        entry.log_id.key_id.as_bytes(),
        sigstore_crypto::sha256(spki).as_bytes()
    );
}
