//! Court messages and requests (法院查控报文与请求).

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use bdc_db::{format_time, Page, PageRequest, StoreError, StoreResult};

use crate::domain::{PropertyStatus, ReceiptState};

/// Stores a fetched message as it came, with its SM3 digest; returns its id.
pub async fn store_raw(conn: &mut AnyConnection, raw: &str, digest: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar::<_, i64>("INSERT INTO court_messages (fetched_at, raw, status, digest) VALUES ($1, $2, 'stored', $3) RETURNING id")
        .bind(format_time(now))
        .bind(raw)
        .bind(digest)
        .fetch_one(&mut *conn)
        .await?)
}

/// A message with the same digest already kept (a repeat of the front-end's pending list).
pub async fn message_with_digest(conn: &mut AnyConnection, digest: &str) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT id FROM court_messages WHERE digest = $1 LIMIT 1").bind(digest).fetch_optional(&mut *conn).await?)
}

pub async fn mark_message(conn: &mut AnyConnection, id: i64, status: &str, reason: &str) -> StoreResult<()> {
    sqlx::query("UPDATE court_messages SET status = $1, reason = $2 WHERE id = $3").bind(status).bind(reason).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Messages in a state (e.g. `quarantined`, for staff), newest first: `(id, fetched_at, status, reason)`.
pub async fn messages(conn: &mut AnyConnection, status: Option<&str>, limit: i64) -> StoreResult<Vec<(i64, String, String, String)>> {
    Ok(sqlx::query_as::<_, (i64, String, String, String)>("SELECT id, fetched_at, status, reason FROM court_messages WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC LIMIT $2")
        .bind(status)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
}

/// A court request as kept (协助执行通知).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest<'a> {
    pub number: &'a str,
    /// The message it came in; counter deliveries have a message of their own holding the
    /// request as entered.
    pub message_id: i64,
    pub court: &'a str,
    pub case_number: &'a str,
    pub delivered_at: &'a str,
    /// The request alone, as a request list (for reprocessing).
    pub body: &'a str,
    /// `online` 网络查控 or `counter` 窗口送达.
    pub source: &'a str,
    /// `(序号, 控制类型)` of each property.
    pub properties: &'a [(String, String)],
    /// Why the request cannot be processed as sent (empty when it can): its properties are
    /// answered 未能控制 with this, and it is not reprocessed.
    pub problem: &'a str,
}

/// Keeps a request and queues its properties, once: false when its number was seen before (a
/// duplicate delivery), and then nothing changes.
pub async fn insert_request(conn: &mut AnyConnection, r: &NewRequest<'_>, now: DateTime<Utc>) -> StoreResult<bool> {
    let inserted = sqlx::query(
        "INSERT INTO court_requests (number, message_id, court, case_number, delivered_at, body, created_at, source, problem) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (number) DO NOTHING",
    )
    .bind(r.number)
    .bind(r.message_id)
    .bind(r.court)
    .bind(r.case_number)
    .bind(r.delivered_at)
    .bind(r.body)
    .bind(format_time(now))
    .bind(r.source)
    .bind(r.problem)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        for (seq, action) in r.properties {
            sqlx::query("INSERT INTO court_properties (request_number, seq, action, delivered_at, status) VALUES ($1, $2, $3, $4, 'pending')")
                .bind(r.number)
                .bind(seq)
                .bind(action)
                .bind(r.delivered_at)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(inserted)
}

/// One property of a court request in the processing queue, with its outcome and receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtProperty {
    pub request_number: String,
    pub seq: String,
    pub action: String,
    pub delivered_at: String,
    pub court: String,
    pub court_case: String,
    pub source: String,
    pub unit_id: Option<i64>,
    pub status: PropertyStatus,
    pub reason: String,
    pub case_id: Option<i64>,
    pub business_number: String,
    pub waiting: bool,
    pub actual_start: String,
    pub actual_end: String,
    pub processed_at: Option<String>,
    pub receipt_state: ReceiptState,
    pub receipt_due: Option<String>,
    pub receipt_next_at: Option<String>,
    pub receipt_attempts: i64,
    pub receipt_error: String,
    pub receipt_sent_at: Option<String>,
    /// When this waiting seizure became the active one (轮候转查封), if it did.
    pub promoted_at: Option<String>,
}

const PROPERTY_COLUMNS: &str = "p.request_number, p.seq, p.action, p.delivered_at, r.court, r.case_number, r.source, p.unit_id, p.status, p.reason, p.case_id, \
     p.business_number, p.waiting, p.actual_start, p.actual_end, p.processed_at, p.receipt_state, p.receipt_due, p.receipt_next_at, p.receipt_attempts, \
     p.receipt_error, p.receipt_sent_at, p.promoted_at FROM court_properties p JOIN court_requests r ON r.number = p.request_number";

// Mapped by hand, by position in PROPERTY_COLUMNS: `waiting` is a 0/1 flag read into a bool.
fn property_from(r: &sqlx::any::AnyRow) -> StoreResult<CourtProperty> {
    Ok(CourtProperty {
        request_number: r.try_get(0)?,
        seq: r.try_get(1)?,
        action: r.try_get(2)?,
        delivered_at: r.try_get(3)?,
        court: r.try_get(4)?,
        court_case: r.try_get(5)?,
        source: r.try_get(6)?,
        unit_id: r.try_get(7)?,
        status: {
            let code: String = r.try_get(8)?;
            PropertyStatus::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("查控财产状态 {code}")))?
        },
        reason: r.try_get(9)?,
        case_id: r.try_get(10)?,
        business_number: r.try_get(11)?,
        waiting: r.try_get::<i64, _>(12)? != 0,
        actual_start: r.try_get(13)?,
        actual_end: r.try_get(14)?,
        processed_at: r.try_get(15)?,
        receipt_state: {
            let code: String = r.try_get(16)?;
            ReceiptState::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("回执状态 {code}")))?
        },
        receipt_due: r.try_get(17)?,
        receipt_next_at: r.try_get(18)?,
        receipt_attempts: r.try_get(19)?,
        receipt_error: r.try_get(20)?,
        receipt_sent_at: r.try_get(21)?,
        promoted_at: r.try_get(22)?,
    })
}

