//! The business catalogue (业务目录): every registration flow the platform offers, as data.
//!
//! A [`Flow`] is one business type: what it registers ([`RegistrationType`], [`RightKind`]),
//! what 登簿 does to the register ([`Effect`]), through which [`Channel`] it is applied for,
//! which parties take part ([`ApplicantRole`]), which materials ([`Material`]) are collected,
//! and the promised time limit in working days.
//!
//! The online flows are those of the contract, table 4.2 ("互联网+不动产登记" 全程网办), with
//! their names exactly as written there; the counter flows (窗口) are those the registration
//! staff need in the office. Each channel's flows are separate records with their own codes
//! (prefix `HA-`, `BANK-`, `DEV-`, `ENT-`, `IND-`, `AE-`, `CTR-`), because channels differ in
//! materials and applicant roles: "抵押权注销" by a bank and "抵押权注销登记" by a private
//! lender are two flows.
//!
//! Conventions of the table:
//! - `group` is one of [`GROUPS`]: the heading the flow is listed under in table 4.2. For the
//!   lists without headings (住建协同, 银行代办, 开发企业代办) and for the counter it is chosen
//!   by what the flow registers; seizures and locks go to 其他, as in the 受办分离 list.
//! - `registration_type` is the 登记类型 (DJLX) of the act. Restrictions that have a 登记类型 of
//!   their own (预告 700, 异议 600, 查封 800) keep it for every act on them (设立, 变更, 转移,
//!   注销); 抵押权 has none and uses 首次/变更/转移/注销. 预告转本 is a 转移登记 of the title.
//! - `right_kind` is the right or restriction the flow registers; for 预告转本 and 转移抵押合并
//!   it is the title right (the mortgage follows from the [`Effect`]).
//! - Naming decisions: in the 个人申请 转移 list the text has 13 items separated by "、" but
//!   says 11; "不动产分割、合并（夫妻析产）" and "不动产继承、受遗赠" are each one flow (the
//!   "、" inside them joins alternatives of one business). Names that contain "、" in the other
//!   lists ("林地使用权及森林、林木使用权首次登记", "森林、林木所有权登记") are one flow each,
//!   as the counts require. The 住建协同 list says "双预告升级" in the contract and "双预告" in
//!   REQUIREMENTS.md B4; the catalogue uses "双预告" (the same business as the bank's 双预告).
//!   Names keep the full-width parentheses and the "、" / "/" spelling of the list they come
//!   from ("森林、林木所有权登记" for 企业, "森林/林木所有权登记" for 个人 and 受办分离).

use crate::domain::rights::{RegistrationType, RightKind};

/// A channel through which a flow is applied for (受理渠道).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// 窗口 — at the counter of the registration office, entered by staff.
    Counter,
    /// 个人申请 — online by a natural person.
    Individual,
    /// 企业法人申请 — online by a company or other legal person.
    Enterprise,
    /// 银行代办 — online by a bank on behalf of its customers.
    Bank,
    /// 房地产开发企业代办 — online by a developer on behalf of buyers.
    Developer,
    /// 与住建平台协同 — started from the housing authority's platform (网签备案).
    HousingAuthority,
    /// 受办分离 — accepted at one office, processed by the competent one.
    AcceptElsewhere,
}

impl Channel {
    pub const ALL: &'static [Channel] = &[Channel::Counter, Channel::Individual, Channel::Enterprise, Channel::Bank, Channel::Developer, Channel::HousingAuthority, Channel::AcceptElsewhere];

    /// Stable machine code, stored in the database and used in the API.
    pub const fn code(self) -> &'static str {
        match self {
            Channel::Counter => "counter",
            Channel::Individual => "individual",
            Channel::Enterprise => "enterprise",
            Channel::Bank => "bank",
            Channel::Developer => "developer",
            Channel::HousingAuthority => "housing_authority",
            Channel::AcceptElsewhere => "accept_elsewhere",
        }
    }

    /// Chinese name as shown to users.
    pub const fn name(self) -> &'static str {
        match self {
            Channel::Counter => "窗口",
            Channel::Individual => "个人申请",
            Channel::Enterprise => "企业法人申请",
            Channel::Bank => "银行代办",
            Channel::Developer => "房地产开发企业代办",
            Channel::HousingAuthority => "与住建平台协同",
            Channel::AcceptElsewhere => "受办分离",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.iter().copied().find(|c| c.code() == code)
    }
}

/// The role of a party in an application (申请人角色).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicantRole {
    /// 权利人 — who gets or holds the right or restriction (buyer, mortgagee, 异议申请人, …).
    RightHolder,
    /// 义务人 — who gives it up or grants it (seller, mortgagor, developer, …).
    Obligor,
    /// 代理人 — who applies on behalf of the parties (bank, developer, court officers, …).
    Agent,
}

impl ApplicantRole {
    pub const ALL: &'static [ApplicantRole] = &[ApplicantRole::RightHolder, ApplicantRole::Obligor, ApplicantRole::Agent];

    /// Stable machine code, stored in the database and used in the API.
    pub const fn code(self) -> &'static str {
        match self {
            ApplicantRole::RightHolder => "right_holder",
            ApplicantRole::Obligor => "obligor",
            ApplicantRole::Agent => "agent",
        }
    }

    /// Chinese name as shown to users.
    pub const fn name(self) -> &'static str {
        match self {
            ApplicantRole::RightHolder => "权利人",
            ApplicantRole::Obligor => "义务人",
            ApplicantRole::Agent => "代理人",
        }
    }

    pub fn from_code(code: &str) -> Option<ApplicantRole> {
        ApplicantRole::ALL.iter().copied().find(|r| r.code() == code)
    }
}

/// Who may apply for a flow (申请主体), as the law says (STANDARDS.md, "Who may apply";
/// 《不动产登记暂行条例》第十四条). Each flow names its basis; the entitlement check
/// ([`crate::domain::rules::entitlement`]) compares the applicants of a case with the holders the
/// register records for the right the flow acts on, and refuses anyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// 权利人单方申请 — first registration of property not yet registered (第十四条第二款第一项):
    /// whoever applies becomes the holder; the title-source materials are checked by review.
    SoleNewHolder,
    /// 双方共同申请 — sale, mortgage, advance notice, easement and the like (第十四条第一款): the
    /// obligors must be exactly the holders of the right given up or encumbered.
    Joint,
    /// 权利人申请 — a right is ended, changed or re-certified only at the request of all its own
    /// holders (the mortgagee for a mortgage, the notice holder for a notice, the objector for an
    /// objection); obligors, where the flow names them, are the holders of the title.
    Holder,
    /// 权利人之一申请 — a change because one holder's name changed (第十四条第二款第四项): that
    /// holder alone applies.
    OneHolder,
    /// 转让人与受让人共同申请 — a mortgage or advance notice passes to another: the obligors are
    /// exactly its present holders.
    Assignment,
    /// 利害关系人申请 — an objection (异议登记) by whoever disputes the register, with evidence
    /// checked by review (第十四条第二款第六项).
    InterestedParty,
    /// 持生效法律文书单方申请 — rights acquired by a court or arbitration document (第十四条第二款
    /// 第三项); the document is checked by review.
    Judgment,
    /// 继承、受遗赠单方申请 (第十四条第二款第二项); the succession proof is checked by review.
    Succession,
    /// 夫妻析产 — every present holder applies; those who keep the property are among them.
    Division,
    /// 人民法院嘱托 — only a court by its 协助执行通知书; a continuation or release only by the court
    /// whose seizure it is.
    Court,
    /// 有权机关 — an administrative lock by the authority that asks for it; only that authority
    /// lifts it.
    Authority,
    /// 依职权 — the registration office itself (实施细则 第十七条、第八十一条); applied for by
    /// staff only, naming the holder concerned.
    ExOfficio,
}

impl Basis {
    /// Stable machine code.
    pub const fn code(self) -> &'static str {
        match self {
            Basis::SoleNewHolder => "sole_new_holder",
            Basis::Joint => "joint",
            Basis::Holder => "holder",
            Basis::OneHolder => "one_holder",
            Basis::Assignment => "assignment",
            Basis::InterestedParty => "interested_party",
            Basis::Judgment => "judgment",
            Basis::Succession => "succession",
            Basis::Division => "division",
            Basis::Court => "court",
            Basis::Authority => "authority",
            Basis::ExOfficio => "ex_officio",
        }
    }

    /// Chinese description as shown in the flow table and in refusals.
    pub const fn name(self) -> &'static str {
        match self {
            Basis::SoleNewHolder => "权利人单方申请",
            Basis::Joint => "双方共同申请（义务人须为登记簿记载的权利人）",
            Basis::Holder => "该权利的全部权利人申请（抵押权人、预告权利人、异议申请人）",
            Basis::OneHolder => "姓名或名称变更的权利人本人申请",
            Basis::Assignment => "原权利人与受让人共同申请",
            Basis::InterestedParty => "利害关系人申请",
            Basis::Judgment => "持生效法律文书的当事人单方申请",
            Basis::Succession => "继承人或受遗赠人单方申请",
            Basis::Division => "全体共有人共同申请",
            Basis::Court => "人民法院嘱托（协助执行通知书）",
            Basis::Authority => "有权机关嘱托",
            Basis::ExOfficio => "登记机构依职权办理",
        }
    }

    /// The law the basis rests on, cited in refusals.
    pub const fn law(self) -> &'static str {
        match self {
            Basis::SoleNewHolder => "《不动产登记暂行条例》第十四条第二款第一项",
            Basis::Joint => "《不动产登记暂行条例》第十四条第一款",
            Basis::Holder => "《不动产登记暂行条例》第十四条、《不动产登记暂行条例实施细则》第二十六条、第二十八条、第七十四条",
            Basis::OneHolder => "《不动产登记暂行条例》第十四条第二款第四项",
            Basis::Assignment => "《不动产登记暂行条例》第十四条第一款、《不动产登记暂行条例实施细则》第六十九条",
            Basis::InterestedParty => "《民法典》第二百二十条、《不动产登记暂行条例》第十四条第二款第六项",
            Basis::Judgment => "《不动产登记暂行条例》第十四条第二款第三项",
            Basis::Succession => "《不动产登记暂行条例》第十四条第二款第二项",
            Basis::Division => "《民法典》第三百零一条、《不动产登记暂行条例》第十四条",
            Basis::Court => "《最高人民法院 国土资源部 建设部关于依法规范人民法院执行和国土资源房地产管理部门协助执行若干问题的通知》（法发〔2004〕5号）",
            Basis::Authority => "《不动产登记操作规范（试行）》",
            Basis::ExOfficio => "《不动产登记暂行条例实施细则》第十七条、第八十一条",
        }
    }

    /// Whether the register alone can tell that the applicants are entitled. Flows on another
    /// basis rest on documents a person must read, so they are never registered automatically.
    pub const fn checkable_from_register(self) -> bool {
        matches!(self, Basis::Holder | Basis::Joint | Basis::Assignment | Basis::OneHolder | Basis::Division)
    }
}

/// The basis of a flow when its table row names none: by what it does.
const fn default_basis(effect: Effect, kind: RightKind) -> Basis {
    if matches!(kind, RightKind::Seizure) {
        return Basis::Court;
    }
    if matches!(kind, RightKind::Lock) {
        return Basis::Authority;
    }
    match effect {
        Effect::CreateRight => {
            if matches!(kind, RightKind::Easement | RightKind::ResidenceRight) {
                Basis::Joint
            } else {
                Basis::SoleNewHolder
            }
        }
        Effect::TransferRight | Effect::TransferWithMortgage => Basis::Joint,
        Effect::CreateRestriction => {
            if matches!(kind, RightKind::Objection) {
                Basis::InterestedParty
            } else {
                Basis::Joint
            }
        }
        Effect::ChangeRight
        | Effect::CancelRight
        | Effect::Correction
        | Effect::ReplaceCertificate
        | Effect::ReissueCertificate
        | Effect::ChangeRestriction
        | Effect::ReleaseRestriction
        | Effect::AdvanceToTitle => Basis::Holder,
    }
}

