//! Signing: keys, DSSE envelopes and Sigstore bundles.

pub(crate) mod dsse;
pub(crate) mod keyfile;
pub(crate) mod keys;
pub(crate) mod material;

pub(crate) use dsse::{DsseBundle, IN_TOTO_PAYLOAD_TYPE, sign_bundle};
pub(crate) use keys::{Algorithm, PublicKey, SigningKey};
