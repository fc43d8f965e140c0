//! Per-client auth state: Bearer tokens by scope with the time to refresh
//! them, the realm that issues them, and whether the registry wants Basic
//! auth instead.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use reqwest::Url;
use zeroize::Zeroizing;

pub(super) struct Token {
    pub(super) value: Zeroizing<String>,
    /// Refresh from here on: a little before the token runs out.
    pub(super) refresh_at: Instant,
}

/// Where tokens come from, as the registry's challenge said.
#[derive(Clone)]
pub(super) struct Realm {
    pub(super) url: Url,
    pub(super) service: Option<String>,
}

/// Per-client auth state: tokens by scope, the realm that issues them, and
/// whether the registry wants Basic auth instead.
#[derive(Default)]
pub(crate) struct AuthState {
    inner: Mutex<Inner>,
}

#[derive(Default)]
pub(super) struct Inner {
    pub(super) tokens: HashMap<String, Token>,
    pub(super) realm: Option<Realm>,
    pub(super) basic: bool,
}

impl AuthState {
    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}
