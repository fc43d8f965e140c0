//! CycloneDX 1.6 SBOMs of build outputs, from the build's resolved graph:
//! only the packages cargo compiled for the output's target, profile and
//! features (`cargo metadata --filter-platform` with the selected
//! features, walked from the output's package through normal and build
//! dependencies), each with its purl, its Cargo.lock checksum, its licence
//! expression and its dependency edges. Deterministic: the same build gives
//! the same bytes (docs/sbom.md says how each field is derived).
//! Map: docs/architecture.md#sbom

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use cargo_metadata::{DependencyKind, Metadata, PackageId, TargetKind};
use jiff::Timestamp;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::provenance::cargo::{self, BuildSelection};
use crate::provenance::gather::{FileSubject, Gathered};
use crate::provenance::source::strip_userinfo;
use crate::provenance::{LockedPackage, STATEMENT_TYPE, Statement, Subject, rfc3339};

/// The in-toto predicate type of a CycloneDX SBOM (as cosign's
/// `--type cyclonedx` and actions/attest-sbom write it).
pub(crate) const CYCLONEDX_BOM: &str = "https://cyclonedx.org/bom";

/// Default largest SBOM signed: actions/attest's cap on a predicate.
pub(crate) const DEFAULT_SIZE_LIMIT: u64 = 16 << 20;

/// The variable that sets the limit when `--sbom-size-limit` is not given.
pub(crate) const SIZE_LIMIT_VARIABLE: &str = "CARGO_ATTEST_SBOM_SIZE_LIMIT";

/// RFC 4122's URL namespace: the serial number is the version 5 UUID of a
/// URL naming the document's content, so anyone can recompute it.
const URL_NAMESPACE: [u8; 16] = [
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
];

