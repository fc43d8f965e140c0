//! Verification, for files against a bundle and for what is attached to an
//! image: who signed (a given key, the keyring key the bundle's hint names,
//! or a keyless certificate chained to a trusted root and matched against
//! the identity policy), timestamps, the statement and predicate types, the
//! subjects, and the policy flags. Commands only present what this decides.
//! Map: docs/architecture.md#verify

mod attached;
mod files;
mod identity;
mod keys;
pub(crate) mod many;
pub(crate) mod policy;
mod preset;
mod signature;
mod statement;
pub(crate) mod summary;
mod trusted;

pub(crate) use attached::{AttachedCheck, Failure, verify_attached, verify_files_from};
pub(crate) use files::{bundle_dirs, find_bundles, hash_files, verify_files};
pub(crate) use identity::{IdentityFlags, IdentityPolicy};
pub(crate) use keys::Keys;
pub(crate) use many::{BundleSource, Outcome, load_bundles, verify_many};
pub(crate) use policy::Policy;
pub(crate) use signature::{SignedBy, Trust};
pub(crate) use trusted::{TlogPolicy, TrustRoot};
