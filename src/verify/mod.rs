//! Verification, for files against a bundle and for what is attached to an
//! image: the signature (with a given key, or the keyring key the bundle's
//! hint names), the statement and predicate types, the subjects, and the
//! policy flags. Commands only present what this decides.

mod attached;
mod files;
mod keys;
pub(crate) mod policy;
mod statement;

pub(crate) use attached::verify_attached;
pub(crate) use files::verify_files;
pub(crate) use keys::Keys;
pub(crate) use policy::Policy;