/// Sources whose crates are crates.io's: their purls need no qualifier
/// (crates.io is the purl spec's default repository for cargo).
const CRATES_IO_SOURCES: [&str; 2] = [
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

/// One package of the resolve graph, as the SBOM names it.
#[derive(Debug, Clone)]
struct Package {
    name: String,
    version: String,
    purl: String,
    /// Cargo.lock's checksum (SHA-256, hex), when the lock records one.
    checksum: Option<String>,
    license: Option<String>,
}

/// The resolve graph of one platform and feature selection: its packages
/// and, for each, the packages it compiles against (normal and build
/// dependencies; dev-dependencies are not compiled into an output).
#[derive(Debug, Default)]
pub(crate) struct Graph {
    packages: BTreeMap<PackageId, Package>,
    edges: BTreeMap<PackageId, BTreeSet<PackageId>>,
    /// The edges along which code is linked into what depends on it
    /// (normal dependencies); build dependencies only run at build time.
    linked_edges: BTreeMap<PackageId, BTreeSet<PackageId>>,
}

impl Graph {
    /// The graph of `metadata` (run with `--filter-platform`), with the
    /// checksums of `lock`.
    pub(crate) fn from_metadata(metadata: &Metadata, lock: &[LockedPackage]) -> Result<Graph> {
        let resolve = metadata.resolve.as_ref().ok_or_else(|| {
            Error::invalid_input("`cargo metadata` gave no resolve graph: the SBOM needs one")
        })?;
        let mut graph = Graph::default();
        for p in &metadata.packages {
            let source = p.source.as_ref().map(|s| strip_userinfo(&s.repr));
            let name = p.name.to_string();
            let version = p.version.to_string();
            graph.packages.insert(
                p.id.clone(),
                Package {
                    purl: purl(&name, &version, source.as_deref()),
                    checksum: lock_checksum(lock, &name, &version, source.as_deref()),
                    license: p.license.as_deref().map(license_expression),
                    name,
                    version,
                },
            );
        }
        for node in &resolve.nodes {
            let deps = node
                .deps
                .iter()
                .filter(|d| {
                    // No kinds: a cargo older than 1.41, which lists only
                    // what the resolve keeps; take it as compiled.
                    d.dep_kinds.is_empty()
                        || d.dep_kinds
                            .iter()
                            .any(|k| k.kind != DependencyKind::Development)
                })
                .map(|d| d.pkg.clone())
                .collect();
            graph.edges.insert(node.id.clone(), deps);
            let linked = node
                .deps
                .iter()
                .filter(|d| {
                    d.dep_kinds.is_empty()
                        || d.dep_kinds.iter().any(|k| k.kind == DependencyKind::Normal)
                })
                .map(|d| d.pkg.clone())
                .collect();
            graph.linked_edges.insert(node.id.clone(), linked);
        }
        Ok(graph)
    }

    /// This graph with the edges of a cargo SBOM precursor file instead of
    /// the resolve's: what cargo actually compiled for one output, unit by
    /// unit. `None` when the file names a package the metadata does not
    /// know (the file is from another build), or its root is not `root`.
    fn with_precursor(&self, precursor: &Precursor, root: &PackageId) -> Option<Graph> {
        let id = |unit: &PrecursorCrate| PackageId {
            repr: unit.id.clone(),
        };
        let root_unit = precursor.crates.get(precursor.root)?;
        if &id(root_unit) != root {
            return None;
        }
        let mut edges: BTreeMap<PackageId, BTreeSet<PackageId>> = BTreeMap::new();
        for unit in &precursor.crates {
            let from = id(unit);
            if !self.packages.contains_key(&from) {
                return None;
            }
            let deps = edges.entry(from.clone()).or_default();
            for dep in &unit.dependencies {
                let to = id(precursor.crates.get(dep.index)?);
                // A package's build script is a unit of its own: its edge
                // to the package is no dependency.
                if to != from {
                    deps.insert(to);
                }
            }
        }
        // Linked: the units reached from the root through normal edges
        // only. Folding units into packages first would count a build
        // script's own (normal) dependencies as linked into its package.
        let mut linked_edges: BTreeMap<PackageId, BTreeSet<PackageId>> = BTreeMap::new();
        let mut seen = BTreeSet::from([precursor.root]);
        let mut queue = VecDeque::from([precursor.root]);
        while let Some(index) = queue.pop_front() {
            let unit = precursor.crates.get(index)?;
            for dep in unit.dependencies.iter().filter(|d| d.kind == "normal") {
                let to = precursor.crates.get(dep.index)?;
                if id(to) != id(unit) {
                    linked_edges.entry(id(unit)).or_default().insert(id(to));
                }
                if seen.insert(dep.index) {
                    queue.push_back(dep.index);
                }
            }
        }
        Some(Graph {
            packages: self.packages.clone(),
            edges,
            linked_edges,
        })
    }

    /// `root` and every package it compiles against, directly or not.
    fn compiled_from(&self, root: &PackageId) -> BTreeSet<PackageId> {
        reachable(&self.edges, root)
    }

    /// `root` and every package linked into it: what runs in the output,
    /// as opposed to build dependencies, which run only while it is built.
    fn linked_into(&self, root: &PackageId) -> BTreeSet<PackageId> {
        reachable(&self.linked_edges, root)
    }
}

fn reachable(
    edges: &BTreeMap<PackageId, BTreeSet<PackageId>>,
    root: &PackageId,
) -> BTreeSet<PackageId> {
    let mut seen = BTreeSet::from([root.clone()]);
    let mut queue = VecDeque::from([root]);
    while let Some(id) = queue.pop_front() {
        for dep in edges.get(id).into_iter().flatten() {
            if seen.insert(dep.clone()) {
                queue.push_back(dep);
            }
        }
    }
    seen
}

/// A `*.cargo-sbom.json` precursor file, as cargo writes it beside an
/// output with `-Zsbom` (unstable): the units compiled for that output.
#[derive(Debug, serde::Deserialize)]
struct Precursor {
    version: u32,
    root: usize,
    crates: Vec<PrecursorCrate>,
}

#[derive(Debug, serde::Deserialize)]
struct PrecursorCrate {
    /// A package id spec, as `cargo metadata` spells package ids.
    id: String,
    #[serde(default)]
    dependencies: Vec<PrecursorDependency>,
}

#[derive(Debug, serde::Deserialize)]
struct PrecursorDependency {
    index: usize,
    /// `normal` or `build`.
    kind: String,
}

/// The precursor file cargo wrote for the very file `output` is. Cargo
/// writes both into `deps/` (the output under a hashed name, the precursor
/// beside it) and hard-links them up; the output's twin in `deps/` (the
/// same inode) names the precursor that belongs to it, so a precursor left
/// from another build (another toolchain or features: another hash) is
/// never taken. Written before the link, its time proves nothing.
fn precursor_of(output: &std::path::Path) -> Option<(std::path::PathBuf, Precursor)> {
    let deps = output.parent()?.join("deps");
    let twin = same_file_in(&deps, output)?;
    let name = twin.file_name()?.to_string_lossy().into_owned();
    let mut candidates = vec![deps.join(format!("{name}.cargo-sbom.json"))];
    if twin.extension().is_some() {
        candidates.push(twin.with_extension("cargo-sbom.json"));
    }
    let path = candidates.into_iter().find(|p| p.is_file())?;
    let text = std::fs::read(&path).ok()?;
    match serde_json::from_slice::<Precursor>(&text) {
        Ok(p) if p.version == 1 => Some((path, p)),
        Ok(p) => {
            tracing::warn!(
                "{}: format version {} is not known: not used",
                path.display(),
                p.version
            );
            None
        }
        Err(e) => {
            tracing::warn!(
                "{}: not a cargo SBOM precursor ({e}): not used",
                path.display()
            );
            None
        }
    }
}

/// The file in `dir` that is `file` (a hard link of it).
#[cfg(unix)]
fn same_file_in(dir: &std::path::Path, file: &std::path::Path) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let want = file.metadata().ok()?;
    if want.nlink() < 2 {
        return None;
    }
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .find(|e| {
            e.metadata()
                .is_ok_and(|m| m.ino() == want.ino() && m.dev() == want.dev())
        })
        .map(|e| e.path())
}

