//! What a registration (登簿) does to the register — pure planning, no I/O.
//!
//! A case asks for a change ([`ChangeRequest`]); its flow's [`Effect`] and the unit's current
//! rights decide the [`Planned`] steps: rights created (现势), rights made historic (历史) or
//! ended (终止), certificates issued or voided. The store applies the plan and the journal
//! records it, so this module is the single place that knows the register's semantics.

use std::collections::BTreeMap;

use crate::catalogue::Effect;
use crate::rights::{RightKind, RightState};

/// 共有方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoOwnership {
    /// 0 单独所有
    Sole,
    /// 1 共同共有
    Joint,
    /// 2 按份共有
    Shares,
    /// 3 其他
    Other,
}

impl CoOwnership {
    pub const fn code(self) -> &'static str {
        match self {
            CoOwnership::Sole => "0",
            CoOwnership::Joint => "1",
            CoOwnership::Shares => "2",
            CoOwnership::Other => "3",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        [CoOwnership::Sole, CoOwnership::Joint, CoOwnership::Shares, CoOwnership::Other].into_iter().find(|x| x.code() == c)
    }
    pub const fn name(self) -> &'static str {
        match self {
            CoOwnership::Sole => "单独所有",
            CoOwnership::Joint => "共同共有",
            CoOwnership::Shares => "按份共有",
            CoOwnership::Other => "其他",
        }
    }
}

/// A share of a co-owned right as an exact fraction (份额), e.g. `1/3`. Decimal shares would not
/// sum to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub num: u64,
    pub den: u64,
}

impl Share {
    pub const WHOLE: Share = Share { num: 1, den: 1 };

    /// Parses `1/3`, `1`, or a decimal like `0.25`.
    pub fn parse(s: &str) -> Option<Share> {
        let s = s.trim();
        let share = if let Some((a, b)) = s.split_once('/') {
            Share { num: a.trim().parse().ok()?, den: b.trim().parse().ok()? }
        } else if let Some((int, frac)) = s.split_once('.') {
            if frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let den = 10u64.pow(u32::try_from(frac.len()).ok()?);
            Share { num: int.parse::<u64>().ok()? * den + frac.parse::<u64>().ok()?, den }
        } else {
            Share { num: s.parse().ok()?, den: 1 }
        };
        (share.den > 0 && share.num > 0 && share.num <= share.den).then(|| share.reduced())
    }

    fn reduced(self) -> Share {
        let g = gcd(self.num, self.den);
        Share { num: self.num / g, den: self.den / g }
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a.max(1)
    } else {
        gcd(b, a % b)
    }
}

/// Do the shares sum to exactly one? (按份共有份额之和须为 1)
pub fn shares_sum_to_one(shares: &[Share]) -> bool {
    // Sum as a fraction with u128 to avoid overflow.
    let (mut n, mut d): (u128, u128) = (0, 1);
    for s in shares {
        n = n * u128::from(s.den) + u128::from(s.num) * d;
        d *= u128::from(s.den);
        let g = {
            let (mut a, mut b) = (n, d);
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a.max(1)
        };
        n /= g;
        d /= g;
    }
    n == d
}

/// A holder of a right (权利人) with the share held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    pub party_id: i64,
    pub share: Share,
}

/// Kind-specific particulars of a right, by name (金额, 顺位, 期限, 查封机关 …). Kept as text
/// so new kinds need no schema change; [`attr`] names the well-known ones.
pub type Attributes = BTreeMap<String, String>;

