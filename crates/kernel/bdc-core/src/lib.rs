//! BDC core — the kernel every context shares; it knows no business.
//!
//! Nothing here does I/O, talks to a database or knows about HTTP: every function can be called
//! from a test with plain values.
//!
//! Modules:
//! - [`access`] — realms, roles (角色) and permissions (权限), and the default grants.
//! - [`actor`] — who is acting (操作人) and the audit context of his request (请求审计上下文).
//! - [`calendar`] — the working-day calendar (工作日历): 法定节假日, 调休 and office hours.
//! - [`error`] — the one error of the use cases (业务错误), with a Chinese message.
//! - [`finding`] — what a check found (检查结果), with severity and legal basis.
//! - [`ids`] — identifiers: 不动产单元号, 宗地代码, 业务号, certificate numbers, 身份证号, 统一社会信用代码.
//! - [`masking`] — masking of personal data for display (脱敏).
//! - [`office`] — the registration office served (登记机构): province, city, codes.
//! - [`password`] — the password policy (密码策略) and the lock-out back-off (登录失败锁定).
//! - [`time`] — business time (业务时间): Beijing dates and times from UTC instants.
//! - [`text`] — text hygiene (文本净化): control, bidi and zero-width characters refused in any text.

pub mod access;
pub mod actor;
pub mod calendar;
pub mod error;
pub mod finding;
pub mod ids;
pub mod masking;
pub mod office;
pub mod password;
pub mod text;
pub mod time;
pub mod upload;

pub use actor::{Actor, AuditSlot, AuthVia, ClientInfo, SlotData};
pub use error::{FieldError, FieldErrors, ServiceError, ServiceResult};
