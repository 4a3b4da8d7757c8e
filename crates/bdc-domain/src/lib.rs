//! BDC domain — the pure model and rules of the registration platform (不动产登记信息平台).
//!
//! Nothing in this crate does I/O, talks to a database or knows about HTTP: every function can be
//! called from a test with plain values. Other crates depend on it; it depends on none of ours.
//!
//! Modules:
//! - [`access`] — realms, roles (角色) and permissions (权限), and the default grants.
//! - [`password`] — the password policy (密码策略) and the lock-out back-off (登录失败锁定).
//! - [`calendar`] — the working-day calendar (工作日历): 法定节假日, 调休 and office hours.
//! - [`crypto`] — SM3 hashing, SM4 field encryption, HMAC-SM3 blind index, SM2 signatures (国密).
//! - [`masking`] — masking of personal data for display (脱敏).
//! - [`rights`] — kinds of rights and restrictions, 登记类型 and 权属状态 with national codes.
//! - [`ids`] — identifiers: 不动产单元号, 宗地代码, 业务号, certificate numbers, 身份证号, 统一社会信用代码.
//! - [`catalogue`] — the business catalogue (业务目录): every flow as data.
//! - [`register`] — what 登簿 does to a unit's rights: the plan of a registration.
//! - [`duties`] — separation of incompatible duties (不相容岗位分离): who may review and register a case.
//! - [`rules`] — restriction and review rules as data, and the engine that evaluates them.
//! - [`text`] — text hygiene (文本净化): control, bidi and zero-width characters refused in any text.

pub mod access;
pub mod calendar;
pub mod catalogue;
pub mod crypto;
pub mod duties;
pub mod ids;
pub mod issuance;
pub mod masking;
pub mod password;
pub mod register;
pub mod rights;
pub mod rules;
pub mod text;