/// What 登簿 of a flow does to the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// 设立权利（首次登记）— creates a current right of the flow's kind on a unit that has no
    /// current right of that kind.
    CreateRight,
    /// 转移权利（转移登记）— the current right of the flow's kind passes to new holders; the
    /// old version becomes historic.
    TransferRight,
    /// 变更权利（变更登记）— same holders, changed particulars (name, address, share, …); the
    /// old version becomes historic.
    ChangeRight,
    /// 注销权利（注销登记）— the current right of the flow's kind ends.
    CancelRight,
    /// 设立限制 — adds a current restriction of the flow's kind (抵押权首次, 预告设立, 异议,
    /// 查封, 锁定).
    CreateRestriction,
    /// 变更限制 — changes or transfers a current restriction (抵押权变更/转移, 预告变更/转移,
    /// 续封); the old version becomes historic.
    ChangeRestriction,
    /// 解除限制 — a current restriction ends (抵押权注销, 预告注销, 注销异议, 解封, 解锁).
    ReleaseRestriction,
    /// 预告转本 — the advance notice ends and the title right is created for its holder; for
    /// 双预告 the mortgage advance notice becomes a mortgage as well.
    AdvanceToTitle,
    /// 转移抵押合并登记 — the title is transferred and a new mortgage on it is created, in one
    /// case.
    TransferWithMortgage,
    /// 更正登记 — corrects an entry of the register; the corrected version becomes historic.
    Correction,
    /// 换证 — a new certificate number is issued; the old certificate is voided.
    ReplaceCertificate,
    /// 遗失补证 — the lost certificate is voided and a new number issued.
    ReissueCertificate,
}

impl Effect {
    /// Stable machine code.
    pub const fn code(self) -> &'static str {
        match self {
            Effect::CreateRight => "create_right",
            Effect::TransferRight => "transfer_right",
            Effect::ChangeRight => "change_right",
            Effect::CancelRight => "cancel_right",
            Effect::CreateRestriction => "create_restriction",
            Effect::ChangeRestriction => "change_restriction",
            Effect::ReleaseRestriction => "release_restriction",
            Effect::AdvanceToTitle => "advance_to_title",
            Effect::TransferWithMortgage => "transfer_with_mortgage",
            Effect::Correction => "correction",
            Effect::ReplaceCertificate => "replace_certificate",
            Effect::ReissueCertificate => "reissue_certificate",
        }
    }

    /// Chinese name, as in the flow table.
    pub const fn name(self) -> &'static str {
        match self {
            Effect::CreateRight => "设立权利",
            Effect::TransferRight => "转移权利",
            Effect::ChangeRight => "变更权利",
            Effect::CancelRight => "注销权利",
            Effect::CreateRestriction => "设立限制",
            Effect::ChangeRestriction => "变更限制",
            Effect::ReleaseRestriction => "解除限制",
            Effect::AdvanceToTitle => "预告转本",
            Effect::TransferWithMortgage => "转移并设立抵押",
            Effect::Correction => "更正",
            Effect::ReplaceCertificate => "换证",
            Effect::ReissueCertificate => "补证",
        }
    }

    /// Whether the flow's `right_kind` is a restriction (抵押, 预告, 异议, 查封, 锁定) rather than
    /// a right.
    pub const fn acts_on_restriction(self) -> bool {
        matches!(self, Effect::CreateRestriction | Effect::ChangeRestriction | Effect::ReleaseRestriction)
    }
}

/// One material (申请材料) collected for a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Material {
    /// Stable machine code, unique within a flow.
    pub code: &'static str,
    /// Chinese name as shown to applicants.
    pub name: &'static str,
    /// Whether the application is incomplete without it.
    pub required: bool,
}

/// One business type of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// Stable, unique ASCII code, e.g. `IND-TRANSFER-STOCK-HOUSE`.
    pub code: &'static str,
    /// Chinese name, exactly as in the contract's table 4.2 for online flows.
    pub name: &'static str,
    /// One of [`GROUPS`].
    pub group: &'static str,
    /// 登记类型 of the act (see the module documentation).
    pub registration_type: RegistrationType,
    /// The right or restriction the flow registers.
    pub right_kind: RightKind,
    /// What 登簿 does to the register.
    pub effect: Effect,
    /// The channels the flow is offered through (one per record).
    pub channels: &'static [Channel],
    /// The roles an application names. An optional agent of the parties is covered by the
    /// optional 授权委托书; `Agent` is listed where the channel itself acts as agent (银行代办,
    /// 开发企业代办) and for court seizures (the court's officers) and locks (the requesting
    /// authority). For 依职权更正 the right holder concerned is named.
    pub applicant_roles: &'static [ApplicantRole],
    /// Materials collected.
    pub materials: &'static [Material],
    /// Promised time limit in working days from acceptance, at most [`LEGAL_MAX_DAYS`].
    pub time_limit_days: u32,
    /// Whether a complete application may be registered without manual review.
    pub auto_register: bool,
    /// Who may apply (申请主体).
    pub basis: Basis,
}

/// What a change registration (变更登记) of a flow may change, read from the proof it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeScope {
    /// 权利人姓名或名称变更 — a holder's name only.
    Name,
    /// 不动产地址、坐落变更 — the unit's 坐落 only.
    Address,
    /// 共有性质变更 — how the holders hold it, and their shares.
    CoOwnership,
    /// Any registered particular, as the proof of the change shows.
    Any,
}

/// 双预告 and 双预告转本: the purchase notice and the mortgage notice (or the title and the
/// mortgage) in one case. With the 转移抵押合并 effect these are the flows that register a
/// mortgage beside their main right.
const DOUBLE_ADVANCE: &[&str] = &["HA-DOUBLE-ADVANCE", "BANK-DOUBLE-ADVANCE", "BANK-DOUBLE-ADVANCE-TO-TITLE"];
/// 预查封登记: a pre-seizure whatever the form says.
const PRE_SEIZURE: &[&str] = &["CTR-SEIZURE-PRE"];

impl Flow {
    /// Whether 登簿 registers a mortgage (or a mortgage advance notice) beside the main right,
    /// with its own holders and particulars.
    pub fn with_mortgage(&self) -> bool {
        self.effect == Effect::TransferWithMortgage || DOUBLE_ADVANCE.contains(&self.code)
    }

    /// Whether the flow registers a 预查封.
    pub fn pre_seizure(&self) -> bool {
        PRE_SEIZURE.contains(&self.code)
    }

    /// For a change flow (变更登记), what it may change.
    pub fn change_scope(&self) -> Option<ChangeScope> {
        if self.effect != Effect::ChangeRight {
            return None;
        }
        let has = |code: &str| self.materials.iter().any(|m| m.code == code);
        Some(if has(NAME_CHANGE.code) {
            ChangeScope::Name
        } else if has(ADDRESS_CHANGE.code) {
            ChangeScope::Address
        } else if has(CO_OWNERSHIP.code) {
            ChangeScope::CoOwnership
        } else {
            ChangeScope::Any
        })
    }

    /// The materials without which the application is incomplete.
    pub fn required_materials(&self) -> impl Iterator<Item = &'static Material> {
        self.materials.iter().filter(|m| m.required)
    }
}

/// Flows the law requires beyond the contract's table 4.2: 居住权 (民法典 第366–371条, in force
/// since 2021) for persons online and at the counter. The table-4.2 tests leave them out.
pub const BEYOND_CONTRACT: &[&str] = &["IND-RESIDENCE-FIRST", "IND-RESIDENCE-CANCEL"];

/// The groups (分类) of table 4.2, in its order.
pub const GROUPS: &[&str] = &["首次", "变更", "预告", "转移", "抵押", "注销", "其他", "涉税"];

/// 不动产登记暂行条例 art. 20: registration is completed within 30 working days of acceptance.
pub const LEGAL_MAX_DAYS: u32 = 30;

/// All flows of the catalogue, grouped by channel in the order of table 4.2, counter last.
pub fn flows() -> &'static [Flow] {
    FLOWS
}

/// The flow with this code.
pub fn flow(code: &str) -> Option<&'static Flow> {
    FLOWS.iter().find(|f| f.code == code)
}

/// The flows offered through a channel, in catalogue order.
pub fn by_channel(c: Channel) -> impl Iterator<Item = &'static Flow> {
    FLOWS.iter().filter(move |f| f.channels.contains(&c))
}

// ── Time limits (working days) ──────────────────────────────────────────────────────────────

/// Simple releases and restrictions: 抵押权注销, 预告注销, 异议, 查封 (feedback within 1 day).
const ONE_DAY: u32 = 1;
/// General and mortgage registration (national policy since 2020: ≤ 5 working days).
const GENERAL: u32 = 5;
/// 遗失补证: 15 working days of 遗失声明 on the office's portal (实施细则 art. 22), then issue.
const REISSUE: u32 = 20;
/// Flows that must be announced for 15 working days before 登簿 (实施细则 art. 17: 集体土地所有权,
/// 宅基地, 集体建设用地, 土地承包经营权 and similar 首次登记, 依职权更正): the legal maximum.
const ANNOUNCED: u32 = LEGAL_MAX_DAYS;

// ── Applicant roles ─────────────────────────────────────────────────────────────────────────

use ApplicantRole::{Agent, Obligor, RightHolder};

const R_HOLDER: &[ApplicantRole] = &[RightHolder];
const R_BOTH: &[ApplicantRole] = &[RightHolder, Obligor];
const R_BOTH_AGENT: &[ApplicantRole] = &[RightHolder, Obligor, Agent];
const R_AGENT: &[ApplicantRole] = &[Agent];

// ── Materials ───────────────────────────────────────────────────────────────────────────────

const fn req(code: &'static str, name: &'static str) -> Material {
    Material { code, name, required: true }
}

const fn opt(code: &'static str, name: &'static str) -> Material {
    Material { code, name, required: false }
}

const APPLICATION: Material = req("application_form", "不动产登记申请书");
const IDENTITY: Material = req("applicant_identity", "申请人身份证明");
const POWER_OF_ATTORNEY: Material = opt("power_of_attorney", "授权委托书");
const TITLE: Material = req("title_certificate", "不动产权属证书");
const TAX: Material = req("tax_certificate", "完税证明");

const SALE_CONTRACT: Material = req("sale_contract", "不动产买卖合同");
const COMMODITY_CONTRACT: Material = req("commodity_sale_contract", "商品房买卖合同（网签备案）");
const PRESALE_CONTRACT: Material = req("presale_contract", "商品房预售合同（网签备案）");
const LAND_TRANSFER_CONTRACT: Material = req("land_transfer_contract", "国有建设用地使用权转让合同");
const TRANSFER_BASIS: Material = req("transfer_basis", "转移原因证明材料（合同、协议或批准文件）");
const GIFT_CONTRACT: Material = req("gift_contract", "赠与合同");
const JUDGMENT: Material = req("judgment", "人民法院生效法律文书（判决书、裁定书或调解书）");
const INHERITANCE: Material = req("inheritance_proof", "继承/受遗赠证明材料");
const DEATH_CERTIFICATE: Material = req("death_certificate", "被继承人死亡证明");
const KINSHIP: Material = req("kinship_proof", "亲属关系证明");
const MARRIAGE: Material = req("marriage_proof", "婚姻关系证明");
const DIVISION_AGREEMENT: Material = req("division_agreement", "夫妻财产分割协议或离婚协议");
const UTILITIES: Material = opt("utilities_transfer", "水电气过户申请");
const COLLECTIVE_RESOLUTION: Material = req("collective_resolution", "村民会议或村民代表会议决议");

