//! BDC registry — the register (不动产登记簿) and its cases, the core every context reads.
//!
//! - [`domain`] — the pure model and rules: the catalogue of flows, rights and restrictions, what
//!   登簿 does (`register::plan`), the rule engine, separation of duties, case states. No I/O.
//! - [`store`] — the register's tables on both engines: cadastre, parties, the rights
//!   projections, the SM3-chained journal, cases, rules, the file index, one-time codes, limits.
//!   Only this crate, the apps (demo, bench) and tests name it; no other context does.
//! - [`service`] — the use cases: intake, the workflow, 登簿, lapses, certificates, verification,
//!   the calendar, rate limits, materials, the worker loop, and [`register_api`], the surface the
//!   other contexts use.
//! - [`api`] — `/api/v1/{catalogue,parcels,buildings,units,parties,cases,calendar,rules,duties}`,
//!   with this context's part of the access table.
//! - [`pages`] — 工作台 and 窗口受理, in the shared frame.
//!
//! Every use case checks the actor itself, opens its transaction and commits once, with the audit
//! row inside it.

// `Problem` is the error of every handler and extractor; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod domain;
pub mod pages;
pub mod service;
pub mod store;

pub use service::register_api;
pub use service::{FieldCipherHandle, SecuritySettings, Services};

/// Test support (feature `testing`, enabled by dev-dependencies only): a fresh database, migrated
/// and seeded, on either engine.
#[cfg(feature = "testing")]
pub mod testing {
    pub use crate::store::testing::fresh_db;
}