/// Names of well-known attributes.
pub mod attr {
    /// 被担保主债权数额 / 最高债权额, in yuan.
    pub const AMOUNT: &str = "amount";
    /// 抵押方式: 1 一般抵押, 2 最高额抵押.
    pub const MORTGAGE_METHOD: &str = "mortgage_method";
    /// 抵押顺位.
    pub const RANK: &str = "rank";
    /// 债务履行期限 / 查封期限 / 使用期限: start and end dates (YYYY-MM-DD).
    pub const TERM_START: &str = "term_start";
    pub const TERM_END: &str = "term_end";
    /// 约定禁止或限制转让抵押不动产 (民法典 第406条): "true" when agreed.
    pub const NO_TRANSFER: &str = "no_transfer";
    /// 预告登记种类 1–4.
    pub const ADVANCE_KIND: &str = "advance_kind";
    /// The date after which an advance notice or objection has lapsed (YYYY-MM-DD).
    pub const LAPSES_ON: &str = "lapses_on";
    /// 异议: "true" once a lawsuit is filed, so it does not lapse.
    pub const LAWSUIT: &str = "lawsuit_filed";
    /// 查封类型 1 查封, 2 轮候查封, 3 预查封, 4 轮候预查封.
    pub const SEIZURE_KIND: &str = "seizure_kind";
    /// Position in the waiting list (轮候顺序), 1 = first to become active.
    pub const QUEUE: &str = "queue";
    /// 查封机关, 查封文号.
    pub const COURT: &str = "court";
    pub const COURT_CASE: &str = "court_case";
    /// 送达时间 of the court's assistance notice (`yyyy-MM-ddTHH:mm:ss`): the waiting list is
    /// ordered by it (法发〔2004〕5号 第20条).
    pub const DELIVERED_AT: &str = "delivered_at";
    /// 法院查控请求单号, for seizures that came through the court network.
    pub const COURT_REQUEST: &str = "court_request";
    /// 附记.
    pub const NOTE: &str = "note";
}

/// A right or restriction currently on the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightView {
    pub id: i64,
    pub kind: RightKind,
    pub state: RightState,
    pub co_ownership: CoOwnership,
    pub holders: Vec<Holding>,
    pub attrs: Attributes,
    pub certificate: Option<String>,
    pub certificate_valid: bool,
}

impl RightView {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
}

/// What the applicant asks the register to record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeRequest {
    /// New holders: buyers, mortgagees, notice holders, the court for a seizure …
    pub holders: Vec<Holding>,
    pub co_ownership: Option<CoOwnership>,
    pub attrs: Attributes,
    /// The right or restriction acted on, when the unit has several of the kind.
    pub target_right: Option<i64>,
    /// For 转移抵押合并 and 双预告转本: the mortgagees of the new mortgage.
    pub mortgagees: Vec<Holding>,
    /// Right kind for 预告转本 (the title the notice becomes).
    pub title_kind: Option<RightKind>,
}

/// Which certificate a new right receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateNeed {
    /// 不动产权证书.
    Title,
    /// 不动产登记证明.
    Proof,
    None,
}

/// One step of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// A new current right or restriction.
    Create {
        kind: RightKind,
        co_ownership: CoOwnership,
        holders: Vec<Holding>,
        attrs: Attributes,
        certificate: CertificateNeed,
        /// The right this one continues (transfer, change, promotion from the waiting list).
        predecessor: Option<i64>,
    },
    /// A current right becomes historic (superseded) or ended (cancelled, released).
    End { right_id: i64, to: RightState },
    /// The right's certificate is voided and a new one issued (换证, 遗失补证).
    Recertify { right_id: i64, certificate: CertificateNeed },
}

