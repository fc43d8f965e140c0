//! OCI registries: a [`Client`] for one registry host, split by concern —
//! `client` (the session), [`policy`] (where credentials and content may
//! go), `transport` (one retry policy), `auth` and `tokens` (challenges and
//! the token cache), `blobs`, `manifests`, `listing` — and [`Repository`], a
//! repository as an [`crate::oci::Store`]. [`attach`] holds what is built
//! on stores: attaching, discovering, pruning and migrating; [`push`]
//! pushes artifacts.

pub(crate) mod attach;
pub(crate) mod auth;
mod blob_sources;
mod blobs;
pub(crate) mod challenge;
mod client;
pub(crate) mod listing;
mod manifests;
mod pipeline;
pub(crate) mod policy;
pub(crate) mod push;
mod repository;
mod tokens;
mod transport;
mod upload;

pub(crate) use client::Client;
pub(crate) use policy::Options;
pub(crate) use repository::Repository;
