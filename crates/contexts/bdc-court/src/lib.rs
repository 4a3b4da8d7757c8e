//! BDC court — 总对总 network seizure (法院网络查控, A5), a context of its own.
//!
//! Courts' requests come from the provincial front-end machine (`bdc_adapters::court`); each
//! message is kept raw before it is read, each request on its own, each property matched to a
//! unit and registered as a 查封 / 轮候 / 预查封 / 续封 / 解封 case through the register's service
//! API (`bdc_registry::register_api`) in the same transaction as the property is marked done;
//! receipts go back within 1 working day. When a registration or a lapse makes a waiting seizure
//! active, the register's `seizure_promoted` event reaches this context through the outbox and its
//! court is told.
//!
//! - [`domain`] — property status and receipt state, with their codes and names.
//! - [`service`] — the use cases: poll, process, receipts, the staff views (查控工作台).
//! - [`api`] — `/api/v1/court/…` and `/api/v1/units/{id}/seizures`, with this context's part
//!   of the access table.
//! - [`pages`] — the court desk (`/workbench/court`), in the shared frame.
//! - [`jobs`] — the background work the worker loop runs for this context, and [`install`].
//! - `store` — the context's own tables (`court_messages`, `court_requests`,
//!   `court_properties`), private to it.
//!
//! The handlers and the page call [`service`] only; their routers are generic over the server's
//! state, which must yield the register's `Services` and the session `Gate`.

// `Problem` is the error of every handler and extractor; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod domain;
pub mod jobs;
pub mod pages;
pub mod service;
mod store;

pub use jobs::install;
