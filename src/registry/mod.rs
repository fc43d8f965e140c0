//! OCI registries: a [`Client`] for one registry host, split by concern —
//! `client` (the session), [`policy`] (where credentials and content may
//! go), `transport` (one retry policy), `auth` and `tokens` (challenges and
//! the token cache), `blobs`, `manifests`, `listing` — and [`Repository`], a
//! repository as an [`crate::oci::Store`]. What is built on stores
//! (attaching, discovering, pruning, migrating, publishing) lives in
//! `crate::attach` and `crate::publish`, for registries and layouts alike.
//! Map: docs/architecture.md#registry

pub(crate) mod auth;
mod blob_sources;
mod blobs;
pub(crate) mod challenge;
mod client;
pub(crate) mod listing;
mod manifests;
mod pipeline;
pub(crate) mod policy;
mod repository;
mod tokens;
mod transport;
mod upload;

pub(crate) use client::Client;
pub(crate) use policy::Options;
pub(crate) use repository::Repository;
