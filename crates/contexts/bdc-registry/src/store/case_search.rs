//! 业务查询 — the staff's search over every case, open or finished (已归档, 退件, 撤回 included),
//! paged in the database.
//!
//! The WHERE clause is built from the conditions that were given, with every value bound
//! (`$n` placeholders, which both engines read; `QueryBuilder::push_bind` would write `?`, which
//! PostgreSQL does not). A "contains" or "begins with" condition escapes `%`, `_` and `\` so
//! what the user typed is matched literally.

use chrono::NaiveDate;
use sqlx::{Any, AnyConnection, QueryBuilder};

use crate::domain::workflow::CaseState;
use crate::store::{Page, PageRequest, StoreError, StoreResult};

/// The conditions of a search, already normalised by the use case; every one optional, all
/// combined with AND.
#[derive(Debug, Clone, Default)]
pub struct SearchConditions {
    /// 业务号: begins with (a whole number matches itself).
    pub case_number: Option<String>,
    /// 申请人姓名: contains.
    pub applicant_name: Option<String>,
    /// 申请人证件号码 as its blind index (the number itself is sealed).
    pub applicant_id_bidx: Option<String>,
    /// 坐落 of any unit of the case: contains.
    pub location: Option<String>,
    /// 不动产单元号 of any unit of the case: exactly.
    pub unit_number: Option<String>,
    /// 不动产权证书号/证明号 issued by the case: exactly, as stored.
    pub certificate_number: Option<String>,
    /// 业务流程 (catalogue code).
    pub flow_code: Option<String>,
    pub state: Option<CaseState>,
    /// 受理日期 (Beijing business dates), both ends included.
    pub accepted_from: Option<NaiveDate>,
    pub accepted_to: Option<NaiveDate>,
    /// 渠道: the stored channel codes the case must have one of (empty: any).
    pub channels: Vec<&'static str>,
}

/// The order of the results (排序).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// 受理时间, newest first. Cases are numbered in the order they are received, so the key
    /// is the primary key, read backwards.
    #[default]
    Newest,
    /// 业务号, ascending.
    CaseNumber,
    /// 剩余工作日, fewest first: the deadline, earliest first (for one day's calendar the
    /// working days left grow with the deadline).
    DaysLeft,
}

/// One case found, with what the result table shows of it.
#[derive(Debug, Clone)]
pub struct FoundCase {
    pub id: i64,
    pub case_number: String,
    pub flow_code: String,
    pub state: CaseState,
    pub channel: String,
    /// When it was received (stored UTC time).
    pub created_at: String,
    pub accepted_on: NaiveDate,
    pub deadline: NaiveDate,
    /// 坐落 of its units, in unit order.
    pub locations: Vec<String>,
    /// `(name, masked ID number)` of its applicants: right holders, then obligors, then agents.
    pub applicants: Vec<(String, String)>,
}

/// A bound value.
enum Bound {
    T(String),
    I(i64),
}

/// A statement under construction with its values, in placeholder order.
struct Statement {
    sql: QueryBuilder<'static, Any>,
    binds: Vec<Bound>,
}

impl Statement {
    fn new(head: &str) -> Self {
        Statement { sql: QueryBuilder::new(head), binds: Vec::new() }
    }

    fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push(sql);
        self
    }

    /// Writes the next placeholder and keeps its value.
    fn bind(&mut self, v: Bound) -> &mut Self {
        self.binds.push(v);
        self.sql.push(format_args!("${}", self.binds.len()));
        self
    }

    fn text(&mut self, v: &str) -> &mut Self {
        self.bind(Bound::T(v.to_owned()))
    }

    fn query(&mut self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        let binds = std::mem::take(&mut self.binds);
        let mut q = self.sql.build();
        for b in binds {
            q = match b {
                Bound::T(s) => q.bind(s),
                Bound::I(i) => q.bind(i),
            };
        }
        q
    }
}

/// `text` with the LIKE metacharacters escaped by `\` (the statement says `ESCAPE '\'`).
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Appends ` AND …` for every condition given.
fn push_conditions(st: &mut Statement, c: &SearchConditions) {
    if let Some(n) = &c.case_number {
        st.push(" AND c.case_number LIKE ").text(&format!("{}%", literal(n))).push(" ESCAPE '\\'");
    }
    if let Some(name) = &c.applicant_name {
        st.push(" AND c.id IN (SELECT ca.case_id FROM case_applicants ca JOIN parties p ON p.id = ca.party_id WHERE p.name LIKE ").text(&format!("%{}%", literal(name))).push(" ESCAPE '\\')");
    }
    if let Some(bidx) = &c.applicant_id_bidx {
        st.push(" AND c.id IN (SELECT ca.case_id FROM case_applicants ca JOIN parties p ON p.id = ca.party_id WHERE p.id_number_bidx = ").text(bidx).push(")");
    }
    if let Some(loc) = &c.location {
        st.push(" AND c.id IN (SELECT cu.case_id FROM case_units cu JOIN units u ON u.id = cu.unit_id WHERE u.location LIKE ").text(&format!("%{}%", literal(loc))).push(" ESCAPE '\\')");
    }
    if let Some(unit) = &c.unit_number {
        st.push(" AND c.id IN (SELECT cu.case_id FROM case_units cu JOIN units u ON u.id = cu.unit_id WHERE u.unit_number = ").text(unit).push(")");
    }
    if let Some(cert) = &c.certificate_number {
        st.push(" AND c.id IN (SELECT ce.case_id FROM certificates ce WHERE ce.number = ").text(cert).push(")");
    }
    if let Some(flow) = &c.flow_code {
        st.push(" AND c.flow_code = ").text(flow);
    }
    if let Some(state) = c.state {
        st.push(" AND c.state = ").text(state.code());
    }
    if let Some(from) = c.accepted_from {
        st.push(" AND c.accepted_on >= ").text(&from.to_string());
    }
    if let Some(to) = c.accepted_to {
        st.push(" AND c.accepted_on <= ").text(&to.to_string());
    }
    if !c.channels.is_empty() {
        st.push(" AND c.channel IN (");
        for (i, ch) in c.channels.iter().enumerate() {
            if i > 0 {
                st.push(", ");
            }
            st.text(ch);
        }
        st.push(")");
    }
}