/// Elsewhere the link cannot be seen: the metadata graph is used.
#[cfg(not(unix))]
fn same_file_in(_: &std::path::Path, _: &std::path::Path) -> Option<std::path::PathBuf> {
    None
}

/// Where an SBOM's graph came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GraphSource {
    /// cargo's `*.cargo-sbom.json` beside the output.
    CargoSbom,
    /// `cargo metadata --filter-platform`.
    CargoMetadata,
}

impl GraphSource {
    fn label(self) -> &'static str {
        match self {
            GraphSource::CargoSbom => "cargo-sbom",
            GraphSource::CargoMetadata => "cargo-metadata",
        }
    }
}

/// Whether the output is a program or a library (cdylib, staticlib).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputKind {
    Application,
    Library,
}

/// The build output an SBOM describes: its root component.
#[derive(Debug, Clone)]
pub(crate) struct Output<'a> {
    pub(crate) file_name: &'a str,
    pub(crate) sha256: &'a str,
    pub(crate) package: &'a PackageId,
    pub(crate) kind: OutputKind,
    /// The target triple, profile and features the output was built with,
    /// recorded as properties.
    pub(crate) target: &'a str,
    pub(crate) profile: &'a str,
    pub(crate) features: &'a [String],
    /// Where the graph came from, recorded as a property.
    pub(crate) graph: GraphSource,
    /// SOURCE_DATE_EPOCH, else when the build finished.
    pub(crate) timestamp: Timestamp,
}

/// One SBOM: its compact JSON (what is signed) and how many components
/// it lists besides the root.
#[derive(Debug, Clone)]
pub(crate) struct Sbom {
    pub(crate) json: Vec<u8>,
    pub(crate) components: usize,
}

