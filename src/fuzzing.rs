//! Entry points for the cargo-fuzz targets in `fuzz/`, one per family of
//! parsers that read outside input. Each takes raw bytes, runs the crate's
//! own parsers on them, and asserts what must hold of whatever they accept
//! (round trips, well-formedness, consistency between parsers of the same
//! document) — a failed assertion is a finding like any panic.
//!
//! Not an API: hidden from the docs, and free to change with the parsers.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use serde_json::Value;

use crate::credentials::Secret;
use crate::credentials::{keyring, lookup};
use crate::oci::digest;
use crate::oci::manifest::{self, ImageIndex, ImageManifest};
use crate::oci::reference::{self, Reference, Target};
use crate::provenance::cargo::{Workspace, WorkspacePackage, read_build_stream};
use crate::provenance::subjects::parse_checksums;
use crate::provenance::{Statement, source};
use crate::registry::auth::TokenResponse;
use crate::registry::challenge::{Challenge, parse_challenge};
use crate::registry::listing::next_link_from_header;
use crate::registry::policy::{Options, realm_allowed, same_origin, url_is_loopback};
use crate::signing::IN_TOTO_PAYLOAD_TYPE;
use crate::signing::dsse::{DsseBundle, unverified_statement};
use crate::signing::keys::{KeyError, PublicKey, SigningKey};
use crate::verify::policy::{Policy, check_policy, source_repositories};

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

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// `[registry/]repository[:tag][@digest]`, tags and digests on their own,
/// and digests of content.
pub fn references(data: &[u8]) {
    // Any content hashes to a digest that is valid, verifies, and makes a
    // digest reference.
    let own = digest::sha256_of(data);
    assert!(digest::is_valid(&own) && reference::looks_like_digest(&own));
    assert!(digest::verify(data, &own).is_ok());
    assert_eq!(Target::parse(&own).ok(), Some(Target::Digest(own.clone())));
    let by_digest = Reference::parse(&format!("registry.example:5000/a/b@{own}"))
        .expect("a digest reference parses");
    assert_eq!(by_digest.target(), Target::Digest(own));

    let Some(text) = text(data) else { return };
    if digest::verify(data, text).is_ok() {
        panic!("content verified against `{text}`, which is not its digest");
    }
    if digest::is_valid(text) {
        let hex = digest::hex_part(text);
        assert!(hex.len() == 64 || hex.len() == 128);
        assert!(reference::looks_like_digest(text));
    }
    match Target::parse(text) {
        Ok(Target::Digest(d)) => assert!(d == text && digest::is_valid(&d)),
        Ok(Target::Tag(t)) => assert!(t == text && reference::valid_tag(&t)),
        Err(_) => {}
    }
    let Ok(r) = Reference::parse(text) else {
        return;
    };
    check_reference(&r, text);
    let shown = r.to_string();
    let again = Reference::parse(&shown)
        .unwrap_or_else(|e| panic!("`{text}` parsed, but its display `{shown}` does not: {e}"));
    assert_eq!(again, r, "`{text}` -> `{shown}`");
    let target = r.target();
    assert_eq!(Target::parse(target.as_str()).ok(), Some(target.clone()));
    match (&r.digest, &r.tag) {
        (Some(d), _) => assert_eq!(target, Target::Digest(d.clone())),
        (None, Some(t)) => assert_eq!(target, Target::Tag(t.clone())),
        (None, None) => assert_eq!(target, Target::Tag("latest".into())),
    }
}

