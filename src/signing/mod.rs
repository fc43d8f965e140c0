//! Signing: keys, DSSE envelopes and Sigstore bundles, behind one
//! interface ([`signer`]) for key-based and keyless signing.
//! Map: docs/architecture.md#signing

pub(crate) mod batch;
pub(crate) mod dsse;
pub(crate) mod keyfile;
pub(crate) mod keyless;
pub(crate) mod keys;
pub(crate) mod material;
pub(crate) mod signer;

pub(crate) use dsse::{DsseBundle, IN_TOTO_PAYLOAD_TYPE};
pub(crate) use keys::{Algorithm, PublicKey, SigningKey};
