//! Fuzz entry points over what registries send: references, challenges,
//! manifests and indexes, Link headers, token answers.

use std::time::Instant;

use serde_json::Value;

use crate::oci::digest;
use crate::oci::manifest::{self, ImageIndex, ImageManifest};
use crate::oci::platform::{self, Platform};
use crate::oci::reference::{self, Reference, Target};
use crate::registry::auth::TokenResponse;
use crate::registry::challenge::{Challenge, parse_challenge};
use crate::registry::listing::next_link_from_header;
use crate::registry::policy::{Options, realm_allowed, same_origin, url_is_loopback};

use super::inputs::text;

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
        platforms_of(body, &index);
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

/// `--platform` over an index a registry served: the entry picked is one
/// of the index's, states a platform that the one asked for selects, and is
/// the only such entry; a refusal lists every platform the index states.
fn platforms_of(body: &[u8], index: &ImageIndex) {
    let listed: Vec<Platform> = index
        .manifests
        .iter()
        .filter_map(Platform::of_entry)
        .collect();
    let mut wanted = listed.clone();
    wanted.extend(
        ["linux/amd64", "linux/arm64", "linux/arm/v7"]
            .map(|p| Platform::parse(p).expect("a valid platform")),
    );
    for asked in &wanted {
        let matching = listed.iter().filter(|p| asked.selects(p)).count();
        match platform::select(body, asked) {
            Ok(entry) => {
                assert_eq!(matching, 1, "picked one of {matching} entries for {asked}");
                assert!(index.manifests.contains(&entry));
                let stated = Platform::of_entry(&entry).expect("the entry states a platform");
                assert!(asked.selects(&stated));
            }
            Err(available) => {
                assert_ne!(matching, 1, "refused the one entry for {asked}");
                assert_eq!(available.len(), listed.len());
            }
        }
        // What `--platform` prints, it reads back.
        if let Ok(again) = Platform::parse(&asked.to_string()) {
            assert_eq!(again.to_string(), asked.to_string());
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
