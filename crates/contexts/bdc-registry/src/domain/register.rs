//! What a registration (登簿) does to the register — pure planning, no I/O.
//!
//! A case asks for a change ([`ChangeRequest`]); its flow's [`Effect`] and the unit's current
//! rights decide the [`Planned`] steps: rights created (现势), rights made historic (历史) or
//! ended (终止), certificates issued or voided. The store applies the plan and the journal
//! records it, so this module is the single place that knows the register's semantics.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::domain::catalogue::Effect;
use crate::domain::rights::{RightKind, RightState};

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
/// sum to exactly one. Numerator and denominator are bounded by [`Share::MAX_DENOMINATOR`], so
/// every sum and product of the register's arithmetic fits in `u128` without overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub num: u64,
    pub den: u64,
}

impl Share {
    pub const WHOLE: Share = Share { num: 1, den: 1 };
    /// The largest denominator a share may have (after reduction): a billion parts is finer
    /// than any 份额 a register records.
    pub const MAX_DENOMINATOR: u64 = 1_000_000_000;

    /// Parses `1/3`, `1`, or a decimal like `0.25` (at most 6 decimal places). Anything else —
    /// zero, more than the whole, a denominator beyond [`Share::MAX_DENOMINATOR`], numbers too
    /// large to read — is `None`, never a wrapped or saturated value.
    pub fn parse(s: &str) -> Option<Share> {
        let s = s.trim();
        let digits = |t: &str| !t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit());
        let share = if let Some((a, b)) = s.split_once('/') {
            let (a, b) = (a.trim(), b.trim());
            if !digits(a) || !digits(b) {
                return None;
            }
            Share { num: a.parse().ok()?, den: b.parse().ok()? }
        } else if let Some((int, frac)) = s.split_once('.') {
            if !digits(int) || frac.is_empty() || frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let den = 10u64.checked_pow(u32::try_from(frac.len()).ok()?)?;
            let num = int.parse::<u64>().ok()?.checked_mul(den)?.checked_add(frac.parse::<u64>().ok()?)?;
            Share { num, den }
        } else {
            if !digits(s) {
                return None;
            }
            Share { num: s.parse().ok()?, den: 1 }
        };
        if share.den == 0 || share.num == 0 || share.num > share.den {
            return None;
        }
        let r = share.reduced();
        (r.den <= Share::MAX_DENOMINATOR).then_some(r)
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

fn gcd128(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Do the shares sum to exactly one? (按份共有份额之和须为 1) Exact, with checked arithmetic:
/// a sum that cannot be represented is not one.
pub fn shares_sum_to_one(shares: &[Share]) -> bool {
    let (mut n, mut d): (u128, u128) = (0, 1);
    for s in shares {
        // n/d + a/b = (n·b + a·d) / (d·b); d stays ≤ MAX_DENOMINATOR² after reduction by lcm.
        let (a, b) = (u128::from(s.num), u128::from(s.den));
        let l = d / gcd128(d, b) * b;
        let Some(sum) = n.checked_mul(l / d).and_then(|x| a.checked_mul(l / b).and_then(|y| x.checked_add(y))) else {
            return false;
        };
        let g = gcd128(sum, l);
        (n, d) = (sum / g, l / g);
        if n > d {
            return false;
        }
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
    /// The authorisation (授权委托) an agent applied under, by id: it belongs to the case, not to
    /// the right registered.
    pub const AUTHORISATION: &str = "authorisation";
    /// Attributes of a continued seizure (续封): the 文号, 法院查控请求单号 and 送达时间 of its latest
    /// continuation, kept beside the seizure's own 查封文号 (`court_case`), `court_request` and
    /// `delivered_at`, which a continuation never rewrites. Earlier continuations stay in the
    /// historic entries of the seizure's line.
    pub const RENEWAL_CASE: &str = "renewal_case";
    pub const RENEWAL_REQUEST: &str = "renewal_request";
    pub const RENEWAL_DELIVERED_AT: &str = "renewal_delivered_at";
    pub const RENEWAL_RULING: &str = "renewal_ruling";
    /// 查封文件: the court's ruling (裁定书) number, reported as CFWJ / JFWJ.
    pub const COURT_RULING: &str = "court_ruling";
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
    /// 最高额抵押 债权确定期间: start and end dates (YYYY-MM-DD).
    pub const CLAIM_START: &str = "claim_start";
    pub const CLAIM_END: &str = "claim_end";
    /// The day the property could first be registered (竣工验收/交付 …), a fact on the case from
    /// which an advance notice's 90 days run (民法典 第221条).
    pub const REGISTRABLE_ON: &str = "registrable_on";
    /// 需役地 — the dominant unit of an easement (不动产单元号), and on the dominant unit's own
    /// register the servient unit (供役地).
    pub const DOMINANT_UNIT: &str = "dominant_unit";
    pub const SERVIENT_UNIT: &str = "servient_unit";
    /// 地役权 用途 / 居住权 条件 as agreed.
    pub const PURPOSE: &str = "purpose";

    /// Particulars the system computes and an applicant may never type (statutory dates, the
    /// register's own bookkeeping).
    pub const COMPUTED: &[&str] = &[LAPSES_ON, QUEUE, RANK];
    /// Particulars of a mortgage (抵押权) and of a mortgage advance notice.
    pub const MORTGAGE: &[&str] = &[AMOUNT, MORTGAGE_METHOD, TERM_START, TERM_END, NO_TRANSFER, CLAIM_START, CLAIM_END, NOTE];

    /// How a yes/no particular is written in the attribute bag ([`NO_TRANSFER`], [`LAWSUIT`]).
    pub const YES: &str = "true";

    /// Whether the yes/no particular `key` is set in `attrs`.
    pub fn flag(attrs: &super::Attributes, key: &str) -> bool {
        attrs.get(key).map(String::as_str) == Some(YES)
    }
}

/// 查封类型 (CFLX, GB/T 不动产登记数据库标准): what a seizure is, as written in [`attr::SEIZURE_KIND`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeizureKind {
    /// 1 查封.
    Seizure,
    /// 2 轮候查封: waits behind an active seizure.
    Waiting,
    /// 3 预查封: on a unit without registered title (a presold house); becomes 查封 when the
    /// title is registered.
    Pre,
    /// 4 轮候预查封.
    WaitingPre,
}

impl SeizureKind {
    pub const ALL: [SeizureKind; 4] = [SeizureKind::Seizure, SeizureKind::Waiting, SeizureKind::Pre, SeizureKind::WaitingPre];

    /// The national code, as stored and reported.
    pub fn code(self) -> &'static str {
        match self {
            SeizureKind::Seizure => "1",
            SeizureKind::Waiting => "2",
            SeizureKind::Pre => "3",
            SeizureKind::WaitingPre => "4",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SeizureKind::Seizure => "查封",
            SeizureKind::Waiting => "轮候查封",
            SeizureKind::Pre => "预查封",
            SeizureKind::WaitingPre => "轮候预查封",
        }
    }

    pub fn parse(code: &str) -> Option<SeizureKind> {
        SeizureKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The kind of a seizure's attribute bag; a seizure recorded without one is a 查封.
    pub fn of(attrs: &Attributes) -> SeizureKind {
        attrs.get(attr::SEIZURE_KIND).and_then(|c| SeizureKind::parse(c)).unwrap_or(SeizureKind::Seizure)
    }

    /// 预查封 or 轮候预查封.
    pub fn is_pre(self) -> bool {
        matches!(self, SeizureKind::Pre | SeizureKind::WaitingPre)
    }

    /// The same kind waiting in the queue (轮候).
    pub fn waiting(self) -> SeizureKind {
        if self.is_pre() {
            SeizureKind::WaitingPre
        } else {
            SeizureKind::Waiting
        }
    }

    /// The same kind in effect (the queue's head).
    pub fn active(self) -> SeizureKind {
        if self.is_pre() {
            SeizureKind::Pre
        } else {
            SeizureKind::Seizure
        }
    }

    /// What a pre-seizure becomes when the unit's title is registered (预查封 → 查封); `None` for a
    /// seizure that is no pre-seizure.
    pub fn on_title(self) -> Option<SeizureKind> {
        match self {
            SeizureKind::Pre => Some(SeizureKind::Seizure),
            SeizureKind::WaitingPre => Some(SeizureKind::Waiting),
            SeizureKind::Seizure | SeizureKind::Waiting => None,
        }
    }
}

/// 预告登记种类 (STANDARDS.md): 1 预售商品房买卖, 2 其他不动产买卖, 3 预售商品房抵押权, 4 其他不动产抵押权.
pub mod advance_kind {
    pub const PRESALE_PURCHASE: &str = "1";
    pub const PURCHASE: &str = "2";
    pub const PRESALE_MORTGAGE: &str = "3";
    pub const MORTGAGE: &str = "4";

    /// Is this a notice of a mortgage (抵押权预告) rather than of a purchase?
    pub fn is_mortgage(kind: Option<&str>) -> bool {
        matches!(kind, Some(PRESALE_MORTGAGE | MORTGAGE))
    }
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
    /// New holders: buyers, mortgagees, notice holders, the court for a seizure … For a change
    /// of 共有方式 the same holders with their new shares.
    pub holders: Vec<Holding>,
    pub co_ownership: Option<CoOwnership>,
    /// Particulars of the right created or changed (never the [`attr::COMPUTED`] ones).
    pub attrs: Attributes,
    /// The right or restriction acted on, when the unit has several of the kind.
    pub target_right: Option<i64>,
    /// The parties whose right the flow acts on (the applicants the basis names: the holder
    /// releasing, the assignor): when a unit has several rights of the kind, the one they hold.
    pub acting: Vec<i64>,
    /// For flows that also register a mortgage (转移抵押合并, 双预告, 双预告转本): its mortgagees
    /// and particulars, kept apart from the title's.
    pub mortgagees: Vec<Holding>,
    pub mortgage_attrs: Attributes,
    /// The flow registers a mortgage (or mortgage advance notice) beside its main right.
    pub with_mortgage: bool,
    /// A change of restriction that passes it to new holders (抵押权转移, 预告转移).
    pub reassign: bool,
    /// Right kind for 预告转本 (the title the notice becomes).
    pub title_kind: Option<RightKind>,
    /// 坐落 change (不动产地址、坐落变更): the unit's new location.
    pub location: Option<String>,
    /// 姓名或名称变更: the holder and the new name.
    pub rename: Option<(i64, String)>,
    /// The business date of the registration, for the dates the plan computes.
    pub today: NaiveDate,
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
    /// The unit's 坐落 changes (坐落变更): the register book and the certificate show the new one.
    Relocate { location: String },
    /// A party's name changes (姓名或名称变更), versioned with the case.
    Rename { party_id: i64, name: String },
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
    #[error("登记后该单元将有两项现势的{0}：同一不动产单元同一类权利只能有一个现势权利")]
    TwoTitles(&'static str),
    #[error("{0}注销后该单元仍有现势的{1}：须先注销或解除{1}")]
    EncumberedCancellation(&'static str, &'static str),
    #[error("变更登记须载明变更的事项：申请的内容与登记簿记载一致")]
    NothingChanged,
    #[error("共有方式变更只能调整现权利人之间的共有方式和份额，不能增减权利人")]
    HoldersDiffer,
    #[error("须写明{0}")]
    Missing(&'static str),
}

/// Kinds that are the unit's title (所有权、使用权): at most one current of each kind. Easements
/// and residence rights are rights on another's property; a unit may bear several.
pub fn is_title_kind(kind: RightKind) -> bool {
    !kind.is_restriction() && !matches!(kind, RightKind::Easement | RightKind::ResidenceRight)
}

fn holder_set(r: &RightView) -> BTreeSet<i64> {
    r.holders.iter().map(|h| h.party_id).collect()
}

/// The current right of `kind` the flow acts on: the named one, else the only one, else the only
/// one the acting parties hold.
/// An easement's companion entry on the dominant unit's register (it names the servient unit)
/// is acted on only through the easement itself.
fn current<'a>(unit: &'a [RightView], kind: RightKind, target: Option<i64>, acting: &[i64]) -> Result<&'a RightView, PlanError> {
    let matching: Vec<&RightView> = unit.iter().filter(|r| r.kind == kind && r.state == RightState::Current && r.attr(attr::SERVIENT_UNIT).is_none()).collect();
    pick(matching, target, acting, kind.name())
}

fn pick<'a>(matching: Vec<&'a RightView>, target: Option<i64>, acting: &[i64], what: &'static str) -> Result<&'a RightView, PlanError> {
    match target {
        Some(id) => matching.into_iter().find(|r| r.id == id).ok_or(PlanError::BadTarget(what)),
        None => match matching.as_slice() {
            [] => Err(PlanError::NoCurrent(what)),
            [one] => Ok(one),
            _ => {
                let acting: BTreeSet<i64> = acting.iter().copied().collect();
                let held: Vec<&&RightView> = matching.iter().filter(|r| !acting.is_empty() && holder_set(r) == acting).collect();
                match held.as_slice() {
                    [one] => Ok(one),
                    _ => Err(PlanError::Ambiguous(what)),
                }
            }
        },
    }
}

/// The right a flow of `kind` acts on. For a title kind with no current right of exactly that
/// kind (换证 or 更正 listed under 房地产权 but asked for a 宅基地 house), the unit's only title.
/// Easements and residence rights are always of their own kind.
pub fn acted_on<'a>(unit: &'a [RightView], kind: RightKind, target: Option<i64>, acting: &[i64]) -> Result<&'a RightView, PlanError> {
    match current(unit, kind, target, acting) {
        Err(PlanError::NoCurrent(_)) if is_title_kind(kind) => {
            let titles: Vec<&RightView> = unit.iter().filter(|r| is_title_kind(r.kind) && r.state == RightState::Current).collect();
            pick(titles, target, acting, "权利")
        }
        other => other,
    }
}

