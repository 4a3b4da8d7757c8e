//! The register's records as the JSON API shows them (数据传输对象): a case, its applicants and
//! the change it asks for. The register's own API and every context that shows a case (the
//! portal's 我的办件) answer with these, so a case reads the same wherever it is fetched.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::cases::{CaseRecord, RequestDoc};

/// An applicant of a case.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantDto {
    pub party_id: i64,
    /// right_holder 权利人, obligor 义务人, agent 代理人.
    pub role: String,
    /// 份额 for 按份共有, e.g. 1/2 (default 1).
    #[serde(default)]
    pub share: Option<String>,
}

/// The change asked for.
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RequestDto {
    /// 共有方式: 0 单独, 1 共同, 2 按份, 3 其他.
    pub co_ownership: Option<String>,
    /// Particulars: amount, term_start, term_end, mortgage_method, no_transfer, advance_kind, lapses_on, court, court_case, note …
    #[serde(default)]
    pub attributes: std::collections::BTreeMap<String, String>,
    /// The right or restriction acted on, when the unit has several of the kind.
    pub target_right: Option<i64>,
    /// For 转移抵押合并 / 双预告转本: the mortgagees (party ids).
    #[serde(default)]
    pub mortgagees: Vec<i64>,
    /// For 预告转本: the right kind of the title.
    pub title_kind: Option<String>,
    /// Parties who consent (预告权利人、抵押权人).
    #[serde(default)]
    pub consents: Vec<i64>,
    /// Material codes handed in.
    #[serde(default)]
    pub materials: Vec<String>,
}

/// A case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDto {
    pub id: i64,
    /// 业务号.
    pub case_number: String,
    pub flow_code: String,
    pub flow_name: String,
    pub state: String,
    pub state_name: String,
    pub channel: String,
    pub accepted_on: NaiveDate,
    /// 办结期限 (working days from acceptance; 补正 pauses it).
    pub deadline: NaiveDate,
    pub state_reason: String,
    pub unit_ids: Vec<i64>,
    pub applicants: Vec<ApplicantDto>,
    pub request: RequestDto,
    /// 审核报告.
    pub review_report: Option<String>,
    /// Journal entry of its registration.
    pub registered_seq: Option<i64>,
    pub version: i64,
}

pub fn case_dto(c: CaseRecord) -> CaseDto {
    let req: RequestDoc = serde_json::from_str(&c.request).unwrap_or_default();
    CaseDto {
        id: c.id,
        flow_name: crate::domain::catalogue::flow(&c.flow_code).map(|f| f.name.to_owned()).unwrap_or_default(),
        case_number: c.case_number,
        flow_code: c.flow_code,
        state_name: c.state.name().into(),
        state: c.state.code().into(),
        channel: c.channel,
        accepted_on: c.accepted_on,
        deadline: c.deadline,
        state_reason: c.state_reason,
        unit_ids: c.units.iter().map(|u| u.0).collect(),
        applicants: c.applicants.into_iter().map(|(p, r, s)| ApplicantDto { party_id: p, role: r, share: Some(s) }).collect(),
        request: RequestDto {
            co_ownership: req.co_ownership,
            attributes: req.attrs,
            target_right: req.target_right,
            mortgagees: req.mortgagees,
            title_kind: req.title_kind,
            consents: req.consents,
            materials: req.materials,
        },
        review_report: c.review_report,
        registered_seq: c.registered_seq,
        version: c.version,
    }
}
