//! Rule records (规则库): versioned, never edited in place — a change is a new version, and
//! retiring sets `retired_at`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AnyConnection, Row};

use crate::domain::rules::{Applicability, Check, Rule, Severity};

use crate::store::{format_time, StoreError, StoreResult};

/// A rule record with its bookkeeping.
#[derive(Debug, Clone)]
pub struct RuleRecord {
    pub id: i64,
    pub rule: Rule,
    pub retired: bool,
    pub created_by: String,
    pub created_at: String,
}

fn list(s: &str) -> Vec<String> {
    s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

fn applies_text(a: &Applicability) -> String {
    format!("effects={};kinds={};except={}", a.effects.join(","), a.right_kinds.join(","), a.except_flows.join(","))
}

fn applies_parse(s: &str) -> Applicability {
    let mut a = Applicability::default();
    for part in s.split(';') {
        if let Some((k, v)) = part.split_once('=') {
            match k {
                "effects" => a.effects = list(v),
                "kinds" => a.right_kinds = list(v),
                "except" => a.except_flows = list(v),
                _ => {}
            }
        }
    }
    a
}

pub async fn insert_rule(conn: &mut AnyConnection, r: &Rule, by: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO rules (code, version, name, check_name, params, applies_to, severity, legal_basis, effective_from, effective_to, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(&r.code)
    .bind(r.version)
    .bind(&r.name)
    .bind(r.check.name())
    .bind(r.check.kinds_param())
    .bind(applies_text(&r.applies))
    .bind(r.severity.code())
    .bind(&r.legal_basis)
    .bind(r.effective_from.to_string())
    .bind(r.effective_to.map(|d| d.to_string()))
    .bind(by)
    .bind(format_time(now))
    .fetch_one(&mut *conn)
    .await?)
}

/// All rule records, newest version last within a code.
pub async fn all_rules(conn: &mut AnyConnection) -> StoreResult<Vec<RuleRecord>> {
    let rows = sqlx::query(
        "SELECT id, code, version, name, check_name, params, applies_to, severity, legal_basis, effective_from, effective_to, retired_at, created_by, created_at FROM rules ORDER BY code, version",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let check_name: String = r.try_get("check_name")?;
            let params: String = r.try_get("params")?;
            let severity: String = r.try_get("severity")?;
            let from: String = r.try_get("effective_from")?;
            let to: Option<String> = r.try_get("effective_to")?;
            let parse_date = |d: &str| d.parse::<NaiveDate>().map_err(|_| StoreError::Corrupt(format!("规则日期错误：{d}")));
            Ok(RuleRecord {
                id: r.try_get("id")?,
                rule: Rule {
                    code: r.try_get("code")?,
                    version: r.try_get("version")?,
                    name: r.try_get("name")?,
                    check: Check::from_parts(&check_name, &params).ok_or_else(|| StoreError::Corrupt(format!("未知规则检查：{check_name}")))?,
                    applies: applies_parse(&r.try_get::<String, _>("applies_to")?),
                    severity: Severity::from_code(&severity).ok_or_else(|| StoreError::Corrupt(format!("未知严重程度：{severity}")))?,
                    legal_basis: r.try_get("legal_basis")?,
                    effective_from: parse_date(&from)?,
                    effective_to: to.as_deref().map(parse_date).transpose()?,
                },
                retired: r.try_get::<Option<String>, _>("retired_at")?.is_some(),
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The rules in force: the newest version of each code, not retired.
pub async fn active_rules(conn: &mut AnyConnection) -> StoreResult<Vec<Rule>> {
    // Rows come ordered by code, then version: the last row of each code is its newest version.
    let all = all_rules(conn).await?;
    let mut out: Vec<Rule> = Vec::new();
    for (i, r) in all.iter().enumerate() {
        let newest = all.get(i + 1).is_none_or(|next| next.rule.code != r.rule.code);
        if newest && !r.retired {
            out.push(r.rule.clone());
        }
    }
    Ok(out)
}

pub async fn retire(conn: &mut AnyConnection, code: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(sqlx::query("UPDATE rules SET retired_at = $1 WHERE code = $2 AND retired_at IS NULL").bind(format_time(now)).bind(code).execute(&mut *conn).await?.rows_affected() > 0)
}

/// Seeds the default rules when the table is empty.
pub async fn seed_rules(conn: &mut AnyConnection, rules: &[Rule]) -> StoreResult<()> {
    let n = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM rules").fetch_one(&mut *conn).await?;
    if n == 0 {
        let now = Utc::now();
        for r in rules {
            insert_rule(conn, r, "seed", now).await?;
        }
    }
    Ok(())
}
