//! Platforms of an image index (`os/architecture[/variant]`): the one a
//! Rust target triple builds for, and the manifest of an index that a
//! `--platform` names.
//!
//! The triple's names become the OCI spec's (Go's `GOOS`/`GOARCH`, which
//! registries, docker, regctl and cosign all use): the table is
//! [`ARCHITECTURES`] and [`OPERATING_SYSTEMS`], documented in the README
//! ("Multi-target releases"). A triple outside them is refused rather than
//! guessed: a wrong platform sends the wrong binary to a machine.

use serde::{Deserialize, Serialize};

use super::manifest::{Descriptor, ImageIndex, MEDIA_TYPE_INDEX};
use super::reference::Target;
use super::store::Store;
use crate::error::{Error, Result};

/// Media type of a Docker manifest list, the index's older form.
const MEDIA_TYPE_DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// An index entry's `platform` (the fields we write and match on; others
/// a producer wrote are kept in the descriptor's `extra`, untouched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Platform {
    pub(crate) architecture: String,
    pub(crate) os: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) variant: Option<String>,
}

/// A triple's architecture (its first component) as the OCI spec names it,
/// with the variant where the spec has one. A name ending in `*` takes
/// any triple architecture it begins (`riscv64gc`, `armv7a`); others must
/// be equal.
const ARCHITECTURES: &[(&str, &str, Option<&str>)] = &[
    ("x86_64", "amd64", None),
    ("i686", "386", None),
    ("i586", "386", None),
    ("i386", "386", None),
    ("aarch64", "arm64", None),
    ("arm64", "arm64", None),
    ("armv7*", "arm", Some("v7")),
    ("thumbv7neon", "arm", Some("v7")),
    ("armv6*", "arm", Some("v6")),
    ("armv5te", "arm", Some("v5")),
    // Rust's `arm-*` targets are ARMv6 (arm-unknown-linux-gnueabihf: the
    // Raspberry Pi 1 baseline).
    ("arm", "arm", Some("v6")),
    ("riscv64*", "riscv64", None),
    ("powerpc64le", "ppc64le", None),
    ("powerpc64", "ppc64", None),
    ("s390x", "s390x", None),
    ("loongarch64", "loong64", None),
    ("mips64el", "mips64le", None),
    ("mips64", "mips64", None),
    ("mipsel", "mipsle", None),
    ("mips", "mips", None),
    ("wasm32", "wasm", None),
];

/// A triple component (after the architecture) that names the OS, as the
/// OCI spec names it. The table's order decides between two, so
/// `linux-android` is android.
const OPERATING_SYSTEMS: &[(&str, &str)] = &[
    ("android", "android"),
    ("androideabi", "android"),
    ("linux", "linux"),
    ("darwin", "darwin"),
    ("ios", "ios"),
    ("windows", "windows"),
    ("freebsd", "freebsd"),
    ("netbsd", "netbsd"),
    ("openbsd", "openbsd"),
    ("dragonfly", "dragonfly"),
    ("illumos", "illumos"),
    ("solaris", "solaris"),
    ("aix", "aix"),
    ("wasip1", "wasip1"),
    // The triple's old name for wasip1.
    ("wasi", "wasip1"),
];

impl Platform {
    /// The platform a Rust target triple builds for; an error naming the
    /// triple when the table has no OS or architecture for it.
    pub(crate) fn of_target(triple: &str) -> Result<Platform> {
        let mut parts = triple.split('-');
        let arch_part = parts.next().unwrap_or_default();
        let rest: Vec<&str> = parts.collect();
        let arch = ARCHITECTURES
            .iter()
            .find(|(name, _, _)| match name.strip_suffix('*') {
                Some(family) => arch_part.starts_with(family),
                None => arch_part == *name,
            });
        // A version after the OS name (`freebsd13`) is no part of it.
        let parts: Vec<&str> = rest
            .iter()
            .flat_map(|part| {
                [
                    *part,
                    part.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.'),
                ]
            })
            .collect();
        let os = OPERATING_SYSTEMS
            .iter()
            .find(|(name, _)| parts.contains(name))
            .map(|(_, os)| *os);
        match (arch, os) {
            (Some((_, architecture, variant)), Some(os)) => Ok(Platform {
                architecture: architecture.to_string(),
                os: os.to_string(),
                variant: variant.map(str::to_string),
            }),
            (None, _) => Err(Error::usage(format!(
                "--target {triple}: no OCI architecture is known for `{arch_part}`, so it has \
                 no place in an image index (the README's \"Multi-target releases\" lists the \
                 triples that do); push it on its own with one --target"
            ))),
            (_, None) => Err(Error::usage(format!(
                "--target {triple}: it names no operating system an OCI platform knows (such \
                 as linux, darwin, windows, wasip1), so it has no place in an image index; \
                 push it on its own with one --target"
            ))),
        }
    }

