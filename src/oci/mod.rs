//! OCI itself, at the bottom of the crate: digests, references,
//! descriptors, manifests and indexes, media types, and the one read/write
//! [`Store`] trait that a registry repository and an OCI image layout both
//! implement, so attach, discover, verify, prune and migrate are written once.
//!
//! Nothing here knows how bytes travel: no HTTP, no files.

pub(crate) mod digest;
pub(crate) mod manifest;
pub(crate) mod reference;
pub(crate) mod store;

pub(crate) use manifest::Descriptor;
#[cfg(test)]
pub(crate) use reference::Reference;
pub(crate) use store::Store;
