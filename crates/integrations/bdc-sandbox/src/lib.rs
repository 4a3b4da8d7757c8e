//! BDC sandboxes — every outside system on one machine, speaking the same protocol over the
//! network as the real one, for tests, the demo and a tester at a desk (沙箱). Never linked into
//! the server's production path: the apps start them on request (`bdc sandbox …`, `bdc demo`).
//!
//! [`court`] (the court front-end machine, SOAP/base64), [`province`] (the provincial platform:
//! the exchange directory and HTTP, answers, 登簿日志 checks, reconciliation lists),
//! [`identity`] (公安 人证比对 and the enterprise registry, signed JSON), [`portrait`] (the
//! sandbox's convention for faces in photos).

pub mod court;
pub mod identity;
pub mod portrait;
pub mod province;