/// The unit's current title, if it has exactly one.
pub fn the_title(unit: &[RightView]) -> Option<&RightView> {
    let titles: Vec<&RightView> = unit.iter().filter(|r| is_title_kind(r.kind) && r.state == RightState::Current).collect();
    match titles.as_slice() {
        [one] => Some(one),
        _ => None,
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
        RightKind::Mortgage | RightKind::AdvanceNotice | RightKind::Objection | RightKind::Easement | RightKind::ResidenceRight => CertificateNeed::Proof,
        RightKind::Seizure | RightKind::Lock => CertificateNeed::None,
        _ => CertificateNeed::Title,
    }
}

/// The request's particulars without those the system computes.
fn typed(attrs: &Attributes) -> Attributes {
    attrs.iter().filter(|(k, _)| !attr::COMPUTED.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn merged(old: &Attributes, new: &Attributes) -> Attributes {
    let mut a = old.clone();
    a.extend(typed(new));
    a
}

/// A transfer keeps the title's particulars (land term, use …): only a note is added. The
/// buyer's mortgage, in a combined flow, has particulars of its own.
fn transferred(old: &Attributes, req: &Attributes) -> Attributes {
    let mut a = old.clone();
    match req.get(attr::NOTE) {
        Some(n) => {
            a.insert(attr::NOTE.into(), n.clone());
        }
        None => {
            a.remove(attr::NOTE);
        }
    }
    a
}

/// 90 days from the day registration became possible (民法典 第221条).
fn advance_lapse(from: NaiveDate) -> String {
    (from + chrono::Duration::days(90)).to_string()
}

/// Plans what registering `effect` for `kind` does to a unit with current rights `unit`, then
/// checks the register's invariants on the result.
pub fn plan(effect: Effect, kind: RightKind, unit: &[RightView], req: &ChangeRequest) -> Result<Vec<Planned>, PlanError> {
    let steps = plan_steps(effect, kind, unit, req)?;
    check_invariants(unit, &steps)?;
    Ok(steps)
}

fn plan_steps(effect: Effect, kind: RightKind, unit: &[RightView], req: &ChangeRequest) -> Result<Vec<Planned>, PlanError> {
    let co = |holders: &[Holding]| req.co_ownership.unwrap_or_else(|| default_co(holders));
    match effect {
        Effect::CreateRight => {
            let c = co(&req.holders);
            let mut steps =
                vec![Planned::Create { kind, co_ownership: c, holders: checked_holders(&req.holders, c)?, attrs: typed(&req.attrs), certificate: certificate_for(kind), predecessor: None }];
            if is_title_kind(kind) {
                // A 预查封 on a unit without registered title becomes a 查封 (轮候预查封 a 轮候查封)
                // when the title is registered.
                for pre in unit.iter().filter(|r| r.kind == RightKind::Seizure && r.state == RightState::Current) {
                    let Some(to) = SeizureKind::of(&pre.attrs).on_title() else { continue };
                    let mut attrs = pre.attrs.clone();
                    attrs.insert(attr::SEIZURE_KIND.into(), to.code().into());
                    steps.extend(successor(pre, attrs));
                }
                // Advance notices on a presold house: registration has become possible today,
                // so their 90 days start now unless they already run.
                for notice in unit.iter().filter(|r| r.kind == RightKind::AdvanceNotice && r.state == RightState::Current && r.attr(attr::LAPSES_ON).is_none()) {
                    let mut attrs = notice.attrs.clone();
                    attrs.insert(attr::LAPSES_ON.into(), advance_lapse(req.today));
                    steps.extend(successor(notice, attrs));
                }
            }
            Ok(steps)
        }
        Effect::TransferRight | Effect::TransferWithMortgage => {
            let old = acted_on(unit, kind, req.target_right, &req.acting)?;
            let c = co(&req.holders);
            let mut steps = vec![
                Planned::End { right_id: old.id, to: RightState::Historic },
                Planned::Create {
                    kind: old.kind,
                    co_ownership: c,
                    holders: checked_holders(&req.holders, c)?,
                    attrs: transferred(&old.attrs, &req.attrs),
                    certificate: certificate_for(old.kind),
                    predecessor: Some(old.id),
                },
            ];
            if effect == Effect::TransferWithMortgage || req.with_mortgage {
                steps.push(new_mortgage(unit, &req.mortgagees, &req.mortgage_attrs)?);
            }
            Ok(steps)
        }
        Effect::ChangeRight | Effect::Correction | Effect::ChangeRestriction => {
            let old = if kind.is_restriction() { current(unit, kind, req.target_right, &req.acting)? } else { acted_on(unit, kind, req.target_right, &req.acting)? };
            let (holders, c) = if req.reassign {
                // 抵押权转移 / 预告转移: the assignees become the holders.
                (req.holders.clone(), req.co_ownership.unwrap_or_else(|| default_co(&req.holders)))
            } else if let Some(new_co) = req.co_ownership.filter(|c| *c != old.co_ownership || (*c == CoOwnership::Shares && !req.holders.is_empty())) {
                // 共有性质变更: the same holders, a new way of holding, new shares.
                let same: BTreeSet<i64> = req.holders.iter().map(|h| h.party_id).collect();
                if !req.holders.is_empty() && same != holder_set(old) {
                    return Err(PlanError::HoldersDiffer);
                }
                let holders = if req.holders.is_empty() || new_co != CoOwnership::Shares {
                    old.holders.iter().map(|h| Holding { party_id: h.party_id, share: if new_co == CoOwnership::Shares { h.share } else { Share::WHOLE } }).collect()
                } else {
                    req.holders.clone()
                };
                (holders, new_co)
            } else {
                // Any other change keeps the holders exactly as registered.
                (old.holders.clone(), old.co_ownership)
            };
            let attrs = merged(&old.attrs, &req.attrs);
            let relocate = req.location.as_ref().filter(|l| !l.trim().is_empty());
            let rename = req.rename.as_ref().filter(|(p, _)| old.holders.iter().any(|h| h.party_id == *p));
            if req.rename.is_some() && rename.is_none() {
                return Err(PlanError::Missing("姓名变更的权利人（须为该权利的权利人）"));
            }
            if attrs == old.attrs && c == old.co_ownership && holders == old.holders && relocate.is_none() && rename.is_none() {
                return Err(PlanError::NothingChanged);
            }
            let mut steps = Vec::new();
            if let Some(l) = relocate {
                steps.push(Planned::Relocate { location: l.trim().to_owned() });
            }
            if let Some((p, n)) = rename {
                steps.push(Planned::Rename { party_id: *p, name: n.trim().to_owned() });
            }
            steps.push(Planned::End { right_id: old.id, to: RightState::Historic });
            steps.push(Planned::Create { kind: old.kind, co_ownership: c, holders: checked_holders(&holders, c)?, attrs, certificate: certificate_for(old.kind), predecessor: Some(old.id) });
            Ok(steps)
        }
        Effect::CancelRight => {
            let old = if kind.is_restriction() { current(unit, kind, req.target_right, &req.acting)? } else { acted_on(unit, kind, req.target_right, &req.acting)? };
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
            let mut attrs = typed(&req.attrs);
            if kind == RightKind::AdvanceNotice {
                let presale = the_title(unit).is_none();
                let purchase = if presale { advance_kind::PRESALE_PURCHASE } else { advance_kind::PURCHASE };
                attrs.entry(attr::ADVANCE_KIND.into()).or_insert_with(|| purchase.into());
                // 90 days from when registration became possible: a titled unit can be
                // registered now; a presold one from the fact on the case, else from its first
                // registration (see CreateRight).
                let from = match attrs.get(attr::REGISTRABLE_ON).and_then(|d| d.parse::<NaiveDate>().ok()) {
                    Some(d) => Some(d),
                    None if !presale => Some(req.today),
                    None => None,
                };
                if let Some(from) = from {
                    attrs.insert(attr::LAPSES_ON.into(), advance_lapse(from.max(req.today)));
                }
            }
            if kind == RightKind::Objection {
                // 民法典 第220条: it lapses 15 days after registration unless a lawsuit is filed.
                attrs.insert(attr::LAPSES_ON.into(), (req.today + chrono::Duration::days(15)).to_string());
            }
            let lapses = attrs.get(attr::LAPSES_ON).cloned();
            let presale = attrs.get(attr::ADVANCE_KIND).map(String::as_str) == Some(advance_kind::PRESALE_PURCHASE);
            let mut steps = vec![Planned::Create { kind, co_ownership: c, holders: checked_holders(&req.holders, c)?, attrs, certificate: certificate_for(kind), predecessor: None }];
            if kind == RightKind::AdvanceNotice && req.with_mortgage {
                // 双预告: the purchase notice and the mortgage notice, each with its own holders
                // and particulars.
                let mut m = typed(&req.mortgage_attrs);
                m.insert(attr::ADVANCE_KIND.into(), if presale { advance_kind::PRESALE_MORTGAGE } else { advance_kind::MORTGAGE }.into());
                if let Some(l) = lapses {
                    m.insert(attr::LAPSES_ON.into(), l);
                }
                let mc = default_co(&req.mortgagees);
                steps.push(Planned::Create { kind, co_ownership: mc, holders: checked_holders(&req.mortgagees, mc)?, attrs: m, certificate: CertificateNeed::Proof, predecessor: None });
            }
            Ok(steps)
        }
        Effect::ReleaseRestriction => {
            let old = current(unit, kind, req.target_right, &req.acting)?;
            let mut steps = vec![Planned::End { right_id: old.id, to: RightState::Ended }];
            if kind == RightKind::Seizure {
                steps.extend(after_seizure_ends(unit, old));
            }
            Ok(steps)
        }
        Effect::AdvanceToTitle => {
            let notices: Vec<&RightView> =
                unit.iter().filter(|r| r.kind == RightKind::AdvanceNotice && r.state == RightState::Current && !advance_kind::is_mortgage(r.attr(attr::ADVANCE_KIND))).collect();
            let notice = pick(notices, req.target_right, &req.acting, "预告登记（买卖）")?;
            let holders = notice.holders.clone();
            let c = req.co_ownership.unwrap_or(notice.co_ownership);
            let title_kind = req.title_kind.unwrap_or(RightKind::StateLandAndHouse);
            let mut steps = vec![Planned::End { right_id: notice.id, to: RightState::Ended }];
            // The seller's (developer's) title passes to the buyer: one current title.
            let old_title = unit.iter().find(|r| r.kind == title_kind && r.state == RightState::Current);
            let mut attrs = old_title.map(|t| t.attrs.clone()).unwrap_or_default();
            attrs.remove(attr::NOTE);
            attrs.extend(typed(&req.attrs).into_iter().filter(|(k, _)| !attr::MORTGAGE.contains(&k.as_str()) || k == attr::NOTE));
            if let Some(t) = old_title {
                steps.push(Planned::End { right_id: t.id, to: RightState::Historic });
            }
            steps.push(Planned::Create {
                kind: title_kind,
                co_ownership: c,
                holders: checked_holders(&holders, c)?,
                attrs,
                certificate: CertificateNeed::Title,
                predecessor: Some(old_title.map_or(notice.id, |t| t.id)),
            });
            // 双预告转本: the mortgage notice becomes the mortgage, with its own particulars.
            let mortgage_notice = unit.iter().find(|r| r.kind == RightKind::AdvanceNotice && r.state == RightState::Current && advance_kind::is_mortgage(r.attr(attr::ADVANCE_KIND)));
            if req.with_mortgage || !req.mortgagees.is_empty() {
                let (mortgagees, mut m) = match mortgage_notice {
                    Some(n) => {
                        steps.push(Planned::End { right_id: n.id, to: RightState::Ended });
                        let m: Attributes = n.attrs.iter().filter(|(k, _)| attr::MORTGAGE.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
                        (if req.mortgagees.is_empty() { n.holders.clone() } else { req.mortgagees.clone() }, m)
                    }
                    None => (req.mortgagees.clone(), Attributes::new()),
                };
                m.extend(typed(&req.mortgage_attrs));
                steps.push(new_mortgage(unit, &mortgagees, &m)?);
            }
            Ok(steps)
        }
        Effect::ReplaceCertificate | Effect::ReissueCertificate => {
            let r = if kind.is_restriction() { current(unit, kind, req.target_right, &req.acting)? } else { acted_on(unit, kind, req.target_right, &req.acting)? };
            Ok(vec![Planned::Recertify { right_id: r.id, certificate: certificate_for(r.kind) }])
        }
    }
}

/// The register after the steps, as far as the invariants need it: `(kind, state, holders)` of
/// every right, by id (created rights get negative ids).
fn simulate(unit: &[RightView], steps: &[Planned]) -> Vec<(RightKind, RightState, Option<&'static str>)> {
    let mut rights: Vec<(i64, RightKind, RightState, Option<&'static str>)> = unit.iter().map(|r| (r.id, r.kind, r.state, None)).collect();
    let mut next = -1;
    for s in steps {
        match s {
            Planned::Create { kind, .. } => {
                rights.push((next, *kind, RightState::Current, None));
                next -= 1;
            }
            Planned::End { right_id, to } => {
                for r in rights.iter_mut().filter(|r| r.0 == *right_id) {
                    r.2 = *to;
                    r.3 = Some(if *to == RightState::Ended { "ended" } else { "historic" });
                }
            }
            _ => {}
        }
    }
    rights.into_iter().map(|(_, k, st, how)| (k, st, how)).collect()
}

/// The register's invariants (A1.5): a unit never has two current titles of one kind, and a
/// title is never cancelled while a restriction or a right on it stays current.
pub fn check_invariants(unit: &[RightView], steps: &[Planned]) -> Result<(), PlanError> {
    let after = simulate(unit, steps);
    for kind in RightKind::ALL.iter().copied().filter(|k| is_title_kind(*k)) {
        if after.iter().filter(|(k, st, _)| *k == kind && *st == RightState::Current).count() > 1 {
            return Err(PlanError::TwoTitles(kind.name()));
        }
    }
    let cancelled = steps.iter().any(|s| matches!(s, Planned::End { right_id, to: RightState::Ended } if unit.iter().any(|r| r.id == *right_id && is_title_kind(r.kind))));
    let titled = after.iter().any(|(k, st, _)| is_title_kind(*k) && *st == RightState::Current);
    if cancelled && !titled {
        let title = unit.iter().find(|r| is_title_kind(r.kind) && steps.iter().any(|s| matches!(s, Planned::End { right_id, .. } if *right_id == r.id))).map_or("权利", |r| r.kind.name());
        if let Some((k, _, _)) = after.iter().find(|(k, st, _)| *st == RightState::Current && encumbers(*k)) {
            return Err(PlanError::EncumberedCancellation(title, k.name()));
        }
    }
    Ok(())
}

/// Rights and restrictions that bear on a title and would be left hanging if it were cancelled.
pub fn encumbers(kind: RightKind) -> bool {
    matches!(kind, RightKind::Mortgage | RightKind::Seizure | RightKind::AdvanceNotice | RightKind::Objection | RightKind::ResidenceRight | RightKind::Lock)
}

/// A right superseded by a new version of itself with other particulars (its place in a queue,
/// its kind of seizure, its lapse date).
fn successor(r: &RightView, attrs: Attributes) -> [Planned; 2] {
    [
        Planned::End { right_id: r.id, to: RightState::Historic },
        Planned::Create { kind: r.kind, co_ownership: r.co_ownership, holders: r.holders.clone(), attrs, certificate: CertificateNeed::None, predecessor: Some(r.id) },
    ]
}

/// What follows when a seizure ends (released or lapsed): a waiting one released lets those
/// behind it move up; the active one released makes the earliest waiting one active.
pub fn after_seizure_ends(unit: &[RightView], old: &RightView) -> Vec<Planned> {
    let mut steps = Vec::new();
    if old.attr(attr::QUEUE).is_some() {
        let gone = queue_of(old);
        for w in waiting_seizures(unit).into_iter().filter(|w| w.id != old.id && queue_of(w) > gone) {
            steps.extend(requeue(w, queue_of(w) - 1));
        }
        return steps;
    }
    let waiting: Vec<&RightView> = waiting_seizures(unit).into_iter().filter(|w| w.id != old.id).collect();
    for (i, w) in waiting.iter().enumerate() {
        let mut attrs = w.attrs.clone();
        if i == 0 {
            attrs.remove(attr::QUEUE);
            attrs.insert(attr::SEIZURE_KIND.into(), SeizureKind::of(&w.attrs).active().code().into());
        } else {
            attrs.insert(attr::QUEUE.into(), i.to_string());
        }
        steps.extend(successor(w, attrs));
    }
    steps
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
    successor(w, attrs)
}

/// A new seizure. With no current seizure it is active (查封, or 预查封 when asked); otherwise it
/// waits (轮候). Its place in the queue follows the delivery time of the court's notice
/// (`delivered_at`, 法发〔2004〕5号 第20条): a notice delivered before seizures already waiting —
/// because it reached the registry later — goes ahead of them, and they move back one place.
/// Waiting seizures with no recorded delivery time count as delivered earlier. An active
/// seizure is never displaced: it took effect when it was registered.
fn new_seizure(unit: &[RightView], holders: &[Holding], co: Option<CoOwnership>, requested: &Attributes) -> Result<Vec<Planned>, PlanError> {
    let mut attrs = typed(requested);
    let active = unit.iter().any(|r| r.kind == RightKind::Seizure && r.state == RightState::Current && r.attr(attr::QUEUE).is_none());
    let waiting = waiting_seizures(unit);
    let kind = SeizureKind::of(&attrs);
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
        attrs.insert(attr::SEIZURE_KIND.into(), kind.waiting().code().into());
        attrs.insert(attr::QUEUE.into(), place.to_string());
    } else {
        attrs.insert(attr::SEIZURE_KIND.into(), kind.active().code().into());
        attrs.remove(attr::QUEUE);
    }
    let c = co.unwrap_or_else(|| default_co(holders));
    steps.insert(0, Planned::Create { kind: RightKind::Seizure, co_ownership: c, holders: checked_holders(holders, c)?, attrs, certificate: CertificateNeed::None, predecessor: None });
    Ok(steps)
}

fn new_mortgage(unit: &[RightView], mortgagees: &[Holding], attrs: &Attributes) -> Result<Planned, PlanError> {
    let rank = unit.iter().filter(|r| r.kind == RightKind::Mortgage && r.state == RightState::Current).count() + 1;
    let mut attrs = typed(attrs);
    attrs.insert(attr::RANK.into(), rank.to_string());
    attrs.entry(attr::MORTGAGE_METHOD.into()).or_insert_with(|| "1".into());
    let c = default_co(mortgagees);
    Ok(Planned::Create { kind: RightKind::Mortgage, co_ownership: c, holders: checked_holders(mortgagees, c)?, attrs, certificate: CertificateNeed::Proof, predecessor: None })
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
    fn share_arithmetic_never_wraps() {
        // 1844674407370955162.5 read with unchecked arithmetic wrapped to 9/10.
        assert_eq!(Share::parse("1844674407370955162.5"), None);
        assert_eq!(Share::parse("18446744073709551615/18446744073709551615"), None, "beyond 18 digits");
        assert_eq!(Share::parse("1/2000000000"), None, "denominator bound");
        assert_eq!(Share::parse("999999999/1000000000").map(|s| s.den), Some(1_000_000_000));
        assert_eq!(Share::parse("-1/2"), None);
        assert_eq!(Share::parse("1/0"), None);
        assert_eq!(Share::parse(".5"), None);
        assert_eq!(Share::parse("0.5000001"), None, "at most 6 decimals");
        let big = Share { num: 999_999_999, den: 1_000_000_000 };
        assert!(!shares_sum_to_one(&[big; 40]));
    }

    proptest::proptest! {
        /// Whatever text is read, parsing never panics, and a share read is a proper fraction
        /// within the bounds.
        #[test]
        fn any_text_parses_to_a_bounded_share_or_nothing(text in "\\PC{0,40}") {
            if let Some(s) = Share::parse(&text) {
                proptest::prop_assert!(s.num >= 1 && s.num <= s.den && s.den <= Share::MAX_DENOMINATOR);
            }
        }

        /// n equal shares of 1/n sum to one, and removing one never does.
        #[test]
        fn equal_shares_sum_to_one(n in 1u64..200) {
            let part = Share::parse(&format!("1/{n}")).unwrap();
            let all = vec![part; usize::try_from(n).unwrap()];
            proptest::prop_assert!(shares_sum_to_one(&all));
            proptest::prop_assert!(!shares_sum_to_one(&all[1..]));
        }

        /// Splitting a share a/b into a pair that sums to it keeps the total at one.
        #[test]
        fn split_shares_sum_to_one(den in 2u64..1_000_000, cut in 1u64..1_000_000) {
            let cut = 1 + cut % (den - 1);
            let a = Share::parse(&format!("{cut}/{den}")).unwrap();
            let b = Share::parse(&format!("{}/{den}", den - cut)).unwrap();
            proptest::prop_assert!(shares_sum_to_one(&[a, b]));
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
        let unit = vec![right(5, RightKind::Seizure, vec![h(40)], &[("seizure_kind", "3")]), right(6, RightKind::Seizure, vec![h(41)], &[("seizure_kind", "4"), ("queue", "1")])];
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
