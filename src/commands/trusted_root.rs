//! `cargo attest trusted-root [--sigstore INSTANCE]`: each instance's
//! current trusted root, refreshed through TUF, one compact JSON document
//! per line (public good's, then GitHub's), as `gh attestation
//! trusted-root` prints them, so `gh attestation verify
//! --custom-trusted-root` and `cargo attest verify --trusted-root` read the
//! output as it is.

use serde::Serialize;

use super::Report;
use crate::cli::TrustedRootArgs;
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::trust::{Instance, Origin, Trust};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Output {
    trusted_roots: Vec<RootOutput>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RootOutput {
    sigstore: &'static str,
    /// `fresh`, `cached` or `embedded`.
    source: &'static str,
    trusted_root: serde_json::Value,
}

pub(super) fn run(settings: &Settings, args: &TrustedRootArgs) -> Result<Report> {
    let instances = match args.sigstore {
        Some(s) => vec![super::instance(s)],
        None => Instance::ALL.to_vec(),
    };
    let trust = Trust::new(settings.trust.clone());
    let mut roots = Vec::new();
    for instance in instances {
        let material = trust.material(instance)?;
        let value: serde_json::Value =
            serde_json::from_str(&material.trusted_root_json).map_err(|e| {
                Error::trust_metadata(format!("the trusted root of {instance} is not JSON: {e}"))
            })?;
        roots.push(RootOutput {
            sigstore: instance.name(),
            source: match material.origin {
                Origin::Fresh => "fresh",
                Origin::Cached { .. } => "cached",
                Origin::Embedded => "embedded",
            },
            trusted_root: value,
        });
    }
    let lines: Vec<String> = roots.iter().map(|r| r.trusted_root.to_string()).collect();
    let mut report = Report::new(&Output {
        trusted_roots: roots,
    })?;
    for line in lines {
        report.line(line);
    }
    Ok(report)
}