/// The CycloneDX 1.6 document of `output`. Components are sorted by name,
/// version and purl, every list of references is sorted, and nothing here
/// reads the clock: the same graph and output give the same bytes.
pub(crate) fn sbom(graph: &Graph, output: &Output<'_>) -> Result<Sbom> {
    let root = graph.packages.get(output.package).ok_or_else(|| {
        Error::internal(format!(
            "the package of {} is not in the resolve graph",
            output.file_name
        ))
    })?;
    let compiled = graph.compiled_from(output.package);
    let mut members: Vec<(&PackageId, &Package)> = compiled
        .iter()
        .filter(|id| *id != output.package)
        .filter_map(|id| graph.packages.get(id).map(|p| (id, p)))
        .collect();
    members.sort_by(|(_, a), (_, b)| {
        (&a.name, &a.version, &a.purl).cmp(&(&b.name, &b.version, &b.purl))
    });

    // bom-refs are the purls, which are unique but for two packages of
    // one name and version from sources a purl cannot tell apart.
    let mut refs: BTreeMap<&PackageId, String> = BTreeMap::new();
    let mut used = BTreeSet::new();
    for (id, p) in std::iter::once((output.package, root)).chain(members.iter().copied()) {
        let mut bom_ref = p.purl.clone();
        let mut n = 1;
        while !used.insert(bom_ref.clone()) {
            n += 1;
            bom_ref = format!("{}#{n}", p.purl);
        }
        refs.insert(id, bom_ref);
    }
    let bom_ref = |id: &PackageId| refs.get(id).cloned().unwrap_or_default();

    let linked = graph.linked_into(output.package);
    let components: Vec<Value> = members
        .iter()
        .map(|(id, p)| component(p, &bom_ref(id), linked.contains(*id)))
        .collect();
    let mut dependencies: Vec<(String, Vec<String>)> = std::iter::once(output.package)
        .chain(members.iter().map(|(id, _)| *id))
        .map(|id| {
            let mut on: Vec<String> = graph
                .edges
                .get(id)
                .into_iter()
                .flatten()
                .filter(|d| compiled.contains(*d))
                .map(&bom_ref)
                .collect();
            on.sort();
            on.dedup();
            (bom_ref(id), on)
        })
        .collect();
    dependencies.sort();

    let (root_component, properties) = root_metadata(root, output, &bom_ref(output.package));
    let body = json!({
        "metadata": {
            "timestamp": rfc3339(output.timestamp),
            "lifecycles": [{ "phase": "build" }],
            "tools": {
                "components": [{
                    "type": "application",
                    "name": env!("CARGO_PKG_NAME"),
                    "version": env!("CARGO_PKG_VERSION"),
                }],
            },
            "component": root_component,
            "properties": properties,
        },
        "components": components,
        "dependencies": dependencies
            .into_iter()
            .map(|(r, on)| json!({ "ref": r, "dependsOn": on }))
            .collect::<Vec<_>>(),
    });
    let body_bytes = serde_json::to_vec(&body)
        .map_err(|e| Error::internal(format!("the SBOM does not serialize: {e}")))?;
    let mut document = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial_number(&body_bytes),
        "version": 1,
    });
    if let (Value::Object(head), Value::Object(rest)) = (&mut document, body) {
        head.extend(rest);
    }
    let json = serde_json::to_vec(&document)
        .map_err(|e| Error::internal(format!("the SBOM does not serialize: {e}")))?;
    Ok(Sbom {
        json,
        components: members.len(),
    })
}

