//! BDC identity — accounts, roles, sessions and real names (B2, C1.1, E2), a context of its own.
//!
//! Staff and public accounts log in here (Argon2id, lock-out counted atomically before the
//! check, rate limits per account and address); sessions are stored hashed, cookies carry a CSRF
//! token, bearer tokens are shown once. A public account is linked to its party only by a
//! real-name verification of the identity authority (公安 人证比对, or an organisation's 法定代表人
//! with its credit code), recorded; never by knowing a name and an ID number.
//!
//! - [`service`] — the use cases: login, accounts and roles, verification, sign-up, and the
//!   register core's `Directory` port.
//! - [`api`] — `/api/v1/auth/…`, `/api/v1/admin/{users,roles,permissions}`,
//!   `/api/v1/portal/sign-up`, `/api/v1/portal/real-name`, with this context's part of the access
//!   table.
//! - [`pages`] — login, logout, sign-up and 实名认证 (`/login`, `/signup`, `/portal/real-name`),
//!   in the shared frame.
//! - [`sessions`] — the session lookup the HTTP kernel's gate calls.
//! - `store` — the context's own tables, private to it.
//! - [`install`] — seeds the built-in roles and answers the core's `Directory`.
//!
//! It reads the register only through `bdc_registry::register_api`: the party a verification
//! proved, the one-time codes and the rate limits.

// `Problem` is the error of every handler and extractor; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod pages;
pub mod service;
pub mod sessions;
mod store;

#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;

use bdc_core::ServiceResult;
use bdc_registry::Services;

/// Installs identity into a server: seeds the built-in roles (idempotent) and answers the
/// register core's questions about accounts ([`bdc_registry::service::directory`]).
pub async fn install(s: Services) -> ServiceResult<Services> {
    let mut conn = s.db.conn().await?;
    store::accounts::seed_builtin_roles(&mut conn).await?;
    drop(conn);
    Ok(s.with_directory(Arc::new(service::directory::Accounts)))
}