/// Why a kept request could not be processed as sent (empty when it could).
pub async fn request_problem(conn: &mut AnyConnection, number: &str) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar::<_, String>("SELECT problem FROM court_requests WHERE number = $1").bind(number).fetch_optional(&mut *conn).await?)
}

/// A court's registered 查封 (action 11) still waiting in its unit's queue (轮候).
const WAITING_SEIZURE: &str = "status = 'registered' AND action = '11' AND waiting = 1";

/// The waiting seizure of request `request_number` on unit `unit_id` moved in the queue (one
/// ahead of it ended, or a notice delivered earlier went ahead): the desk shows its new place.
pub async fn set_queue_place(conn: &mut AnyConnection, request_number: &str, unit_id: i64, reason: &str) -> StoreResult<bool> {
    Ok(sqlx::query(&format!("UPDATE court_properties SET reason = $1 WHERE request_number = $2 AND unit_id = $3 AND {WAITING_SEIZURE}"))
        .bind(reason)
        .bind(request_number)
        .bind(unit_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0)
}

/// A waiting seizure of request `request_number` on unit `unit_id` became the active one: the
/// court is due a new receipt (查封成功 with the term from today, no 轮候). False when no
/// waiting seizure of that request is on the unit (e.g. one entered at the counter by a flow).
#[allow(clippy::too_many_arguments)]
pub async fn promote(conn: &mut AnyConnection, request_number: &str, unit_id: i64, start: &str, end: &str, receipt_state: ReceiptState, receipt_due: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(sqlx::query(&format!(
        "UPDATE court_properties SET waiting = 0, actual_start = $1, actual_end = $2, reason = '', promoted_at = $3, receipt_state = $4, receipt_due = $5, \
         receipt_next_at = NULL, receipt_attempts = 0, receipt_error = '' WHERE request_number = $6 AND unit_id = $7 AND {WAITING_SEIZURE}",
    ))
    .bind(start)
    .bind(end)
    .bind(format_time(now))
    .bind(receipt_state.code())
    .bind(receipt_due)
    .bind(request_number)
    .bind(unit_id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        > 0)
}

/// Where a kept request came from: `online` or `counter`.
pub async fn request_source(conn: &mut AnyConnection, number: &str) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar::<_, String>("SELECT source FROM court_requests WHERE number = $1").bind(number).fetch_optional(&mut *conn).await?)
}

