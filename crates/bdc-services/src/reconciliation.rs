//! 销账 — the province's daily list of inconsistent records as staff see it (the items, and
//! [`crate::reporting::resend_item`] to report one again).

use bdc_core::access::Permission;
use bdc_store::reports;
pub use bdc_store::reports::ReconItem;

use crate::{Actor, ServiceResult, Services};

/// Every reconciliation item (at most `limit`), nearest deadline first; `status` 1–4 filters.
pub async fn items(s: &Services, actor: &Actor, status: Option<i64>, limit: i64) -> ServiceResult<Vec<ReconItem>> {
    actor.require(Permission::CaseRead)?;
    let mut conn = s.db.conn().await?;
    Ok(reports::items(&mut conn, status, limit).await?)
}
