//! Restriction and review rules (限制验证与审核规则) — records evaluated by a small engine.
//!
//! A rule is data: a named check from the library below ([`Check`]), which flows it applies to
//! ([`Applicability`]), a severity (block / warn / needs consent), its legal basis and its
//! validity dates. Administrators version and retire rules; the engine only evaluates. The same
//! engine runs at intake, at review and again at 登簿.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::catalogue::Flow;
use crate::register::{attr, shares_sum_to_one, CoOwnership, RightView, Share};
use crate::rights::{RightKind, RightState};

/// How a failed rule acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// 阻断 — the case cannot proceed.
    Block,
    /// 提示 — the applicant proceeds at own risk; recorded.
    Warn,
    /// 需同意 — blocks unless the named right holder consents.
    Consent,
}

impl Severity {
    pub const fn code(self) -> &'static str {
        match self {
            Severity::Block => "block",
            Severity::Warn => "warn",
            Severity::Consent => "consent",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Severity::Block, Severity::Warn, Severity::Consent].into_iter().find(|x| x.code() == s)
    }
}

/// The library of checks a rule can name. Each is a question about the unit and the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The unit has a current restriction of one of these kinds (lapsed notices and objections
    /// do not count).
    RestrictionPresent(Vec<RightKind>),
    /// A current mortgage records an agreement forbidding transfer (民法典 第406条).
    MortgageForbidsTransfer,
    /// The obligors of the case are exactly the holders of the current title.
    ObligorIsHolder,
    /// The unit has no current right of the flow's kind (首次登记).
    NoCurrentOfKind,
    /// 按份共有 shares of the new holders sum to one.
    SharesSumToOne,
    /// No other open case on the unit.
    NoOtherOpenCase,
    /// The title's certificate is valid (not lost or void).
    CertificateValid,
}

impl Check {
    /// Stable name stored with the rule.
    pub fn name(&self) -> &'static str {
        match self {
            Check::RestrictionPresent(_) => "restriction_present",
            Check::MortgageForbidsTransfer => "mortgage_forbids_transfer",
            Check::ObligorIsHolder => "obligor_is_holder",
            Check::NoCurrentOfKind => "no_current_of_kind",
            Check::SharesSumToOne => "shares_sum_to_one",
            Check::NoOtherOpenCase => "no_other_open_case",
            Check::CertificateValid => "certificate_valid",
        }
    }

    /// Builds a check from its stored name and parameter (`kinds` as comma-separated codes).
    pub fn from_parts(name: &str, kinds: &str) -> Option<Check> {
        Some(match name {
            "restriction_present" => {
                let ks = kinds.split(',').filter(|s| !s.is_empty()).map(RightKind::from_code).collect::<Option<Vec<_>>>()?;
                if ks.is_empty() {
                    return None;
                }
                Check::RestrictionPresent(ks)
            }
            "mortgage_forbids_transfer" => Check::MortgageForbidsTransfer,
            "obligor_is_holder" => Check::ObligorIsHolder,
            "no_current_of_kind" => Check::NoCurrentOfKind,
            "shares_sum_to_one" => Check::SharesSumToOne,
            "no_other_open_case" => Check::NoOtherOpenCase,
            "certificate_valid" => Check::CertificateValid,
            _ => return None,
        })
    }

    /// The parameter as stored.
    pub fn kinds_param(&self) -> String {
        match self {
            Check::RestrictionPresent(ks) => ks.iter().map(|k| k.code()).collect::<Vec<_>>().join(","),
            _ => String::new(),
        }
    }
}

/// Which flows a rule applies to. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applicability {
    /// Effects (by [`crate::catalogue::Effect::code`]) the rule applies to.
    pub effects: Vec<String>,
    /// Right kinds of the flow (by code).
    pub right_kinds: Vec<String>,
    /// Flow codes excluded (e.g. flows that execute a court ruling).
    pub except_flows: Vec<String>,
}