const CADASTRAL_SURVEY: Material = req("cadastral_survey", "地籍调查成果");
const LAND_GRANT_CONTRACT: Material = req("land_grant_contract", "国有建设用地使用权出让合同");
const LAND_PRICE_RECEIPT: Material = req("land_price_receipt", "土地出让价款缴纳凭证");
const ALLOCATION_DECISION: Material = req("allocation_decision", "国有建设用地划拨决定书");
const LAND_SOURCE: Material = req("land_title_source", "土地权属来源材料（出让合同或划拨决定书）");
const PLANNING_PERMIT: Material = req("planning_permit", "建设工程规划许可证");
const COMPLETION: Material = req("completion_acceptance", "建设工程竣工验收材料");
const HOUSE_SURVEY: Material = req("house_survey", "房屋测绘成果");
const COLLECTIVE_SOURCE: Material = req("collective_title_source", "集体土地所有权权属来源材料");
const COLLECTIVE_LAND_APPROVAL: Material = req("collective_land_approval", "集体建设用地使用权批准文件");
const RURAL_PLANNING_PERMIT: Material = req("rural_planning_permit", "乡村建设规划许可证");
const HOMESTEAD_APPROVAL: Material = req("homestead_approval", "农村宅基地批准书");
const LAND_CONTRACT: Material = req("land_contract", "土地承包经营合同");
const AGRI_LAND_SOURCE: Material = req("agri_land_source", "国有农用地使用权批准或有偿使用文件");
const FOREST_SOURCE: Material = req("forest_title_source", "林地、林木权属来源材料");
const EASEMENT_CONTRACT: Material = req("easement_contract", "地役权合同");
const EASEMENT_CERTIFICATE: Material = req("easement_certificate", "不动产登记证明（地役权）");

const NAME_CHANGE: Material = req("name_change_proof", "权利人姓名或名称变更证明");
const ADDRESS_CHANGE: Material = req("address_change_proof", "不动产地址、坐落变更证明");
const CO_OWNERSHIP: Material = req("co_ownership_agreement", "共有性质变更协议");
const CHANGE_PROOF: Material = req("change_proof", "登记事项变更证明材料");
const EXTINCTION: Material = req("extinction_proof", "不动产权利消灭的证明材料");

const MORTGAGE_CONTRACT: Material = req("mortgage_contract", "抵押合同");
const LOAN_CONTRACT: Material = req("loan_contract", "主债权合同");
const MORTGAGE_CERTIFICATE: Material = req("mortgage_certificate", "不动产登记证明（抵押权）");
const MORTGAGE_CHANGE: Material = req("mortgage_change_agreement", "抵押权变更协议");
const CLAIM_TRANSFER: Material = req("claim_transfer_contract", "主债权转让合同");
const MORTGAGE_RELEASE: Material = req("mortgage_release", "抵押权消灭证明（主债权消灭或抵押权人放弃）");

const ADVANCE_CERTIFICATE: Material = req("advance_certificate", "不动产登记证明（预告登记）");
const ADVANCE_RELEASE: Material = req("advance_release", "预告登记注销证明（债权消灭或权利人放弃）");

const ERROR_PROOF: Material = req("error_proof", "证实登记确有错误的材料");
const ANNOUNCEMENT: Material = req("announcement", "更正登记书面通知及公告材料");
const INTEREST_PROOF: Material = req("interest_proof", "利害关系证明材料");
const OBJECTION_CERTIFICATE: Material = req("objection_certificate", "不动产登记证明（异议登记）");
const LOSS_STATEMENT: Material = req("loss_statement", "遗失声明");
const COURT_ORDER: Material = req("court_order", "法院裁定书/协助执行通知书");
const COURT_RELEASE: Material = req("court_release_order", "解除查封裁定书/协助执行通知书");
const OFFICER_CREDENTIALS: Material = req("officer_credentials", "执行人员工作证及执行公务证");
const LOCK_REQUEST: Material = req("lock_request", "有权机关锁定/解锁函件");
const RESIDENCE_CONTRACT: Material = req("residence_contract", "居住权合同或设立居住权的遗嘱");
const RESIDENCE_CERTIFICATE: Material = req("residence_certificate", "不动产登记证明（居住权）");