/// Why a registration cannot be planned.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("该单元没有现势的{0}，无法办理")]
    NoCurrent(&'static str),
    #[error("该单元有多项现势的{0}，请指定要办理的权利")]
    Ambiguous(&'static str),
    #[error("指定的权利不是该单元现势的{0}")]
    BadTarget(&'static str),
    #[error("缺少权利人")]
    NoHolders,
    #[error("按份共有的份额之和必须等于 1")]
    SharesNotOne,
}

fn current(unit: &[RightView], kind: RightKind, target: Option<i64>) -> Result<&RightView, PlanError> {
    let matching: Vec<&RightView> = unit.iter().filter(|r| r.kind == kind && r.state == RightState::Current).collect();
    match target {
        Some(id) => matching.into_iter().find(|r| r.id == id).ok_or(PlanError::BadTarget(kind.name())),
        None => match matching.as_slice() {
            [] => Err(PlanError::NoCurrent(kind.name())),
            [one] => Ok(one),
            _ => Err(PlanError::Ambiguous(kind.name())),
        },
    }
}

/// The current title right of the unit (the non-restriction right), for flows that act on it.
fn title(unit: &[RightView], target: Option<i64>) -> Result<&RightView, PlanError> {
    let titles: Vec<&RightView> = unit.iter().filter(|r| !r.kind.is_restriction() && r.state == RightState::Current).collect();
    match target {
        Some(id) => titles.into_iter().find(|r| r.id == id).ok_or(PlanError::BadTarget("权利")),
        None => match titles.as_slice() {
            [] => Err(PlanError::NoCurrent("权利")),
            [one] => Ok(one),
            _ => Err(PlanError::Ambiguous("权利")),
        },
    }
}

fn checked_holders(req_holders: &[Holding], co: CoOwnership) -> Result<Vec<Holding>, PlanError> {
    if req_holders.is_empty() {
        return Err(PlanError::NoHolders);
    }
    if co == CoOwnership::Shares && !shares_sum_to_one(&req_holders.iter().map(|h| h.share).collect::<Vec<_>>()) {
        return Err(PlanError::SharesNotOne);
    }
    Ok(req_holders.to_vec())
}

fn default_co(holders: &[Holding]) -> CoOwnership {
    if holders.len() > 1 {
        CoOwnership::Joint
    } else {
        CoOwnership::Sole
    }
}

fn certificate_for(kind: RightKind) -> CertificateNeed {
    match kind {
        RightKind::Mortgage | RightKind::AdvanceNotice | RightKind::Objection | RightKind::Easement => CertificateNeed::Proof,
        RightKind::Seizure | RightKind::Lock => CertificateNeed::None,
        _ => CertificateNeed::Title,
    }
}

fn merged(old: &Attributes, new: &Attributes) -> Attributes {
    let mut a = old.clone();
    a.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())));
    a
}

