//! The rule library (规则库, A2.6) as use cases, so the JSON API and the 系统管理 pages check and
//! store rules the same way. (The issuance-data rules, A4.4, belong to the reporting context.)
//!
//! A rule is never edited in place: a change is a new version (the old one stays in the record,
//! as the audit of what the engine applied when), and retiring (停用) marks every version.

use chrono::{NaiveDate, Utc};

use crate::domain::rules::{Applicability, Check, Rule, Severity};
use crate::store::rules as store;
use bdc_core::access::Permission;

use crate::service::{Actor, ServiceError, ServiceResult, Services};

// The records this use case hands to the API and the pages.
pub use crate::store::rules::RuleRecord;

/// Every rule version, retired ones included, ordered by code then version.
pub async fn list(s: &Services, actor: &Actor) -> ServiceResult<Vec<RuleRecord>> {
    actor.require(Permission::RulesRead)?;
    let mut conn = s.db.conn().await?;
    Ok(store::all_rules(&mut conn).await?)
}

/// The versions of one rule, oldest first.
pub async fn versions(s: &Services, actor: &Actor, code: &str) -> ServiceResult<Vec<RuleRecord>> {
    let all: Vec<RuleRecord> = list(s, actor).await?.into_iter().filter(|r| r.rule.code == code).collect();
    if all.is_empty() {
        return Err(ServiceError::NotFound(format!("规则“{code}”不存在")));
    }
    Ok(all)
}

/// A rule as an administrator writes it; the version is assigned on saving.
#[derive(Debug, Clone, Default)]
pub struct RuleDraft {
    pub code: String,
    pub name: String,
    /// The check's stored name (`restriction_present`, …).
    pub check: String,
    /// For `restriction_present`: right kinds, comma-separated.
    pub kinds: String,
    pub effects: Vec<String>,
    pub right_kinds: Vec<String>,
    pub except_flows: Vec<String>,
    /// `block`, `warn` or `consent`.
    pub severity: String,
    pub legal_basis: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// The checks a rule can name, with their Chinese names, for forms and lists.
pub const CHECKS: &[(&str, &str)] = &[
    ("restriction_present", "存在限制（查封、抵押、异议等）"),
    ("mortgage_forbids_transfer", "抵押约定禁止转让"),
    ("obligor_is_holder", "义务人为现登记权利人"),
    ("no_current_of_kind", "无同类现势权利（首次登记）"),
    ("shares_sum_to_one", "按份共有份额之和为一"),
    ("no_other_open_case", "无其他在办业务"),
    ("certificate_valid", "权属证书有效"),
];

/// Checks a draft field by field (the first problem, with its field), as the form shows it.
pub fn check_draft(d: &RuleDraft) -> ServiceResult<(Check, Severity)> {
    let bad = |field: &str, msg: &str| ServiceError::field("bad_rule", field, msg);
    if d.code.is_empty() || d.code.len() > 64 || !d.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(bad("code", "规则编码须为 1–64 位字母、数字、短横线或下划线"));
    }
    if d.name.trim().is_empty() || d.name.trim().chars().count() > 100 {
        return Err(bad("name", "规则名称不能为空，且不超过 100 个字"));
    }
    let check = Check::from_parts(&d.check, &d.kinds).ok_or_else(|| {
        if d.check == "restriction_present" {
            bad("kinds", "请填写限制的权利类型代码，以逗号分隔（如 seizure,mortgage）")
        } else {
            bad("check", "检查项无效")
        }
    })?;
    let severity = Severity::from_code(&d.severity).ok_or_else(|| bad("severity", "严重程度须为阻断、提示或需同意"))?;
    if d.legal_basis.trim().is_empty() {
        return Err(bad("legal_basis", "法律依据不能为空"));
    }
    if d.effective_to.is_some_and(|t| t < d.effective_from) {
        return Err(bad("effective_to", "失效日期不能早于生效日期"));
    }
    let known = |e: &str| crate::domain::catalogue::flows().iter().any(|f| f.effect.code() == e);
    if let Some(e) = d.effects.iter().find(|e| !known(e)) {
        return Err(bad("effects", &format!("未知的登记效果“{e}”")));
    }
    if let Some(k) = d.right_kinds.iter().find(|k| crate::domain::rights::RightKind::from_code(k).is_none()) {
        return Err(bad("right_kinds", &format!("未知的权利类型“{k}”")));
    }
    if let Some(f) = d.except_flows.iter().find(|f| crate::domain::catalogue::flow(f).is_none()) {
        return Err(bad("except_flows", &format!("业务目录中没有“{f}”")));
    }
    Ok((check, severity))
}

