//! Where an online case came from (网上申请来源): a port the portal fills.
//!
//! A case opened from an online application carries more than the register keeps: the
//! co-applicants' confirmations (共同申请确认) and, for an agent, the authorisation (授权委托) it was
//! filed under. Those are the portal's tables. The workbench's case page shows them to staff
//! who read cases by asking whatever the server installed ([`crate::Services::with_origin`]);
//! without the portal, a case has no online origin to show.

use std::collections::BTreeMap;

use crate::service::{Actor, ServiceResult, Services};

/// One co-applicant's answer, as staff read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub name: String,
    /// The roles he was named in, in Chinese.
    pub roles: String,
    /// 待确认, 已确认, 已拒绝.
    pub answer: &'static str,
    /// When he answered.
    pub answered_at: Option<String>,
}

/// The authorisation a case was filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// The principal's name (被代理人).
    pub principal: String,
    /// 委托事项.
    pub matters: String,
    pub valid_until: String,
    /// The signed letter (授权委托书) in the file index.
    pub document_id: i64,
}

/// What the workbench asks about a case's online origin; every answer checks the actor.
#[async_trait::async_trait]
pub trait OnlineOrigin: Send + Sync + std::fmt::Debug {
    /// The confirmations of the application that became `case_id`; empty for a counter case.
    async fn confirmations(&self, s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<Vec<Confirmation>>;
    /// The authorisation named in the case's request attributes, if any.
    async fn authorisation(&self, s: &Services, actor: &Actor, request_attrs: &BTreeMap<String, String>) -> ServiceResult<Option<Authority>>;
}

/// No online origin: what a server without the portal sees.
#[derive(Debug, Default)]
pub struct CounterOnly;

#[async_trait::async_trait]
impl OnlineOrigin for CounterOnly {
    async fn confirmations(&self, _: &Services, _: &Actor, _: i64) -> ServiceResult<Vec<Confirmation>> {
        Ok(Vec::new())
    }
    async fn authorisation(&self, _: &Services, _: &Actor, _: &BTreeMap<String, String>) -> ServiceResult<Option<Authority>> {
        Ok(None)
    }
}