/// The body of a request (a one-request list), for processing.
pub async fn request_body(conn: &mut AnyConnection, number: &str) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar::<_, String>("SELECT body FROM court_requests WHERE number = $1").bind(number).fetch_optional(&mut *conn).await?)
}

pub async fn get_property(conn: &mut AnyConnection, request_number: &str, seq: &str) -> StoreResult<Option<CourtProperty>> {
    let sql = format!("SELECT {PROPERTY_COLUMNS} WHERE p.request_number = $1 AND p.seq = $2");
    sqlx::query(&sql).bind(request_number).bind(seq).fetch_optional(&mut *conn).await?.as_ref().map(property_from).transpose()
}

/// The next pending properties in delivery order (the one queue of online and counter
/// deliveries).
pub async fn pending(conn: &mut AnyConnection, limit: i64) -> StoreResult<Vec<CourtProperty>> {
    let sql = format!("SELECT {PROPERTY_COLUMNS} WHERE p.status = 'pending' ORDER BY p.delivered_at, p.request_number, p.seq LIMIT $1");
    sqlx::query(&sql).bind(limit).fetch_all(&mut *conn).await?.iter().map(property_from).collect()
}

/// Filter of the staff inbox.
#[derive(Debug, Clone, Default)]
pub struct PropertyFilter {
    pub status: Option<PropertyStatus>,
    pub unit_id: Option<i64>,
    pub receipt_state: Option<ReceiptState>,
    /// Receipts not sent whose due date is on or before this day (`YYYY-MM-DD`).
    pub receipt_due_by: Option<String>,
}

/// The inbox, newest delivery first.
pub async fn properties(conn: &mut AnyConnection, f: &PropertyFilter, page: PageRequest) -> StoreResult<Page<CourtProperty>> {
    let filter = "($1 IS NULL OR p.status = $1) AND ($2 IS NULL OR p.unit_id = $2) AND ($3 IS NULL OR p.receipt_state = $3) \
                  AND ($4 IS NULL OR (p.receipt_state = 'due' AND p.receipt_due <= $4))";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM court_properties p WHERE {filter}"))
        .bind(f.status.map(PropertyStatus::code))
        .bind(f.unit_id)
        .bind(f.receipt_state.map(ReceiptState::code))
        .bind(f.receipt_due_by.as_deref())
        .fetch_one(&mut *conn)
        .await?;
    let sql = format!("SELECT {PROPERTY_COLUMNS} WHERE {filter} ORDER BY p.delivered_at DESC, p.request_number, p.seq LIMIT $5 OFFSET $6");
    let items = sqlx::query(&sql)
        .bind(f.status.map(PropertyStatus::code))
        .bind(f.unit_id)
        .bind(f.receipt_state.map(ReceiptState::code))
        .bind(f.receipt_due_by.as_deref())
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(property_from)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page })
}

/// What processing a property came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome<'a> {
    pub status: PropertyStatus,
    pub reason: &'a str,
    pub unit_id: Option<i64>,
    pub case_id: Option<i64>,
    pub business_number: &'a str,
    pub waiting: bool,
    pub actual_start: &'a str,
    pub actual_end: &'a str,
    /// `Due` (answer through the front-end by `receipt_due`), `Paper` or `None`.
    pub receipt_state: ReceiptState,
    pub receipt_due: Option<&'a str>,
}

