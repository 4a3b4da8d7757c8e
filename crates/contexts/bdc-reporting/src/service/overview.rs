//! 上报省厅一览 — the messages reported to the province as the staff's screen lists them: each
//! with its 业务号, kind and state, sent and answered times, filtered by state and by the Beijing
//! day it was sent, paged in the database, with the count in each state on top.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use bdc_core::access::Permission;
use bdc_core::{Actor, ServiceResult};
use bdc_db::{format_time, Page, PageRequest};
use bdc_registry::register_api::cases as case_store;
use bdc_registry::Services;

use crate::domain::MessageState;
use crate::store;

/// Which messages to list; the days are Beijing dates, both included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageFilter {
    pub state: Option<MessageState>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One message as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageLine {
    pub id: i64,
    pub biz_msg_id: String,
    pub case_id: Option<i64>,
    /// The case's 业务号 (empty for an entry without a case, e.g. a lapse).
    pub business_number: String,
    pub rec_type: String,
    /// 上报, 补报 or 重报.
    pub kind_name: &'static str,
    pub state: MessageState,
    /// The province's code and reason (for a refusal, why; for a quarantined answer, what was wrong).
    pub response_code: Option<String>,
    pub response_info: Option<String>,
    pub sent_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The list and, over the same days, the count in each state (every state, zeros included).
#[derive(Debug, Clone)]
pub struct Board {
    pub counts: Vec<(MessageState, i64)>,
    pub messages: Page<MessageLine>,
}

/// The name staff read for a message's kind as stored.
fn kind_name(code: &str) -> &'static str {
    match code {
        "supplement" => "补报",
        "resend" => "重报",
        _ => "上报",
    }
}

/// Midnight that begins a Beijing day, as stored (UTC text).
fn day_start(d: NaiveDate) -> Option<String> {
    let local = d.and_hms_opt(0, 0, 0)?;
    bdc_core::time::beijing_offset().from_local_datetime(&local).single().map(|t| format_time(t.with_timezone(&Utc)))
}

fn time(s: &str) -> ServiceResult<DateTime<Utc>> {
    Ok(bdc_db::parse_time(s)?)
}

/// The messages of `filter`, newest first, one page; staff who read cases see them.
pub async fn board(s: &Services, actor: &Actor, filter: MessageFilter, page: PageRequest) -> ServiceResult<Board> {
    actor.require(Permission::CaseRead)?;
    let from = filter.from.and_then(day_start);
    let to = filter.to.and_then(|d| day_start(d + Duration::days(1)));
    let mut conn = s.db.conn().await?;
    let (rows, total) = store::lines(&mut conn, filter.state, from.clone(), to.clone(), page.limit(), page.offset()).await?;
    let stored = store::count_by_state(&mut conn, from, to).await?;
    let counts = MessageState::ALL.into_iter().map(|st| (st, stored.iter().find(|(c, _)| c == st.code()).map_or(0, |(_, n)| *n))).collect();
    let mut items = Vec::with_capacity(rows.len());
    let mut numbers: Vec<(i64, String)> = Vec::new();
    for r in rows {
        let business_number = match r.case_id {
            Some(id) => match numbers.iter().find(|(c, _)| *c == id) {
                Some((_, n)) => n.clone(),
                None => {
                    let n = case_store::get_case(&mut conn, id).await?.map(|c| c.case_number).unwrap_or_default();
                    numbers.push((id, n.clone()));
                    n
                }
            },
            None => String::new(),
        };
        items.push(MessageLine {
            id: r.id,
            biz_msg_id: r.biz_msg_id,
            case_id: r.case_id,
            business_number,
            rec_type: r.rec_type,
            kind_name: kind_name(&r.kind),
            state: r.state,
            response_code: r.response_code,
            response_info: r.response_info,
            sent_at: time(&r.created_at)?,
            answered_at: r.answered_at.as_deref().map(time).transpose()?,
        });
    }
    Ok(Board { counts, messages: Page { items, total, page: page.page, per_page: page.per_page } })
}
