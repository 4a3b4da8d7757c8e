//! BDC domain — the pure model and rules of the registration platform (不动产登记信息平台).
//!
//! Nothing in this crate does I/O, talks to a database or knows about HTTP: every function can be
//! called from a test with plain values. It builds on the kernel's `bdc-core` (identifiers,
//! calendar, access) and `bdc-crypto`.
//!
//! Modules:
//! - [`rights`] — kinds of rights and restrictions, 登记类型 and 权属状态 with national codes.
//! - [`catalogue`] — the business catalogue (业务目录): every flow as data.
//! - [`register`] — what 登簿 does to a unit's rights: the plan of a registration.
//! - [`fees`] — the statutory registration fee (不动产登记费) of a flow, in 分.
//! - [`guide`] — the service guide (办事指南) of a flow, read off the catalogue.
//! - [`duties`] — separation of incompatible duties (不相容岗位分离): who may review and register a case.
//! - [`issuance`] — 发证: the receiver's 证件类型 and 与权利人关系, the 证书印制号.
//! - [`rules`] — restriction and review rules as data, and the engine that evaluates them.
//! - [`workflow`] — where a case stands (业务状态).

pub mod catalogue;
pub mod duties;
pub mod fees;
pub mod guide;
pub mod issuance;
pub mod register;
pub mod rights;
pub mod rules;
pub mod workflow;