/// The root component (the output itself) and the document's properties
/// (target, profile, graph source, features).
fn root_metadata(root: &Package, output: &Output<'_>, bom_ref: &str) -> (Value, Vec<Value>) {
    let mut root_component = json!({
        "type": match output.kind {
            OutputKind::Application => "application",
            OutputKind::Library => "library",
        },
        "bom-ref": bom_ref,
        "name": root.name,
        "version": root.version,
    });
    if let Some(license) = &root.license {
        root_component["licenses"] = json!([{ "expression": license }]);
    }
    root_component["hashes"] = json!([{ "alg": "SHA-256", "content": output.sha256 }]);
    root_component["purl"] = json!(root.purl);
    root_component["properties"] = json!([
        { "name": "cargo-attest:output", "value": output.file_name },
    ]);
    let mut properties = vec![
        json!({ "name": "cargo-attest:target", "value": output.target }),
        json!({ "name": "cargo-attest:profile", "value": output.profile }),
        json!({ "name": "cargo-attest:graph", "value": output.graph.label() }),
    ];
    let mut features = output.features.to_vec();
    features.sort();
    features.dedup();
    properties.extend(
        features
            .iter()
            .map(|f| json!({ "name": "cargo-attest:feature", "value": f })),
    );
    (root_component, properties)
}

/// A component; `linked` ones are `required` (their code is in the
/// output), the others `excluded` (build dependencies: they ran while it
/// was built, CycloneDX's scope for what is not part of the runtime).
fn component(p: &Package, bom_ref: &str, linked: bool) -> Value {
    let mut c = json!({
        "type": "library",
        "bom-ref": bom_ref,
        "name": p.name,
        "version": p.version,
        "scope": if linked { "required" } else { "excluded" },
    });
    if let Some(license) = &p.license {
        c["licenses"] = json!([{ "expression": license }]);
    }
    if let Some(sum) = &p.checksum {
        c["hashes"] = json!([{ "alg": "SHA-256", "content": sum }]);
    }
    c["purl"] = json!(p.purl);
    c
}

