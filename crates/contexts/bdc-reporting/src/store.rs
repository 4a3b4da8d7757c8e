//! The reporting context's own tables (上报报文、销账条目、签发数据组织规则), private to it:
//! `report_messages`, `reconciliation_items` and `issuance_rules`.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use bdc_db::{format_time, StoreResult};

use crate::domain::{ItemCause, ItemStatus, MessageKind, MessageState};

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRecord {
    pub id: i64,
    pub biz_msg_id: String,
    pub journal_seq: i64,
    pub case_id: Option<i64>,
    pub unit_id: i64,
    pub area_code: String,
    pub rec_type: String,
    pub message: String,
    #[sqlx(try_from = "String")]
    pub state: MessageState,
    pub response_raw: Option<String>,
    pub response_code: Option<String>,
    pub response_info: Option<String>,
}

const COLUMNS: &str = "id, biz_msg_id, journal_seq, case_id, unit_id, area_code, rec_type, message, state, response_raw, response_code, response_info";

impl TryFrom<String> for MessageState {
    type Error = String;

    fn try_from(code: String) -> Result<Self, String> {
        MessageState::parse(&code).ok_or_else(|| format!("报文状态 {code}"))
    }
}

/// The message already built for a registration's unit, if any (a retried job reuses it).
pub async fn find(conn: &mut AnyConnection, journal_seq: i64, unit_id: i64) -> StoreResult<Option<ReportRecord>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM report_messages WHERE journal_seq = $1 AND unit_id = $2 AND kind = 'report'")).bind(journal_seq).bind(unit_id).fetch_optional(&mut *conn).await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut AnyConnection,
    biz_msg_id: &str,
    journal_seq: i64,
    case_id: Option<i64>,
    unit_id: i64,
    area_code: &str,
    rec_type: &str,
    message: &str,
    now: DateTime<Utc>,
    kind: MessageKind,
    resend_of: Option<i64>,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO report_messages (biz_msg_id, journal_seq, case_id, unit_id, area_code, rec_type, message, state, created_at, kind, resend_of) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'sent', $8, $9, $10) RETURNING id",
    )
    .bind(biz_msg_id)
    .bind(journal_seq)
    .bind(case_id)
    .bind(unit_id)
    .bind(area_code)
    .bind(rec_type)
    .bind(message)
    .bind(format_time(now))
    .bind(kind.code())
    .bind(resend_of)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<ReportRecord>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM report_messages WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?)
}

/// Messages waiting for an answer.
pub async fn awaiting(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<ReportRecord>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM report_messages WHERE state = 'sent' ORDER BY id LIMIT $1")).bind(limit).fetch_all(&mut *conn).await?)
}

