//! 登记资料档案查询 — a real-name public user looks up his own registration records (B5): the
//! units he holds now, with what is registered on them, and his past cases with the materials
//! handed in. Only his own: the party linked to his account decides. Every look is logged in
//! the public query log (查询监管, C1.4).

use chrono::Utc;

use bdc_db::PageRequest;
use bdc_registry::domain::rights::RightState;
use bdc_registry::register_api::cases::CaseRecord;
use bdc_registry::register_api::materials::{self as files, Attachment};
use bdc_registry::register_api::registry::{self, HeldAs, Unit, UnitFilter, UnitOrder};

use bdc_core::{Actor, ServiceResult};
use bdc_registry::Services;

/// At most this many past cases are shown (a person or company with more asks at the counter
/// for a full extract); units are paged.
pub const LIMIT: i64 = 200;

/// Units per page of the archive's lists.
pub const PER_PAGE: u32 = 20;

/// What the user asks of his archive: words to find among his units, their order, and the page
/// of each list (a bank or a developer holds thousands).
#[derive(Debug, Clone, Default)]
pub struct ArchiveQuery {
    /// 不动产单元号 (prefix), 坐落 (part) or a certificate number (whole).
    pub text: Option<String>,
    pub order: UnitOrder,
    /// Page of the titles (我名下的不动产), from 1.
    pub units_page: u32,
    /// Page of the restrictions held (抵押权 and the like), from 1.
    pub held_page: u32,
}

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
    /// The units he holds a right of (所有权、使用权 …): "名下的不动产", one page.
    pub units: Vec<ArchiveUnit>,
    pub units_total: i64,
    /// The units he holds a restriction on (a bank's 抵押权, a buyer's 预告): one page.
    pub held: Vec<ArchiveUnit>,
    pub held_total: i64,
    pub cases: Vec<ArchiveCase>,
}

/// The user's own archive, logged as one public query.
#[tracing::instrument(name = "portal_archive", skip_all, fields(actor.id = actor.user_id))]
pub async fn my_archive(s: &Services, actor: &Actor, client: &str, q: &ArchiveQuery) -> ServiceResult<Archive> {
    bdc_registry::register_api::limits::hit(s, bdc_registry::register_api::limits::Kind::PublicQuery, Some(&actor.user_id.to_string()), client).await?;
    let account = crate::service::account::account_of(s, actor).await?;
    let mut conn = s.db.conn().await?;
    let text = q.text.as_ref().map(|t| t.trim().chars().take(64).collect::<String>()).filter(|t| !t.is_empty());
    let mut lists = Vec::with_capacity(2);
    for (held_as, page) in [(HeldAs::Title, q.units_page), (HeldAs::Restriction, q.held_page)] {
        let filter = UnitFilter { holder: Some(account.party_id), held_as, text: text.clone(), order: q.order, ..UnitFilter::default() };
        let found = registry::search_units(&mut conn, &filter, PageRequest { page: page.max(1), per_page: PER_PAGE }).await?;
        let mut units = Vec::with_capacity(found.items.len());
        for unit in found.items {
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
        lists.push((units, found.total));
    }
    let (held, held_total) = lists.pop().unwrap_or_default();
    let (units, units_total) = lists.pop().unwrap_or_default();
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
    let outcome = format!("本人名下 {units_total} 个不动产单元、作为抵押权人等 {held_total} 个、{} 件办件", cases.len());
    let conditions = match &text {
        Some(t) => format!("登记资料档案查询（本人）：{t}"),
        None => "登记资料档案查询（本人）".to_owned(),
    };
    bdc_audit::queries::log(&mut conn, "archive", Some(actor.user_id), client, &conditions, &outcome, Utc::now()).await?;
    Ok(Archive { units, units_total, held, held_total, cases })
}