/// What every parsed reference is, checked independently of the parser.
fn check_reference(r: &Reference, text: &str) {
    assert!(
        !r.registry.is_empty() && !r.registry.contains('/'),
        "{text}"
    );
    assert!(!r.api_host().is_empty());
    assert!(
        !r.repository.is_empty() && r.repository.len() <= 255,
        "{text}"
    );
    for component in r.repository.split('/') {
        assert!(is_path_component(component), "{text}: `{component}`");
    }
    if reference::is_docker_hub(&r.registry) {
        // Docker Hub has no top-level repositories: `alpine` is
        // `library/alpine`, whichever of the Hub's names was written.
        assert!(
            r.repository.contains('/'),
            "{text}: Docker Hub repository `{}` without a namespace",
            r.repository
        );
    }
    if let Some(t) = &r.tag {
        assert!(reference::valid_tag(t), "{text}");
    }
    if let Some(d) = &r.digest {
        assert!(digest::is_valid(d), "{text}");
    }
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, written out differently from the
/// parser's own check: alternating runs of alphanumerics and separators.
fn is_path_component(c: &str) -> bool {
    let is_alnum = |ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit();
    let mut rest = c;
    loop {
        let end = rest.find(|ch| !is_alnum(ch)).unwrap_or(rest.len());
        if end == 0 {
            return false;
        }
        rest = &rest[end..];
        if rest.is_empty() {
            return true;
        }
        let sep_end = rest.find(is_alnum).unwrap_or(rest.len());
        let sep = &rest[..sep_end];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-')) {
            return false;
        }
        rest = &rest[sep_end..];
    }
}

/// `WWW-Authenticate` challenges, and whether their realm may get
/// credentials.
pub fn challenges(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Some(challenge) = parse_challenge(text) else {
        return;
    };
    let scheme = text
        .trim_start()
        .split(char::is_whitespace)
        .next()
        .unwrap_or("");
    match &challenge {
        Challenge::Basic => assert!(scheme.eq_ignore_ascii_case("basic")),
        Challenge::Bearer {
            realm,
            service,
            scope,
        } => {
            assert!(scheme.eq_ignore_ascii_case("bearer"));
            // What we parsed, written back as quoted auth-params, parses
            // to the same challenge.
            let quote = |v: &str| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
            let mut again = format!("Bearer realm={}", quote(realm));
            if let Some(s) = service {
                again.push_str(&format!(",service={}", quote(s)));
            }
            if let Some(s) = scope {
                again.push_str(&format!(", scope={}", quote(s)));
            }
            assert_eq!(
                parse_challenge(&again).as_ref(),
                Some(&challenge),
                "{again}"
            );
            // The realm gets credentials only over https, or plain http to
            // loopback, and never with userinfo.
            if let Ok(url) = reqwest::Url::parse(realm) {
                let registry = reqwest::Url::parse("https://registry.example/").unwrap();
                if realm_allowed(&url, &registry, &Options::default()) {
                    assert!(url.username().is_empty() && url.password().is_none());
                    assert!(
                        url.scheme() == "https"
                            || (url.scheme() == "http" && url_is_loopback(&url)),
                        "{realm}"
                    );
                }
            }
        }
    }
}

/// Image manifests, indexes (referrers pages and fallback tags are
/// indexes), and the helpers that read one field of a manifest. A first
/// line `Content-Type: X` is the type the document was served with.
pub fn manifests(data: &[u8]) {
    let (served_as, body) = match data.strip_prefix(b"Content-Type: ") {
        Some(rest) => {
            let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
            let Some(header) = text(&rest[..end]) else {
                return;
            };
            (Some(header), rest.get(end + 1..).unwrap_or_default())
        }
        None => (None, data),
    };
    let value: Option<Value> = serde_json::from_slice(body).ok();

    let media_type = manifest::media_type_of(body, served_as);
    assert!(!media_type.is_empty());
    // `Value` lets a repeated key win silently; a document's own fields
    // are read strictly, so one with `mediaType` twice has no type of its
    // own (found by fuzzing) and is never taken for a manifest or index.
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct OwnType {
        media_type: Option<String>,
    }
    match serde_json::from_slice::<OwnType>(body) {
        Ok(OwnType {
            media_type: Some(own),
        }) if !own.is_empty() => assert_eq!(media_type, own),
        Ok(_) => {}
        Err(_) => {
            if let Some(Value::Object(fields)) = &value
                && fields.contains_key("mediaType")
            {
                assert!(serde_json::from_slice::<ImageManifest>(body).is_err());
                assert!(serde_json::from_slice::<ImageIndex>(body).is_err());
            }
        }
    }

    if let Ok(m) = serde_json::from_slice::<ImageManifest>(body) {
        let bytes = serde_json::to_vec(&m).expect("a manifest serializes");
        let back: ImageManifest = serde_json::from_slice(&bytes).expect("and reads back");
        assert_eq!(back, m);
        assert_eq!(
            manifest::artifact_type_of(body),
            Some(
                m.artifact_type
                    .clone()
                    .unwrap_or(m.config.media_type.clone())
            )
        );
        assert_eq!(
            manifest::subject_of(body),
            m.subject.as_ref().map(|s| s.digest.clone())
        );
    }

    if let Ok(index) = serde_json::from_slice::<ImageIndex>(body) {
        let bytes = serde_json::to_vec(&index).expect("an index serializes");
        let back: ImageIndex = serde_json::from_slice(&bytes).expect("and reads back");
        assert_eq!(back, index);
        // A read-modify-write keeps what other producers wrote.
        let written: Value = serde_json::from_slice(&bytes).unwrap();
        if let Some(Value::Object(fields)) = &value {
            const KNOWN: [&str; 6] = [
                "schemaVersion",
                "mediaType",
                "artifactType",
                "manifests",
                "subject",
                "annotations",
            ];
            for (k, v) in fields.iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())) {
                assert_eq!(written.get(k), Some(v), "index field `{k}` was dropped");
            }
            if let Some(Value::Array(read)) = fields.get("manifests") {
                for (i, d) in read.iter().enumerate() {
                    kept_unknown_descriptor_fields(d, &written["manifests"][i]);
                }
            }
        }
    }
}

