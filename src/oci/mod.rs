//! OCI itself, at the bottom of the crate: digests, references,
//! descriptors, manifests and indexes, media types, the distribution spec's
//! error codes, and the one read/write
//! [`Store`] trait that a registry repository and an OCI image layout both
//! implement, so attach, discover, verify, prune and migrate are written once.
//!
//! Nothing here moves bytes (no HTTP client, no file I/O), but [`Store`]
//! speaks its implementations' terms: headers in what a write answers, a
//! refusal by what it means with the HTTP status it stands for, a file path
//! to stream a blob from.
//! Map: docs/architecture.md#oci

pub(crate) mod digest;
pub(crate) mod errors;
pub(crate) mod manifest;
pub(crate) mod platform;
pub(crate) mod reference;
pub(crate) mod store;

pub(crate) use manifest::Descriptor;
#[cfg(test)]
pub(crate) use reference::Reference;
pub(crate) use store::Store;
