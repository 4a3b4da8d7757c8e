//! Restriction and review rules (限制验证与审核规则) — records evaluated by a small engine.
//!
//! A rule is data: a named check from the library below ([`Check`]), which flows it applies to
//! ([`Applicability`]), a severity (block / warn / needs consent), its legal basis and its
//! validity dates. Administrators version and retire rules; the engine only evaluates. The same
//! engine runs at intake, at review and again at 登簿.

pub use bdc_core::finding::{Finding, Severity};
use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::domain::catalogue::{Basis, Effect, Flow};
use crate::domain::register::{self, attr, shares_sum_to_one, CoOwnership, RightView, Share};
use crate::domain::rights::{RightKind, RightState};

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
    /// Effects (by [`crate::domain::catalogue::Effect::code`]) the rule applies to.
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
    /// The party an online application was made by (the account's own party, or the principal
    /// an agent applies for); `None` at the counter, where staff check the applicants in person.
    pub submitter: Option<i64>,
    /// The right the application names, when the unit has several of the kind.
    pub target_right: Option<i64>,
}

fn lapsed(r: &RightView, today: NaiveDate) -> bool {
    if r.kind == RightKind::Objection && attr::flag(&r.attrs, attr::LAWSUIT) {
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
            let m = current().find(|r| r.kind == RightKind::Mortgage && attr::flag(&r.attrs, attr::NO_TRANSFER));
            match m {
                Some(m) if !m.holders.iter().all(|h| f.consents.contains(&h.party_id)) => Err("抵押合同约定禁止转让，须经抵押权人同意".into()),
                _ => Ok(()),
            }
        }
        Check::ObligorIsHolder => {
            // The same question the statutory entitlement check asks of jointly applied flows;
            // flows on another basis (夫妻析产, 继承, 司法裁决 …) have no obligor to compare.
            if f.flow.basis != Basis::Joint {
                return Ok(());
            }
            entitlement(&Facts { submitter: None, ..f.clone() })
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
                Err(format!("该单元另有 {} 件先受理的在办业务", f.other_open_cases))
            }
        }
        Check::CertificateValid => match current().find(|r| !r.kind.is_restriction() && r.certificate.is_some() && !r.certificate_valid) {
            Some(_) => Err("该单元的权属证书已作废或已挂失".into()),
            None => Ok(()),
        },
    }
}

/// Evaluates the statutory checks (always), then every rule in force on `facts.today` that
/// applies to the flow.
pub fn evaluate(rules: &[Rule], facts: &Facts<'_>) -> Vec<Finding> {
    let mut out = statutory(facts);
    out.extend(configured(rules, facts));
    out
}

/// Code of the statutory entitlement check (申请主体适格), in findings and review reports.
pub const ENTITLEMENT: &str = "applicant-entitled";
/// Code of the statutory check that a cancelled title leaves nothing hanging.
pub const CANCELLATION: &str = "cancellation-unencumbered";

/// The checks the law itself makes, which no administrator can retire: who may apply
/// ([`entitlement`]) and that a title is not cancelled under a restriction.
pub fn statutory(facts: &Facts<'_>) -> Vec<Finding> {
    let finding = |code: &str, name: &str, result: Result<(), String>, basis: &str| Finding {
        rule_code: code.into(),
        rule_version: 1,
        rule_name: name.into(),
        severity: Severity::Block,
        passed: result.is_ok(),
        message: result.err().unwrap_or_else(|| "通过".into()),
        legal_basis: basis.into(),
    };
    let mut out = vec![finding(ENTITLEMENT, "申请主体适格", entitlement(facts), facts.flow.basis.law())];
    if facts.flow.effect == Effect::CancelRight && register::is_title_kind(facts.flow.right_kind) {
        out.push(finding(CANCELLATION, "注销不得遗留限制", unencumbered(facts), "《不动产登记暂行条例》第二十二条；《民法典》第四百零六条：抵押、查封、预告、异议等未消灭的，不动产权利不予注销"));
    }
    out
}

