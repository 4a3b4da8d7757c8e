//! `GET /api/v1/cases/search` — 业务查询 for integrations: the staff's case search with the same
//! conditions as the page (`/workbench/search`), in the query string, paged in the database.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::service::case_search::{self, CaseHit, SearchInput};
use crate::Services;
use bdc_http::extract::{paging, ApiQuery};
use bdc_http::paged::PageDto;
use bdc_http::problem::{ApiResult, Problem};
use bdc_http::session::Authed;

/// 查询条件: every one optional, combined with AND.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseSearchQuery {
    /// 业务号, whole or its beginning.
    pub case_number: Option<String>,
    /// 申请人姓名, or part of it.
    pub applicant: Option<String>,
    /// 申请人证件号码, whole (found by its blind index).
    pub id_number: Option<String>,
    /// 坐落, or part of it.
    pub location: Option<String>,
    /// 不动产单元号.
    pub unit_number: Option<String>,
    /// 不动产权证书号/证明号 as typed (full-width brackets and spaces are read as such).
    pub certificate: Option<String>,
    /// 业务流程 (catalogue code, see `/api/v1/catalogue`).
    pub flow: Option<String>,
    /// 业务状态 code (`intake` … `archived`, `returned`, `withdrawn`).
    pub state: Option<String>,
    /// 受理日期 from (Beijing business date, `YYYY-MM-DD`).
    pub from: Option<String>,
    /// 受理日期 to, included.
    pub to: Option<String>,
    /// 渠道: `counter` (窗口) or `online` (网上).
    pub channel: Option<String>,
    /// 排序: `newest` (受理时间, default), `case_number` or `days_left`.
    pub sort: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl CaseSearchQuery {
    fn input(&self) -> SearchInput {
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        SearchInput {
            case_number: v(&self.case_number),
            applicant: v(&self.applicant),
            id_number: v(&self.id_number),
            location: v(&self.location),
            unit_number: v(&self.unit_number),
            certificate: v(&self.certificate),
            flow: v(&self.flow),
            state: v(&self.state),
            from: v(&self.from),
            to: v(&self.to),
            channel: v(&self.channel),
            sort: v(&self.sort),
        }
    }
}

/// An applicant of a case found, his ID number masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSearchApplicantDto {
    pub name: String,
    pub id_number_masked: String,
}

/// One case found.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSearchHitDto {
    pub id: i64,
    pub case_number: String,
    pub flow_code: String,
    /// 业务.
    pub flow_name: String,
    pub state: String,
    pub state_name: String,
    pub channel: String,
    pub channel_name: String,
    /// 受理时间 (UTC, RFC 3339).
    pub received_at: Option<String>,
    /// 受理日期 (Beijing).
    pub accepted_on: String,
    /// 承诺办结日期.
    pub deadline: String,
    /// 剩余工作日 (negative: overdue); absent once the case is closed.
    pub days_left: Option<i64>,
    /// 坐落 of its units.
    pub locations: Vec<String>,
    pub applicants: Vec<CaseSearchApplicantDto>,
}

fn hit_dto(h: CaseHit) -> CaseSearchHitDto {
    CaseSearchHitDto {
        id: h.id,
        case_number: h.case_number,
        flow_code: h.flow_code,
        flow_name: h.flow_name,
        state: h.state.code().into(),
        state_name: h.state.name().into(),
        channel: h.channel,
        channel_name: h.channel_name,
        received_at: h.received_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        accepted_on: h.accepted_on.to_string(),
        deadline: h.deadline.to_string(),
        days_left: h.days_left,
        locations: h.locations,
        applicants: h.applicants.into_iter().map(|(name, id_number_masked)| CaseSearchApplicantDto { name, id_number_masked }).collect(),
    }
}

/// Searches every case, finished ones included (业务查询); conditions that cannot be read answer
/// 422 with the field named.
#[utoipa::path(get, path = "/api/v1/cases/search", tag = "cases", operation_id = "search_cases",
    security(("bearer" = []), ("cookie" = [])), params(CaseSearchQuery),
    responses((status = 200, body = PageDto<CaseSearchHitDto>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn search_cases(State(services): State<Services>, Authed(actor): Authed, ApiQuery(q): ApiQuery<CaseSearchQuery>) -> ApiResult<Json<PageDto<CaseSearchHitDto>>> {
    let page = paging(q.page, q.per_page)?;
    Ok(Json(PageDto::map(case_search::search(&services, &actor, &q.input(), page).await?, hit_dto)))
}