/// Records the outcome of a pending property. False when it was no longer pending (another
/// worker got there first), and then nothing changes: this is what makes processing happen
/// exactly once, as it runs in the transaction that registers.
pub async fn settle(conn: &mut AnyConnection, request_number: &str, seq: &str, o: &Outcome<'_>, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(sqlx::query(
        "UPDATE court_properties SET status = $1, reason = $2, unit_id = $3, case_id = $4, business_number = $5, waiting = $6, actual_start = $7, actual_end = $8, \
         processed_at = $9, receipt_state = $10, receipt_due = $11, receipt_next_at = NULL, receipt_attempts = 0, receipt_error = '' \
         WHERE request_number = $12 AND seq = $13 AND status = 'pending'",
    )
    .bind(o.status.code())
    .bind(o.reason)
    .bind(o.unit_id)
    .bind(o.case_id)
    .bind(o.business_number)
    .bind(i64::from(o.waiting))
    .bind(o.actual_start)
    .bind(o.actual_end)
    .bind(format_time(now))
    .bind(o.receipt_state.code())
    .bind(o.receipt_due)
    .bind(request_number)
    .bind(seq)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// Puts a quarantined, refused or manual property back in the queue (staff reprocessing).
pub async fn requeue(conn: &mut AnyConnection, request_number: &str, seq: &str) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE court_properties SET status = 'pending', reason = '' WHERE request_number = $1 AND seq = $2 AND status IN ('quarantined', 'refused', 'manual')")
        .bind(request_number)
        .bind(seq)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1)
}

/// Receipts to send now: due, and not waiting for a retry.
pub async fn receipts_to_send(conn: &mut AnyConnection, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<CourtProperty>> {
    let sql = format!("SELECT {PROPERTY_COLUMNS} WHERE p.receipt_state = 'due' AND (p.receipt_next_at IS NULL OR p.receipt_next_at <= $1) ORDER BY p.processed_at, p.request_number, p.seq LIMIT $2");
    sqlx::query(&sql).bind(format_time(now)).bind(limit).fetch_all(&mut *conn).await?.iter().map(property_from).collect()
}

/// Marks receipts sent.
pub async fn receipts_sent(conn: &mut AnyConnection, keys: &[(String, String)], now: DateTime<Utc>) -> StoreResult<()> {
    for (number, seq) in keys {
        sqlx::query("UPDATE court_properties SET receipt_state = 'sent', receipt_sent_at = $1, receipt_attempts = receipt_attempts + 1, receipt_error = '' WHERE request_number = $2 AND seq = $3 AND receipt_state = 'due'")
            .bind(format_time(now))
            .bind(number)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Records a failed sending: the next try is at `next_at`.
pub async fn receipts_failed(conn: &mut AnyConnection, keys: &[(String, String)], error: &str, next_at: DateTime<Utc>) -> StoreResult<()> {
    for (number, seq) in keys {
        sqlx::query("UPDATE court_properties SET receipt_attempts = receipt_attempts + 1, receipt_error = $1, receipt_next_at = $2 WHERE request_number = $3 AND seq = $4 AND receipt_state = 'due'")
            .bind(error)
            .bind(format_time(next_at))
            .bind(number)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Messages stored but not yet read (a crash between storing and reading): read on the next poll.
pub async fn unread_messages(conn: &mut AnyConnection) -> StoreResult<Vec<(i64, String)>> {
    Ok(sqlx::query_as::<_, (i64, String)>("SELECT id, raw FROM court_messages WHERE status = 'stored' ORDER BY id").fetch_all(&mut *conn).await?)
}

pub async fn get_message(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<(String, String, String)>> {
    Ok(sqlx::query_as::<_, (String, String, String)>("SELECT raw, status, reason FROM court_messages WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?)
}