/// Saves a new rule, or a new version of an existing code (one more than its newest version).
#[tracing::instrument(name = "create_rule_version", skip_all, fields(actor.id = actor.user_id))]
pub async fn create_version(s: &Services, actor: &Actor, d: RuleDraft) -> ServiceResult<RuleRecord> {
    actor.require(Permission::RulesManage)?;
    let (check, severity) = check_draft(&d)?;
    let mut tx = s.db.begin().await?;
    let existing = store::all_rules(&mut tx).await?;
    let version = existing.iter().filter(|x| x.rule.code == d.code).map(|x| x.rule.version).max().unwrap_or(0) + 1;
    let rule = Rule {
        code: d.code.clone(),
        version,
        name: d.name.trim().into(),
        check,
        applies: Applicability { effects: d.effects, right_kinds: d.right_kinds, except_flows: d.except_flows },
        severity,
        legal_basis: d.legal_basis.trim().into(),
        effective_from: d.effective_from,
        effective_to: d.effective_to,
    };
    store::insert_rule(&mut tx, &rule, &actor.username, Utc::now()).await?;
    let saved = store::all_rules(&mut tx).await?.into_iter().find(|x| x.rule.code == d.code && x.rule.version == version);
    bdc_audit::commit(tx, actor, "保存规则", &format!("规则 {} 第 {version} 版", d.code)).await?;
    saved.ok_or_else(|| ServiceError::NotFound(format!("规则“{}”不存在", d.code)))
}

/// Retires every version of a rule; it stays in the record and no longer applies.
#[tracing::instrument(name = "retire_rule", skip(s, actor), fields(actor.id = actor.user_id))]
pub async fn retire(s: &Services, actor: &Actor, code: &str) -> ServiceResult<()> {
    actor.require(Permission::RulesManage)?;
    let mut tx = s.db.begin().await?;
    if store::retire(&mut tx, code, Utc::now()).await? {
        bdc_audit::commit(tx, actor, "停用规则", &format!("规则 {code}")).await
    } else {
        Err(ServiceError::NotFound(format!("规则“{code}”不存在或已停用")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> RuleDraft {
        RuleDraft {
            code: "seizure-blocks".into(),
            name: "查封限制处分".into(),
            check: "restriction_present".into(),
            kinds: "seizure".into(),
            severity: "block".into(),
            legal_basis: "《不动产登记暂行条例》第二十二条".into(),
            effective_from: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            ..RuleDraft::default()
        }
    }

    fn field(d: &RuleDraft) -> Option<String> {
        match check_draft(d) {
            Err(ServiceError::Validation { field, .. }) => field,
            _ => None,
        }
    }

    #[test]
    fn a_draft_is_refused_by_the_field_that_is_wrong() {
        assert!(check_draft(&draft()).is_ok());
        assert_eq!(field(&RuleDraft { code: "查封".into(), ..draft() }).as_deref(), Some("code"));
        assert_eq!(field(&RuleDraft { kinds: String::new(), ..draft() }).as_deref(), Some("kinds"));
        assert_eq!(field(&RuleDraft { check: "astrology".into(), ..draft() }).as_deref(), Some("check"));
        assert_eq!(field(&RuleDraft { severity: "fatal".into(), ..draft() }).as_deref(), Some("severity"));
        assert_eq!(field(&RuleDraft { legal_basis: " ".into(), ..draft() }).as_deref(), Some("legal_basis"));
        assert_eq!(field(&RuleDraft { effective_to: NaiveDate::from_ymd_opt(2026, 1, 1), ..draft() }).as_deref(), Some("effective_to"));
        assert_eq!(field(&RuleDraft { effects: vec!["explode".into()], ..draft() }).as_deref(), Some("effects"));
        assert_eq!(field(&RuleDraft { right_kinds: vec!["castle".into()], ..draft() }).as_deref(), Some("right_kinds"));
        assert_eq!(field(&RuleDraft { except_flows: vec!["NO-SUCH-FLOW".into()], ..draft() }).as_deref(), Some("except_flows"));
    }

    #[test]
    fn every_check_named_in_the_form_is_known_to_the_engine() {
        for (code, _) in CHECKS {
            let kinds = if *code == "restriction_present" { "seizure" } else { "" };
            assert!(Check::from_parts(code, kinds).is_some(), "{code}");
        }
    }
}
