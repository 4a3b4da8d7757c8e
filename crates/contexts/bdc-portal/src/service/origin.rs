//! The portal's answer to the register's [`OnlineOrigin`] port: the confirmations and the
//! authorisation of a case applied for online, for staff who read cases.

use std::collections::BTreeMap;

use bdc_core::{Actor, ServiceResult};
use bdc_registry::service::origin::{Authority, Confirmation, OnlineOrigin};
use bdc_registry::Services;

/// The portal's online applications, as the workbench may ask about them.
#[derive(Debug, Default)]
pub struct Applications;

#[async_trait::async_trait]
impl OnlineOrigin for Applications {
    async fn confirmations(&self, s: &Services, actor: &Actor, case_id: i64) -> ServiceResult<Vec<Confirmation>> {
        Ok(crate::service::applications::confirmations_of_case(s, actor, case_id)
            .await?
            .into_iter()
            .map(|(name, roles, answer, answered_at)| Confirmation { name, roles, answer: answer.name(), answered_at })
            .collect())
    }

    async fn authorisation(&self, s: &Services, actor: &Actor, request_attrs: &BTreeMap<String, String>) -> ServiceResult<Option<Authority>> {
        Ok(crate::service::agency::of_case(s, actor, request_attrs).await?.map(|(a, principal)| Authority { principal, matters: a.matters, valid_until: a.valid_until, document_id: a.document_id }))
    }
}
