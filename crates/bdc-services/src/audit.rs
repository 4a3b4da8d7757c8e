//! Recording and querying the audit log (审计).

use bdc_domain::access::Permission;
use bdc_store::audit::{self, AuditEntry, AuditFilter};
use bdc_store::{Page, PageRequest};

use crate::{Actor, ServiceResult, Services};

/// Appends one row. Recording is not permission-checked: every actor's actions are recorded.
pub async fn record(s: &Services, entry: &AuditEntry) -> ServiceResult<()> {
    let mut conn = s.db.conn().await?;
    audit::append(&mut conn, entry).await?;
    Ok(())
}

/// Supervisors (监管) read the log; nobody can change it.
pub async fn query(s: &Services, actor: &Actor, filter: AuditFilter, page: PageRequest) -> ServiceResult<Page<AuditEntry>> {
    actor.require(Permission::AuditRead)?;
    let mut conn = s.db.conn().await?;
    Ok(audit::query(&mut conn, &filter, page).await?)
}
