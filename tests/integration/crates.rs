//! `cargo attest package` and `verify --crate` against a real sparse crate
//! registry on loopback: a static index and `.crate` files served over
//! HTTP, configured as a cargo registry in a temporary CARGO_HOME, from
//! which cargo itself fetches into its download cache.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use crate::support::{attest, run};

/// A static file server on 127.0.0.1 (GET only, one request per
/// connection): enough for cargo's and our sparse index reads. It stops
/// when the test process ends.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                // Headers up to the blank line.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split(' ').nth(1).unwrap_or("/");
                let path = path.split('?').next().unwrap_or("/");
                let file = root.join(path.trim_start_matches('/'));
                let answer = match (path.contains(".."), std::fs::read(&file)) {
                    (false, Ok(body)) => {
                        let mut head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        head.extend(body);
                        head
                    }
                    _ => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&answer);
            });
        }
    });
    port
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
}

/// A publishable crate `hello` 0.1.0, packaged (`cargo package`).
fn packaged_crate(dir: &Path) -> PathBuf {
    let src = dir.join("hello");
    std::fs::create_dir_all(src.join("src")).unwrap();
    std::fs::write(
        src.join("Cargo.toml"),
        "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         license = \"MIT\"\ndescription = \"A crate for tests\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(src.join("src/lib.rs"), "pub fn hello() -> u8 {\n    1\n}\n").unwrap();
    let out = run(
        "cargo",
        &["package", "-q", "--offline", "--allow-dirty", "--no-verify"],
        Some(&src),
    );
    assert_eq!(out.code, 0, "cargo package: {}", out.stderr);
    src
}

/// A registry serving `crate_file` as hello 0.1.0 with index checksum
/// `cksum`: the registry's root and port.
fn registry(dir: &Path, crate_file: &[u8], cksum: &str) -> (PathBuf, u16) {
    let root = dir.join("registry");
    std::fs::create_dir_all(root.join("index/he/ll")).unwrap();
    std::fs::create_dir_all(root.join("crates")).unwrap();
    std::fs::write(root.join("crates/hello-0.1.0.crate"), crate_file).unwrap();
    std::fs::write(
        root.join("index/he/ll/hello"),
        format!(
            "{{\"name\":\"hello\",\"vers\":\"0.1.0\",\"deps\":[],\"cksum\":\"{cksum}\",\
             \"features\":{{}},\"yanked\":false}}\n"
        ),
    )
    .unwrap();
    let port = serve(root.clone());
    std::fs::write(
        root.join("index/config.json"),
        format!("{{\"dl\":\"http://127.0.0.1:{port}/crates/{{crate}}-{{version}}.crate\"}}"),
    )
    .unwrap();
    (root, port)
}

/// A CARGO_HOME whose config names the registry `local`.
fn cargo_home(dir: &Path, port: u16) -> PathBuf {
    let home = dir.join("cargo-home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        home.join("config.toml"),
        format!("[registries.local]\nindex = \"sparse+http://127.0.0.1:{port}/index/\"\n"),
    )
    .unwrap();
    home
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn verify_crate(home: &Path, cache: &Path, extra: &[&str]) -> crate::support::Output {
    let mut args = vec![
        "verify",
        "--crate",
        "hello@0.1.0",
        "--registry",
        "local",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    attest(&args)
        .env("CARGO_HOME", home)
        .env("XDG_CACHE_HOME", cache)
        .env("CARGO_ATTEST_CACHE_DIR", cache)
        .run()
}

#[test]
fn package_then_verify_crate_against_a_local_sparse_registry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let src = packaged_crate(dir);
    let crate_path = src.join("target/package/hello-0.1.0.crate");
    let bytes = std::fs::read(&crate_path).unwrap();
    let cksum = sha256_hex(&bytes);

    // cargo attest package: the file and the purl, both with its sha256.
    let key = dir.join("k.pem");
    attest(&["key", "generate", "--output", s(&key), "--unencrypted"])
        .run()
        .success();
    let public = dir.join("k.pub");
    let report = attest(&["package", "--key", s(&key), "--format", "json"])
        .cwd(&src)
        .run()
        .success()
        .json();
    let bundle = src.join("target/package/hello-0.1.0.crate.sigstore.json");
    assert_eq!(
        report["bundle"],
        "target/package/hello-0.1.0.crate.sigstore.json"
    );
    let subjects = report["subjects"].as_array().unwrap();
    let names: Vec<&str> = subjects
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hello-0.1.0.crate", "pkg:cargo/hello@0.1.0"]);
    assert!(
        subjects
            .iter()
            .all(|s| s["digest"]["sha256"] == cksum.as_str())
    );
    let (statement, _) = crate::support::bundle_payload(&bundle);
    assert_eq!(
        statement["predicate"]["buildDefinition"]["externalParameters"]["command"],
        serde_json::json!(["cargo", "attest", "package"])
    );

    let (_, port) = registry(dir, &bytes, &cksum);
    let home = cargo_home(dir, port);
    let cache = dir.join("attest-cache");

    // Not in cargo's cache yet: downloaded through the sparse index.
    let out = verify_crate(
        &home,
        &cache,
        &["--bundle", s(&bundle), "--key", s(&public)],
    );
    let json = out.success().json();
    assert_eq!(json["verified"], true);
    assert_eq!(json["crate"]["origin"], "download", "{json}");
    assert_eq!(json["crate"]["sha256"], cksum.as_str());
    assert_eq!(
        json["crate"]["index"],
        format!("sparse+http://127.0.0.1:{port}/index/")
    );
    assert!(
        json["files"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("crates/hello-0.1.0.crate"),
        "{json}"
    );

    // cargo fetches it into its own cache: that file is the one checked.
    let consumer = dir.join("consumer");
    std::fs::create_dir_all(consumer.join("src")).unwrap();
    std::fs::write(
        consumer.join("Cargo.toml"),
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nhello = { version = \"0.1.0\", registry = \"local\" }\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(consumer.join("src/main.rs"), "fn main() {}\n").unwrap();
    let fetched = std::process::Command::new("cargo")
        .args(["fetch"])
        .current_dir(&consumer)
        .env("CARGO_HOME", &home)
        .output()
        .unwrap();
    assert!(
        fetched.status.success(),
        "cargo fetch: {}",
        String::from_utf8_lossy(&fetched.stderr)
    );
    let cached: Vec<PathBuf> = std::fs::read_dir(home.join("registry/cache"))
        .unwrap()
        .map(|d| d.unwrap().path().join("hello-0.1.0.crate"))
        .filter(|p| p.is_file())
        .collect();
    assert_eq!(cached.len(), 1, "cargo's cache: {cached:?}");
    let out = verify_crate(
        &home,
        &cache,
        &["--bundle", s(&bundle), "--key", s(&public)],
    );
    let json = out.success().json();
    assert_eq!(json["crate"]["origin"], "cache", "{json}");
    assert_eq!(
        json["files"][0]["path"].as_str().map(PathBuf::from),
        Some(cached[0].clone()),
        "{json}"
    );

    // An attestation of other bytes: the crate matches the index but not
    // the attestation (exit 5).
    let other = dir.join("other.bin");
    std::fs::write(&other, b"not the crate").unwrap();
    let other_bundle = dir.join("other.sigstore.json");
    attest(&[
        "--subject-path",
        s(&other),
        "--key",
        s(&key),
        "-o",
        s(&other_bundle),
    ])
    .cwd(dir)
    .run()
    .success();
    verify_crate(
        &home,
        &cache,
        &["--bundle", s(&other_bundle), "--key", s(&public)],
    )
    .fails_with(5, "");

    // Cargo's cached copy changed: its bytes differ from the index (exit
    // 10), whatever the attestation says.
    let mut tampered = bytes.clone();
    tampered.push(b'x');
    std::fs::write(&cached[0], &tampered).unwrap();
    verify_crate(
        &home,
        &cache,
        &["--bundle", s(&bundle), "--key", s(&public)],
    )
    .fails_with(10, "is not the crate the registry published");
    std::fs::remove_file(&cached[0]).unwrap();

    // --from REF: the crate pushed with its attestation (an OCI layout).
    let layout = dir.join("layout");
    attest(&[
        "package",
        "--key",
        s(&key),
        "--oci-layout",
        s(&layout),
        "--push",
        "v1",
    ])
    .cwd(&src)
    .run()
    .success();
    verify_crate(
        &home,
        &cache,
        &[
            "--oci-layout",
            s(&layout),
            "--from",
            "v1",
            "--key",
            s(&public),
        ],
    )
    .success();
}

#[test]
fn a_registry_serving_other_bytes_than_its_index_records_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let src = packaged_crate(dir);
    let bytes = std::fs::read(src.join("target/package/hello-0.1.0.crate")).unwrap();
    let key = dir.join("k.pem");
    attest(&["key", "generate", "--output", s(&key), "--unencrypted"])
        .run()
        .success();
    attest(&["package", "--key", s(&key)])
        .cwd(&src)
        .run()
        .success();
    let bundle = src.join("target/package/hello-0.1.0.crate.sigstore.json");
    // The index vouches for the real crate; the server hands out another.
    let mut served = bytes.clone();
    served.extend_from_slice(b"trailing bytes");
    let (_, port) = registry(dir, &served, &sha256_hex(&bytes));
    let home = cargo_home(dir, port);
    let out = verify_crate(
        &home,
        &dir.join("cache"),
        &["--bundle", s(&bundle), "--key", s(&dir.join("k.pub"))],
    );
    out.fails_with(
        10,
        "the registry served bytes its own index does not vouch for",
    );

    // A crate the index does not have (its index file is a 404).
    attest(&[
        "verify",
        "--crate",
        "nothere@0.1.0",
        "--registry",
        "local",
        "--bundle",
        s(&bundle),
    ])
    .env("CARGO_HOME", &home)
    .run()
    .fails_with(4, "nothere@0.1.0 is not in the index");

    // Usage: --crate needs an attestation, a known registry, NAME@VERSION.
    verify_crate(&home, &dir.join("cache"), &[]).fails_with(2, "--bundle BUNDLE or");
    attest(&["verify", "--crate", "hello", "--bundle", s(&bundle)])
        .run()
        .fails_with(2, "NAME@VERSION");
    attest(&[
        "verify",
        "--crate",
        "hello@0.1.0",
        "--registry",
        "nowhere",
        "--bundle",
        s(&bundle),
    ])
    .env("CARGO_HOME", &home)
    .run()
    .fails_with(2, "registry `nowhere` is not configured");
}

/// `package --push` to a registry (docker-registry: the tag fallback),
/// then `verify --crate --from REF` finds the attestation there.
#[test]
fn a_pushed_crate_verifies_from_the_registry() {
    let reg = crate::testbed::docker_open();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let src = packaged_crate(dir);
    let bytes = std::fs::read(src.join("target/package/hello-0.1.0.crate")).unwrap();
    let key = dir.join("k.pem");
    attest(&["key", "generate", "--output", s(&key), "--unencrypted"])
        .run()
        .success();
    let reference = reg.reference("crates/hello:0.1.0");
    let report = attest(&[
        "package",
        "--key",
        s(&key),
        "--push",
        &reference,
        "--format",
        "json",
    ])
    .cwd(&src)
    .run()
    .success()
    .json();
    assert_eq!(
        report["pushed"]["attached"]["method"], "tag-fallback",
        "{report}"
    );
    let (_, port) = registry(dir, &bytes, &sha256_hex(&bytes));
    let home = cargo_home(dir, port);
    let json = verify_crate(
        &home,
        &dir.join("cache"),
        &["--from", &reference, "--key", s(&dir.join("k.pub"))],
    )
    .success()
    .json();
    assert_eq!(json["verified"], true, "{json}");
    assert_eq!(json["crate"]["origin"], "download");
}