impl Applicability {
    pub fn applies(&self, flow: &Flow) -> bool {
        (self.effects.is_empty() || self.effects.iter().any(|e| e == flow.effect.code()))
            && (self.right_kinds.is_empty() || self.right_kinds.iter().any(|k| k == flow.right_kind.code()))
            && !self.except_flows.iter().any(|f| f == flow.code)
    }
}

/// A rule record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub code: String,
    pub version: i64,
    pub name: String,
    pub check: Check,
    pub applies: Applicability,
    pub severity: Severity,
    pub legal_basis: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// An applicant of the case, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub party_id: i64,
    /// `right_holder`, `obligor` or `agent`.
    pub role: String,
    pub share: Share,
}

/// Everything a rule may look at.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub flow: &'a Flow,
    /// Current rights and restrictions of the unit.
    pub unit: &'a [RightView],
    pub applicants: &'a [Applicant],
    pub co_ownership: Option<CoOwnership>,
    /// Parties who have consented (e.g. the holder of an advance notice).
    pub consents: &'a BTreeSet<i64>,
    pub other_open_cases: usize,
    pub today: NaiveDate,
}

/// The result of one rule on one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule_code: String,
    pub rule_version: i64,
    pub rule_name: String,
    pub severity: Severity,
    pub passed: bool,
    pub message: String,
    pub legal_basis: String,
}

impl Finding {
    /// Does this finding stop the case?
    pub fn blocks(&self) -> bool {
        !self.passed && self.severity != Severity::Warn
    }
}

fn lapsed(r: &RightView, today: NaiveDate) -> bool {
    if r.kind == RightKind::Objection && r.attr(attr::LAWSUIT) == Some("true") {
        return false;
    }
    r.attr(attr::LAPSES_ON).and_then(|d| d.parse::<NaiveDate>().ok()).is_some_and(|d| today > d)
}

/// Evaluates one check; `Ok(())` passes, `Err(message)` fails with a Chinese explanation.
fn run(check: &Check, f: &Facts<'_>) -> Result<(), String> {
    let current = || f.unit.iter().filter(|r| r.state == RightState::Current);
    match check {
        Check::RestrictionPresent(kinds) => {
            let hits: Vec<&RightView> = current().filter(|r| kinds.contains(&r.kind) && !lapsed(r, f.today)).collect();
            // A restriction whose holders all consent does not stand in the way.
            let unconsented: Vec<&&RightView> = hits.iter().filter(|r| !r.holders.iter().all(|h| f.consents.contains(&h.party_id))).collect();
            match unconsented.first() {
                None => Ok(()),
                Some(r) => Err(format!("该单元存在现势的{}", r.kind.name())),
            }
        }
        Check::MortgageForbidsTransfer => {
            let m = current().find(|r| r.kind == RightKind::Mortgage && r.attr(attr::NO_TRANSFER) == Some("true"));
            match m {
                Some(m) if !m.holders.iter().all(|h| f.consents.contains(&h.party_id)) => Err("抵押合同约定禁止转让，须经抵押权人同意".into()),
                _ => Ok(()),
            }
        }
        Check::ObligorIsHolder => {
            let Some(title) = current().find(|r| !r.kind.is_restriction()) else {
                return Err("该单元没有现势权利，义务人无从核对".into());
            };
            let holders: BTreeSet<i64> = title.holders.iter().map(|h| h.party_id).collect();
            let obligors: BTreeSet<i64> = f.applicants.iter().filter(|a| a.role == "obligor").map(|a| a.party_id).collect();
            if obligors == holders {
                Ok(())
            } else {
                Err("义务人与登记簿记载的现权利人不一致".into())
            }
        }
        Check::NoCurrentOfKind => match current().find(|r| r.kind == f.flow.right_kind) {
            Some(r) => Err(format!("该单元已有现势的{}，不能再次办理首次登记", r.kind.name())),
            None => Ok(()),
        },
        Check::SharesSumToOne => {
            if f.co_ownership != Some(CoOwnership::Shares) {
                return Ok(());
            }
            let shares: Vec<Share> = f.applicants.iter().filter(|a| a.role == "right_holder").map(|a| a.share).collect();
            if shares_sum_to_one(&shares) {
                Ok(())
            } else {
                Err("按份共有的份额之和必须等于 1".into())
            }
        }
        Check::NoOtherOpenCase => {
            if f.other_open_cases == 0 {
                Ok(())
            } else {
                Err(format!("该单元另有 {} 件在办业务", f.other_open_cases))
            }
        }
        Check::CertificateValid => match current().find(|r| !r.kind.is_restriction() && r.certificate.is_some() && !r.certificate_valid) {
            Some(_) => Err("该单元的权属证书已作废或已挂失".into()),
            None => Ok(()),
        },
    }
}

