//! Cases (业务) and their events.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::domain::workflow::CaseState;

use crate::store::{format_time, Page, PageRequest, StoreError, StoreResult};

/// A case as stored.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub id: i64,
    pub case_number: String,
    pub flow_code: String,
    pub state: CaseState,
    pub channel: String,
    pub county_code: String,
    /// The requested change, JSON.
    pub request: String,
    pub created_by: String,
    pub created_at: String,
    pub accepted_on: NaiveDate,
    pub deadline: NaiveDate,
    pub paused_since: Option<NaiveDate>,
    pub state_reason: String,
    pub review_report: Option<String>,
    pub registered_seq: Option<i64>,
    pub version: i64,
    /// `(unit id, unit version seen at review)`.
    pub units: Vec<(i64, i64)>,
    /// `(party id, role, share)`.
    pub applicants: Vec<(i64, String, String)>,
}

fn date(s: &str) -> StoreResult<NaiveDate> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("日期格式错误：{s}")))
}

fn case_from_row(r: &AnyRow) -> StoreResult<CaseRecord> {
    let paused: Option<String> = r.try_get("paused_since")?;
    Ok(CaseRecord {
        id: r.try_get("id")?,
        case_number: r.try_get("case_number")?,
        flow_code: r.try_get("flow_code")?,
        state: {
            let code: String = r.try_get("state")?;
            CaseState::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("业务状态 {code}")))?
        },
        channel: r.try_get("channel")?,
        county_code: r.try_get("county_code")?,
        request: r.try_get("request")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        accepted_on: date(&r.try_get::<String, _>("accepted_on")?)?,
        deadline: date(&r.try_get::<String, _>("deadline")?)?,
        paused_since: paused.as_deref().map(date).transpose()?,
        state_reason: r.try_get("state_reason")?,
        review_report: r.try_get("review_report")?,
        registered_seq: r.try_get("registered_seq")?,
        version: r.try_get("version")?,
        units: Vec::new(),
        applicants: Vec::new(),
    })
}

const CASE_COLUMNS: &str =
    "id, case_number, flow_code, state, channel, county_code, request, created_by, created_at, accepted_on, deadline, paused_since, state_reason, review_report, registered_seq, version";

/// What is needed to open a case.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub case_number: &'a str,
    pub flow_code: &'a str,
    pub state: CaseState,
    pub channel: &'a str,
    pub county_code: &'a str,
    pub request: &'a str,
    pub created_by: &'a str,
    pub accepted_on: NaiveDate,
    pub deadline: NaiveDate,
    pub units: &'a [(i64, i64)],
    pub applicants: &'a [(i64, String, String)],
}

pub async fn insert_case(conn: &mut AnyConnection, c: &NewCase<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO cases (case_number, flow_code, state, channel, county_code, request, created_by, created_at, accepted_on, deadline, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1) RETURNING id",
    )
    .bind(c.case_number)
    .bind(c.flow_code)
    .bind(c.state.code())
    .bind(c.channel)
    .bind(c.county_code)
    .bind(c.request)
    .bind(c.created_by)
    .bind(format_time(now))
    .bind(c.accepted_on.to_string())
    .bind(c.deadline.to_string())
    .fetch_one(&mut *conn)
    .await?;
    for (unit, version) in c.units {
        sqlx::query("INSERT INTO case_units (case_id, unit_id, seen_version) VALUES ($1, $2, $3)").bind(id).bind(unit).bind(version).execute(&mut *conn).await?;
    }
    for (party, role, share) in c.applicants {
        sqlx::query("INSERT INTO case_applicants (case_id, party_id, role, share) VALUES ($1, $2, $3, $4)").bind(id).bind(party).bind(role).bind(share).execute(&mut *conn).await?;
    }
    Ok(id)
}

async fn with_parts(conn: &mut AnyConnection, mut c: CaseRecord) -> StoreResult<CaseRecord> {
    c.units = sqlx::query_as::<_, (i64, i64)>("SELECT unit_id, seen_version FROM case_units WHERE case_id = $1 ORDER BY unit_id").bind(c.id).fetch_all(&mut *conn).await?;
    c.applicants = sqlx::query_as::<_, (i64, String, String)>("SELECT party_id, role, share FROM case_applicants WHERE case_id = $1 ORDER BY role, party_id").bind(c.id).fetch_all(&mut *conn).await?;
    Ok(c)
}

