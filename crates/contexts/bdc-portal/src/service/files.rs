//! 材料文件 — who may open which stored file. The register's file index names each file's owner
//! by kind; the register answers for its cases' files, the portal for its own kinds: a draft's
//! files to the draft's user, a waiting application's to its people, an authorisation's letter
//! to its agent and to staff who read cases. Anyone else gets "not found" — whether a file
//! exists is nobody else's business.

use bdc_core::access::{Permission, Realm};
use bdc_core::{Actor, ServiceError, ServiceResult};
use bdc_registry::register_api::materials::{self, Attachment};
use bdc_registry::Services;

use crate::domain::{APPLICATION, AUTHORISATION, DRAFT};
use crate::store;

/// One file with its bytes, when the actor may see it.
pub async fn open(s: &Services, actor: &Actor, id: i64) -> ServiceResult<(Attachment, Vec<u8>)> {
    let not_found = || ServiceError::NotFound("文件不存在".into());
    let a = materials::find(s, id).await?.ok_or_else(not_found)?;
    let allowed = match a.owner_kind.as_str() {
        DRAFT => {
            let mut conn = s.db.conn().await?;
            actor.realm == Realm::Public && store::drafts::draft(&mut conn, a.owner_id, actor.user_id).await?.is_some()
        }
        APPLICATION => actor.realm == Realm::Public && crate::service::applications::may_see(s, actor, a.owner_id).await?,
        AUTHORISATION => {
            let mut conn = s.db.conn().await?;
            match store::agency::authorisation(&mut conn, a.owner_id).await? {
                Some(auth) => (actor.realm == Realm::Public && auth.agent_user_id == actor.user_id) || (actor.realm == Realm::Staff && actor.can(Permission::CaseRead)),
                None => false,
            }
        }
        // A case's file (or a kind no context claims): the register decides.
        _ => return materials::open_case_file(s, actor, a).await,
    };
    if !allowed {
        return Err(not_found());
    }
    let bytes = materials::bytes(s, &a).await?;
    Ok((a, bytes))
}