fn unencumbered(f: &Facts<'_>) -> Result<(), String> {
    let hit = f.unit.iter().find(|r| r.state == RightState::Current && register::encumbers(r.kind) && !lapsed(r, f.today));
    match hit {
        Some(r) => Err(format!("该单元存在现势的{}，须先注销或解除{}后方可注销{}", r.kind.name(), r.kind.name(), f.flow.right_kind.name())),
        None => Ok(()),
    }
}

fn role_set(f: &Facts<'_>, role: &str) -> BTreeSet<i64> {
    f.applicants.iter().filter(|a| a.role == role).map(|a| a.party_id).collect()
}

fn holders_of(r: &RightView) -> BTreeSet<i64> {
    r.holders.iter().map(|h| h.party_id).collect()
}

/// 申请主体: are the applicants of the case those the flow's [`Basis`] names, as the register
/// records them? `Err` says, in Chinese and naming the law, who may apply instead.
pub fn entitlement(f: &Facts<'_>) -> Result<(), String> {
    let basis = f.flow.basis;
    let law = basis.law();
    let kind = f.flow.right_kind;
    let rh = role_set(f, "right_holder");
    let ob = role_set(f, "obligor");
    let ag = role_set(f, "agent");
    let refuse = |msg: String| Err(format!("{msg}（依据：{law}）"));
    if let Some(sub) = f.submitter {
        // Online, the account applies for itself (or its principal): never as a third party.
        if !f.applicants.iter().any(|a| a.party_id == sub && a.role != "agent") {
            return refuse("在线申请人须为本业务的权利人或义务人本人（或其委托人）".into());
        }
    }
    let acting: Vec<i64> = match basis {
        Basis::Assignment => ob.iter().copied().collect(),
        Basis::Court | Basis::Authority => ag.iter().copied().collect(),
        _ => rh.iter().copied().collect(),
    };
    // The right the flow acts on, as 登簿 would pick it.
    let target = || -> Result<&RightView, String> {
        let found = match f.flow.effect {
            Effect::AdvanceToTitle => {
                let notices: Vec<&RightView> =
                    f.unit.iter().filter(|r| r.kind == RightKind::AdvanceNotice && r.state == RightState::Current && !register::advance_kind::is_mortgage(r.attr(attr::ADVANCE_KIND))).collect();
                match notices.as_slice() {
                    [one] => Ok(*one),
                    [] => Err("该单元没有现势的预告登记（买卖），无法办理预告转本".to_owned()),
                    _ => notices.iter().find(|r| holders_of(r) == rh).copied().ok_or_else(|| "该单元有多项预告登记，申请人不是其中任何一项的权利人".to_owned()),
                }
            }
            Effect::ChangeRestriction | Effect::ReleaseRestriction => register::acted_on(f.unit, kind, f.target_right, &acting).map_err(|e| e.to_string()),
            Effect::CreateRight | Effect::CreateRestriction => register::the_title(f.unit).ok_or_else(|| "该单元没有现势的不动产权利，无从核对义务人".to_owned()),
            _ => register::acted_on(f.unit, kind, f.target_right, &acting).map_err(|e| e.to_string()),
        };
        found.map_err(|e| format!("{e}（依据：{law}）"))
    };
    match basis {
        Basis::SoleNewHolder | Basis::InterestedParty | Basis::Judgment | Basis::Succession => Ok(()),
        Basis::Joint => {
            let presale_notice = f.flow.effect == Effect::CreateRestriction && kind == RightKind::AdvanceNotice && register::the_title(f.unit).is_none();
            if presale_notice {
                // 预购商品房: the house has no title yet; the developer's sale is checked by the
                // 网签备案 contract at review.
                return Ok(());
            }
            let t = target()?;
            if ob == holders_of(t) {
                Ok(())
            } else {
                refuse(format!("义务人与登记簿记载的{}权利人不一致：须由登记簿记载的权利人作为义务人共同申请", t.kind.name()))
            }
        }
        Basis::Holder | Basis::OneHolder => {
            let t = target()?;
            let holders = holders_of(t);
            let ok = if basis == Basis::OneHolder { rh.len() == 1 && rh.is_subset(&holders) } else { rh == holders };
            if !ok {
                let who = match t.kind {
                    RightKind::Mortgage => "抵押权人",
                    RightKind::AdvanceNotice => "预告登记权利人",
                    RightKind::Objection => "异议申请人",
                    _ => "权利人",
                };
                let whole = if basis == Basis::OneHolder { "姓名或名称变更的权利人本人" } else { "登记簿记载的全部" };
                return refuse(format!("申请人不是该{}的{who}：{}只能由{whole}{who}申请", t.kind.name(), f.flow.name));
            }
            if !ob.is_empty() && !register::is_title_kind(t.kind) {
                if let Some(title) = register::the_title(f.unit) {
                    if ob != holders_of(title) {
                        return refuse(format!("义务人与登记簿记载的{}权利人不一致", title.kind.name()));
                    }
                }
            }
            Ok(())
        }
        Basis::Assignment => {
            let t = target()?;
            if ob == holders_of(t) {
                Ok(())
            } else {
                refuse(format!("转让人（义务人）不是该{}的权利人：{}须由登记簿记载的权利人与受让人共同申请", t.kind.name(), f.flow.name))
            }
        }
        Basis::Division => {
            let t = target()?;
            let holders = holders_of(t);
            let applying: BTreeSet<i64> = rh.union(&ob).copied().collect();
            if holders.is_subset(&applying) && applying.is_subset(&holders) {
                Ok(())
            } else {
                refuse("夫妻析产须由登记簿记载的全体共有人共同申请，取得不动产的一方须为现共有人之一".into())
            }
        }
        Basis::Court | Basis::Authority => {
            if !matches!(f.flow.effect, Effect::ChangeRestriction | Effect::ReleaseRestriction) {
                return Ok(());
            }
            let t = target()?;
            if ag == holders_of(t) {
                Ok(())
            } else if basis == Basis::Court {
                refuse("续封、解封只能由作出该查封的人民法院嘱托办理".into())
            } else {
                refuse("解锁只能由申请锁定的机关办理".into())
            }
        }
        Basis::ExOfficio => {
            if f.submitter.is_some() {
                return refuse("依职权登记只能由登记机构办理，不受理在线申请".into());
            }
            let t = target()?;
            if rh == holders_of(t) {
                Ok(())
            } else {
                refuse("依职权更正须载明登记簿记载的权利人（通知对象）".into())
            }
        }
    }
}

/// Evaluates every configured rule in force on `facts.today` that applies to the flow.
pub fn configured(rules: &[Rule], facts: &Facts<'_>) -> Vec<Finding> {
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
    let disposal = vec!["transfer_right".to_owned(), "transfer_with_mortgage".into(), "change_right".into(), "cancel_right".into()];
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
            Applicability { effects: disposal.clone().into_iter().chain(["cancel_right".to_owned(), "advance_to_title".into(), "correction".into()]).collect(), ..Default::default() },
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
            Applicability {
                effects: vec!["transfer_right".into(), "transfer_with_mortgage".into()],
                except_flows: catalogue.iter().filter(|f| f.name.contains("司法裁决") || f.name.contains("继承")).map(|f| f.code.to_owned()).collect(),
                ..Default::default()
            },
            Severity::Block,
            "《不动产登记暂行条例》第十四条：因买卖、抵押等申请登记的，应当由当事人双方共同申请；义务人须为登记簿记载的权利人",
        ),
        rule("obligor-is-holder-for-mortgage", "抵押人为现权利人", Check::ObligorIsHolder, new_mortgage(), Severity::Block, "《不动产登记暂行条例实施细则》第六十六条：抵押人应为不动产权利人"),
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
