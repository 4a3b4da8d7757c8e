//! BDC reporting — 汇交上报 to the province (A4.1–A4.4), a context of its own.
//!
//! Every journal entry the register appends reaches this context through the outbox (the
//! register's `registered` event, published in the registering transaction): its report job
//! builds the national access message of each unit the entry touched (受理, 审核, 登簿, the
//! spatial objects, the right and its holders, 缮证), passes every field through the
//! issuance-data rules, signs it (SM2), stores it sealed (SM4) and hands it to the exchange.
//! Answers are stored raw before they are read; a refused message, and every record on the
//! province's reconciliation list, becomes an item to clear within 5 working days. The daily
//! 登簿日志 goes up the next day with the journal's signed checkpoint inside it.
//!
//! - [`domain`] — message state and kind, reconciliation cause and status; the issuance rules.
//! - [`service`] — the use cases: report, daily log, reconciliation, issuance rules.
//! - [`api`] — `/api/v1/reports`, `/registration-log`, `/reconciliation`, `/issuance-rules`, with
//!   this context's part of the access table.
//! - [`pages`] — the staff's 上报省厅 screens: 接入报文, 登簿日志, 销账 with 重新上报.
//! - [`jobs`] — the report job (batched), the daily LogBiz, the answers on every tick, and
//!   [`install`].
//! - `store` — the context's own tables (`report_messages`, `reconciliation_items`,
//!   `issuance_rules`), private to it.
//!
//! It reads the register only through `bdc_registry::register_api`: the entry, its case, the
//! units, parcels, buildings, rights and parties it names.

// `Problem` is the error of every handler and extractor; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod domain;
pub mod jobs;
pub mod pages;
pub mod service;
mod store;

pub use jobs::install;
