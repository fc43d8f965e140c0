//! Signing a statement with the run's signer and witnesses, and the
//! identity token keyless signers are certified for: shared by the run's
//! bundle and the per-subject ones.

use crate::cli::AttestArgs;
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::signing::IN_TOTO_PAYLOAD_TYPE;
use crate::signing::keyless::Endpoints;
use crate::signing::keyless::http::Services;
use crate::signing::keyless::token::{IdentityToken, find_token};
use crate::signing::signer::{
    RekorWitness, SignedBundle, Signer, TimestampWitness, Witness, sign_dsse,
};

/// The identity token keyless signing buys certificates with.
pub(super) fn identity_token(
    settings: &Settings,
    args: &AttestArgs,
    services: &Services,
) -> Result<IdentityToken> {
    find_token(
        args.keyless.identity_token.as_deref(),
        &settings.env,
        services,
    )?
    .ok_or_else(|| {
        Error::key(
            "keyless signing needs an OIDC identity token: pass --identity-token, \
             set SIGSTORE_ID_TOKEN, or run in GitHub Actions with \
             `permissions: id-token: write`",
        )
    })
}

/// Signs the statement and has the signature timestamped and logged where
/// the endpoints say.
pub(super) fn sign(
    statement: &[u8],
    signer: &Signer,
    endpoints: &Endpoints,
    services: &Services,
) -> Result<SignedBundle> {
    let timestamping = endpoints
        .timestamp_authority()
        .map(|authority| TimestampWitness {
            authority,
            services,
        });
    let logging: Vec<RekorWitness<'_>> = endpoints
        .rekor_logs()
        .into_iter()
        .map(|log| RekorWitness { log, services })
        .collect();
    let witnesses: Vec<&dyn Witness> = timestamping
        .iter()
        .map(|w| w as &dyn Witness)
        .chain(logging.iter().map(|w| w as &dyn Witness))
        .collect();
    sign_dsse(statement, IN_TOTO_PAYLOAD_TYPE, signer, &witnesses)
}
