//! The process environment as read once at start (by the binary, through
//! the settings): core modules take an [`Env`], never `std::env`.

use std::collections::BTreeMap;

/// A snapshot of the process environment, taken once. Values that are not
/// UTF-8 are kept lossily: a stray variable must never abort a run.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    pub fn from_process() -> Self {
        Env {
            vars: std::env::vars_os()
                .map(|(k, v)| {
                    (
                        k.to_string_lossy().into_owned(),
                        v.to_string_lossy().into_owned(),
                    )
                })
                .collect(),
        }
    }

    /// A variable's value, if set (empty counts as set).
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        self.vars.get(key).cloned()
    }

    pub(crate) fn vars(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.vars.iter().map(|(k, v)| (k.clone(), v.clone()))
    }

    /// An environment of exactly these variables (for tests).
    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Env {
            vars: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }
}
