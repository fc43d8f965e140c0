//! The signed statement: signature, statement type and predicate type.

use super::keys::Candidate;
use super::policy::Policy;
use crate::error::{Error, Result};
use crate::provenance::Statement;
use crate::signing::DsseBundle;
use crate::signing::dsse::VerifyError;
use crate::strict_json::{self, StrictError};

/// Statement types we accept: v1, and v0.1 which older producers still write.
const STATEMENT_TYPES: [&str; 2] = [
    "https://in-toto.io/Statement/v1",
    "https://in-toto.io/Statement/v0.1",
];

/// Signature (with any one of `keys`), statement type and predicate type:
/// the statement and the key that verified it, once all of them hold.
pub(crate) fn check_signed_statement(
    bundle: &DsseBundle,
    keys: &[Candidate],
    policy: &Policy,
    label: &str,
) -> Result<(Statement, Candidate)> {
    let mut verified = None;
    let mut first_error = None;
    for candidate in keys {
        match bundle.verify(&candidate.key) {
            Ok(payload) => {
                verified = Some((payload, candidate));
                break;
            }
            Err(e) => {
                tracing::debug!("{label}: {e} ({})", candidate.label);
                first_error.get_or_insert(e);
            }
        }
    }
    let Some((payload, candidate)) = verified else {
        return Err(Error::verification(match (keys, first_error) {
            ([_], Some(e)) | (_, Some(e @ VerifyError::PayloadType(_))) => format!("{label}: {e}"),
            _ => format!(
                "{label}: the signature does not verify with any of the {} keys given ({})",
                keys.len(),
                keys.iter()
                    .map(|k| k.key.key_id())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }));
    };
    let statement = parse_statement(payload, policy)?;
    Ok((statement, candidate.clone()))
}

/// Statement type and predicate type of an authenticated payload.
pub(crate) fn parse_statement(payload: &[u8], policy: &Policy) -> Result<Statement> {
    let statement = Statement::from_json(payload).map_err(|e| match e {
        StrictError::DuplicateKey(duplicate) => Error::verification(format!(
            "the signed statement is ambiguous: {duplicate}; {}",
            strict_json::AMBIGUOUS
        )),
        StrictError::Json(e) => Error::verification(format!(
            "the signed payload is not an in-toto statement: {e}"
        )),
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
