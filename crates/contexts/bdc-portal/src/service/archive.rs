//! 登记资料档案查询 — a real-name public user looks up his own registration records (B5): the
//! units he holds now, with what is registered on them, and his past cases with the materials
//! handed in. Only his own: the party linked to his account decides. Every look is logged in
//! the public query log (查询监管, C1.4).

use chrono::Utc;

use bdc_db::PageRequest;
use bdc_registry::domain::rights::RightState;
use bdc_registry::register_api::cases::CaseRecord;
use bdc_registry::register_api::materials::{self as files, Attachment};
use bdc_registry::register_api::registry::{self, Unit, UnitFilter};

use bdc_core::{Actor, ServiceResult};
use bdc_registry::Services;

/// At most this many units and cases are shown (a person or company with more asks at the
/// counter for a full extract).
pub const LIMIT: i64 = 200;

/// One registered entry on an own unit: `(kind, state, certificate, own share)`.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: &'static str,
    pub state: &'static str,
    pub certificate: String,
    pub share: String,
    /// Whether the user holds it (his title or his mortgage) rather than a restriction on it.
    pub own: bool,
}

/// An own unit with what is registered on it now.
#[derive(Debug, Clone)]
pub struct ArchiveUnit {
    pub unit: Unit,
    pub entries: Vec<Entry>,
}

/// An own past case with its materials.
#[derive(Debug, Clone)]
pub struct ArchiveCase {
    pub case: CaseRecord,
    pub files: Vec<Attachment>,
}

#[derive(Debug, Clone, Default)]
pub struct Archive {
    pub units: Vec<ArchiveUnit>,
    pub cases: Vec<ArchiveCase>,
}

/// The user's own archive, logged as one public query.
#[tracing::instrument(name = "portal_archive", skip_all, fields(actor.id = actor.user_id))]
pub async fn my_archive(s: &Services, actor: &Actor, client: &str) -> ServiceResult<Archive> {
    bdc_registry::register_api::limits::hit(s, bdc_registry::register_api::limits::Kind::PublicQuery, Some(&actor.user_id.to_string()), client).await?;
    let account = crate::service::account::account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    let page =
        registry::search_units(&mut conn, &UnitFilter { holder: Some(account.party_id), ..UnitFilter::default() }, PageRequest { page: 1, per_page: u32::try_from(LIMIT).unwrap_or(200) }).await?;
    let mut units = Vec::with_capacity(page.items.len());
    for unit in page.items {
        let rights = registry::rights_of_unit(&mut conn, unit.id, true).await?;
        let entries = rights
            .into_iter()
            .filter(|r| r.view.state == RightState::Current)
            .map(|r| {
                let mine = r.view.holders.iter().find(|h| h.party_id == account.party_id);
                Entry {
                    kind: r.view.kind.name(),
                    state: r.view.state.name(),
                    // A restriction's certificate belongs to someone else (the bank, the court).
                    certificate: if mine.is_some() { r.view.certificate.clone().unwrap_or_default() } else { String::new() },
                    share: mine.map(|h| h.share.to_string()).unwrap_or_default(),
                    own: mine.is_some(),
                }
            })
            .collect();
        units.push(ArchiveUnit { unit, entries });
    }
    let mut cases = Vec::new();
    let mut ids = bdc_registry::register_api::cases::cases_of_party(&mut conn, account.party_id, LIMIT).await?;
    for id in bdc_registry::register_api::cases::cases_submitted_by(&mut conn, actor.user_id).await? {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    for id in ids.into_iter().take(usize::try_from(LIMIT).unwrap_or(200)) {
        if let Some(case) = bdc_registry::register_api::cases::get_case(&mut conn, id).await? {
            let files = files::of_owner(&mut conn, files::CASE, id).await?;
            cases.push(ArchiveCase { case, files });
        }
    }
    let outcome = format!("本人名下 {} 个不动产单元、{} 件办件", units.len(), cases.len());
    bdc_audit::queries::log(&mut conn, "archive", Some(actor.user_id), client, "登记资料档案查询（本人）", &outcome, Utc::now()).await?;
    Ok(Archive { units, cases })
}
