//! The signed statement: signature, statement type and predicate type.

use super::policy::Policy;
use crate::error::{Error, Result};
use crate::provenance::Statement;
use crate::signing::{DsseBundle, PublicKey};

/// Statement types we accept: v1, and v0.1 which older producers still write.
const STATEMENT_TYPES: [&str; 2] = [
    "https://in-toto.io/Statement/v1",
    "https://in-toto.io/Statement/v0.1",
];

/// Signature, statement type and predicate type: the statement, once all
/// of them hold.
pub(crate) fn check_signed_statement(
    bundle: &DsseBundle,
    key: &PublicKey,
    policy: &Policy,
    label: &str,
) -> Result<Statement> {
    let payload = bundle
        .verify(key)
        .map_err(|e| Error::verification(format!("{label}: {e}")))?;
    let statement = Statement::from_json(payload).map_err(|e| {
        Error::verification(format!(
            "the signed payload is not an in-toto statement: {e}"
        ))
    })?;
    if !STATEMENT_TYPES.contains(&statement.statement_type.as_str()) {
        return Err(Error::verification(format!(
            "statement type is `{}`, expected `{}`",
            statement.statement_type, STATEMENT_TYPES[0]
        )));
    }
    if statement.predicate_type != policy.predicate_type {
        return Err(Error::verification(format!(
            "predicate type is `{}`, policy requires `{}`",
            statement.predicate_type, policy.predicate_type
        )));
    }
    Ok(statement)
}
