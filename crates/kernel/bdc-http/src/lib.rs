//! BDC http — the HTTP kernel every context's API and pages share.
//!
//! [`problem`] is the only way errors leave the API (RFC 9457, a stable code and a Chinese
//! detail); [`extract`] turns bad input into problems before a handler runs and validates
//! paging; [`headers`] sets the security headers of every response; [`metrics`] holds the
//! Prometheus registry; [`session`] is the gate every authenticated route passes (the session
//! lookup is the identity context's, plugged in by the server) with the [`access`] vocabulary;
//! [`page`] is the design system every context's pages share, [`page_input`] the pages'
//! extractors (bad input → a message page) and [`page_error`] the pages of 404/405/500;
//! [`paged`] the list envelope;
//! [`dto`] the small DTOs every API shares.

// `Problem` is the error of every handler and extractor; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod access;
pub mod dto;
pub mod extract;
pub mod forms;
pub mod headers;
pub mod metrics;
pub mod page;
pub mod page_error;
pub mod page_input;
pub mod paged;
pub mod problem;
pub mod session;
