//! The portal's use cases. Each checks the actor (a public account with a proven party, or staff
//! with the permission named), opens its transaction, and reaches the register only through
//! `bdc_registry::register_api`.
//!
//! - [`account`] — the account's proven party, its flows, cases, certificates (我的办件, 我的证书).
//! - [`applications`] — 网上申请 and 共同申请确认.
//! - [`drafts`] — 草稿, with their files.
//! - [`agency`] — 授权委托 of agents.
//! - [`archive`] — 登记资料查询 of one's own register records.
//! - [`interest`] — 利害关系人查询, applied for online and reviewed by staff.
//! - [`files`] — who may open which file.
//! - [`origin`] — the register's `OnlineOrigin` port: a case's confirmations and authorisation.

pub mod account;
pub mod agency;
pub mod applications;
pub mod archive;
pub mod drafts;
pub mod files;
pub mod interest;
pub mod origin;
