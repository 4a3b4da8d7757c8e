//! BDC portal — 线上苏小登, the public portal (B1, B4, B5), a context of its own.
//!
//! A real-name public account (its party proven by the identity authority, read through the
//! register's directory port) applies online for the catalogue flows open to its channel; the
//! application carries the whole request and is checked by the counter's own code
//! (`register_api::cases::precheck`, `open_case`), so the portal never accepts what the counter
//! would refuse. Co-applicants confirm from their own accounts with a one-time SMS code; agents
//! act under a recorded authorisation (授权委托) and within it only. The account sees its cases'
//! progress and results, its certificates, its own register records (登记资料查询); an
//! interested party (利害关系人) asks for a limited result that staff approve first. Every public
//! query is logged (`bdc_audit::queries`).
//!
//! - [`install`] — answers the register's `OnlineOrigin` port.
//! - [`domain`] — application and confirmation states, the owner kinds of the portal's files.
//! - [`service`] — the use cases.
//! - [`api`] — `/api/v1/portal/…`, with this context's part of the access table.
//! - [`pages`] — the portal's pages and the staff's 查询审批, in the shared frame.
//! - `store` — the context's own tables, private to it.
//!
//! The handlers and pages call [`service`] only; their routers are generic over the server's
//! state, which must yield the register's `Services` and the session `Gate`.

// `Problem` is the error of every handler and extractor; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod domain;
pub mod pages;
pub mod service;
mod store;

use std::sync::Arc;

use bdc_registry::Services;

/// Installs the portal into a server: the register's workbench may then ask it where an online
/// case came from (`bdc_registry::service::origin`).
#[must_use]
pub fn install(s: Services) -> Services {
    s.with_origin(Arc::new(service::origin::Applications))
}
