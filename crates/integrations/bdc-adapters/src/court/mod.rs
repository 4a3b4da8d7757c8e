//! The court network seizure front-end (法院网络查控, "总对总") — message formats.
//!
//! Court requests arrive as a list (`<QueryResult>`) wrapped in base64 inside a SOAP envelope;
//! each request carries the court (FYMC → 查封机关), judge, case number (AH → 查封文号), ruling
//! number, the person subject to execution, its delivery time, the properties with their action
//! (11 查封, 12 续封, 14 解封, 15 过户文书送达), and attached documents in base64. Feedback goes
//! back per property: status (1 成功, 2 未能控制), actual start and end, reason, 业务号, and 轮候.
//! The transport and the sandbox front-end come with the rest of the court issue.

pub mod frontend;
pub mod message;