pub async fn get_case(conn: &mut AnyConnection, id: i64) -> StoreResult<Option<CaseRecord>> {
    let row = sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1")).bind(id).fetch_optional(&mut *conn).await?;
    match row {
        Some(r) => Ok(Some(with_parts(conn, case_from_row(&r)?).await?)),
        None => Ok(None),
    }
}

/// Filter of the case list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub states: Vec<CaseState>,
    pub unit_id: Option<i64>,
    pub case_number: Option<String>,
}

pub async fn list_cases(conn: &mut AnyConnection, f: &CaseFilter, page: PageRequest) -> StoreResult<Page<CaseRecord>> {
    // `state IN (…)` so the `cases_state (state, deadline)` index serves the workbench's lists.
    let states = if f.states.is_empty() { "1 = 1".to_owned() } else { format!("state IN ({})", bdc_db::placeholders(3, f.states.len())) };
    let cond = format!("($1 IS NULL OR id IN (SELECT case_id FROM case_units WHERE unit_id = $1)) AND ($2 IS NULL OR case_number = $2) AND {states}");
    let n = 3 + f.states.len();
    let count_sql = format!("SELECT COUNT(*) FROM cases WHERE {cond}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(f.unit_id).bind(f.case_number.clone());
    let page_sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE {cond} ORDER BY deadline, id LIMIT ${n} OFFSET ${}", n + 1);
    let mut rows = sqlx::query(&page_sql).bind(f.unit_id).bind(f.case_number.clone());
    for st in &f.states {
        count = count.bind(st.code());
        rows = rows.bind(st.code());
    }
    let total = count.fetch_one(&mut *conn).await?;
    let rows = rows.bind(page.limit()).bind(page.offset()).fetch_all(&mut *conn).await?;
    let mut items = rows.iter().map(case_from_row).collect::<StoreResult<Vec<_>>>()?;
    with_parts_of_all(conn, &mut items).await?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page })
}

/// The units and applicants of a page of cases: two statements for the whole page.
async fn with_parts_of_all(conn: &mut AnyConnection, cases: &mut [CaseRecord]) -> StoreResult<()> {
    if cases.is_empty() {
        return Ok(());
    }
    let list = bdc_db::placeholders(1, cases.len());
    let units_sql = format!("SELECT case_id, unit_id, seen_version FROM case_units WHERE case_id IN ({list}) ORDER BY case_id, unit_id");
    let apps_sql = format!("SELECT case_id, party_id, role, share FROM case_applicants WHERE case_id IN ({list}) ORDER BY case_id, role, party_id");
    let mut units = sqlx::query_as::<_, (i64, i64, i64)>(&units_sql);
    let mut apps = sqlx::query_as::<_, (i64, i64, String, String)>(&apps_sql);
    for c in cases.iter() {
        units = units.bind(c.id);
        apps = apps.bind(c.id);
    }
    let units = units.fetch_all(&mut *conn).await?;
    let apps = apps.fetch_all(&mut *conn).await?;
    let index: std::collections::HashMap<i64, usize> = cases.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    for (case_id, unit_id, seen) in units {
        if let Some(&i) = index.get(&case_id) {
            cases[i].units.push((unit_id, seen));
        }
    }
    for (case_id, party_id, role, share) in apps {
        if let Some(&i) = index.get(&case_id) {
            cases[i].applicants.push((party_id, role, share));
        }
    }
    Ok(())
}

/// Changes a case's state if it is still `from` at `version`; false means someone else moved it.
#[allow(clippy::too_many_arguments)]
pub async fn transition(conn: &mut AnyConnection, id: i64, version: i64, from: CaseState, to: CaseState, reason: &str, deadline: NaiveDate, paused_since: Option<NaiveDate>) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE cases SET state = $1, state_reason = $2, deadline = $3, paused_since = $4, version = version + 1 WHERE id = $5 AND version = $6 AND state = $7")
        .bind(to.code())
        .bind(reason)
        .bind(deadline.to_string())
        .bind(paused_since.map(|d| d.to_string()))
        .bind(id)
        .bind(version)
        .bind(from.code())
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1)
}