fn order_by(order: SearchOrder) -> &'static str {
    match order {
        SearchOrder::Newest => " ORDER BY c.id DESC",
        SearchOrder::CaseNumber => " ORDER BY c.case_number, c.id",
        SearchOrder::DaysLeft => " ORDER BY c.deadline, c.id",
    }
}

/// The number of cases matching `c`.
pub async fn count(conn: &mut AnyConnection, c: &SearchConditions) -> StoreResult<i64> {
    let mut st = Statement::new("SELECT COUNT(*) FROM cases c WHERE 1 = 1");
    push_conditions(&mut st, c);
    let row = st.query().fetch_one(&mut *conn).await?;
    Ok(sqlx::Row::try_get(&row, 0)?)
}

/// At most `limit` cases matching `c` from `offset` on, in `order`, with their units' 坐落 and
/// their applicants.
pub async fn rows(conn: &mut AnyConnection, c: &SearchConditions, order: SearchOrder, limit: i64, offset: i64) -> StoreResult<Vec<FoundCase>> {
    let mut st = Statement::new("SELECT c.id, c.case_number, c.flow_code, c.state, c.channel, c.created_at, c.accepted_on, c.deadline FROM cases c WHERE 1 = 1");
    push_conditions(&mut st, c);
    st.push(order_by(order)).push(" LIMIT ").bind(Bound::I(limit)).push(" OFFSET ").bind(Bound::I(offset));
    let raw = st.query().fetch_all(&mut *conn).await?;
    let mut found = Vec::with_capacity(raw.len());
    for r in &raw {
        use sqlx::Row;
        let code: String = r.try_get("state")?;
        let date = |col: &str| -> StoreResult<NaiveDate> {
            let s: String = r.try_get(col)?;
            s.parse().map_err(|_| StoreError::Corrupt(format!("日期格式错误：{s}")))
        };
        found.push(FoundCase {
            id: r.try_get("id")?,
            case_number: r.try_get("case_number")?,
            flow_code: r.try_get("flow_code")?,
            state: CaseState::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("业务状态 {code}")))?,
            channel: r.try_get("channel")?,
            created_at: r.try_get("created_at")?,
            accepted_on: date("accepted_on")?,
            deadline: date("deadline")?,
            locations: Vec::new(),
            applicants: Vec::new(),
        });
    }
    with_parts(conn, &mut found).await?;
    Ok(found)
}

/// One page of the cases matching `c`, with the total over all pages.
pub async fn search(conn: &mut AnyConnection, c: &SearchConditions, order: SearchOrder, page: PageRequest) -> StoreResult<Page<FoundCase>> {
    let total = count(conn, c).await?;
    let items = if total > page.offset() { rows(conn, c, order, page.limit(), page.offset()).await? } else { Vec::new() };
    Ok(Page { items, total, page: page.page, per_page: page.per_page })
}

/// Cases per statement when their units and applicants are read: an export reads thousands,
/// and both engines limit the parameters of one statement.
const PARTS_CHUNK: usize = 500;

/// The units' 坐落 and the applicants of the cases found: two statements per chunk of cases.
async fn with_parts(conn: &mut AnyConnection, cases: &mut [FoundCase]) -> StoreResult<()> {
    let index: std::collections::HashMap<i64, usize> = cases.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    for chunk in ids.chunks(PARTS_CHUNK) {
        let list = bdc_db::placeholders(1, chunk.len());
        let units_sql = format!("SELECT cu.case_id, u.location FROM case_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.case_id IN ({list}) ORDER BY cu.case_id, cu.unit_id");
        let apps_sql = format!(
            "SELECT ca.case_id, p.name, p.id_number_masked FROM case_applicants ca JOIN parties p ON p.id = ca.party_id WHERE ca.case_id IN ({list}) ORDER BY ca.case_id, ca.role DESC, ca.party_id"
        );
        let mut units = sqlx::query_as::<_, (i64, String)>(&units_sql);
        let mut apps = sqlx::query_as::<_, (i64, String, String)>(&apps_sql);
        for id in chunk {
            units = units.bind(*id);
            apps = apps.bind(*id);
        }
        for (case_id, location) in units.fetch_all(&mut *conn).await? {
            if let Some(&i) = index.get(&case_id) {
                cases[i].locations.push(location);
            }
        }
        for (case_id, name, masked) in apps.fetch_all(&mut *conn).await? {
            if let Some(&i) = index.get(&case_id) {
                cases[i].applicants.push((name, masked));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(literal("50%_a\\b'"), "50\\%\\_a\\\\b'");
    }

    #[test]
    fn every_condition_is_a_placeholder() {
        let c = SearchConditions {
            case_number: Some("2026'".into()),
            location: Some("青洋%".into()),
            state: Some(CaseState::Archived),
            channels: vec!["individual", "bank"],
            ..SearchConditions::default()
        };
        let mut st = Statement::new("SELECT 1 FROM cases c WHERE 1 = 1");
        push_conditions(&mut st, &c);
        let sql = st.sql.sql().to_owned();
        assert!(!sql.contains("2026") && !sql.contains("青洋") && !sql.contains("archived"), "{sql}");
        assert!(sql.contains("$5") && !sql.contains("$6"), "{sql}");
    }
}