    /// `os/architecture[/variant]`, as `--platform` takes it.
    pub(crate) fn parse(text: &str) -> Result<Platform> {
        let parts: Vec<&str> = text.split('/').collect();
        let valid = |p: &&str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        };
        match parts.as_slice() {
            [os, arch] | [os, arch, _] if parts.iter().all(valid) => Ok(Platform {
                os: os.to_string(),
                architecture: arch.to_string(),
                variant: parts.get(2).map(|v| v.to_string()),
            }),
            _ => Err(Error::usage(format!(
                "--platform {text}: expected OS/ARCHITECTURE[/VARIANT], such as linux/amd64 or \
                 linux/arm/v7"
            ))),
        }
    }

    /// Whether an index entry's platform is this one: OS and architecture
    /// equal, and the variant too when this one names it. `arm64` without
    /// a variant is `arm64/v8` (as containerd and docker normalise it).
    pub(crate) fn selects(&self, entry: &Platform) -> bool {
        let variant = |p: &Platform| match (p.architecture.as_str(), p.variant.as_deref()) {
            ("arm64", None) => Some("v8".to_string()),
            (_, v) => v.map(str::to_string),
        };
        self.os == entry.os
            && self.architecture == entry.architecture
            && (self.variant.is_none() || variant(self) == variant(entry))
    }

    /// The platform an index entry states, if any.
    pub(crate) fn of_entry(entry: &Descriptor) -> Option<Platform> {
        entry
            .extra
            .get("platform")
            .and_then(|p| serde_json::from_value(p.clone()).ok())
    }

    /// The entry of an index for this platform: its descriptor with the
    /// platform set (in the descriptor's `extra`, as the spec places it).
    pub(crate) fn describe(&self, mut entry: Descriptor) -> Result<Descriptor> {
        let value = serde_json::to_value(self).map_err(|e| Error::internal(e.to_string()))?;
        entry.extra.insert("platform".to_string(), value);
        Ok(entry)
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// Whether a media type is an index (OCI, or Docker's manifest list).
pub(crate) fn is_index(media_type: &str) -> bool {
    media_type == MEDIA_TYPE_INDEX || media_type == MEDIA_TYPE_DOCKER_LIST
}

/// What REF names, with `platform`: the manifest for it in the index REF
/// names. Without one, REF's own manifest (or index).
pub(crate) fn resolve(
    store: &dyn Store,
    reference: &Target,
    platform: Option<&Platform>,
) -> Result<Descriptor> {
    let Some(platform) = platform else {
        return store.resolve(reference);
    };
    let fetched = store.get_manifest(reference)?.ok_or_else(|| {
        store.not_found(&format!(
            "{}: no manifest `{}`",
            store.describe(),
            reference.as_str()
        ))
    })?;
    let index = fetched.descriptor();
    if !is_index(&index.media_type) {
        return Err(Error::usage(format!(
            "--platform {platform}: {} names a single manifest ({}), not an image index: \
             leave out --platform",
            reference.as_str(),
            index.media_type
        )));
    }
    select(&fetched.bytes, platform).map_err(|available| {
        Error::invalid_input(format!(
            "--platform {platform}: the index `{}` of {} ({}) has no one manifest for it \
             (it has: {})",
            reference.as_str(),
            store.describe(),
            index.digest,
            if available.is_empty() {
                "no platforms".to_string()
            } else {
                available.join(", ")
            }
        ))
    })
}

/// The one entry of an index for `platform`; else the platforms the
/// index lists (an error too when several entries match: which one is
/// meant is not for us to guess).
pub(crate) fn select(
    index: &[u8],
    platform: &Platform,
) -> std::result::Result<Descriptor, Vec<String>> {
    let index: ImageIndex = serde_json::from_slice(index).map_err(|_| Vec::new())?;
    let listed: Vec<(Platform, &Descriptor)> = index
        .manifests
        .iter()
        .filter_map(|d| Platform::of_entry(d).map(|p| (p, d)))
        .collect();
    let matching: Vec<&Descriptor> = listed
        .iter()
        .filter(|(p, _)| platform.selects(p))
        .map(|(_, d)| *d)
        .collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        _ => Err(listed.iter().map(|(p, _)| p.to_string()).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(triple: &str) -> String {
        Platform::of_target(triple)
            .map(|p| p.to_string())
            .unwrap_or_else(|e| format!("error: {}", e.report()))
    }

    #[test]
    fn triples_become_the_oci_spec_platforms() {
        for (triple, platform) in [
            ("x86_64-unknown-linux-gnu", "linux/amd64"),
            ("x86_64-unknown-linux-musl", "linux/amd64"),
            ("aarch64-unknown-linux-gnu", "linux/arm64"),
            ("aarch64-unknown-linux-musl", "linux/arm64"),
            ("armv7-unknown-linux-gnueabihf", "linux/arm/v7"),
            ("thumbv7neon-unknown-linux-gnueabihf", "linux/arm/v7"),
            ("arm-unknown-linux-gnueabihf", "linux/arm/v6"),
            ("armv5te-unknown-linux-gnueabi", "linux/arm/v5"),
            ("i686-unknown-linux-gnu", "linux/386"),
            ("i686-pc-windows-msvc", "windows/386"),
            ("x86_64-pc-windows-msvc", "windows/amd64"),
            ("x86_64-pc-windows-gnu", "windows/amd64"),
            ("aarch64-pc-windows-msvc", "windows/arm64"),
            ("x86_64-apple-darwin", "darwin/amd64"),
            ("aarch64-apple-darwin", "darwin/arm64"),
            ("aarch64-apple-ios", "ios/arm64"),
            ("aarch64-linux-android", "android/arm64"),
            ("armv7-linux-androideabi", "android/arm/v7"),
            ("riscv64gc-unknown-linux-gnu", "linux/riscv64"),
            ("powerpc64le-unknown-linux-gnu", "linux/ppc64le"),
            ("powerpc64-unknown-linux-gnu", "linux/ppc64"),
            ("powerpc64-ibm-aix", "aix/ppc64"),
            ("s390x-unknown-linux-gnu", "linux/s390x"),
            ("loongarch64-unknown-linux-gnu", "linux/loong64"),
            ("mips64el-unknown-linux-gnuabi64", "linux/mips64le"),
            ("mipsel-unknown-linux-gnu", "linux/mipsle"),
            ("x86_64-unknown-freebsd", "freebsd/amd64"),
            ("x86_64-unknown-netbsd", "netbsd/amd64"),
            ("x86_64-unknown-illumos", "illumos/amd64"),
            ("wasm32-wasip1", "wasip1/wasm"),
            ("wasm32-wasi", "wasip1/wasm"),
        ] {
            assert_eq!(of(triple), platform, "{triple}");
        }
    }

    #[test]
    fn triples_without_an_oci_platform_are_refused_by_name() {
        for triple in [
            "wasm32-unknown-unknown",
            "thumbv7em-none-eabihf",
            "aarch64-unknown-none",
            "x86_64-unknown-uefi",
            "sparc64-unknown-linux-gnu",
            "powerpc-unknown-linux-gnu",
            "armebv7r-none-eabi",
            "nonsense",
        ] {
            let said = of(triple);
            assert!(
                said.starts_with("error: ") && said.contains(triple),
                "{triple}: {said}"
            );
        }
    }

    #[test]
    fn platforms_parse_and_print_alike() {
        for text in ["linux/amd64", "linux/arm/v7", "wasip1/wasm"] {
            assert_eq!(Platform::parse(text).unwrap().to_string(), text);
        }
        for bad in ["linux", "linux/", "/amd64", "a/b/c/d", "linux/am d64", ""] {
            assert!(Platform::parse(bad).is_err(), "{bad}");
        }
    }

    fn index_of(platforms: &[&str]) -> Vec<u8> {
        let mut index = ImageIndex::empty();
        for (i, p) in platforms.iter().enumerate() {
            let d = Descriptor::new(
                super::super::manifest::MEDIA_TYPE_MANIFEST,
                format!("sha256:{i:064}"),
                1,
            );
            index
                .manifests
                .push(Platform::parse(p).unwrap().describe(d).unwrap());
        }
        serde_json::to_vec(&index).unwrap()
    }

    #[test]
    fn a_platform_selects_one_entry_or_says_what_there_is() {
        let index = index_of(&["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6"]);
        let pick = |p: &str| select(&index, &Platform::parse(p).unwrap());
        assert_eq!(
            pick("linux/arm64").unwrap().digest,
            format!("sha256:{:064}", 1)
        );
        assert_eq!(
            pick("linux/arm/v6").unwrap().digest,
            format!("sha256:{:064}", 3)
        );
        // Two arm entries: without a variant, which one is meant is unclear.
        assert_eq!(
            pick("linux/arm").unwrap_err(),
            ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6"]
        );
        assert!(pick("windows/amd64").is_err());
        // The entry keeps its platform in the serialised index.
        let v: serde_json::Value = serde_json::from_slice(&index).unwrap();
        assert_eq!(v["manifests"][2]["platform"]["variant"], "v7");
        assert_eq!(v["manifests"][0]["platform"]["architecture"], "amd64");
    }
}