/// `urn:uuid:` of the version 5 UUID (RFC 4122, URL namespace) of
/// `https://cargo-attest.dev/sbom/sha256:<hex>`, the hex being the SHA-256
/// of the document without its header: the same content, the same serial
/// number, and a different content, a different one.
fn serial_number(body: &[u8]) -> String {
    let name = format!(
        "https://cargo-attest.dev/sbom/sha256:{}",
        hex::encode(Sha256::digest(body))
    );
    let mut input = URL_NAMESPACE.to_vec();
    input.extend_from_slice(name.as_bytes());
    let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &input);
    let mut b = [0u8; 16];
    b.copy_from_slice(&sha1.as_ref()[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The purl of a cargo package (purl spec, type `cargo`): crates.io's
/// crates plain; another registry's with `repository_url` (its index as
/// cargo names it, `sparse+` kept so it can go straight into cargo's
/// configuration); a git dependency's with `vcs_url` (`git+URL@COMMIT`);
/// a path dependency plain (a local path would only leak the builder's
/// directories and break reproducibility).
pub(crate) fn purl(name: &str, version: &str, source: Option<&str>) -> String {
    let base = format!("pkg:cargo/{}@{}", encode(name), encode(version));
    let Some(source) = source else {
        return base;
    };
    if CRATES_IO_SOURCES.contains(&source) {
        return base;
    }
    if let Some(git) = source.strip_prefix("git+") {
        let (url, commit) = git.split_once('#').unwrap_or((git, ""));
        // The query names a branch or tag; the commit is what was built.
        let url = url.split_once('?').map_or(url, |(u, _)| u);
        let vcs = if commit.is_empty() {
            format!("git+{url}")
        } else {
            format!("git+{url}@{commit}")
        };
        return format!("{base}?vcs_url={}", encode(&vcs));
    }
    let index = source.strip_prefix("registry+").unwrap_or(source);
    format!("{base}?repository_url={}", encode(index))
}

/// Percent-encodes all but the unreserved characters, `:` and `/` (which
/// purl implementations leave as they are in qualifier values).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Cargo.lock's checksum of a package: the entry of the same name,
/// version and source (a name and version can come from two sources).
fn lock_checksum(
    lock: &[LockedPackage],
    name: &str,
    version: &str,
    source: Option<&str>,
) -> Option<String> {
    lock.iter()
        .find(|l| l.name == name && l.version == version && l.source.as_deref() == source)
        .and_then(|l| l.checksum_sha256.clone())
}

/// An SPDX expression from a manifest's `license`: cargo still accepts the
/// old `MIT/Apache-2.0`, which means `MIT OR Apache-2.0`.
fn license_expression(license: &str) -> String {
    let license = license.trim();
    if license.contains('/') && !license.contains(" OR ") && !license.contains(" AND ") {
        license
            .split('/')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" OR ")
    } else {
        license.to_string()
    }
}

/// The SBOM of one build output, ready to be signed.
#[derive(Debug, Clone)]
pub(crate) struct OutputSbom {
    /// The output's file name.
    pub(crate) output: String,
    /// The output as a statement subject (its name and SHA-256).
    pub(crate) subject: Subject,
    pub(crate) sbom: Sbom,
}

/// One SBOM per build output of `gathered`, each checked against `limit`
/// bytes: all of them are made before anything is signed, so an oversized
/// one stops the run before a key is loaded or a service is called.
pub(crate) fn of_outputs(
    gathered: &Gathered,
    selection: &BuildSelection,
    limit: u64,
) -> Result<Vec<OutputSbom>> {
    let workspace = gathered.workspace.as_ref().ok_or_else(|| {
        Error::usage(
            "--sbom describes the build's outputs: run it in a cargo project, without \
             --subject-path, --subject-checksums or --subject-digest",
        )
    })?;
    let input = &gathered.input;
    let (Some(triple), Some(profile)) = (input.target.as_deref(), input.profile.as_deref()) else {
        return Err(Error::usage(
            "--sbom describes the build's outputs, not files named with --subject-path, \
             --subject-checksums or --subject-digest",
        ));
    };
    let metadata = cargo::metadata(selection, Some(triple))?;
    let graph = Graph::from_metadata(&metadata, &workspace.lock)?;
    let mut sboms = Vec::new();
    for FileSubject { file, subject } in &gathered.files {
        let (package, kind) = cargo::output_owner(workspace, &file.name, triple).ok_or_else(|| {
            Error::invalid_input(format!(
                "{}: no selected package of the workspace builds an output of this name for {triple}, \
                 so its SBOM cannot be made",
                file.name
            ))
        })?;
        let sha256 = subject.sha256().ok_or_else(|| {
            Error::internal(format!("no sha256 digest was recorded for {}", file.name))
        })?;
        let features = input
            .enabled_features
            .get(&package.name)
            .cloned()
            .unwrap_or_default();
        let precise = precursor_of(&file.path).and_then(|(path, precursor)| {
            let found = graph.with_precursor(&precursor, &package.id);
            if found.is_none() {
                tracing::warn!(
                    "{}: names packages this workspace's metadata does not: not used",
                    path.display()
                );
            }
            found
        });
        let (used, source) = match &precise {
            Some(g) => (g, GraphSource::CargoSbom),
            None => (&graph, GraphSource::CargoMetadata),
        };
        let sbom = sbom(
            used,
            &Output {
                file_name: &file.name,
                sha256,
                package: &package.id,
                kind: if *kind == TargetKind::Bin {
                    OutputKind::Application
                } else {
                    OutputKind::Library
                },
                target: triple,
                profile,
                features: &features,
                graph: source,
                timestamp: input.finished,
            },
        )?;
        check_size(&file.name, &sbom, limit)?;
        sboms.push(OutputSbom {
            output: file.name.clone(),
            subject: subject.clone(),
            sbom,
        });
    }
    Ok(sboms)
}

/// Refuses an SBOM over `limit` bytes, before anything is signed.
pub(crate) fn check_size(output: &str, sbom: &Sbom, limit: u64) -> Result<()> {
    let size = sbom.json.len() as u64;
    if size > limit {
        return Err(Error::invalid_input(format!(
            "the SBOM of {output} is {size} bytes ({}), over the limit of {limit} bytes ({}); \
             nothing was signed\nhint: raise it with --sbom-size-limit or {SIZE_LIMIT_VARIABLE} \
             (GitHub's actions/attest refuses predicates over 16 MiB)",
            human_size(size),
            human_size(limit)
        )));
    }
    Ok(())
}

fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            // One decimal is enough to compare with a limit.
            return format!("{:.1} {unit}", bytes as f64 / size as f64);
        }
    }
    format!("{bytes} B")
}