/// Stores the raw answer and its reading: `accepted`, `rejected`, or `quarantined` when the
/// answer could not be read (the reason goes in `response_info`).
pub async fn answer(conn: &mut AnyConnection, id: i64, state: MessageState, raw: &str, code: &str, info: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("UPDATE report_messages SET state = $1, response_raw = $2, response_code = $3, response_info = $4, answered_at = $5 WHERE id = $6")
        .bind(state.code())
        .bind(raw)
        .bind(code)
        .bind(info)
        .bind(format_time(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One page of the messages of a case, or of all, newest first, and how many there are.
pub async fn page(conn: &mut AnyConnection, case_id: Option<i64>, limit: i64, offset: i64) -> StoreResult<(Vec<ReportRecord>, i64)> {
    let rows = sqlx::query_as(&format!("SELECT {COLUMNS} FROM report_messages WHERE ($1 IS NULL OR case_id = $1) ORDER BY id DESC LIMIT $2 OFFSET $3"))
        .bind(case_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_messages WHERE ($1 IS NULL OR case_id = $1)").bind(case_id).fetch_one(&mut *conn).await?;
    Ok((rows, total))
}

/// Messages of the journal entries `from_seq..=to_seq`.
pub async fn for_seqs(conn: &mut AnyConnection, from_seq: i64, to_seq: i64) -> StoreResult<Vec<ReportRecord>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM report_messages WHERE journal_seq >= $1 AND journal_seq <= $2 ORDER BY id")).bind(from_seq).bind(to_seq).fetch_all(&mut *conn).await?)
}

pub async fn find_by_biz_id(conn: &mut AnyConnection, biz_msg_id: &str) -> StoreResult<Option<ReportRecord>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM report_messages WHERE biz_msg_id = $1")).bind(biz_msg_id).fetch_optional(&mut *conn).await?)
}

/// A message as the staff's list of messages shows it (上报报文一览): no body, with its times.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageLine {
    pub id: i64,
    pub biz_msg_id: String,
    pub case_id: Option<i64>,
    pub rec_type: String,
    /// `report`, `supplement` or `resend`.
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub state: MessageState,
    pub response_code: Option<String>,
    pub response_info: Option<String>,
    /// Sent (built and handed to the exchange), UTC as stored.
    pub created_at: String,
    pub answered_at: Option<String>,
}

/// Conditions of the list: a state, sent from / before instants (UTC text as stored).
const LINE_CONDITIONS: &str = "($1 IS NULL OR state = $1) AND ($2 IS NULL OR created_at >= $2) AND ($3 IS NULL OR created_at < $3)";

/// One page of the messages in a state and sent in `[from, to)`, newest first, and how many
/// there are.
pub async fn lines(conn: &mut AnyConnection, state: Option<MessageState>, from: Option<String>, to: Option<String>, limit: i64, offset: i64) -> StoreResult<(Vec<MessageLine>, i64)> {
    let state = state.map(MessageState::code);
    let rows = sqlx::query_as(&format!(
        "SELECT id, biz_msg_id, case_id, rec_type, kind, state, response_code, response_info, created_at, answered_at FROM report_messages WHERE {LINE_CONDITIONS} ORDER BY id DESC LIMIT $4 OFFSET $5"
    ))
    .bind(state)
    .bind(from.clone())
    .bind(to.clone())
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM report_messages WHERE {LINE_CONDITIONS}")).bind(state).bind(from).bind(to).fetch_one(&mut *conn).await?;
    Ok((rows, total))
}

/// How many messages sent in `[from, to)` stand in each state: `(state code, count)`.
pub async fn count_by_state(conn: &mut AnyConnection, from: Option<String>, to: Option<String>) -> StoreResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as::<_, (String, i64)>(&format!("SELECT state, COUNT(*) FROM report_messages WHERE {LINE_CONDITIONS} GROUP BY state"))
        .bind(None::<String>)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?)
}

/// A reconciliation item (销账条目).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReconItem {
    pub id: i64,
    pub list_date: String,
    pub biz_msg_id: String,
    pub case_number: String,
    pub unit_number: String,
    pub response_code: String,
    pub response_info: String,
    #[sqlx(try_from = "i64")]
    pub cause: ItemCause,
    #[sqlx(try_from = "i64")]
    pub status: ItemStatus,
    pub deadline: String,
    pub resend_biz_msg_id: Option<String>,
}

const RECON_COLUMNS: &str = "id, list_date, biz_msg_id, case_number, unit_number, response_code, response_info, cause, status, deadline, resend_biz_msg_id";

impl TryFrom<i64> for ItemCause {
    type Error = String;

    fn try_from(code: i64) -> Result<Self, String> {
        ItemCause::parse(code).ok_or_else(|| format!("销账原因 {code}"))
    }
}

impl TryFrom<i64> for ItemStatus {
    type Error = String;

    fn try_from(code: i64) -> Result<Self, String> {
        ItemStatus::parse(code).ok_or_else(|| format!("销账状态 {code}"))
    }
}