pub async fn set_review_report(conn: &mut AnyConnection, id: i64, report: &str) -> StoreResult<()> {
    sqlx::query("UPDATE cases SET review_report = $1 WHERE id = $2").bind(report).bind(id).execute(&mut *conn).await?;
    Ok(())
}

pub async fn set_registered(conn: &mut AnyConnection, id: i64, seq: i64) -> StoreResult<()> {
    sqlx::query("UPDATE cases SET registered_seq = $1 WHERE id = $2").bind(seq).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Records the unit versions a reviewer approved against.
pub async fn set_seen_version(conn: &mut AnyConnection, case_id: i64, unit_id: i64, version: i64) -> StoreResult<()> {
    sqlx::query("UPDATE case_units SET seen_version = $1 WHERE case_id = $2 AND unit_id = $3").bind(version).bind(case_id).bind(unit_id).execute(&mut *conn).await?;
    Ok(())
}

/// Records a step of the case's history: from `from` (none when the case was opened) to `to`.
pub async fn add_event(conn: &mut AnyConnection, case_id: i64, from: Option<CaseState>, to: CaseState, actor: &str, reason: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO case_events (case_id, from_state, to_state, actor, at, reason) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(case_id)
        .bind(from.map_or("", CaseState::code))
        .bind(to.code())
        .bind(actor)
        .bind(format_time(now))
        .bind(reason)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One step of a case's history (办理记录) as stored: the state it left (none for the event
/// that opened the case), the state it reached (the same for a note such as 智能审核's 转人工),
/// who took it (a username, `system` for automatic review), when, and the reason or note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub from: Option<CaseState>,
    pub to: CaseState,
    pub actor: String,
    pub at: String,
    pub reason: String,
}

/// A stored event with its states as codes, converted into a [`CaseEvent`] in one place.
#[derive(sqlx::FromRow)]
struct EventRow {
    from_state: String,
    to_state: String,
    actor: String,
    at: String,
    reason: String,
}

fn state_of(code: &str) -> StoreResult<CaseState> {
    CaseState::parse(code).ok_or_else(|| StoreError::Corrupt(format!("业务状态 {code}")))
}

impl TryFrom<EventRow> for CaseEvent {
    type Error = StoreError;

    fn try_from(r: EventRow) -> StoreResult<CaseEvent> {
        let from = if r.from_state.is_empty() { None } else { Some(state_of(&r.from_state)?) };
        Ok(CaseEvent { from, to: state_of(&r.to_state)?, actor: r.actor, at: r.at, reason: r.reason })
    }
}

/// The case's events in the order they happened.
pub async fn events(conn: &mut AnyConnection, case_id: i64) -> StoreResult<Vec<CaseEvent>> {
    let rows: Vec<EventRow> = sqlx::query_as("SELECT from_state, to_state, actor, at, reason FROM case_events WHERE case_id = $1 ORDER BY id").bind(case_id).fetch_all(&mut *conn).await?;
    rows.into_iter().map(CaseEvent::try_from).collect()
}

/// The public user who submitted the case online (网上申请), if one did.
pub async fn submitted_by(conn: &mut AnyConnection, case_id: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT submitted_by FROM cases WHERE id = $1").bind(case_id).fetch_optional(&mut *conn).await?.flatten())
}

/// Open cases (not yet registered, returned or withdrawn) on a unit, other than `except`.
pub async fn open_cases_on_unit(conn: &mut AnyConnection, unit_id: i64, except: i64, open_states: &[CaseState]) -> StoreResult<i64> {
    let states = codes_list(open_states);
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cases c JOIN case_units cu ON cu.case_id = c.id WHERE cu.unit_id = $1 AND c.id <> $2 AND $3 LIKE '%,' || c.state || ',%'")
        .bind(unit_id)
        .bind(except)
        .bind(states)
        .fetch_one(&mut *conn)
        .await?)
}

/// `,intake,review,…,`: the states' codes as one bound text the query matches `,state,` in.
fn codes_list(states: &[CaseState]) -> String {
    let codes: Vec<&str> = states.iter().map(|s| s.code()).collect();
    format!(",{},", codes.join(","))
}