/// Plans what registering `effect` for `kind` does to a unit with current rights `unit`.
pub fn plan(effect: Effect, kind: RightKind, unit: &[RightView], req: &ChangeRequest) -> Result<Vec<Planned>, PlanError> {
    let co = |holders: &[Holding]| req.co_ownership.unwrap_or_else(|| default_co(holders));
    match effect {
        Effect::CreateRight => {
            let c = co(&req.holders);
            let mut steps = vec![Planned::Create {
                kind,
                co_ownership: c,
                holders: checked_holders(&req.holders, c)?,
                attrs: req.attrs.clone(),
                certificate: certificate_for(kind),
                predecessor: None,
            }];
            // A 预查封 on a unit without registered title becomes a 查封 (轮候预查封 a 轮候查封)
            // when the title is registered.
            for pre in unit.iter().filter(|r| r.kind == RightKind::Seizure && r.state == RightState::Current) {
                let to = match pre.attr(attr::SEIZURE_KIND) {
                    Some("3") => "1",
                    Some("4") => "2",
                    _ => continue,
                };
                let mut attrs = pre.attrs.clone();
                attrs.insert(attr::SEIZURE_KIND.into(), to.into());
                steps.push(Planned::End { right_id: pre.id, to: RightState::Historic });
                steps.push(Planned::Create {
                    kind: RightKind::Seizure,
                    co_ownership: pre.co_ownership,
                    holders: pre.holders.clone(),
                    attrs,
                    certificate: CertificateNeed::None,
                    predecessor: Some(pre.id),
                });
            }
            Ok(steps)
        }
        Effect::TransferRight | Effect::TransferWithMortgage => {
            let old = current(unit, kind, req.target_right).or_else(|_| title(unit, req.target_right))?;
            let c = co(&req.holders);
            let mut steps = vec![
                Planned::End { right_id: old.id, to: RightState::Historic },
                Planned::Create {
                    kind: old.kind,
                    co_ownership: c,
                    holders: checked_holders(&req.holders, c)?,
                    attrs: merged(&old.attrs, &req.attrs),
                    certificate: certificate_for(old.kind),
                    predecessor: Some(old.id),
                },
            ];
            if effect == Effect::TransferWithMortgage {
                steps.push(new_mortgage(unit, &req.mortgagees, &req.attrs)?);
            }
            Ok(steps)
        }
        Effect::ChangeRight | Effect::Correction | Effect::ChangeRestriction => {
            let old = if kind.is_restriction() { current(unit, kind, req.target_right)? } else { title(unit, req.target_right)? };
            let holders = if req.holders.is_empty() { old.holders.clone() } else { req.holders.clone() };
            let c = req.co_ownership.unwrap_or(old.co_ownership);
            Ok(vec![
                Planned::End { right_id: old.id, to: RightState::Historic },
                Planned::Create {
                    kind: old.kind,
                    co_ownership: c,
                    holders: checked_holders(&holders, c)?,
                    attrs: merged(&old.attrs, &req.attrs),
                    certificate: certificate_for(old.kind),
                    predecessor: Some(old.id),
                },
            ])
        }
        Effect::CancelRight => {
            let old = if kind.is_restriction() { current(unit, kind, req.target_right)? } else { title(unit, req.target_right)? };
            Ok(vec![Planned::End { right_id: old.id, to: RightState::Ended }])
        }
        Effect::CreateRestriction => {
            if kind == RightKind::Mortgage {
                return Ok(vec![new_mortgage(unit, &req.holders, &req.attrs)?]);
            }
            if kind == RightKind::Seizure {
                return new_seizure(unit, &req.holders, req.co_ownership, &req.attrs);
            }
            let c = co(&req.holders);
            Ok(vec![Planned::Create {
                kind,
                co_ownership: c,
                holders: checked_holders(&req.holders, c)?,
                attrs: req.attrs.clone(),
                certificate: certificate_for(kind),
                predecessor: None,
            }])
        }
        Effect::ReleaseRestriction => {
            let old = current(unit, kind, req.target_right)?;
            let mut steps = vec![Planned::End { right_id: old.id, to: RightState::Ended }];
            if kind == RightKind::Seizure && old.attr(attr::QUEUE).is_some() {
                // A waiting seizure released: those behind it move up one place.
                let gone = queue_of(old);
                for w in waiting_seizures(unit).into_iter().filter(|w| w.id != old.id && queue_of(w) > gone) {
                    steps.extend(requeue(w, queue_of(w) - 1));
                }
            }
            if kind == RightKind::Seizure && old.attr(attr::QUEUE).is_none() {
                // Releasing the active seizure makes the earliest waiting one active; the rest move up.
                let mut waiting: Vec<&RightView> = unit
                    .iter()
                    .filter(|r| r.kind == RightKind::Seizure && r.state == RightState::Current && r.id != old.id && r.attr(attr::QUEUE).is_some())
                    .collect();
                waiting.sort_by_key(|r| r.attr(attr::QUEUE).and_then(|q| q.parse::<u32>().ok()).unwrap_or(u32::MAX));
                for (i, w) in waiting.iter().enumerate() {
                    let mut attrs = w.attrs.clone();
                    if i == 0 {
                        attrs.remove(attr::QUEUE);
                        let pre = w.attr(attr::SEIZURE_KIND) == Some("4");
                        attrs.insert(attr::SEIZURE_KIND.into(), if pre { "3" } else { "1" }.into());
                    } else {
                        attrs.insert(attr::QUEUE.into(), i.to_string());
                    }
                    steps.push(Planned::End { right_id: w.id, to: RightState::Historic });
                    steps.push(Planned::Create {
                        kind: RightKind::Seizure,
                        co_ownership: w.co_ownership,
                        holders: w.holders.clone(),
                        attrs,
                        certificate: CertificateNeed::None,
                        predecessor: Some(w.id),
                    });
                }
            }
            Ok(steps)
        }
        Effect::AdvanceToTitle => {
            let notice = current(unit, RightKind::AdvanceNotice, req.target_right)?;
            let holders = if req.holders.is_empty() { notice.holders.clone() } else { req.holders.clone() };
            let c = req.co_ownership.unwrap_or(notice.co_ownership);
            let title_kind = req.title_kind.unwrap_or(RightKind::StateLandAndHouse);
            let mut steps = vec![
                Planned::End { right_id: notice.id, to: RightState::Ended },
                Planned::Create {
                    kind: title_kind,
                    co_ownership: c,
                    holders: checked_holders(&holders, c)?,
                    attrs: req.attrs.clone(),
                    certificate: CertificateNeed::Title,
                    predecessor: Some(notice.id),
                },
            ];
            if !req.mortgagees.is_empty() {
                steps.push(new_mortgage(unit, &req.mortgagees, &req.attrs)?);
            }
            Ok(steps)
        }
        Effect::ReplaceCertificate | Effect::ReissueCertificate => {
            let r = if kind.is_restriction() { current(unit, kind, req.target_right)? } else { title(unit, req.target_right)? };
            Ok(vec![Planned::Recertify { right_id: r.id, certificate: certificate_for(r.kind) }])
        }
    }
}

