//! Verification, for files against a bundle and for what is attached to an
//! image: the signature (with a given key, or the keyring key the bundle's
//! hint names), the statement and predicate types, the subjects, and the
//! policy flags. Commands only present what this decides.

mod attached;
mod files;
mod keys;
mod policy;
mod statement;
pub(crate) mod summary;

pub(crate) use attached::{AttachedCheck, verify_attached, verify_files_from};
pub(crate) use files::{bundle_dirs, find_bundles, hash_files, verify_files};
pub(crate) use keys::Keys;
pub(crate) use policy::Policy;
