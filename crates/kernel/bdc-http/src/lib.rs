//! BDC http — the HTTP kernel every context's API and pages share.
//!
//! [`problem`] is the only way errors leave the API (RFC 9457, a stable code and a Chinese
//! detail); [`extract`] turns bad input into problems before a handler runs and validates
//! paging; [`headers`] sets the security headers of every response; [`metrics`] holds the
//! Prometheus registry.

// `Problem` is the error of every handler and extractor; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod extract;
pub mod headers;
pub mod metrics;
pub mod problem;