/// Adds an item unless the same list already brought it (ingesting a list twice changes nothing).
#[allow(clippy::too_many_arguments)]
pub async fn insert_item(
    conn: &mut AnyConnection,
    list_date: &str,
    biz_msg_id: &str,
    case_number: &str,
    unit_number: &str,
    code: &str,
    info: &str,
    cause: ItemCause,
    deadline: &str,
    raw: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let now = format_time(now);
    Ok(sqlx::query(
        "INSERT INTO reconciliation_items (list_date, biz_msg_id, case_number, unit_number, response_code, response_info, cause, status, deadline, raw, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10, $10) ON CONFLICT (list_date, biz_msg_id, unit_number) DO NOTHING",
    )
    .bind(list_date)
    .bind(biz_msg_id)
    .bind(case_number)
    .bind(unit_number)
    .bind(code)
    .bind(info)
    .bind(cause.code())
    .bind(deadline)
    .bind(raw)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// One page of the items, nearest deadline first (optionally of one status), and how many there are.
pub async fn items(conn: &mut AnyConnection, status: Option<ItemStatus>, limit: i64, offset: i64) -> StoreResult<(Vec<ReconItem>, i64)> {
    let status = status.map(ItemStatus::code);
    let rows = sqlx::query_as(&format!("SELECT {RECON_COLUMNS} FROM reconciliation_items WHERE ($1 IS NULL OR status = $1) ORDER BY deadline, id LIMIT $2 OFFSET $3"))
        .bind(status)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reconciliation_items WHERE ($1 IS NULL OR status = $1)").bind(status).fetch_one(&mut *conn).await?;
    Ok((rows, total))
}

pub async fn item(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<ReconItem>> {
    Ok(sqlx::query_as(&format!("SELECT {RECON_COLUMNS} FROM reconciliation_items WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?)
}

pub async fn set_item_status(conn: &mut AnyConnection, id: i64, status: ItemStatus, resend: Option<&str>, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("UPDATE reconciliation_items SET status = $1, resend_biz_msg_id = COALESCE($2, resend_biz_msg_id), updated_at = $3 WHERE id = $4")
        .bind(status.code())
        .bind(resend)
        .bind(format_time(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The item being cleared by a resent message.
pub async fn item_by_resend(conn: &mut AnyConnection, biz_msg_id: &str) -> StoreResult<Option<ReconItem>> {
    Ok(sqlx::query_as(&format!("SELECT {RECON_COLUMNS} FROM reconciliation_items WHERE resend_biz_msg_id = $1")).bind(biz_msg_id).fetch_optional(&mut *conn).await?)
}

/// A stored issuance rule: `(id, table, field, action, param)`.
pub type IssuanceRuleRow = (i64, String, String, String, String);

pub async fn issuance_rules(conn: &mut AnyConnection) -> StoreResult<Vec<IssuanceRuleRow>> {
    Ok(sqlx::query_as::<_, IssuanceRuleRow>("SELECT id, table_name, field, action, param FROM issuance_rules ORDER BY id").fetch_all(&mut *conn).await?)
}

pub async fn insert_issuance_rule(conn: &mut AnyConnection, table: &str, field: &str, action: &str, param: &str, by: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar::<_, i64>("INSERT INTO issuance_rules (table_name, field, action, param, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(table)
        .bind(field)
        .bind(action)
        .bind(param)
        .bind(by)
        .bind(format_time(now))
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn delete_issuance_rule(conn: &mut AnyConnection, id: i64) -> StoreResult<bool> {
    Ok(sqlx::query("DELETE FROM issuance_rules WHERE id = $1").bind(id).execute(&mut *conn).await?.rows_affected() == 1)
}

/// Seeds the defaults when there are no rules: half-width certificate numbers, trimmed names and
/// locations (the province's exact conventions are configuration, not code).
pub async fn seed_issuance_rules(conn: &mut AnyConnection) -> StoreResult<()> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM issuance_rules").fetch_one(&mut *conn).await?;
    if n == 0 {
        let now = Utc::now();
        for (t, f, a) in [("*", "BDCQZH", "halfwidth"), ("*", "QLRMC", "trim"), ("*", "ZL", "trim"), ("*", "ZJH", "halfwidth")] {
            insert_issuance_rule(conn, t, f, a, "", "seed", now).await?;
        }
    }
    Ok(())
}