fn kept_unknown_descriptor_fields(read: &Value, written: &Value) {
    const KNOWN: [&str; 5] = ["mediaType", "digest", "size", "artifactType", "annotations"];
    if let Value::Object(fields) = read {
        for (k, v) in fields.iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())) {
            assert_eq!(
                written.get(k),
                Some(v),
                "descriptor field `{k}` was dropped"
            );
        }
    }
}

/// The `Link` header of paginated listings.
pub fn link_header(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let base = reqwest::Url::parse("https://registry.example:5000/v2/a/b/tags/list?n=100").unwrap();
    if let Some(link) = next_link_from_header(text) {
        assert!(text.contains(link.as_str()), "`{link}` is not in `{text}`");
        if let Ok(next) = base.join(&link)
            && same_origin(&next, &base)
        {
            assert_eq!(next.host_str(), Some("registry.example"));
            assert_eq!(next.port_or_known_default(), Some(5000));
        }
    }
    // Any URI reference (RFC 3986 has no `<`, `>`, `"` or whitespace in
    // one), in the forms RFC 8288 allows, comes back whole.
    let target: String = text
        .chars()
        .filter(|c| !matches!(c, '<' | '>' | '"') && !c.is_whitespace() && !c.is_control())
        .take(256)
        .collect();
    if target.is_empty() {
        return;
    }
    for header in [
        format!("<{target}>; rel=\"next\""),
        format!("<{target}>; rel=next"),
        format!("</v2/a/b/tags/list?n=1>; rel=\"prev\", <{target}>; type=\"x, y\"; rel=\"next\""),
    ] {
        assert_eq!(
            next_link_from_header(&header).as_deref(),
            Some(target.as_str()),
            "{header}"
        );
    }
}

/// Token endpoint answers.
pub fn token_response(data: &[u8]) {
    let Ok(parsed) = serde_json::from_slice::<TokenResponse>(data) else {
        return;
    };
    let now = Instant::now();
    let refresh_at = parsed.refresh_at(now);
    assert!(refresh_at >= now);
    let token = parsed.token.clone().filter(|t| !t.is_empty());
    let access = parsed.access_token.clone().filter(|t| !t.is_empty());
    let chosen = parsed.into_token();
    assert!(chosen.as_deref().is_none_or(|t| !t.is_empty()));
    assert_eq!(chosen, token.or(access));
}

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