fn queue_of(r: &RightView) -> u32 {
    r.attr(attr::QUEUE).and_then(|q| q.parse::<u32>().ok()).unwrap_or(u32::MAX)
}

/// The waiting seizures of a unit (轮候查封), in queue order.
fn waiting_seizures(unit: &[RightView]) -> Vec<&RightView> {
    let mut w: Vec<&RightView> = unit.iter().filter(|r| r.kind == RightKind::Seizure && r.state == RightState::Current && r.attr(attr::QUEUE).is_some()).collect();
    w.sort_by_key(|r| queue_of(r));
    w
}

/// Moves a waiting seizure to another place in the queue: in the register that is the old entry
/// made historic and a successor with the new place.
fn requeue(w: &RightView, place: u32) -> [Planned; 2] {
    let mut attrs = w.attrs.clone();
    attrs.insert(attr::QUEUE.into(), place.to_string());
    [
        Planned::End { right_id: w.id, to: RightState::Historic },
        Planned::Create { kind: RightKind::Seizure, co_ownership: w.co_ownership, holders: w.holders.clone(), attrs, certificate: CertificateNeed::None, predecessor: Some(w.id) },
    ]
}

/// A new seizure. With no current seizure it is active (查封, or 预查封 when asked); otherwise it
/// waits (轮候). Its place in the queue follows the delivery time of the court's notice
/// (`delivered_at`, 法发〔2004〕5号 第20条): a notice delivered before seizures already waiting —
/// because it reached the registry later — goes ahead of them, and they move back one place.
/// Waiting seizures with no recorded delivery time count as delivered earlier. An active
/// seizure is never displaced: it took effect when it was registered.
fn new_seizure(unit: &[RightView], holders: &[Holding], co: Option<CoOwnership>, requested: &Attributes) -> Result<Vec<Planned>, PlanError> {
    let mut attrs = requested.clone();
    let active = unit.iter().any(|r| r.kind == RightKind::Seizure && r.state == RightState::Current && r.attr(attr::QUEUE).is_none());
    let waiting = waiting_seizures(unit);
    let pre = matches!(attrs.get(attr::SEIZURE_KIND).map(String::as_str), Some("3" | "4"));
    let mut steps = Vec::new();
    if active || !waiting.is_empty() {
        let delivered = attrs.get(attr::DELIVERED_AT).cloned();
        let place = match &delivered {
            Some(d) => 1 + waiting.iter().filter(|w| w.attr(attr::DELIVERED_AT).is_none_or(|x| x <= d.as_str())).count(),
            None => waiting.len() + 1,
        };
        let place = u32::try_from(place).unwrap_or(u32::MAX);
        for w in waiting.iter().filter(|w| queue_of(w) >= place) {
            steps.extend(requeue(w, queue_of(w).saturating_add(1)));
        }
        attrs.insert(attr::SEIZURE_KIND.into(), if pre { "4" } else { "2" }.into());
        attrs.insert(attr::QUEUE.into(), place.to_string());
    } else {
        attrs.insert(attr::SEIZURE_KIND.into(), if pre { "3" } else { "1" }.into());
        attrs.remove(attr::QUEUE);
    }
    let c = co.unwrap_or_else(|| default_co(holders));
    steps.insert(0, Planned::Create { kind: RightKind::Seizure, co_ownership: c, holders: checked_holders(holders, c)?, attrs, certificate: CertificateNeed::None, predecessor: None });
    Ok(steps)
}