/// Reads a size limit: bytes, or a number with `KiB`, `MiB` or `GiB`.
pub(crate) fn parse_size(text: &str) -> Result<u64> {
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => t.split_at(at),
        None => (t, ""),
    };
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        _ => 0,
    };
    number
        .parse::<u64>()
        .ok()
        .filter(|_| factor > 0)
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| {
            Error::usage(format!(
                "SBOM size limit `{text}` is not a size: give bytes, or a number with KiB, MiB \
                 or GiB (such as 16MiB)"
            ))
        })
}

/// The in-toto statement of an SBOM: the SBOM is the predicate, verbatim.
pub(crate) fn statement(subjects: &[Subject], sbom: &Sbom) -> Result<Statement<Value>> {
    let predicate: Value = serde_json::from_slice(&sbom.json)
        .map_err(|e| Error::internal(format!("the SBOM does not read back: {e}")))?;
    let mut subject = subjects.to_vec();
    subject.sort();
    subject.dedup();
    Ok(Statement {
        statement_type: STATEMENT_TYPE.into(),
        subject,
        predicate_type: CYCLONEDX_BOM.into(),
        predicate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_per_source() {
        assert_eq!(purl("itoa", "1.0.11", None), "pkg:cargo/itoa@1.0.11");
        for crates_io in CRATES_IO_SOURCES {
            assert_eq!(
                purl("itoa", "1.0.11", Some(crates_io)),
                "pkg:cargo/itoa@1.0.11"
            );
        }
        assert_eq!(
            purl("a", "1.0.0+meta", Some("sparse+http://127.0.0.1:9/index/")),
            "pkg:cargo/a@1.0.0%2Bmeta?repository_url=sparse%2Bhttp://127.0.0.1:9/index/"
        );
        assert_eq!(
            purl("a", "1.0.0", Some("registry+https://example.com/index")),
            "pkg:cargo/a@1.0.0?repository_url=https://example.com/index"
        );
        assert_eq!(
            purl(
                "a",
                "0.1.0",
                Some("git+https://github.com/o/r?branch=main#0123abcd")
            ),
            "pkg:cargo/a@0.1.0?vcs_url=git%2Bhttps://github.com/o/r%400123abcd"
        );
    }

    #[test]
    fn old_license_syntax_becomes_an_expression() {
        assert_eq!(license_expression("MIT/Apache-2.0"), "MIT OR Apache-2.0");
        assert_eq!(license_expression("MIT OR Apache-2.0"), "MIT OR Apache-2.0");
        assert_eq!(
            license_expression("Apache-2.0 WITH LLVM-exception"),
            "Apache-2.0 WITH LLVM-exception"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16MiB").unwrap(), 16 << 20);
        assert_eq!(parse_size("100").unwrap(), 100);
        assert_eq!(parse_size("2 KiB").unwrap(), 2048);
        assert!(parse_size("16MB").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("").is_err());
        let sbom = Sbom {
            json: vec![b' '; 2048],
            components: 0,
        };
        assert!(check_size("x", &sbom, 2048).is_ok());
        let e = check_size("x", &sbom, 2047).unwrap_err().to_string();
        assert!(
            e.contains("2048 bytes") && e.contains("limit of 2047 bytes"),
            "{e}"
        );
    }

    #[test]
    fn serial_numbers_are_version_5_uuids_of_the_content() {
        let a = serial_number(b"{}");
        assert_eq!(a, serial_number(b"{}"));
        assert_ne!(a, serial_number(b"{ }"));
        let re = regex::Regex::new(
            "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        )
        .unwrap();
        assert!(re.is_match(&a), "{a}");
    }
}