/// sha256sum/shasum checksum files, GNU and BSD forms.
pub fn checksums(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(subjects) = parse_checksums(text, "fuzz") else {
        return;
    };
    assert!(!subjects.is_empty());
    let mut names = std::collections::BTreeSet::new();
    for s in &subjects {
        assert!(!s.name.is_empty());
        assert!(names.insert(s.name.as_str()), "`{}` twice", s.name);
        assert!(!s.digest.is_empty());
        for (alg, hex) in &s.digest {
            let len = match alg.as_str() {
                "sha256" => 64,
                "sha512" => 128,
                other => panic!("algorithm {other}"),
            };
            assert!(
                hex.len() == len && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            );
        }
    }
    // Written back in either form, the same subjects read back.
    let mut gnu = String::new();
    let mut bsd = String::new();
    for s in &subjects {
        for (alg, hex) in &s.digest {
            gnu.push_str(&format!("{hex} *{}\n", s.name));
            bsd.push_str(&format!(
                "{} ({}) = {hex}\n",
                alg.to_ascii_uppercase(),
                s.name
            ));
        }
    }
    assert_eq!(
        parse_checksums(&bsd, "bsd").expect("BSD form reads back"),
        subjects
    );
    // A name ending in CR cannot be written in the line-based GNU form.
    if !subjects.iter().any(|s| s.name.ends_with('\r')) {
        assert_eq!(
            parse_checksums(&gnu, "gnu").expect("GNU form reads back"),
            subjects
        );
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

/// Registry logins as stored in the keyring (our JSON), and docker/podman
/// config files, read through `docker_credential` for the keys we look a
/// host up under. Input: a first line with the host, then the file.
pub fn credentials(data: &[u8]) {
    // The keyring entry: whatever decodes re-encodes to the same login,
    // and any login survives the round trip.
    if let Some(Secret::Password { username, password }) = keyring::decode_login(data) {
        same_login(&username, &password);
    }
    let lossy = String::from_utf8_lossy(data);
    let (user, pass) = lossy.split_once('\n').unwrap_or((&lossy, ""));
    same_login(user, pass);

    let Some(text) = text(data) else { return };
    let (host, config) = text.split_once('\n').unwrap_or((text, ""));
    // Never run a credential helper from fuzz input: strip them.
    let Ok(Value::Object(mut fields)) = serde_json::from_str::<Value>(config) else {
        return;
    };
    fields.remove("credsStore");
    fields.remove("credHelpers");
    let config = serde_json::to_vec(&fields).unwrap();
    for key in lookup::config_keys(host) {
        if let Ok(c) = docker_credential::get_credential_from_reader(config.as_slice(), &key) {
            let _ = lookup::convert(c);
        }
    }
}

fn same_login(user: &str, pass: &str) {
    let json = keyring::encode_login(user, pass).expect("a login encodes");
    match keyring::decode_login(&json) {
        Some(Secret::Password { username, password }) => {
            assert_eq!((username.as_str(), password.as_str()), (user, pass))
        }
        _ => panic!("a stored login does not read back"),
    }
}

/// `cargo build --message-format=json` streams, for a workspace with one
/// selected package `app`.
pub fn cargo_stream(data: &[u8]) {
    static WS: OnceLock<Workspace> = OnceLock::new();
    let ws = WS.get_or_init(|| Workspace {
        root: PathBuf::from("/ws"),
        target_dir: PathBuf::from("/ws/target"),
        selected: vec![WorkspacePackage {
            id: cargo_metadata::PackageId {
                repr: "path+file:///ws#app@0.1.0".into(),
            },
            name: "app".into(),
            version: "0.1.0".into(),
            features: Vec::new(),
            targets: vec![("app".into(), cargo_metadata::TargetKind::Bin)],
            manifest_dir: PathBuf::from("/ws"),
        }],
        lock: Vec::new(),
        lock_found: false,
    });
    let Ok(build) = read_build_stream(Cursor::new(data), ws, "fuzz") else {
        return;
    };
    let mut paths = std::collections::BTreeSet::new();
    for f in &build.files {
        assert!(paths.insert(&f.path), "{} twice", f.path.display());
    }
    for (package, features) in &build.features {
        assert_eq!(package, "app");
        assert!(features.is_sorted());
    }
    if let (Some(start), Some(end)) = (build.started, build.finished) {
        assert!(start <= end);
    }
}

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
