//! The provincial platform (省级不动产登记信息平台) — real-time reporting of every 登簿 (接入报文).
//!
//! - [`message`] builds the national envelope: Head fields in their order, Data rows of the
//!   national exchange tables, and the SM2 `DigitalSign`.
//! - [`response`] parses the province's answer (`<respond>`).
//! - [`transport`] moves messages: the front-end file exchange
//!   (`{root}/{AreaCode}/BizMsg/Biz{BizMsgID}.xml` out, `RepMsg/Rep{BizMsgID}.xml` back).
//! - [`sandbox`] is a provincial platform for one machine: it checks each message against the
//!   envelope rules and answers success or a failure with a code and reason.
//! - [`tables`] is the national exchange tables as data: columns, required fields, formats.
//! - [`logbiz`] is the journal checkpoint the daily 登簿日志 carries, and the province's check of it.

pub mod logbiz;
pub mod message;
pub mod reconcile;
pub mod response;
pub mod tables;
pub mod transport;