// 首次
const M_FIRST_LAND_GRANT: &[Material] = &[APPLICATION, IDENTITY, LAND_GRANT_CONTRACT, LAND_PRICE_RECEIPT, CADASTRAL_SURVEY, TAX, POWER_OF_ATTORNEY];
const M_FIRST_LAND_ALLOCATION: &[Material] = &[APPLICATION, IDENTITY, ALLOCATION_DECISION, CADASTRAL_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_LAND: &[Material] = &[APPLICATION, IDENTITY, LAND_SOURCE, CADASTRAL_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_HOUSE: &[Material] = &[APPLICATION, IDENTITY, TITLE, PLANNING_PERMIT, COMPLETION, HOUSE_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_COLLECTIVE_OWNERSHIP: &[Material] = &[APPLICATION, IDENTITY, COLLECTIVE_SOURCE, CADASTRAL_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_COLLECTIVE_HOUSE: &[Material] = &[APPLICATION, IDENTITY, COLLECTIVE_LAND_APPROVAL, RURAL_PLANNING_PERMIT, COMPLETION, CADASTRAL_SURVEY, HOUSE_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_HOMESTEAD: &[Material] = &[APPLICATION, IDENTITY, HOMESTEAD_APPROVAL, CADASTRAL_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_HOMESTEAD_HOUSE: &[Material] = &[APPLICATION, IDENTITY, HOMESTEAD_APPROVAL, RURAL_PLANNING_PERMIT, CADASTRAL_SURVEY, HOUSE_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_LAND_CONTRACT: &[Material] = &[APPLICATION, IDENTITY, LAND_CONTRACT, CADASTRAL_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_AGRI_LAND: &[Material] = &[APPLICATION, IDENTITY, AGRI_LAND_SOURCE, CADASTRAL_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_FOREST: &[Material] = &[APPLICATION, IDENTITY, FOREST_SOURCE, CADASTRAL_SURVEY, POWER_OF_ATTORNEY];
const M_FIRST_EASEMENT: &[Material] = &[APPLICATION, IDENTITY, TITLE, EASEMENT_CONTRACT, POWER_OF_ATTORNEY];
// 变更
const M_CHANGE: &[Material] = &[APPLICATION, IDENTITY, TITLE, CHANGE_PROOF, POWER_OF_ATTORNEY];
const M_CHANGE_NAME: &[Material] = &[APPLICATION, IDENTITY, TITLE, NAME_CHANGE, POWER_OF_ATTORNEY];
const M_CHANGE_ADDRESS: &[Material] = &[APPLICATION, IDENTITY, TITLE, ADDRESS_CHANGE, POWER_OF_ATTORNEY];
const M_CHANGE_CO_OWNERSHIP: &[Material] = &[APPLICATION, IDENTITY, TITLE, CO_OWNERSHIP, POWER_OF_ATTORNEY];
const M_CHANGE_COLLECTIVE: &[Material] = &[APPLICATION, IDENTITY, TITLE, CHANGE_PROOF, COLLECTIVE_RESOLUTION, POWER_OF_ATTORNEY];
const M_CHANGE_EASEMENT: &[Material] = &[APPLICATION, IDENTITY, EASEMENT_CERTIFICATE, CHANGE_PROOF, POWER_OF_ATTORNEY];
// 转移
const M_TRANSFER: &[Material] = &[APPLICATION, IDENTITY, TITLE, TRANSFER_BASIS, TAX, POWER_OF_ATTORNEY];
const M_TRANSFER_SALE: &[Material] = &[APPLICATION, IDENTITY, TITLE, SALE_CONTRACT, TAX, POWER_OF_ATTORNEY];
const M_TRANSFER_ONE_THING: &[Material] = &[APPLICATION, IDENTITY, TITLE, SALE_CONTRACT, TAX, UTILITIES, POWER_OF_ATTORNEY];
const M_TRANSFER_COMMODITY: &[Material] = &[APPLICATION, IDENTITY, COMMODITY_CONTRACT, TAX, POWER_OF_ATTORNEY];
const M_TRANSFER_LAND: &[Material] = &[APPLICATION, IDENTITY, TITLE, LAND_TRANSFER_CONTRACT, TAX, POWER_OF_ATTORNEY];
const M_TRANSFER_GIFT: &[Material] = &[APPLICATION, IDENTITY, TITLE, GIFT_CONTRACT, TAX, POWER_OF_ATTORNEY];
const M_TRANSFER_JUDICIAL: &[Material] = &[APPLICATION, IDENTITY, JUDGMENT, TAX, POWER_OF_ATTORNEY];
const M_TRANSFER_DIVISION: &[Material] = &[APPLICATION, IDENTITY, TITLE, MARRIAGE, DIVISION_AGREEMENT, POWER_OF_ATTORNEY];
const M_TRANSFER_INHERITANCE: &[Material] = &[APPLICATION, IDENTITY, TITLE, INHERITANCE, DEATH_CERTIFICATE, KINSHIP, POWER_OF_ATTORNEY];
const M_TRANSFER_COLLECTIVE: &[Material] = &[APPLICATION, IDENTITY, TITLE, TRANSFER_BASIS, COLLECTIVE_RESOLUTION, POWER_OF_ATTORNEY];
const M_TRANSFER_EASEMENT: &[Material] = &[APPLICATION, IDENTITY, EASEMENT_CERTIFICATE, TRANSFER_BASIS, POWER_OF_ATTORNEY];
const M_TRANSFER_MORTGAGE_STOCK: &[Material] = &[APPLICATION, IDENTITY, TITLE, SALE_CONTRACT, TAX, MORTGAGE_CONTRACT, LOAN_CONTRACT, POWER_OF_ATTORNEY];
const M_TRANSFER_MORTGAGE_COMMODITY: &[Material] = &[APPLICATION, IDENTITY, COMMODITY_CONTRACT, TAX, MORTGAGE_CONTRACT, LOAN_CONTRACT, POWER_OF_ATTORNEY];
// 注销
const M_CANCEL: &[Material] = &[APPLICATION, IDENTITY, TITLE, EXTINCTION, POWER_OF_ATTORNEY];
const M_CANCEL_EASEMENT: &[Material] = &[APPLICATION, IDENTITY, EASEMENT_CERTIFICATE, EXTINCTION, POWER_OF_ATTORNEY];
// 抵押
const M_MORTGAGE_FIRST: &[Material] = &[APPLICATION, IDENTITY, TITLE, MORTGAGE_CONTRACT, LOAN_CONTRACT, POWER_OF_ATTORNEY];
const M_MORTGAGE_CHANGE: &[Material] = &[APPLICATION, IDENTITY, MORTGAGE_CERTIFICATE, MORTGAGE_CHANGE, POWER_OF_ATTORNEY];
const M_MORTGAGE_TRANSFER: &[Material] = &[APPLICATION, IDENTITY, MORTGAGE_CERTIFICATE, CLAIM_TRANSFER, POWER_OF_ATTORNEY];
const M_MORTGAGE_RELEASE: &[Material] = &[APPLICATION, IDENTITY, MORTGAGE_CERTIFICATE, MORTGAGE_RELEASE, POWER_OF_ATTORNEY];
// 预告
const M_ADVANCE: &[Material] = &[APPLICATION, IDENTITY, SALE_CONTRACT, POWER_OF_ATTORNEY];
const M_ADVANCE_PRESALE: &[Material] = &[APPLICATION, IDENTITY, PRESALE_CONTRACT, POWER_OF_ATTORNEY];
const M_DOUBLE_ADVANCE: &[Material] = &[APPLICATION, IDENTITY, PRESALE_CONTRACT, MORTGAGE_CONTRACT, LOAN_CONTRACT, POWER_OF_ATTORNEY];
const M_ADVANCE_CHANGE: &[Material] = &[APPLICATION, IDENTITY, ADVANCE_CERTIFICATE, CHANGE_PROOF, POWER_OF_ATTORNEY];
const M_ADVANCE_TRANSFER: &[Material] = &[APPLICATION, IDENTITY, ADVANCE_CERTIFICATE, TRANSFER_BASIS, POWER_OF_ATTORNEY];
const M_ADVANCE_RELEASE: &[Material] = &[APPLICATION, IDENTITY, ADVANCE_CERTIFICATE, ADVANCE_RELEASE, POWER_OF_ATTORNEY];
const M_ADVANCE_TO_TITLE: &[Material] = &[APPLICATION, IDENTITY, ADVANCE_CERTIFICATE, TAX, POWER_OF_ATTORNEY];
const M_DOUBLE_ADVANCE_TO_TITLE: &[Material] = &[APPLICATION, IDENTITY, ADVANCE_CERTIFICATE, TAX, MORTGAGE_CONTRACT, LOAN_CONTRACT, POWER_OF_ATTORNEY];
// 其他
const M_CORRECTION: &[Material] = &[APPLICATION, IDENTITY, TITLE, ERROR_PROOF, POWER_OF_ATTORNEY];
const M_CORRECTION_EX_OFFICIO: &[Material] = &[ERROR_PROOF, ANNOUNCEMENT];
const M_OBJECTION: &[Material] = &[APPLICATION, IDENTITY, INTEREST_PROOF, ERROR_PROOF, POWER_OF_ATTORNEY];
const M_OBJECTION_RELEASE: &[Material] = &[APPLICATION, IDENTITY, OBJECTION_CERTIFICATE, POWER_OF_ATTORNEY];
const M_REPLACE: &[Material] = &[APPLICATION, IDENTITY, TITLE, POWER_OF_ATTORNEY];
const M_REISSUE: &[Material] = &[APPLICATION, IDENTITY, LOSS_STATEMENT, POWER_OF_ATTORNEY];
const M_SEIZURE: &[Material] = &[COURT_ORDER, OFFICER_CREDENTIALS];
const M_SEIZURE_RELEASE: &[Material] = &[COURT_RELEASE, OFFICER_CREDENTIALS];
const M_LOCK: &[Material] = &[LOCK_REQUEST];
// 居住权 (民法典 第366–371条)
const M_RESIDENCE_FIRST: &[Material] = &[APPLICATION, IDENTITY, TITLE, RESIDENCE_CONTRACT, POWER_OF_ATTORNEY];
const M_RESIDENCE_CANCEL: &[Material] = &[APPLICATION, IDENTITY, RESIDENCE_CERTIFICATE, EXTINCTION, POWER_OF_ATTORNEY];

// ── The table ───────────────────────────────────────────────────────────────────────────────

/// `flow!(channel, code, name, group, 登记类型, right kind, effect, roles, materials, days[, AUTO][; Basis])`
/// — the basis (申请主体) defaults to [`default_basis`] of the effect and kind.
macro_rules! flow {
    (@auto) => {
        false
    };
    (@auto AUTO) => {
        true
    };
    (@basis $effect:ident $rk:ident) => {
        default_basis(Effect::$effect, RightKind::$rk)
    };
    (@basis $effect:ident $rk:ident $basis:ident) => {
        Basis::$basis
    };
    ($ch:ident, $code:literal, $name:literal, $group:literal, $rt:ident, $rk:ident, $effect:ident,
     $roles:ident, $materials:ident, $days:ident $(, $auto:ident)? $(; $basis:ident)?) => {
        Flow {
            code: $code,
            name: $name,
            group: $group,
            registration_type: RegistrationType::$rt,
            right_kind: RightKind::$rk,
            effect: Effect::$effect,
            channels: &[Channel::$ch],
            applicant_roles: $roles,
            materials: $materials,
            time_limit_days: $days,
            auto_register: flow!(@auto $($auto)?),
            basis: flow!(@basis $effect $rk $($basis)?),
        }
    };
}

#[rustfmt::skip]
static FLOWS: &[Flow] = &[
    // ── 与住建平台协同 (3). The contract writes "双预告升级", REQUIREMENTS.md B4 "双预告": we use "双预告".
    flow!(HousingAuthority, "HA-TRANSFER-STOCK-HOUSE", "存量房转移登记", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_SALE, GENERAL),
    flow!(HousingAuthority, "HA-TRANSFER-MORTGAGE-STOCK-HOUSE", "存量房转移抵押合并登记", "转移", Transfer, StateLandAndHouse, TransferWithMortgage, R_BOTH, M_TRANSFER_MORTGAGE_STOCK, GENERAL),
    flow!(HousingAuthority, "HA-DOUBLE-ADVANCE", "双预告", "预告", Advance, AdvanceNotice, CreateRestriction, R_BOTH, M_DOUBLE_ADVANCE, GENERAL),

    // ── 银行代办 (9)
    flow!(Bank, "BANK-MORTGAGE-FIRST", "抵押权首次", "抵押", First, Mortgage, CreateRestriction, R_BOTH_AGENT, M_MORTGAGE_FIRST, GENERAL),
    flow!(Bank, "BANK-MORTGAGE-CANCEL", "抵押权注销", "抵押", Cancellation, Mortgage, ReleaseRestriction, R_HOLDER, M_MORTGAGE_RELEASE, ONE_DAY, AUTO),
    flow!(Bank, "BANK-MORTGAGE-CHANGE", "抵押权变更", "抵押", Change, Mortgage, ChangeRestriction, R_BOTH_AGENT, M_MORTGAGE_CHANGE, GENERAL),
    flow!(Bank, "BANK-DOUBLE-ADVANCE", "双预告", "预告", Advance, AdvanceNotice, CreateRestriction, R_BOTH_AGENT, M_DOUBLE_ADVANCE, GENERAL),
    flow!(Bank, "BANK-DOUBLE-ADVANCE-TRANSFER", "双预告转移", "预告", Advance, AdvanceNotice, ChangeRestriction, R_BOTH_AGENT, M_ADVANCE_TRANSFER, GENERAL; Assignment),
    flow!(Bank, "BANK-DOUBLE-ADVANCE-CHANGE", "双预告变更", "预告", Advance, AdvanceNotice, ChangeRestriction, R_BOTH_AGENT, M_ADVANCE_CHANGE, GENERAL),
    flow!(Bank, "BANK-DOUBLE-ADVANCE-CANCEL", "双预告注销", "预告", Advance, AdvanceNotice, ReleaseRestriction, R_HOLDER, M_ADVANCE_RELEASE, ONE_DAY, AUTO),
    flow!(Bank, "BANK-DOUBLE-ADVANCE-TO-TITLE", "双预告转本", "预告", Transfer, StateLandAndHouse, AdvanceToTitle, R_BOTH_AGENT, M_DOUBLE_ADVANCE_TO_TITLE, GENERAL),
    flow!(Bank, "BANK-TRANSFER-MORTGAGE-COMMODITY", "商品房转移抵押合并登记", "转移", Transfer, StateLandAndHouse, TransferWithMortgage, R_BOTH_AGENT, M_TRANSFER_MORTGAGE_COMMODITY, GENERAL),

    // ── 房地产开发企业代办 (3)
    flow!(Developer, "DEV-TRANSFER-COMMODITY", "商品房转移登记", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH_AGENT, M_TRANSFER_COMMODITY, GENERAL),
    flow!(Developer, "DEV-TRANSFER-MORTGAGE-COMMODITY", "商品房转移抵押合并登记", "转移", Transfer, StateLandAndHouse, TransferWithMortgage, R_BOTH_AGENT, M_TRANSFER_MORTGAGE_COMMODITY, GENERAL),
    flow!(Developer, "DEV-ADVANCE-PRESALE", "预购商品房预告登记", "预告", Advance, AdvanceNotice, CreateRestriction, R_BOTH_AGENT, M_ADVANCE_PRESALE, GENERAL),

    // ── 企业法人申请 (28): 首次 9
    flow!(Enterprise, "ENT-FIRST-STATE-LAND-GRANT", "国有建设用地使用权首次登记（出让）", "首次", First, StateConstructionLandUse, CreateRight, R_HOLDER, M_FIRST_LAND_GRANT, GENERAL),
    flow!(Enterprise, "ENT-FIRST-STATE-LAND-ALLOCATION", "国有建设用地使用权首次登记（划拨）", "首次", First, StateConstructionLandUse, CreateRight, R_HOLDER, M_FIRST_LAND_ALLOCATION, GENERAL),
    flow!(Enterprise, "ENT-FIRST-STATE-HOUSE-COMMODITY", "国有建设用地使用权及房屋所有权首次登记（商品房首次）", "首次", First, StateLandAndHouse, CreateRight, R_HOLDER, M_FIRST_HOUSE, GENERAL),
    flow!(Enterprise, "ENT-FIRST-STATE-HOUSE-UNIT-BUILD", "国有建设用地使用权及房屋所有权首次登记（单位房新建）", "首次", First, StateLandAndHouse, CreateRight, R_HOLDER, M_FIRST_HOUSE, GENERAL),
    flow!(Enterprise, "ENT-FIRST-COLLECTIVE-LAND-OWNERSHIP", "集体土地所有权首次登记", "首次", First, CollectiveLandOwnership, CreateRight, R_HOLDER, M_FIRST_COLLECTIVE_OWNERSHIP, ANNOUNCED),
    flow!(Enterprise, "ENT-FIRST-COLLECTIVE-LAND-HOUSE", "集体建设用地使用权及房屋所有权首次登记", "首次", First, CollectiveLandAndHouse, CreateRight, R_HOLDER, M_FIRST_COLLECTIVE_HOUSE, ANNOUNCED),
    flow!(Enterprise, "ENT-FIRST-LAND-CONTRACT", "土地承包经营权首次登记", "首次", First, LandContractManagement, CreateRight, R_HOLDER, M_FIRST_LAND_CONTRACT, ANNOUNCED),
    flow!(Enterprise, "ENT-FIRST-STATE-AGRI-LAND", "国有农用地的使用权首次登记", "首次", First, StateAgriculturalLandUse, CreateRight, R_HOLDER, M_FIRST_AGRI_LAND, ANNOUNCED),
    flow!(Enterprise, "ENT-FIRST-FOREST-LAND", "林地使用权及森林、林木使用权首次登记", "首次", First, ForestLandAndTrees, CreateRight, R_HOLDER, M_FIRST_FOREST, ANNOUNCED),
    // 变更 6
    flow!(Enterprise, "ENT-CHANGE-STATE-LAND-NAME", "国有建设用地使用权变更登记（权利人姓名或名称变更）", "变更", Change, StateConstructionLandUse, ChangeRight, R_HOLDER, M_CHANGE_NAME, GENERAL; OneHolder),
    flow!(Enterprise, "ENT-CHANGE-STATE-LAND-ADDRESS", "国有建设用地使用权变更登记（不动产地址、坐落变更）", "变更", Change, StateConstructionLandUse, ChangeRight, R_HOLDER, M_CHANGE_ADDRESS, GENERAL),
    flow!(Enterprise, "ENT-CHANGE-STATE-HOUSE-ADDRESS", "国有建设用地使用权及房屋所有权变更登记（不动产地址、坐落变更）", "变更", Change, StateLandAndHouse, ChangeRight, R_HOLDER, M_CHANGE_ADDRESS, GENERAL),
    flow!(Enterprise, "ENT-CHANGE-STATE-HOUSE-NAME", "国有建设用地使用权及房屋所有权变更登记（权利人名称变更）", "变更", Change, StateLandAndHouse, ChangeRight, R_HOLDER, M_CHANGE_NAME, GENERAL; OneHolder),
    flow!(Enterprise, "ENT-CHANGE-COLLECTIVE-LAND-HOUSE", "集体建设用地使用权及房屋所有权变更登记", "变更", Change, CollectiveLandAndHouse, ChangeRight, R_HOLDER, M_CHANGE, GENERAL),
    flow!(Enterprise, "ENT-CHANGE-COLLECTIVE-LAND-OWNERSHIP", "集体土地所有权变更登记", "变更", Change, CollectiveLandOwnership, ChangeRight, R_HOLDER, M_CHANGE_COLLECTIVE, GENERAL),
    // 转移 6
    flow!(Enterprise, "ENT-TRANSFER-STATE-LAND", "国有建设用地使用权转移登记（净地转让）", "转移", Transfer, StateConstructionLandUse, TransferRight, R_BOTH, M_TRANSFER_LAND, GENERAL),
    flow!(Enterprise, "ENT-TRANSFER-COMMODITY", "购买商品房", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_COMMODITY, GENERAL),
    flow!(Enterprise, "ENT-TRANSFER-JUDICIAL", "司法裁决转移", "转移", Transfer, StateLandAndHouse, TransferRight, R_HOLDER, M_TRANSFER_JUDICIAL, GENERAL; Judgment),
    flow!(Enterprise, "ENT-TRANSFER-LAND-AND-HOUSE", "房地一体转移", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_SALE, GENERAL),
    flow!(Enterprise, "ENT-TRANSFER-COLLECTIVE-LAND-OWNERSHIP", "集体土地所有权转移登记", "转移", Transfer, CollectiveLandOwnership, TransferRight, R_BOTH, M_TRANSFER_COLLECTIVE, GENERAL),
    flow!(Enterprise, "ENT-TRANSFER-COLLECTIVE-LAND-HOUSE", "集体建设用地使用权及房屋所有权转移登记", "转移", Transfer, CollectiveLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_COLLECTIVE, GENERAL),
    // 注销 5
    flow!(Enterprise, "ENT-CANCEL-STATE-LAND", "国有建设用地使用权注销登记", "注销", Cancellation, StateConstructionLandUse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(Enterprise, "ENT-CANCEL-STATE-HOUSE", "国有建设用地使用权及房屋所有权注销登记", "注销", Cancellation, StateLandAndHouse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(Enterprise, "ENT-CANCEL-COLLECTIVE-LAND-HOUSE", "集体建设用地使用权及房屋所有权注销登记", "注销", Cancellation, CollectiveLandAndHouse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(Enterprise, "ENT-CANCEL-COLLECTIVE-LAND-OWNERSHIP", "集体土地所有权注销登记", "注销", Cancellation, CollectiveLandOwnership, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(Enterprise, "ENT-CANCEL-LAND-CONTRACT", "土地承包经营权注销登记", "注销", Cancellation, LandContractManagement, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    // 其他 2
    flow!(Enterprise, "ENT-MORTGAGE-FIRST-NONLOCAL-BANK", "抵押权首次（外地银行）", "其他", First, Mortgage, CreateRestriction, R_BOTH, M_MORTGAGE_FIRST, GENERAL),
    flow!(Enterprise, "ENT-FOREST-OWNERSHIP", "森林、林木所有权登记", "其他", First, ForestOwnership, CreateRight, R_HOLDER, M_FIRST_FOREST, ANNOUNCED),

    // ── 个人申请 (41): 首次 6
    flow!(Individual, "IND-FIRST-STATE-HOUSE-PRIVATE-BUILD", "国有建设用地使用权及房屋所有权首次登记（私房新建）", "首次", First, StateLandAndHouse, CreateRight, R_HOLDER, M_FIRST_HOUSE, GENERAL),
    flow!(Individual, "IND-FIRST-HOMESTEAD", "宅基地使用权首次登记", "首次", First, HomesteadUse, CreateRight, R_HOLDER, M_FIRST_HOMESTEAD, ANNOUNCED),
    flow!(Individual, "IND-FIRST-HOMESTEAD-HOUSE", "宅基地使用权及房屋所有权首次登记", "首次", First, HomesteadAndHouse, CreateRight, R_HOLDER, M_FIRST_HOMESTEAD_HOUSE, ANNOUNCED),
    flow!(Individual, "IND-FIRST-EASEMENT", "地役权首次登记", "首次", First, Easement, CreateRight, R_BOTH, M_FIRST_EASEMENT, GENERAL),
    flow!(Individual, "IND-FIRST-STATE-AGRI-LAND", "国有农用地的使用权首次登记", "首次", First, StateAgriculturalLandUse, CreateRight, R_HOLDER, M_FIRST_AGRI_LAND, ANNOUNCED),
    flow!(Individual, "IND-FIRST-FOREST-LAND", "林地使用权及森林、林木使用权首次登记", "首次", First, ForestLandAndTrees, CreateRight, R_HOLDER, M_FIRST_FOREST, ANNOUNCED),
    // 变更 6
    flow!(Individual, "IND-CHANGE-STATE-HOUSE-NAME", "国有建设用地使用权及房屋所有权变更登记（权利人姓名变更）", "变更", Change, StateLandAndHouse, ChangeRight, R_HOLDER, M_CHANGE_NAME, GENERAL; OneHolder),
    flow!(Individual, "IND-CHANGE-STATE-HOUSE-ADDRESS", "国有建设用地使用权及房屋所有权变更登记（不动产地址、坐落变更）", "变更", Change, StateLandAndHouse, ChangeRight, R_HOLDER, M_CHANGE_ADDRESS, GENERAL),
    flow!(Individual, "IND-CHANGE-STATE-HOUSE-CO-OWNERSHIP", "国有建设用地使用权及房屋所有权变更登记（共有性质变更）", "变更", Change, StateLandAndHouse, ChangeRight, R_HOLDER, M_CHANGE_CO_OWNERSHIP, GENERAL),
    flow!(Individual, "IND-CHANGE-HOMESTEAD-HOUSE", "宅基地使用权及房屋所有权变更登记", "变更", Change, HomesteadAndHouse, ChangeRight, R_HOLDER, M_CHANGE, GENERAL),
    flow!(Individual, "IND-CHANGE-EASEMENT", "地役权变更登记", "变更", Change, Easement, ChangeRight, R_BOTH, M_CHANGE_EASEMENT, GENERAL),
    flow!(Individual, "IND-CHANGE-LAND-CONTRACT", "土地承包经营权变更登记", "变更", Change, LandContractManagement, ChangeRight, R_HOLDER, M_CHANGE, GENERAL),
    // 预告 5
    flow!(Individual, "IND-ADVANCE", "预告登记的设立", "预告", Advance, AdvanceNotice, CreateRestriction, R_BOTH, M_ADVANCE, GENERAL),
    flow!(Individual, "IND-ADVANCE-CANCEL", "预告登记的注销", "预告", Advance, AdvanceNotice, ReleaseRestriction, R_HOLDER, M_ADVANCE_RELEASE, ONE_DAY, AUTO),
    flow!(Individual, "IND-ADVANCE-CHANGE", "预告登记的变更", "预告", Advance, AdvanceNotice, ChangeRestriction, R_BOTH, M_ADVANCE_CHANGE, GENERAL),
    flow!(Individual, "IND-ADVANCE-TRANSFER", "预告登记的转移", "预告", Advance, AdvanceNotice, ChangeRestriction, R_BOTH, M_ADVANCE_TRANSFER, GENERAL; Assignment),
    flow!(Individual, "IND-ADVANCE-TO-TITLE", "预购商品房预告登记转本登记", "预告", Transfer, StateLandAndHouse, AdvanceToTitle, R_HOLDER, M_ADVANCE_TO_TITLE, GENERAL),
    // 转移 11. The text lists 13 items separated by "、" but says 11: "不动产分割、合并（夫妻析产）"
    // and "不动产继承、受遗赠" are one business each (the "、" joins alternatives), so one flow each.
    flow!(Individual, "IND-TRANSFER-COMMODITY-ONE-WINDOW", "购买商品房（一窗）", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_COMMODITY, GENERAL),
    flow!(Individual, "IND-TRANSFER-COMMODITY", "购买商品房", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_COMMODITY, GENERAL),
    flow!(Individual, "IND-TRANSFER-STOCK-HOUSE", "存量房转移", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_SALE, GENERAL),
    flow!(Individual, "IND-TRANSFER-STOCK-HOUSE-ONE-THING", "存量房转移（一件事）", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_ONE_THING, GENERAL),
    flow!(Individual, "IND-TRANSFER-GIFT", "不动产赠与", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_GIFT, GENERAL),
    flow!(Individual, "IND-TRANSFER-JUDICIAL", "司法裁决转移", "转移", Transfer, StateLandAndHouse, TransferRight, R_HOLDER, M_TRANSFER_JUDICIAL, GENERAL; Judgment),
    flow!(Individual, "IND-TRANSFER-MARITAL-DIVISION", "不动产分割、合并（夫妻析产）", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_DIVISION, GENERAL; Division),
    flow!(Individual, "IND-TRANSFER-INHERITANCE", "不动产继承、受遗赠", "转移", Transfer, StateLandAndHouse, TransferRight, R_HOLDER, M_TRANSFER_INHERITANCE, GENERAL; Succession),
    flow!(Individual, "IND-TRANSFER-EASEMENT", "地役权转移登记", "转移", Transfer, Easement, TransferRight, R_BOTH, M_TRANSFER_EASEMENT, GENERAL),
    flow!(Individual, "IND-TRANSFER-HOMESTEAD-HOUSE", "宅基地使用权及房屋所有权转移登记", "转移", Transfer, HomesteadAndHouse, TransferRight, R_BOTH, M_TRANSFER, GENERAL),
    flow!(Individual, "IND-TRANSFER-LAND-CONTRACT", "土地承包经营权转移登记", "转移", Transfer, LandContractManagement, TransferRight, R_BOTH, M_TRANSFER, GENERAL),
    // 抵押 4 (private lenders: mortgage cancellation is reviewed, not automatic)
    flow!(Individual, "IND-MORTGAGE-FIRST-PRIVATE-LOAN", "抵押首次（民间借贷）", "抵押", First, Mortgage, CreateRestriction, R_BOTH, M_MORTGAGE_FIRST, GENERAL),
    flow!(Individual, "IND-MORTGAGE-CANCEL", "抵押权注销登记", "抵押", Cancellation, Mortgage, ReleaseRestriction, R_BOTH, M_MORTGAGE_RELEASE, ONE_DAY),
    flow!(Individual, "IND-MORTGAGE-CHANGE", "抵押权变更登记", "抵押", Change, Mortgage, ChangeRestriction, R_BOTH, M_MORTGAGE_CHANGE, GENERAL),
    flow!(Individual, "IND-MORTGAGE-TRANSFER", "抵押权转移登记", "抵押", Transfer, Mortgage, ChangeRestriction, R_BOTH, M_MORTGAGE_TRANSFER, GENERAL; Assignment),
    // 注销 3
    flow!(Individual, "IND-CANCEL-STATE-HOUSE", "国有建设用地使用权及房屋所有权注销登记", "注销", Cancellation, StateLandAndHouse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(Individual, "IND-CANCEL-HOMESTEAD-HOUSE", "宅基地使用权及房屋所有权注销登记", "注销", Cancellation, HomesteadAndHouse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(Individual, "IND-CANCEL-EASEMENT", "地役权注销登记", "注销", Cancellation, Easement, CancelRight, R_HOLDER, M_CANCEL_EASEMENT, GENERAL),
    // 其他 6
    flow!(Individual, "IND-REPLACE-CERTIFICATE", "换证登记", "其他", Other, StateLandAndHouse, ReplaceCertificate, R_HOLDER, M_REPLACE, GENERAL),
    flow!(Individual, "IND-REISSUE-CERTIFICATE", "遗失补证", "其他", Other, StateLandAndHouse, ReissueCertificate, R_HOLDER, M_REISSUE, REISSUE),
    flow!(Individual, "IND-CORRECTION", "依申请更正登记", "其他", Correction, StateLandAndHouse, Correction, R_HOLDER, M_CORRECTION, GENERAL),
    flow!(Individual, "IND-OBJECTION", "异议登记", "其他", Objection, Objection, CreateRestriction, R_HOLDER, M_OBJECTION, ONE_DAY),
    flow!(Individual, "IND-FOREST-OWNERSHIP", "森林/林木所有权登记", "其他", First, ForestOwnership, CreateRight, R_HOLDER, M_FIRST_FOREST, ANNOUNCED),
    flow!(Individual, "IND-OBJECTION-CANCEL", "注销异议登记", "其他", Objection, Objection, ReleaseRestriction, R_HOLDER, M_OBJECTION_RELEASE, ONE_DAY),
    // 居住权 (民法典 第366–371条): beyond table 4.2, required by law (see BEYOND_CONTRACT).
    flow!(Individual, "IND-RESIDENCE-FIRST", "居住权首次登记", "首次", First, ResidenceRight, CreateRight, R_BOTH, M_RESIDENCE_FIRST, GENERAL),
    flow!(Individual, "IND-RESIDENCE-CANCEL", "居住权注销登记", "注销", Cancellation, ResidenceRight, CancelRight, R_HOLDER, M_RESIDENCE_CANCEL, GENERAL),

    // ── 受办分离 (50): 首次 10
    flow!(AcceptElsewhere, "AE-FIRST-STATE-LAND", "国有建设用地使用权首次登记", "首次", First, StateConstructionLandUse, CreateRight, R_HOLDER, M_FIRST_LAND, GENERAL),
    flow!(AcceptElsewhere, "AE-FIRST-STATE-HOUSE", "国有建设用地使用权及房屋所有权首次登记", "首次", First, StateLandAndHouse, CreateRight, R_HOLDER, M_FIRST_HOUSE, GENERAL),
    flow!(AcceptElsewhere, "AE-FIRST-COLLECTIVE-LAND-HOUSE", "集体建设用地使用权及房屋所有权首次登记", "首次", First, CollectiveLandAndHouse, CreateRight, R_HOLDER, M_FIRST_COLLECTIVE_HOUSE, ANNOUNCED),
    flow!(AcceptElsewhere, "AE-FIRST-COLLECTIVE-LAND-OWNERSHIP", "集体土地所有权首次登记", "首次", First, CollectiveLandOwnership, CreateRight, R_HOLDER, M_FIRST_COLLECTIVE_OWNERSHIP, ANNOUNCED),
    flow!(AcceptElsewhere, "AE-FIRST-HOMESTEAD-HOUSE", "宅基地使用权及房屋所有权首次登记", "首次", First, HomesteadAndHouse, CreateRight, R_HOLDER, M_FIRST_HOMESTEAD_HOUSE, ANNOUNCED),
    flow!(AcceptElsewhere, "AE-FIRST-HOMESTEAD", "宅基地使用权首次登记", "首次", First, HomesteadUse, CreateRight, R_HOLDER, M_FIRST_HOMESTEAD, ANNOUNCED),
    flow!(AcceptElsewhere, "AE-FIRST-EASEMENT", "地役权首次登记", "首次", First, Easement, CreateRight, R_BOTH, M_FIRST_EASEMENT, GENERAL),
    flow!(AcceptElsewhere, "AE-FIRST-STATE-AGRI-LAND", "国有农用地的使用权首次登记", "首次", First, StateAgriculturalLandUse, CreateRight, R_HOLDER, M_FIRST_AGRI_LAND, ANNOUNCED),
    flow!(AcceptElsewhere, "AE-FIRST-FOREST-LAND", "林地使用权及森林/林木使用权首次登记", "首次", First, ForestLandAndTrees, CreateRight, R_HOLDER, M_FIRST_FOREST, ANNOUNCED),
    flow!(AcceptElsewhere, "AE-FIRST-LAND-CONTRACT", "土地承包经营权首次登记", "首次", First, LandContractManagement, CreateRight, R_HOLDER, M_FIRST_LAND_CONTRACT, ANNOUNCED),
    // 变更 7
    flow!(AcceptElsewhere, "AE-CHANGE-STATE-HOUSE", "国有建设用地使用权及房屋所有权变更登记", "变更", Change, StateLandAndHouse, ChangeRight, R_HOLDER, M_CHANGE, GENERAL),
    flow!(AcceptElsewhere, "AE-CHANGE-HOMESTEAD-HOUSE", "宅基地使用权及房屋所有权变更登记", "变更", Change, HomesteadAndHouse, ChangeRight, R_HOLDER, M_CHANGE, GENERAL),
    flow!(AcceptElsewhere, "AE-CHANGE-STATE-LAND", "国有建设用地使用权变更登记", "变更", Change, StateConstructionLandUse, ChangeRight, R_HOLDER, M_CHANGE, GENERAL),
    flow!(AcceptElsewhere, "AE-CHANGE-COLLECTIVE-LAND-HOUSE", "集体建设用地使用权及房屋所有权变更登记", "变更", Change, CollectiveLandAndHouse, ChangeRight, R_HOLDER, M_CHANGE, GENERAL),
    flow!(AcceptElsewhere, "AE-CHANGE-COLLECTIVE-LAND-OWNERSHIP", "集体土地所有权变更登记", "变更", Change, CollectiveLandOwnership, ChangeRight, R_HOLDER, M_CHANGE_COLLECTIVE, GENERAL),
    flow!(AcceptElsewhere, "AE-CHANGE-LAND-CONTRACT", "土地承包经营权变更登记", "变更", Change, LandContractManagement, ChangeRight, R_HOLDER, M_CHANGE, GENERAL),
    flow!(AcceptElsewhere, "AE-CHANGE-EASEMENT", "地役权变更登记", "变更", Change, Easement, ChangeRight, R_BOTH, M_CHANGE_EASEMENT, GENERAL),
    // 预告 4
    flow!(AcceptElsewhere, "AE-ADVANCE", "预告登记的设立", "预告", Advance, AdvanceNotice, CreateRestriction, R_BOTH, M_ADVANCE, GENERAL),
    flow!(AcceptElsewhere, "AE-ADVANCE-CANCEL", "预告登记的注销", "预告", Advance, AdvanceNotice, ReleaseRestriction, R_HOLDER, M_ADVANCE_RELEASE, ONE_DAY, AUTO),
    flow!(AcceptElsewhere, "AE-ADVANCE-CHANGE", "预告登记的变更", "预告", Advance, AdvanceNotice, ChangeRestriction, R_BOTH, M_ADVANCE_CHANGE, GENERAL),
    flow!(AcceptElsewhere, "AE-ADVANCE-TRANSFER", "预告登记的转移", "预告", Advance, AdvanceNotice, ChangeRestriction, R_BOTH, M_ADVANCE_TRANSFER, GENERAL; Assignment),
    // 转移 7
    flow!(AcceptElsewhere, "AE-TRANSFER-STATE-HOUSE", "国有建设用地使用权及房屋所有权转移登记", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER, GENERAL),
    flow!(AcceptElsewhere, "AE-TRANSFER-STATE-LAND", "国有建设用地使用权转移登记", "转移", Transfer, StateConstructionLandUse, TransferRight, R_BOTH, M_TRANSFER_LAND, GENERAL),
    flow!(AcceptElsewhere, "AE-TRANSFER-COLLECTIVE-LAND-HOUSE", "集体建设用地使用权及房屋所有权转移登记", "转移", Transfer, CollectiveLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_COLLECTIVE, GENERAL),
    flow!(AcceptElsewhere, "AE-TRANSFER-HOMESTEAD-HOUSE", "宅基地使用权及房屋所有权转移登记", "转移", Transfer, HomesteadAndHouse, TransferRight, R_BOTH, M_TRANSFER, GENERAL),
    flow!(AcceptElsewhere, "AE-TRANSFER-COLLECTIVE-LAND-OWNERSHIP", "集体土地所有权转移登记", "转移", Transfer, CollectiveLandOwnership, TransferRight, R_BOTH, M_TRANSFER_COLLECTIVE, GENERAL),
    flow!(AcceptElsewhere, "AE-TRANSFER-EASEMENT", "地役权转移登记", "转移", Transfer, Easement, TransferRight, R_BOTH, M_TRANSFER_EASEMENT, GENERAL),
    flow!(AcceptElsewhere, "AE-TRANSFER-LAND-CONTRACT", "土地承包经营权转移登记", "转移", Transfer, LandContractManagement, TransferRight, R_BOTH, M_TRANSFER, GENERAL),
    // 抵押 4
    flow!(AcceptElsewhere, "AE-MORTGAGE-FIRST", "抵押权首次登记", "抵押", First, Mortgage, CreateRestriction, R_BOTH, M_MORTGAGE_FIRST, GENERAL),
    flow!(AcceptElsewhere, "AE-MORTGAGE-CANCEL", "抵押权注销登记", "抵押", Cancellation, Mortgage, ReleaseRestriction, R_HOLDER, M_MORTGAGE_RELEASE, ONE_DAY),
    flow!(AcceptElsewhere, "AE-MORTGAGE-CHANGE", "抵押权变更登记", "抵押", Change, Mortgage, ChangeRestriction, R_BOTH, M_MORTGAGE_CHANGE, GENERAL),
    flow!(AcceptElsewhere, "AE-MORTGAGE-TRANSFER", "抵押权转移登记", "抵押", Transfer, Mortgage, ChangeRestriction, R_BOTH, M_MORTGAGE_TRANSFER, GENERAL; Assignment),
    // 注销 7
    flow!(AcceptElsewhere, "AE-CANCEL-STATE-LAND", "国有建设用地使用权注销登记", "注销", Cancellation, StateConstructionLandUse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(AcceptElsewhere, "AE-CANCEL-STATE-HOUSE", "国有建设用地使用权及房屋所有权注销登记", "注销", Cancellation, StateLandAndHouse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(AcceptElsewhere, "AE-CANCEL-COLLECTIVE-LAND-HOUSE", "集体建设用地使用权及房屋所有权注销登记", "注销", Cancellation, CollectiveLandAndHouse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(AcceptElsewhere, "AE-CANCEL-HOMESTEAD-HOUSE", "宅基地使用权及房屋所有权注销登记", "注销", Cancellation, HomesteadAndHouse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(AcceptElsewhere, "AE-CANCEL-COLLECTIVE-LAND-OWNERSHIP", "集体土地所有权注销登记", "注销", Cancellation, CollectiveLandOwnership, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(AcceptElsewhere, "AE-CANCEL-EASEMENT", "地役权注销登记", "注销", Cancellation, Easement, CancelRight, R_HOLDER, M_CANCEL_EASEMENT, GENERAL),
    flow!(AcceptElsewhere, "AE-CANCEL-LAND-CONTRACT", "土地承包经营权注销登记", "注销", Cancellation, LandContractManagement, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    // 其他 9
    flow!(AcceptElsewhere, "AE-REPLACE-CERTIFICATE", "换证", "其他", Other, StateLandAndHouse, ReplaceCertificate, R_HOLDER, M_REPLACE, GENERAL),
    flow!(AcceptElsewhere, "AE-REISSUE-CERTIFICATE", "遗失补证", "其他", Other, StateLandAndHouse, ReissueCertificate, R_HOLDER, M_REISSUE, REISSUE),
    flow!(AcceptElsewhere, "AE-CORRECTION", "依申请更正登记", "其他", Correction, StateLandAndHouse, Correction, R_HOLDER, M_CORRECTION, GENERAL),
    flow!(AcceptElsewhere, "AE-OBJECTION", "异议登记", "其他", Objection, Objection, CreateRestriction, R_HOLDER, M_OBJECTION, ONE_DAY),
    flow!(AcceptElsewhere, "AE-SEIZURE-RELEASE", "注销查封登记", "其他", Seizure, Seizure, ReleaseRestriction, R_AGENT, M_SEIZURE_RELEASE, ONE_DAY),
    flow!(AcceptElsewhere, "AE-SEIZURE", "查封登记", "其他", Seizure, Seizure, CreateRestriction, R_AGENT, M_SEIZURE, ONE_DAY),
    flow!(AcceptElsewhere, "AE-CORRECTION-EX-OFFICIO", "依职权更正登记", "其他", Correction, StateLandAndHouse, Correction, R_HOLDER, M_CORRECTION_EX_OFFICIO, ANNOUNCED; ExOfficio),
    flow!(AcceptElsewhere, "AE-FOREST-OWNERSHIP", "森林/林木所有权登记", "其他", First, ForestOwnership, CreateRight, R_HOLDER, M_FIRST_FOREST, ANNOUNCED),
    flow!(AcceptElsewhere, "AE-OBJECTION-CANCEL", "注销异议登记", "其他", Objection, Objection, ReleaseRestriction, R_HOLDER, M_OBJECTION_RELEASE, ONE_DAY),
    // 涉税 2
    flow!(AcceptElsewhere, "AE-TAX-TRANSFER-COMMODITY", "商品房转移", "涉税", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER_COMMODITY, GENERAL),
    flow!(AcceptElsewhere, "AE-TAX-TRANSFER-MORTGAGE-COMMODITY", "商品房转移抵押合并登记", "涉税", Transfer, StateLandAndHouse, TransferWithMortgage, R_BOTH, M_TRANSFER_MORTGAGE_COMMODITY, GENERAL),

    // ── 窗口 (26): the flows staff enter at the counter.
    flow!(Counter, "CTR-FIRST-STATE-LAND", "国有建设用地使用权首次登记", "首次", First, StateConstructionLandUse, CreateRight, R_HOLDER, M_FIRST_LAND, GENERAL),
    flow!(Counter, "CTR-FIRST-STATE-HOUSE", "国有建设用地使用权及房屋所有权首次登记", "首次", First, StateLandAndHouse, CreateRight, R_HOLDER, M_FIRST_HOUSE, GENERAL),
    flow!(Counter, "CTR-TRANSFER", "国有建设用地使用权及房屋所有权转移登记", "转移", Transfer, StateLandAndHouse, TransferRight, R_BOTH, M_TRANSFER, GENERAL),
    flow!(Counter, "CTR-CHANGE", "国有建设用地使用权及房屋所有权变更登记", "变更", Change, StateLandAndHouse, ChangeRight, R_HOLDER, M_CHANGE, GENERAL),
    flow!(Counter, "CTR-CANCEL", "国有建设用地使用权及房屋所有权注销登记", "注销", Cancellation, StateLandAndHouse, CancelRight, R_HOLDER, M_CANCEL, GENERAL),
    flow!(Counter, "CTR-CORRECTION", "依申请更正登记", "其他", Correction, StateLandAndHouse, Correction, R_HOLDER, M_CORRECTION, GENERAL),
    flow!(Counter, "CTR-CORRECTION-EX-OFFICIO", "依职权更正登记", "其他", Correction, StateLandAndHouse, Correction, R_HOLDER, M_CORRECTION_EX_OFFICIO, ANNOUNCED; ExOfficio),
    flow!(Counter, "CTR-OBJECTION", "异议登记", "其他", Objection, Objection, CreateRestriction, R_HOLDER, M_OBJECTION, ONE_DAY),
    flow!(Counter, "CTR-OBJECTION-CANCEL", "注销异议登记", "其他", Objection, Objection, ReleaseRestriction, R_HOLDER, M_OBJECTION_RELEASE, ONE_DAY),
    flow!(Counter, "CTR-ADVANCE", "预告登记", "预告", Advance, AdvanceNotice, CreateRestriction, R_BOTH, M_ADVANCE, GENERAL),
    flow!(Counter, "CTR-ADVANCE-CANCEL", "预告注销登记", "预告", Advance, AdvanceNotice, ReleaseRestriction, R_HOLDER, M_ADVANCE_RELEASE, ONE_DAY, AUTO),
    flow!(Counter, "CTR-ADVANCE-TO-TITLE", "预告转本登记", "预告", Transfer, StateLandAndHouse, AdvanceToTitle, R_HOLDER, M_ADVANCE_TO_TITLE, GENERAL),
    flow!(Counter, "CTR-MORTGAGE-FIRST", "抵押权首次登记", "抵押", First, Mortgage, CreateRestriction, R_BOTH, M_MORTGAGE_FIRST, GENERAL),
    flow!(Counter, "CTR-MORTGAGE-CHANGE", "抵押权变更登记", "抵押", Change, Mortgage, ChangeRestriction, R_BOTH, M_MORTGAGE_CHANGE, GENERAL),
    flow!(Counter, "CTR-MORTGAGE-CANCEL", "抵押权注销登记", "抵押", Cancellation, Mortgage, ReleaseRestriction, R_HOLDER, M_MORTGAGE_RELEASE, ONE_DAY, AUTO),
    flow!(Counter, "CTR-SEIZURE", "查封登记", "其他", Seizure, Seizure, CreateRestriction, R_AGENT, M_SEIZURE, ONE_DAY),
    flow!(Counter, "CTR-SEIZURE-QUEUED", "轮候查封登记", "其他", Seizure, Seizure, CreateRestriction, R_AGENT, M_SEIZURE, ONE_DAY),
    flow!(Counter, "CTR-SEIZURE-PRE", "预查封登记", "其他", Seizure, Seizure, CreateRestriction, R_AGENT, M_SEIZURE, ONE_DAY),
    flow!(Counter, "CTR-SEIZURE-RENEW", "续封登记", "其他", Seizure, Seizure, ChangeRestriction, R_AGENT, M_SEIZURE, ONE_DAY),
    flow!(Counter, "CTR-SEIZURE-RELEASE", "解封登记", "其他", Seizure, Seizure, ReleaseRestriction, R_AGENT, M_SEIZURE_RELEASE, ONE_DAY),
    flow!(Counter, "CTR-REPLACE-CERTIFICATE", "换证", "其他", Other, StateLandAndHouse, ReplaceCertificate, R_HOLDER, M_REPLACE, GENERAL),
    flow!(Counter, "CTR-REISSUE-CERTIFICATE", "遗失补证", "其他", Other, StateLandAndHouse, ReissueCertificate, R_HOLDER, M_REISSUE, REISSUE),
    flow!(Counter, "CTR-LOCK", "锁定", "其他", Other, Lock, CreateRestriction, R_AGENT, M_LOCK, ONE_DAY),
    flow!(Counter, "CTR-UNLOCK", "解锁", "其他", Other, Lock, ReleaseRestriction, R_AGENT, M_LOCK, ONE_DAY),
    flow!(Counter, "CTR-RESIDENCE-FIRST", "居住权首次登记", "首次", First, ResidenceRight, CreateRight, R_BOTH, M_RESIDENCE_FIRST, GENERAL),
    flow!(Counter, "CTR-RESIDENCE-CANCEL", "居住权注销登记", "注销", Cancellation, ResidenceRight, CancelRight, R_HOLDER, M_RESIDENCE_CANCEL, GENERAL),
];

/// The flow table of `docs/FLOWS.md`, generated from the catalogue: flow, who may apply, what
/// 登簿 does, materials, time limit, automatic registration. A test keeps the file in step.
pub fn flows_markdown() -> String {
    let mut out = String::from(
        "# 业务目录 — the flow table\n\n\
         Generated from the catalogue (`crates/contexts/bdc-registry/src/domain/catalogue.rs`) by `bdc catalogue --markdown`; \
         a test fails when this file and the catalogue differ (regenerate with \
         `BDC_UPDATE_DOCS=1 cargo test -p bdc-domain flow_table`). 申请主体 is who may apply \
         (STANDARDS.md, \"Who may apply\"); the entitlement check refuses anyone else with the law it \
         names. Materials marked （可选） are optional. 智能登簿 flows are registered without a person \
         only when every check passes and the register alone shows the applicant is entitled.\n",
    );
    for c in Channel::ALL {
        let n = by_channel(*c).count();
        out.push_str(&format!("\n## {}（{} 项）\n\n", c.name(), n));
        out.push_str("| 代码 | 业务 | 分类 | 登记类型 | 权利 | 登簿效果 | 申请主体 | 申请人 | 材料 | 时限（工作日） | 智能登簿 |\n");
        out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for f in by_channel(*c) {
            let roles: Vec<&str> = f.applicant_roles.iter().map(|r| r.name()).collect();
            let materials: Vec<String> = f.materials.iter().map(|m| if m.required { m.name.to_owned() } else { format!("{}（可选）", m.name) }).collect();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                f.code,
                f.name,
                f.group,
                f.registration_type.name(),
                f.right_kind.name(),
                f.effect.name(),
                f.basis.name(),
                roles.join("、"),
                materials.join("；"),
                f.time_limit_days,
                if f.auto_register { "是" } else { "否" },
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn names(c: Channel, group: Option<&str>) -> Vec<&'static str> {
        by_channel(c).filter(|f| group.is_none_or(|g| f.group == g) && !BEYOND_CONTRACT.contains(&f.code)).map(|f| f.name).collect()
    }

    /// A channel, its number of flows, and the number per group where the contract gives one.
    type Counts = (Channel, usize, &'static [(&'static str, usize)]);

    #[test]
    fn counts_per_channel_and_group() {
        let expected: &[Counts] = &[
            (Channel::HousingAuthority, 3, &[]),
            (Channel::Bank, 9, &[]),
            (Channel::Developer, 3, &[]),
            (Channel::Enterprise, 28, &[("首次", 9), ("变更", 6), ("转移", 6), ("注销", 5), ("其他", 2)]),
            (Channel::Individual, 41, &[("首次", 6), ("变更", 6), ("预告", 5), ("转移", 11), ("抵押", 4), ("注销", 3), ("其他", 6)]),
            (Channel::AcceptElsewhere, 50, &[("首次", 10), ("变更", 7), ("预告", 4), ("转移", 7), ("抵押", 4), ("注销", 7), ("其他", 9), ("涉税", 2)]),
            (Channel::Counter, 26, &[]),
        ];
        for (c, total, groups) in expected {
            assert_eq!(by_channel(*c).filter(|f| !BEYOND_CONTRACT.contains(&f.code)).count(), *total, "{c:?}");
            if !groups.is_empty() {
                assert_eq!(groups.iter().map(|(_, n)| n).sum::<usize>(), *total, "{c:?}");
            }
            for (g, n) in *groups {
                assert_eq!(names(*c, Some(g)).len(), *n, "{c:?} {g}");
            }
        }
        assert_eq!(flows().len(), 3 + 9 + 3 + 28 + 41 + 50 + 26 + BEYOND_CONTRACT.len());
    }

    /// The names of each list of table 4.2, in catalogue order and joined with "、", give back the
    /// text of the contract (seed/contract.txt) character for character.
    #[test]
    fn names_reproduce_the_contract_text() {
        let lists: &[(Channel, Option<&str>, &str)] = &[
            // The contract writes "双预告升级"; REQUIREMENTS.md B4 and the catalogue say "双预告".
            (Channel::HousingAuthority, None, "存量房转移登记、存量房转移抵押合并登记、双预告"),
            (Channel::Bank, None, "抵押权首次、抵押权注销、抵押权变更、双预告、双预告转移、双预告变更、双预告注销、双预告转本、商品房转移抵押合并登记"),
            (Channel::Developer, None, "商品房转移登记、商品房转移抵押合并登记、预购商品房预告登记"),
            (Channel::Enterprise, Some("首次"), "国有建设用地使用权首次登记（出让）、国有建设用地使用权首次登记（划拨）、国有建设用地使用权及房屋所有权首次登记（商品房首次）、国有建设用地使用权及房屋所有权首次登记（单位房新建）、集体土地所有权首次登记、集体建设用地使用权及房屋所有权首次登记、土地承包经营权首次登记、国有农用地的使用权首次登记、林地使用权及森林、林木使用权首次登记"),
            (Channel::Enterprise, Some("变更"), "国有建设用地使用权变更登记（权利人姓名或名称变更）、国有建设用地使用权变更登记（不动产地址、坐落变更）、国有建设用地使用权及房屋所有权变更登记（不动产地址、坐落变更）、国有建设用地使用权及房屋所有权变更登记（权利人名称变更）、集体建设用地使用权及房屋所有权变更登记、集体土地所有权变更登记"),
            (Channel::Enterprise, Some("转移"), "国有建设用地使用权转移登记（净地转让）、购买商品房、司法裁决转移、房地一体转移、集体土地所有权转移登记、集体建设用地使用权及房屋所有权转移登记"),
            (Channel::Enterprise, Some("注销"), "国有建设用地使用权注销登记、国有建设用地使用权及房屋所有权注销登记、集体建设用地使用权及房屋所有权注销登记、集体土地所有权注销登记、土地承包经营权注销登记"),
            (Channel::Enterprise, Some("其他"), "抵押权首次（外地银行）、森林、林木所有权登记"),
            (Channel::Individual, Some("首次"), "国有建设用地使用权及房屋所有权首次登记（私房新建）、宅基地使用权首次登记、宅基地使用权及房屋所有权首次登记、地役权首次登记、国有农用地的使用权首次登记、林地使用权及森林、林木使用权首次登记"),
            (Channel::Individual, Some("变更"), "国有建设用地使用权及房屋所有权变更登记（权利人姓名变更）、国有建设用地使用权及房屋所有权变更登记（不动产地址、坐落变更）、国有建设用地使用权及房屋所有权变更登记（共有性质变更）、宅基地使用权及房屋所有权变更登记、地役权变更登记、土地承包经营权变更登记"),
            (Channel::Individual, Some("预告"), "预告登记的设立、预告登记的注销、预告登记的变更、预告登记的转移、预购商品房预告登记转本登记"),
            (Channel::Individual, Some("转移"), "购买商品房（一窗）、购买商品房、存量房转移、存量房转移（一件事）、不动产赠与、司法裁决转移、不动产分割、合并（夫妻析产）、不动产继承、受遗赠、地役权转移登记、宅基地使用权及房屋所有权转移登记、土地承包经营权转移登记"),
            (Channel::Individual, Some("抵押"), "抵押首次（民间借贷）、抵押权注销登记、抵押权变更登记、抵押权转移登记"),
            (Channel::Individual, Some("注销"), "国有建设用地使用权及房屋所有权注销登记、宅基地使用权及房屋所有权注销登记、地役权注销登记"),
            (Channel::Individual, Some("其他"), "换证登记、遗失补证、依申请更正登记、异议登记、森林/林木所有权登记、注销异议登记"),
            (Channel::AcceptElsewhere, Some("首次"), "国有建设用地使用权首次登记、国有建设用地使用权及房屋所有权首次登记、集体建设用地使用权及房屋所有权首次登记、集体土地所有权首次登记、宅基地使用权及房屋所有权首次登记、宅基地使用权首次登记、地役权首次登记、国有农用地的使用权首次登记、林地使用权及森林/林木使用权首次登记、土地承包经营权首次登记"),
            (Channel::AcceptElsewhere, Some("变更"), "国有建设用地使用权及房屋所有权变更登记、宅基地使用权及房屋所有权变更登记、国有建设用地使用权变更登记、集体建设用地使用权及房屋所有权变更登记、集体土地所有权变更登记、土地承包经营权变更登记、地役权变更登记"),
            (Channel::AcceptElsewhere, Some("预告"), "预告登记的设立、预告登记的注销、预告登记的变更、预告登记的转移"),
            (Channel::AcceptElsewhere, Some("转移"), "国有建设用地使用权及房屋所有权转移登记、国有建设用地使用权转移登记、集体建设用地使用权及房屋所有权转移登记、宅基地使用权及房屋所有权转移登记、集体土地所有权转移登记、地役权转移登记、土地承包经营权转移登记"),
            (Channel::AcceptElsewhere, Some("抵押"), "抵押权首次登记、抵押权注销登记、抵押权变更登记、抵押权转移登记"),
            (Channel::AcceptElsewhere, Some("注销"), "国有建设用地使用权注销登记、国有建设用地使用权及房屋所有权注销登记、集体建设用地使用权及房屋所有权注销登记、宅基地使用权及房屋所有权注销登记、集体土地所有权注销登记、地役权注销登记、土地承包经营权注销登记"),
            (Channel::AcceptElsewhere, Some("其他"), "换证、遗失补证、依申请更正登记、异议登记、注销查封登记、查封登记、依职权更正登记、森林/林木所有权登记、注销异议登记"),
            (Channel::AcceptElsewhere, Some("涉税"), "商品房转移、商品房转移抵押合并登记"),
        ];
        for (c, g, text) in lists {
            assert_eq!(names(*c, *g).join("、"), *text, "{c:?} {g:?}");
        }
    }

    #[test]
    fn spot_checks_of_names() {
        let checks = [
            ("HA-TRANSFER-STOCK-HOUSE", "存量房转移登记"),
            ("HA-DOUBLE-ADVANCE", "双预告"),
            ("BANK-MORTGAGE-CANCEL", "抵押权注销"),
            ("BANK-DOUBLE-ADVANCE-TO-TITLE", "双预告转本"),
            ("BANK-TRANSFER-MORTGAGE-COMMODITY", "商品房转移抵押合并登记"),
            ("DEV-ADVANCE-PRESALE", "预购商品房预告登记"),
            ("ENT-FIRST-STATE-LAND-GRANT", "国有建设用地使用权首次登记（出让）"),
            ("ENT-FIRST-STATE-HOUSE-COMMODITY", "国有建设用地使用权及房屋所有权首次登记（商品房首次）"),
            ("ENT-FIRST-FOREST-LAND", "林地使用权及森林、林木使用权首次登记"),
            ("ENT-CHANGE-STATE-LAND-NAME", "国有建设用地使用权变更登记（权利人姓名或名称变更）"),
            ("ENT-TRANSFER-STATE-LAND", "国有建设用地使用权转移登记（净地转让）"),
            ("ENT-MORTGAGE-FIRST-NONLOCAL-BANK", "抵押权首次（外地银行）"),
            ("ENT-FOREST-OWNERSHIP", "森林、林木所有权登记"),
            ("IND-FIRST-STATE-HOUSE-PRIVATE-BUILD", "国有建设用地使用权及房屋所有权首次登记（私房新建）"),
            ("IND-CHANGE-STATE-HOUSE-CO-OWNERSHIP", "国有建设用地使用权及房屋所有权变更登记（共有性质变更）"),
            ("IND-ADVANCE-TO-TITLE", "预购商品房预告登记转本登记"),
            ("IND-TRANSFER-COMMODITY-ONE-WINDOW", "购买商品房（一窗）"),
            ("IND-TRANSFER-STOCK-HOUSE", "存量房转移"),
            ("IND-TRANSFER-STOCK-HOUSE-ONE-THING", "存量房转移（一件事）"),
            ("IND-TRANSFER-MARITAL-DIVISION", "不动产分割、合并（夫妻析产）"),
            ("IND-TRANSFER-INHERITANCE", "不动产继承、受遗赠"),
            ("IND-MORTGAGE-FIRST-PRIVATE-LOAN", "抵押首次（民间借贷）"),
            ("IND-REPLACE-CERTIFICATE", "换证登记"),
            ("IND-FOREST-OWNERSHIP", "森林/林木所有权登记"),
            ("AE-FIRST-FOREST-LAND", "林地使用权及森林/林木使用权首次登记"),
            ("AE-SEIZURE-RELEASE", "注销查封登记"),
            ("AE-CORRECTION-EX-OFFICIO", "依职权更正登记"),
            ("AE-TAX-TRANSFER-COMMODITY", "商品房转移"),
            ("CTR-SEIZURE-QUEUED", "轮候查封登记"),
        ];
        for (code, name) in checks {
            assert_eq!(flow(code).map(|f| f.name), Some(name), "{code}");
        }
    }

    #[test]
    fn codes_are_unique_ascii_and_found() {
        let mut seen = HashSet::new();
        for f in flows() {
            assert!(seen.insert(f.code), "duplicate code {}", f.code);
            assert!(f.code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'), "{}", f.code);
            assert_eq!(flow(f.code), Some(f));
        }
        assert_eq!(flow("IND-TRANSFER-STOCK-HOUSE").map(|f| f.name), Some("存量房转移"));
        assert!(flow("NO-SUCH-FLOW").is_none());
        assert!(flow("ind-transfer-stock-house").is_none());
    }

    #[test]
    fn every_flow_is_well_formed() {
        for f in flows() {
            assert!(!f.name.is_empty() && !f.name.contains('(') && !f.name.contains(')'), "{}", f.code);
            assert!(GROUPS.contains(&f.group), "{}: group {}", f.code, f.group);
            assert_eq!(f.channels.len(), 1, "{}", f.code);
            assert!(!f.applicant_roles.is_empty(), "{}: no applicant role", f.code);
            assert!(f.required_materials().next().is_some(), "{}: no required material", f.code);
            let mut codes = HashSet::new();
            for m in f.materials {
                assert!(codes.insert(m.code), "{}: material {} twice", f.code, m.code);
            }
            assert!((1..=LEGAL_MAX_DAYS).contains(&f.time_limit_days), "{}: {} days", f.code, f.time_limit_days);
            // Restriction effects act on restriction kinds; every other effect on a right.
            assert_eq!(f.effect.acts_on_restriction(), f.right_kind.is_restriction(), "{}", f.code);
        }
    }

    #[test]
    fn auto_register_only_for_simple_releases() {
        let auto: Vec<&str> = flows().iter().filter(|f| f.auto_register).map(|f| f.code).collect();
        for code in &auto {
            let f = flow(code).unwrap();
            assert_eq!(f.effect, Effect::ReleaseRestriction, "{code}");
            assert_eq!(f.time_limit_days, 1, "{code}");
        }
        assert_eq!(auto, ["BANK-MORTGAGE-CANCEL", "BANK-DOUBLE-ADVANCE-CANCEL", "IND-ADVANCE-CANCEL", "AE-ADVANCE-CANCEL", "CTR-ADVANCE-CANCEL", "CTR-MORTGAGE-CANCEL",]);
        assert!(!flow("IND-OBJECTION-CANCEL").unwrap().auto_register);
        assert!(!flow("IND-REISSUE-CERTIFICATE").unwrap().auto_register);
    }

    #[test]
    fn seizures_use_the_seizure_type() {
        for f in flows().iter().filter(|f| f.right_kind == RightKind::Seizure) {
            assert_eq!(f.registration_type, RegistrationType::Seizure, "{}", f.code);
            assert_eq!(f.applicant_roles, &[ApplicantRole::Agent], "{}", f.code);
        }
        assert_eq!(by_channel(Channel::Counter).filter(|f| f.right_kind == RightKind::Seizure).count(), 5);
    }

    #[test]
    fn enum_codes_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(*c));
        }
        for r in ApplicantRole::ALL {
            assert_eq!(ApplicantRole::from_code(r.code()), Some(*r));
        }
        assert_eq!(Channel::AcceptElsewhere.name(), "受办分离");
        assert_eq!(ApplicantRole::Obligor.name(), "义务人");
        assert_eq!(Effect::AdvanceToTitle.code(), "advance_to_title");
    }

    #[test]
    fn flow_table_in_the_docs_is_the_catalogue() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../docs/FLOWS.md");
        let want = flows_markdown();
        if std::env::var_os("BDC_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let got = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(got == want, "docs/FLOWS.md is out of date: run BDC_UPDATE_DOCS=1 cargo test -p bdc-domain flow_table");
        assert_eq!(want.matches("\n| `").count(), flows().len());
    }

    #[test]
    fn combined_flows_are_named_in_the_table() {
        let combined: Vec<&str> = flows().iter().filter(|f| f.with_mortgage()).map(|f| f.name).collect();
        assert!(combined.iter().all(|n| n.contains("抵押") || *n == "双预告" || *n == "双预告转本"), "{combined:?}");
        assert_eq!(combined.len(), 7);
        assert!(flows().iter().filter(|f| f.pre_seizure()).all(|f| f.name == "预查封登记" && f.right_kind == RightKind::Seizure));
    }

    #[test]
    fn every_flow_names_who_may_apply() {
        for f in flows() {
            // A flow that ends or changes a right is applied for by its holder, a court or the office.
            if matches!(f.effect, Effect::CancelRight | Effect::ChangeRight | Effect::ReleaseRestriction | Effect::ReplaceCertificate | Effect::ReissueCertificate) {
                assert!(matches!(f.basis, Basis::Holder | Basis::OneHolder | Basis::Court | Basis::Authority), "{}: {:?}", f.code, f.basis);
            }
            if f.auto_register {
                assert!(f.basis.checkable_from_register(), "{}", f.code);
            }
        }
        assert_eq!(flow("IND-TRANSFER-MARITAL-DIVISION").unwrap().basis, Basis::Division);
        assert_eq!(flow("IND-MORTGAGE-TRANSFER").unwrap().basis, Basis::Assignment);
        assert_eq!(flow("CTR-CORRECTION-EX-OFFICIO").unwrap().basis, Basis::ExOfficio);
        assert_eq!(flow("IND-CHANGE-STATE-HOUSE-NAME").unwrap().change_scope(), Some(ChangeScope::Name));
    }
}
