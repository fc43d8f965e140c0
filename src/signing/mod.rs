//! Signing: keys, DSSE envelopes and Sigstore bundles.
//!
//! Keyless signing (OIDC, Fulcio, Rekor) would be another way to obtain a
//! signer here; the bundle code does not care where the key came from.

pub mod dsse;
pub mod keys;

pub use dsse::{BundleError, DsseBundle, IN_TOTO_PAYLOAD_TYPE, VerifyError, sign_bundle};
pub use keys::{Algorithm, KeyError, PublicKey, SigningKey, key_id_of_spki};