/// Evaluates every rule in force on `facts.today` that applies to the flow.
pub fn evaluate(rules: &[Rule], facts: &Facts<'_>) -> Vec<Finding> {
    rules
        .iter()
        .filter(|r| r.effective_from <= facts.today && r.effective_to.is_none_or(|t| facts.today <= t) && r.applies.applies(facts.flow))
        .map(|r| {
            let result = run(&r.check, facts);
            Finding {
                rule_code: r.code.clone(),
                rule_version: r.version,
                rule_name: r.name.clone(),
                severity: r.severity,
                passed: result.is_ok(),
                message: result.err().unwrap_or_else(|| "通过".into()),
                legal_basis: r.legal_basis.clone(),
            }
        })
        .collect()
}

/// The rules a fresh installation starts with (each can be changed or retired).
pub fn default_rules(catalogue: &[Flow]) -> Vec<Rule> {
    let court_flows: Vec<String> = catalogue.iter().filter(|f| f.name.contains("司法裁决")).map(|f| f.code.to_owned()).collect();
    // 处分: transfer and change of the title. A new mortgage is a disposal too, handled by
    // companion rules limited to mortgages, so that a court's seizure is never stopped by them.
    let disposal = vec!["transfer_right".to_owned(), "transfer_with_mortgage".into(), "change_right".into()];
    let new_mortgage = || Applicability { effects: vec!["create_restriction".into()], right_kinds: vec!["mortgage".into()], ..Default::default() };
    let from = NaiveDate::from_ymd_opt(2015, 3, 1).expect("constant date");
    let rule = |code: &str, name: &str, check: Check, applies: Applicability, severity: Severity, basis: &str| Rule {
        code: code.into(),
        version: 1,
        name: name.into(),
        check,
        applies,
        severity,
        legal_basis: basis.into(),
        effective_from: from,
        effective_to: None,
    };
    let mortgage_only = |effects: Vec<String>| Applicability { effects, ..Default::default() };
    vec![
        rule(
            "seizure-blocks-disposal",
            "查封限制处分",
            Check::RestrictionPresent(vec![RightKind::Seizure]),
            Applicability { effects: disposal.clone(), except_flows: court_flows, ..Default::default() },
            Severity::Block,
            "《不动产登记暂行条例》第二十二条：不动产被依法查封、扣押等限制处分的，登记机构应当不予登记（执行生效裁判的除外）",
        ),
        rule(
            "seizure-blocks-mortgage",
            "查封限制抵押",
            Check::RestrictionPresent(vec![RightKind::Seizure]),
            new_mortgage(),
            Severity::Block,
            "《不动产登记暂行条例》第二十二条：不动产被依法查封、扣押等限制处分的，登记机构应当不予登记",
        ),
        rule(
            "advance-notice-consent-for-mortgage",
            "预告登记限制抵押",
            Check::RestrictionPresent(vec![RightKind::AdvanceNotice]),
            new_mortgage(),
            Severity::Consent,
            "《民法典》第二百二十一条：预告登记后，未经预告登记的权利人同意，处分该不动产的，不发生物权效力",
        ),
        rule(
            "advance-notice-needs-consent",
            "预告登记限制处分",
            Check::RestrictionPresent(vec![RightKind::AdvanceNotice]),
            Applicability { effects: disposal.clone(), ..Default::default() },
            Severity::Consent,
            "《民法典》第二百二十一条：预告登记后，未经预告登记的权利人同意，处分该不动产的，不发生物权效力；能够进行不动产登记之日起九十日内未申请登记的，预告登记失效",
        ),
        rule(
            "objection-warns",
            "异议登记提示",
            Check::RestrictionPresent(vec![RightKind::Objection]),
            Applicability { effects: disposal.clone(), ..Default::default() },
            Severity::Warn,
            "《民法典》第二百二十条：异议登记之日起十五日内不提起诉讼的，异议登记失效；申请人知悉异议仍申请的，自行承担风险",
        ),
        rule(
            "mortgage-no-transfer-agreement",
            "抵押约定禁止转让",
            Check::MortgageForbidsTransfer,
            mortgage_only(vec!["transfer_right".into(), "transfer_with_mortgage".into()]),
            Severity::Consent,
            "《民法典》第四百零六条：抵押期间抵押人可以转让抵押财产，抵押财产转让的抵押权不受影响；当事人另有约定的，按照其约定",
        ),
        rule(
            "lock-blocks",
            "行政锁定",
            Check::RestrictionPresent(vec![RightKind::Lock]),
            Applicability { except_flows: catalogue.iter().filter(|f| f.right_kind == RightKind::Lock).map(|f| f.code.to_owned()).collect(), ..Default::default() },
            Severity::Block,
            "《不动产登记操作规范（试行）》：登记机构依法锁定的不动产单元，解除锁定前不予办理相关登记",
        ),
        rule(
            "other-open-case",
            "单元另有在办业务",
            Check::NoOtherOpenCase,
            Applicability {
                effects: disposal.clone().into_iter().chain(["cancel_right".to_owned(), "advance_to_title".into(), "correction".into()]).collect(),
                ..Default::default()
            },
            Severity::Block,
            "《不动产登记暂行条例》第十九条、第二十一条：同一不动产单元的登记按受理先后顺序办理",
        ),
        rule(
            "certificate-valid",
            "权属证书有效",
            Check::CertificateValid,
            Applicability { effects: vec!["transfer_right".into(), "transfer_with_mortgage".into(), "change_right".into()], ..Default::default() },
            Severity::Block,
            "《不动产登记暂行条例实施细则》第二十二条：不动产权属证书遗失、灭失的，应当申请补发后方可办理",
        ),
        rule(
            "obligor-is-holder",
            "义务人为现权利人",
            Check::ObligorIsHolder,
            Applicability { effects: vec!["transfer_right".into(), "transfer_with_mortgage".into()], except_flows: catalogue.iter().filter(|f| f.name.contains("司法裁决") || f.name.contains("继承")).map(|f| f.code.to_owned()).collect(), ..Default::default() },
            Severity::Block,
            "《不动产登记暂行条例》第十四条：因买卖、抵押等申请登记的，应当由当事人双方共同申请；义务人须为登记簿记载的权利人",
        ),
        rule(
            "obligor-is-holder-for-mortgage",
            "抵押人为现权利人",
            Check::ObligorIsHolder,
            new_mortgage(),
            Severity::Block,
            "《不动产登记暂行条例实施细则》第六十六条：抵押人应为不动产权利人",
        ),
        rule(
            "first-registration-once",
            "首次登记唯一",
            Check::NoCurrentOfKind,
            Applicability { effects: vec!["create_right".into()], ..Default::default() },
            Severity::Block,
            "《不动产登记暂行条例实施细则》第二十四条：不动产首次登记，是指不动产权利第一次登记",
        ),
        rule(
            "shares-sum-to-one",
            "按份共有份额之和为 1",
            Check::SharesSumToOne,
            Applicability::default(),
            Severity::Block,
            "《民法典》第二百九十八条、《不动产登记暂行条例》第八条：按份共有的，登记簿记载各共有人的份额",
        ),
    ]
}