fn new_mortgage(unit: &[RightView], mortgagees: &[Holding], attrs: &Attributes) -> Result<Planned, PlanError> {
    let rank = unit.iter().filter(|r| r.kind == RightKind::Mortgage && r.state == RightState::Current).count() + 1;
    let mut attrs = attrs.clone();
    attrs.insert(attr::RANK.into(), rank.to_string());
    attrs.entry(attr::MORTGAGE_METHOD.into()).or_insert_with(|| "1".into());
    let c = default_co(mortgagees);
    Ok(Planned::Create {
        kind: RightKind::Mortgage,
        co_ownership: c,
        holders: checked_holders(mortgagees, c)?,
        attrs,
        certificate: CertificateNeed::Proof,
        predecessor: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(id: i64) -> Holding {
        Holding { party_id: id, share: Share::WHOLE }
    }

    fn right(id: i64, kind: RightKind, holders: Vec<Holding>, attrs: &[(&str, &str)]) -> RightView {
        RightView {
            id,
            kind,
            state: RightState::Current,
            co_ownership: CoOwnership::Sole,
            holders,
            attrs: attrs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            certificate: None,
            certificate_valid: true,
        }
    }

    #[test]
    fn shares_are_exact_fractions() {
        let s = |x| Share::parse(x).unwrap();
        assert!(shares_sum_to_one(&[s("1/3"), s("1/3"), s("1/3")]));
        assert!(shares_sum_to_one(&[s("0.5"), s("1/2")]));
        assert!(!shares_sum_to_one(&[s("0.33"), s("0.33"), s("0.34"), s("0.01")]));
        assert!(!shares_sum_to_one(&[s("1/2")]));
        assert_eq!(Share::parse("2/4").unwrap().to_string(), "1/2");
        assert_eq!(Share::parse("3/2"), None);
        assert_eq!(Share::parse("0"), None);
        assert_eq!(Share::parse("abc"), None);
    }

    #[test]
    fn transfer_makes_the_old_right_historic_and_the_buyer_current() {
        let unit = vec![right(1, RightKind::StateLandAndHouse, vec![h(10)], &[("term_end", "2080-01-01")])];
        let req = ChangeRequest { holders: vec![h(20)], ..Default::default() };
        let steps = plan(Effect::TransferRight, RightKind::StateLandAndHouse, &unit, &req).unwrap();
        assert_eq!(steps[0], Planned::End { right_id: 1, to: RightState::Historic });
        match &steps[1] {
            Planned::Create { holders, attrs, predecessor, certificate, .. } => {
                assert_eq!(holders, &vec![h(20)]);
                assert_eq!(attrs.get("term_end").map(String::as_str), Some("2080-01-01"));
                assert_eq!(*predecessor, Some(1));
                assert_eq!(*certificate, CertificateNeed::Title);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mortgages_take_the_next_rank() {
        let unit = vec![right(1, RightKind::StateLandAndHouse, vec![h(10)], &[]), right(2, RightKind::Mortgage, vec![h(30)], &[("rank", "1")])];
        let req = ChangeRequest { holders: vec![h(31)], ..Default::default() };
        let steps = plan(Effect::CreateRestriction, RightKind::Mortgage, &unit, &req).unwrap();
        assert!(matches!(&steps[0], Planned::Create { attrs, certificate: CertificateNeed::Proof, .. } if attrs["rank"] == "2"));
    }

    #[test]
    fn a_second_seizure_waits_and_release_promotes_the_earliest() {
        let court = |id| vec![h(id)];
        let unit = vec![right(1, RightKind::Seizure, court(40), &[("seizure_kind", "1")])];
        let steps = plan(Effect::CreateRestriction, RightKind::Seizure, &unit, &ChangeRequest { holders: court(41), ..Default::default() }).unwrap();
        assert!(matches!(&steps[0], Planned::Create { attrs, .. } if attrs["seizure_kind"] == "2" && attrs["queue"] == "1"));
        let unit = vec![
            right(1, RightKind::Seizure, court(40), &[("seizure_kind", "1")]),
            right(2, RightKind::Seizure, court(41), &[("seizure_kind", "2"), ("queue", "1")]),
            right(3, RightKind::Seizure, court(42), &[("seizure_kind", "2"), ("queue", "2")]),
        ];
        let steps = plan(Effect::ReleaseRestriction, RightKind::Seizure, &unit, &ChangeRequest { target_right: Some(1), ..Default::default() }).unwrap();
        assert_eq!(steps[0], Planned::End { right_id: 1, to: RightState::Ended });
        assert!(matches!(&steps[2], Planned::Create { attrs, predecessor: Some(2), .. } if attrs["seizure_kind"] == "1" && !attrs.contains_key("queue")));
        assert!(matches!(&steps[4], Planned::Create { attrs, predecessor: Some(3), .. } if attrs["queue"] == "1"));
    }

    #[test]
    fn the_waiting_list_follows_delivery_time_and_closes_up_when_one_is_released() {
        let court = |id| vec![h(id)];
        let unit = vec![
            right(1, RightKind::Seizure, court(40), &[("seizure_kind", "1"), ("delivered_at", "2026-11-25T09:00:00")]),
            right(2, RightKind::Seizure, court(41), &[("seizure_kind", "2"), ("queue", "1"), ("delivered_at", "2026-11-25T09:10:00")]),
            right(3, RightKind::Seizure, court(42), &[("seizure_kind", "2"), ("queue", "2"), ("delivered_at", "2026-11-25T09:30:00")]),
        ];
        // Delivered at 09:20 but arriving last: it waits second, and the 09:30 one moves back.
        let attrs: Attributes = [("delivered_at".to_owned(), "2026-11-25T09:20:00".to_owned())].into();
        let steps = plan(Effect::CreateRestriction, RightKind::Seizure, &unit, &ChangeRequest { holders: court(43), attrs, ..Default::default() }).unwrap();
        assert!(matches!(&steps[0], Planned::Create { attrs, predecessor: None, .. } if attrs["queue"] == "2" && attrs["seizure_kind"] == "2"), "{steps:?}");
        assert_eq!(steps[1], Planned::End { right_id: 3, to: RightState::Historic });
        assert!(matches!(&steps[2], Planned::Create { attrs, predecessor: Some(3), .. } if attrs["queue"] == "3"));
        assert_eq!(steps.len(), 3, "the 09:10 seizure keeps its place");
        // Delivered before the active one: it cannot displace it, it waits first.
        let attrs: Attributes = [("delivered_at".to_owned(), "2026-11-25T08:00:00".to_owned())].into();
        let steps = plan(Effect::CreateRestriction, RightKind::Seizure, &unit, &ChangeRequest { holders: court(43), attrs, ..Default::default() }).unwrap();
        assert!(matches!(&steps[0], Planned::Create { attrs, .. } if attrs["queue"] == "1"));
        assert_eq!(steps.len(), 5);
        // Releasing the first waiting seizure moves the second up.
        let steps = plan(Effect::ReleaseRestriction, RightKind::Seizure, &unit, &ChangeRequest { target_right: Some(2), ..Default::default() }).unwrap();
        assert_eq!(steps[0], Planned::End { right_id: 2, to: RightState::Ended });
        assert!(matches!(&steps[2], Planned::Create { attrs, predecessor: Some(3), .. } if attrs["queue"] == "1" && attrs["seizure_kind"] == "2"));
        assert_eq!(steps.len(), 3);
    }

    #[test]
    fn a_pre_seizure_becomes_a_seizure_when_the_title_is_registered() {
        let unit = vec![
            right(5, RightKind::Seizure, vec![h(40)], &[("seizure_kind", "3")]),
            right(6, RightKind::Seizure, vec![h(41)], &[("seizure_kind", "4"), ("queue", "1")]),
        ];
        let steps = plan(Effect::CreateRight, RightKind::StateLandAndHouse, &unit, &ChangeRequest { holders: vec![h(1)], ..Default::default() }).unwrap();
        assert_eq!(steps.len(), 5);
        assert!(matches!(&steps[2], Planned::Create { attrs, predecessor: Some(5), .. } if attrs["seizure_kind"] == "1"));
        assert!(matches!(&steps[4], Planned::Create { attrs, predecessor: Some(6), .. } if attrs["seizure_kind"] == "2" && attrs["queue"] == "1"));
    }

    #[test]
    fn errors_are_precise() {
        let unit = vec![right(1, RightKind::StateLandAndHouse, vec![h(10)], &[])];
        let r = plan(Effect::ReleaseRestriction, RightKind::Mortgage, &unit, &ChangeRequest::default());
        assert_eq!(r.unwrap_err().to_string(), "该单元没有现势的抵押权，无法办理");
        let req = ChangeRequest { holders: vec![Holding { party_id: 1, share: Share::parse("1/2").unwrap() }], co_ownership: Some(CoOwnership::Shares), ..Default::default() };
        assert_eq!(plan(Effect::CreateRight, RightKind::StateLandAndHouse, &[], &req), Err(PlanError::SharesNotOne));
        assert_eq!(plan(Effect::CreateRight, RightKind::StateLandAndHouse, &[], &ChangeRequest::default()), Err(PlanError::NoHolders));
    }
}
