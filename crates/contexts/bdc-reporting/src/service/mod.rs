//! The reporting context's use cases. Each checks the actor's permission itself, so the API, the
//! pages, the CLI and the jobs are held to the same rules.
//!
//! - [`report`] — build, sign, store and send the access message of every registered entry; read
//!   the province's answers; take in its reconciliation lists.
//! - [`daily_log`] — the 登簿日志 of a day: data, LogBiz XML (with the journal checkpoint), .xlsx.
//! - [`reconciliation`] — the 销账 view and re-reporting an item.
//! - [`overview`] — the messages as the staff's 上报省厅 screen lists them, with counts by state.
//! - [`issuance`] — the issuance-data rules every message passes through.

pub mod daily_log;
pub mod issuance;
pub mod overview;
pub mod reconciliation;
pub mod report;