/// Every registered case with the journal entry that registered it: `(case id, seq)`.
pub async fn registered_seqs(conn: &mut AnyConnection) -> StoreResult<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT id, registered_seq FROM cases WHERE registered_seq IS NOT NULL ORDER BY id").fetch_all(&mut *conn).await?)
}

/// The open cases on a unit accepted before `case_id` (a lower id: cases are numbered in the
/// order they are received), as `(id, 业务号)`, earliest first.
pub async fn earlier_open_cases(conn: &mut AnyConnection, unit_id: i64, case_id: i64, open_states: &[CaseState]) -> StoreResult<Vec<(i64, String)>> {
    let states = codes_list(open_states);
    Ok(sqlx::query_as("SELECT c.id, c.case_number FROM case_units cu JOIN cases c ON c.id = cu.case_id WHERE cu.unit_id = $1 AND cu.case_id < $2 AND $3 LIKE '%,' || c.state || ',%' ORDER BY c.id")
        .bind(unit_id)
        .bind(case_id)
        .bind(states)
        .fetch_all(&mut *conn)
        .await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn record_evaluation(conn: &mut AnyConnection, case_id: i64, stage: &str, rule_code: &str, rule_version: i64, outcome: &str, message: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("INSERT INTO rule_evaluations (case_id, stage, rule_code, rule_version, outcome, message, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(case_id)
        .bind(stage)
        .bind(rule_code)
        .bind(rule_version)
        .bind(outcome)
        .bind(message)
        .bind(format_time(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Logs a stage's rule evaluations in one multi-row statement: `(rule code, version, outcome,
/// message)` each. A 登簿 evaluates every active rule, and one INSERT per rule was a round trip
/// (on SQLite a hop to the connection's thread) each inside the journal-head lock.
pub async fn record_evaluations(conn: &mut AnyConnection, case_id: i64, stage: &str, rows: &[(&str, i64, &str, &str)], now: DateTime<Utc>) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let at = format_time(now);
    let rows: Vec<Vec<crate::store::bulk::Val>> = rows
        .iter()
        .map(|(code, version, outcome, message)| {
            use crate::store::bulk::Val;
            vec![Val::I(case_id), Val::T(stage.to_owned()), Val::T((*code).to_owned()), Val::I(*version), Val::T((*outcome).to_owned()), Val::T((*message).to_owned()), Val::T(at.clone())]
        })
        .collect();
    crate::store::bulk::insert(conn, "rule_evaluations", &["case_id", "stage", "rule_code", "rule_version", "outcome", "message", "at"], &rows).await?;
    Ok(())
}

/// One logged rule evaluation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Evaluation {
    pub stage: String,
    pub rule_code: String,
    pub rule_version: i64,
    pub outcome: String,
    pub message: String,
    pub at: String,
}

/// Every rule evaluation of a case, in order (限制验证日志).
pub async fn evaluations(conn: &mut AnyConnection, case_id: i64) -> StoreResult<Vec<Evaluation>> {
    Ok(sqlx::query_as("SELECT stage, rule_code, rule_version, outcome, message, at FROM rule_evaluations WHERE case_id = $1 ORDER BY id").bind(case_id).fetch_all(&mut *conn).await?)
}

/// The cases a party applied in (any role), newest first.
pub async fn cases_of_party(conn: &mut AnyConnection, party_id: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT DISTINCT case_id FROM case_applicants WHERE party_id = $1 ORDER BY case_id DESC LIMIT $2").bind(party_id).bind(limit).fetch_all(&mut *conn).await?)
}

/// Records the public user who submitted a case online (网上申请).
pub async fn set_submitted_by(conn: &mut AnyConnection, case_id: i64, user_id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE cases SET submitted_by = $1 WHERE id = $2").bind(user_id).bind(case_id).execute(&mut *conn).await?;
    Ok(())
}

/// Cases a public user applied for online, newest first.
pub async fn cases_submitted_by(conn: &mut AnyConnection, user_id: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM cases WHERE submitted_by = $1 ORDER BY id DESC LIMIT 200").bind(user_id).fetch_all(&mut *conn).await?)
}
